"""Load the seed data in fixtures/ into table rows. A missing or malformed file fails loudly."""

from __future__ import annotations

import json
from collections.abc import Callable
from dataclasses import dataclass
from pathlib import Path
from typing import Any

from sqlalchemy import Table

from mock import auth
from mock.store import tables


@dataclass(frozen=True)
class FixtureKind:
    """One fixture file: its table, the spec schema its records follow, its extra columns."""

    file: str
    table: Table
    schema: str
    columns: Callable[[dict[str, Any]], dict[str, Any]]


def _none(_: dict[str, Any]) -> dict[str, Any]:
    return {}


RESOURCES = (
    FixtureKind("organizations.json", tables.organizations, "Organization",
                lambda r: {"org_id": r["id"], "parent_id": r["parent_id"]}),
    FixtureKind("brands.json", tables.brands, "Brand", _none),
    FixtureKind("campaigns.json", tables.campaigns, "Campaign",
                lambda r: {"brand_id": r["brand_id"]}),
    FixtureKind("phone_numbers.json", tables.phone_numbers, "PhoneNumber",
                lambda r: {"brand_id": r["brand_id"], "campaign_id": r["campaign_id"],
                           "can_sms": r["capabilities"]["sms"],
                           "can_mms": r["capabilities"]["mms"]}),
    FixtureKind("tracking_domains.json", tables.tracking_domains, "TrackingDomain",
                lambda r: {"brand_id": r["brand_id"]}),
)
API_KEYS = "api_keys.json"


class FixtureError(ValueError):
    """A fixture file is missing or does not hold what the sandbox needs."""


def read(folder: Path, name: str) -> list[dict[str, Any]]:
    path = folder / name
    try:
        records = json.loads(path.read_text(encoding="utf-8"))
    except FileNotFoundError:
        raise FixtureError(f"Missing fixture file: {path}") from None
    except json.JSONDecodeError as exc:
        raise FixtureError(f"{path}: not valid JSON ({exc})") from None
    if not isinstance(records, list) or not all(isinstance(r, dict) for r in records):
        raise FixtureError(f"{path}: expected a JSON array of objects")
    return records


def rows(folder: Path, loaded_at: str) -> dict[Table, list[dict[str, Any]]]:
    """Every table's rows, built from the fixture files in `folder`."""
    out: dict[Table, list[dict[str, Any]]] = {}
    for kind in RESOURCES:
        out[kind.table] = [
            {"id": r["id"], "org_id": r.get("org_id", r["id"]), **kind.columns(r), "body": r}
            for r in read(folder, kind.file)
        ]
    out[tables.api_keys] = [
        auth.key_row(k["id"], k["org_id"], k["name"], k["key"], loaded_at, k.get("rate_limit"))
        for k in read(folder, API_KEYS)
    ]
    return out


def sandbox_keys(folder: Path) -> list[dict[str, Any]]:
    """The fixture API keys in plain text (they are public sandbox keys, for `make mock`)."""
    return read(folder, API_KEYS)
