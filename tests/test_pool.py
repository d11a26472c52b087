"""The run's shared worker pool (``runner.parallel.Pool``) and the parent's collector
policy (``engine.gc_tuning``): same results as one process, one fork per run."""

from __future__ import annotations

import gc

from fastapi_rules_lint.engine import gc_tuning
from fastapi_rules_lint.interfaces.worker import Task, Worker, run_tasks
from fastapi_rules_lint.runner.parallel import Pool, map_files


def _square(value: int) -> int:
    return value * value


def test_one_pool_serves_every_phase() -> None:
    items = list(range(60))
    with Pool(2) as pool:
        pool.start(len(items))
        executor = pool.executor_for(len(items))
        assert executor is not None and pool.processes == 2
        assert map_files(_square, items, 2, pool) == [_square(item) for item in items]
        assert pool.executor_for(3) is executor  # started once, reused by the next phase
    assert pool.processes == 0  # closed


def test_small_runs_stay_in_this_process() -> None:
    with Pool(None) as pool:
        assert pool.executor_for(3) is None
        assert map_files(_square, [1, 2, 3], None, pool) == [1, 4, 9]
        assert pool.processes == 0


def test_a_broken_pool_is_not_used_again() -> None:
    with Pool(2) as pool:
        assert pool.executor_for(10) is not None
        pool.broke()
        assert pool.executor_for(10) is None
        assert map_files(_square, [2, 3], 2, pool) == [4, 9]


def test_shared_pool_lints_like_one_process() -> None:
    sources = [
        "import time\n\n\nasync def f() -> None:\n    time.sleep(1)\n",
        "def g(x):\n    return x\n",
        "x = 1\n",
    ]
    tasks = [Task(f"m{index}.py", text) for index, text in enumerate(sources)]
    alone = run_tasks(Worker(), tasks, 1)
    with Pool(2) as pool:
        shared = run_tasks(Worker(), tasks, 2, pool=pool)
        assert pool.processes == 2  # still running: the caller owns it
    assert shared == alone
    assert any(outcome.diagnostics for outcome in alone)


def test_collector_paused_then_frozen_then_released() -> None:
    assert gc.isenabled()
    with gc_tuning.keeping():
        assert not gc.isenabled()
        kept = [[index] for index in range(100)]
    assert gc.isenabled() and gc.get_freeze_count() >= len(kept)
    gc_tuning.release()
    assert gc.get_freeze_count() == 0
