"""The running sandbox: settings, store, clock and scheduler, shared by every handler."""

from __future__ import annotations

from dataclasses import dataclass
from typing import Any

from connexion import context
from sqlalchemy.exc import DBAPIError, SQLAlchemyError

from mock import fixtures, import_jobs, lrn_jobs, media_jobs
from mock.clock import SandboxClock, rfc3339
from mock.scheduler import Scheduler
from mock.settings import ENV_PREFIX, Settings, SettingsError
from mock.store import Store
from mock.tenancy import Tenant, current


@dataclass
class Sandbox:
    settings: Settings
    store: Store
    clock: SandboxClock
    scheduler: Scheduler

    @classmethod
    def open(cls, settings: Settings) -> Sandbox:
        """Open the database, creating it and loading the fixtures on first start."""
        try:
            store = Store(settings.database_url)
            store.create()
        except (SQLAlchemyError, ImportError) as exc:  # ImportError: its driver is missing
            reason = str(exc.orig if isinstance(exc, DBAPIError) else exc).splitlines()[0]
            raise SettingsError(
                f"{ENV_PREFIX}DATABASE_URL: cannot open {settings.database_url} ({reason})"
            ) from None
        clock = SandboxClock(store)
        sandbox = cls(settings, store, clock, Scheduler(store, clock))
        media_jobs.register(sandbox)
        import_jobs.register(sandbox)
        lrn_jobs.register(sandbox)
        if store.is_empty():
            sandbox.reset()
        return sandbox

    def reset(self) -> None:
        """Drop everything (clock and queued work included) and reload the fixtures."""
        self.store.replace_all(fixtures.rows(self.settings.fixtures, rfc3339(self.clock.real())))

    def tenant(self) -> Tenant:
        """The current request's tenant, worked out once per request (it reads the org tree)."""
        state: dict[str, Any] = context.request.scope["state"]
        if "tenant" not in state:
            state["tenant"] = current(self.store.org_parents())
        return state["tenant"]  # type: ignore[no-any-return]


def sandbox() -> Sandbox:
    """The sandbox serving the current request (put in scope by mock/app.py)."""
    state: dict[str, Any] = context.request.scope["state"]
    return state["sandbox"]  # type: ignore[no-any-return]
