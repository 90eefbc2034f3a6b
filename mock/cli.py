"""The `broadcast-sandbox` command."""

from __future__ import annotations

import argparse
import sys
from collections.abc import Sequence
from pathlib import Path

import uvicorn

from mock import fixtures
from mock.app import PUBLIC_BASE, create_app
from mock.settings import Settings, SettingsError


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
    _welcome(settings)
    uvicorn.run(app, host=settings.host, port=settings.port, log_level="warning")
    return 0


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
