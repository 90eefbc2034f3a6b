"""Issue 5: budgets and idempotent writes hold under concurrency, in one process or two workers.

Each test runs against one SQLite file served by uvicorn in a thread, then by
`broadcast-sandbox serve --workers 2` (two processes sharing the file).
"""

from __future__ import annotations

import uuid
from collections.abc import Iterator
from pathlib import Path

import httpx
import pytest

from tests.conftest import sandbox_settings
from tests.mock.limit_helpers import budget, burst, cli_server
from tests.serving import serve

ROOT, RETAIL, WEST = "org_acme_root", "org_acme_retail", "org_acme_retail_west"


@pytest.fixture(scope="module", params=["thread", "two-workers"])
def base(request: pytest.FixtureRequest, tmp_path_factory: pytest.TempPathFactory
         ) -> Iterator[str]:
    """The base URL of a sandbox with the documented budget (100 requests per hour)."""
    folder = tmp_path_factory.mktemp(request.param)
    if request.param == "thread":
        with serve(sandbox_settings(folder, rate_limit="100/hour")) as server:
            yield server.base
    else:
        with cli_server(folder, "--workers", "2", "--rate-limit", "100/hour") as (url, _):
            yield url


def created_lists(base: str, key: str, org_id: str) -> set[str]:
    with httpx.Client(base_url=base + "/v1", headers={"X-API-Key": key}, timeout=60) as client:
        page = client.get("/contact-lists", params={"limit": 100, "org_id": org_id})
    return {item["id"] for item in page.json()["data"]}


def test_concurrent_writes_with_one_key_create_one_resource(
    base: str, keys: dict[str, str]
) -> None:
    key, body = str(uuid.uuid4()), {"name": "Concurrent", "description": "one Idempotency-Key"}
    # When 50 identical POSTs with one Idempotency-Key arrive at once
    answers = burst(base + "/v1", 50, keys[ROOT], lambda client: client.post(
        "/contact-lists", json=body, headers={"Idempotency-Key": key}))
    # Then one ran, and every other answer is its replay or a "still running" 409
    ran = [a for a in answers if a.status_code == 201 and "idempotent-replayed" not in a.headers]
    replays = [a for a in answers if a.headers.get("idempotent-replayed") == "true"]
    conflicts = [a for a in answers if a.status_code == 409]
    assert len(ran) == 1
    assert len(ran) + len(replays) + len(conflicts) == 50
    assert {r.content for r in replays} <= {ran[0].content}
    assert {r.status_code for r in replays} <= {201}
    assert created_lists(base, keys[ROOT], ROOT) == {ran[0].json()["id"]}


def test_concurrent_identical_keyless_writes_create_one_resource(
    base: str, keys: dict[str, str]
) -> None:
    body = {"name": "Concurrent", "description": str(uuid.uuid4())}
    answers = burst(base + "/v1", 30, keys[WEST], lambda client: client.post(
        "/contact-lists", json=body))
    ran = [a for a in answers if a.status_code == 201 and "idempotent-replayed" not in a.headers]
    others = {(a.status_code, a.headers.get("idempotent-replayed")) for a in answers
              if a not in ran}
    assert len(ran) == 1
    assert others <= {(201, "true"), (409, None)}
    assert created_lists(base, keys[WEST], WEST) == {ran[0].json()["id"]}


def test_concurrent_requests_spend_exactly_the_budget(base: str, keys: dict[str, str]) -> None:
    # When 200 requests arrive at once against a budget of 100
    answers = burst(base + "/v1", 200, keys[RETAIL], lambda client: client.get("/brands"))
    # Then exactly 100 are served, each with its own place in the countdown
    served = [a for a in answers if a.status_code != 429]
    assert len(served) == 100
    assert {a.status_code for a in served} == {200}
    assert sorted(budget(a)["remaining"] for a in served) == list(range(100))
    assert {budget(a)["remaining"] for a in answers if a.status_code == 429} == {0}
    assert len({budget(a)["reset"] for a in answers}) == 1


@pytest.mark.skipif(not Path("/proc/self/stat").is_file(), reason="reads Linux /proc")
def test_serve_workers_runs_that_many_processes(tmp_path: Path) -> None:
    with cli_server(tmp_path, "--workers", "2") as (_, process):
        workers = [c for c in _children(process.pid) if "multiprocessing.spawn" in c]
    assert len(workers) == 2


def _children(pid: int) -> list[str]:
    """The command lines of `pid`'s child processes."""
    found = []
    for stat in Path("/proc").glob("[0-9]*/stat"):
        try:
            parent = int(stat.read_text().rsplit(")", 1)[1].split()[1])
            if parent == pid:
                found.append((stat.parent / "cmdline").read_bytes().replace(b"\0", b" ").decode())
        except (OSError, IndexError, ValueError):  # the process ended meanwhile
            continue
    return found
