"""A run's results do not depend on how many workers made them, nor on the caches.

The JSON report is byte-identical for ``--jobs 1`` and ``--jobs 2``, cold (``--no-cache``:
summaries made in the workers, files handed out largest first) and warm (summary and
diagnostics caches filled by an earlier run), and after one file changed (a partly warm
run: one summary made again, the other files' diagnostics from the cache). The project
is a small tree from the benchmark's seeded generator (``benchmarks/generate.py``): a
FastAPI application whose modules import each other, so the project model matters.
"""

from __future__ import annotations

import importlib.util
import os
import subprocess
import sys
from pathlib import Path
from types import ModuleType

import pytest

ROOT = Path(__file__).resolve().parent.parent


def _generator() -> ModuleType:
    spec = importlib.util.spec_from_file_location(
        "benchmarks_generate", ROOT / "benchmarks" / "generate.py"
    )
    assert spec is not None and spec.loader is not None
    module = importlib.util.module_from_spec(spec)
    sys.modules[spec.name] = module  # its dataclasses look their module up
    spec.loader.exec_module(module)
    return module


@pytest.fixture(scope="module")
def project(tmp_path_factory: pytest.TempPathFactory) -> Path:
    tree = tmp_path_factory.mktemp("generated") / "tree"
    made = _generator().generate(tree, modules=52, seed=7)
    assert sum(1 for path in made.files if path.endswith(".py")) >= 40  # enough to go parallel
    return tree


def _check(project: Path, *options: str) -> bytes:
    environment = {**os.environ, "NO_COLOR": "1"}
    result = subprocess.run(
        [sys.executable, "-m", "fastapi_rules_lint", "check", "--exit-zero",
         "--output-format", "json", *options, "app"],
        cwd=project, capture_output=True, timeout=600, env=environment,
    )
    assert result.returncode == 0, result.stderr.decode(errors="replace")
    return result.stdout


def test_generated_tree_is_deterministic(tmp_path: Path) -> None:
    generate = _generator().generate
    first = generate(tmp_path / "one", modules=52, seed=7).files
    assert first == generate(tmp_path / "two", modules=52, seed=7).files
    assert first != generate(tmp_path / "three", modules=52, seed=8).files


def test_json_identical_for_one_and_two_workers_cold_and_warm(project: Path) -> None:
    cold_one = _check(project, "--no-cache", "--jobs", "1")
    assert b'"code": "FRL' in cold_one  # the tree has findings to compare
    assert _check(project, "--no-cache", "--jobs", "2") == cold_one
    # Warm: the first cached run fills the caches, the next ones read them.
    assert _check(project, "--jobs", "2") == cold_one
    assert (project / ".fastapi_rules_cache").is_dir()
    assert _check(project, "--jobs", "2") == cold_one
    assert _check(project, "--jobs", "1") == cold_one


def test_json_identical_after_one_file_changed(project: Path) -> None:
    _check(project, "--jobs", "2")  # caches filled
    deps = project / "app" / "api" / "deps.py"
    text = deps.read_text(encoding="utf-8")
    try:
        # A change other modules see: `SessionDep` loses its `Annotated` alias.
        alias = "SessionDep = Annotated[Session, Depends(get_db)]"
        assert alias in text
        deps.write_text(text.replace(alias, "SessionDep = Session"), encoding="utf-8")
        cold = _check(project, "--no-cache", "--jobs", "1")
        assert _check(project, "--jobs", "2") == cold
        assert _check(project, "--jobs", "1") == cold
        assert _check(project, "--no-cache", "--jobs", "2") == cold
    finally:
        deps.write_text(text, encoding="utf-8")
