"""Hostile input (issue 14): literals CPython rejects, and safe ``--fix`` writes."""

from __future__ import annotations

import os
import sys
import time
from pathlib import Path

import libcst as cst
import pytest
from click.testing import CliRunner

import fastapi_rules_lint
from fastapi_rules_lint.files import FileAccessError, write_atomic
from fastapi_rules_lint.interfaces.cli import cli
from fastapi_rules_lint.lint.fixer import fix_text
from fastapi_rules_lint.lint.linter import LintSettings, lint_module, lint_text
from fastapi_rules_lint.project.view import standalone_view
from fastapi_rules_lint.semantics.python.literals import (
    integer_literal,
    literal_value,
    safe_literal_eval,
    string_literal,
)

PACKAGE = Path(fastapi_rules_lint.__file__).parent

# Literals LibCST parses but CPython rejects (Python source text).
HOSTILE_LITERALS = {
    "bogus-name-escape": "'\\N{BOGUS}'",
    "truncated-hex-escape": "'\\x4'",
    "non-ascii-bytes": "b'caf\u00e9'",
    "nul-byte": "'a\x00b'",
    "huge-int": "1" * 5000,
}


def _route_module(literal: str) -> str:
    return (
        "from fastapi import APIRouter, FastAPI, HTTPException\n"
        "from typing import Any\n"
        f"app = FastAPI(title={literal})\n"
        f"router = APIRouter(prefix={literal})\n"
        f"@app.get({literal}, status_code={literal}, response_model={literal})\n"
        f"@router.post({literal}, responses={{{literal}: {{}}}})\n"
        f"async def handler(x: {literal} = {literal}) -> {literal}:\n"
        f"    raise HTTPException(status_code={literal}, detail={literal})\n"
        f"def other(x: 'Any') -> None:\n"
        f"    query = {literal} + 'select * from t'\n"
    )


# -- part 2: one literal helper ------------------------------------------------------


def test_no_module_evaluates_literals_directly() -> None:
    offenders = [
        str(path.relative_to(PACKAGE))
        for folder in ("rules", "semantics")
        for path in sorted((PACKAGE / folder).rglob("*.py"))
        if path.name != "literals.py"
        and (
            "evaluated_value" in (text := path.read_text(encoding="utf-8"))
            or "literal_eval" in text
        )
    ]
    assert offenders == [], "use semantics/python/literals.py instead"


@pytest.mark.parametrize("literal", HOSTILE_LITERALS.values(), ids=HOSTILE_LITERALS.keys())
def test_literal_helpers_never_raise(literal: str) -> None:
    node = cst.parse_expression(literal)
    assert literal_value(node) is None
    assert string_literal(node) is None
    assert integer_literal(node) is None
    assert safe_literal_eval(literal) is None


def test_literal_helpers_values() -> None:
    assert string_literal(cst.parse_expression("'a' 'b'")) == "ab"
    assert string_literal(cst.parse_expression("'a' f'{x}'")) is None
    assert integer_literal(cst.parse_expression("1_000")) == 1000
    assert literal_value(cst.parse_expression("b'x'")) == b"x"
    assert literal_value(cst.parse_expression("x")) is None
    assert safe_literal_eval("'/api'") == "/api"


@pytest.mark.parametrize("literal", HOSTILE_LITERALS.values(), ids=HOSTILE_LITERALS.keys())
def test_hostile_literal_is_frl001(literal: str) -> None:
    diagnostics = lint_text(_route_module(literal), "routes.py")
    assert [d.code for d in diagnostics] == ["FRL001"]
    assert diagnostics[0].message.startswith("Syntax error: ")


@pytest.mark.parametrize("literal", HOSTILE_LITERALS.values(), ids=HOSTILE_LITERALS.keys())
def test_rules_survive_hostile_literals(literal: str) -> None:
    # Past the compile check (as the flake8 plugin or a future caller might be): every
    # rule sees the literals and must treat them as unknown, not crash.
    text = _route_module(literal)
    lint_module(cst.parse_module(text), text, "routes.py", LintSettings(), standalone_view(text))


@pytest.mark.parametrize("literal", HOSTILE_LITERALS.values(), ids=HOSTILE_LITERALS.keys())
def test_cli_check_hostile_literal(tmp_path: Path, literal: str) -> None:
    (tmp_path / "routes.py").write_bytes(_route_module(literal).encode("utf-8"))
    (tmp_path / "clean.py").write_text("from typing import Any\nx: Any = 1\n", encoding="utf-8")
    for extra in ([], ["--fix", "--unsafe-fixes"]):
        result = CliRunner().invoke(cli, ["check", *extra, str(tmp_path)])
        assert result.exit_code == 1, result.output
        assert "internal error" not in result.output
        assert "routes.py:" in result.output and "FRL001" in result.output


def test_valid_python_libcst_cannot_parse_is_named_as_such() -> None:
    diagnostics = lint_text("(x): int = 1\n", "a.py")
    assert [d.code for d in diagnostics] == ["FRL001"]
    assert diagnostics[0].message.startswith("Cannot be parsed by LibCST (valid Python): ")


def test_newer_grammar_than_this_python_is_not_frl001() -> None:
    # LibCST reads 3.12 syntax; CPython 3.10/3.11 rejects it: not a syntax error to report.
    assert [d.code for d in lint_text("type X = int\n", "a.py")] == []


def test_nul_byte_position() -> None:
    (diagnostic,) = lint_text("x = 1\ny = 'a\x00b'\n", "a.py")
    assert (diagnostic.code, diagnostic.location.row, diagnostic.location.column) == (
        "FRL001",
        2,
        7,
    )


# -- part 4: writes ------------------------------------------------------------------

# Not a route handler: FRL102 infers `-> int` (an unsafe fix), which routes do not get.
LONE_CR_SOURCE = "def f():\n    return 1\r"


def test_fix_keeps_final_lone_cr() -> None:
    outcome = fix_text(LONE_CR_SOURCE, "a.py", LintSettings(), unsafe=True)
    assert outcome.is_changed
    assert outcome.text.endswith("return 1\r")


def test_cli_fix_keeps_final_lone_cr(tmp_path: Path) -> None:
    path = tmp_path / "a.py"
    path.write_bytes(LONE_CR_SOURCE.encode())
    result = CliRunner().invoke(cli, ["check", "--fix", "--unsafe-fixes", str(path)])
    assert "internal error" not in result.output
    data = path.read_bytes()
    assert data != LONE_CR_SOURCE.encode() and data.endswith(b"return 1\r")


def _temporaries(folder: Path) -> list[str]:
    return sorted(p.name for p in folder.iterdir() if p.name.endswith(".tmp"))


def test_temporary_removed_on_interrupt(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    path = tmp_path / "a.py"
    path.write_text("old\n", encoding="utf-8")

    def interrupted(*args: object) -> None:
        raise KeyboardInterrupt

    monkeypatch.setattr(os, "replace", interrupted)
    with pytest.raises(KeyboardInterrupt):
        write_atomic(path, b"new\n")
    assert path.read_text(encoding="utf-8") == "old\n"
    assert _temporaries(tmp_path) == []


def test_stale_temporaries_cleaned_at_next_write(tmp_path: Path) -> None:
    (tmp_path / "a.py").write_text("old\n", encoding="utf-8")
    (tmp_path / "b.py").write_text("b\n", encoding="utf-8")
    old = time.time() - 2 * 3600
    stale = tmp_path / ".b.py.k2j_x9a1.tmp"  # a killed run's, for an existing file
    fresh = tmp_path / ".b.py.qqqqqqqq.tmp"  # maybe another run's, in progress
    orphan = tmp_path / ".gone.py.abcdefgh.tmp"  # not next to its file: not ours to judge
    foreign = tmp_path / ".b.py.notours.tmp"  # not mkstemp's pattern
    for file in (stale, fresh, orphan, foreign):
        file.write_text("partial", encoding="utf-8")
    for file in (stale, orphan, foreign):
        os.utime(file, (old, old))
    write_atomic(tmp_path / "a.py", b"new\n")
    assert (tmp_path / "a.py").read_bytes() == b"new\n"
    assert _temporaries(tmp_path) == sorted(p.name for p in (fresh, orphan, foreign))


@pytest.mark.skipif(sys.platform == "win32", reason="symlinks need privileges")
def test_symlink_outside_project_refused(tmp_path: Path) -> None:
    project, outside = tmp_path / "project", tmp_path / "outside"
    project.mkdir()
    outside.mkdir()
    real = outside / "real.py"
    real.write_text("old\n", encoding="utf-8")
    link = project / "link.py"
    link.symlink_to(real)
    with pytest.raises(FileAccessError, match=r"symlink .* outside the project"):
        write_atomic(link, b"new\n", root=project)
    assert real.read_text(encoding="utf-8") == "old\n" and link.is_symlink()


@pytest.mark.skipif(sys.platform == "win32", reason="symlinks need privileges")
def test_symlink_inside_project_written_through(tmp_path: Path) -> None:
    (tmp_path / "sub").mkdir()
    real = tmp_path / "real.py"
    real.write_text("old\n", encoding="utf-8")
    link = tmp_path / "sub" / "link.py"
    link.symlink_to(real)
    write_atomic(link, b"new\n", root=tmp_path)
    assert real.read_bytes() == b"new\n" and link.is_symlink()


@pytest.mark.skipif(sys.platform == "win32", reason="symlinks need privileges")
def test_cli_fix_through_symlink_outside_is_one_error(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    project, outside = tmp_path / "project", tmp_path / "outside"
    project.mkdir()
    outside.mkdir()
    (project / "pyproject.toml").write_text("[tool.fastapi-rules]\n", encoding="utf-8")
    real = outside / "real.py"
    real.write_bytes(LONE_CR_SOURCE.replace("\r", "\n").encode())
    (project / "link.py").symlink_to(real)
    monkeypatch.chdir(project)
    result = CliRunner().invoke(cli, ["check", "--fix", "--unsafe-fixes", "link.py"])
    errors = [line for line in result.output.splitlines() if "error:" in line]
    assert len(errors) == 1 and "outside the project" in errors[0], result.output
    assert "internal error" not in result.output
    assert result.exit_code == 2
    assert real.read_bytes() == LONE_CR_SOURCE.replace("\r", "\n").encode()


def test_hard_link_refused(tmp_path: Path) -> None:
    path = tmp_path / "a.py"
    path.write_text("old\n", encoding="utf-8")
    other = tmp_path / "b.py"
    os.link(path, other)
    with pytest.raises(FileAccessError, match="2 hard links"):
        write_atomic(path, b"new\n")
    assert path.read_bytes() == other.read_bytes() == b"old\n"
    assert os.stat(path).st_ino == os.stat(other).st_ino
    assert _temporaries(tmp_path) == []
