"""Cheap qualified-name resolution: a per-module binding table instead of scope analysis.

``QualifiedNameProvider`` needs ``ScopeProvider``, which costs several times the
traversal itself. Most questions a rule asks are "is this expression ``time.sleep``?",
and imports answer them. So the engine builds, in one pass over the module's top-level
statements (not the whole tree), a table of what each module-level name is bound to:
an import (``import time as t`` → ``t`` is ``time``), or a local definition (``def``,
``class``, assignment). Function-local imports and parameters are tracked on the
engine's function stack during the traversal.

Resolution is deliberately conservative, as the rules must be precise:
- a name bound both by an import and by a local definition resolves to nothing;
- a name bound by different imports (``try: import ujson as json`` / ``except: import
  json``) resolves to all of them, as ``QualifiedNameProvider`` would;
- a name never bound in the module is a builtin when Python has one of that name;
- a parameter or local import of an enclosing function shadows module bindings.
"""

from __future__ import annotations

import builtins
from collections.abc import Iterable, Mapping
from dataclasses import dataclass, field

import libcst as cst

BUILTIN_NAMES = frozenset(dir(builtins))

# A module-level name defined locally (def/class/assignment) rather than imported.
LOCAL = "<local>"
_NOTHING: frozenset[str] = frozenset()


def dotted_name(node: cst.BaseExpression) -> str | None:
    """``a.b.c`` for a Name/Attribute chain, otherwise None."""
    if isinstance(node, cst.Name):
        return node.value  # most questions are about a bare name: no list, no join
    parts: list[str] = []
    current: cst.BaseExpression = node
    while isinstance(current, cst.Attribute):
        parts.append(current.attr.value)
        current = current.value
    if not isinstance(current, cst.Name):
        return None
    parts.append(current.value)
    return ".".join(reversed(parts))


def _module_of(node: cst.ImportFrom) -> str:
    dots = "." * len(node.relative)
    module = dotted_name(node.module) if node.module is not None else ""
    return dots + (module or "")


def import_bindings(node: cst.Import | cst.ImportFrom) -> Iterable[tuple[str, str]]:
    """(bound name, qualified name) for each name an import statement binds.

    ``from x import *`` binds nothing we can name and yields nothing.
    """
    if isinstance(node, cst.Import):
        for alias in node.names:
            full = dotted_name(alias.name) or ""
            if alias.asname is not None and isinstance(alias.asname.name, cst.Name):
                yield alias.asname.name.value, full
            else:
                top = full.split(".", 1)[0]
                yield top, top
        return
    if isinstance(node.names, cst.ImportStar):
        return
    module = _module_of(node)
    separator = "" if module.endswith(".") else "."
    for alias in node.names:
        name = dotted_name(alias.name) or ""
        bound = name
        if alias.asname is not None and isinstance(alias.asname.name, cst.Name):
            bound = alias.asname.name.value
        yield bound, f"{module}{separator}{name}"


def assigned_names(target: cst.BaseExpression) -> Iterable[str]:
    """Names bound by an assignment target (tuples and starred targets unpacked)."""
    if isinstance(target, cst.Name):
        yield target.value
    elif isinstance(target, (cst.Tuple, cst.List)):
        for element in target.elements:
            yield from assigned_names(element.value)
    elif isinstance(target, cst.StarredElement):
        yield from assigned_names(target.value)


@dataclass
class BindingTable:
    """What each module-level name is bound to (qualified names or ``LOCAL``)."""

    bindings: dict[str, set[str]] = field(default_factory=dict)
    imported_modules: set[str] = field(default_factory=set)
    _resolved: dict[str, frozenset[str]] = field(
        default_factory=dict, init=False, repr=False, compare=False
    )
    """``resolve_name``'s answers: rules ask about the same few names thousands of times
    per module (every ``Name`` for FRL103). Cleared by ``bind``."""

    def bind(self, name: str, qualified: str) -> None:
        """Record one binding of ``name``."""
        self.bindings.setdefault(name, set()).add(qualified)
        self._resolved.clear()

    def add_import(self, node: cst.Import | cst.ImportFrom) -> None:
        """Record the names an import binds and the module it imports from."""
        if isinstance(node, cst.ImportFrom):
            self.imported_modules.add(_module_of(node))
        else:
            for alias in node.names:
                self.imported_modules.add(dotted_name(alias.name) or "")
        for bound, qualified in import_bindings(node):
            self.bind(bound, qualified)

    def resolve_name(self, name: str) -> frozenset[str]:
        """Qualified names of a module-level (or builtin) name; empty when unknown."""
        found = self._resolved.get(name)
        if found is None:
            bound = self.bindings.get(name)
            if bound is None:
                found = frozenset({f"builtins.{name}"}) if name in BUILTIN_NAMES else _NOTHING
            else:
                found = _NOTHING if LOCAL in bound else frozenset(bound)
            self._resolved[name] = found
        return found

    def imports_module(self, *prefixes: str) -> bool:
        """True when the module imports any module equal to or under one of ``prefixes``."""
        return any(
            module == prefix or module.startswith(prefix + ".")
            for module in self.imported_modules
            for prefix in prefixes
        )


class _TopLevelCollector:
    """Walks module-level statements (into if/try/with/for blocks, not into def/class)."""

    def __init__(self, table: BindingTable) -> None:
        self.table = table

    def statements(self, body: Iterable[cst.BaseStatement | cst.BaseSmallStatement]) -> None:
        for statement in body:
            self.statement(statement)

    def statement(self, node: cst.BaseStatement | cst.BaseSmallStatement | cst.Else) -> None:
        table = self.table
        if isinstance(node, cst.SimpleStatementLine):
            self.statements(node.body)
        elif isinstance(node, (cst.Import, cst.ImportFrom)):
            table.add_import(node)
        elif isinstance(node, (cst.FunctionDef, cst.ClassDef)):
            table.bind(node.name.value, LOCAL)
        elif isinstance(node, cst.Assign):
            for target in node.targets:
                for name in assigned_names(target.target):
                    table.bind(name, LOCAL)
        elif isinstance(node, (cst.AnnAssign, cst.AugAssign)):
            if node.value is not None or isinstance(node, cst.AugAssign):
                for name in assigned_names(node.target):
                    table.bind(name, LOCAL)
        elif isinstance(node, cst.If):
            self.block(node.body)
            if node.orelse is not None:
                self.statement(node.orelse)
        elif isinstance(node, cst.Else):
            self.block(node.body)
        elif isinstance(node, (cst.Try, cst.TryStar)):
            self.block(node.body)
            for handler in node.handlers:
                self.block(handler.body)
            if node.orelse is not None:
                self.block(node.orelse.body)
            if node.finalbody is not None:
                self.block(node.finalbody.body)
        elif isinstance(node, (cst.With, cst.For, cst.While)):
            if isinstance(node, cst.For):
                for name in assigned_names(node.target):
                    table.bind(name, LOCAL)
            self.block(node.body)

    def block(self, body: cst.BaseSuite) -> None:
        self.statements(body.body)


def build_binding_table(module: cst.Module) -> BindingTable:
    """The binding table of ``module``'s top-level statements."""
    table = BindingTable()
    _TopLevelCollector(table).statements(module.body)
    return table


def resolve(
    node: cst.BaseExpression,
    table: BindingTable,
    local_scopes: Iterable[Mapping[str, frozenset[str]]] = (),
) -> frozenset[str]:
    """Qualified names of a Name/Attribute chain; empty when it cannot be known.

    ``local_scopes`` are the enclosing functions' local bindings, innermost first; a
    local binding to the empty set is a parameter or other shadowing name.
    """
    if isinstance(node, cst.Name):
        head, rest = node.value, ""
    else:
        dotted = dotted_name(node)
        if dotted is None:
            return _NOTHING
        head, _, rest = dotted.partition(".")
    for scope in local_scopes:
        if head in scope:
            bases = scope[head]
            break
    else:
        bases = table.resolve_name(head)
    if not rest:
        return bases
    return frozenset(f"{base}.{rest}" for base in bases)


def class_body_names(
    node: cst.ClassDef, *, with_methods: bool = False, with_classes: bool = False
) -> set[str]:
    """Names a class body binds by (annotated) assignment — fields, ``__table__`` —
    and, with ``with_methods``/``with_classes``, by ``def``/``class``."""
    names: set[str] = set()
    for statement in node.body.body:
        if isinstance(statement, (cst.FunctionDef, cst.ClassDef)):
            is_method = isinstance(statement, cst.FunctionDef)
            if with_methods if is_method else with_classes:
                names.add(statement.name.value)
        elif isinstance(statement, cst.SimpleStatementLine):
            for small in statement.body:
                if isinstance(small, cst.Assign):
                    names.update(
                        t.target.value for t in small.targets if isinstance(t.target, cst.Name)
                    )
                elif isinstance(small, cst.AnnAssign) and isinstance(small.target, cst.Name):
                    names.add(small.target.value)
    return names
