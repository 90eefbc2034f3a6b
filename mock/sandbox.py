"""The running sandbox: settings, store and clock, shared by every handler of one app."""

from __future__ import annotations

from dataclasses import dataclass, field
from typing import Any

from connexion import context

from mock import fixtures
from mock.clock import Clock, SystemClock, rfc3339
from mock.settings import Settings
from mock.store import Store
from mock.tenancy import Tenant, current


@dataclass
class Sandbox:
    settings: Settings
    store: Store
    clock: Clock = field(default_factory=SystemClock)

    @classmethod
    def open(cls, settings: Settings) -> Sandbox:
        """Open the database, creating it and loading the fixtures on first start."""
        sandbox = cls(settings, Store(settings.database_url))
        sandbox.store.create()
        if sandbox.store.is_empty():
            sandbox.reset()
        return sandbox

    def reset(self) -> None:
        """Drop everything and reload the fixtures, in one transaction."""
        self.store.replace_all(fixtures.rows(self.settings.fixtures, rfc3339(self.clock.now())))

    def tenant(self) -> Tenant:
        return current(self.store.org_parents())


def sandbox() -> Sandbox:
    """The sandbox serving the current request (put in scope by mock/app.py)."""
    state: dict[str, Any] = context.request.scope["state"]
    return state["sandbox"]  # type: ignore[no-any-return]
