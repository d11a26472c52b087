"""How the user's other tools want code laid out: what fixes follow when they write code.

Read from the project's formatter and import-sorter settings (ruff's ``line-length`` and
``[tool.ruff.lint.isort]``, black's ``line-length``, ``[tool.isort]``) by
``config``; the defaults are ruff's. Fixes ask this, never the files themselves.
"""

from __future__ import annotations

from dataclasses import dataclass

DEFAULT_LINE_LENGTH = 88


@dataclass(frozen=True)
class CodeStyle:
    """The layout conventions a fix follows in one file."""

    line_length: int = DEFAULT_LINE_LENGTH
    """Fixes that make a line longer than this lay the changed call or signature out one
    argument per line, with a magic trailing comma."""
    known_first_party: frozenset[str] = frozenset()
    """Top-level module names that sort as first-party (besides the project's own)."""
    known_third_party: frozenset[str] = frozenset()
    force_single_line: bool = False
    """isort's ``force-single-line``: one name per ``from x import y``."""
    combine_as_imports: bool = False
    force_sort_within_sections: bool = False
    case_sensitive: bool = False
    order_by_type: bool = True
    """Names in ``from x import ...`` sort CONSTANTS, then Classes, then the others."""
    extra_standard_library: frozenset[str] = frozenset()
    source_modules: frozenset[str] = frozenset()
    """Top-level modules found in the sorter's source roots (ruff's ``src``): first-party
    unless ``known_third_party`` says otherwise."""
