"""Fixed code a reviewer accepts: ``scripts/fix_review.py`` fixes a copy of FastAPI's
``docs_src/`` with every rule and unsafe fixes, and FastAPI's own ruff configuration and
formatter find nothing new in it (issue 15). The sdist's own test suite against the fixed
copy is the script's ``--tests`` run, too slow for CI."""

from __future__ import annotations

import sys
from pathlib import Path

import pytest

from tests.corpus import fastapi_sdist

ROOT = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(ROOT / "scripts"))
import fix_review  # noqa: E402

pytestmark = pytest.mark.corpus


def test_fixed_docs_src_gets_no_new_ruff_finding_and_stays_formatted(tmp_path: Path) -> None:
    sdist = fastapi_sdist()
    if sdist is None:
        pytest.skip("offline: the FastAPI sdist could not be fetched")
    result = fix_review.review(sdist, tmp_path, run_tests=False)
    assert result.files_changed > 100  # the fix really ran
    assert result.new_ruff_findings == []
    assert result.newly_unformatted == []
