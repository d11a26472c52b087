"""Shared pytest configuration: the ``--update-fixtures`` and ``--fuzz-full`` options."""

from __future__ import annotations

import os

import pytest


def pytest_addoption(parser: pytest.Parser) -> None:
    parser.addoption(
        "--update-fixtures",
        action="store_true",
        default=False,
        help="rewrite tests/fixtures/**/*.fixed.py snapshots from the fixer's current output",
    )
    parser.addoption(
        "--fuzz-full",
        action="store_true",
        default=False,
        help="tests/test_fuzz.py: the full campaign (10,000 programs, 50,000 mutants; "
        "also FASTAPI_RULES_FUZZ_FULL=1)",
    )


@pytest.fixture
def update_fixtures(request: pytest.FixtureRequest) -> bool:
    """True when the run was asked to regenerate fixture snapshots."""
    return bool(request.config.getoption("--update-fixtures"))


@pytest.fixture
def fuzz_full(request: pytest.FixtureRequest) -> bool:
    """True for the full fuzzing campaign (``--fuzz-full`` or ``FASTAPI_RULES_FUZZ_FULL=1``)."""
    flag = os.environ.get("FASTAPI_RULES_FUZZ_FULL", "") not in ("", "0")
    return flag or bool(request.config.getoption("--fuzz-full"))
