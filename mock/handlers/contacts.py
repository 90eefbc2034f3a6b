"""Contacts: the recipients of a contact list, as imported and analysed."""

from __future__ import annotations

from mock import listing
from mock.errors import NotFound
from mock.handlers.contact_lists import visible
from mock.responses import Result, ok
from mock.sandbox import sandbox
from mock.store import tables


def list_contacts(contact_list_id: str, limit: int = 25, cursor: str | None = None,
                  line_type: str | None = None) -> Result:
    visible(contact_list_id)
    return ok(listing.page(tables.contacts, limit=limit, cursor=cursor,
                           where={"contact_list_id": contact_list_id, "line_type": line_type}))


def get_contact(contact_list_id: str, contact_id: str) -> Result:
    box = sandbox()
    visible(contact_list_id)
    contact = box.store.get(tables.contacts, contact_id, box.tenant().orgs)
    if contact is None or contact["contact_list_id"] != contact_list_id:
        raise NotFound.of("contact", contact_id)
    return ok(contact)
