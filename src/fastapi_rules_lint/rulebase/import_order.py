"""Where an import goes, as ruff's isort rules (``I001``) order them: sections and keys.

Pure functions of names and a ``CodeStyle``; ``rulebase.fix_imports`` applies them.

- Sections, in order: ``__future__``, standard library, third-party, first-party, local
  (relative). First-party: ``known-first-party``, the module's own top-level package
  (ruff's ``detect-same-package``), then the top-level modules of the sorter's source
  roots (``CodeStyle.source_modules``) unless ``known-third-party`` names them; standard
  library: ``sys.stdlib_module_names`` and ``extra-standard-library``.
- Within a section, ``import x`` statements first, then ``from x import ...``, each
  sorted by module (``force-sort-within-sections`` sorts both together), relative imports
  furthest first.
- Names are compared like ruff: case-insensitively first unless ``case-sensitive``, digit
  runs by value ("natural" order), and in ``from x import ...`` CONSTANTS, then Classes,
  then the rest (``order-by-type``).
"""

from __future__ import annotations

import re
import sys
from fnmatch import fnmatchcase
from typing import Literal

from fastapi_rules_lint.engine.style import CodeStyle

FUTURE, STDLIB, THIRD_PARTY, FIRST_PARTY, LOCAL = range(5)
Key = tuple[object, ...]
_DIGITS = re.compile(r"(\d+)")


def _natural(text: str) -> tuple[tuple[int, int], ...]:
    """``text`` compared like ruff's ``natord``: digit runs by their value."""
    key: list[tuple[int, int]] = []
    for index, part in enumerate(_DIGITS.split(text)):
        if index % 2:
            # By value without `int()`, which refuses runs past 4,300 digits: a longer
            # run (leading zeros aside) is larger, equal lengths compare digit by digit.
            digits = part.lstrip("0")
            key.append((ord("0"), len(digits)))
            key.extend((ord("0"), ord(digit) - ord("0")) for digit in digits)
        else:
            key.extend((ord(char), 0) for char in part)
    return tuple(key)


def _text_key(name: str | None, style: CodeStyle) -> Key:
    if name is None:
        return (0,)
    lowered = () if style.case_sensitive else _natural(name.lower())
    return (1, lowered, _natural(name))


def _matches(patterns: frozenset[str], module: str) -> bool:
    parts = module.split(".")
    candidates = [".".join(parts[: end + 1]) for end in range(len(parts))]
    return any(fnmatchcase(c, pattern) for pattern in patterns for c in candidates)


def section(module: str | None, level: int, style: CodeStyle, own_package: str | None) -> int:
    """The section of ``from <level dots><module> import ...`` / ``import <module>``."""
    if level > 0 or not module:
        return LOCAL
    base = module.split(".")[0]
    if module == "__future__":
        return FUTURE
    if _matches(style.known_first_party, module):
        return FIRST_PARTY
    if _matches(style.known_third_party, module):
        return THIRD_PARTY
    if base in sys.stdlib_module_names or _matches(style.extra_standard_library, module):
        return STDLIB
    if base == own_package or base == "__main__" or base in style.source_modules:
        return FIRST_PARTY
    return THIRD_PARTY


def _member_type(name: str) -> int:
    if len(name) > 1 and name.upper() == name and name.lower() != name:
        return 0  # CONSTANT
    if name[:1].isupper():
        return 1  # Class
    return 2


def member_key(name: str, asname: str | None, style: CodeStyle) -> Key:
    """The sort key of ``name [as asname]`` in ``from x import ...``."""
    kind = _member_type(name) if style.order_by_type else 0
    return (name != "*", kind, _text_key(name, style), _text_key(asname, style))


def statement_key(
    kind: Literal["import", "from"],
    module: str | None,
    level: int,
    first: tuple[str, str | None] | None,
    asname: str | None,
    style: CodeStyle,
) -> Key:
    """The sort key of a statement within its section."""
    module_key = (
        -level,
        _text_key(module, style),
        member_key(*first, style) if first is not None else (),
        _text_key(asname, style),
    )
    if style.force_sort_within_sections:
        return module_key
    return (0 if kind == "import" else 1, module_key)
