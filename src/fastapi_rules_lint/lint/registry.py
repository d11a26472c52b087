"""Rule discovery and selection.

Rules are discovered, not hand-wired: every module of ``fastapi_rules_lint.rules`` is
imported and the ``Rule`` subclasses it defines are collected, so adding a rule touches
one file.

Startup: importing the rules imports LibCST and every semantics module (about 0.2 s), and
a run whose files are all cache hits needs none of it — only which codes exist, their
names, which are on by default and which option keys each takes (to select codes and
validate a settings file). Those facts come from ``lint/_rule_manifest.py``, generated
from the rule classes (``pytest tests/test_rule_manifest.py --update-fixtures``; that test
fails when it is stale). When the rule modules on disk are not the ones the manifest lists (a rule
added in a development install before regenerating), the manifest is ignored and the
rules are imported — slower, never wrong. ``all_rules()`` imports them on first use;
those are the last imports of a run's startup, so it ends the garbage collector's
startup pause (``engine.gc_tuning``).
"""

from __future__ import annotations

import importlib
import os
import pkgutil
import types
from collections.abc import Iterable
from dataclasses import dataclass
from functools import cache
from pathlib import Path
from typing import TYPE_CHECKING

from fastapi_rules_lint.engine import gc_tuning

if TYPE_CHECKING:
    from fastapi_rules_lint.rulebase.rule import Rule

_MANIFEST = Path(__file__).with_name("_rule_manifest.py")


class UnknownCodeError(ValueError):
    """A selector names no rule."""


@dataclass(frozen=True)
class RuleInfo:
    """What selection and settings validation need to know of a rule, without importing
    it (see the module docstring)."""

    code: str
    name: str
    module: str
    """The rule's module in ``fastapi_rules_lint.rules`` (``frl301_blocking_call_in_async``)."""
    default_enabled: bool
    option_keys: tuple[str, ...]
    """The keys of its options table (kebab-case)."""


@cache
def all_rules() -> tuple[type[Rule], ...]:
    """Every rule, sorted by code (imports every rule module)."""
    from fastapi_rules_lint import rules as package
    from fastapi_rules_lint.rulebase.rule import Rule

    found: dict[str, type[Rule]] = {}
    for name in _rule_modules():
        module = importlib.import_module(f"{package.__name__}.{name}")
        for value in vars(module).values():
            if (
                isinstance(value, type)
                # On 3.10 `isinstance(list[int], type)` is True and issubclass() raises.
                and not isinstance(value, types.GenericAlias)
                and issubclass(value, Rule)
                and value.__module__ == module.__name__
                and "code" in vars(value)
            ):
                if value.code in found and found[value.code] is not value:
                    raise RuntimeError(f"two rules claim {value.code}")
                found[value.code] = value
    gc_tuning.imports_done()  # the last of a run's startup imports
    return tuple(found[code] for code in sorted(found))


def are_rules_imported() -> bool:
    """Whether ``all_rules`` has imported the rules in this process."""
    return all_rules.cache_info().currsize > 0


def _rule_modules() -> tuple[str, ...]:
    """The module names of the rules package, sorted (a directory listing, no import)."""
    folder = Path(__file__).resolve().parent.parent / "rules"
    return tuple(sorted(info.name for info in pkgutil.iter_modules([os.fspath(folder)])))


def info_of(rule: type[Rule]) -> RuleInfo:
    """The ``RuleInfo`` of a rule class."""
    keys = tuple(info.alias or name for name, info in rule.options_model.model_fields.items())
    module = rule.__module__.rpartition(".")[2]
    return RuleInfo(rule.code, rule.name, module, rule.default_enabled, keys)


@cache
def rule_infos() -> tuple[RuleInfo, ...]:
    """Every rule's ``RuleInfo``, sorted by code: from the manifest when it is current,
    else from the rule classes."""
    from fastapi_rules_lint.lint import _rule_manifest as manifest

    if tuple(manifest.MODULES) == _rule_modules():
        return tuple(RuleInfo(*entry) for entry in manifest.RULES)
    return tuple(info_of(rule) for rule in all_rules())


def manifest_text() -> str:
    """The text ``lint/_rule_manifest.py`` should have (from the rule classes)."""
    rows = "".join(f"    {tuple(vars(info).values())!r},\n" for info in map(info_of, all_rules()))
    modules = "".join(f"    {name!r},\n" for name in _rule_modules())
    return (
        '"""Generated from the rule classes by `pytest tests/test_rule_manifest.py\n'
        '--update-fixtures`; do not edit (``lint.registry`` explains why it exists)."""\n'
        "# ruff: noqa: E501\n\n"
        "# code, name, module, default_enabled, option keys\n"
        f"RULES: tuple[tuple[str, str, str, bool, tuple[str, ...]], ...] = (\n{rows})\n\n"
        "# Every module of the rules package: the manifest is used only when these match.\n"
        f"MODULES: tuple[str, ...] = (\n{modules})\n"
    )


def rule_info(code: str) -> RuleInfo:
    """The ``RuleInfo`` of ``code`` (case-insensitive)."""
    wanted = code.strip().upper()
    for info in rule_infos():
        if info.code == wanted:
            return info
    raise UnknownCodeError(f"unknown rule code `{code}`")


def rule_for(code: str) -> type[Rule]:
    """The rule with ``code`` (case-insensitive); imports its module only."""
    info = rule_info(code)
    module = importlib.import_module(f"fastapi_rules_lint.rules.{info.module}")
    rule = next(
        (value for value in vars(module).values() if getattr(value, "code", None) == info.code),
        None,
    )
    if isinstance(rule, type):
        return rule
    for rule in all_rules():  # pragma: no cover - a stale manifest
        if rule.code == info.code:
            return rule
    raise UnknownCodeError(f"unknown rule code `{code}`")  # pragma: no cover


def expand_selector(selector: str) -> frozenset[str]:
    """The codes a selector names: ``ALL``, a code, or a prefix (``FRL3``)."""
    token = selector.strip().upper()
    if token == "ALL":
        return frozenset(info.code for info in rule_infos())
    matched = frozenset(info.code for info in rule_infos() if info.code.startswith(token))
    if not matched:
        raise UnknownCodeError(f"unknown rule code or prefix `{selector.strip()}`")
    return matched


def select_codes(
    select: Iterable[str] | None = None,
    ignore: Iterable[str] = (),
    extend_select: Iterable[str] = (),
) -> frozenset[str]:
    """The enabled codes. ``select=None`` means the default set (rules not off by
    default); an explicit code or prefix turns off-by-default rules on too.
    ``ignore`` is applied last."""
    if select is None:
        enabled = {info.code for info in rule_infos() if info.default_enabled}
    else:
        enabled = set()
        for selector in select:
            if selector.strip():
                enabled |= expand_selector(selector)
    for selector in extend_select:
        if selector.strip():
            enabled |= expand_selector(selector)
    for selector in ignore:
        if selector.strip():
            enabled -= expand_selector(selector)
    return frozenset(enabled)


def write_manifest() -> None:
    """Regenerate ``lint/_rule_manifest.py`` (``pytest tests/test_rule_manifest.py
    --update-fixtures`` calls it)."""
    _MANIFEST.write_text(manifest_text(), encoding="utf-8")
