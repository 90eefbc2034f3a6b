"""Issue 3: settings come from defaults, SANDBOX_* variables and flags; bad values fail."""

from __future__ import annotations

import os
import shlex
import signal
import subprocess
import sys
from pathlib import Path

import httpx
import pytest

from mock.settings import Settings, SettingsError

CLI = Path(sys.executable).parent / "broadcast-sandbox"


def test_defaults_just_work() -> None:
    settings = Settings.from_env({})
    assert (settings.host, settings.port) == ("127.0.0.1", 8080)
    assert settings.database_url == "sqlite:///sandbox.db"
    assert (settings.fixtures / "organizations.json").is_file()


def test_variables_then_overrides() -> None:
    env = {"SANDBOX_PORT": "9000", "SANDBOX_VALIDATE_RESPONSES": "yes",
           "SANDBOX_DATABASE_URL": "sqlite:///x.db"}
    settings = Settings.from_env(env, port=9100, database_url=None)
    assert settings.port == 9100
    assert settings.validate_responses is True
    assert settings.database_url == "sqlite:///x.db"


@pytest.mark.parametrize(
    ("variable", "value"),
    [("SANDBOX_PORT", "eighty"), ("SANDBOX_PORT", "70000"), ("SANDBOX_VALIDATE_RESPONSES", "maybe"),
     ("SANDBOX_FIXTURES", "/no/such/folder"), ("SANDBOX_DATABASE_URL", "sandbox.db")],
)
def test_bad_value_names_the_variable(variable: str, value: str) -> None:
    with pytest.raises(SettingsError, match=variable):
        Settings.from_env({variable: value})


def test_cli_refuses_a_bad_variable_at_start(tmp_path: Path) -> None:
    env = {**os.environ, "SANDBOX_PORT": "eighty"}
    result = subprocess.run([str(CLI), "serve"], env=env, cwd=tmp_path, capture_output=True,
                             text=True, timeout=60, check=False)
    assert result.returncode == 2
    assert "SANDBOX_PORT" in result.stderr


@pytest.mark.parametrize(
    "url", ["sqlite:////no/such/folder/sandbox.db", "nosuchdb://x", "postgresql://u@127.0.0.1:1/x"]
)
def test_cli_refuses_a_database_it_cannot_open(tmp_path: Path, url: str) -> None:
    env = {**os.environ, "SANDBOX_DATABASE_URL": url}
    result = subprocess.run([str(CLI), "serve"], env=env, cwd=tmp_path, capture_output=True,
                            text=True, timeout=60, check=False)
    assert result.returncode == 2
    assert result.stderr.startswith("broadcast-sandbox: SANDBOX_DATABASE_URL: cannot open")
    assert "Traceback" not in result.stderr


def test_serve_prints_a_working_curl_and_stops_on_ctrl_c(
    tmp_path: Path, unused_port: int
) -> None:
    # Given the sandbox started from the command line in an empty folder
    process = subprocess.Popen(
        [str(CLI), "serve", "--port", str(unused_port)], cwd=tmp_path,
        stdout=subprocess.PIPE, stderr=subprocess.STDOUT, text=True,
    )
    try:
        assert process.stdout is not None
        lines = [process.stdout.readline() for _ in range(4)]
        assert lines[0].startswith(f"Broadcast API sandbox on http://127.0.0.1:{unused_port}/v1")
        curl = shlex.split(next(line for line in lines if "curl" in line))
        key = curl[curl.index("-H") + 1].split(": ")[1]
        # When the printed request is sent
        response = httpx.get(curl[-1], headers={"X-API-Key": key}, timeout=30)
        # Then it answers, and the database was created under the working folder
        assert response.status_code == 200
        assert (tmp_path / "sandbox.db").is_file()
    finally:
        process.send_signal(signal.SIGINT)
        code = process.wait(timeout=30)
        if process.stdout:
            process.stdout.close()
    assert code == 0
