"""The command line, through ``CliRunner`` (and once each as a real subprocess)."""

from __future__ import annotations

import json
import os
import shutil
import subprocess
import sys
from pathlib import Path

import pytest
from click.testing import CliRunner, Result

from fastapi_rules_lint import __version__
from fastapi_rules_lint.interfaces.cli import cli
from fastapi_rules_lint.lint import linter
from tests.fix_examples import fix_example

ANY_SOURCE = "from typing import Any\n\n\ndef f(x: Any) -> None: ...\n"
CLEAN_SOURCE = "def f(x: int) -> None: ...\n"
ERROR_PREFIX = "fastapi-rules: error: "


@pytest.fixture
def project(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> Path:
    (tmp_path / "pyproject.toml").write_text("[tool.fastapi-rules]\n", encoding="utf-8")
    monkeypatch.chdir(tmp_path)
    monkeypatch.delenv("NO_COLOR", raising=False)
    monkeypatch.delenv("FORCE_COLOR", raising=False)
    return tmp_path


def run(*args: str, stdin: str | bytes | None = None, env: dict[str, str] | None = None) -> Result:
    return CliRunner().invoke(cli, list(args), input=stdin, env=env)


def _write(path: Path, text: str) -> Path:
    path.parent.mkdir(parents=True, exist_ok=True)
    path.write_text(text, encoding="utf-8")
    return path


def _assert_one_error(result: Result, fragment: str) -> None:
    assert result.exit_code == 2, result.output
    lines = result.stderr.splitlines()
    assert len(lines) == 1 and lines[0].startswith(ERROR_PREFIX), result.stderr
    assert fragment in lines[0]
    assert "Traceback" not in result.output


# --- lint, exit codes, selection -------------------------------------------------------


def test_clean_run(project: Path) -> None:
    _write(project / "ok.py", CLEAN_SOURCE)
    result = run("check", "--select", "FRL103", "--no-cache")
    assert result.exit_code == 0
    assert result.stdout == "All checks passed!\n"


def test_diagnostics_exit_1_and_text_format(project: Path) -> None:
    _write(project / "app" / "main.py", ANY_SOURCE)
    result = run("check", "--select", "FRL103", "--no-cache", ".")
    assert result.exit_code == 1
    lines = result.stdout.splitlines()
    assert lines[0].startswith("app/main.py:4:10: FRL103 ")
    assert lines[-1] == "Found 1 error."
    assert run("check", "--select", "FRL103", "--exit-zero", "--no-cache").exit_code == 0
    quiet = run("check", "--select", "FRL103", "--quiet", "--no-cache")
    assert quiet.stdout.splitlines() == lines[:1]


def test_select_ignore_extend_select_and_prefixes(project: Path) -> None:
    _write(project / "a.py", "from typing import Any\n\n\ndef f(x: Any, y=1) -> None: ...\n")
    codes = lambda *args: {  # noqa: E731
        item["code"]
        for item in json.loads(run("check", "--no-cache", "--output-format", "json", *args).stdout)
    }
    assert codes("--select", "FRL103") == {"FRL103"}
    assert codes("--select", "FRL103,FRL101") == {"FRL101", "FRL103"}
    assert codes("--select", "FRL10", "--ignore", "FRL101") == {"FRL103"}
    assert codes("--select", "FRL103", "--extend-select", "FRL101") == {"FRL101", "FRL103"}
    assert codes("--select", "ALL", "--ignore", "FRL101") >= {"FRL103"}


@pytest.mark.parametrize(
    ("args", "fragment"),
    [
        (("check", "--select", "NOPE1"), "unknown rule code or prefix `NOPE1`"),
        (("check", "--ignore", "FRL999"), "`FRL999`"),
        (("check", "missing.py"), "missing.py: no such file or directory"),
        (("check", "--bogus"), "--bogus"),
        (("check", "--output-format", "xml"), "--output-format"),
        (("check", "--jobs", "-3"), "--jobs"),
        (("rule", "FRL999"), "unknown rule code or name `FRL999`"),
        (("check", "--add-noqa", "--fix"), "--add-noqa cannot be combined"),
        (("check", "--baseline", "nope.json"), "nope.json: baseline file not found"),
        (("check", "--config", "nope.toml"), "nope.toml: config file not found"),
    ],
)
def test_run_failures_are_one_line_exit_2(
    project: Path, args: tuple[str, ...], fragment: str
) -> None:
    _write(project / "ok.py", CLEAN_SOURCE)
    _assert_one_error(run(*args), fragment)


def test_invalid_config_names_key_and_file(project: Path) -> None:
    (project / "pyproject.toml").write_text(
        '[tool.fastapi-rules]\nselct = ["X"]\n', encoding="utf-8"
    )
    _write(project / "ok.py", CLEAN_SOURCE)
    _assert_one_error(run("check"), "pyproject.toml: unknown key `selct`")


def test_config_file_values_and_command_line_override(project: Path) -> None:
    (project / "pyproject.toml").write_text(
        '[tool.fastapi-rules]\nselect = ["FRL103"]\n'
        '[tool.fastapi-rules.per-file-ignores]\n"tests/*" = ["FRL103"]\n',
        encoding="utf-8",
    )
    _write(project / "a.py", ANY_SOURCE)
    _write(project / "tests" / "t.py", ANY_SOURCE)
    result = run("check", "--no-cache", "--output-format", "json")
    assert [item["filename"] for item in json.loads(result.stdout)] == ["a.py"]
    assert run("check", "--no-cache", "--ignore", "FRL103").exit_code == 0


def test_json_is_sorted(project: Path) -> None:
    _write(project / "b.py", ANY_SOURCE)
    _write(project / "a.py", ANY_SOURCE + "y: Any = 1\n")
    items = json.loads(
        run("check", "--select", "FRL103", "--no-cache", "--output-format", "json").stdout
    )
    keys = [
        (i["filename"], i["location"]["row"], i["location"]["column"], i["code"]) for i in items
    ]
    assert keys == sorted(keys) and len(keys) == 3


@pytest.mark.parametrize("name", ["text", "json", "sarif", "github", "junit"])
def test_every_output_format(project: Path, name: str) -> None:
    _write(project / "a.py", ANY_SOURCE)
    result = run("check", "--select", "FRL103", "--no-cache", "--output-format", name)
    assert result.exit_code == 1 and "a.py" in result.stdout


def test_statistics_and_show_source(project: Path) -> None:
    _write(project / "a.py", ANY_SOURCE)
    stats = run("check", "--select", "FRL103", "--no-cache", "--statistics")
    assert stats.stdout.splitlines()[0] == "1\tFRL103\tany-type"
    source = run("check", "--select", "FRL103", "--no-cache", "--show-source")
    assert "4 | def f(x: Any) -> None: ..." in source.stdout
    assert "  |          ^^^ FRL103" in source.stdout


def test_colour_follows_force_color_and_no_color(project: Path) -> None:
    _write(project / "a.py", ANY_SOURCE)
    forced = run("check", "--select", "FRL103", "--no-cache", env={"FORCE_COLOR": "1"})
    assert "\x1b[" in forced.stdout
    both = run(
        "check", "--select", "FRL103", "--no-cache", env={"FORCE_COLOR": "1", "NO_COLOR": "1"}
    )
    assert "\x1b[" not in both.stdout


# --- fixing ----------------------------------------------------------------------------


def _example(unsafe: bool) -> tuple[str, str, str]:
    found = fix_example(unsafe=unsafe)
    if found is None:
        pytest.skip(f"no rule has an {'unsafe' if unsafe else 'safe'} fix example yet")
    return found


def test_fix_and_diff_with_a_safe_fix(project: Path) -> None:
    code, before, after = _example(unsafe=False)
    path = _write(project / "a.py", before)
    diff = run("check", "--select", code, "--no-cache", "--diff")
    assert diff.exit_code == 1
    assert diff.stdout.startswith("--- a.py\n+++ a.py\n")
    assert "Would fix" in diff.stderr
    assert path.read_text(encoding="utf-8") == before
    fixed = run("check", "--select", code, "--no-cache", "--fix")
    assert path.read_text(encoding="utf-8") == after
    assert "fixed" in fixed.stdout.lower()
    assert run("check", "--select", code, "--no-cache", "--diff").exit_code == 0


def test_unsafe_fix_needs_unsafe_fixes(project: Path) -> None:
    code, before, after = _example(unsafe=True)
    path = _write(project / "a.py", before)
    hint = run("check", "--select", code, "--no-cache", "--fix")
    assert path.read_text(encoding="utf-8") == before
    assert "--unsafe-fixes" in hint.stdout
    run("check", "--select", code, "--no-cache", "--fix", "--unsafe-fixes")
    assert path.read_text(encoding="utf-8") == after


def test_fix_from_config_and_no_fix_flag(project: Path) -> None:
    code, before, after = _example(unsafe=False)
    (project / "pyproject.toml").write_text("[tool.fastapi-rules]\nfix = true\n", encoding="utf-8")
    path = _write(project / "a.py", before)
    run("check", "--select", code, "--no-cache", "--no-fix")
    assert path.read_text(encoding="utf-8") == before
    run("check", "--select", code, "--no-cache")
    assert path.read_text(encoding="utf-8") == after


def test_stdin(project: Path) -> None:
    result = run("check", "--select", "FRL103", "--stdin-filename", "app/x.py", stdin=ANY_SOURCE)
    assert result.exit_code == 1
    assert result.stdout.startswith("app/x.py:4:10: FRL103 ")
    code, before, after = _example(unsafe=False)
    fixed = run("check", "--select", code, "--stdin-filename", "x.py", "--fix", stdin=before)
    assert fixed.stdout == after
    assert not (project / "x.py").exists()


# --- baseline, add-noqa, cache, jobs ---------------------------------------------------


def test_baseline_reports_only_new_diagnostics(project: Path) -> None:
    path = _write(project / "a.py", ANY_SOURCE)
    written = run("check", "--select", "FRL103", "--write-baseline", "baseline.json")
    assert written.exit_code == 0 and "Wrote 1 diagnostic" in written.stderr
    entries = json.loads((project / "baseline.json").read_text(encoding="utf-8"))["entries"]
    assert entries[0]["filename"] == "a.py" and entries[0]["code"] == "FRL103"
    path.write_text("# a comment that shifts every line\n\n" + ANY_SOURCE, encoding="utf-8")
    assert run("check", "--select", "FRL103", "--baseline", "baseline.json").exit_code == 0
    path.write_text(ANY_SOURCE + "y: Any = 1\n", encoding="utf-8")
    result = run("check", "--select", "FRL103", "--baseline", "baseline.json")
    assert result.exit_code == 1
    assert result.stdout.splitlines()[0].startswith("a.py:5:4: FRL103")


def test_add_noqa(project: Path) -> None:
    source = (
        "from typing import Any, cast\n"
        "x: Any = 1  # noqa: FRL101\n"
        'y = ("""text\n'
        '""", cast(Any, 1))\n'
        "z = '# noqa'; w: Any = 2\n"
    )
    path = _write(project / "a.py", source)
    result = run("check", "--select", "FRL103", "--add-noqa", "--no-cache")
    assert result.exit_code == 0
    assert "Added 3 noqa directives." in result.stderr
    assert path.read_text(encoding="utf-8") == (
        "from typing import Any, cast\n"
        "x: Any = 1  # noqa: FRL101, FRL103\n"
        'y = ("""text\n'
        '""", cast(Any, 1))  # noqa: FRL103\n'
        "z = '# noqa'; w: Any = 2  # noqa: FRL103\n"
    )
    assert run("check", "--select", "FRL103", "--no-cache").exit_code == 0


def test_cache_is_used_and_survives_corruption(project: Path) -> None:
    _write(project / "a.py", ANY_SOURCE)
    first = run("check", "--select", "FRL103", "--output-format", "json")
    entries = list((project / ".fastapi_rules_cache").glob("v*/index.*"))
    assert len(entries) == 1
    assert run("check", "--select", "FRL103", "--output-format", "json").stdout == first.stdout
    entries[0].write_text("{not json", encoding="utf-8")
    assert run("check", "--select", "FRL103", "--output-format", "json").stdout == first.stdout
    shutil.rmtree(project / ".fastapi_rules_cache")
    run("check", "--select", "FRL103", "--no-cache")
    assert not (project / ".fastapi_rules_cache").exists()


def test_jobs_give_the_same_results(project: Path) -> None:
    for index in range(6):
        _write(project / f"m{index}.py", ANY_SOURCE * (index + 1))
    serial = run("check", "--select", "FRL103", "--no-cache", "--jobs", "1")
    parallel = run("check", "--select", "FRL103", "--no-cache", "--jobs", "3")
    assert serial.stdout == parallel.stdout and serial.exit_code == parallel.exit_code == 1


def test_internal_error_names_the_file_and_keeps_others(
    project: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    real = linter.lint_text

    def flaky(text: str, path: str, *args: object, **kwargs: object) -> object:
        if path.endswith("boom.py"):
            raise RuntimeError("kaboom")
        return real(text, path, *args, **kwargs)  # type: ignore[arg-type]

    monkeypatch.setattr(linter, "lint_text", flaky)  # where the worker imports it from
    _write(project / "boom.py", CLEAN_SOURCE)
    _write(project / "z.py", ANY_SOURCE)
    result = run("check", "--select", "FRL103", "--no-cache", "--jobs", "1")
    assert result.exit_code == 2
    assert result.stderr == f"{ERROR_PREFIX}boom.py: internal error: RuntimeError: kaboom\n"
    assert result.stdout.startswith("z.py:4:10: FRL103")


# --- other commands, real processes ------------------------------------------------------


def test_rule_rules_and_version() -> None:
    page = run("rule", "FRL103")
    assert page.exit_code == 0 and page.stdout.startswith("# any-type (FRL103)")
    assert run("rule", "any-type").stdout == page.stdout
    listing = run("rules")
    assert listing.exit_code == 0 and "FRL103  any-type" in listing.stdout
    assert run("--version").stdout == f"fastapi-rules {__version__}\n"


def test_interfaces_know_no_rule() -> None:
    package = Path(__file__).resolve().parent.parent / "src" / "fastapi_rules_lint"
    for folder in ("interfaces", "report", "config"):
        for module in (package / folder).glob("*.py"):
            if module.name == "flake8.py":
                continue
            text = module.read_text(encoding="utf-8")
            assert "fastapi_rules_lint.rules" not in text, module


def _subprocess(command: list[str], cwd: Path) -> subprocess.CompletedProcess[str]:
    environment = {key: value for key, value in os.environ.items() if key != "FORCE_COLOR"}
    return subprocess.run(
        command, cwd=cwd, capture_output=True, text=True, timeout=120, env=environment
    )


def test_console_script_subprocess(project: Path) -> None:
    script = shutil.which("fastapi-rules") or str(Path(sys.executable).parent / "fastapi-rules")
    if not Path(script).exists():
        pytest.skip("the console script is not installed")
    _write(project / "a.py", ANY_SOURCE)
    result = _subprocess([script, "check", "--select", "FRL103", "--no-cache", "a.py"], project)
    assert result.returncode == 1
    assert result.stdout.startswith("a.py:4:10: FRL103 ")
    assert "\x1b[" not in result.stdout  # not a TTY


def test_python_dash_m_subprocess(project: Path) -> None:
    _write(project / "a.py", ANY_SOURCE)
    command = [sys.executable, "-m", "fastapi_rules_lint", "check", "--select", "NOPE"]
    result = _subprocess(command, project)
    assert result.returncode == 2
    assert result.stderr.strip() == f"{ERROR_PREFIX}unknown rule code or prefix `NOPE`"


def test_force_exclude_applies_exclude_to_explicit_files(project: Path) -> None:
    (project / "pyproject.toml").write_text(
        '[tool.fastapi-rules]\nextend-exclude = ["fixtures"]\n', encoding="utf-8"
    )
    fixture = _write(project / "fixtures" / "bad.py", ANY_SOURCE)
    assert run("check", "--select", "FRL103", "--no-cache", str(fixture)).exit_code == 1
    forced = run("check", "--select", "FRL103", "--no-cache", "--force-exclude", str(fixture))
    assert forced.exit_code == 0


def test_add_noqa_never_inside_an_f_string_or_after_a_continuation(project: Path) -> None:
    source = (
        "from typing import Any, cast\n"
        'y = (f"""{1}\n'
        '""", cast(Any, 1))\n'
        "z = 1 + \\\n"
        "    cast(Any, 2)\n"
    )
    path = _write(project / "a.py", source)
    assert run("check", "--select", "FRL103", "--add-noqa", "--no-cache").exit_code == 0
    assert path.read_text(encoding="utf-8") == (
        "from typing import Any, cast\n"
        'y = (f"""{1}\n'
        '""", cast(Any, 1))  # noqa: FRL103\n'
        "z = 1 + \\\n"
        "    cast(Any, 2)  # noqa: FRL103\n"
    )
    assert run("check", "--select", "FRL103", "--no-cache").exit_code == 0


def test_pre_commit_hooks_run_as_declared(project: Path) -> None:
    yaml = pytest.importorskip("yaml")
    root = Path(__file__).resolve().parent.parent
    hooks = {
        hook["id"]: hook
        for hook in yaml.safe_load((root / ".pre-commit-hooks.yaml").read_text(encoding="utf-8"))
    }
    assert set(hooks) == {"fastapi-rules", "fastapi-rules-fix"}
    for hook in hooks.values():
        assert hook["language"] == "python"
        assert hook["types_or"] == ["python", "pyi", "jupyter"]
        assert hook["require_serial"] is False
    assert hooks["fastapi-rules"]["entry"] == "fastapi-rules check --force-exclude"
    assert hooks["fastapi-rules-fix"]["entry"] == "fastapi-rules check --force-exclude --fix"
    # pre-commit appends the staged files to the entry's arguments.
    _write(project / "a.py", ANY_SOURCE)
    for hook in hooks.values():
        program, *arguments = hook["entry"].split()
        assert program == "fastapi-rules"
        result = run(*arguments, "--select", "FRL103", "--no-cache", "a.py")
        assert result.exit_code == 1 and "a.py:4:10: FRL103" in result.stdout
