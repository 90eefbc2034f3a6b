"""API Keys: create (shown once), list and revoke the sandbox's keys."""

from __future__ import annotations

import secrets
from typing import Any

from mock import auth, pagination
from mock.clock import rfc3339
from mock.errors import NotFound
from mock.responses import Result, created, no_content, ok
from mock.sandbox import sandbox
from mock.store import tables


def list_api_keys(limit: int = 25, cursor: str | None = None, org_id: str | None = None) -> Result:
    box = sandbox()
    if org_id is not None:
        _organization(org_id)
    rows, last = box.store.api_key_page(org_id, limit=limit, after=pagination.decode(cursor))
    return ok(pagination.envelope([auth.public(r) for r in rows], last))


def create_api_key(body: dict[str, Any]) -> Result:
    box = sandbox()
    _organization(body["org_id"])
    key = auth.new_key()
    row = auth.key_row("key_" + secrets.token_hex(8), body["org_id"], body["name"], key,
                       rfc3339(box.clock.now()), body.get("rate_limit"))
    box.store.insert_api_key(row)
    return created({**auth.public(row), "key": key}, f"/sandbox/api-keys/{row['id']}")


def delete_api_key(api_key_id: str) -> Result:
    if not sandbox().store.delete_api_key(api_key_id):
        raise NotFound(f"No API key {api_key_id}.")
    return no_content()


def _organization(org_id: str) -> None:
    if sandbox().store.get(tables.organizations, org_id, frozenset({org_id})) is None:
        raise NotFound.of("organization", org_id)
