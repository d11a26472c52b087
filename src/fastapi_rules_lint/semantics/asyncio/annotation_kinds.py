"""The kind an annotation names (``httpx.Client``, ``Annotated[Session, Depends(...)]``).

Kinds and their spellings are ``receivers``'s; this module reads annotations in the
tree, so it needs LibCST, which ``receivers`` (used by the project model) does not.
"""

from __future__ import annotations

from collections.abc import Callable

import libcst as cst

from fastapi_rules_lint.semantics.asyncio.receivers import canonical, is_class_name
from fastapi_rules_lint.semantics.python.annotations import UNION, unquoted, unwrap_annotation

Qualifier = Callable[[cst.BaseExpression], frozenset[str]]


def annotation_kind(
    node: cst.BaseExpression,
    names: Qualifier,
    alias: Callable[[str], cst.BaseExpression | None] = lambda _: None,
    depth: int = 0,
    project: Callable[[cst.BaseExpression], str | None] = lambda _: None,
) -> str | None:
    """The kind an annotation names, under ``Annotated``/``Optional``/``| None`` and
    through module-level aliases (``SessionDep = Annotated[Session, Depends(...)]``).
    A union names a kind when exactly one of its members does (``str | Path``).
    ``project`` answers for names the project model knows (an alias or a class imported
    from another module), before ``names``."""
    if depth > 4:
        return None
    parsed = unquoted(node)
    if parsed is None:
        return None
    core, _ = unwrap_annotation(parsed, names)
    if isinstance(core, cst.Name):
        aliased = alias(core.value)
        if aliased is not None:
            return annotation_kind(aliased, names, alias, depth + 1, project)
    members = _union_members(core, names)
    if members:
        kinds = {annotation_kind(member, names, alias, depth + 1, project) for member in members}
        kinds.discard(None)
        return kinds.pop() if len(kinds) == 1 else None
    if not isinstance(core, (cst.Name, cst.Attribute)):
        return None
    known = project(core)
    if known is not None:
        return known
    qualified = names(core)
    if len(qualified) != 1:
        return None
    (name,) = qualified
    return canonical(name) if is_class_name(name) else None


def _union_members(node: cst.BaseExpression, names: Qualifier) -> list[cst.BaseExpression]:
    """The members of ``A | B | C`` or ``Union[A, B, C]``; [] for anything else."""
    if isinstance(node, cst.BinaryOperation) and isinstance(node.operator, cst.BitOr):
        return [
            *(_union_members(node.left, names) or [node.left]),
            *(_union_members(node.right, names) or [node.right]),
        ]
    if isinstance(node, cst.Subscript) and not names(node.value).isdisjoint(UNION):
        return [
            element.slice.value for element in node.slice if isinstance(element.slice, cst.Index)
        ]
    return []
