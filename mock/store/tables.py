"""The database schema: portable SQLAlchemy Core tables (SQLite by default, PostgreSQL too).

Each resource table keeps the resource's API representation in `body` and copies the
fields that queries filter on into indexed columns. `seq` orders lists and backs cursors.
"""

from __future__ import annotations

from sqlalchemy import (
    JSON,
    Boolean,
    Column,
    Float,
    Integer,
    LargeBinary,
    MetaData,
    String,
    Table,
    UniqueConstraint,
)

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
contacts = _resource(
    "contacts",
    Column("contact_list_id", String(80), nullable=False, index=True),
    Column("phone", String(20), nullable=False, index=True),
    Column("line_type", String(16), index=True),
)


def _job(name: str, *columns: Column[object]) -> Table:
    """A job of a contact list. `active_list_id` holds the list's id while the job is pending
    or processing: being unique, it lets one job of each kind run per list, portably."""
    return _resource(
        name,
        Column("contact_list_id", String(80), nullable=False, index=True),
        Column("status", String(16), nullable=False, index=True),
        Column("active_list_id", String(80), unique=True),
        # What the job found, kept from its start to its end (never shown as such).
        Column("work", JSON),
        *columns,
    )


contact_imports = _job("contact_imports", Column("staged", JSON))  # the parsed contacts
lrn_analyses = _job("lrn_analyses")

# Billable usage, by the organization that owns the work and the one whose key started it.
usage_records = Table(
    "usage_records",
    metadata,
    Column("seq", Integer, primary_key=True, autoincrement=True),
    Column("org_id", String(80), nullable=False, index=True),
    Column("initiating_org_id", String(80), nullable=False, index=True),
    Column("kind", String(24), nullable=False),  # sms_segment | mms_message | lrn_lookup
    Column("quantity", Integer, nullable=False),
    Column("occurred_at", String(40), nullable=False, index=True),
    Column("reference", String(80)),  # the job or message the usage comes from
)

# Per-sandbox secrets (the presigned-URL key), made on first use; a reset makes new ones.
sandbox_secrets = Table(
    "sandbox_secrets",
    metadata,
    Column("name", String(40), primary_key=True),
    Column("value", String(128), nullable=False),
)

media = _resource("media", Column("status", String(16), index=True))
# The bytes of each media item, apart from `media` so that lists never load them.
media_files = Table(
    "media_files",
    metadata,
    Column("media_id", String(80), primary_key=True),
    Column("content", LargeBinary, nullable=False),
)

# Projects; the indexed columns say which lists and media a scheduled or sending one holds.
projects = _resource(
    "projects",
    Column("status", String(16), index=True),
    Column("contact_list_id", String(80), index=True),
    Column("media_ids", JSON),
)

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

# Each API key's request count in its current fixed window (sandbox clock, Unix seconds).
rate_limits = Table(
    "rate_limits",
    metadata,
    Column("api_key_id", String(80), primary_key=True),
    Column("window_start", Float, nullable=False),
    Column("count", Integer, nullable=False),
)

# Writes claimed under an Idempotency-Key ("key:<key>") or, for keyless retries, under the
# request's fingerprint ("auto:<fingerprint>"). The unique pair is the claim: of two
# concurrent requests, one inserts and the other finds its row.
idempotency_keys = Table(
    "idempotency_keys",
    metadata,
    Column("seq", Integer, primary_key=True, autoincrement=True),
    Column("api_key_id", String(80), nullable=False),
    Column("key", String(300), nullable=False),
    Column("fingerprint", String(64), nullable=False),  # SHA-256 of method, path and body
    Column("state", String(12), nullable=False),  # running | done
    Column("expires_at", Float, nullable=False, index=True),  # sandbox clock, Unix seconds
    # Real time: a running claim whose worker died is free again after it.
    Column("lease_until", Float, nullable=False),
    Column("status", Integer),
    Column("headers", JSON),
    Column("body", LargeBinary),
    UniqueConstraint("api_key_id", "key"),
)

# What a reset reports the counts of.
RESOURCE_TABLES = [organizations, brands, campaigns, phone_numbers, tracking_domains, api_keys,
                   contact_lists, contacts, media, projects]
