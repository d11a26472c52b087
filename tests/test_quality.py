"""The project holds itself to its own bar: mypy --strict, ruff, and its own checker."""

from __future__ import annotations

import shutil
import subprocess
import sys
from pathlib import Path

import pytest

ROOT = Path(__file__).resolve().parent.parent


def _run(*command: str) -> subprocess.CompletedProcess[str]:
    return subprocess.run(command, cwd=ROOT, capture_output=True, text=True, timeout=600)


def test_mypy_strict() -> None:
    pytest.importorskip("mypy")
    result = _run(sys.executable, "-m", "mypy", "--strict", "src")
    assert result.returncode == 0, result.stdout + result.stderr


def test_ruff_clean() -> None:
    if shutil.which("ruff") is None and _run(sys.executable, "-m", "ruff", "--version").returncode:
        pytest.skip("ruff is not installed")
    result = _run(sys.executable, "-m", "ruff", "check", "src", "tests", "scripts", "benchmarks")
    assert result.returncode == 0, result.stdout + result.stderr


def test_self_lint() -> None:
    result = _run(sys.executable, "-m", "fastapi_rules_lint", "check", "--no-cache", "src")
    assert result.returncode == 0, result.stdout + result.stderr
