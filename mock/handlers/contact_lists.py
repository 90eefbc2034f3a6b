"""Contact Lists: create, list, get, update and delete the lists that projects send to."""

from __future__ import annotations

from typing import Any

from mock import pagination
from mock.clock import rfc3339
from mock.errors import NotFound
from mock.ids import new_id
from mock.responses import Result, created, no_content, ok
from mock.sandbox import sandbox
from mock.store import tables


def create_contact_list(body: dict[str, Any]) -> Result:
    box = sandbox()
    tenant = box.tenant()
    org_id = body.get("org_id", tenant.org_id)
    tenant.subtree(org_id)  # 404 outside the key's tree
    now = rfc3339(box.clock.now())
    contact_list = {
        "id": new_id("cl"), "org_id": org_id, "name": body["name"],
        "description": body.get("description"), "status": "empty", "contact_count": 0,
        "line_type_counts": None, "created_at": now, "updated_at": now,
    }
    box.store.insert(tables.contact_lists, contact_list, status="empty")
    return created(contact_list, f"/v1/contact-lists/{contact_list['id']}")


def list_contact_lists(limit: int = 25, cursor: str | None = None, org_id: str | None = None,
                       status: str | None = None) -> Result:
    box = sandbox()
    tenant = box.tenant()
    orgs = tenant.subtree(org_id) if org_id is not None else tenant.orgs
    where = {"status": status} if status is not None else {}
    items, last = box.store.page(tables.contact_lists, orgs, where=where, limit=limit,
                                 after=pagination.decode(cursor), newest_first=True)
    return ok(pagination.envelope(items, last))


def get_contact_list(contact_list_id: str) -> Result:
    return ok(visible(contact_list_id))


def update_contact_list(contact_list_id: str, body: dict[str, Any]) -> Result:
    box = sandbox()
    contact_list = visible(contact_list_id)
    contact_list.update(body)
    contact_list["updated_at"] = rfc3339(box.clock.now())
    box.store.replace(tables.contact_lists, contact_list)
    return ok(contact_list)


def delete_contact_list(contact_list_id: str) -> Result:
    box = sandbox()
    visible(contact_list_id)
    box.store.delete(tables.contact_lists, contact_list_id)
    return no_content()


def visible(contact_list_id: str) -> dict[str, Any]:
    """The list, if the key can see it; 404 otherwise."""
    box = sandbox()
    found = box.store.get(tables.contact_lists, contact_list_id, box.tenant().orgs)
    if found is None:
        raise NotFound.of("contact list", contact_list_id)
    return found
