"""Properties over generated programs (hypothesis).

- FastAPI-shaped modules (``tests/strategies.py``) fixed with every rule and unsafe
  fixes: the result parses and compiles, no fix was refused for breaking the code, no
  diagnostic with an applicable fix remains, and fixing again changes nothing.
- Apps with recording startup/shutdown handlers call them in the same order after
  FRL201's lifespan migration as before it (run under FastAPI's ``TestClient``).

Random programs from hypothesmith (and mutants of real files) are ``tests/test_fuzz.py``.

The default run keeps the example counts small so the suite stays fast. Set
``FASTAPI_RULES_FUZZ=1`` for a long run (``FASTAPI_RULES_FUZZ=5000`` for that many
examples per test)::

    FASTAPI_RULES_FUZZ=1 pytest tests/test_properties.py
"""

from __future__ import annotations

import os
import warnings

import libcst as cst
from hypothesis import HealthCheck, given, settings

from fastapi_rules_lint.lint.fixer import fix_text, is_applicable
from fastapi_rules_lint.lint.linter import LintSettings, lint_text
from fastapi_rules_lint.lint.registry import select_codes
from fastapi_rules_lint.lint.textfix import compile_error
from tests.strategies import event_modules, fastapi_modules

_FUZZ = os.environ.get("FASTAPI_RULES_FUZZ", "")
_LONG = int(_FUZZ) if _FUZZ.isdigit() and int(_FUZZ) > 1 else 1000 if _FUZZ else 0
ALL = LintSettings(enabled=select_codes(["ALL"]))
_SETTINGS = {
    "deadline": None,
    "suppress_health_check": [HealthCheck.too_slow, HealthCheck.filter_too_much],
    "derandomize": not _FUZZ,
}


def _fix_is_sound(code: str) -> None:
    outcome = fix_text(code, "module.py", ALL, unsafe=True)
    cst.parse_module(outcome.text)
    assert compile_error(outcome.text, "module.py") is None
    broken = [r for r in outcome.refusals if "does not" in r.reason]
    assert not broken, f"a rule offered a fix that breaks the code: {broken}"
    left = [d for d in outcome.remaining if is_applicable(d.fix, unsafe=True)]
    assert not left, f"still fixable: {left}"
    again = fix_text(outcome.text, "module.py", ALL, unsafe=True)
    assert again.text == outcome.text, f"not a fixed point: {dict(again.applied)}"


@settings(max_examples=_LONG or 10, **_SETTINGS)  # type: ignore[arg-type]
@given(fastapi_modules())
def test_fixes_of_fastapi_modules_are_sound(code: str) -> None:
    assert compile_error(code, "module.py") is None, "the strategy must build valid code"
    _fix_is_sound(code)


def test_strategy_modules_exercise_fixes() -> None:
    """Guard against a strategy that drifted into generating nothing fixable."""
    codes: set[str] = set()

    @settings(max_examples=8, database=None, **_SETTINGS)  # type: ignore[arg-type]
    @given(fastapi_modules())
    def collect(code: str) -> None:
        codes.update(d.code for d in lint_text(code, "m.py", ALL) if d.fix is not None)

    collect()
    assert {"FRL102", "FRL201"} <= codes


def _calls(code: str) -> list[str]:
    from fastapi.testclient import TestClient

    namespace: dict[str, object] = {}
    with warnings.catch_warnings():
        warnings.simplefilter("ignore", DeprecationWarning)
        exec(compile(code, "app.py", "exec"), namespace)
        with TestClient(namespace["app"]):  # type: ignore[arg-type]
            pass
    calls = namespace["CALLS"]
    assert isinstance(calls, list)
    return calls


@settings(max_examples=_LONG or 8, **_SETTINGS)  # type: ignore[arg-type]
@given(event_modules())
def test_lifespan_migration_keeps_the_handler_order(code: str) -> None:
    outcome = fix_text(code, "app.py", LintSettings(enabled=frozenset({"FRL201"})), unsafe=True)
    assert outcome.applied["FRL201"] >= 1 and "on_event" not in outcome.text
    assert _calls(outcome.text) == _calls(code)
