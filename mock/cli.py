"""The `broadcast-sandbox` command."""

from __future__ import annotations

import argparse
import sys
import warnings
from collections.abc import Sequence
from pathlib import Path
from typing import Any

import uvicorn

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
    args = parser.parse_args(argv)

    try:
        settings = Settings.from_env(
            host=args.host, port=args.port, database_url=args.database_url,
            fixtures=args.fixtures, validate_responses=args.validate_responses,
        )
        app = create_app(settings)
    except (SettingsError, fixtures.FixtureError) as exc:
        print(f"broadcast-sandbox: {exc}", file=sys.stderr)
        return 2
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


def _welcome(settings: Settings) -> None:
    base = f"http://{settings.host}:{settings.port}{PUBLIC_BASE}"
    key = fixtures.sandbox_keys(settings.fixtures)[0]
    print(
        f"Broadcast API sandbox on {base}  (database: {settings.database_url})\n"
        f"Sandbox API key for {key['org_id']}: {key['key']}\n"
        f"Try it:\n"
        f"  curl -s -H 'X-API-Key: {key['key']}' {base}/organizations\n"
        f"Press Ctrl-C to stop.",
        flush=True,
    )
