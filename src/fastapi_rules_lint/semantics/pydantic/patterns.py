"""Pydantic v1 ``regex=`` → v2 ``pattern=``: what changes, and how to keep the meaning.

Pydantic v1 checked ``regex`` with Python's ``re.match``: anchored at the start of the
value, not at its end. Pydantic v2 checks ``pattern`` with Rust's ``regex`` crate (unless
the pattern is a compiled ``re.Pattern``) and *searches*: ``pattern="abc"`` accepts
``"xabc"``, which v1 rejected. So the rewrite anchors the pattern (``^`` in front, or
``^(?:...)`` when an alternation could escape the anchor).

The two engines differ beyond that: Rust has no look-around, backreferences, atomic
groups, possessive quantifiers or ``\\Z``, and reads some text Python takes literally
(``[[:alpha:]]``, ``&&`` in a class, ``\\<``, a lone ``{``). A pattern using any of
these gets no rewrite. And Python's ``$`` also matches before a final newline where
Rust's does not: such a pattern is rewritten, but the rewrite is not exact.
"""

from __future__ import annotations

import enum
import re
from dataclasses import dataclass

import libcst as cst

from fastapi_rules_lint.semantics.python.literals import literal_value


class Exactness(enum.Enum):
    """How faithfully a rewritten pattern keeps the v1 meaning."""

    EXACT = "exact"
    NEAR = "near"
    """Only a value ending in a newline may be judged differently (``$``)."""


@dataclass(frozen=True)
class PatternRewrite:
    """A v2 ``pattern`` literal for a v1 ``regex`` literal."""

    literal: cst.SimpleString
    exactness: Exactness


# Escapes both engines read the same way (the rest of the ASCII letters and digits
# either differ or fail in one of them: \Z, \G, \N, \1, \0, \<, ...).
_SHARED_LETTER_ESCAPES = frozenset("dDwWsSbBAntrfvaxuU")
_REPETITION = re.compile(r"\{\d+(?:,\d*)?\}")
_FLAGS = re.compile(r"\(\?[imsx]+(?:-[imsx]+)?[:)]|\(\?-[imsx]+[:)]")


def _is_portable(pattern: str) -> bool:
    """The pattern means the same to Python's ``re`` and Rust's ``regex`` (except for
    ``$``, see the module docs). Conservative: unsure means no."""
    index, in_class, previous_quantifier = 0, False, False
    while index < len(pattern):
        char = pattern[index]
        quantifier = False
        if char == "\\":
            following = pattern[index + 1 : index + 2]
            if not following or not following.isascii():
                return False
            if following.isalnum() and following not in _SHARED_LETTER_ESCAPES:
                return False
            if following in "<>" or (in_class and following == "b"):
                return False
            index += 2
            previous_quantifier = False
            continue
        if in_class:
            if char == "[" or pattern[index : index + 2] in {"&&", "--", "~~"}:
                return False
            if char == "]":
                in_class = False
        elif char == "[":
            start = index + 1 + (pattern[index + 1 : index + 2] == "^")
            if pattern[start : start + 1] in {"]", ":", "["}:
                return False  # `[]...]`, `[:alpha:]`, `[[...]]` parse differently
            in_class = True
            index = start
            previous_quantifier = False
            continue
        elif char == "(" and pattern[index + 1 : index + 2] == "?":
            head = pattern[index : index + 4]
            if not (head.startswith(("(?:", "(?P<")) or _FLAGS.match(pattern, index)):
                return False
        elif char == "{":
            repetition = _REPETITION.match(pattern, index)
            if repetition is None:
                return False
            index = repetition.end()
            previous_quantifier = True
            continue
        elif char == "}":
            return False
        elif char in "*+?":
            if char == "+" and previous_quantifier:
                return False  # possessive (Python 3.11+)
            quantifier = char != "?" or not previous_quantifier
        previous_quantifier = quantifier
        index += 1
    return not in_class


def _has_dollar(pattern: str) -> bool:
    index, in_class = 0, False
    while index < len(pattern):
        char = pattern[index]
        if char == "\\":
            index += 2
            continue
        if char == "[":
            in_class = True
        elif char == "]":
            in_class = False
        elif char == "$" and not in_class:
            return True
        index += 1
    return False


def v2_pattern(node: cst.BaseExpression) -> PatternRewrite | None:
    """The v2 ``pattern`` literal meaning what the v1 ``regex`` literal ``node`` meant,
    or None when ``node`` is not a plain string literal or uses a construct the two
    engines read differently."""
    if not isinstance(node, cst.SimpleString) or "b" in node.prefix.lower():
        return None
    value = literal_value(node)
    if not isinstance(value, str) or not _is_portable(value):
        return None
    exactness = Exactness.NEAR if _has_dollar(value) else Exactness.EXACT
    if "|" not in value and value.startswith(("^", "\\A")):
        return PatternRewrite(node, exactness)
    # Rewritten in the source text, right inside the quotes: escapes stay as written.
    quote = node.quote
    start = len(node.prefix) + len(quote)
    body = node.value[start : len(node.value) - len(quote)]
    anchored = f"^{body}" if "|" not in value else f"^(?:{body})"
    return PatternRewrite(cst.SimpleString(f"{node.prefix}{quote}{anchored}{quote}"), exactness)
