"""Steps the rate-limit, idempotency and concurrency tests share (issue 5)."""

from __future__ import annotations

import asyncio
import re
import signal
import socket
import subprocess
import sys
import time
from collections.abc import Awaitable, Callable, Iterator
from contextlib import contextmanager
from pathlib import Path
from typing import Any

import httpx

RATE_HEADERS = ("x-ratelimit-limit", "x-ratelimit-remaining", "x-ratelimit-reset",
                "ratelimit-policy", "ratelimit")
CLI = Path(sys.executable).parent / "broadcast-sandbox"
JSON = {"Content-Type": "application/json"}


def budget(response: httpx.Response) -> dict[str, int]:
    """The five rate-limit headers as numbers, after checking that they agree."""
    headers = response.headers
    limit = int(headers["x-ratelimit-limit"])
    remaining = int(headers["x-ratelimit-remaining"])
    policy = re.fullmatch(r"(\d+);w=(\d+)", headers["ratelimit-policy"])
    fields = re.fullmatch(r"limit=(\d+), remaining=(\d+), reset=(\d+)", headers["ratelimit"])
    assert policy is not None and fields is not None, dict(headers)
    assert (int(policy[1]), int(fields[1]), int(fields[2])) == (limit, limit, remaining)
    return {"limit": limit, "remaining": remaining, "reset": int(headers["x-ratelimit-reset"]),
            "reset_in": int(fields[3]), "window": int(policy[2])}


def burst(base: str, count: int, key: str,
          call: Callable[[httpx.AsyncClient], Awaitable[httpx.Response]]) -> list[httpx.Response]:
    """`count` requests made by `call` at once, each on its own connection."""

    async def run() -> list[httpx.Response]:
        limits = httpx.Limits(max_connections=count, max_keepalive_connections=0)
        async with httpx.AsyncClient(base_url=base, headers={"X-API-Key": key}, timeout=120,
                                     limits=limits) as client:
            return list(await asyncio.gather(*(call(client) for _ in range(count))))

    return asyncio.run(run())


def free_port() -> int:
    with socket.socket() as sock:
        sock.bind(("127.0.0.1", 0))
        return int(sock.getsockname()[1])


@contextmanager
def cli_server(folder: Path, *options: str) -> Iterator[tuple[str, subprocess.Popen[str]]]:
    """`broadcast-sandbox serve` as a subprocess on a free loopback port, with its database in
    `folder`; yields its base URL and process, and stops it with Ctrl-C (SIGINT) after."""
    port = free_port()
    database = f"sqlite:///{folder / 'shared.db'}"
    process = subprocess.Popen(
        [str(CLI), "serve", "--port", str(port), "--database-url", database, *options],
        cwd=folder, stdout=subprocess.PIPE, stderr=subprocess.STDOUT, text=True,
    )
    base = f"http://127.0.0.1:{port}"
    try:
        _wait_until_up(base, process)
        yield base, process
    finally:
        process.send_signal(signal.SIGINT)
        code = process.wait(timeout=60)
        output = process.stdout.read() if process.stdout else ""
        if process.stdout:
            process.stdout.close()
        assert code == 0, output
        assert "Traceback" not in output, output


def _wait_until_up(base: str, process: subprocess.Popen[Any]) -> None:
    deadline = time.monotonic() + 60
    while time.monotonic() < deadline:
        assert process.poll() is None, "the sandbox exited at start"
        try:
            if httpx.get(base + "/sandbox/clock", timeout=5).status_code == 200:
                return
        except httpx.TransportError:
            pass
        time.sleep(0.1)
    raise AssertionError("the sandbox did not start within 60 s")
