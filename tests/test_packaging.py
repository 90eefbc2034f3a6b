"""The installed package carries the spec and the fixtures and finds them without a checkout."""

from __future__ import annotations

import os
import subprocess
import sys
import zipfile
from pathlib import Path

import httpx

ROOT = Path(__file__).resolve().parents[1]


def test_wheel_serves_the_sandbox_outside_the_checkout(tmp_path: Path, unused_port: int) -> None:
    # Given a wheel built from the project, unpacked into a folder of its own
    subprocess.run([sys.executable, "-m", "pip", "wheel", "--quiet", "--no-deps", "-w",
                    str(tmp_path / "dist"), str(ROOT)], check=True, timeout=300)
    wheel = next((tmp_path / "dist").glob("broadcast_sandbox-*.whl"))
    names = zipfile.ZipFile(wheel).namelist()
    assert "mock/_bundled/spec/openapi.yaml" in names
    assert "mock/_bundled/fixtures/organizations.json" in names
    site = tmp_path / "site"
    zipfile.ZipFile(wheel).extractall(site)
    # When the sandbox starts from it, in a folder far from the checkout
    work = tmp_path / "elsewhere"
    work.mkdir()
    env = {**os.environ, "PYTHONPATH": str(site)}
    process = subprocess.Popen(
        [sys.executable, "-c", "import sys, mock.cli; sys.exit(mock.cli.main(sys.argv[1:]))",
         "serve", "--port", str(unused_port)],
        cwd=work, env=env, stdout=subprocess.PIPE, stderr=subprocess.STDOUT, text=True,
    )
    try:
        assert process.stdout is not None
        assert "Broadcast API sandbox on" in process.stdout.readline()
        located = subprocess.run(
            [sys.executable, "-c", "import mock.resources as r; print(r.spec_path())"],
            cwd=work, env=env, capture_output=True, text=True, check=True, timeout=60,
        ).stdout
        response = httpx.get(f"http://127.0.0.1:{unused_port}/v1/brands",
                             headers={"X-API-Key": "sk_sandbox_acmeroot_3f9c2b7e5d1a4c8f"},
                             timeout=30)
    finally:
        process.terminate()
        process.wait(timeout=30)
        if process.stdout:
            process.stdout.close()
    # Then it uses its own bundled copies and answers
    assert located.strip().startswith(str(site))
    assert response.status_code == 200
    assert (work / "sandbox.db").is_file()
