"""Read a contact CSV: check the file, normalise each phone to E.164, sort rows into outcomes.

The format is the one documented under the "Contact Imports" tag. A file-level problem
(empty, not UTF-8, an HTML page, broken CSV, no `phone` column) raises `ImportFailed`, and
nothing is imported. Row-level problems reject just that row. Which numbers are accepted
is decided by `phonenumbers` (default region US): a number is imported when the library
calls it valid, so the fictional +1 202 555-01xx numbers pass while 555-01xx without a real
area code, +1 555 … and text do not.
"""

from __future__ import annotations

import csv
import io
from collections.abc import Collection
from dataclasses import dataclass, field
from typing import Any

import phonenumbers

REGION = "US"
SAMPLE_SIZE = 20
KNOWN = ("phone", "first_name", "last_name")
# One letter per data row, in file order (`Parsed.outcomes`).
IMPORTED, REJECTED, DUPLICATE = "i", "r", "d"

EMPTY = "the file is empty"
NOT_UTF8 = "the file is not UTF-8 text (byte {offset} cannot be decoded); save it as UTF-8"
HTML = "the file is an HTML page, not CSV; check that the URL points at the file itself"
BAD_CSV = "the file is not valid CSV: {error} (line {line})"
NO_PHONE = "the header row has no phone column (found: {found})"
SAME_COLUMN = "the header row names the column {name!r} twice"
MISSING = "phone: missing"
INVALID = "phone: not a valid phone number"
DUPLICATE_OF = "duplicate of row {row}"
ALREADY_IN_LIST = "duplicate of a contact already in the list"


class ImportFailed(Exception):
    """The file as a whole cannot be imported; `reason` says why."""

    def __init__(self, reason: str) -> None:
        super().__init__(reason)
        self.reason = reason


@dataclass
class Parsed:
    contacts: list[dict[str, Any]] = field(default_factory=list)  # phone, names, custom_fields
    outcomes: list[str] = field(default_factory=list)
    # Up to SAMPLE_SIZE rows not imported, in file order, each with its data-row `index`.
    sample: list[dict[str, Any]] = field(default_factory=list)


def normalise(raw: str) -> str | None:
    """The E.164 form of `raw`, or None when phonenumbers does not call it a valid number."""
    try:
        number = phonenumbers.parse(raw, REGION)
    except phonenumbers.NumberParseException:
        return None
    if not phonenumbers.is_valid_number(number):
        return None
    return phonenumbers.format_number(number, phonenumbers.PhoneNumberFormat.E164)


def parse(data: bytes, content_type: str | None, existing: Collection[str]) -> Parsed:
    """Sort every data row of the CSV `data`; numbers in `existing` count as duplicates."""
    text = _text(data, content_type)
    reader = csv.reader(io.StringIO(text, newline=""), strict=True)
    try:
        header = next(reader)
        columns = _columns(header)
        parsed = Parsed()
        first_row: dict[str, int] = {}
        line = reader.line_num + 1
        for cells in reader:
            if cells:  # blank lines are not rows
                _sort(parsed, line, cells, columns, first_row, existing)
            line = reader.line_num + 1
    except csv.Error as exc:
        raise ImportFailed(BAD_CSV.format(error=exc, line=reader.line_num)) from exc
    return parsed


def _text(data: bytes, content_type: str | None) -> str:
    if not data.strip():
        raise ImportFailed(EMPTY)
    start = data.lstrip()[:64].lower()
    if content_type in ("text/html", "application/xhtml+xml") or start.startswith(
            (b"<!doctype html", b"<html", b"<head", b"<body")):
        raise ImportFailed(HTML)
    try:
        return data.decode("utf-8-sig")
    except UnicodeDecodeError as exc:
        raise ImportFailed(NOT_UTF8.format(offset=exc.start)) from exc


def _columns(header: list[str]) -> dict[str, int]:
    """Column positions by name: the known names in lower case, custom ones as written."""
    columns: dict[str, int] = {}
    for position, raw in enumerate(header):
        name = raw.strip()
        key = name.lower() if name.lower() in KNOWN else name
        if not key:
            continue  # an unnamed column (a trailing comma) carries nothing
        if key in columns:
            raise ImportFailed(SAME_COLUMN.format(name=name))
        columns[key] = position
    if "phone" not in columns:
        found = ", ".join(h.strip() for h in header if h.strip()) or "nothing"
        raise ImportFailed(NO_PHONE.format(found=found))
    return columns


def _sort(parsed: Parsed, line: int, cells: list[str], columns: dict[str, int],
          first_row: dict[str, int], existing: Collection[str]) -> None:
    values = {name: cells[i].strip() if i < len(cells) else "" for name, i in columns.items()}
    raw = values["phone"]
    phone = normalise(raw) if raw else None
    if phone is None:
        outcome, reason = REJECTED, INVALID if raw else MISSING
    elif phone in existing:
        outcome, reason = DUPLICATE, ALREADY_IN_LIST
    elif phone in first_row:
        outcome, reason = DUPLICATE, DUPLICATE_OF.format(row=first_row[phone])
    else:
        first_row[phone] = line
        parsed.outcomes.append(IMPORTED)
        parsed.contacts.append({
            "phone": phone,
            "first_name": values.get("first_name") or None,
            "last_name": values.get("last_name") or None,
            "custom_fields": {k: v for k, v in values.items() if k not in KNOWN and v},
        })
        return
    if len(parsed.sample) < SAMPLE_SIZE:
        parsed.sample.append({"index": len(parsed.outcomes), "row": line,
                              "phone": raw or None, "reason": reason})
    parsed.outcomes.append(outcome)


def counts(outcomes: str) -> dict[str, int]:
    """The API's `counts` for the data rows whose outcomes are `outcomes`."""
    return {"total_rows": len(outcomes), "imported": outcomes.count(IMPORTED),
            "rejected": outcomes.count(REJECTED), "duplicates": outcomes.count(DUPLICATE)}
