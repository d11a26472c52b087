"""Names Pydantic v2 moved, removed or deprecated at the module level (FRL405), and
what to use instead. Model methods, validators, config keys and ``Field`` arguments
have their own tables (``v1_api``, ``fields``)."""

from __future__ import annotations

BASE_SETTINGS = frozenset({"pydantic.BaseSettings", "pydantic.env_settings.BaseSettings"})
"""Moved to the ``pydantic-settings`` package (``pydantic_settings.BaseSettings``)."""

_CONSTRAINED_CLASSES = (
    *("Str", "Int", "Float", "Decimal", "Bytes"),
    *("List", "Set", "FrozenSet", "Date"),
)

MOVED: dict[str, str] = {
    **{name: "moved to `pydantic_settings.BaseSettings`" for name in BASE_SETTINGS},
    "pydantic.generics.GenericModel": (
        "was removed in v2; subclass `BaseModel` and `typing.Generic[T]`"
    ),
    **{
        f"{module}.parse_obj_as": "is deprecated; use `TypeAdapter(T).validate_python(...)`"
        for module in ("pydantic", "pydantic.tools")
    },
    **{
        f"{module}.parse_raw_as": "is deprecated; use `TypeAdapter(T).validate_json(...)`"
        for module in ("pydantic", "pydantic.tools")
    },
    **{
        f"{module}.parse_file_as": "is deprecated; read the file and use `TypeAdapter(T)`"
        for module in ("pydantic", "pydantic.tools")
    },
    **{
        f"{module}.Constrained{kind}": (
            "was removed in v2; use `Annotated[...]` with `Field(...)` or `StringConstraints`"
        )
        for module in ("pydantic", "pydantic.types")
        for kind in _CONSTRAINED_CLASSES
    },
    **{
        f"{module}.PyObject": "was removed in v2; use `ImportString`"
        for module in ("pydantic", "pydantic.types")
    },
    "pydantic.stricturl": "was removed in v2; use `Annotated[AnyUrl, UrlConstraints(...)]`",
    "pydantic.networks.stricturl": (
        "was removed in v2; use `Annotated[AnyUrl, UrlConstraints(...)]`"
    ),
    "pydantic.error_wrappers.ValidationError": "moved to `pydantic.ValidationError`",
}
"""Qualified name → what happened to it (the rest of the message)."""

V1_PACKAGE = "pydantic.v1"

V1_ONLY_NAMES = frozenset(
    {
        *MOVED,
        "pydantic.validator",
        "pydantic.root_validator",
        "pydantic.class_validators.validator",
        "pydantic.class_validators.root_validator",
    }
)
"""Names whose import shows a module written for Pydantic v1."""

V2_ONLY_NAMES = frozenset(
    f"{module}.{name}"
    for module in ("pydantic", "pydantic.functional_validators", "pydantic.functional_serializers")
    for name in (
        "computed_field",
        "field_serializer",
        "model_serializer",
        "TypeAdapter",
        "RootModel",
        "AfterValidator",
        "BeforeValidator",
        "PlainValidator",
        "WrapValidator",
        "PlainSerializer",
        "WrapSerializer",
        "SerializeAsAny",
        "AliasChoices",
        "AliasPath",
        "validate_call",
    )
)
"""Names whose import shows a module written for Pydantic v2 — only names no fix of
this linter writes (a v1 module after `--fix` has `ConfigDict`, `field_validator`,
`StringConstraints`: it is still a v1 module being migrated)."""
