"""Work that falls due on the sandbox clock: job steps, schedules, receipts, webhook retries.

Tasks are rows in the store, so nothing queued is lost on a restart and several workers
can share them: a worker claims a task with a compare-and-set before running it. A
background loop runs what falls due in real time; `advance` moves the clock forward and
runs everything that falls due on the way, in time order, before it returns.
"""

from __future__ import annotations

import asyncio
import logging
from collections.abc import Callable
from datetime import datetime, timedelta
from typing import Any

from starlette.concurrency import run_in_threadpool

from mock.clock import SandboxClock
from mock.store import Store

log = logging.getLogger(__name__)
LEASE_SECONDS = 120.0
POLL_SECONDS = 0.05

Runner = Callable[[dict[str, Any]], None]


class Scheduler:
    def __init__(self, store: Store, clock: SandboxClock) -> None:
        self.store = store
        self.clock = clock
        self.runners: dict[str, Runner] = {}

    def register(self, kind: str, runner: Runner) -> None:
        """Say what runs a task of `kind`; the runner gets the task's payload."""
        self.runners[kind] = runner

    def run_due(self, until: datetime | None = None) -> int:
        """Run every task due by `until` (default: now), in due order. Returns how many ran."""
        until = until or self.clock.now()
        ran = 0
        while (task := self._claim_next(until)) is not None:
            self._run(task)
            ran += 1
        return ran

    def advance(self, seconds: float) -> None:
        """Move the clock `seconds` forward, running what falls due at its own due time."""
        target = self.clock.now() + timedelta(seconds=seconds)
        while (task := self._claim_next(target)) is not None:
            self.clock.move_to(datetime.fromtimestamp(task["due_at"], target.tzinfo))
            self._run(task)
        self.clock.move_to(target)

    async def loop(self) -> None:
        """Run due tasks in real time until cancelled (started by the app's lifespan)."""
        while True:
            try:
                await run_in_threadpool(self.run_due)
            except Exception:  # a broken task must not stop the loop
                log.exception("scheduler loop")
            await asyncio.sleep(POLL_SECONDS)

    def _claim_next(self, until: datetime) -> dict[str, Any] | None:
        while (task := self.store.next_task(until, self._real())) is not None:
            if self.store.claim_task(task, self._real() + LEASE_SECONDS):
                return task
        return None

    def _real(self) -> float:
        # Leases guard against dead workers, so they run on real time, not sandbox time.
        return self.clock.real().timestamp()

    def _run(self, task: dict[str, Any]) -> None:
        runner = self.runners.get(task["kind"])
        if runner is None:
            self.store.finish_task(task["seq"], f"no runner for {task['kind']}")
            return
        try:
            runner(task["payload"])
        except Exception as exc:
            log.exception("task %s %s failed", task["kind"], task["seq"])
            self.store.finish_task(task["seq"], f"{type(exc).__name__}: {exc}")
        else:
            self.store.finish_task(task["seq"])
