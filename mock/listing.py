"""Reading resources through the current key's organization tree: one item, or one page."""

from __future__ import annotations

from collections.abc import Callable, Mapping
from typing import Any

from sqlalchemy import Table

from mock import pagination
from mock.errors import NotFound
from mock.sandbox import sandbox

Body = dict[str, Any]


def visible(table: Table, kind: str, resource_id: str) -> Body:
    """The resource, if the key's tree holds it; 404 (as if it did not exist) otherwise."""
    box = sandbox()
    found = box.store.get(table, resource_id, box.tenant().orgs)
    if found is None:
        raise NotFound.of(kind, resource_id)
    return found


def page(
    table: Table,
    *,
    limit: int,
    cursor: str | None,
    org_id: str | None = None,
    where: Mapping[str, Any] | None = None,
    newest_first: bool = False,
    present: Callable[[Body], Body] | None = None,
) -> dict[str, object]:
    """One page of the key's resources, narrowed to `org_id`'s subtree (404 outside the
    tree) and to the `where` filters that were given (None means not filtered)."""
    box = sandbox()
    tenant = box.tenant()
    orgs = tenant.subtree(org_id) if org_id is not None else tenant.orgs
    filters = {k: v for k, v in (where or {}).items() if v is not None}
    items, last = box.store.page(table, orgs, where=filters, limit=limit,
                                 after=pagination.decode(cursor), newest_first=newest_first)
    return pagination.envelope([present(i) for i in items] if present else items, last)
