"""fastapi-rules: a LibCST linter with autofixes that enforces modern FastAPI practice.

The public names are loaded on first use (PEP 562 ``__getattr__``): importing the
package, as the CLI does, must not import LibCST — a warm run never needs it.
"""

from __future__ import annotations

import importlib
from typing import TYPE_CHECKING

__version__ = "0.1.0"

_EXPORTS = {
    "Applicability": "fastapi_rules_lint.engine.diagnostics",
    "Diagnostic": "fastapi_rules_lint.engine.diagnostics",
    "Fix": "fastapi_rules_lint.engine.diagnostics",
    "Location": "fastapi_rules_lint.engine.diagnostics",
    "LintResult": "fastapi_rules_lint.lint.linter",
    "LintSettings": "fastapi_rules_lint.lint.settings",
    "lint_bytes": "fastapi_rules_lint.lint.linter",
    "lint_text": "fastapi_rules_lint.lint.linter",
}

if TYPE_CHECKING:
    from fastapi_rules_lint.engine.diagnostics import Applicability, Diagnostic, Fix, Location
    from fastapi_rules_lint.lint.linter import LintResult, lint_bytes, lint_text
    from fastapi_rules_lint.lint.settings import LintSettings


def __getattr__(name: str) -> object:
    module = _EXPORTS.get(name)
    if module is None:
        raise AttributeError(f"module {__name__!r} has no attribute {name!r}")
    value = getattr(importlib.import_module(module), name)
    globals()[name] = value
    return value


def __dir__() -> list[str]:
    return sorted([*globals(), *_EXPORTS])


__all__ = [
    "Applicability",
    "Diagnostic",
    "Fix",
    "LintResult",
    "LintSettings",
    "Location",
    "__version__",
    "lint_bytes",
    "lint_text",
]
