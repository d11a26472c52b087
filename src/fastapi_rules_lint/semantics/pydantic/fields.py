"""Pydantic ``Field`` and field declarations: which calls are ``Field``, which of their
arguments are v1-only, and what a field's annotation and default say.
"""

from __future__ import annotations

from dataclasses import dataclass

import libcst as cst

from fastapi_rules_lint.semantics.python.annotations import ANNOTATED, OPTIONAL, UNION, Qualifier

PYDANTIC_FIELD = frozenset({"pydantic.Field", "pydantic.fields.Field"})
SQLMODEL_FIELD = frozenset({"sqlmodel.Field", "sqlmodel.main.Field"})
CLASS_VAR = frozenset({"typing.ClassVar", "typing_extensions.ClassVar"})
FINAL = frozenset({"typing.Final", "typing_extensions.Final"})
ANY = frozenset({"typing.Any", "typing_extensions.Any"})
_TYPING_FALLBACK = frozenset({"Annotated", "Any", "ClassVar", "Final", "Optional", "Union"})


@dataclass(frozen=True)
class FieldArgument:
    """A v1 ``Field`` argument and what v2 has instead."""

    name: str
    renamed: str | None
    """The v2 keyword for the same value, when there is one."""
    advice: str


V1_FIELD_ARGUMENTS = {
    argument.name: argument
    for argument in (
        FieldArgument("regex", "pattern", "use `pattern=`"),
        FieldArgument("min_items", "min_length", "use `min_length=`"),
        FieldArgument("max_items", "max_length", "use `max_length=`"),
        FieldArgument("allow_mutation", "frozen", "use `frozen=` (the opposite value)"),
        FieldArgument("const", None, "annotate the field with `Literal[...]` instead"),
        FieldArgument("unique_items", None, "annotate the field with a `set` type instead"),
        FieldArgument("include", None, "v2 ignores it; pass `include=` to `model_dump()`"),
    )
}
"""``pydantic.Field`` arguments that v2 removed (error) or deprecated (warning)."""

FIELD_PARAMETERS = frozenset(
    {
        *("default", "default_factory", "alias", "alias_priority", "validation_alias"),
        *("serialization_alias", "title", "field_title_generator", "description"),
        *("examples", "exclude", "exclude_if", "discriminator", "deprecated"),
        *("json_schema_extra", "frozen", "validate_default", "repr", "init", "init_var"),
        *("kw_only", "pattern", "strict", "coerce_numbers_to_str", "gt", "ge", "lt", "le"),
        *("multiple_of", "allow_inf_nan", "max_digits", "decimal_places", "min_length"),
        *("max_length", "union_mode", "fail_fast"),
    }
)
"""The keywords of Pydantic v2's ``Field``. Any other keyword is an *extra*: v1 put it in
the JSON schema; v2 does the same through ``json_schema_extra``, with a deprecation
warning."""

SQLMODEL_IGNORED = frozenset({"regex", "allow_mutation", "const", "unique_items"})
"""``sqlmodel.Field`` keeps these v1 names in its signature, but under Pydantic v2 it
passes them on to a ``FieldInfo`` that drops them: the constraint is silently lost.
(``min_items``/``max_items`` it maps to ``min_length``/``max_length``, with a warning.)"""


def keyword(call: cst.Call, name: str) -> cst.Arg | None:
    """The ``name=`` argument of ``call``."""
    for arg in call.args:
        if arg.keyword is not None and arg.keyword.value == name:
            return arg
    return None


def has_default(call: cst.Call) -> bool:
    """A ``Field(...)`` call that sets a default: positional, ``default=`` or
    ``default_factory=`` (``...`` counts: it says "required" explicitly), or that
    unpacks arguments (unknown, so assume it does)."""
    for arg in call.args:
        if arg.star:
            return True
        if arg.keyword is None or arg.keyword.value in {"default", "default_factory"}:
            return True
    return False


def _is_none(node: cst.BaseExpression) -> bool:
    return isinstance(node, cst.Name) and node.value == "None"


@dataclass(frozen=True)
class FieldType:
    """What a field annotation says, under any ``Annotated`` layers."""

    is_optional: bool
    """``Optional[X]``, ``Union[X, None]``, ``X | None`` (or ``None`` in any union), or
    ``Any``: the annotations v1 gave the default None."""
    is_class_var: bool
    """``ClassVar[...]`` or ``Final[...]`` (not a field, or not one to default)."""
    metadata: tuple[cst.BaseExpression, ...]
    """The ``Annotated`` metadata met on the way."""
    is_pep604: bool = False
    """Spelled ``X | None`` (not ``Optional``/``Union``)."""


def field_type(annotation: cst.BaseExpression, names: Qualifier) -> FieldType:
    """What ``annotation`` (a class-body annotation) says about the field."""
    metadata: list[cst.BaseExpression] = []
    node = annotation
    while True:
        if isinstance(node, cst.BinaryOperation) and isinstance(node.operator, cst.BitOr):
            return FieldType(_admits_none(node, names), False, tuple(metadata), is_pep604=True)
        if not isinstance(node, cst.Subscript):
            # v1 gave `Any` fields the default None too.
            is_any = bool(_typing_names(node, names) & ANY)
            return FieldType(_is_none(node) or is_any, False, tuple(metadata))
        elements = [e.slice.value for e in node.slice if isinstance(e.slice, cst.Index)]
        qualified = _typing_names(node.value, names) if elements else frozenset()
        if qualified & ANNOTATED:
            metadata.extend(elements[1:])
            node = elements[0]
            continue
        if qualified & (CLASS_VAR | FINAL):
            return FieldType(False, True, tuple(metadata))
        if qualified & OPTIONAL:
            return FieldType(True, False, tuple(metadata))
        if qualified & UNION:
            return FieldType(_admits_none(node, names), False, tuple(metadata))
        return FieldType(False, False, tuple(metadata))


def _typing_names(node: cst.BaseExpression, names: Qualifier) -> frozenset[str]:
    """``names(node)``; a ``typing`` name the module never binds (``from typing import
    *``, a snippet) is taken as ``typing``'s."""
    found = names(node)
    if not found and isinstance(node, cst.Name) and node.value in _TYPING_FALLBACK:
        return frozenset({f"typing.{node.value}"})
    return found


def _admits_none(node: cst.BaseExpression, names: Qualifier) -> bool:
    """``node`` is ``None`` or a union with ``None`` in it, nested unions included
    (``Union[Union[str, None], int]``, ``Optional[int] | str``)."""
    if isinstance(node, cst.BinaryOperation) and isinstance(node.operator, cst.BitOr):
        return _admits_none(node.left, names) or _admits_none(node.right, names)
    if isinstance(node, cst.Subscript):
        qualified = _typing_names(node.value, names)
        if qualified & OPTIONAL:
            return True
        if qualified & UNION:
            return any(
                _admits_none(e.slice.value, names)
                for e in node.slice
                if isinstance(e.slice, cst.Index)
            )
        return False
    return _is_none(node)
