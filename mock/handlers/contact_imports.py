"""Contact Imports: start a CSV import into a list, and poll it."""

from __future__ import annotations

from datetime import datetime
from typing import Any
from urllib.parse import urlsplit

from mock import import_jobs, listing
from mock.errors import BusinessRule, field_error
from mock.handlers.contact_lists import job_row, visible
from mock.responses import Result, created, ok
from mock.sandbox import sandbox
from mock.store import tables
from mock.store.contacts import JobBusy

NOT_HTTP = "source_url must be an http or https URL with a host, such as a presigned S3 URL."
IMPORT_RUNNING = (
    "Another import of this list is pending or processing; poll it until it is ready or "
    "failed, then import again."
)
ANALYSIS_RUNNING = (
    "An LRN analysis of this list is pending or processing; poll it until it is completed "
    "or failed, then import, so that every contact gets its line type."
)


def create_contact_import(contact_list_id: str, body: dict[str, Any]) -> Result:
    box = sandbox()
    contact_list = visible(contact_list_id)
    url = urlsplit(body["source_url"])
    if url.scheme.lower() not in ("http", "https") or not url.hostname:
        raise BusinessRule(NOT_HTTP, errors=[field_error("body", ["source_url"], NOT_HTTP)])
    try:
        job = import_jobs.create(box, contact_list, body["source_url"])
    except JobBusy:
        raise BusinessRule(IMPORT_RUNNING) from None
    except import_jobs.ListAnalysing:
        raise BusinessRule(ANALYSIS_RUNNING) from None
    return created(job, _location(job), status=202)


def list_contact_imports(contact_list_id: str, limit: int = 25,
                         cursor: str | None = None) -> Result:
    visible(contact_list_id)
    now = sandbox().clock.now()
    return ok(listing.page(tables.contact_imports, limit=limit, cursor=cursor,
                           where={"contact_list_id": contact_list_id}, newest_first=True,
                           present=lambda item: _running(item, now)))


def get_contact_import(contact_list_id: str, import_id: str) -> Result:
    row = job_row(tables.contact_imports, "import", contact_list_id, import_id)
    return ok(import_jobs.present(row, sandbox().clock.now()))


def _running(item: dict[str, Any], now: datetime) -> dict[str, Any]:
    """A listed import; one that is processing is re-read for its progress."""
    if item["status"] != "processing":
        return item
    row = sandbox().store.row(tables.contact_imports, item["id"])
    return import_jobs.present(row, now) if row is not None else item


def _location(job: dict[str, Any]) -> str:
    return f"/v1/contact-lists/{job['contact_list_id']}/imports/{job['id']}"
