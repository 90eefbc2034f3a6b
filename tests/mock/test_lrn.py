"""Issue 4: LRN analyses — 202 and a job; line types from the magic-number table; billing.

Each contact's `line_type` comes from fixtures/magic_numbers.json (served by getMagicNumbers);
other valid numbers are mobile. Every contact looked up is one billed LRN lookup, recorded
for the list's organization and for the organization whose key started the analysis.
"""

from __future__ import annotations

import json
import time
from collections import Counter

import httpx
import pytest

from mock import jobs, magic
from mock.handlers.contact_imports import ANALYSIS_RUNNING as IMPORT_ANALYSIS_RUNNING
from mock.handlers.lrn_analyses import ANALYSIS_RUNNING, LIST_EMPTY, LIST_IMPORTING
from mock.resources import fixtures_dir
from tests.mock.contact_files import TEN_THOUSAND, ten_thousand_rows
from tests.mock.job_helpers import (
    advance,
    control,
    finish,
    freeze,
    imported_list,
    job_path,
    new_list,
    poll,
    presign,
    start_import,
    store_of,
)
from tests.serving import Live
from tests.spec.documents import component, load

ORG = "org_acme_retail"
CONTROL = load("sandbox.yaml")
MAGIC = json.loads((fixtures_dir() / "magic_numbers.json").read_text())
SPRING_PHONES = [f"+1202555010{i}" for i in range(10)]


def _expected(phones: list[str]) -> dict[str, int]:
    """Line-type counts by the documented rule: the magic table, else mobile."""
    table = {m["number"]: m["line_type"] for m in MAGIC}
    found = Counter(table.get(phone, "mobile") for phone in phones)
    return {t: found[t] for t in ("mobile", "landline", "voip", "invalid")}


def _start(client: httpx.Client, list_id: str, key: str | None = None) -> httpx.Response:
    # A distinct Idempotency-Key: the same bodiless POST again would be replayed.
    headers = {"Idempotency-Key": key} if key else {}
    return client.post(f"/contact-lists/{list_id}/lrn-analyses", headers=headers)


def test_magic_numbers_are_served_from_the_fixture(live: Live) -> None:
    with control(live) as ctl:
        served = ctl.get("/magic-numbers").json()["data"]
    assert served == MAGIC
    validator = component(CONTROL, "MagicNumber")
    assert all(list(validator.iter_errors(record)) == [] for record in MAGIC)


def test_magic_numbers_are_the_documented_ones() -> None:
    example = CONTROL["paths"]["/magic-numbers"]["get"]["responses"]["200"]["content"][
        "application/json"]["example"]["data"]
    assert [(m["number"], m["outcome"], m["line_type"]) for m in MAGIC] == [
        (m["number"], m["outcome"], m["line_type"]) for m in example]
    assert [m["number"] for m in MAGIC] == [f"+1202555010{i}" for i in range(7)]


def test_line_type_rule_for_numbers_outside_the_table() -> None:
    table = magic.line_types(fixtures_dir())
    assert magic.line_type("+12025550107", table) == "mobile"
    assert magic.line_type("+442079460958", table) == "mobile"
    assert magic.line_type("+15555550100", table) == "invalid"
    assert magic.line_type("+12025550104", table) == "invalid"


def test_analysis_answers_202_then_progresses_to_counts_per_line_type(fresh: Live, keys) -> None:
    list_id = imported_list(fresh, keys[ORG], "contacts/spring_sale.csv")
    settings = fresh.settings
    with fresh.client(keys[ORG]) as client, control(fresh) as ctl:
        freeze(ctl)
        response = _start(client, list_id)
        created = response.json()
        assert response.status_code == 202
        assert response.headers["location"] == (
            f"/v1/contact-lists/{list_id}/lrn-analyses/{created['id']}")
        assert (created["status"], created["progress"], created["total"]) == ("pending", 0, 10)
        path = job_path(response)
        advance(ctl, settings.job_queue_seconds)
        assert client.get(path).json()["status"] == "processing"
        advance(ctl, (settings.lrn_seconds + 10 * settings.lrn_contact_seconds) * 0.555)
        halfway = client.get(path).json()
        done = finish(ctl, client, path)
        contacts = client.get(f"/contact-lists/{list_id}/contacts", params={"limit": 100}).json()
        listed = client.get(f"/contact-lists/{list_id}").json()
    # Part-way: progress, and running counts over the contacts looked up so far
    assert halfway["progress"] == 55
    assert halfway["counts"] == _expected(SPRING_PHONES[:5])
    # At the end: the counts match the magic-number table, and so does every contact
    assert (done["status"], done["progress"]) == ("completed", 100)
    assert done["counts"] == _expected(SPRING_PHONES) == {"mobile": 7, "landline": 1,
                                                          "voip": 1, "invalid": 1}
    table = {m["number"]: m["line_type"] for m in MAGIC}
    assert {c["phone"]: c["line_type"] for c in contacts["data"]} == {
        phone: table.get(phone, "mobile") for phone in SPRING_PHONES}
    assert listed["line_type_counts"] == done["counts"]


def test_each_lookup_is_billed_to_the_list_owner_and_the_initiator(fresh: Live, keys) -> None:
    list_id = imported_list(fresh, keys[ORG], "contacts/spring_sale.csv")
    # Given the parent organization's key starts the analysis of the child's list
    with fresh.client(keys["org_acme_root"]) as client, control(fresh) as ctl:
        freeze(ctl)
        first = finish(ctl, client, job_path(_start(client, list_id)))
        second = finish(ctl, client, job_path(_start(client, list_id, "again")))
    with store_of(fresh) as store:
        usage = store.usage("lrn_lookup")
    assert [(u["org_id"], u["initiating_org_id"], u["quantity"], u["reference"],
             u["occurred_at"]) for u in usage] == [
        (ORG, "org_acme_root", 10, first["id"], first["completed_at"]),
        (ORG, "org_acme_root", 10, second["id"], second["completed_at"])]


def test_ten_thousand_contacts_match_the_table(fresh: Live, keys) -> None:
    list_id = imported_list(fresh, keys[ORG], TEN_THOUSAND)
    with fresh.client(keys[ORG]) as client, control(fresh) as ctl:
        started = time.monotonic()
        done = finish(ctl, client, job_path(_start(client, list_id)), seconds=86400)
        elapsed = time.monotonic() - started
        landline = client.get(f"/contact-lists/{list_id}/contacts",
                              params={"line_type": "landline"}).json()["data"]
    print(f"\nLRN analysis of 10,000 contacts, frozen clock + advance: {elapsed:.2f} s")
    assert done["counts"] == _expected([phone for phone, *_ in ten_thousand_rows()])
    assert done["counts"]["mobile"] == 9_997
    assert [c["phone"] for c in landline] == ["+12025550102"]
    assert elapsed < 10


def test_polling_client_sees_every_state_in_order(fresh: Live, keys) -> None:
    list_id = imported_list(fresh, keys[ORG], "contacts/spring_sale.csv")
    with control(fresh) as ctl:
        ctl.put("/clock", json={"frozen": False})
    with fresh.client(keys[ORG]) as client:
        seen = poll(client, job_path(_start(client, list_id)))
    statuses = [job["status"] for job in seen]
    assert [s for i, s in enumerate(statuses) if i == 0 or statuses[i - 1] != s] == [
        "pending", "processing", "completed"]
    progress = [job["progress"] for job in seen]
    assert progress == sorted(progress)


def test_empty_list_is_422(live: Live, keys) -> None:
    with live.client(keys[ORG]) as client:
        response = _start(client, new_list(client))
    assert response.status_code == 422
    assert response.json()["detail"] == LIST_EMPTY


def test_importing_list_is_422(fresh: Live, keys) -> None:
    list_id = imported_list(fresh, keys[ORG], "contacts/spring_sale.csv")
    with fresh.client(keys[ORG]) as client, control(fresh) as ctl:
        start_import(client, list_id, presign(ctl, "contacts/with_bad_rows.csv"))
        response = _start(client, list_id)
    assert response.status_code == 422
    assert response.json()["detail"] == LIST_IMPORTING


def test_second_analysis_while_one_runs_is_422(fresh: Live, keys) -> None:
    list_id = imported_list(fresh, keys[ORG], "contacts/spring_sale.csv")
    with fresh.client(keys[ORG]) as client, control(fresh) as ctl:
        path = job_path(_start(client, list_id, "first"))
        busy = _start(client, list_id, "second")
        finish(ctl, client, path)
        later = _start(client, list_id, "third")
    assert busy.status_code == 422
    assert busy.json()["detail"] == ANALYSIS_RUNNING
    assert later.status_code == 202


def test_import_while_an_analysis_runs_is_422(fresh: Live, keys) -> None:
    # Contacts added mid-analysis would miss their line type, and the counts would lie.
    list_id = imported_list(fresh, keys[ORG], "contacts/spring_sale.csv")
    with fresh.client(keys[ORG]) as client, control(fresh) as ctl:
        path = job_path(_start(client, list_id))
        refused = start_import(client, list_id, presign(ctl, "contacts/with_bad_rows.csv"))
        finish(ctl, client, path)
        accepted = start_import(client, list_id, presign(ctl, "contacts/with_bad_rows.csv"))
    assert refused.status_code == 422
    assert refused.json()["detail"] == IMPORT_ANALYSIS_RUNNING
    assert accepted.status_code == 202


@pytest.mark.parametrize(("org", "visible"), [("org_acme_root", True),
                                              ("org_acme_health", False),
                                              ("org_globex_root", False)])
def test_analyses_follow_the_list_tenancy(fresh: Live, keys, org: str, visible: bool) -> None:
    list_id = imported_list(fresh, keys[ORG], "contacts/spring_sale.csv")
    with fresh.client(keys[ORG]) as owner, control(fresh) as ctl:
        freeze(ctl)
        path = job_path(_start(owner, list_id))
        other_list = new_list(owner)
        # An analysis is found only under its own list
        assert owner.get(path.replace(list_id, other_list)).status_code == 404
    with fresh.client(keys[org]) as client:
        got = client.get(path)
        started = _start(client, list_id, f"by-{org}")
    assert got.status_code == (200 if visible else 404)
    assert started.status_code == (422 if visible else 404)  # 422: one is already running


def test_analysis_that_breaks_unexpectedly_ends_failed_and_frees_the_list(
    fresh: Live, keys, monkeypatch: pytest.MonkeyPatch
) -> None:
    list_id = imported_list(fresh, keys[ORG], "contacts/spring_sale.csv")

    def broken(*_args: object, **_kwargs: object) -> None:
        raise RuntimeError("a bug")

    monkeypatch.setattr(magic, "line_types", broken)
    with fresh.client(keys[ORG]) as client, control(fresh) as ctl:
        job = finish(ctl, client, job_path(_start(client, list_id, "broken")))
        monkeypatch.undo()
        again = _start(client, list_id, "again")
    assert (job["status"], job["failure_reason"]) == ("failed", jobs.FAILED_UNEXPECTEDLY)
    assert again.status_code == 202
