"""The standby linter (``runner.standby``): same answers as linting here, no file lost
when it dies, never started where it cannot pay off, killed when unused."""

from __future__ import annotations

import multiprocessing
import os
import time
from pathlib import Path

import pytest

from fastapi_rules_lint.interfaces.worker import Task, Worker, run_tasks
from fastapi_rules_lint.lint import linter
from fastapi_rules_lint.lint.settings import LintSettings
from fastapi_rules_lint.runner.parallel import Pool
from fastapi_rules_lint.runner.standby import Standby, usable_cpus
from tests.test_warm_runs import _check

can_fork = pytest.mark.skipif(
    usable_cpus() < 2 or multiprocessing.get_context().get_start_method() != "fork",
    reason="the standby runs only with fork and a spare CPU",
)

SOURCE = "from typing import Any\n\n\ndef f(x: Any) -> None:\n    pass\n"


def _nothing() -> None:
    pass


def _square(number: int) -> int:
    return number * number


def _die_on_three(number: int) -> int:
    if number == 3:
        os._exit(7)  # as a segfault in the native parser would end it
    return number


@can_fork
def test_map_returns_every_result_in_order() -> None:
    standby = Standby()
    standby.start(_nothing, None)
    assert standby.is_running
    done = standby.map(_square, [3, 1, 2])
    assert done is not None and list(done) == [9, 1, 4]
    assert not standby.is_running  # it serves one request


@can_fork
def test_a_standby_that_dies_keeps_what_it_finished() -> None:
    standby = Standby()
    standby.start(_nothing, None)
    done = standby.map(_die_on_three, [1, 2, 3, 4])
    assert done is not None and list(done) == [1, 2]
    assert not standby.is_running


def _broken_warm_up() -> None:
    raise ImportError("no such module")


@can_fork
def test_a_standby_whose_warm_up_fails_answers_nothing_and_prints_nothing(
    capfd: pytest.CaptureFixture[str],
) -> None:
    standby = Standby()
    standby.start(_broken_warm_up, None)
    time.sleep(0.2)  # let it fail before the request
    done = standby.map(_square, [1, 2])
    assert done is None or list(done) == []  # the caller lints the files itself
    assert not standby.is_running
    assert "Traceback" not in capfd.readouterr().err


@can_fork
def test_an_unused_standby_is_killed_at_once() -> None:
    standby = Standby()
    standby.start(lambda: time.sleep(60), None)  # forked: nothing is pickled
    began = time.perf_counter()
    standby.close()
    assert time.perf_counter() - began < 30  # not the minute its warm-up would take
    assert not standby.is_running


def test_no_standby_with_one_job_or_without_one() -> None:
    standby = Standby()
    standby.start(_nothing, jobs=1)
    assert not standby.is_running
    assert standby.map(_square, [1]) is None  # the caller lints itself


@can_fork
def test_run_tasks_through_the_standby_equals_linting_here() -> None:
    settings = LintSettings()
    tasks = [Task(f"m{index}.py", SOURCE * (index + 1), settings) for index in range(3)]
    here = run_tasks(Worker(), tasks, jobs=1)
    with Pool(None) as pool:
        pool.standby.start(_nothing, None)
        assert pool.executor_for(len(tasks)) is None  # too few files for a pool
        there = run_tasks(Worker(), tasks, None, pool=pool)
        assert not pool.standby.is_running  # it was used
    assert there == here
    assert all(outcome.diagnostics for outcome in here)


@can_fork
def test_a_file_that_kills_the_standby_costs_only_that_file(
    monkeypatch: pytest.MonkeyPatch,
) -> None:
    real = linter.lint_text

    def crash_on_boom(text: str, path: str, *args: object, **kwargs: object) -> object:
        if path == "boom.py":
            os._exit(7)
        return real(text, path, *args, **kwargs)  # type: ignore[arg-type]

    monkeypatch.setattr(linter, "lint_text", crash_on_boom)  # the forks inherit it
    settings = LintSettings()
    tasks = [Task(name, SOURCE, settings) for name in ("a.py", "boom.py", "c.py")]
    with Pool(None) as pool:
        pool.standby.start(_nothing, None)
        outcomes = run_tasks(Worker(), tasks, None, pool=pool)
    assert [outcome.display for outcome in outcomes] == ["a.py", "boom.py", "c.py"]
    assert outcomes[1].error == "boom.py: the worker process exited unexpectedly (status 7)"
    assert outcomes[0].diagnostics and outcomes[2].diagnostics
    assert outcomes[0].error is None and outcomes[2].error is None


@can_fork
def test_check_file_lints_in_the_standby_with_the_same_answer(tmp_path: Path) -> None:
    (tmp_path / "app.py").write_text(SOURCE, encoding="utf-8")
    # `_check` runs the CLI in a fresh interpreter and names the heavy modules it imported.
    standby_output, standby_imports = _check(tmp_path, "--no-cache", "app.py")
    here_output, here_imports = _check(tmp_path, "--no-cache", "--jobs", "1", "app.py")
    assert standby_output == here_output
    assert "FRL103" in standby_output
    assert "libcst" not in standby_imports  # the standby linted
    assert "libcst" in here_imports  # `--jobs 1`: one process, as asked


@can_fork
def test_a_pool_run_forks_its_workers_before_importing_the_linter(tmp_path: Path) -> None:
    for index in range(4):
        (tmp_path / f"m{index}.py").write_text(SOURCE, encoding="utf-8")
    # The workers import the linter themselves (``lint.warm``) while this process reads
    # the files and builds the model: the answer is the same as in one process.
    pool_output, pool_imports = _check(tmp_path, "--no-cache", "--jobs", "2", ".")
    here_output, here_imports = _check(tmp_path, "--no-cache", "--jobs", "1", ".")
    assert pool_output == here_output
    assert pool_output.count('"code": "FRL103"') == 4
    assert "libcst" not in pool_imports
    assert "libcst" in here_imports
