"""Recall against ruff on real code: every flake8-annotations finding ruff makes on the
FastAPI sdist (``docs_src`` and ``tests``) is also ours, and no file crashes the engine.

Uses ``scripts/compare_with_ruff.py`` (the same comparison a human runs by hand).
Skipped offline (no corpus) and when ruff is not installed.
"""

from __future__ import annotations

import importlib.util
import sys
from pathlib import Path
from types import ModuleType

import pytest

from tests.corpus import fastapi_sdist

ROOT = Path(__file__).resolve().parent.parent

pytestmark = pytest.mark.corpus


def _load_script() -> ModuleType:
    path = ROOT / "scripts" / "compare_with_ruff.py"
    spec = importlib.util.spec_from_file_location("compare_with_ruff", path)
    assert spec is not None and spec.loader is not None
    module = importlib.util.module_from_spec(spec)
    sys.modules[spec.name] = module  # dataclasses look their module up while building
    spec.loader.exec_module(module)
    return module


def test_full_recall_of_flake8_annotations_codes() -> None:
    script = _load_script()
    if script.ruff_command() is None:
        pytest.skip("ruff is not installed")
    sdist = fastapi_sdist()
    if sdist is None:
        pytest.skip("offline: the FastAPI sdist could not be fetched")
    result = script.compare([sdist / "docs_src", sdist / "tests"], script.DEFAULT_MAP)
    assert result.files > 1000
    assert result.crashes == []
    for item in result.codes:
        assert item.ruff_count > 0, f"ruff found nothing for {item.code}: a broken comparison"
        assert item.recall == 1.0, (
            f"{item.code}: recall {item.recall:.1%} vs {','.join(item.ruff_codes)}; missed:\n"
            + "\n".join(item.missed[:20])
        )
