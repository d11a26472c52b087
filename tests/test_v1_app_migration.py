"""Issue #9: a Pydantic v1 / SQLAlchemy 1.x app, migrated by ``check --fix --unsafe-fixes``.

``tests/fixtures/projects/pydantic_v1_app/`` is a small FastAPI inventory service written
against Pydantic 1.10 and SQLAlchemy 1.4 (its README lists the v1 constructs and the rule
that rewrites each), with its own tests in ``app_tests/check_app.py``. This module copies it
to a temporary folder and checks, as subprocesses, that after one
``fastapi-rules check --fix --unsafe-fixes`` run:

- no FRL4xx/FRL5xx finding that carries a fix is left;
- the app imports and its own tests pass under the installed Pydantic v2 and SQLAlchemy 2
  with Pydantic's and SQLAlchemy's deprecation warnings turned into errors;
- a second fix run changes no byte.

It also checks that the original app fails under the same flags, so the migration is what
makes the tests pass.

Deprecation warnings as errors: the filters name the libraries' own base classes,
``pydantic.warnings.PydanticDeprecationWarning`` (every ``PydanticDeprecatedSinceNN``) and
``sqlalchemy.exc.SADeprecationWarning`` (``MovedIn20Warning``, ``LegacyAPIWarning``, ...), and
are given to pytest's ``-W``, not to the interpreter's: ``python -W error::pydantic...``
is ignored at start-up ("invalid module name", the module is not imported yet), while a
blanket ``python -W error::DeprecationWarning`` would also fail the run on third-party
deprecations that have nothing to do with the migration (they vary with the installed
Starlette/anyio/httpx). pytest applies its ``-W`` filters while collecting too, so a
warning raised at import time (``class Config``, ``@validator``) fails the run as well.
"""

from __future__ import annotations

import importlib.util
import json
import os
import re
import shutil
import subprocess
import sys
from dataclasses import dataclass
from pathlib import Path

import pytest

PROJECT = Path(__file__).resolve().parent / "fixtures" / "projects" / "pydantic_v1_app"
_TIMEOUT = 600
_IGNORE = shutil.ignore_patterns("__pycache__", ".fastapi_rules_cache", ".pytest_cache")
# What the app needs besides the linter (the `test` extra of pyproject.toml).
_REQUIRED = ("fastapi", "httpx", "sqlalchemy", "pydantic_settings")
# The codes every fix of the migration comes from: the app uses each of them.
_FIXABLE_CODES = {
    "FRL401", "FRL402", "FRL403", "FRL404", "FRL405", "FRL406", "FRL407",
    "FRL501", "FRL502", "FRL503",
}  # fmt: skip


def _warning_filters() -> list[str]:
    """pytest ``-W`` options turning Pydantic's and SQLAlchemy's deprecations into errors.

    Built from the classes themselves: pytest only warns about a filter whose category
    it cannot import, so a misspelt name would silently check nothing.
    """
    from pydantic.warnings import PydanticDeprecationWarning
    from sqlalchemy.exc import SADeprecationWarning

    filters = []
    for category in (PydanticDeprecationWarning, SADeprecationWarning):
        assert issubclass(category, DeprecationWarning)
        filters += ["-W", f"error::{category.__module__}.{category.__qualname__}"]
    return filters


def _env(root: Path) -> dict[str, str]:
    env = {k: v for k, v in os.environ.items() if not k.startswith(("INVENTORY_", "PYTEST_"))}
    env["PYTHONPATH"] = str(root)
    env["PYTHONDONTWRITEBYTECODE"] = "1"
    env.pop("FORCE_COLOR", None)
    env["NO_COLOR"] = "1"
    return env


def _run(command: list[str], cwd: Path) -> subprocess.CompletedProcess[str]:
    return subprocess.run(
        command,
        cwd=cwd,
        env=_env(cwd),
        capture_output=True,
        text=True,
        timeout=_TIMEOUT,
        check=False,
    )


def _fix(root: Path) -> subprocess.CompletedProcess[str]:
    command = [sys.executable, "-m", "fastapi_rules_lint", "check", "--fix", "--unsafe-fixes"]
    return _run([*command, "--no-cache", "."], root)


def _findings(root: Path) -> list[dict[str, object]]:
    command = [sys.executable, "-m", "fastapi_rules_lint", "check", "--no-cache"]
    result = _run([*command, "--output-format", "json", "."], root)
    assert result.returncode in (0, 1), result.stderr
    findings: list[dict[str, object]] = json.loads(result.stdout)
    return findings


def _app_tests(root: Path) -> subprocess.CompletedProcess[str]:
    command = [sys.executable, "-m", "pytest", "-q", "-p", "no:cacheprovider", "-rfE"]
    return _run([*command, *_warning_filters(), "app_tests"], root)


def _snapshot(root: Path) -> dict[str, bytes]:
    return {
        path.relative_to(root).as_posix(): path.read_bytes()
        for path in sorted(root.rglob("*"))
        if path.is_file() and not {"__pycache__", ".fastapi_rules_cache"} & set(path.parts)
    }


def _describe(findings: list[dict[str, object]]) -> str:
    lines = []
    for finding in findings:
        location = finding["location"]
        assert isinstance(location, dict)
        lines.append(
            f"  {finding['filename']}:{location['row']}:{location['column']}: "
            f"{finding['code']} {finding['message']}"
        )
    return "\n".join(lines)


def _tail(result: subprocess.CompletedProcess[str], lines: int = 60) -> str:
    output = (result.stdout + result.stderr).splitlines()
    return "\n".join(output[-lines:])


@dataclass(frozen=True)
class Migrated:
    original: Path
    fixed: Path
    fix_run: subprocess.CompletedProcess[str]


@pytest.fixture(scope="module")
def migrated(tmp_path_factory: pytest.TempPathFactory) -> Migrated:
    missing = [name for name in _REQUIRED if importlib.util.find_spec(name) is None]
    assert not missing, f"install the test extra (pip install -e '.[test]'): missing {missing}"
    base = tmp_path_factory.mktemp("v1_app")
    original = base / "original"
    fixed = base / "fixed"
    shutil.copytree(PROJECT, original, ignore=_IGNORE)
    shutil.copytree(PROJECT, fixed, ignore=_IGNORE)
    return Migrated(original, fixed, _fix(fixed))


def test_the_app_uses_every_fixable_rule(migrated: Migrated) -> None:
    """The original gets each FRL4xx/FRL5xx rule that has a fix at least once, with a fix."""
    findings = _findings(migrated.original)
    with_fix = {str(finding["code"]) for finding in findings if finding["fix"] is not None}
    assert not _FIXABLE_CODES - with_fix, sorted(_FIXABLE_CODES - with_fix)


def test_fix_run_leaves_no_fixable_v2_finding(migrated: Migrated) -> None:
    run = migrated.fix_run
    assert run.returncode in (0, 1), _tail(run)
    assert "Traceback" not in run.stderr, run.stderr
    assert _snapshot(migrated.fixed) != _snapshot(migrated.original), "the fix changed nothing"
    remaining = [
        finding
        for finding in _findings(migrated.fixed)
        if re.fullmatch(r"FRL[45]\d\d", str(finding["code"])) and finding["fix"] is not None
    ]
    assert not remaining, "findings with a fix left after --fix --unsafe-fixes:\n" + _describe(
        remaining
    )


def test_fixed_app_passes_its_tests(migrated: Migrated) -> None:
    """Imports and passes under Pydantic v2 / SQLAlchemy 2 with their deprecations as errors."""
    result = _app_tests(migrated.fixed)
    assert result.returncode == 0, _tail(result)
    passed = re.search(r"(\d+) passed", result.stdout)
    assert passed is not None and int(passed.group(1)) >= 20, _tail(result)
    assert not re.search(r"\d+ (failed|errors?|skipped|xfailed)", result.stdout), _tail(result)


def test_original_app_fails_under_the_same_flags(migrated: Migrated) -> None:
    """Not vacuous: unmigrated, the app does not even import (``pydantic.BaseSettings``)."""
    result = _app_tests(migrated.original)
    assert result.returncode != 0, _tail(result)


def test_second_fix_run_changes_nothing(migrated: Migrated, tmp_path: Path) -> None:
    again = tmp_path / "again"
    shutil.copytree(migrated.fixed, again, ignore=_IGNORE)
    before = _snapshot(again)
    run = _fix(again)
    assert run.returncode in (0, 1), _tail(run)
    after = _snapshot(again)
    changed = sorted(
        name for name in before.keys() | after.keys() if before.get(name) != after.get(name)
    )
    assert not changed, f"the second fix run changed {changed}:\n{_tail(run)}"
