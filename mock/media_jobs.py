"""Media processing on the sandbox clock: uploads turn ready; imports are downloaded and checked.

Each media item gets one task, due `media_seconds` after it was created. Its runner is
idempotent: media that is no longer `processing` (finished, or deleted) is left alone; and
if it breaks, the media ends `failed` rather than `processing` for ever.
"""

from __future__ import annotations

import logging
from datetime import timedelta
from typing import TYPE_CHECKING, Any

from mock import downloads, jobs, media_types
from mock.clock import rfc3339

if TYPE_CHECKING:
    from mock.sandbox import Sandbox

log = logging.getLogger(__name__)
PROCESS = "media.process"


def register(box: Sandbox) -> None:
    box.scheduler.register(PROCESS, lambda payload: process(box, payload["media_id"]))


def start(box: Sandbox, media: dict[str, Any], content: bytes | None) -> None:
    """Store new `processing` media (with its bytes, for an upload) and queue its processing."""
    due_at = box.clock.now() + timedelta(seconds=box.settings.media_seconds)
    box.store.insert_media(media, content, PROCESS, due_at)


def process(box: Sandbox, media_id: str) -> None:
    media = box.store.media_body(media_id)
    if media is None or media["status"] != "processing":
        return
    try:
        _process(box, media)
    except Exception:
        log.exception("media %s", media_id)
        _fail(box, media, jobs.FAILED_UNEXPECTEDLY)
        raise


def _process(box: Sandbox, media: dict[str, Any]) -> None:
    content = None
    if media["source_url"] is not None:
        try:
            content = downloads.fetch(media["source_url"], max_bytes=media_types.MAX_BYTES).content
            media["size_bytes"] = len(content)
            media["content_type"] = media_types.check(content)
        except downloads.DownloadError as exc:
            _fail(box, media, downloads.FAILED.format(reason=exc.reason))
            return
        except media_types.MediaRejected as exc:
            _fail(box, media, exc.reason)
            return
    media.update(status="ready", updated_at=rfc3339(box.clock.now()))
    box.store.finish_media(media, content)


def _fail(box: Sandbox, media: dict[str, Any], reason: str) -> None:
    media.update(status="failed", failure_reason=reason, updated_at=rfc3339(box.clock.now()))
    box.store.finish_media(media, None)
