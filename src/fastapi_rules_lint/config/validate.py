"""Validating settings beyond their model: rule codes, rule names and rule options, and
turning validation errors into one-line ``ConfigError`` messages.

A message names the file and the key, and the section the key is in: ``[tool.fastapi-
rules]`` (or a subtable) for a ``pyproject.toml``; for a dedicated file, whose settings
are top-level keys, only its subtables (``[lint.any-type]``) are named. Rule options are
validated strictly (``"yes"`` is not a boolean), through JSON so that TOML arrays fill
tuple and set fields.
"""

from __future__ import annotations

import difflib
import json
from collections.abc import Iterable, Mapping, Sequence
from typing import TYPE_CHECKING

from pydantic import ValidationError
from pydantic_core import ErrorDetails

from fastapi_rules_lint.config.model import SETTINGS_KEYS, Settings, default_settings
from fastapi_rules_lint.engine.options import RuleOptions
from fastapi_rules_lint.lint.registry import (
    RuleInfo,
    UnknownCodeError,
    expand_selector,
    rule_for,
    rule_infos,
)

if TYPE_CHECKING:
    from fastapi_rules_lint.rulebase.rule import Rule

# Validation works from the registry's ``RuleInfo`` (no rule imported, so no LibCST on a
# warm run); only a rule whose options are configured is imported, to validate them.

PYPROJECT_SECTION = "tool.fastapi-rules"


class ConfigError(Exception):
    """The configuration cannot be used; ``str(error)`` is one line naming key and file."""


def expand(selectors: Iterable[str]) -> set[str]:
    """The codes that codes or prefixes (``FRL1``, ``ALL``) stand for."""
    codes: set[str] = set()
    for selector in selectors:
        if selector.strip():
            codes |= expand_selector(selector)
    return codes


def option_keys() -> dict[str, list[RuleInfo]]:
    """Option key (kebab-case) → the rules that have that option."""
    keys: dict[str, list[RuleInfo]] = {}
    for rule in rule_infos():
        for key in rule.option_keys:
            keys.setdefault(key, []).append(rule)
    return keys


def subsection(section: str, *parts: str) -> str:
    """``section`` followed by ``parts``, dotted (``section`` is empty at top level)."""
    return ".".join(part for part in (section, *parts) if part)


def _in(section: str) -> str:
    return f" in [{section}]" if section else ""


def _dotted(location: Sequence[int | str]) -> str:
    parts = [f"[{part}]" if isinstance(part, int) else part for part in location]
    text = ""
    for part in parts:
        if part.startswith("["):
            text += part
        elif text:
            text += f".{part}" if part.replace("-", "").replace("_", "").isalnum() else f'."{part}"'
        else:
            text = part
    return text


def _value(value: object) -> str:
    try:
        return json.dumps(value)
    except (TypeError, ValueError):
        return repr(value)


def describe(where: str, section: str, error: ErrorDetails, known: Iterable[str]) -> str:
    """One line for a Pydantic error in ``section`` of the file ``where``."""
    key = _dotted(error["loc"])
    if error["type"] == "extra_forbidden":
        message = f"{where}: unknown key `{key}`{_in(section)}"
        close = difflib.get_close_matches(str(error["loc"][-1]), sorted(known), n=1)
        return message + (f" (did you mean `{close[0]}`?)" if close else "")
    detail = error["msg"][:1].lower() + error["msg"][1:]
    return f"{where}: invalid `{key}`{_in(section)}: {detail}, got {_value(error['input'])}"


def validate_settings(
    where: str, section: str, table: Mapping[str, object]
) -> tuple[Settings, dict[str, RuleOptions]]:
    """The validated settings of a table and the rule options it configures (by code)."""
    known_options = option_keys()
    rest = dict(table)
    flat = {
        key: rest.pop(key)
        for key in list(rest)
        if key not in SETTINGS_KEYS and key in known_options
    }
    try:
        settings = Settings.model_validate(rest) if rest else default_settings()
    except ValidationError as error:
        details = error.errors()[0]
        raise ConfigError(
            describe(where, section, details, SETTINGS_KEYS | known_options.keys())
        ) from None
    _check_codes(where, section, settings)
    return settings, _rule_options(where, section, settings, flat)


def _check_codes(where: str, section: str, settings: Settings) -> None:
    lists: list[tuple[str, list[str]]] = [
        ("select", settings.select or []),
        ("ignore", settings.ignore),
        ("extend-select", settings.extend_select),
    ]
    lists += [
        (f'per-file-ignores."{glob}"', codes) for glob, codes in settings.per_file_ignores.items()
    ]
    for key, selectors in lists:
        for selector in selectors:
            try:
                expand([selector])
            except UnknownCodeError:
                raise ConfigError(
                    f"{where}: unknown rule code or prefix `{selector}` in `{key}`{_in(section)}"
                ) from None


def _rule_options(
    where: str, section: str, settings: Settings, flat: Mapping[str, object]
) -> dict[str, RuleOptions]:
    by_name = {rule.name: rule for rule in rule_infos()}
    by_code = {rule.code: rule for rule in rule_infos()}
    for name in settings.lint:
        if name in by_name:
            continue
        if name.upper() in by_code:
            hint = f" (use the rule name `{by_code[name.upper()].name}`)"
        else:
            close = difflib.get_close_matches(name, sorted(by_name), n=1)
            hint = f" (did you mean `{close[0]}`?)" if close else ""
        lint = subsection(section, "lint")
        raise ConfigError(f"{where}: unknown rule `{name}`{_in(lint)}{hint}")
    options: dict[str, RuleOptions] = {}
    for info in rule_infos():
        own_flat = {key: value for key, value in flat.items() if key in info.option_keys}
        table = settings.lint.get(info.name)
        if not own_flat and table is None:
            continue
        rule = rule_for(info.code)
        _validate(rule, own_flat, where, section)
        rule_section = subsection(section, "lint", rule.name)
        options[rule.code] = _validate(rule, {**own_flat, **(table or {})}, where, rule_section)
    return options


def _validate(
    rule: type[Rule], values: Mapping[str, object], where: str, section: str
) -> RuleOptions:
    model = rule.options_model
    try:
        payload = json.dumps(values, default=str)
        return model.model_validate_json(payload, strict=True)
    except ValidationError as error:
        details = error.errors()[0]
        if details["type"] == "extra_forbidden" and not model.model_fields:
            key = _dotted(details["loc"])
            raise ConfigError(
                f"{where}: unknown key `{key}`{_in(section)}: rule `{rule.name}` has no options"
            ) from None
        known = [info.alias or name for name, info in model.model_fields.items()]
        raise ConfigError(describe(where, section, details, known)) from None
