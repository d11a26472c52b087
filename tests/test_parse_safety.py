"""Parse safety (issue 14 part 1): the pre-check, the big stack, crash isolation.

Every failure of the issue runs through the CLI and a real flake8 subprocess, with the
default jobs and ``-j 1``; each subprocess has a timeout, so a hang fails the test.
"""

from __future__ import annotations

import faulthandler
import os
import signal
import subprocess
import sys
from pathlib import Path

import pytest
from hypothesis import given
from hypothesis import strategies as st

from fastapi_rules_lint.engine import parse
from fastapi_rules_lint.engine.parse import MAX_BRACKETS, MAX_DEPTH, is_risky, precheck
from fastapi_rules_lint.interfaces.isolation import Crash, describe_exit, run_isolated
from fastapi_rules_lint.lint.linter import lint_text

DEEP_PARENS = "x = " + "(" * 1100 + "1" + ")" * 1100 + "\n"
AND_CHAIN = "a = 1\nx = " + " and ".join(["a"] * 8000) + "\n"
GOOD = (
    "from fastapi import FastAPI\n\napp = FastAPI()\n\n\n"
    "@app.get('/')\ndef root(x):\n    return 1\n"
)
TIMEOUT = 120


def test_deep_parens_refused_where_the_limit_is_passed() -> None:
    refusal = precheck(DEEP_PARENS)
    assert refusal is not None
    assert refusal.message == "Syntax error: too many nested parentheses (over 200)"
    assert (refusal.row, refusal.column) == (1, 5 + MAX_BRACKETS)


def test_long_and_chain_refused() -> None:
    refusal = precheck(AND_CHAIN)
    assert refusal is not None
    assert refusal.message == f"nesting too deep for the parser (over {MAX_DEPTH} levels)"
    assert refusal.row == 2


@pytest.mark.parametrize(
    "source",
    [
        "x = " + " + ".join(["a"] * 1500) + "\n",
        "x = a" + ".b" * 1500 + "\n",
        "x = f" + "()" * 1500 + "\n",
        "x = " + "not " * 1500 + "1\n",
    ],
    ids=["plus", "attribute", "calls", "not"],
)
def test_other_chains_refused(source: str) -> None:
    refusal = precheck(source)
    assert refusal is not None and "nesting too deep" in refusal.message


# Pieces the scan treats differently: brackets, steps, resets, words that are and are
# not keywords, strings and comments (skipped by the scan, counted by the bound).
_PIECES = st.sampled_from(
    ["(", ")", "[", "]", "{", "}", ".", "+", "**", "//", "-", "<<", "<", "=", "==", ",",
     ";", "\n", "\\\n", " and ", " or ", "not ", " in ", " is ", " if ", " else ",
     "lambda ", "await ", "a", "b1", "index", "orbit", "'x(('", '"""a.b"""', "# (+\n",
     " "]
)


# Few characters besides the ones that deepen the nesting: the bound is tight here.
_LEAN = st.sampled_from(["(", "(", "[", "{", ")", "]", "+", ".", " not ", ",", "=", "\n", "a"])


@given(st.lists(_PIECES, max_size=300).map("".join) | st.lists(_LEAN, max_size=60).map("".join))
def test_the_depth_bound_is_never_below_the_scan(text: str) -> None:
    # `is_risky` and `precheck` skip the scan when the bound is under their limit.
    assert parse.depth_bound(text) >= parse._scan(text)[0]


def test_the_depth_bound_keeps_deep_files_scanned() -> None:
    assert is_risky("x = " + "(" * 150 + " + ".join(["a"] * 300) + ")" * 150 + "\n")
    assert precheck(AND_CHAIN) is not None


def test_long_elif_chain_refused() -> None:
    source = "if x:\n    pass\n" + "elif x:\n    pass\n" * 6000
    refusal = precheck(source)
    assert refusal is not None and "`elif` branches" in refusal.message


def test_ordinary_code_is_not_refused() -> None:
    wide = "x = [\n" + "    a.b + c,\n" * 5000 + "]\n"  # long, but flat
    strings = "x = '" + "(" * 5000 + "'  # " + "(" * 5000 + "\n"
    many = "".join(f"x{i} = a.b.c + d * 2\n" for i in range(2000))
    for source in (wide, strings, many, GOOD):
        assert precheck(source) is None


def test_valid_deep_code_under_the_limit_is_still_checked() -> None:
    chain = " and ".join(["a"] * 800)
    source = f"def f(x):\n    return {chain}\n"
    found = lint_text(source, "deep.py")
    assert "FRL101" in {d.code for d in found}  # checked, not refused
    assert "FRL001" not in {d.code for d in found}
    assert is_risky(source)  # an in-process run checks it in a child process
    assert not is_risky(GOOD)


def test_too_many_tokens_refused(monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.setattr(parse, "MAX_TOKENS", 1000)
    refusal = precheck("x = 1\n" * 1000)
    assert refusal is not None and refusal.message.startswith("file too large to check (3,000")


def test_refusal_is_frl001_from_lint_text() -> None:
    found = lint_text(AND_CHAIN, "chain.py")
    assert [(d.code, d.location.row) for d in found] == [("FRL001", 2)]


def test_big_stack_parses_what_crashes_a_main_thread() -> None:
    # 20,000 `elif` branches segfault LibCST on an 8 MiB main-thread stack; on the big
    # stack they parse (the pre-check refuses them only for time, past MAX_BRANCHES).
    import libcst as cst

    source = "if x:\n    pass\n" + "elif x:\n    pass\n" * 20_000
    module = parse.on_big_stack(lambda: cst.parse_module(source))
    assert len(module.body) == 1


# -- crash isolation ---------------------------------------------------------------


def _die_on_three(item: int) -> int:
    if item == 3:
        faulthandler.disable()  # no traceback dump from the child on pytest's stderr
        os.kill(os.getpid(), signal.SIGSEGV)
    return item * 10


@pytest.mark.skipif(sys.platform == "win32", reason="POSIX signals")
def test_run_isolated_names_only_the_culprit() -> None:
    results: dict[int, int | Crash] = {}
    run_isolated(_die_on_three, list(range(8)), 2, results.__setitem__)
    assert sorted(results) == list(range(8))
    crash = results.pop(3)
    assert crash == Crash("the parser crashed (signal 11, SIGSEGV)")
    assert results == {i: i * 10 for i in range(8) if i != 3}


def test_describe_exit() -> None:
    assert describe_exit(-9).endswith("(signal 9, SIGKILL; out of memory?)")
    assert describe_exit(3) == "the worker process exited unexpectedly (status 3)"


# -- the CLI and flake8, in subprocesses ---------------------------------------------


@pytest.fixture
def tree(tmp_path: Path) -> Path:
    (tmp_path / "parens.py").write_text(DEEP_PARENS)
    (tmp_path / "chain.py").write_text(AND_CHAIN)
    (tmp_path / "good.py").write_text(GOOD)
    return tmp_path


def _run(args: list[str], cwd: Path) -> subprocess.CompletedProcess[str]:
    return subprocess.run(
        [sys.executable, *args], cwd=cwd, capture_output=True, text=True, timeout=TIMEOUT
    )


@pytest.mark.parametrize("jobs", [[], ["-j", "1"], ["-j", "2"]], ids=["default", "j1", "j2"])
def test_cli_deep_files(tree: Path, jobs: list[str]) -> None:
    result = _run(["-m", "fastapi_rules_lint", "check", "--no-cache", *jobs, "."], tree)
    assert result.returncode == 1, result.stderr
    assert "parens.py:1:205: FRL001 Syntax error: too many nested parentheses" in result.stdout
    assert "chain.py:2:" in result.stdout and "nesting too deep for the parser" in result.stdout
    assert "good.py:7:10: FRL101" in result.stdout


@pytest.mark.parametrize("jobs", [[], ["-j", "1"], ["-j", "2"]], ids=["default", "j1", "j2"])
def test_flake8_deep_files(tree: Path, jobs: list[str]) -> None:
    # Before: a hang with flake8's default jobs, a segfault with -j 1.
    result = _run(["-m", "flake8", "--select", "FRL", *jobs, "."], tree)
    assert result.returncode == 1, result.stderr
    assert "chain.py:2:" in result.stdout and "FRL001 nesting too deep" in result.stdout
    assert "good.py:7:10: FRL101" in result.stdout
    # CPython rejects the parentheses itself: flake8's E999, our plugin is not called.
    assert "parens.py" not in result.stdout


_CRASHING_CLI = """
import os, signal, sys
from fastapi_rules_lint.interfaces import worker

original = worker.Worker.__call__

def crashing(self, task):
    if task.display.endswith("boom.py"):
        os.kill(os.getpid(), signal.SIGSEGV)
    return original(self, task)

worker.Worker.__call__ = crashing
if __name__ == "__main__":  # the pool's processes import this script too
    from fastapi_rules_lint.interfaces.cli import main
    sys.argv = ["fastapi-rules", *sys.argv[1:]]
    main()
"""


@pytest.mark.skipif(sys.platform == "win32", reason="POSIX signals")
@pytest.mark.parametrize("jobs", [[], ["-j", "2"]], ids=["default", "j2"])
def test_cli_worker_crash_costs_only_its_file(tmp_path: Path, jobs: list[str]) -> None:
    # The patched worker reaches the pool's processes as they import the main script
    # (they are not forks of it: ``runner.parallel``); 50 files make the default run
    # parallel too.
    for index in range(50):
        (tmp_path / f"m{index}.py").write_text(f"def f{index}(x):\n    return x\n")
    (tmp_path / "boom.py").write_text("def boom(x):\n    return x\n")
    script = tmp_path.parent / f"{tmp_path.name}_crashing_cli.py"
    script.write_text(_CRASHING_CLI)
    result = _run([str(script), "check", "--no-cache", "--select", "FRL101", *jobs, "."], tmp_path)
    assert result.returncode == 2, result.stderr
    assert "fastapi-rules: error: boom.py: the parser crashed (signal 11, SIGSEGV)" in (
        result.stderr
    )
    assert result.stdout.count("FRL101") == 50
    assert "boom.py" not in result.stdout


# -- the other failures of issue 14 through a real flake8 -----------------------------


def test_flake8_hostile_literal_and_others_go_on(tmp_path: Path) -> None:
    (tmp_path / "bad.py").write_text("x = '\\N{BOGUS}'\n")
    (tmp_path / "good.py").write_text(GOOD)
    for jobs in ([], ["-j", "1"]):
        result = _run(["-m", "flake8", "--select", "FRL,E999", *jobs, "."], tmp_path)
        assert "bad.py:1:" in result.stdout and "E999" in result.stdout
        assert "good.py:7:10: FRL101" in result.stdout
        assert "FRL000" not in result.stdout


def test_flake8_non_utf8_settings_file_names_it(tmp_path: Path) -> None:
    (tmp_path / "pyproject.toml").write_bytes(b"[tool.fastapi-rules]\n# caf\xe9\n")
    (tmp_path / "good.py").write_text(GOOD)
    for jobs in ([], ["-j", "1"]):
        result = _run(["-m", "flake8", "--select", "FRL", *jobs, "."], tmp_path)
        assert "good.py:1:1: FRL000 invalid fastapi-rules configuration" in result.stdout
        assert "pyproject.toml" in result.stdout


@pytest.mark.skipif(os.name != "posix" or os.geteuid() == 0, reason="needs a non-root POSIX")
def test_flake8_unreadable_file_and_others_go_on(tmp_path: Path) -> None:
    unreadable = tmp_path / "secret.py"
    unreadable.write_text("x = 1\n")
    unreadable.chmod(0)
    (tmp_path / "good.py").write_text(GOOD)
    try:
        for jobs in ([], ["-j", "1"]):
            result = _run(["-m", "flake8", "--select", "FRL,E902", *jobs, "."], tmp_path)
            assert "good.py:7:10: FRL101" in result.stdout
    finally:
        unreadable.chmod(0o644)
