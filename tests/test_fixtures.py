"""Fixture files: real-looking modules with their expected diagnostics written inline.

How to add fixtures for a rule (rule authors, read this)
--------------------------------------------------------
1. Create ``tests/fixtures/frlNNN_<topic>.py`` (any ``*.py`` under ``tests/fixtures/``,
   subfolders allowed; every such file is a fixture, so put data for other tests
   elsewhere — except ``tests/fixtures/projects/``: multi-module projects checked by
   ``tests/test_entry_points.py``). Write code the way users write it: aliases,
   nesting, near-misses.
2. Mark every row where a diagnostic must *start* (``Diagnostic.location.row``; for a
   multi-line node, its first row) with a comment at the end of the row::

       def f(x: Any) -> Any: ...  # error: FRL103, FRL103

   One code per expected diagnostic (repeat a code for two on one row). The engine runs
   with ALL rules selected and the multiset of ``(row, code)`` must match exactly: an
   unexpected diagnostic fails as surely as a missing one, and a file with no marker must
   be clean. Other rules firing in your fixture therefore need markers too, or restrict
   the file with a header comment among the file's first comment lines::

       # select: FRL1, FRL203

   (codes or prefixes, as ``--select`` takes them). Markers are found by a plain regex
   on each line (never ``eval``), so they also work in files that do not parse; don't
   put one inside a multi-line string.
3. Fix snapshots sit next to the fixture: ``name.fixed.py`` is the result of the safe
   fixes (``fix_text(..., unsafe=False)``), ``name.unsafe.fixed.py`` the result with
   unsafe fixes too. Each snapshot is compared with the fixer's output and must be a
   fixed point (fixing it again changes nothing). A fixture whose safe fixes change it
   must have ``name.fixed.py``; one whose unsafe result differs from the safe one must
   have ``name.unsafe.fixed.py``. Create or refresh them with::

       pytest tests/test_fixtures.py --update-fixtures

   and review the diff like code. Snapshots are not fixtures themselves (their markers
   are stale by design).
"""

from __future__ import annotations

import re
from collections import Counter
from pathlib import Path

import pytest

from fastapi_rules_lint.engine.source import SourceDecodeError, decode_source
from fastapi_rules_lint.lint.fixer import fix_text
from fastapi_rules_lint.lint.linter import LintSettings, lint_bytes
from fastapi_rules_lint.lint.registry import select_codes

ROOT = Path(__file__).resolve().parent.parent
FIXTURES = ROOT / "tests" / "fixtures"
PROJECTS = FIXTURES / "projects"  # multi-module projects: tests/test_entry_points.py
SNAPSHOT_SUFFIXES = (".unsafe.fixed.py", ".fixed.py")

_CODE = r"[A-Z]+[0-9]+"
_MARKER = re.compile(rf"#\s*error:\s*(?P<codes>{_CODE}(?:\s*,\s*{_CODE})*)")
_SELECT = re.compile(r"^#\s*select:\s*(?P<codes>.+?)\s*$")
_SPLIT = re.compile(r"[\s,]+")


def fixture_files() -> list[Path]:
    """Every fixture (snapshots excluded), sorted."""
    return sorted(
        path
        for path in FIXTURES.rglob("*.py")
        if not path.name.endswith(SNAPSHOT_SUFFIXES)
        and "__pycache__" not in path.parts
        and PROJECTS not in path.parents
    )


def _lines(data: bytes) -> list[str]:
    # Lenient on purpose: markers must be readable in undecodable fixtures too.
    return data.decode("utf-8", errors="replace").splitlines()


def expected_diagnostics(data: bytes) -> Counter[tuple[int, str]]:
    """The ``(row, code)`` multiset the ``# error:`` markers promise."""
    expected: Counter[tuple[int, str]] = Counter()
    for row, line in enumerate(_lines(data), start=1):
        match = _MARKER.search(line)
        if match is not None:
            for code in _SPLIT.split(match.group("codes")):
                expected[(row, code)] += 1
    return expected


def fixture_settings(data: bytes) -> LintSettings:
    """ALL rules, or the ``# select:`` header's codes."""
    for line in _lines(data):
        if not line.strip():
            continue
        if not line.lstrip().startswith("#"):
            break
        match = _SELECT.match(line.strip())
        if match is not None:
            return LintSettings(enabled=select_codes(_SPLIT.split(match.group("codes"))))
    return LintSettings(enabled=select_codes(["ALL"]))


def _relative(path: Path) -> str:
    return path.relative_to(ROOT).as_posix()


FILES = [pytest.param(path, id=path.relative_to(FIXTURES).as_posix()) for path in fixture_files()]


def test_fixtures_exist() -> None:
    assert FILES, "tests/fixtures/ holds no fixture"


def test_every_snapshot_has_its_fixture() -> None:
    fixtures = set(fixture_files())
    orphans = [
        _relative(snapshot)
        for snapshot in FIXTURES.rglob("*.fixed.py")
        if not any(
            snapshot_path(path, unsafe=unsafe) == snapshot
            for path in fixtures
            for unsafe in (False, True)
        )
    ]
    assert not orphans, f"snapshots without a fixture: {orphans}"


@pytest.mark.parametrize("path", FILES)
def test_fixture_diagnostics(path: Path) -> None:
    data = path.read_bytes()
    result = lint_bytes(data, _relative(path), fixture_settings(data))
    found = Counter((d.location.row, d.code) for d in result.diagnostics)
    expected = expected_diagnostics(data)
    if found == expected:
        return
    messages = {(d.location.row, d.code): d.message for d in result.diagnostics}
    unexpected = [
        f"  {_relative(path)}:{row}: {code} {messages[(row, code)]}"
        for (row, code), count in sorted((found - expected).items())
        for _ in range(count)
    ]
    missing = [
        f"  {_relative(path)}:{row}: {code}"
        for (row, code), count in sorted((expected - found).items())
        for _ in range(count)
    ]
    pytest.fail(
        "fixture diagnostics differ from its `# error:` markers\n"
        + ("unexpected:\n" + "\n".join(unexpected) + "\n" if unexpected else "")
        + ("missing:\n" + "\n".join(missing) if missing else ""),
        pytrace=False,
    )


def snapshot_path(path: Path, *, unsafe: bool) -> Path:
    """``name.fixed.py`` or ``name.unsafe.fixed.py`` next to ``name.py``."""
    suffix = ".unsafe.fixed.py" if unsafe else ".fixed.py"
    return path.with_name(path.name.removesuffix(".py") + suffix)


@pytest.mark.parametrize("unsafe", [False, True], ids=["safe", "unsafe"])
@pytest.mark.parametrize("path", FILES)
def test_fixture_snapshot(path: Path, unsafe: bool, update_fixtures: bool) -> None:
    data = path.read_bytes()
    try:
        source = decode_source(data)
    except SourceDecodeError:
        return  # nothing to fix in a file that cannot be read
    settings = fixture_settings(data)
    name = _relative(path)
    fixed = fix_text(source.text, name, settings, unsafe=unsafe).text
    # The unsafe snapshot is only wanted where it says more than the safe one.
    baseline = fix_text(source.text, name, settings, unsafe=False).text if unsafe else source.text
    snapshot = snapshot_path(path, unsafe=unsafe)
    if update_fixtures and (snapshot.exists() or fixed != baseline):
        snapshot.write_bytes(source.encode(fixed))
    if not snapshot.exists():
        assert fixed == baseline, (
            f"fixes change {name} but {_relative(snapshot)} is missing: "
            "run `pytest tests/test_fixtures.py --update-fixtures` and review it"
        )
        return
    expected = decode_source(snapshot.read_bytes()).text
    assert fixed == expected, (
        f"the fixer's output differs from {_relative(snapshot)} "
        "(if the change is intended: pytest --update-fixtures)"
    )
    again = fix_text(expected, name, settings, unsafe=unsafe)
    assert again.text == expected, f"{_relative(snapshot)} is not a fixed point: {again.applied}"
