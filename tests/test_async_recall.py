"""FRL301 finds every blocking call ruff's ASYNC rules find (recall 100%, per ruff code).

Two inputs: the FastAPI sdist's ``docs_src/`` and ``tests/`` (the issue's real-code
check; ruff finds nothing there today, so the test guards against regressions when the
corpus moves), and ``tests/fixtures/frl301_ruff_parity.py``, which exercises every
compared ruff code so that the comparison itself is never vacuous.
"""

from __future__ import annotations

import subprocess
import sys
from pathlib import Path

import pytest

from tests.corpus import fastapi_sdist

ROOT = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(ROOT / "scripts"))

from compare_async_with_ruff import RUFF_CODES, recall_by_code  # noqa: E402

PARITY = ROOT / "tests" / "fixtures" / "frl301_ruff_parity.py"


def _has_ruff() -> bool:
    probe = subprocess.run(
        [sys.executable, "-m", "ruff", "--version"], capture_output=True, check=False
    )
    return probe.returncode == 0


pytestmark = pytest.mark.skipif(not _has_ruff(), reason="ruff is not installed")


def _assert_full_recall(report: dict[str, object]) -> dict[str, dict[str, float]]:
    assert report["crashes"] == []
    missed = report["missed"]
    assert isinstance(missed, list)
    assert missed == [], "\n".join(str(line) for line in missed)
    per_code = report["per_code"]
    assert isinstance(per_code, dict)
    for code, row in per_code.items():
        assert row["recall"] == 1.0, f"{code}: {row}"
    return per_code


def test_recall_on_parity_fixture() -> None:
    per_code = _assert_full_recall(recall_by_code([PARITY]))
    empty = [code for code in RUFF_CODES if per_code[code]["ruff"] == 0]
    assert not empty, f"the parity fixture no longer exercises {empty}"


@pytest.mark.corpus
def test_recall_on_fastapi_corpus() -> None:
    sdist = fastapi_sdist()
    if sdist is None:
        pytest.skip("offline: the FastAPI sdist could not be fetched")
    _assert_full_recall(recall_by_code([sdist / "docs_src", sdist / "tests"]))
