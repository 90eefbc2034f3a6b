"""Simulation: the magic numbers, replies and link clicks that normally come from phones."""

from __future__ import annotations

from mock import magic
from mock.responses import Result, ok
from mock.sandbox import sandbox


def get_magic_numbers() -> Result:
    return ok({"data": magic.numbers(sandbox().settings.fixtures)})
