"""Pydantic's constrained-type functions (``constr``, ``conint``, …) and the
``Annotated`` form that replaces each of them.

Pydantic v2 itself defines ``conint(gt=0)`` as ``Annotated[int, Interval(gt=0)]`` and
``constr(max_length=5)`` as ``Annotated[str, StringConstraints(max_length=5)]``; a
``Field(...)`` in ``Annotated`` carries the same constraints. v1 spelled a few
arguments differently (``regex``, ``min_items``/``max_items``) and had some v2 dropped
(``curtail_length``, ``unique_items``, ``conbytes``' string transformations): a call
using those has no rewrite here.
"""

from __future__ import annotations

from dataclasses import dataclass


@dataclass(frozen=True)
class Constrained:
    """One constrained-type function."""

    function: str
    base: str
    """The type, as written in the rewrite (``str``, ``Decimal``, ``list``)."""
    base_module: str
    """Where ``base`` comes from (``builtins``, ``decimal``, ``datetime``)."""
    marker: str
    """``StringConstraints`` or ``Field``."""
    arguments: dict[str, str]
    """Accepted keyword → the marker's keyword for it."""
    has_item_type: bool = False


_NUMBER = {name: name for name in ("strict", "gt", "ge", "lt", "le", "multiple_of")}
_SIZES = {
    "min_length": "min_length",
    "max_length": "max_length",
    "min_items": "min_length",
    "max_items": "max_length",
}

CONSTRAINED = {
    spec.function: spec
    for spec in (
        Constrained(
            "constr",
            "str",
            "builtins",
            "StringConstraints",
            {
                **{
                    name: name
                    for name in (
                        "strip_whitespace",
                        "to_upper",
                        "to_lower",
                        "strict",
                        "min_length",
                        "max_length",
                        "pattern",
                        "ascii_only",
                    )
                },
                "regex": "pattern",
            },
        ),
        Constrained("conint", "int", "builtins", "Field", _NUMBER),
        Constrained(
            "confloat", "float", "builtins", "Field", {**_NUMBER, "allow_inf_nan": "allow_inf_nan"}
        ),
        Constrained(
            "condecimal",
            "Decimal",
            "decimal",
            "Field",
            {
                **_NUMBER,
                "max_digits": "max_digits",
                "decimal_places": "decimal_places",
                "allow_inf_nan": "allow_inf_nan",
            },
        ),
        Constrained(
            "condate",
            "date",
            "datetime",
            "Field",
            {name: name for name in ("strict", "gt", "ge", "lt", "le")},
        ),
        Constrained(
            "conbytes",
            "bytes",
            "builtins",
            "Field",
            {"min_length": "min_length", "max_length": "max_length", "strict": "strict"},
        ),
        Constrained("conlist", "list", "builtins", "Field", _SIZES, has_item_type=True),
        Constrained("conset", "set", "builtins", "Field", _SIZES, has_item_type=True),
        Constrained("confrozenset", "frozenset", "builtins", "Field", _SIZES, has_item_type=True),
    )
}

CONSTRAINED_NAMES = {
    f"{module}.{function}": spec
    for function, spec in CONSTRAINED.items()
    for module in ("pydantic", "pydantic.types")
}
"""Qualified name → the function (``pydantic.v1``'s are v1 on purpose: not here)."""

SQLMODEL_FIELD_KEYWORDS = frozenset(
    {"gt", "ge", "lt", "le", "multiple_of", "max_digits", "decimal_places"}
    | {"min_length", "max_length"}
)
"""Constraint keywords ``sqlmodel.Field`` also takes (when ``Field`` is SQLModel's)."""
