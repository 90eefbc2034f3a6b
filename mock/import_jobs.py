"""Contact imports on the sandbox clock: pending → processing → ready | failed.

`start` runs `job_queue_seconds` after the import was created: it downloads and parses the
file, and on success keeps the parsed contacts staged with the import. `finish` runs the
simulated processing time later and writes every contact, the counts and the list's new
status in one transaction, so a list never shows half an import.
"""

from __future__ import annotations

from datetime import datetime, timedelta
from typing import TYPE_CHECKING, Any

from sqlalchemy.engine import Connection

from mock import contact_import, downloads, jobs
from mock.clock import rfc3339
from mock.ids import new_id
from mock.store import tables

if TYPE_CHECKING:
    from mock.sandbox import Sandbox

START, FINISH = "contact_import.start", "contact_import.finish"


def register(box: Sandbox) -> None:
    jobs.register(box, tables.contact_imports, "import_id", {START: start, FINISH: finish},
                  lambda box, row, reason: _fail(box, row["body"], reason))


def create(box: Sandbox, contact_list: dict[str, Any], source_url: str) -> dict[str, Any]:
    """Queue an import into `contact_list`; `JobBusy` when one is already running."""
    now = box.clock.now()
    job = {
        "id": new_id("imp"), "contact_list_id": contact_list["id"], "source_url": source_url,
        "status": "pending", "progress": 0, "counts": contact_import.counts(""),
        "rejected_sample": [], "failure_reason": None, "created_at": rfc3339(now),
        "started_at": None, "completed_at": None,
    }
    listed = {**contact_list, "status": "importing", "updated_at": rfc3339(now)}
    with box.store.transaction() as conn:
        box.store.add_job(conn, tables.contact_imports, job, org_id=contact_list["org_id"])
        # Checked after the insert took the write lock: an analysis started meanwhile counts.
        if box.store.job_active(conn, tables.lrn_analyses, contact_list["id"]):
            raise ListAnalysing(contact_list["id"])
        box.store.save(conn, tables.contact_lists, listed, status="importing")
        box.store.add_task(START, now + timedelta(seconds=box.settings.job_queue_seconds),
                           {"import_id": job["id"]}, conn=conn)
    return job


class ListAnalysing(Exception):
    """An LRN analysis of the list is running: new contacts would miss its line types."""


def present(row: dict[str, Any], now: datetime) -> dict[str, Any]:
    """The import as the API shows it: while processing, its progress at `now`."""
    body: dict[str, Any] = row["body"]
    if body["status"] != "processing":
        return body
    work = row["work"]
    progress, done = jobs.running(work["outcomes"], now, work)
    sample = [_shown(s) for s in work["sample"] if s["index"] < len(done)]
    return {**body, "progress": progress, "counts": contact_import.counts(done),
            "rejected_sample": sample}


def start(box: Sandbox, row: dict[str, Any]) -> None:
    if row["status"] != "pending":
        return
    now = box.clock.now()
    job = {**row["body"], "status": "processing", "started_at": rfc3339(now)}
    try:
        download = downloads.fetch(job["source_url"], max_bytes=box.settings.import_max_bytes)
        parsed = contact_import.parse(download.content, download.content_type,
                                      box.store.contact_phones(job["contact_list_id"]))
    except downloads.DownloadError as exc:
        _fail(box, job, downloads.FAILED.format(reason=exc.reason))
        return
    except contact_import.ImportFailed as exc:
        _fail(box, job, exc.reason[0].upper() + exc.reason[1:] + ".")
        return
    outcomes = "".join(parsed.outcomes)
    seconds = box.settings.import_seconds + len(outcomes) * box.settings.import_row_seconds
    work = {"outcomes": outcomes, "sample": parsed.sample, **jobs.timing(now, seconds)}
    with box.store.transaction() as conn:
        box.store.save(conn, tables.contact_imports, job, status="processing", work=work,
                       staged=parsed.contacts)
        box.store.add_task(FINISH, now + timedelta(seconds=seconds), {"import_id": job["id"]},
                           conn=conn)


def finish(box: Sandbox, row: dict[str, Any]) -> None:
    if row["status"] != "processing":
        return
    now = rfc3339(box.clock.now())
    outcomes = row["work"]["outcomes"]
    counts = contact_import.counts(outcomes)
    job = {**row["body"], "status": "ready", "progress": 100, "counts": counts,
           "rejected_sample": [_shown(s) for s in row["work"]["sample"]], "completed_at": now}
    contacts = [{"id": new_id("ct"), "contact_list_id": job["contact_list_id"], **staged,
                 "line_type": None, "opted_out": False, "created_at": now}
                for staged in row["staged"]]
    with box.store.transaction() as conn:
        box.store.add_contacts(conn, row["org_id"], contacts)
        _settle(box, conn, job, added=len(contacts), now=now)
        box.store.save(conn, tables.contact_imports, job, status="ready", active_list_id=None,
                       work=None, staged=None)


def _fail(box: Sandbox, job: dict[str, Any], reason: str) -> None:
    now = rfc3339(box.clock.now())
    job = {**job, "status": "failed", "progress": 0, "counts": contact_import.counts(""),
           "rejected_sample": [], "failure_reason": reason,
           "started_at": job["started_at"] or now, "completed_at": now}
    with box.store.transaction() as conn:
        _settle(box, conn, job, added=0, now=now)
        box.store.save(conn, tables.contact_imports, job, status="failed", active_list_id=None,
                       work=None, staged=None)


def _settle(box: Sandbox, conn: Connection, job: dict[str, Any], *, added: int, now: str) -> None:
    """The list after its import ended: `ready` with contacts, `empty` without."""
    found = box.store.row(tables.contact_lists, job["contact_list_id"], conn)
    if found is None:
        return
    count = found["body"]["contact_count"] + added
    status = "ready" if count else "empty"
    listed = {**found["body"], "contact_count": count, "status": status, "updated_at": now}
    box.store.save(conn, tables.contact_lists, listed, status=status)


def _shown(entry: dict[str, Any]) -> dict[str, Any]:
    return {k: entry[k] for k in ("row", "phone", "reason")}
