"""The fixer on real code: the FastAPI sdist's ``docs_src/`` and our ``examples/``.

- ``scripts/fix_corpus.py`` fixes a copy with every rule and unsafe fixes: every file
  still compiles, ruff's pyflakes checks find nothing new, a second run changes nothing,
  nothing fixable is left, and no rule offered a fix whose result was refused.
- FRL201's lifespan migration turns FastAPI's own ``on_event`` examples into working
  lifespan apps: each fixed example is imported and run under ``TestClient``; the
  startup handlers run on entering, the shutdown handlers on leaving, with the
  example's own side effects (the ``items`` it loads, the ``log.txt`` it writes, the
  database file it creates).
"""

from __future__ import annotations

import importlib.util
import inspect
import sys
from collections.abc import Callable, Iterator
from pathlib import Path
from types import ModuleType

import libcst as cst
import pytest

from fastapi_rules_lint.lint.fixer import fix_text
from fastapi_rules_lint.lint.linter import LintSettings
from tests.corpus import fastapi_sdist

ROOT = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(ROOT / "scripts"))
import fix_corpus  # noqa: E402

pytestmark = pytest.mark.corpus


@pytest.fixture(scope="module")
def sdist() -> Path:
    found = fastapi_sdist()
    if found is None:
        pytest.skip("offline: the FastAPI sdist could not be fetched")
    return found


def test_fixing_the_corpus_keeps_every_guarantee(sdist: Path, tmp_path: Path) -> None:
    report = fix_corpus.fix_tree([sdist / "docs_src", ROOT / "examples"], tmp_path)
    fix_corpus._print(report)
    assert report.files_changed > 0 and report.applied["FRL201"] > 0
    assert not report.not_compiling
    assert not report.new_pyflakes
    assert not report.not_idempotent
    assert not report.still_fixable
    assert not report.broken_fixes


def _event_examples() -> list[Path]:
    root = fastapi_sdist()
    if root is None:
        return []
    return sorted(
        path
        for path in (root / "docs_src").rglob("*.py")
        if "on_event(" in path.read_text("utf-8") or "add_event_handler(" in path.read_text("utf-8")
    )


def _lifespan_calls(code: str) -> tuple[list[str], list[str]]:
    """The handler names the generated ``lifespan`` calls before and after ``yield``."""
    module = cst.parse_module(code)
    (lifespan,) = (
        s for s in module.body if isinstance(s, cst.FunctionDef) and s.name.value == "lifespan"
    )
    before: list[str] = []
    after: list[str] = []
    current = before
    for statement in lifespan.body.body:
        assert isinstance(statement, cst.SimpleStatementLine)
        expression = statement.body[0]
        assert isinstance(expression, cst.Expr)
        value = expression.value
        if isinstance(value, cst.Yield):
            current = after
            continue
        if isinstance(value, cst.Await):
            value = value.expression
        assert isinstance(value, cst.Call) and isinstance(value.func, cst.Name)
        if value.func.value == "run_in_threadpool":  # a sync handler, run in a thread
            (handler,) = value.args
            assert isinstance(handler.value, cst.Name)
            current.append(handler.value.value)
            continue
        current.append(value.func.value)
    return before, after


def _recording(function: Callable[[], object], calls: list[str], name: str) -> Callable[[], object]:
    if inspect.iscoroutinefunction(function):

        async def wrapper_async() -> object:
            calls.append(name)
            return await function()  # type: ignore[misc]

        return wrapper_async

    def wrapper() -> object:
        calls.append(name)
        return function()

    return wrapper


@pytest.fixture
def isolated(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> Iterator[Path]:
    monkeypatch.chdir(tmp_path)  # examples write log.txt and database.db here
    yield tmp_path


def _import(path: Path) -> ModuleType:
    spec = importlib.util.spec_from_file_location(f"fixed_{path.stem}_{id(path)}", path)
    assert spec is not None and spec.loader is not None
    module = importlib.util.module_from_spec(spec)
    spec.loader.exec_module(module)
    return module


@pytest.mark.filterwarnings("error::DeprecationWarning:fastapi")
@pytest.mark.parametrize(
    "example", _event_examples(), ids=lambda p: "/".join(p.parts[-2:])
)
def test_lifespan_fix_runs_the_handlers(example: Path, isolated: Path) -> None:
    original = example.read_text("utf-8")
    if "sqlmodel" in original:
        # Every sql example declares the same tables in SQLModel's one global metadata.
        pytest.importorskip("sqlmodel").SQLModel.metadata.clear()
    from fastapi.testclient import TestClient

    outcome = fix_text(
        original, example.name, LintSettings(enabled=frozenset({"FRL201"})), unsafe=True
    )
    assert outcome.applied["FRL201"] >= 1 and not outcome.remaining
    assert "on_event" not in outcome.text and "add_event_handler" not in outcome.text
    startup, shutdown = _lifespan_calls(outcome.text)
    target = isolated / f"fixed_{example.parent.name}_{example.name}"
    target.write_text(outcome.text, "utf-8")
    module = _import(target)
    calls: list[str] = []
    for name in {*startup, *shutdown}:
        setattr(module, name, _recording(getattr(module, name), calls, name))

    with TestClient(module.app):
        assert calls == startup
        if hasattr(module, "items"):
            assert module.items["foo"] == {"name": "Fighters"}
        if "create_db_and_tables" in original:
            assert (isolated / "database.db").exists()
    assert calls == startup + shutdown
    if "log.txt" in original:
        assert (isolated / "log.txt").read_text() == "Application shutdown"
