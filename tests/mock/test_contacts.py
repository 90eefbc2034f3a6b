"""Issue 4: contacts within a list (pages, line-type filter, tenancy) and deleting a list.

A list cannot be deleted while an import or LRN analysis of it runs, or while a scheduled
or sending project uses it; otherwise its contacts and jobs go with it.
"""

from __future__ import annotations

import httpx
import pytest

from mock.handlers.contact_lists import JOB_RUNNING, PROJECT_USES_LIST
from mock.store import tables
from tests.mock.contact_files import GOOD_ROWS
from tests.mock.job_helpers import (
    advance,
    control,
    finish,
    freeze,
    imported_list,
    job_path,
    new_list,
    presign,
    start_import,
    store_of,
)
from tests.serving import Live

ORG = "org_acme_retail"


def _all(client: httpx.Client, list_id: str, **params: object) -> list[dict]:
    """Every contact of the list, page by page (limit 2)."""
    found, cursor = [], None
    for _ in range(100):
        query = {"limit": 2, **params, **({"cursor": cursor} if cursor else {})}
        page = client.get(f"/contact-lists/{list_id}/contacts", params=query).json()
        found += page["data"]
        cursor = page["next_cursor"]
        if cursor is None:
            return found
    raise AssertionError("pagination did not end")


def test_contacts_are_listed_in_import_order_across_pages(fresh: Live, keys) -> None:
    list_id = imported_list(fresh, keys[ORG], "contacts/with_bad_rows.csv")
    with fresh.client(keys[ORG]) as client:
        contacts = _all(client, list_id)
    assert [c["phone"] for c in contacts] == [phone for phone, *_ in GOOD_ROWS]
    assert len({c["id"] for c in contacts}) == len(GOOD_ROWS)
    assert {c["contact_list_id"] for c in contacts} == {list_id}


def test_line_type_filter_matches_only_analysed_contacts(fresh: Live, keys) -> None:
    list_id = imported_list(fresh, keys[ORG], "contacts/spring_sale.csv")
    with fresh.client(keys[ORG]) as client, control(fresh) as ctl:
        # Before any analysis no contact has a line type, so no filter value matches
        assert _all(client, list_id, line_type="mobile") == []
        finish(ctl, client, job_path(client.post(f"/contact-lists/{list_id}/lrn-analyses")))
        landline = _all(client, list_id, line_type="landline")
        mobile = _all(client, list_id, line_type="mobile")
    assert [c["phone"] for c in landline] == ["+12025550102"]
    assert len(mobile) == 7 and {c["line_type"] for c in mobile} == {"mobile"}


def test_unknown_line_type_is_400(live: Live, keys) -> None:
    with live.client(keys[ORG]) as client:
        list_id = new_list(client)
        response = client.get(f"/contact-lists/{list_id}/contacts",
                              params={"line_type": "fax"})
    assert response.status_code == 400
    assert response.json()["errors"][0]["pointer"] == "/query/line_type"


def test_get_contact_within_its_list_only(fresh: Live, keys) -> None:
    list_id = imported_list(fresh, keys[ORG], "contacts/spring_sale.csv")
    with fresh.client(keys[ORG]) as client:
        contact = _all(client, list_id)[0]
        other = new_list(client)
        assert client.get(f"/contact-lists/{list_id}/contacts/{contact['id']}").json() == contact
        wrong_list = client.get(f"/contact-lists/{other}/contacts/{contact['id']}")
        unknown = client.get(f"/contact-lists/{list_id}/contacts/ct_unknown")
    assert wrong_list.status_code == 404 and contact["id"] in wrong_list.json()["detail"]
    assert unknown.status_code == 404


@pytest.mark.parametrize(("org", "visible"), [("org_acme_retail", True), ("org_acme_root", True),
                                              ("org_acme_health", False),
                                              ("org_acme_retail_west", False),
                                              ("org_globex_root", False)])
def test_contacts_follow_the_list_tenancy(fresh: Live, keys, org: str, visible: bool) -> None:
    list_id = imported_list(fresh, keys[ORG], "contacts/spring_sale.csv")
    with fresh.client(keys[ORG]) as owner:
        contact_id = _all(owner, list_id)[0]["id"]
    with fresh.client(keys[org]) as client:
        listed = client.get(f"/contact-lists/{list_id}/contacts")
        got = client.get(f"/contact-lists/{list_id}/contacts/{contact_id}")
    assert (listed.status_code, got.status_code) == ((200, 200) if visible else (404, 404))


def test_deleting_a_list_deletes_its_contacts_and_jobs(fresh: Live, keys) -> None:
    list_id = imported_list(fresh, keys[ORG], "contacts/spring_sale.csv")
    with fresh.client(keys[ORG]) as client:
        assert client.delete(f"/contact-lists/{list_id}").status_code == 204
        assert client.get(f"/contact-lists/{list_id}/contacts").status_code == 404
    with store_of(fresh) as store:
        for table in (tables.contacts, tables.contact_imports):
            assert store.page(table, [ORG], where={"contact_list_id": list_id}, limit=1,
                              after=0) == ([], None)


@pytest.mark.parametrize("job", ["imports", "lrn-analyses"])
def test_list_with_a_running_job_cannot_be_deleted(fresh: Live, keys, job: str) -> None:
    list_id = imported_list(fresh, keys[ORG], "contacts/spring_sale.csv")
    with fresh.client(keys[ORG]) as client, control(fresh) as ctl:
        freeze(ctl)
        if job == "imports":
            started = start_import(client, list_id, presign(ctl, "contacts/with_bad_rows.csv"))
        else:
            started = client.post(f"/contact-lists/{list_id}/lrn-analyses")
        path = job_path(started)
        pending = client.delete(f"/contact-lists/{list_id}")
        advance(ctl, fresh.settings.job_queue_seconds)
        assert client.get(path).json()["status"] == "processing"
        processing = client.delete(f"/contact-lists/{list_id}")
        finish(ctl, client, path)
        after = client.delete(f"/contact-lists/{list_id}")
    for response in (pending, processing):
        assert response.status_code == 409
        assert response.json()["detail"] == JOB_RUNNING
    assert after.status_code == 204


@pytest.mark.parametrize(("status", "code"), [("scheduled", 409), ("sending", 409),
                                               ("draft", 204), ("completed", 204)])
def test_list_used_by_a_scheduled_project_cannot_be_deleted(fresh: Live, keys, status: str,
                                                            code: int) -> None:
    with fresh.client(keys[ORG]) as client:
        list_id = new_list(client)
        # Given a project in `status` that sends to the list
        with store_of(fresh) as store:
            project = {"id": "prj_uses_list", "org_id": ORG, "status": status,
                       "contact_list_id": list_id}
            store.insert(tables.projects, project, status=status, contact_list_id=list_id,
                         media_ids=[])
        response = client.delete(f"/contact-lists/{list_id}")
        still_there = client.get(f"/contact-lists/{list_id}").status_code
    assert response.status_code == code
    if code == 409:
        assert response.json()["detail"] == PROJECT_USES_LIST
        assert still_there == 200
    else:
        assert still_there == 404
