"""The database schema: portable SQLAlchemy Core tables (SQLite by default, PostgreSQL too).

Each resource table keeps the resource's API representation in `body` and copies the
fields that queries filter on into indexed columns. `seq` orders lists and backs cursors.
"""

from __future__ import annotations

from sqlalchemy import JSON, Boolean, Column, Float, Integer, MetaData, String, Table

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
    # {limit, window_seconds}, or null for the sandbox's default budget.
    Column("rate_limit", JSON),
    Column("created_at", String(40), nullable=False),
    Column("last_used_at", String(40)),
)

contact_lists = _resource("contact_lists", Column("status", String(16), index=True))

# The sandbox clock: one row. `frozen_at` is set while frozen; otherwise now = real + offset.
clock = Table(
    "clock",
    metadata,
    Column("id", Integer, primary_key=True),
    Column("frozen_at", Float),
    Column("offset_seconds", Float, nullable=False),
)

# Work that falls due on the sandbox clock (job steps, schedules, receipts, retries).
tasks = Table(
    "tasks",
    metadata,
    Column("seq", Integer, primary_key=True, autoincrement=True),
    Column("kind", String(40), nullable=False),
    Column("due_at", Float, nullable=False, index=True),  # Unix seconds, sandbox clock
    Column("payload", JSON, nullable=False),
    Column("state", String(12), nullable=False, index=True),  # pending | running | done | failed
    # A claim that is not finished by then (the worker died) may be claimed again.
    Column("lease_until", Float),
    Column("error", String(500)),
)

# What a reset reports the counts of.
RESOURCE_TABLES = [organizations, brands, campaigns, phone_numbers, tracking_domains, api_keys,
                   contact_lists]
