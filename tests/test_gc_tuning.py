"""``engine.gc_tuning``: a run's collector setting, and what it leaves alone."""

from __future__ import annotations

import gc
import multiprocessing
from collections.abc import Iterator
from multiprocessing.connection import Connection

import pytest

from fastapi_rules_lint.engine.gc_tuning import (
    YOUNG_THRESHOLD,
    forking_workers,
    imports_done,
    paused,
    tune_for_linting,
)


@pytest.fixture(autouse=True)
def _restore() -> Iterator[None]:
    threshold = gc.get_threshold()
    yield
    gc.unfreeze()
    gc.set_threshold(*threshold)


def test_freezes_and_raises_the_young_threshold() -> None:
    gc.set_threshold(700, 10, 10)
    tune_for_linting()
    assert gc.get_threshold() == (YOUNG_THRESHOLD, 10, 10)
    assert gc.get_freeze_count() > 0


@pytest.mark.parametrize("young", [0, YOUNG_THRESHOLD * 2])
def test_keeps_an_embedders_choice(young: int) -> None:
    gc.set_threshold(young, 10, 10)
    tune_for_linting()
    assert gc.get_threshold() == (young, 10, 10)


def _report_collector(connection: Connection) -> None:
    before = gc.isenabled()
    imports_done()  # what a worker's warm-up ends with (``registry.all_rules``)
    connection.send((before, gc.isenabled()))
    connection.close()


@pytest.mark.skipif(
    "fork" not in multiprocessing.get_all_start_methods(), reason="needs the fork start method"
)
@pytest.mark.parametrize("keep_pause", [True, False])
def test_workers_forked_mid_startup_keep_the_pause_until_their_imports(keep_pause: bool) -> None:
    context = multiprocessing.get_context("fork")
    receiver, sender = context.Pipe()
    with paused(has_imports_ahead=True):
        assert not gc.isenabled()
        with forking_workers(keep_pause=keep_pause):
            child = context.Process(target=_report_collector, args=(sender,))
            child.start()
        assert gc.isenabled()  # this process collects again after the fork either way
        child.join()
    assert receiver.recv() == (not keep_pause, True)
