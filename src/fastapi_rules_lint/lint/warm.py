"""Importing the linter ahead of the first file, in a process that will lint.

Light on purpose (the linter is imported inside ``warm_up``): the CLI imports this as it
starts, to hand ``warm_up`` to the processes it forks before it knows what they will
lint (``runner.standby``, ``runner.parallel.Pool.start``).
"""

from __future__ import annotations

from fastapi_rules_lint.engine import gc_tuning


def warm_up() -> None:
    """Import the linter and build what its first file would, then tune the collector
    for linting (``engine.gc_tuning``)."""
    from fastapi_rules_lint.lint.linter import lint_text
    from fastapi_rules_lint.lint.registry import all_rules

    all_rules()  # ends the startup's collector pause (``engine.gc_tuning``)
    lint_text("", "<warm-up>")  # the native parser, the engine's lazy imports
    gc_tuning.tune_for_linting()
