"""Media: upload or import MMS images, poll them until ready, list, get and delete them."""

from __future__ import annotations

from pathlib import PurePosixPath
from typing import Any
from urllib.parse import unquote, urlsplit

from starlette.datastructures import UploadFile

from mock import listing, media_jobs, media_types
from mock.clock import rfc3339
from mock.errors import (
    BadRequest,
    BusinessRule,
    Conflict,
    PayloadTooLarge,
    Problem,
    UnsupportedMediaType,
    field_error,
)
from mock.ids import new_id
from mock.responses import Result, created, no_content, ok
from mock.sandbox import sandbox
from mock.store import tables

NO_FILE = "Send the image as a multipart part named `file` that has a filename."
NOT_HTTP = "source_url must be an http or https URL with a host."
IN_USE = (
    "The media is used by a scheduled or sending project; cancel the project's schedule or "
    "wait for it to finish, then delete the media."
)
NAME_MAX = 200
# Project statuses that hold on to their media.
ACTIVE_PROJECTS = ("scheduled", "sending")
_REJECTIONS: dict[int, type[Problem]] = {
    413: PayloadTooLarge, 415: UnsupportedMediaType, 422: BusinessRule,
}


def upload_media(body: dict[str, Any], file: UploadFile | None = None) -> Result:
    if file is None:
        raise BadRequest(NO_FILE, errors=[field_error("body", ["file"], NO_FILE)])
    with file.file:
        content = file.file.read()
    try:
        content_type = media_types.check(content)
    except media_types.MediaRejected as exc:
        problem = _REJECTIONS[exc.status]
        raise problem(exc.reason, errors=[field_error("body", ["file"], exc.reason)]) from None
    filename = PurePosixPath((file.filename or "").replace("\\", "/")).name
    return _start(body, body.get("name") or filename, content, content_type=content_type,
                  size_bytes=len(content))


def import_media(body: dict[str, Any]) -> Result:
    source_url = body["source_url"]
    parts = urlsplit(source_url)
    if parts.scheme.lower() not in ("http", "https") or not parts.hostname:
        raise BusinessRule(NOT_HTTP, errors=[field_error("body", ["source_url"], NOT_HTTP)])
    default_name = unquote(PurePosixPath(parts.path).name) or parts.hostname
    return _start(body, body.get("name") or default_name, None, source_url=source_url)


def list_media(limit: int = 25, cursor: str | None = None, org_id: str | None = None,
               status: str | None = None) -> Result:
    return ok(listing.page(tables.media, limit=limit, cursor=cursor, org_id=org_id,
                           where={"status": status}, newest_first=True))


def get_media(media_id: str) -> Result:
    return ok(visible(media_id))


def delete_media(media_id: str) -> Result:
    visible(media_id)
    if not sandbox().store.delete_media(media_id, ACTIVE_PROJECTS):
        raise Conflict(IN_USE)
    return no_content()


def visible(media_id: str) -> dict[str, Any]:
    """The media item, if the key can see it; 404 otherwise."""
    return listing.visible(tables.media, "media", media_id)


def _start(body: dict[str, Any], name: str, content: bytes | None, **fields: Any) -> Result:
    """Create the media in `processing` and queue the work that finishes it."""
    box = sandbox()
    tenant = box.tenant()
    org_id = body.get("org_id", tenant.org_id)
    tenant.subtree(org_id)  # 404 outside the key's tree
    now = rfc3339(box.clock.now())
    media_id = new_id("med")
    media = {
        "id": media_id, "org_id": org_id, "name": (name or media_id)[:NAME_MAX],
        "status": "processing", "content_type": None, "size_bytes": None, "source_url": None,
        "failure_reason": None, "created_at": now, "updated_at": now, **fields,
    }
    media_jobs.start(box, media, content)
    return created(media, f"/v1/media/{media_id}", 202)
