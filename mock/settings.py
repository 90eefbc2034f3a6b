"""The sandbox's settings: one frozen object, read once from SANDBOX_* variables and flags."""

from __future__ import annotations

import dataclasses
import os
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

    def check(self) -> None:
        if not 0 < self.port < 65536:
            raise SettingsError(f"{ENV_PREFIX}PORT: {self.port} is not a TCP port (1-65535)")
        if self.max_body_bytes < 1024:
            raise SettingsError(f"{ENV_PREFIX}MAX_BODY_BYTES: must be at least 1024 bytes")
        if not self.fixtures.is_dir():
            raise SettingsError(f"{ENV_PREFIX}FIXTURES: {self.fixtures} is not a directory")
        if "://" not in self.database_url:
            raise SettingsError(
                f"{ENV_PREFIX}DATABASE_URL: {self.database_url!r} is not a database URL "
                "(for example sqlite:///sandbox.db)"
            )


def _parse(variable: str, raw: str, kind: Any) -> Any:
    kind = str(kind)
    try:
        if kind == "int":
            return int(raw)
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
