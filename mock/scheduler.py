"""Work that falls due on the sandbox clock: job steps, schedules, receipts, webhook retries.

Tasks are rows in the store, so nothing queued is lost on a restart and several workers
can share them: a worker claims a task with a compare-and-set before running it. A
background loop runs what falls due in real time; `advance` moves the clock forward and
runs everything that falls due on the way, in time order, before it returns.
"""

from __future__ import annotations

import asyncio
import logging
import time
from collections.abc import Callable
from datetime import datetime, timedelta
from typing import Any

from starlette.concurrency import run_in_threadpool

from mock.clock import SandboxClock
from mock.store import Store

log = logging.getLogger(__name__)
LEASE_SECONDS = 120.0
POLL_SECONDS = 0.05
PARALLEL_TASKS = 8
# How long `advance` waits for due tasks that another thread is running (downloads are
# bounded at 60 s, so this covers them).
WAIT_SECONDS = 90.0

Runner = Callable[[dict[str, Any]], None]


class Scheduler:
    def __init__(self, store: Store, clock: SandboxClock) -> None:
        self.store = store
        self.clock = clock
        self.runners: dict[str, Runner] = {}

    def register(self, kind: str, runner: Runner) -> None:
        """Say what runs a task of `kind`; the runner gets the task's payload."""
        self.runners[kind] = runner

    def advance(self, seconds: float) -> None:
        """Move the clock `seconds` forward, running what falls due at its own due time.

        It returns only when nothing due by then is left: tasks that the background loop
        (of this or another worker) took meanwhile are waited for, up to a bound.
        """
        target = self.clock.now() + timedelta(seconds=seconds)
        patience = time.monotonic() + WAIT_SECONDS
        while True:
            task = self._claim_next(target)
            if task is not None:
                self.clock.move_to(datetime.fromtimestamp(task["due_at"], target.tzinfo))
                self._run(task)
            elif self.store.tasks_running(target, self._real()) and time.monotonic() < patience:
                time.sleep(POLL_SECONDS)
            else:
                break
        self.clock.move_to(target)

    async def loop(self) -> None:
        """Run due tasks in real time, several at once so that one slow download does not
        hold up other work, until cancelled (started by the app's lifespan). A task cut
        short by shutdown is claimed again when its lease runs out."""
        running: set[asyncio.Task[None]] = set()
        while True:
            try:
                while len(running) < PARALLEL_TASKS:
                    task = await run_in_threadpool(self._claim_due)
                    if task is None:
                        break
                    job = asyncio.create_task(run_in_threadpool(self._run, task))
                    running.add(job)
                    job.add_done_callback(running.discard)
            except Exception:  # a broken store call must not stop the loop
                log.exception("scheduler loop")
            await asyncio.sleep(POLL_SECONDS)

    def _claim_due(self) -> dict[str, Any] | None:
        return self._claim_next(self.clock.now())

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
