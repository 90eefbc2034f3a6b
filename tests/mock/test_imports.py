"""Issue 4: contact imports — 202 and a job that goes pending → processing → ready | failed.

Every import really downloads a presigned fixture CSV from the sandbox over loopback. With a
frozen clock the job moves only when the clock is advanced; with the real clock a polling
client sees each state in turn. Every malformed input ends as a failed job with a reason,
or as a 4xx, and never leaves a half-imported list.
"""

from __future__ import annotations

import socket
import time
from collections.abc import Iterator
from pathlib import Path

import httpx
import pytest
from sqlalchemy import func, select

from mock import contact_import, jobs
from mock.handlers.contact_imports import IMPORT_RUNNING, NOT_HTTP
from mock.settings import Settings, SettingsError
from mock.store import tables
from tests.conftest import sandbox_settings
from tests.mock.contact_files import BAD_ROWS, GOOD_ROWS, TEN_THOUSAND, ten_thousand_rows
from tests.mock.job_helpers import (
    advance,
    control,
    finish,
    freeze,
    job_path,
    new_list,
    poll,
    presign,
    start_import,
    store_of,
)
from tests.serving import Live, serve

ORG = "org_acme_retail"


@pytest.fixture
def api(fresh: Live, keys: dict[str, str]) -> Iterator[tuple[httpx.Client, httpx.Client]]:
    """(public client of ORG, control client) on a fresh sandbox with a frozen clock."""
    with fresh.client(keys[ORG]) as client, control(fresh) as ctl:
        freeze(ctl)
        yield client, ctl


def _import(api: tuple[httpx.Client, httpx.Client], path: str, list_id: str | None = None
            ) -> tuple[str, dict]:
    client, ctl = api
    list_id = list_id or new_list(client)
    job = finish(ctl, client, job_path(start_import(client, list_id, presign(ctl, path))))
    return list_id, job


def _contacts(client: httpx.Client, list_id: str) -> list[dict]:
    return client.get(f"/contact-lists/{list_id}/contacts", params={"limit": 100}).json()["data"]


def test_import_answers_202_with_location_and_a_pending_job(api) -> None:
    client, ctl = api
    list_id = new_list(client)
    response = start_import(client, list_id, presign(ctl, "contacts/spring_sale.csv"))
    job = response.json()
    assert response.status_code == 202
    assert response.headers["location"] == f"/v1/contact-lists/{list_id}/imports/{job['id']}"
    assert job["status"] == "pending" and job["progress"] == 0
    assert job["counts"] == {"total_rows": 0, "imported": 0, "rejected": 0, "duplicates": 0}
    assert (job["started_at"], job["completed_at"], job["failure_reason"]) == (None, None, None)
    assert client.get(f"/contact-lists/{list_id}").json()["status"] == "importing"


def test_frozen_clock_moves_the_job_only_when_advanced(api, fresh: Live) -> None:
    client, ctl = api
    settings = fresh.settings
    list_id = new_list(client)
    path = job_path(start_import(client, list_id, presign(ctl, "contacts/with_bad_rows.csv")))
    time.sleep(0.3)  # the background worker has nothing due: still pending
    assert client.get(path).json()["status"] == "pending"
    # When the queue time passes, the file is downloaded and parsed: processing starts
    advance(ctl, settings.job_queue_seconds)
    started = client.get(path).json()
    assert (started["status"], started["progress"]) == ("processing", 0)
    assert started["started_at"] is not None
    # Part-way, progress and counts cover the rows reached so far (6 of 11 at 55 %)
    seconds = settings.import_seconds + 11 * settings.import_row_seconds
    advance(ctl, seconds * 0.555)
    halfway = client.get(path).json()
    assert halfway["progress"] == 55
    assert halfway["counts"] == {"total_rows": 6, "imported": 2, "rejected": 3, "duplicates": 1}
    assert [s["row"] for s in halfway["rejected_sample"]] == [4, 5, 6, 7]
    assert _contacts(client, list_id) == []  # nothing lands before the end
    advance(ctl, seconds * 0.445)
    done = client.get(path).json()
    assert (done["status"], done["progress"]) == ("ready", 100)
    assert done["completed_at"] is not None


def test_clean_file_imports_every_row(api) -> None:
    client, _ = api
    list_id, job = _import(api, "contacts/spring_sale.csv")
    assert job["counts"] == {"total_rows": 10, "imported": 10, "rejected": 0, "duplicates": 0}
    assert job["rejected_sample"] == []
    contacts = _contacts(client, list_id)
    assert [c["phone"] for c in contacts] == [f"+1202555010{i}" for i in range(10)]
    assert contacts[0]["first_name"] == "Maria" and contacts[0]["last_name"] == "Lopez"
    assert contacts[0]["custom_fields"] == {"store": "Portland", "loyalty_tier": "gold"}
    assert contacts[2]["custom_fields"] == {"store": "Portland"}  # empty cells are left out
    assert {(c["line_type"], c["opted_out"]) for c in contacts} == {(None, False)}
    listed = client.get(f"/contact-lists/{list_id}").json()
    assert (listed["status"], listed["contact_count"]) == ("ready", 10)


def test_bad_and_duplicate_rows_are_reported_with_their_line_numbers(api) -> None:
    client, _ = api
    list_id, job = _import(api, "contacts/with_bad_rows.csv")
    assert job["counts"] == {"total_rows": 11, "imported": 5, "rejected": 4, "duplicates": 2}
    assert [(s["row"], s["phone"], s["reason"]) for s in job["rejected_sample"]] == BAD_ROWS
    contacts = _contacts(client, list_id)
    assert [(c["phone"], c["first_name"], c["last_name"], c["custom_fields"])
            for c in contacts] == GOOD_ROWS


def test_numbers_already_in_the_list_are_duplicates(api) -> None:
    client, _ = api
    list_id, _ = _import(api, "contacts/spring_sale.csv")
    _, again = _import(api, "contacts/with_bad_rows.csv", list_id)
    # +12025550100, 0101, 0103 and 0104 were imported before; only the UK number is new
    assert again["counts"] == {"total_rows": 11, "imported": 1, "rejected": 4, "duplicates": 6}
    assert contact_import.ALREADY_IN_LIST in {s["reason"] for s in again["rejected_sample"]}
    assert client.get(f"/contact-lists/{list_id}").json()["contact_count"] == 11


def test_rejected_sample_holds_at_most_20_rows(api) -> None:
    list_id, _ = _import(api, "contacts/ten_thousand.csv")
    _, again = _import(api, "contacts/ten_thousand.csv", list_id)
    assert again["counts"]["duplicates"] == 10_000
    assert [s["row"] for s in again["rejected_sample"]] == list(range(2, 22))


def test_ten_thousand_rows_import_correctly_in_seconds(api, fresh: Live) -> None:
    client, ctl = api
    list_id = new_list(client)
    started = time.monotonic()
    path = job_path(start_import(client, list_id, presign(ctl, TEN_THOUSAND)))
    job = finish(ctl, client, path)
    elapsed = time.monotonic() - started
    print(f"\n10,000-row import, frozen clock + advance: {elapsed:.2f} s real time")
    assert elapsed < 10
    assert job["counts"] == {"total_rows": 10_000, "imported": 10_000, "rejected": 0,
                             "duplicates": 0}
    with store_of(fresh) as store, store.connect() as conn:
        t = tables.contacts
        rows = conn.execute(select(t.c.phone, t.c.body).where(t.c.contact_list_id == list_id)
                            .order_by(t.c.seq)).all()
    expected = ten_thousand_rows()
    assert [r.phone for r in rows] == [phone for phone, *_ in expected]
    assert [(r.body["first_name"], r.body["last_name"], r.body["custom_fields"]["store"])
            for r in rows] == [tuple(rest) for _, *rest in expected]
    assert client.get(f"/contact-lists/{list_id}").json()["contact_count"] == 10_000


def test_ten_thousand_rows_on_the_real_clock(tmp_path: Path, keys: dict[str, str]) -> None:
    # Given realistic but short timings on a running clock
    settings = sandbox_settings(tmp_path, job_queue_seconds=0.2, import_seconds=0.5,
                                import_row_seconds=0.0001)
    with serve(settings) as live, live.client(keys[ORG]) as client, control(live) as ctl:
        list_id = new_list(client)
        started = time.monotonic()
        seen = poll(client, job_path(start_import(client, list_id, presign(ctl, TEN_THOUSAND))),
                    every=0.1)
        elapsed = time.monotonic() - started
    print(f"\n10,000-row import, real clock (1.7 s simulated): {elapsed:.2f} s")
    assert seen[-1]["status"] == "ready"
    assert seen[-1]["counts"]["imported"] == 10_000
    assert elapsed < 10


def test_polling_client_sees_every_state_in_order(fresh: Live, keys: dict[str, str]) -> None:
    with fresh.client(keys[ORG]) as client, control(fresh) as ctl:
        list_id = new_list(client)
        path = job_path(start_import(client, list_id, presign(ctl, "contacts/spring_sale.csv")))
        seen = poll(client, path)
    statuses = [job["status"] for job in seen]
    assert [s for i, s in enumerate(statuses) if i == 0 or statuses[i - 1] != s] == [
        "pending", "processing", "ready"]
    progress = [job["progress"] for job in seen]
    assert progress == sorted(progress) and len(set(progress)) > 2
    rows = [job["counts"]["total_rows"] for job in seen]
    assert rows == sorted(rows)


MALFORMED = [
    ("contacts/wrong_header.csv",
     "The header row has no phone column (found: mobile, name, city)."),
    ("contacts/latin1.csv", "The file is not UTF-8 text (byte 43 cannot be decoded); "
                            "save it as UTF-8."),
    ("contacts/empty.csv", "The file is empty."),
    ("contacts/login_page.html", "The file is an HTML page, not CSV; check that the URL "
                                 "points at the file itself."),
    ("contacts/unclosed_quote.csv", "The file is not valid CSV: unexpected end of data (line 3)."),
]


@pytest.mark.parametrize(("path", "reason"), MALFORMED, ids=[p for p, _ in MALFORMED])
def test_malformed_file_fails_the_job_with_a_reason(api, path: str, reason: str) -> None:
    client, _ = api
    list_id, job = _import_failing(api, path)
    assert job["failure_reason"] == reason
    _assert_nothing_imported(client, list_id, job)


def _import_failing(api, path: str, list_id: str | None = None) -> tuple[str, dict]:
    client, ctl = api
    list_id = list_id or new_list(client)
    job = finish(ctl, client, job_path(start_import(client, list_id, presign(ctl, path))))
    assert job["status"] == "failed", job
    return list_id, job


def _assert_nothing_imported(client: httpx.Client, list_id: str, job: dict,
                             before: int = 0) -> None:
    assert job["counts"] == contact_import.counts("")
    assert (job["rejected_sample"], job["progress"]) == ([], 0)
    assert job["started_at"] is not None and job["completed_at"] is not None
    listed = client.get(f"/contact-lists/{list_id}").json()
    assert listed["contact_count"] == before
    assert listed["status"] == ("ready" if before else "empty")
    assert len(_contacts(client, list_id)) == before


def test_failed_import_keeps_the_contacts_the_list_had(api) -> None:
    client, _ = api
    list_id, _ = _import(api, "contacts/spring_sale.csv")
    _, job = _import_failing(api, "contacts/unclosed_quote.csv", list_id)
    _assert_nothing_imported(client, list_id, job, before=10)


def test_file_over_the_cap_fails(tmp_path: Path, keys: dict[str, str]) -> None:
    with serve(sandbox_settings(tmp_path, import_max_bytes=4096)) as live, \
            live.client(keys[ORG]) as client, control(live) as ctl:
        freeze(ctl)
        list_id, job = _import_failing((client, ctl), TEN_THOUSAND)
        assert job["failure_reason"] == "Download failed: the file is larger than 4096 bytes."
        _assert_nothing_imported(client, list_id, job)


def test_expired_presigned_url_fails_with_the_403(api) -> None:
    client, ctl = api
    list_id = new_list(client)
    url = presign(ctl, "contacts/spring_sale.csv", expires_in=60)
    advance(ctl, 120)
    job = finish(ctl, client, job_path(start_import(client, list_id, url)))
    assert job["status"] == "failed"
    assert job["failure_reason"] == ("Download failed: the server answered 403 Forbidden "
                                     "(has the presigned URL expired?).")
    _assert_nothing_imported(client, list_id, job)


def test_tampered_presigned_url_fails_with_the_403(api) -> None:
    client, ctl = api
    list_id = new_list(client)
    url = presign(ctl, "contacts/spring_sale.csv").replace("X-Amz-Expires=3600",
                                                            "X-Amz-Expires=7200")
    job = finish(ctl, client, job_path(start_import(client, list_id, url)))
    assert job["failure_reason"].startswith("Download failed: the server answered 403")


def test_unreachable_host_fails(api, unused_port: int) -> None:
    client, ctl = api
    list_id = new_list(client)
    url = f"http://127.0.0.1:{unused_port}/contacts.csv"
    job = finish(ctl, client, job_path(start_import(client, list_id, url)))
    assert job["status"] == "failed"
    assert job["failure_reason"].startswith(
        f"Download failed: could not connect to 127.0.0.1:{unused_port}")
    _assert_nothing_imported(client, list_id, job)


@pytest.mark.parametrize("url", ["ftp://127.0.0.1/contacts.csv", "file:///etc/passwd",
                                 "s3://acme-exports/contacts.csv", "http:contacts.csv"])
def test_url_that_is_not_http_is_422(api, url: str) -> None:
    client, _ = api
    list_id = new_list(client)
    response = start_import(client, list_id, url)
    assert response.status_code == 422
    assert response.json()["detail"] == NOT_HTTP
    assert response.json()["errors"][0]["pointer"] == "/body/source_url"
    assert client.get(f"/contact-lists/{list_id}").json()["status"] == "empty"
    assert client.get(f"/contact-lists/{list_id}/imports").json()["data"] == []


def test_second_import_while_one_runs_is_422(api) -> None:
    client, ctl = api
    list_id = new_list(client)
    job_path(start_import(client, list_id, presign(ctl, "contacts/spring_sale.csv")))
    # Another file: the same request again would be replayed as a network-blip retry
    url = presign(ctl, "contacts/with_bad_rows.csv")
    response = start_import(client, list_id, url)
    assert response.status_code == 422
    assert response.json()["detail"] == IMPORT_RUNNING
    advance(ctl, 3600)  # the first import ends; a new one may start
    assert start_import(client, list_id, url).status_code == 202


def test_imports_are_listed_newest_first_in_pages(api) -> None:
    client, _ = api
    list_id, first = _import(api, "contacts/spring_sale.csv")
    _, second = _import_failing(api, "contacts/empty.csv", list_id)
    _, third = _import(api, "contacts/with_bad_rows.csv", list_id)
    page = client.get(f"/contact-lists/{list_id}/imports", params={"limit": 2}).json()
    rest = client.get(f"/contact-lists/{list_id}/imports",
                      params={"limit": 2, "cursor": page["next_cursor"]}).json()
    assert [j["id"] for j in page["data"] + rest["data"]] == [third["id"], second["id"],
                                                               first["id"]]
    assert rest["next_cursor"] is None


def test_job_work_does_not_block_requests(fresh: Live, keys: dict[str, str]) -> None:
    # Given an import whose download hangs on a server that accepts and never answers
    with socket.socket() as silent, fresh.client(keys[ORG]) as client:
        silent.bind(("127.0.0.1", 0))
        silent.listen()
        list_id = new_list(client)
        start_import(client, list_id, f"http://127.0.0.1:{silent.getsockname()[1]}/x.csv")
        time.sleep(fresh.settings.job_queue_seconds + 0.3)  # the worker is now waiting
        # When the API is asked meanwhile, Then it answers at once
        started = time.monotonic()
        assert client.get(f"/contact-lists/{list_id}").json()["status"] == "importing"
        assert time.monotonic() - started < 1


def test_other_organizations_see_no_imports(api, keys: dict[str, str], fresh: Live) -> None:
    client, ctl = api
    list_id, job = _import(api, "contacts/spring_sale.csv")
    other_list = new_list(client)
    paths = [f"/contact-lists/{list_id}/imports", f"/contact-lists/{list_id}/imports/{job['id']}"]
    with fresh.client(keys["org_acme_health"]) as sibling:
        for path in paths:
            assert sibling.get(path).status_code == 404
        response = start_import(sibling, list_id, presign(ctl, "contacts/spring_sale.csv"))
        assert response.status_code == 404
    with fresh.client(keys["org_acme_root"]) as parent:
        assert parent.get(paths[1]).json()["id"] == job["id"]
    # An import is found only under its own list
    assert client.get(f"/contact-lists/{other_list}/imports/{job['id']}").status_code == 404


def test_finished_import_leaves_no_staged_work_behind(api, fresh: Live) -> None:
    _, job = _import(api, "contacts/spring_sale.csv")
    with store_of(fresh) as store:
        row = store.row(tables.contact_imports, job["id"])
        with store.connect() as conn:
            pending = conn.execute(select(func.count()).select_from(tables.tasks)
                                   .where(tables.tasks.c.state != "done")).scalar()
    assert (row["staged"], row["work"], row["active_list_id"]) == (None, None, None)
    assert pending == 0


@pytest.mark.parametrize(("variable", "value"), [
    ("SANDBOX_IMPORT_SECONDS", "-1"), ("SANDBOX_JOB_QUEUE_SECONDS", "90000"),
    ("SANDBOX_LRN_CONTACT_SECONDS", "soon"), ("SANDBOX_IMPORT_MAX_BYTES", "0"),
])
def test_bad_job_setting_names_its_variable(variable: str, value: str) -> None:
    with pytest.raises(SettingsError, match=variable):
        Settings.from_env({variable: value})


def test_job_settings_are_read_from_the_environment() -> None:
    settings = Settings.from_env({"SANDBOX_IMPORT_SECONDS": "0.5",
                                  "SANDBOX_IMPORT_MAX_BYTES": "4096"})
    assert (settings.import_seconds, settings.import_max_bytes) == (0.5, 4096)


def test_import_that_breaks_unexpectedly_ends_failed_and_frees_the_list(
    fresh: Live, keys: dict[str, str], monkeypatch: pytest.MonkeyPatch
) -> None:
    # Given a sandbox bug in the parse step (the server runs in this process)
    def broken(*_args: object, **_kwargs: object) -> None:
        raise RuntimeError("a bug")

    monkeypatch.setattr(contact_import, "parse", broken)
    with fresh.client(keys[ORG]) as client, control(fresh) as ctl:
        freeze(ctl)
        list_id = new_list(client)
        job = finish(ctl, client, job_path(start_import(
            client, list_id, presign(ctl, "contacts/spring_sale.csv"))))
        listed = client.get(f"/contact-lists/{list_id}").json()
    # Then the import does not stay running, and the list is usable again
    assert (job["status"], job["failure_reason"]) == ("failed", jobs.FAILED_UNEXPECTEDLY)
    assert listed["status"] == "empty"
