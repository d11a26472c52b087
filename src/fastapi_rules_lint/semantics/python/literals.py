"""Literal values that never raise: None means "unknown".

LibCST accepts literals CPython rejects (``'\\N{BOGUS}'``, ``'\\x4'``, ``b'café'``, a NUL
byte, an int past ``sys.get_int_max_str_digits()``); its ``evaluated_value`` then raises
whatever ``ast.literal_eval`` raises. Every rule and semantic helper goes through this
module instead (``tests/test_hardening.py`` checks that no other module under ``rules/`` or
``semantics/`` calls ``evaluated_value`` or ``literal_eval``), so such a literal is just
"not a known value" and the file's other findings survive; the linter reports the literal
itself as FRL001 (CPython's compile check).
"""

from __future__ import annotations

import ast

import libcst as cst

# Everything ast.literal_eval / evaluated_value are known to raise on hostile input.
_EVALUATION_ERRORS = (
    ValueError,  # also UnicodeDecodeError and int-digit limits
    SyntaxError,
    UnicodeError,
    OverflowError,
    MemoryError,
    RecursionError,
    TypeError,
    AttributeError,
)


def literal_value(node: cst.BaseExpression | None) -> object:
    """The value of a literal node (string, concatenated string, number); None when
    ``node`` is not such a literal or its value is unknown (f-strings, or a literal
    CPython rejects)."""
    if not isinstance(
        node,
        (cst.SimpleString, cst.ConcatenatedString, cst.Integer, cst.Float, cst.Imaginary),
    ):
        return None
    try:
        value: object = node.evaluated_value
    except _EVALUATION_ERRORS:
        return None
    return value


def string_literal(node: cst.BaseExpression | None) -> str | None:
    """The value of a plain (or implicitly concatenated) ``str`` literal, else None."""
    if not isinstance(node, (cst.SimpleString, cst.ConcatenatedString)):
        return None
    value = literal_value(node)
    return value if isinstance(value, str) else None


def bytes_literal(node: cst.BaseExpression | None) -> bytes | None:
    """The value of a plain (or implicitly concatenated) ``bytes`` literal, else None."""
    if not isinstance(node, (cst.SimpleString, cst.ConcatenatedString)):
        return None
    value = literal_value(node)
    return value if isinstance(value, bytes) else None


def integer_literal(node: cst.BaseExpression | None) -> int | None:
    """The value of an integer literal (``404``, ``1_000``, ``0x10``), else None."""
    if not isinstance(node, cst.Integer):
        return None
    value = literal_value(node)
    return value if isinstance(value, int) else None


def safe_literal_eval(text: str) -> object:
    """``ast.literal_eval(text)``, or None when ``text`` is not a valid literal."""
    try:
        value: object = ast.literal_eval(text)
    except _EVALUATION_ERRORS:
        return None
    return value
