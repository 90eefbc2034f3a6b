"""Cursors for list endpoints: `c1_` and the hex position after which the next page starts.

The document gives cursors a pattern, so every schema-valid cursor is one this module
can read (it may simply point past the end); anything else fails validation with 400.
"""

from __future__ import annotations

import re

from mock.errors import BAD_CURSOR, BadRequest, field_error

_CURSOR = re.compile(r"c1_([0-9a-f]{1,12})")


def encode(position: int | None) -> str | None:
    return None if position is None else f"c1_{position:x}"


def decode(cursor: str | None) -> int:
    """The position after which the next page starts; 0 for the first page."""
    if cursor is None:
        return 0
    match = _CURSOR.fullmatch(cursor)
    if match is None:
        raise BadRequest(BAD_CURSOR, errors=[field_error("query", ["cursor"], BAD_CURSOR)])
    return int(match.group(1), 16)


def envelope(items: list[dict[str, object]], last: int | None) -> dict[str, object]:
    return {"data": items, "next_cursor": encode(last)}
