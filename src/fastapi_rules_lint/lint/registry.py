"""Rule discovery and selection.

Rules are discovered, not hand-wired: every module of ``fastapi_rules_lint.rules`` is
imported and the ``Rule`` subclasses it defines are collected, so adding a rule touches
one file.
"""

from __future__ import annotations

import importlib
import pkgutil
import types
from collections.abc import Iterable
from functools import cache

from fastapi_rules_lint.rulebase.rule import Rule


class UnknownCodeError(ValueError):
    """A selector names no rule."""


@cache
def all_rules() -> tuple[type[Rule], ...]:
    """Every rule, sorted by code."""
    from fastapi_rules_lint import rules as package

    found: dict[str, type[Rule]] = {}
    for info in pkgutil.iter_modules(package.__path__):
        module = importlib.import_module(f"{package.__name__}.{info.name}")
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
    return tuple(found[code] for code in sorted(found))


def rule_for(code: str) -> type[Rule]:
    """The rule with ``code`` (case-insensitive)."""
    wanted = code.strip().upper()
    for rule in all_rules():
        if rule.code == wanted:
            return rule
    raise UnknownCodeError(f"unknown rule code `{code}`")


def expand_selector(selector: str) -> frozenset[str]:
    """The codes a selector names: ``ALL``, a code, or a prefix (``FRL3``)."""
    token = selector.strip().upper()
    if token == "ALL":
        return frozenset(rule.code for rule in all_rules())
    matched = frozenset(rule.code for rule in all_rules() if rule.code.startswith(token))
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
        enabled = {rule.code for rule in all_rules() if rule.default_enabled}
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
