"""Names Pydantic v2 moved, removed or deprecated at the module level (FRL405), and
what to use instead. Model methods, validators, config keys and ``Field`` arguments
have their own tables (``v1_api``, ``fields``)."""

from __future__ import annotations

from collections.abc import Mapping
from types import MappingProxyType

from fastapi_rules_lint.semantics.pydantic.migration import (
    DEPRECATED_MOVED_IN_V2,
    MOVED_IN_V2,
    REDIRECT_TO_V1,
    REMOVED_IN_V2,
)

BASE_SETTINGS = frozenset({"pydantic.BaseSettings", "pydantic.env_settings.BaseSettings"})
"""Moved to the ``pydantic-settings`` package (``pydantic_settings.BaseSettings``)."""

PARSE_AS: Mapping[str, str | None] = MappingProxyType(
    {
        **{
            f"{module}.parse_obj_as": "validate_python" for module in ("pydantic", "pydantic.tools")
        },
        **{f"{module}.parse_raw_as": "validate_json" for module in ("pydantic", "pydantic.tools")},
        **{f"{module}.parse_file_as": None for module in ("pydantic", "pydantic.tools")},
    }
)
"""The ``parse_*_as`` functions → the ``TypeAdapter`` method that replaces a call (None:
no one-call replacement). Reported where they are used, not where imported."""

TYPE_ADAPTER = frozenset({"pydantic.TypeAdapter", "pydantic.type_adapter.TypeAdapter"})

EXTRA_TYPES: Mapping[str, str] = MappingProxyType(
    {
        # v2's deprecated `pydantic.color` is a copy of v1's, and pydantic-extra-types'
        # `Color` is that copy again (`as_hex` gained an optional argument): exact.
        # `pydantic.Color` is in no Pydantic, but bump-pydantic's table has it.
        "pydantic.color.Color": "pydantic_extra_types.color",
        "pydantic.Color": "pydantic_extra_types.color",
    }
)
"""Names that moved to the ``pydantic-extra-types`` package unchanged → their module
there (the name stays)."""

_PAYMENT_ADVICE = (
    "is deprecated; `pydantic_extra_types.payment` replaces it, but knows more card "
    "brands and their lengths (validation differs)"
)

_CONSTRAINED_CLASSES = (
    *("Str", "Int", "Float", "Decimal", "Bytes"),
    *("List", "Set", "FrozenSet", "Date"),
)

_ANSWERED_ELSEWHERE = frozenset(
    {
        # FRL402 reports the validators where they decorate, FRL403 the `Config` classes
        # (`BaseConfig`, `Extra`): their fixes drop the import.
        "pydantic.class_validators:validator",
        "pydantic.class_validators:root_validator",
        "pydantic.config:BaseConfig",
        "pydantic.config:Extra",
    }
)


def _dotted(key: str) -> str:
    return key.replace(":", ".")


_ADVICE: dict[str, str] = {
    **{name: "moved to `pydantic_settings.BaseSettings`" for name in BASE_SETTINGS},
    "pydantic.generics.GenericModel": (
        "was removed in v2; subclass `BaseModel` and `typing.Generic[T]`"
    ),
    **{
        f"{module}.parse_obj_as": "is deprecated; use `TypeAdapter(T).validate_python(...)`"
        for module in ("pydantic", "pydantic.tools")
    },
    **{
        f"{module}.parse_raw_as": "was removed in v2; use `TypeAdapter(T).validate_json(...)`"
        for module in ("pydantic", "pydantic.tools")
    },
    **{
        f"{module}.parse_file_as": "was removed in v2; read the file and use `TypeAdapter(T)`"
        for module in ("pydantic", "pydantic.tools")
    },
    **{
        f"{module}.{name}": "is deprecated; use `TypeAdapter(T).json_schema()`"
        for module in ("pydantic", "pydantic.tools")
        for name in ("schema_of", "schema_json_of")
    },
    **{
        f"{module}.validate_arguments": "is deprecated; use `validate_call`"
        for module in ("pydantic", "pydantic.decorator")
    },
    "pydantic.json.pydantic_encoder": ("is deprecated; use `pydantic_core.to_jsonable_python`"),
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
    **{
        name: f"moved to `{module}.{name.rpartition('.')[2]}` (package `pydantic-extra-types`)"
        for name, module in EXTRA_TYPES.items()
    },
    "pydantic.PaymentCardNumber": _PAYMENT_ADVICE,
    "pydantic.types.PaymentCardNumber": _PAYMENT_ADVICE,
    "pydantic.types.PaymentCardBrand": _PAYMENT_ADVICE,
}

MOVED: Mapping[str, str] = MappingProxyType(
    {
        **{_dotted(key): "was removed in v2" for key in REMOVED_IN_V2},
        **{
            _dotted(key): "was removed in v2 (only `pydantic.v1.utils` has it)"
            for key in REDIRECT_TO_V1
        },
        **{
            _dotted(key): "is deprecated in v2"
            for key in DEPRECATED_MOVED_IN_V2
            if key not in _ANSWERED_ELSEWHERE
        },
        **{_dotted(key): f"moved to `{_dotted(new)}`" for key, new in MOVED_IN_V2.items()},
        **_ADVICE,
    }
)
"""Qualified name → what happened to it (the rest of the message): Pydantic's own
tables (``migration``), with better advice where we have it."""

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
