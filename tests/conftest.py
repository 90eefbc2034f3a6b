"""Shared fixtures: sandboxes served over real loopback HTTP, on throwaway SQLite files."""

from __future__ import annotations

import json
from collections.abc import Iterator
from pathlib import Path
from typing import Any

import pytest

from mock.resources import fixtures_dir
from mock.settings import Settings
from tests.serving import Live, serve


def sandbox_settings(tmp: Path, **overrides: Any) -> Settings:
    # One session sandbox serves the whole suite, far past 100 requests per key; tests of
    # rate limiting pass their own `rate_limit`.
    overrides.setdefault("rate_limit", "1000000/hour")
    return Settings(
        database_url=f"sqlite:///{tmp / 'sandbox.db'}", validate_responses=True, **overrides
    )


@pytest.fixture(scope="session")
def live(tmp_path_factory: pytest.TempPathFactory) -> Iterator[Live]:
    """One sandbox for tests that only read the fixtures."""
    with serve(sandbox_settings(tmp_path_factory.mktemp("live"))) as server:
        yield server


@pytest.fixture
def fresh(tmp_path: Path) -> Iterator[Live]:
    """A sandbox of its own, for tests that change state."""
    with serve(sandbox_settings(tmp_path)) as server:
        yield server


def _fixture_keys() -> list[dict[str, Any]]:
    return json.loads((fixtures_dir() / "api_keys.json").read_text())


@pytest.fixture(scope="session")
def keys() -> dict[str, str]:
    """The fixture API keys with the default budget, by organization id."""
    return {k["org_id"]: k["key"] for k in _fixture_keys() if not k.get("rate_limit")}


@pytest.fixture(scope="session")
def ci_key() -> str:
    """The fixture key with a budget for CI and load tests (org_acme_root)."""
    return next(k["key"] for k in _fixture_keys() if k.get("rate_limit"))


@pytest.fixture
def unused_port() -> int:
    import socket

    with socket.socket() as sock:
        sock.bind(("127.0.0.1", 0))
        return int(sock.getsockname()[1])
