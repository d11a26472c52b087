"""Finding, reading and validating ``[tool.fastapi-rules]``.

Decisions:
- The nearest ``pyproject.toml`` up from the start path is the project's, whether or not
  it has a ``[tool.fastapi-rules]`` table (its folder is the root that ``exclude``,
  ``per-file-ignores`` and ``cache-dir`` are relative to).
- Everything is validated when the file is loaded — keys, types, rule codes, rule names
  and every rule's options — so a bad config fails before any file is linted, with one
  line naming the key and the file.
- Rule options: ``[tool.fastapi-rules.lint.<rule-name>]`` tables, or a flat key in
  ``[tool.fastapi-rules]`` equal to an option of one or more rules (it applies to each);
  the table wins over the flat key. Values are validated strictly (``"yes"`` is not a
  boolean), through JSON so that TOML arrays fill tuple and set fields.
- Selection layers like ruff's: the defaults, then the file (``select`` replaces,
  ``extend-select`` adds, ``ignore`` removes), then the command line the same way.
"""

from __future__ import annotations

import difflib
import json
import os
import sys
from collections.abc import Iterable, Mapping, Sequence
from dataclasses import dataclass, field
from pathlib import Path

import pathspec
from pydantic import ValidationError
from pydantic_core import ErrorDetails

from fastapi_rules_lint.config.model import SETTINGS_KEYS, Settings
from fastapi_rules_lint.engine.options import RuleOptions
from fastapi_rules_lint.lint.linter import LintSettings
from fastapi_rules_lint.lint.registry import (
    UnknownCodeError,
    all_rules,
    expand_selector,
    select_codes,
)
from fastapi_rules_lint.rulebase.rule import Rule

if sys.version_info >= (3, 11):
    import tomllib
else:  # pragma: no cover - exercised on 3.10 only
    import tomli as tomllib

SECTION = "tool.fastapi-rules"


class ConfigError(Exception):
    """The configuration cannot be used; ``str(error)`` is one line naming key and file."""


def display_path(path: Path) -> str:
    """``path`` relative to the working folder when inside it, else absolute."""
    absolute = Path(os.path.abspath(path))
    try:
        return absolute.relative_to(Path.cwd()).as_posix()
    except ValueError:
        return str(absolute)


def find_pyproject(start: Path) -> Path | None:
    """The nearest ``pyproject.toml`` at or above ``start`` (a file or a folder)."""
    absolute = Path(os.path.abspath(start))
    folder = absolute if absolute.is_dir() else absolute.parent
    for candidate in (folder, *folder.parents):
        found = candidate / "pyproject.toml"
        if found.is_file():
            return found
    return None


@dataclass(frozen=True)
class LoadedConfig:
    """A validated configuration and where it came from."""

    settings: Settings = field(default_factory=Settings)
    path: Path | None = None
    root: Path = field(default_factory=Path.cwd)
    rule_options: Mapping[str, RuleOptions] = field(default_factory=dict)
    """Rule code → configured options (only rules the file configures)."""
    per_file_ignores: tuple[tuple[pathspec.GitIgnoreSpec, frozenset[str]], ...] = ()

    def lint_settings(
        self,
        select: Sequence[str] | None = None,
        ignore: Sequence[str] = (),
        extend_select: Sequence[str] = (),
    ) -> LintSettings:
        """The run's settings: command-line values layered over the file's.

        Raises ``UnknownCodeError`` for an unknown code given here (the file's codes were
        checked when it was loaded)."""
        settings = self.settings
        if select is not None:
            enabled = set(select_codes(select, (), extend_select))
        else:
            enabled = set(select_codes(settings.select, settings.ignore, settings.extend_select))
            enabled |= _expand(extend_select)
        enabled -= _expand(ignore)
        return LintSettings(enabled=frozenset(enabled), options=dict(self.rule_options))

    def ignored_codes_for(self, path: Path) -> frozenset[str]:
        """The codes ``per-file-ignores`` turns off for ``path``."""
        if not self.per_file_ignores:
            return frozenset()
        relative = relative_to_root(path, self.root)
        ignored: set[str] = set()
        for spec, codes in self.per_file_ignores:
            if spec.match_file(relative):
                ignored |= codes
        return frozenset(ignored)


def relative_to_root(path: Path, root: Path) -> str:
    """``path`` as a posix path relative to ``root``; its name alone when outside it."""
    absolute = Path(os.path.abspath(path))
    try:
        return absolute.relative_to(Path(os.path.abspath(root))).as_posix()
    except ValueError:
        return absolute.name


def _expand(selectors: Iterable[str]) -> set[str]:
    codes: set[str] = set()
    for selector in selectors:
        if selector.strip():
            codes |= expand_selector(selector)
    return codes


def load_config(start: Path | None = None, explicit: Path | None = None) -> LoadedConfig:
    """Load ``explicit`` (``--config``) or the nearest ``pyproject.toml`` up from
    ``start`` (default: the working folder); defaults when there is none."""
    if explicit is not None:
        if not explicit.is_file():
            raise ConfigError(f"{display_path(explicit)}: config file not found")
        path: Path | None = Path(os.path.abspath(explicit))
    else:
        path = find_pyproject(start if start is not None else Path.cwd())
    if path is None:
        return LoadedConfig()
    table = _read_table(path)
    where = display_path(path)
    option_keys = _option_keys()
    flat = {
        key: table.pop(key)
        for key in list(table)
        if key not in SETTINGS_KEYS and key in option_keys
    }
    try:
        settings = Settings.model_validate(table)
    except ValidationError as error:
        raise ConfigError(_settings_error(where, error.errors()[0], option_keys)) from None
    _check_codes(where, settings)
    return LoadedConfig(
        settings=settings,
        path=path,
        root=path.parent,
        rule_options=_rule_options(where, settings, flat),
        per_file_ignores=tuple(
            (pathspec.GitIgnoreSpec.from_lines([pattern]), frozenset(_expand(codes)))
            for pattern, codes in settings.per_file_ignores.items()
        ),
    )


def _read_table(path: Path) -> dict[str, object]:
    where = display_path(path)
    try:
        with path.open("rb") as handle:
            data = tomllib.load(handle)
    except OSError as error:
        raise ConfigError(f"{where}: cannot read config: {error.strerror}") from None
    except tomllib.TOMLDecodeError as error:
        raise ConfigError(f"{where}: invalid TOML: {error}") from None
    tool = data.get("tool", {})
    table = tool.get("fastapi-rules", {}) if isinstance(tool, dict) else {}
    if not isinstance(table, dict):
        raise ConfigError(f"{where}: `{SECTION}` must be a table")
    return dict(table)


def _option_keys() -> dict[str, list[type[Rule]]]:
    """Option key (kebab-case) → the rules that have that option."""
    keys: dict[str, list[type[Rule]]] = {}
    for rule in all_rules():
        for name, info in rule.options_model.model_fields.items():
            keys.setdefault(info.alias or name, []).append(rule)
    return keys


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


def _describe(where: str, section: str, error: ErrorDetails, known: Iterable[str]) -> str:
    key = _dotted(error["loc"])
    if error["type"] == "extra_forbidden":
        message = f"{where}: unknown key `{key}` in [{section}]"
        close = difflib.get_close_matches(str(error["loc"][-1]), sorted(known), n=1)
        return message + (f" (did you mean `{close[0]}`?)" if close else "")
    detail = error["msg"][:1].lower() + error["msg"][1:]
    return f"{where}: invalid `{key}` in [{section}]: {detail}, got {_value(error['input'])}"


def _settings_error(where: str, error: ErrorDetails, option_keys: Mapping[str, object]) -> str:
    return _describe(where, SECTION, error, SETTINGS_KEYS | option_keys.keys())


def _check_codes(where: str, settings: Settings) -> None:
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
                _expand([selector])
            except UnknownCodeError:
                raise ConfigError(
                    f"{where}: unknown rule code or prefix `{selector}` in `{key}` of [{SECTION}]"
                ) from None


def _rule_options(
    where: str, settings: Settings, flat: Mapping[str, object]
) -> dict[str, RuleOptions]:
    by_name = {rule.name: rule for rule in all_rules()}
    by_code = {rule.code: rule for rule in all_rules()}
    for name in settings.lint:
        if name in by_name:
            continue
        section = f"{SECTION}.lint"
        if name.upper() in by_code:
            hint = f" (use the rule name `{by_code[name.upper()].name}`)"
        else:
            close = difflib.get_close_matches(name, sorted(by_name), n=1)
            hint = f" (did you mean `{close[0]}`?)" if close else ""
        raise ConfigError(f"{where}: unknown rule `{name}` in [{section}]{hint}")
    options: dict[str, RuleOptions] = {}
    for rule in all_rules():
        fields = {info.alias or name for name, info in rule.options_model.model_fields.items()}
        own_flat = {key: value for key, value in flat.items() if key in fields}
        table = settings.lint.get(rule.name)
        if not own_flat and table is None:
            continue
        _validate(rule, own_flat, where, SECTION)
        section = f"{SECTION}.lint.{rule.name}"
        options[rule.code] = _validate(rule, {**own_flat, **(table or {})}, where, section)
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
                f"{where}: unknown key `{key}` in [{section}]: rule `{rule.name}` has no options"
            ) from None
        known = [info.alias or name for name, info in model.model_fields.items()]
        raise ConfigError(_describe(where, section, details, known)) from None
