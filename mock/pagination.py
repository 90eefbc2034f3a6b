"""Opaque cursors for list endpoints."""

from __future__ import annotations

import base64
import binascii

from mock.errors import BAD_CURSOR, BadRequest, field_error

_MAGIC = "c1:"


def encode(seq: int | None) -> str | None:
    if seq is None:
        return None
    return base64.urlsafe_b64encode(f"{_MAGIC}{seq}".encode()).decode().rstrip("=")


def decode(cursor: str | None) -> int:
    """The position after which the next page starts; 0 for the first page."""
    if cursor is None:
        return 0
    try:
        text = base64.urlsafe_b64decode(cursor + "=" * (-len(cursor) % 4)).decode()
        if text.startswith(_MAGIC) and text[len(_MAGIC):].isdigit():
            return int(text[len(_MAGIC):])
    except (binascii.Error, UnicodeDecodeError, ValueError):
        pass
    raise BadRequest(BAD_CURSOR, errors=[field_error("query", ["cursor"], BAD_CURSOR)])


def envelope(items: list[dict[str, object]], last_seq: int | None) -> dict[str, object]:
    return {"data": items, "next_cursor": encode(last_seq)}
