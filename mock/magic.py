"""The sandbox's magic numbers: fictional +1 202 555-01xx numbers that force an outcome.

They live in fixtures/magic_numbers.json and are served by getMagicNumbers. An LRN analysis
reads each number's `line_type` from them; any other number is `mobile` when phonenumbers
calls it valid and `invalid` otherwise.
"""

from __future__ import annotations

from pathlib import Path
from typing import Any

from mock import fixtures
from mock.contact_import import normalise

FILE = "magic_numbers.json"


def numbers(folder: Path) -> list[dict[str, Any]]:
    return fixtures.read(folder, FILE)


def line_types(folder: Path) -> dict[str, str]:
    """The line type of each magic number, by number."""
    return {n["number"]: n["line_type"] for n in numbers(folder)}


def line_type(phone: str, magic: dict[str, str]) -> str:
    if phone in magic:
        return magic[phone]
    return "mobile" if normalise(phone) is not None else "invalid"
