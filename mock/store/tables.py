"""The database schema: portable SQLAlchemy Core tables (SQLite by default, PostgreSQL too).

Each resource table keeps the resource's API representation in `body` and copies the
fields that queries filter on into indexed columns. `seq` orders lists and backs cursors.
"""

from __future__ import annotations

from sqlalchemy import JSON, Boolean, Column, Integer, MetaData, String, Table

metadata = MetaData()


def _resource(name: str, *columns: Column[object]) -> Table:
    return Table(
        name,
        metadata,
        Column("seq", Integer, primary_key=True, autoincrement=True),
        Column("id", String(80), nullable=False, unique=True),
        # The owning organization: what tenancy checks. An organization owns itself.
        Column("org_id", String(80), nullable=False, index=True),
        *columns,
        Column("body", JSON, nullable=False),
    )


organizations = _resource("organizations", Column("parent_id", String(80), index=True))
brands = _resource("brands")
campaigns = _resource("campaigns", Column("brand_id", String(80), index=True))
phone_numbers = _resource(
    "phone_numbers",
    Column("brand_id", String(80), index=True),
    Column("campaign_id", String(80), index=True),
    Column("can_sms", Boolean, nullable=False),
    Column("can_mms", Boolean, nullable=False),
)
tracking_domains = _resource("tracking_domains", Column("brand_id", String(80), index=True))

api_keys = Table(
    "api_keys",
    metadata,
    Column("seq", Integer, primary_key=True, autoincrement=True),
    Column("id", String(80), nullable=False, unique=True),
    Column("org_id", String(80), nullable=False, index=True),
    Column("name", String(200), nullable=False),
    # Only a public prefix and a SHA-256 digest are stored; see mock/auth.py.
    Column("prefix", String(40), nullable=False, index=True),
    Column("digest", String(64), nullable=False),
    Column("created_at", String(40), nullable=False),
)

contact_lists = _resource("contact_lists", Column("status", String(16), index=True))
