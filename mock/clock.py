"""The sandbox's clock: the one place that reads the time.

Real time by default; it can be frozen, moved to a later time and advanced. Its state
lives in the store, so every worker sharing a database agrees on what time it is.
Running what falls due when the clock moves is the scheduler's job (mock/scheduler.py).
"""

from __future__ import annotations

from collections.abc import Callable
from datetime import UTC, datetime, timedelta
from typing import Protocol

from mock.store import Store


class Clock(Protocol):
    """What timed behaviour reads. Swap the implementation to control time."""

    def now(self) -> datetime: ...


def system_time() -> datetime:
    return datetime.now(UTC)


class SandboxClock:
    def __init__(self, store: Store, real: Callable[[], datetime] = system_time) -> None:
        self.store = store
        self.real = real

    def now(self) -> datetime:
        frozen_at, offset = self.store.clock_state()
        if frozen_at is not None:
            return frozen_at
        return self.real() + timedelta(seconds=offset)

    def describe(self) -> dict[str, object]:
        frozen_at, _ = self.store.clock_state()
        now = self.now()
        return {"now": rfc3339(now), "frozen": frozen_at is not None,
                "offset_seconds": round((now - self.real()).total_seconds(), 3)}

    def set(self, *, frozen: bool, moment: datetime | None = None) -> None:
        """Freeze or unfreeze, optionally at `moment`; the caller checks it is not earlier."""
        moment = moment or self.now()
        if frozen:
            self.store.set_clock_state(moment, 0.0)
        else:
            self.store.set_clock_state(None, (moment - self.real()).total_seconds())

    def move_to(self, moment: datetime) -> None:
        """Move forward to `moment`, keeping frozen or running as it is."""
        frozen_at, _ = self.store.clock_state()
        self.set(frozen=frozen_at is not None, moment=max(moment, self.now()))

    def reset(self) -> None:
        self.store.set_clock_state(None, 0.0)


def rfc3339(moment: datetime) -> str:
    """UTC, second precision, `Z` suffix: the API's time format."""
    return moment.astimezone(UTC).strftime("%Y-%m-%dT%H:%M:%SZ")


def parse_rfc3339(text: str) -> datetime:
    return datetime.fromisoformat(text.replace("Z", "+00:00")).astimezone(UTC)
