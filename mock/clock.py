"""The sandbox's clock: the one place that reads the time."""

from __future__ import annotations

from datetime import UTC, datetime
from typing import Protocol


class Clock(Protocol):
    """What timed behaviour reads. Swap in another implementation to control time."""

    def now(self) -> datetime: ...


class SystemClock:
    def now(self) -> datetime:
        return datetime.now(UTC)


def rfc3339(moment: datetime) -> str:
    """UTC, second precision, `Z` suffix: the API's time format."""
    return moment.astimezone(UTC).strftime("%Y-%m-%dT%H:%M:%SZ")
