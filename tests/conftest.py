"""Shared pytest configuration: the ``--update-fixtures`` option."""

from __future__ import annotations

import pytest


def pytest_addoption(parser: pytest.Parser) -> None:
    parser.addoption(
        "--update-fixtures",
        action="store_true",
        default=False,
        help="rewrite tests/fixtures/**/*.fixed.py snapshots from the fixer's current output",
    )


@pytest.fixture
def update_fixtures(request: pytest.FixtureRequest) -> bool:
    """True when the run was asked to regenerate fixture snapshots."""
    return bool(request.config.getoption("--update-fixtures"))
