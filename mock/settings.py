"""The sandbox's settings: one frozen object, read once from SANDBOX_* variables and flags."""

from __future__ import annotations

import dataclasses
import os
import re
from collections.abc import Mapping
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

from mock.resources import fixtures_dir

ENV_PREFIX = "SANDBOX_"


class SettingsError(ValueError):
    """A setting has a value that cannot be used; the message names the variable."""


@dataclass(frozen=True)
class Settings:
    host: str = "127.0.0.1"
    port: int = 8080
    # A relative SQLite path lives under the working directory, so state survives restarts.
    database_url: str = "sqlite:///sandbox.db"
    fixtures: Path = field(default_factory=fixtures_dir)
    # Off by default for speed; the test suite turns it on so that every answer is checked.
    validate_responses: bool = False
    max_body_bytes: int = 2 * 1024 * 1024
    # Simulated time from upload or import until media is ready, on the sandbox clock.
    media_seconds: float = 2.0
    # Contact imports and LRN analyses, on the sandbox clock: a job stays pending for
    # `job_queue_seconds`, then processes for `<job>_seconds` plus a share per row or contact.
    job_queue_seconds: float = 1.0
    import_seconds: float = 2.0
    import_row_seconds: float = 0.001
    lrn_seconds: float = 2.0
    lrn_contact_seconds: float = 0.005
    # The largest CSV file an import downloads (the documented 10 MB).
    import_max_bytes: int = 10 * 1024 * 1024
    # Each API key's budget unless its row says otherwise: N/second|minute|hour|day.
    rate_limit: str = "100/hour"
    # Seconds an Idempotency-Key is kept, and an identical keyless write is replayed
    # (0: never), on the sandbox clock.
    idempotency_ttl: int = 24 * 3600
    retry_window: int = 60
    # Worker processes of `broadcast-sandbox serve`; they share the database.
    workers: int = 1

    @classmethod
    def from_env(
        cls, environ: Mapping[str, str] | None = None, **overrides: Any
    ) -> Settings:
        """Build settings from defaults, then `SANDBOX_<NAME>` variables, then `overrides`.

        Overrides of None are ignored, so CLI flags that were not given fall through.
        """
        environ = os.environ if environ is None else environ
        values: dict[str, Any] = {}
        for f in dataclasses.fields(cls):
            variable = ENV_PREFIX + f.name.upper()
            if variable in environ:
                values[f.name] = _parse(variable, environ[variable], f.type)
        values.update({k: v for k, v in overrides.items() if v is not None})
        settings = cls(**values)
        settings.check()
        return settings

    @property
    def rate_policy(self) -> tuple[int, int]:
        """The default budget as (requests, window seconds)."""
        return parse_rate(self.rate_limit)

    def to_env(self) -> dict[str, str]:
        """These settings as SANDBOX_* variables, which `from_env` reads back (worker processes)."""
        env = {}
        for f in dataclasses.fields(self):
            value = getattr(self, f.name)
            env[ENV_PREFIX + f.name.upper()] = str(value).lower() if isinstance(value, bool) \
                else str(value)
        return env

    def check(self) -> None:
        if not 0 < self.port < 65536:
            raise SettingsError(f"{ENV_PREFIX}PORT: {self.port} is not a TCP port (1-65535)")
        if self.max_body_bytes < 1024:
            raise SettingsError(f"{ENV_PREFIX}MAX_BODY_BYTES: must be at least 1024 bytes")
        if not 0 <= self.media_seconds <= 86400:
            raise SettingsError(f"{ENV_PREFIX}MEDIA_SECONDS: must be 0 to 86400 seconds")
        for name in _JOB_TIMES:
            if not 0 <= getattr(self, name) <= 86400:
                raise SettingsError(f"{ENV_PREFIX}{name.upper()}: must be 0 to 86400 seconds")
        if self.import_max_bytes < 1:
            raise SettingsError(f"{ENV_PREFIX}IMPORT_MAX_BYTES: must be at least 1 byte")
        parse_rate(self.rate_limit)
        if self.idempotency_ttl < 1:
            raise SettingsError(f"{ENV_PREFIX}IDEMPOTENCY_TTL: must be at least 1 second")
        if self.retry_window < 0:
            raise SettingsError(f"{ENV_PREFIX}RETRY_WINDOW: must be 0 (off) or more seconds")
        if not 1 <= self.workers <= 64:
            raise SettingsError(f"{ENV_PREFIX}WORKERS: must be 1 to 64 processes")
        if not self.fixtures.is_dir():
            raise SettingsError(f"{ENV_PREFIX}FIXTURES: {self.fixtures} is not a directory")
        if "://" not in self.database_url:
            raise SettingsError(
                f"{ENV_PREFIX}DATABASE_URL: {self.database_url!r} is not a database URL "
                "(for example sqlite:///sandbox.db)"
            )


_RATE = re.compile(r"([1-9][0-9]{0,8})/(second|minute|hour|day)")
_WINDOWS = {"second": 1, "minute": 60, "hour": 3600, "day": 86400}


def parse_rate(text: str) -> tuple[int, int]:
    """`100/hour` -> (100, 3600); anything else is a SettingsError naming the variable."""
    match = _RATE.fullmatch(text)
    if match is None:
        raise SettingsError(
            f"{ENV_PREFIX}RATE_LIMIT: {text!r} is not a rate limit; write N/second, N/minute, "
            "N/hour or N/day with N from 1 (for example 100/hour)"
        )
    return int(match[1]), _WINDOWS[match[2]]


_JOB_TIMES = ("job_queue_seconds", "import_seconds", "import_row_seconds", "lrn_seconds",
              "lrn_contact_seconds")


def _parse(variable: str, raw: str, kind: Any) -> Any:
    kind = str(kind)
    try:
        if kind == "int":
            return int(raw)
        if kind == "float":
            return float(raw)
        if kind == "bool":
            lowered = raw.strip().lower()
            if lowered in {"1", "true", "yes", "on"}:
                return True
            if lowered in {"0", "false", "no", "off"}:
                return False
            raise ValueError(raw)
        if kind == "Path":
            return Path(raw)
    except ValueError:
        raise SettingsError(f"{variable}: {raw!r} is not a valid {kind}") from None
    return raw
