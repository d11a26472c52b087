"""A v1 ``class Config:`` read as v2 ``ConfigDict`` keyword arguments (FRL403).

``translate_config`` turns each ``key = value`` of the inner class into the v2 keyword
(renamed, kept, inverted or dropped, per ``v1_api``) or says which key has no v2
equivalent. It also says when the class's shape forbids a mechanical rewrite (methods,
bases, annotations without values): the rule reports those without a fix.
"""

from __future__ import annotations

from collections.abc import Callable, Sequence
from dataclasses import dataclass

import libcst as cst

from fastapi_rules_lint.semantics.pydantic.v1_api import (
    CONFIG_DROPPED_WHEN,
    CONFIG_INVERTED,
    CONFIG_KEPT,
    CONFIG_RENAMES,
    CONFIG_WITHOUT_EQUIVALENT,
    EXTRA_VALUES,
    SETTINGS_KEPT,
)

Qualifier = Callable[[cst.BaseExpression], frozenset[str]]
EXTRA = frozenset({"pydantic.Extra", "pydantic.config.Extra"})
_Line = tuple[tuple[cst.BaseSmallStatement, ...], tuple[str, ...], str | None]
"""The small statements of one line, its leading comments and its trailing comment."""


@dataclass(frozen=True)
class ConfigEntry:
    """One v2 keyword argument, with the comments of the v1 line(s) it comes from."""

    key: str
    value: cst.BaseExpression
    comments: tuple[str, ...] = ()
    """Comments on their own lines above the v1 statement."""
    trailing: str | None = None
    """The comment at the end of the v1 statement's line."""


@dataclass(frozen=True)
class Translation:
    """The v2 arguments, or why there are none (``problem``)."""

    entries: tuple[ConfigEntry, ...] = ()
    header_comment: str | None = None
    footer_comments: tuple[str, ...] = ()
    problem: str | None = None
    """``None`` when the translation is complete; else a short reason, for the message."""


def _literal_bool(node: cst.BaseExpression) -> bool | None:
    if isinstance(node, cst.Name) and node.value in {"True", "False"}:
        return node.value == "True"
    return None


def _comments(lines: Sequence[cst.EmptyLine]) -> tuple[str, ...]:
    return tuple(line.comment.value for line in lines if line.comment is not None)


def _assignment(small: cst.BaseSmallStatement) -> tuple[str, cst.BaseExpression] | None:
    if (
        isinstance(small, cst.Assign)
        and len(small.targets) == 1
        and isinstance(small.targets[0].target, cst.Name)
    ):
        return small.targets[0].target.value, small.value
    if isinstance(small, cst.AnnAssign) and isinstance(small.target, cst.Name) and small.value:
        return small.target.value, small.value
    return None


def translate_key(
    key: str, value: cst.BaseExpression, *, is_settings: bool, names: Qualifier
) -> tuple[str, cst.BaseExpression] | str | None:
    """The v2 ``(key, value)`` of one v1 setting, ``None`` when v2 drops it (its v1
    value is v2's only behaviour), or a string: why it has no v2 equivalent."""
    if key in CONFIG_DROPPED_WHEN and _literal_bool(value) is CONFIG_DROPPED_WHEN[key]:
        return None
    if key in CONFIG_INVERTED and _literal_bool(value) is False:
        return CONFIG_INVERTED[key], cst.Name("True")
    if key in CONFIG_RENAMES:
        return CONFIG_RENAMES[key], value
    if key == "extra" and isinstance(value, (cst.Attribute, cst.Name)):
        for name in names(value):
            owner, _, member = name.rpartition(".")
            if owner in EXTRA and member in EXTRA_VALUES:
                return key, cst.SimpleString(f'"{member}"')
    if key in CONFIG_KEPT or (is_settings and key in SETTINGS_KEPT):
        return key, value
    reason = CONFIG_WITHOUT_EQUIVALENT.get(key)
    return f"`{key}`: {reason}" if reason else f"`{key}` has no v2 equivalent"


def translate_config(config: cst.ClassDef, *, is_settings: bool, names: Qualifier) -> Translation:
    """The ``ConfigDict`` arguments equivalent to ``config`` (a v1 inner ``Config``)."""
    if config.bases or config.keywords or config.decorators:
        return Translation(problem="it has bases or decorators")
    body = config.body
    if not isinstance(body, cst.IndentedBlock):
        if isinstance(body, cst.SimpleStatementSuite):
            return _translate_lines([(tuple(body.body), (), None)], None, (), is_settings, names)
        return Translation(problem="its body is not plain assignments")
    lines: list[_Line] = []
    for statement in body.body:
        if not isinstance(statement, cst.SimpleStatementLine):
            return Translation(problem="it defines methods or blocks")
        trailing = statement.trailing_whitespace.comment
        lines.append(
            (
                tuple(statement.body),
                _comments(statement.leading_lines),
                trailing.value if trailing is not None else None,
            )
        )
    header = body.header.comment.value if body.header.comment is not None else None
    return _translate_lines(lines, header, _comments(body.footer), is_settings, names)


def _translate_lines(
    lines: list[_Line],
    header: str | None,
    footer: tuple[str, ...],
    is_settings: bool,
    names: Qualifier,
) -> Translation:
    entries: list[ConfigEntry] = []
    pending: list[str] = []  # comments of dropped lines, moved to the next entry
    seen: set[str] = set()
    for smalls, leading, trailing in lines:
        pending.extend(leading)
        line_entries: list[ConfigEntry] = []
        for small in smalls:
            if isinstance(small, cst.Pass):
                continue
            if isinstance(small, cst.Expr) and isinstance(
                small.value, (cst.SimpleString, cst.ConcatenatedString)
            ):
                continue  # a docstring
            assignment = _assignment(small)
            if assignment is None:
                return Translation(problem="it holds statements other than `key = value`")
            translated = translate_key(
                assignment[0], assignment[1], is_settings=is_settings, names=names
            )
            if isinstance(translated, str):
                return Translation(problem=translated)
            if translated is None:
                continue
            key, value = translated
            if key in seen:
                return Translation(problem=f"`{key}` is set twice")
            seen.add(key)
            line_entries.append(ConfigEntry(key, value))
        if not line_entries:
            pending.extend([trailing] if trailing else [])
            continue
        first, *rest = line_entries
        entries.append(ConfigEntry(first.key, first.value, tuple(pending), None))
        entries.extend(rest)
        pending = []
        if trailing is not None:
            last = entries[-1]
            entries[-1] = ConfigEntry(last.key, last.value, last.comments, trailing)
    return Translation(tuple(entries), header, (*pending, *footer))
