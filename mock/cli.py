"""The `broadcast-sandbox` command."""

from __future__ import annotations

import argparse
import os
import sys
import warnings
from collections.abc import Sequence
from pathlib import Path
from typing import Any

import uvicorn
from uvicorn.supervisors import Multiprocess

# Connexion 3.3 imports Starlette's test client, which warns at import; it is not used here.
warnings.filterwarnings("ignore", message="Using `httpx` with `starlette.testclient`")

from mock import fixtures  # noqa: E402
from mock.app import PUBLIC_BASE, create_app  # noqa: E402
from mock.settings import Settings, SettingsError  # noqa: E402


def main(argv: Sequence[str] | None = None) -> int:
    parser = argparse.ArgumentParser(
        prog="broadcast-sandbox",
        description="A stateful sandbox of the Broadcast API, and tools around its contract.",
    )
    commands = parser.add_subparsers(dest="command", required=True)
    serve = commands.add_parser(
        "serve",
        help="run the sandbox server",
        description="Run the sandbox. Every option can also be set as SANDBOX_<OPTION>.",
    )
    serve.add_argument("--host", help="interface to bind (default 127.0.0.1)")
    serve.add_argument("--port", type=int, help="TCP port (default 8080)")
    serve.add_argument("--database-url", help="SQLAlchemy URL (default sqlite:///sandbox.db)")
    serve.add_argument("--fixtures", type=Path, help="folder of seed data (default: bundled)")
    serve.add_argument("--validate-responses", action="store_true", default=None,
                       help="check every response against the spec (slower)")
    serve.add_argument("--rate-limit", help="each API key's default budget, N/second|minute|"
                       "hour|day (default 100/hour; a key's own rate_limit wins)")
    serve.add_argument("--retry-window", type=int, help="seconds in which an identical "
                       "keyless write is replayed (default 60; 0 turns it off)")
    serve.add_argument("--idempotency-ttl", type=int,
                       help="seconds an Idempotency-Key is kept (default 86400)")
    serve.add_argument("--workers", type=int,
                       help="worker processes sharing the database (default 1)")
    args = parser.parse_args(argv)

    try:
        settings = Settings.from_env(
            host=args.host, port=args.port, database_url=args.database_url,
            fixtures=args.fixtures, validate_responses=args.validate_responses,
            rate_limit=args.rate_limit, retry_window=args.retry_window,
            idempotency_ttl=args.idempotency_ttl, workers=args.workers,
        )
        # Also with workers: this creates the database and loads the fixtures once, here,
        # before several processes could race to do it.
        app = create_app(settings)
    except (SettingsError, fixtures.FixtureError) as exc:
        print(f"broadcast-sandbox: {exc}", file=sys.stderr)
        return 2
    if settings.workers > 1:
        _serve_workers(settings)
        return 0
    config = uvicorn.Config(app, host=settings.host, port=settings.port, log_level="warning")
    try:
        _Server(config, settings).run()
    except KeyboardInterrupt:
        # uvicorn has shut down cleanly and re-raises Ctrl-C for the caller: this is the caller.
        pass
    return 0


class _Server(uvicorn.Server):
    """Prints the welcome once the socket listens, so the printed curl works at once."""

    def __init__(self, config: uvicorn.Config, settings: Settings) -> None:
        super().__init__(config)
        self.settings = settings

    async def startup(self, sockets: Any = None) -> None:
        await super().startup(sockets)
        if not self.should_exit:
            _welcome(self.settings)


def _serve_workers(settings: Settings) -> None:
    """Run `settings.workers` processes on one socket. Each builds its own app with
    `create_app()`, which reads these settings back from the SANDBOX_* variables."""
    os.environ.update(settings.to_env())
    config = uvicorn.Config("mock.app:create_app", factory=True, host=settings.host,
                            port=settings.port, workers=settings.workers, log_level="warning")
    sock = config.bind_socket()
    # Listening now queues the first requests until a worker takes them, so the welcome's
    # curl works at once.
    sock.listen(config.backlog)
    _welcome(settings)
    # It stops all workers on Ctrl-C or SIGTERM, then returns.
    Multiprocess(config, sockets=[sock]).run()


def _welcome(settings: Settings) -> None:
    base = f"http://{settings.host}:{settings.port}{PUBLIC_BASE}"
    keys = fixtures.sandbox_keys(settings.fixtures)
    key = keys[0]
    limit, window = settings.rate_policy
    budgets = [f"Each key may send {limit} requests per {window} s"] + [
        f"{k['org_id']} key for CI and load tests ({k['rate_limit']['limit']} per "
        f"{k['rate_limit']['window_seconds']} s): {k['key']}" for k in keys if k.get("rate_limit")]
    print(
        f"Broadcast API sandbox on {base}  (database: {settings.database_url})\n"
        f"Sandbox API key for {key['org_id']}: {key['key']}\n"
        f"Try it:\n"
        f"  curl -s -H 'X-API-Key: {key['key']}' {base}/organizations\n"
        + "".join(line + "\n" for line in budgets)
        + "Press Ctrl-C to stop.",
        flush=True,
    )
