"""Run the sandbox in a real uvicorn server on a free loopback port, in a thread."""

from __future__ import annotations

import socket
import threading
import time
from collections.abc import Iterator
from contextlib import contextmanager
from dataclasses import dataclass

import httpx
import uvicorn

from mock.app import create_app
from mock.sandbox import Sandbox
from mock.settings import Settings


@dataclass
class Live:
    base: str  # e.g. http://127.0.0.1:41234
    settings: Settings

    @property
    def v1(self) -> str:
        return self.base + "/v1"

    def client(self, key: str | None = None) -> httpx.Client:
        headers = {"X-API-Key": key} if key else {}
        return httpx.Client(base_url=self.v1, headers=headers, timeout=30)


@contextmanager
def serve(settings: Settings, sandbox: Sandbox | None = None) -> Iterator[Live]:
    """Serve `settings` (or an opened `sandbox`, e.g. with extra task runners)."""
    sock = socket.socket(socket.AF_INET, socket.SOCK_STREAM)
    sock.setsockopt(socket.SOL_SOCKET, socket.SO_REUSEADDR, 1)
    sock.bind(("127.0.0.1", 0))
    port = sock.getsockname()[1]
    config = uvicorn.Config(create_app(settings, sandbox=sandbox), log_level="warning",
                            lifespan="on")
    server = uvicorn.Server(config)
    thread = threading.Thread(target=server.run, kwargs={"sockets": [sock]}, daemon=True)
    thread.start()
    deadline = time.monotonic() + 20
    while not server.started:
        if not thread.is_alive() or time.monotonic() > deadline:
            raise RuntimeError("the sandbox did not start")
        time.sleep(0.02)
    try:
        yield Live(f"http://127.0.0.1:{port}", settings)
    finally:
        server.should_exit = True
        thread.join(timeout=20)
        sock.close()
