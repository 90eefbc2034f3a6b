"""Issue 3: Schemathesis finds nothing wrong with the hierarchy operations."""

from __future__ import annotations

import subprocess
import sys
from pathlib import Path

from tests.serving import Live

SPEC = Path(__file__).resolve().parents[2] / "spec" / "openapi.yaml"
ST = Path(sys.executable).parent / "st"


def test_hierarchy_conforms_in_every_check_and_phase(
    live: Live, keys: dict[str, str], tmp_path: Path
) -> None:
    # Warnings (a key that fails, operations that only 404) must fail the run too.
    config = tmp_path / "schemathesis.toml"
    config.write_text("[warnings]\nfail-on = true\n")
    junit = tmp_path / "junit.xml"
    result = subprocess.run(
        [str(ST), "--config-file", str(config), "run", str(SPEC), "--url", live.v1,
         "-H", f"X-API-Key: {keys['org_acme_root']}", "--include-tag", "Hierarchy",
         "--checks", "all", "--phases", "examples,coverage,fuzzing", "--max-examples", "40",
         "--seed", "20261127", "--report", "junit", "--report-junit-path", str(junit)],
        capture_output=True, text=True, timeout=600, check=False,
    )
    assert result.returncode == 0, result.stdout[-6000:] + result.stderr[-2000:]
    assert "10 passed" in result.stdout
    assert junit.exists()
