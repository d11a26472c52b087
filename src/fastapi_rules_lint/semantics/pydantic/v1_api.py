"""The Pydantic v1 → v2 tables: model methods, ``class Config`` keys, validators.

Taken from Pydantic v2's own migration tables (``pydantic._internal._config``:
``V2_RENAMED_KEYS``, ``V2_REMOVED_KEYS``) and its migration guide, checked against
``ConfigDict``/``SettingsConfigDict``. One exception, as RULES.md asks:
``allow_population_by_field_name`` becomes ``populate_by_name`` (valid from 2.0 on and
not deprecated), not 2.11's ``validate_by_name``.
"""

from __future__ import annotations

from collections.abc import Mapping
from types import MappingProxyType

# --- model methods (FRL401) --------------------------------------------------------------
METHOD_RENAMES: Mapping[str, str | None] = MappingProxyType(
    {
        "dict": "model_dump",
        "json": "model_dump_json",
        "copy": "model_copy",
        "parse_obj": "model_validate",
        "parse_raw": "model_validate_json",
        "parse_file": None,  # no v2 method: read the file, then `model_validate_json`
        "from_orm": "model_validate",
        "schema": "model_json_schema",
        "schema_json": None,  # no v2 method: `json.dumps(Model.model_json_schema())`
        "construct": "model_construct",
        "update_forward_refs": "model_rebuild",
        "validate": "model_validate",
    }
)
"""v1 method → v2 method (None: no v2 equivalent, reported without a fix)."""

ATTRIBUTE_RENAMES: Mapping[str, str] = MappingProxyType(
    {"__fields__": "model_fields", "__fields_set__": "model_fields_set"}
)
"""v1 class attributes → v2."""

SAFE_ARGUMENTS: Mapping[str, frozenset[str]] = MappingProxyType(
    {
        # v1 keywords that v2 accepts unchanged; anything else (`parse_raw(...,
        # content_type=)`, `copy(update=, deep=)` is fine, `dict(skip_defaults=)` is not)
        # keeps the diagnostic without a fix.
        "dict": frozenset(
            {"include", "exclude", "by_alias", "exclude_unset", "exclude_defaults", "exclude_none"}
        ),
        "json": frozenset(
            {
                "include",
                "exclude",
                "by_alias",
                "exclude_unset",
                "exclude_defaults",
                "exclude_none",
                "indent",
            }
        ),
        "copy": frozenset({"update", "deep"}),
        "parse_obj": frozenset(),
        "parse_raw": frozenset(),
        "from_orm": frozenset(),
        "schema": frozenset({"by_alias", "ref_template"}),
        "construct": frozenset({"_fields_set"}),
        "update_forward_refs": frozenset(),
        "validate": frozenset(),
    }
)
"""Keyword arguments each renamed method keeps with the same meaning in v2. ``dict``/
``json`` positional arguments (``include``, ``exclude``) are keyword-only in v2."""

POSITIONAL_LIMITS: Mapping[str, int] = MappingProxyType(
    {
        "dict": 0,
        "json": 0,
        "copy": 0,
        "parse_obj": 1,
        "parse_raw": 1,
        "from_orm": 1,
        "schema": 0,
        "construct": 1,
        "update_forward_refs": 0,
        "validate": 1,
    }
)
"""Positional arguments each renamed method keeps in v2."""

# --- class Config (FRL403) ---------------------------------------------------------------
CONFIG_RENAMES: Mapping[str, str] = MappingProxyType(
    {
        "orm_mode": "from_attributes",
        "allow_population_by_field_name": "populate_by_name",
        "anystr_strip_whitespace": "str_strip_whitespace",
        "anystr_lower": "str_to_lower",
        "anystr_upper": "str_to_upper",
        "schema_extra": "json_schema_extra",
        "validate_all": "validate_default",
        "max_anystr_length": "str_max_length",
        "min_anystr_length": "str_min_length",
        "keep_untouched": "ignored_types",
    }
)
"""v1 key → v2 key, same value."""

CONFIG_KEPT = frozenset(
    {
        "title",
        "extra",
        "frozen",
        "validate_assignment",
        "arbitrary_types_allowed",
        "use_enum_values",
        "alias_generator",
        "allow_inf_nan",
        "str_strip_whitespace",
        "str_to_lower",
        "str_to_upper",
        "str_max_length",
        "str_min_length",
        "from_attributes",
        "populate_by_name",
        "json_schema_extra",
        "validate_default",
        "ignored_types",
        "protected_namespaces",
        "strict",
        "revalidate_instances",
        "defer_build",
        "hide_input_in_errors",
        "loc_by_alias",
        "coerce_numbers_to_str",
        "regex_engine",
        "validate_return",
        "ser_json_timedelta",
        "ser_json_bytes",
        "use_attribute_docstrings",
        "cache_strings",
    }
)
"""Keys valid in v1 and v2 (or v2 keys written in a v1 ``Config``) with one meaning."""

SETTINGS_KEPT = frozenset(
    {
        "env_prefix",
        "env_file",
        "env_file_encoding",
        "env_nested_delimiter",
        "secrets_dir",
        "case_sensitive",
    }
)
"""``BaseSettings`` keys valid in ``SettingsConfigDict`` with one meaning."""

CONFIG_DROPPED_WHEN: Mapping[str, bool] = MappingProxyType(
    {"underscore_attrs_are_private": True, "smart_union": True, "allow_mutation": True}
)
"""Keys whose v1 value (given here) is v2's only behaviour: the key is dropped."""

CONFIG_INVERTED: Mapping[str, str] = MappingProxyType({"allow_mutation": "frozen"})
"""``allow_mutation=False`` → ``frozen=True``."""

CONFIG_WITHOUT_EQUIVALENT: Mapping[str, str] = MappingProxyType(
    {
        "fields": "use `Field(alias=...)` on each field",
        "copy_on_model_validation": "v2 never copies: see `revalidate_instances`",
        "json_encoders": "deprecated: use `@field_serializer`",
        "json_loads": "removed",
        "json_dumps": "removed",
        "getter_dict": "removed: `from_attributes` reads attributes",
        "error_msg_templates": "removed",
        "post_init_call": "removed",
        "underscore_attrs_are_private": "v2 always makes them private",
        "smart_union": "v2 always uses smart unions",
        "allow_mutation": "use `frozen`",
        "schema_extra": "a `schema_extra` method becomes `json_schema_extra`",
    }
)
"""Why a key (with a value the tables above cannot translate) has no fix."""

EXTRA_VALUES = frozenset({"allow", "ignore", "forbid"})
"""``pydantic.Extra`` members, written as strings in v2."""

# --- validators (FRL402) -----------------------------------------------------------------
VALIDATOR = frozenset({"pydantic.validator", "pydantic.class_validators.validator"})
ROOT_VALIDATOR = frozenset({"pydantic.root_validator", "pydantic.class_validators.root_validator"})
FIELD_VALIDATOR_NAME = ("pydantic", "field_validator")
MODEL_VALIDATOR_NAME = ("pydantic", "model_validator")
VALIDATION_INFO_NAME = ("pydantic", "ValidationInfo")
