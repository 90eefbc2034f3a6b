"""LRN Analyses: look up the line type of every contact of a list, and poll the analysis."""

from __future__ import annotations

from typing import Any

from mock import lrn_jobs
from mock.errors import BusinessRule
from mock.handlers.contact_lists import job_row, visible
from mock.responses import Result, created, ok
from mock.sandbox import sandbox
from mock.store import tables
from mock.store.contacts import JobBusy

LIST_EMPTY = "The list has no contacts to analyse; import contacts first."
LIST_IMPORTING = (
    "The list is importing; wait until its import is ready or failed, then start the analysis."
)
ANALYSIS_RUNNING = (
    "Another LRN analysis of this list is pending or processing; poll it until it is "
    "completed or failed."
)


def create_lrn_analysis(contact_list_id: str) -> Result:
    box = sandbox()
    contact_list = visible(contact_list_id)
    if contact_list["status"] == "importing":
        raise BusinessRule(LIST_IMPORTING)
    if contact_list["contact_count"] == 0:
        raise BusinessRule(LIST_EMPTY)
    try:
        job = lrn_jobs.create(box, contact_list, box.tenant().org_id)
    except JobBusy:
        raise BusinessRule(ANALYSIS_RUNNING) from None
    return created(job, _location(job), status=202)


def get_lrn_analysis(contact_list_id: str, lrn_analysis_id: str) -> Result:
    row = job_row(tables.lrn_analyses, "LRN analysis", contact_list_id, lrn_analysis_id)
    return ok(lrn_jobs.present(row, sandbox().clock.now()))


def _location(job: dict[str, Any]) -> str:
    return f"/v1/contact-lists/{job['contact_list_id']}/lrn-analyses/{job['id']}"
