"""The bundled example app (examples/) shows every rule that is on by default.

Whoever adds a rule adds a realistic violation to ``examples/app/`` (see
``examples/README.md``); this test fails until they do.
"""

from __future__ import annotations

from collections import Counter
from pathlib import Path

from fastapi_rules_lint.lint.linter import LintSettings, lint_bytes
from fastapi_rules_lint.lint.registry import all_rules
from fastapi_rules_lint.runner.workspace import Workspace

ROOT = Path(__file__).resolve().parent.parent
EXAMPLES = ROOT / "examples"
BROKEN = {"app/broken_syntax.py"}
"""Files that are invalid on purpose (FRL001); every other example must compile."""

CANNOT_FIRE_IN_AN_APP: dict[str, str] = {}
"""Default rules exempt from the test, each with the reason it cannot fire in a FastAPI
app. Keep this empty unless that is really true."""


def example_files() -> list[Path]:
    """Every Python file of the example app."""
    return sorted(path for path in EXAMPLES.rglob("*.py") if "__pycache__" not in path.parts)


def example_codes() -> Counter[str]:
    """How often each code fires on examples/, linted as ``fastapi-rules check`` would
    (default rules, one project index over every file)."""
    files = example_files()
    data = {path: path.read_bytes() for path in files}
    workspace = Workspace(use_cache=False)
    settings = LintSettings()
    found: Counter[str] = Counter()
    for path, blob in data.items():
        name = path.relative_to(ROOT).as_posix()
        view = workspace.view_for(path)
        found.update(d.code for d in lint_bytes(blob, name, settings, view).diagnostics)
    return found


def test_every_default_rule_fires_on_the_example_app() -> None:
    fired = example_codes()
    expected = {rule.code for rule in all_rules() if rule.default_enabled}
    missing = sorted(expected - set(fired) - set(CANNOT_FIRE_IN_AN_APP))
    assert not missing, (
        f"no example in examples/app/ triggers {', '.join(missing)}: add a realistic "
        "violation to the topic module (see examples/README.md)"
    )


def test_exemptions_are_real_default_rules() -> None:
    codes = {rule.code for rule in all_rules() if rule.default_enabled}
    assert set(CANNOT_FIRE_IN_AN_APP) <= codes


def test_examples_are_valid_python_except_the_broken_one() -> None:
    for path in example_files():
        name = path.relative_to(EXAMPLES).as_posix()
        source = path.read_text(encoding="utf-8")
        if name in BROKEN:
            try:
                compile(source, name, "exec")
            except SyntaxError:
                continue
            raise AssertionError(f"examples/{name} is meant to be broken but compiles")
        compile(source, name, "exec")
