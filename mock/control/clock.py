"""Clock: read, freeze, move and advance the sandbox's test clock."""

from __future__ import annotations

from datetime import UTC, datetime, timedelta
from typing import Any

from mock.clock import parse_rfc3339
from mock.errors import BusinessRule, field_error
from mock.responses import Result, ok
from mock.sandbox import sandbox

CLOCK_BACKWARDS = "The sandbox clock only moves forward; pick a time after the current one."
CLOCK_RANGE = "The sandbox clock stops before the year 3000; pick an earlier time."
# Far enough for any test, and far from datetime's limit, which timed work adds days to.
LATEST = datetime(3000, 1, 1, tzinfo=UTC)


def get_clock() -> Result:
    return ok(sandbox().clock.describe())


def set_clock(body: dict[str, Any]) -> Result:
    box = sandbox()
    moment = None
    if "now" in body:
        moment = parse_rfc3339(body["now"])
        if moment < box.clock.now():
            raise BusinessRule(CLOCK_BACKWARDS,
                               errors=[field_error("body", ["now"], CLOCK_BACKWARDS)])
        _within_range(moment, "now")
        # Moving forward runs what falls due on the way, as advancing does.
        box.scheduler.advance((moment - box.clock.now()).total_seconds())
    # At `now` exactly: the advance above may overshoot it by the microseconds it took.
    box.clock.set(frozen=body["frozen"], moment=moment)
    return ok(box.clock.describe())


def advance_clock(body: dict[str, Any]) -> Result:
    box = sandbox()
    seconds = float(body["seconds"])
    _within_range(box.clock.now() + timedelta(seconds=seconds), "seconds")
    box.scheduler.advance(seconds)
    return ok(box.clock.describe())


def _within_range(moment: datetime, field: str) -> None:
    if moment >= LATEST:
        raise BusinessRule(CLOCK_RANGE, errors=[field_error("body", [field], CLOCK_RANGE)])
