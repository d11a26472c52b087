"""fastapi-rules: a LibCST linter with autofixes that enforces modern FastAPI practice."""

from fastapi_rules_lint.engine.diagnostics import Applicability, Diagnostic, Fix, Location
from fastapi_rules_lint.lint.linter import LintResult, LintSettings, lint_bytes, lint_text

__version__ = "0.1.0"

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
