"""Steps that the import, contact and LRN tests share: the control API, lists, imports, polling."""

from __future__ import annotations

import time
from collections.abc import Iterator
from contextlib import contextmanager
from typing import Any

import httpx

from mock.store import Store
from tests.serving import Live


def control(live: Live) -> httpx.Client:
    """A client of the /sandbox control API (no key needed)."""
    return httpx.Client(base_url=live.base + "/sandbox", timeout=30)


def presign(ctl: httpx.Client, path: str, expires_in: int = 3600) -> str:
    response = ctl.post("/files/presign", json={"path": path, "expires_in": expires_in})
    assert response.status_code == 200, response.text
    return str(response.json()["url"])


def freeze(ctl: httpx.Client) -> None:
    assert ctl.put("/clock", json={"frozen": True}).status_code == 200


def advance(ctl: httpx.Client, seconds: float) -> dict[str, Any]:
    response = ctl.post("/clock/advance", json={"seconds": seconds})
    assert response.status_code == 200, response.text
    return dict(response.json())


def new_list(client: httpx.Client, **fields: Any) -> str:
    response = client.post("/contact-lists", json={"name": "Test list", **fields})
    assert response.status_code == 201, response.text
    return str(response.json()["id"])


def start_import(client: httpx.Client, list_id: str, source_url: str) -> httpx.Response:
    return client.post(f"/contact-lists/{list_id}/imports", json={"source_url": source_url})


def job_path(response: httpx.Response) -> str:
    """The job's URL relative to /v1, from the 202's Location."""
    assert response.status_code == 202, response.text
    return response.headers["location"].removeprefix("/v1")


def finish(ctl: httpx.Client, client: httpx.Client, path: str,
           seconds: float = 3600) -> dict[str, Any]:
    """Advance the (frozen) clock far enough for the job to end, and read it."""
    advance(ctl, seconds)
    job = client.get(path).json()
    assert job["status"] in ("ready", "completed", "failed"), job
    return dict(job)


def poll(client: httpx.Client, path: str, *, every: float = 0.05,
         limit: float = 60) -> list[dict[str, Any]]:
    """Read the job until it ends (real time); every distinct reading, in order."""
    seen: list[dict[str, Any]] = []
    deadline = time.monotonic() + limit
    while time.monotonic() < deadline:
        job = client.get(path).json()
        if not seen or job != seen[-1]:
            seen.append(job)
        if job["status"] in ("ready", "completed", "failed"):
            return seen
        time.sleep(every)
    raise AssertionError(f"the job did not end within {limit} s: {seen[-1]}")


def imported_list(live: Live, key: str, path: str) -> str:
    """A new list of `key`'s organization, filled from fixture file `path` (clock frozen)."""
    with live.client(key) as client, control(live) as ctl:
        freeze(ctl)
        list_id = new_list(client)
        job = finish(ctl, client, job_path(start_import(client, list_id, presign(ctl, path))))
        assert job["status"] == "ready", job
    return list_id


@contextmanager
def store_of(live: Live) -> Iterator[Store]:
    """The server's database, opened beside it, to check what the API does not show."""
    store = Store(live.settings.database_url)
    try:
        yield store
    finally:
        store.engine.dispose()
