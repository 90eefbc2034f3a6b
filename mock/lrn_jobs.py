"""LRN analyses on the sandbox clock: pending → processing → completed | failed.

The analysis covers the contacts the list had when it was created (up to a position in
import order). `start` looks every one up in the magic-number table; `finish`, the
simulated time later, sets each contact's `line_type`, the list's `line_type_counts` and
one billing record for all the look-ups, in one transaction.
"""

from __future__ import annotations

from datetime import datetime, timedelta
from typing import TYPE_CHECKING, Any

from mock import jobs, magic
from mock.clock import rfc3339
from mock.ids import new_id
from mock.store import tables

if TYPE_CHECKING:
    from mock.sandbox import Sandbox

START, FINISH = "lrn_analysis.start", "lrn_analysis.finish"
LINE_TYPES = ("mobile", "landline", "voip", "invalid")
_LETTER = {t: t[0] for t in LINE_TYPES}  # one letter per looked-up contact in `work`
_TYPE = {letter: t for t, letter in _LETTER.items()}


def register(box: Sandbox) -> None:
    jobs.register(box, tables.lrn_analyses, "lrn_id", {START: start, FINISH: finish}, _fail)


def create(box: Sandbox, contact_list: dict[str, Any], initiating_org_id: str) -> dict[str, Any]:
    """Queue an analysis of the list's current contacts; `JobBusy` when one is running."""
    now = box.clock.now()
    job = {
        "id": new_id("lrn"), "contact_list_id": contact_list["id"], "status": "pending",
        "progress": 0, "total": contact_list["contact_count"], "counts": counts(""),
        "failure_reason": None, "created_at": rfc3339(now), "started_at": None,
        "completed_at": None,
    }
    work = {"last_seq": box.store.last_contact_seq(contact_list["id"]),
            "initiating_org_id": initiating_org_id}
    with box.store.transaction() as conn:
        box.store.add_job(conn, tables.lrn_analyses, job, contact_list["org_id"], work=work)
        box.store.add_task(START, now + timedelta(seconds=box.settings.job_queue_seconds),
                           {"lrn_id": job["id"]}, conn=conn)
    return job


def counts(letters: str) -> dict[str, int]:
    return {t: letters.count(_LETTER[t]) for t in LINE_TYPES}


def present(row: dict[str, Any], now: datetime) -> dict[str, Any]:
    """The analysis as the API shows it: while processing, its progress at `now`."""
    body: dict[str, Any] = row["body"]
    if body["status"] != "processing":
        return body
    progress, done = jobs.running(row["work"]["outcomes"], now, row["work"])
    return {**body, "progress": progress, "counts": counts(done)}


def start(box: Sandbox, row: dict[str, Any]) -> None:
    if row["status"] != "pending":
        return
    now = box.clock.now()
    table = magic.line_types(box.settings.fixtures)
    found = box.store.contacts_up_to(row["contact_list_id"], row["work"]["last_seq"])
    outcomes = "".join(_LETTER[magic.line_type(phone, table)] for _, phone in found)
    seconds = box.settings.lrn_seconds + len(outcomes) * box.settings.lrn_contact_seconds
    job = {**row["body"], "status": "processing", "started_at": rfc3339(now),
           "total": len(outcomes)}
    work = {**row["work"], "outcomes": outcomes, **jobs.timing(now, seconds)}
    with box.store.transaction() as conn:
        box.store.save(conn, tables.lrn_analyses, job, status="processing", work=work)
        box.store.add_task(FINISH, now + timedelta(seconds=seconds), {"lrn_id": job["id"]},
                           conn=conn)


def finish(box: Sandbox, row: dict[str, Any]) -> None:
    if row["status"] != "processing":
        return
    now = rfc3339(box.clock.now())
    work = row["work"]
    found = box.store.contacts_up_to(row["contact_list_id"], work["last_seq"])
    line_types = {contact_id: _TYPE[letter]
                  for (contact_id, _), letter in zip(found, work["outcomes"], strict=True)}
    totals = counts(work["outcomes"])
    job = {**row["body"], "status": "completed", "progress": 100, "counts": totals,
           "completed_at": now}
    with box.store.transaction() as conn:
        listed = box.store.row(tables.contact_lists, row["contact_list_id"], conn)
        if listed is None:  # cannot happen: deleting a list is refused while a job runs
            raise LookupError(f"contact list {row['contact_list_id']} is gone")
        box.store.set_line_types(conn, line_types)
        box.store.save(conn, tables.contact_lists,
                       {**listed["body"], "line_type_counts": totals, "updated_at": now})
        box.store.add_usage(conn, org_id=row["org_id"],
                            initiating_org_id=work["initiating_org_id"], kind="lrn_lookup",
                            quantity=len(line_types), occurred_at=now, reference=job["id"])
        box.store.save(conn, tables.lrn_analyses, job, status="completed",
                       active_list_id=None, work=None)


def _fail(box: Sandbox, row: dict[str, Any], reason: str) -> None:
    now = rfc3339(box.clock.now())
    job = {**row["body"], "status": "failed", "failure_reason": reason,
           "started_at": row["body"]["started_at"] or now, "completed_at": now}
    with box.store.transaction() as conn:
        box.store.save(conn, tables.lrn_analyses, job, status="failed", active_list_id=None,
                       work=None)
