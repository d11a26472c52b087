"""``engine.gc_tuning``: a run's collector setting, and what it leaves alone."""

from __future__ import annotations

import gc
from collections.abc import Iterator

import pytest

from fastapi_rules_lint.engine.gc_tuning import YOUNG_THRESHOLD, tune_for_linting


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
