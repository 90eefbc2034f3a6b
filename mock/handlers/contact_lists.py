"""Contact Lists: create, list, get, update and delete the lists that projects send to."""

from __future__ import annotations

from typing import Any

from sqlalchemy import Table

from mock import listing
from mock.clock import rfc3339
from mock.errors import Conflict, NotFound
from mock.ids import new_id
from mock.responses import Result, created, no_content, ok
from mock.sandbox import sandbox
from mock.store import tables

# A list cannot be deleted while a project in one of these statuses sends to it.
PROJECTS_HOLDING = ("scheduled", "sending")
JOB_RUNNING = (
    "An import or LRN analysis of this list is pending or processing; wait until it ends, "
    "then delete the list."
)
PROJECT_USES_LIST = (
    "A scheduled or sending project uses this list; cancel its schedule or wait until it "
    "completes, then delete the list."
)


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
    return ok(listing.page(tables.contact_lists, limit=limit, cursor=cursor, org_id=org_id,
                           where={"status": status}, newest_first=True))


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
    holder = box.store.delete_contact_list(contact_list_id, PROJECTS_HOLDING)
    if holder == "job":
        raise Conflict(JOB_RUNNING)
    if holder == "project":
        raise Conflict(PROJECT_USES_LIST)
    return no_content()


def job_row(table: Table, kind: str, contact_list_id: str, job_id: str) -> dict[str, Any]:
    """A job (import, LRN analysis) of a list the key can see; 404 when either is unknown
    or the job belongs to another list."""
    visible(contact_list_id)
    row = sandbox().store.row(table, job_id)
    if row is None or row["contact_list_id"] != contact_list_id:
        raise NotFound.of(kind, job_id)
    return row


def visible(contact_list_id: str) -> dict[str, Any]:
    """The list, if the key can see it; 404 otherwise."""
    return listing.visible(tables.contact_lists, "contact list", contact_list_id)
