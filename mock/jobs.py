"""What contact imports and LRN analyses share: guarded steps, simulated time, progress.

A job does its real work (download, parse, look-ups) when it starts processing, then takes
a simulated time on the sandbox clock before its results land. While it processes, its
progress is computed from the clock when it is read, so nothing needs to tick it.
"""

from __future__ import annotations

import functools
import logging
from collections.abc import Callable
from datetime import datetime
from typing import TYPE_CHECKING, Any

from sqlalchemy import Table

from mock.errors import INTERNAL

if TYPE_CHECKING:
    from mock.sandbox import Sandbox

log = logging.getLogger(__name__)
FAILED_UNEXPECTEDLY = "The job failed unexpectedly in the sandbox. " + INTERNAL
Row = dict[str, Any]
Step = Callable[["Sandbox", Row], None]


def register(box: Sandbox, table: Table, key: str, steps: dict[str, Step],
             fail: Callable[[Sandbox, Row, str], None]) -> None:
    """Make each step a task kind; the task's payload names the job under `key`."""
    for kind, step in steps.items():
        box.scheduler.register(kind, functools.partial(_run, box, table, key, step, fail))


def _run(box: Sandbox, table: Table, key: str, step: Step,
         fail: Callable[[Sandbox, Row, str], None], payload: dict[str, Any]) -> None:
    """Run a step; if it breaks, end the job failed rather than leave it running."""
    row = box.store.row(table, payload[key])
    if row is None:
        return
    try:
        step(box, row)
    except Exception:
        log.exception("%s %s", table.name, payload[key])
        fail(box, row, FAILED_UNEXPECTEDLY)
        raise


def timing(started: datetime, seconds: float) -> dict[str, float]:
    """The `work` entries that `fraction` reads."""
    return {"started": started.timestamp(), "seconds": seconds}


def fraction(work: dict[str, Any], now: datetime) -> float:
    """How far a processing job has got, from 0 to 0.99: 1 only once its results landed."""
    seconds = float(work["seconds"])
    if seconds <= 0:
        return 0.99
    elapsed = now.timestamp() - float(work["started"])
    return min(max(elapsed / seconds, 0.0), 0.99)


def running(outcomes: str, now: datetime, work: dict[str, Any]) -> tuple[int, str]:
    """(progress in percent, the outcomes reached so far) of a processing job."""
    done = fraction(work, now)
    return int(done * 100), outcomes[:int(len(outcomes) * done)]
