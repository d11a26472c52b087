"""The flake8 plugin through a real ``flake8`` subprocess.

flake8 must report what the engine reports for the same file with the same config
(``path:row:col`` in flake8's convention: it prints our 0-based column plus one), leave
``# noqa`` and ``--per-file-ignores`` working, and never crash on any input. Where
CPython cannot parse a file flake8 reports ``E999`` itself and the plugin stays out.
"""

from __future__ import annotations

import ast
import importlib.util
import json
import subprocess
import sys
from collections.abc import Iterable, Mapping, Sequence
from pathlib import Path

import pytest

from fastapi_rules_lint.config import load_config
from fastapi_rules_lint.engine.source import SourceDecodeError, decode_source
from fastapi_rules_lint.interfaces import flake8 as plugin
from fastapi_rules_lint.lint.linter import lint_bytes
from fastapi_rules_lint.lint.registry import all_rules
from fastapi_rules_lint.rulebase.rule import Flagged
from fastapi_rules_lint.runner.workspace import Workspace

ROOT = Path(__file__).resolve().parent.parent
# Multi-module projects with their own configs: tests/test_entry_points.py checks them.
PROJECTS = ROOT / "tests" / "fixtures" / "projects"
FORMAT = "%(path)s\t%(row)d\t%(col)d\t%(code)s\t%(text)s"

Finding = tuple[str, "int | None", "int | None", str]
"""(resolved path, row, 1-based column, code); no row or column for E999: flake8's
error and the engine's FRL001 for such a file need not be the same error."""


def run_flake8(
    *args: str, cwd: Path = ROOT, stdin: str | None = None, select: str = "FRL,E999,E902"
) -> tuple[set[Finding], subprocess.CompletedProcess[str]]:
    """Run flake8 (ignoring any flake8 config file) and parse what it printed."""
    command = [sys.executable, "-m", "flake8", "--isolated", f"--select={select}"]
    command += [f"--format={FORMAT}", *args]
    result = subprocess.run(
        command, cwd=cwd, input=stdin, capture_output=True, text=True, timeout=300
    )
    assert "Traceback" not in result.stderr, result.stderr
    assert result.returncode in (0, 1), result.stdout + result.stderr
    found: set[Finding] = set()
    for line in result.stdout.splitlines():
        path, row, col, code, _ = line.split("\t", 4)
        if code == "E999":
            found.add((_resolve(cwd, path), None, None, code))
        else:
            found.add((_resolve(cwd, path), int(row), int(col), code))
    return found, result


def _resolve(cwd: Path, path: str) -> str:
    return str((cwd / path).resolve())


def _cpython_rejects(data: bytes) -> bool:
    """True when flake8 reports E999 itself (and never calls the plugin)."""
    try:
        text = decode_source(data).text
    except SourceDecodeError:
        # flake8 reads such a file as latin-1; the plugin reports FRL001 if that parses.
        text = data.decode("latin-1")
    try:
        ast.parse(text)
    except (SyntaxError, ValueError):
        return True
    return False


def engine_findings(paths: Iterable[Path]) -> set[Finding]:
    """What the plugin promises: the engine per file, with that file's config, the
    config's per-file-ignores, its project's model, and FRL001 shown as flake8's E999
    where CPython fails."""
    found: set[Finding] = set()
    workspace = Workspace(use_cache=False)
    for path in paths:
        config = load_config(path.parent)
        ignored = config.ignored_codes_for(path)
        data = path.read_bytes()
        view = workspace.view_for(path) if not _undecodable(path) else None
        for d in lint_bytes(data, str(path), config.lint_settings(), view).diagnostics:
            if d.code in ignored:
                continue
            if d.code == "FRL001" and _cpython_rejects(data):
                found.add((str(path.resolve()), None, None, "E999"))
            else:
                found.add((str(path.resolve()), d.location.row, d.location.column, d.code))
    return found


def python_files(*roots: Path) -> list[Path]:
    return sorted(
        path
        for root in roots
        for path in root.rglob("*.py")
        if "__pycache__" not in path.parts and not _in_projects(path)
    )


def _in_projects(path: Path | str) -> bool:
    return PROJECTS in Path(path).resolve().parents


def write(folder: Path, files: Mapping[str, str | bytes]) -> list[Path]:
    paths = []
    for name, content in files.items():
        path = folder / name
        path.parent.mkdir(parents=True, exist_ok=True)
        if isinstance(content, bytes):
            path.write_bytes(content)
        else:
            path.write_text(content, encoding="utf-8", newline="")
        paths.append(path)
    return paths


ANY = "from typing import Any\n\n"


def test_examples_and_fixtures_agree_with_the_engine() -> None:
    roots = (ROOT / "examples", ROOT / "tests" / "fixtures")
    found, _ = run_flake8(*(str(root) for root in roots))
    found = {finding for finding in found if not _in_projects(finding[0])}
    expected = engine_findings(python_files(*roots))
    assert any(code == "FRL103" for *_, code in expected)
    assert found == expected


@pytest.mark.skipif(
    importlib.util.find_spec("fastapi_rules_lint.interfaces.cli") is None,
    reason="the CLI is not there yet",
)
@pytest.mark.parametrize("root", ["examples", "tests/fixtures"])
def test_cli_and_flake8_agree(root: str) -> None:
    """Same findings: both read the whole project's model, whichever files they get."""
    files = python_files(ROOT / root)
    command = [sys.executable, "-m", "fastapi_rules_lint", "check", "--no-cache"]
    # The files, not the folder: the fixture projects must not join this run's index.
    command += ["--output-format", "json", "--exit-zero", *map(str, files)]
    result = subprocess.run(command, cwd=ROOT, capture_output=True, text=True, timeout=300)
    assert result.returncode == 0, result.stderr
    rejected = {str(p.resolve()) for p in files if _cpython_rejects(p.read_bytes())}
    cli: set[Finding] = set()
    for d in json.loads(result.stdout):
        path = _resolve(ROOT, d["filename"])
        if d["code"] == "FRL001" and path in rejected:
            cli.add((path, None, None, "E999"))
        else:
            cli.add((path, d["location"]["row"], d["location"]["column"], d["code"]))
    found, _ = run_flake8(*map(str, files))
    assert cli == engine_findings(files)
    assert cli == found


def _undecodable(path: Path) -> bool:
    try:
        decode_source(path.read_bytes())
    except SourceDecodeError:
        return True
    return False


def test_columns_newlines_and_bom(tmp_path: Path) -> None:
    paths = write(
        tmp_path,
        {
            "wide.py": ANY + 'label = "héllo wörld"; value: Any = 1\n',
            "crlf.py": ANY.replace("\n", "\r\n") + "def f(x: Any) -> None:\r\n    pass\r\n",
            "bom.py": b"\xef\xbb\xbf" + (ANY + "x: Any = 1\n").encode(),
            "latin.py": b"# -*- coding: latin-1 -*-\n"
            + (ANY + "s = '\xe9'; y: Any = 2\n").encode("latin-1"),
        },
    )
    found, _ = run_flake8(*(p.name for p in paths), cwd=tmp_path)
    assert found == engine_findings(paths)
    # Columns count characters, as the CLI's do: `Any` after `"héllo wörld"; value: `.
    assert (str(paths[0].resolve()), 3, 31, "FRL103") in found
    assert sum(code == "FRL103" for *_, code in found) == 4


def test_noqa_and_per_file_ignores(tmp_path: Path) -> None:
    code = ANY + (
        "a: Any = 1  # noqa: FRL103\n"
        "b: Any = 2  # noqa\n"
        "c: Any = 3  # noqa: E501\n"
        "d: Any = 4  # NOQA:FRL103,E501\n"
        "def f(  # noqa: FRL103\n"
        "    x: Any,\n"
        ") -> None: ...\n"
    )
    paths = write(tmp_path, {"app.py": code, "ignored.py": code})
    ignore = "--per-file-ignores=ignored.py:FRL103"
    found, _ = run_flake8(ignore, "app.py", "ignored.py", cwd=tmp_path, select="FRL103")
    # Only `c` is reported: a suppression naming another code does not silence FRL103,
    # and one on the first row of a multi-line statement covers it (as in the CLI).
    assert found == {(str(paths[0].resolve()), 5, 4, "FRL103")}


def test_disable_noqa_brings_back_what_our_own_suppressions_hide(tmp_path: Path) -> None:
    code = ANY + (
        "a: Any = 1  # noqa: FRL103\n"
        "def f(  # noqa: FRL103\n"
        "    x: Any,\n"
        ") -> None: ...\n"
        "b: Any = \\\n"
        "    2  # noqa: FRL103\n"
    )
    (path,) = write(tmp_path, {"app.py": code})
    found, _ = run_flake8("app.py", cwd=tmp_path, select="FRL103")
    assert found == set(), "our own noqa handling hides the multi-line cases"
    found, _ = run_flake8("--disable-noqa", "app.py", cwd=tmp_path, select="FRL103")
    where = str(path.resolve())
    assert found == {(where, 3, 4, "FRL103"), (where, 5, 8, "FRL103"), (where, 7, 4, "FRL103")}


def test_flake8_select_filters_what_the_config_enables(tmp_path: Path) -> None:
    body = ANY + "def f(*args: Any) -> None: ...\n"
    write(tmp_path, {"app.py": body})
    found, _ = run_flake8("app.py", cwd=tmp_path, select="FRL1")
    assert {code for *_, code in found} == {"FRL103"}
    found, _ = run_flake8("--extend-ignore=FRL103", "app.py", cwd=tmp_path, select="FRL")
    assert found == set()


CONFIGS = {
    "ignore": '[tool.fastapi-rules]\nignore = ["FRL103"]\n',
    "per_file_ignores": '[tool.fastapi-rules]\nper-file-ignores = {"pkg/*.py" = ["FRL1"]}\n',
    "rule_table": "[tool.fastapi-rules.lint.any-type]\nallow-star-arg-any = true\n",
    "flat_option": "[tool.fastapi-rules]\nallow-star-arg-any = true\n",
}


def test_reads_the_nearest_pyproject_config(tmp_path: Path) -> None:
    """Each folder has its own pyproject.toml, and each one silences `*args: Any`."""
    paths = []
    for name, config in CONFIGS.items():
        (tmp_path / name).mkdir()
        (tmp_path / name / "pyproject.toml").write_text(config, encoding="utf-8")
        paths += write(tmp_path / name, {"pkg/app.py": ANY + "def f(*args: Any) -> None: ...\n"})
    paths += write(tmp_path, {"control/pkg/app.py": ANY + "def f(*args: Any) -> None: ...\n"})
    found, _ = run_flake8(*CONFIGS, "control", cwd=tmp_path)
    assert found == engine_findings(paths)
    assert {(Path(path).parent.parent.name, code) for path, _, _, code in found} == {
        ("control", "FRL103")
    }


def _off_by_default_examples() -> dict[str, str]:
    examples = {}
    for rule in all_rules():
        flagged = [e for e in rule.examples if isinstance(e, Flagged) and not e.options]
        if not rule.default_enabled and flagged:
            examples[rule.code] = flagged[0].code
    return examples


def test_flake8_select_does_not_turn_on_off_by_default_rules(tmp_path: Path) -> None:
    """`--select FRL` filters what the config enables, exactly like the CLI's defaults;
    `extend-select` in [tool.fastapi-rules] opts in for both tools."""
    examples = _off_by_default_examples()
    if not examples:
        pytest.skip("no off-by-default rule with an example")
    (tmp_path / "opted_in").mkdir()
    (tmp_path / "opted_in" / "pyproject.toml").write_text(
        f"[tool.fastapi-rules]\nextend-select = {json.dumps(sorted(examples))}\n", "utf-8"
    )
    files = {
        f"{folder}/{code.lower()}.py": source
        for code, source in examples.items()
        for folder in ("defaults", "opted_in")
    }
    paths = write(tmp_path, files)
    found, _ = run_flake8("defaults", "opted_in", cwd=tmp_path, select="FRL")
    assert found == engine_findings(paths)
    fired = {(Path(path).parent.name, code) for path, _, _, code in found}
    for code in examples:
        assert ("defaults", code) not in fired
        assert ("opted_in", code) in fired


def test_invalid_config_is_one_line_per_file_not_a_traceback(tmp_path: Path) -> None:
    (tmp_path / "pyproject.toml").write_text("[tool.fastapi-rules]\nselekt = []\n", "utf-8")
    write(tmp_path, {"a.py": "x = 1\n", "b.py": "y = 2\n"})
    found, result = run_flake8("a.py", "b.py", cwd=tmp_path)
    assert {(Path(path).name, row, code) for path, row, _, code in found} == {
        ("a.py", 1, "FRL000"),
        ("b.py", 1, "FRL000"),
    }
    assert "selekt" in result.stdout
    assert "pyproject.toml" in result.stdout


GARBAGE: dict[str, str | bytes] = {
    "empty.py": b"",
    "only_bom.py": b"\xef\xbb\xbf",
    "null_byte.py": b"x = 1\x00\n",
    "invalid_utf8.py": b'x = "\xff\xfe"\n',
    "unknown_cookie.py": b"# -*- coding: no-such-codec -*-\nx = 1\n",
    "binary_noise.py": bytes(range(256)) * 8,
    "unclosed.py": "x = (1,\n",
    "deep_nesting.py": "x = " + "(" * 150 + "1" + ")" * 150 + "\n",
    "deep_lists.py": "x = " + "[" * 90 + "1" + "]" * 90 + "\n",
    "lone_cr.py": b"from typing import Any\rx: Any = 1\r",
    "form_feed.py": "\x0cfrom typing import Any\n\x0cx: Any = 1\n",
    "tabs_and_continuations.py": "if True:\n\tx = \\\n\t\t1\n",
    "only_comment.py": "# just a comment, no newline",
    "walrus_match.py": "match (y := 1):\n    case 1:\n        pass\n",
}


def test_garbage_never_crashes_flake8(tmp_path: Path) -> None:
    paths = write(tmp_path, GARBAGE)
    found, result = run_flake8(*GARBAGE, cwd=tmp_path, select="FRL,E9")
    assert "FRL000" not in result.stdout, result.stdout
    assert found == engine_findings(paths)
    names = {(Path(path).name, code) for path, _, _, code in found}
    assert ("invalid_utf8.py", "FRL001") in names
    assert ("unknown_cookie.py", "FRL001") in names
    assert ("unclosed.py", "E999") in names


@pytest.mark.parametrize("on_disk", [b"y = 1\n", b'y = "\xff"\n'], ids=["valid", "undecodable"])
def test_stdin(tmp_path: Path, on_disk: bytes) -> None:
    source = ANY + "x: Any = 'é'\n"
    # The file on disk differs from the editor's buffer: the buffer is what is checked,
    # even when the file itself could not be decoded.
    write(tmp_path, {"app.py": on_disk})
    found, _ = run_flake8(
        "--stdin-display-name=app.py", "-", cwd=tmp_path, stdin=source, select="FRL001,FRL103"
    )
    assert found == {(str((tmp_path / "app.py").resolve()), 3, 4, "FRL103")}


def _run_in_process(lines: Sequence[str], filename: str) -> list[tuple[int, int, str]]:
    checker = plugin.Flake8Plugin(ast.parse("".join(lines)), lines, filename)
    return [(row, col, text) for row, col, text, kind in checker.run()]


def test_internal_error_is_one_diagnostic(monkeypatch: pytest.MonkeyPatch, tmp_path: Path) -> None:
    def explode(*args: object, **kwargs: object) -> list[object]:
        raise RuntimeError("boom\nsecond line")

    monkeypatch.setattr(plugin, "lint_text", explode)
    found = _run_in_process(["x = 1\n"], str(tmp_path / "app.py"))
    assert len(found) == 1
    row, col, text = found[0]
    assert (row, col) == (1, 0)
    assert text.startswith("FRL000 ") and "RuntimeError: boom second line" in text


def test_in_process_matches_flake8_convention(tmp_path: Path) -> None:
    found = _run_in_process([ANY, "x: Any = 1\n"], str(tmp_path / "app.py"))
    assert [(row, col, text.split()[0]) for row, col, text in found] == [(3, 3, "FRL103")]
    assert plugin.Flake8Plugin.name == "fastapi-rules-lint"
