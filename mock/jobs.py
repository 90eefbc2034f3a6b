"""What contact imports and LRN analyses share: their simulated duration and running progress.

A job does its real work (download, parse, look-ups) when it starts processing, then takes
a simulated time on the sandbox clock before its results land. While it processes, its
progress is computed from the clock when it is read, so nothing needs to tick it.
"""

from __future__ import annotations

from datetime import datetime
from typing import Any

from mock.errors import INTERNAL

FAILED_UNEXPECTEDLY = "The job failed unexpectedly in the sandbox. " + INTERNAL


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
