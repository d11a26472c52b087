"""The engine's per-file savings change no diagnostic: rule objects reused from file to
file (``lint.linter._BATCHES``), one async scope tracker shared by the async rules
(``rulebase.tracking``), the CPython literal check skipped when no literal can fail."""

from __future__ import annotations

import gc
from pathlib import Path

import pytest

from fastapi_rules_lint.engine.diagnostics import Diagnostic
from fastapi_rules_lint.lint import linter
from fastapi_rules_lint.lint.linter import LintSettings, lint_text
from fastapi_rules_lint.lint.registry import all_rules
from fastapi_rules_lint.rulebase import tracking

FIXTURES = Path(__file__).parent / "fixtures"
ALL = LintSettings(frozenset(rule.code for rule in all_rules()))
ASYNC_RULES = ("FRL301", "FRL302", "FRL303", "FRL305", "FRL306")


def _sources() -> list[tuple[str, str]]:
    found = []
    for path in sorted(FIXTURES.glob("*.py")):
        if path.name.endswith(".fixed.py"):
            continue
        try:
            found.append((path.name, path.read_text(encoding="utf-8")))
        except UnicodeDecodeError:
            continue
    return found


def _fresh(text: str, name: str, settings: LintSettings) -> list[Diagnostic]:
    linter._BATCHES.clear()
    return lint_text(text, name, settings)


def test_reused_rules_report_what_new_ones_do() -> None:
    sources = _sources()
    assert len(sources) > 20
    alone = {name: _fresh(text, name, ALL) for name, text in sources}
    linter._BATCHES.clear()
    # Forwards then backwards through the same rule objects: no state leaks between files.
    for name, text in [*sources, *reversed(sources)]:
        assert lint_text(text, name, ALL) == alone[name], name


def test_reused_batch_holds_no_module() -> None:
    linter._BATCHES.clear()
    lint_text("async def f():\n    import time\n    time.sleep(1)\n", "a.py", ALL)
    (batch,) = linter._BATCHES.values()
    assert all(not vars(visitor) for visitor in batch.visitors)
    gc.collect()
    assert not tracking._SHARED  # the shared async scopes died with the rules' state


@pytest.mark.parametrize("name", [name for name, _ in _sources() if name.startswith("frl30")])
def test_shared_async_scopes_match_one_rule_at_a_time(name: str) -> None:
    text = (FIXTURES / name).read_text(encoding="utf-8")
    together = _fresh(text, name, LintSettings(frozenset(ASYNC_RULES)))
    one_by_one = sorted(
        diagnostic
        for code in ASYNC_RULES
        for diagnostic in _fresh(text, name, LintSettings(frozenset({code})))
    )
    assert together == one_by_one


@pytest.mark.parametrize(
    ("code", "message"),
    [
        ("x = '\\N{no such name}'\n", "(unicode error)"),
        ("x = b'caf\u00e9'\n", "bytes can only contain ASCII"),
        ("x = " + "1" * 5000 + "\n", "integer string conversion"),
        ("x = 1_" + "2_" * 4400 + "3\n", "integer string conversion"),
    ],
)
def test_literal_errors_are_still_found(code: str, message: str) -> None:
    (found,) = lint_text(code, "x.py", LintSettings(frozenset({"FRL001"})))
    assert message in found.message


@pytest.mark.parametrize(
    "code", ["x = 0x" + "f" * 5000 + "\n", "x = 1.5\ny = '\\n'\n", "# " + "9" * 5000 + "\n"]
)
def test_literals_cpython_accepts_are_not_errors(code: str) -> None:
    assert lint_text(code, "x.py", LintSettings(frozenset({"FRL001"}))) == []
