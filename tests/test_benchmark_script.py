"""Keeps benchmarks/run.py from rotting: run it on three files (no timing asserts)."""

from __future__ import annotations

import json
import subprocess
import sys
from pathlib import Path

import pytest

from tests.corpus import fastapi_sdist

ROOT = Path(__file__).resolve().parent.parent


@pytest.mark.corpus
def test_benchmark_script_runs_quick(tmp_path: Path) -> None:
    if fastapi_sdist() is None:
        pytest.skip("the FastAPI sdist is not available (offline)")
    result = subprocess.run(
        [
            sys.executable, str(ROOT / "benchmarks" / "run.py"), "--quick", "--no-cli",
            "--json", "--results-dir", str(tmp_path),
        ],
        cwd=ROOT, capture_output=True, text=True, timeout=600,
    )
    assert result.returncode == 0, result.stdout + result.stderr
    assert "checker (ALL) / parse+traversal" in result.stdout
    written = list(tmp_path.glob("benchmark-*.json"))
    assert len(written) == 1
    payload = json.loads(written[0].read_text(encoding="utf-8"))
    assert payload["files"] == 3
    names = {row["name"] for row in payload["rows"]}
    assert {"parse", "parse+traversal", "checker (default)", "checker (ALL)"} <= names
    assert all(row["cpu"] is not None for row in payload["rows"])
