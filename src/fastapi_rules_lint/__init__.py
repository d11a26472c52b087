"""fastapi-rules: a LibCST linter with autofixes that enforces modern FastAPI practice."""

from fastapi_rules_lint.core.diagnostics import Applicability, Diagnostic, Fix, Location
from fastapi_rules_lint.core.engine import LintResult, LintSettings, lint_bytes, lint_text

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
