"""One batched, read-only traversal without LibCST's node rebuilding.

``libcst.visit_batched`` walks through ``CSTNode.visit``, which rebuilds and re-validates
every node from its visited children even when no visitor can change anything: on the
FastAPI ``docs_src`` that costs more than parsing. Our visitors only read, so we walk the
original nodes: for each node the ``visit_<Type>`` methods of every visitor in batch
order, then its children in the order LibCST visits them, then the
``leave_<Type>`` methods. (When a visitor has ``visit_<Type>_<field>`` hooks, LibCST's
own traversal runs instead.) Same nodes, same order, same calls as ``visit_batched`` (a test
compares both on real code), about four times faster.

A node type's child fields and their order are taken once from LibCST itself: its
``_visit_and_replace_children`` runs on the first instance met, with a visitor that
records the fields and does not descend. A field LibCST visits only when it is set (an
f-string's ``format_spec``) is missing from a sample where it is unset; such fields are
appended after the recorded ones, which is where LibCST visits them (in LibCST 1.9 the
f-/t-string ``format_spec`` is the only such field, and the last one visited).

The caches below are keyed by classes and only remember what LibCST's classes are; they
hold no state of any run.
"""

from __future__ import annotations

import dataclasses
from collections.abc import Callable, Iterable, Mapping, Sequence
from contextlib import ExitStack

import libcst as cst

VisitorMethod = Callable[[cst.CSTNode], None]
_Methods = dict[str, tuple[VisitorMethod, ...]]


class _FieldRecorder(cst.CSTVisitor):
    """Records the fields LibCST visits on one node, without descending."""

    def __init__(self, root: cst.CSTNode) -> None:
        super().__init__()
        self.root = root
        self.fields: list[str] = []

    def on_visit(self, node: cst.CSTNode) -> bool:
        return False

    def on_visit_attribute(self, node: cst.CSTNode, attribute: str) -> None:
        if node is self.root and attribute not in self.fields:
            self.fields.append(attribute)


# Per node type: the fields LibCST visits, in its order.
_FIELDS: dict[type[cst.CSTNode], tuple[str, ...]] = {}


def _fields_of(node: cst.CSTNode) -> tuple[str, ...]:
    known = _FIELDS.get(type(node))
    if known is not None:
        return known
    recorder = _FieldRecorder(node)
    node._visit_and_replace_children(recorder)
    recorded = tuple(recorder.fields)
    conditional = tuple(
        field.name
        for field in dataclasses.fields(node)
        if field.name not in recorded and getattr(node, field.name) is None
    )
    _FIELDS[type(node)] = recorded + conditional
    return recorded + conditional


_WHITESPACE = frozenset(
    {"SimpleWhitespace", "Newline", "Comment", "TrailingWhitespace", "EmptyLine"}
)
_PARENTHESIZABLE = _WHITESPACE | {"ParenthesizedWhitespace"}
_PUNCTUATION = (
    "Comma", "Dot", "Colon", "Semicolon", "AssignEqual", "LeftParen", "RightParen",
    "LeftSquareBracket", "RightSquareBracket", "LeftCurlyBrace", "RightCurlyBrace",
)
TRIVIA: Mapping[str, frozenset[str]] = {
    "SimpleWhitespace": frozenset({"SimpleWhitespace"}),
    "Newline": frozenset({"Newline"}),
    "Comment": frozenset({"Comment"}),
    "TrailingWhitespace": _WHITESPACE,
    "EmptyLine": _WHITESPACE,
    "ParenthesizedWhitespace": _PARENTHESIZABLE,
    **{name: _PARENTHESIZABLE | {name} for name in _PUNCTUATION},
}
"""Whitespace and punctuation nodes (two thirds of a tree), each with every node type
that can occur in its subtree. A traversal skips the subtrees in which no visitor
visits anything; a test checks these sets on real code."""


def _table_index(name: str) -> int | None:
    """0 visit, 1 leave, 2 visit-field hook, 3 leave-field hook; None for other names."""
    if name.startswith("visit_"):
        index = 0
    elif name.startswith("leave_"):
        index = 1
    else:
        return None
    # Node type names have no underscore: `visit_Call_func` is a field hook.
    return index + 2 if "_" in name[6:] else index


# Which (visitor position, method name) serve each key, per tuple of visitor classes:
# rules are instantiated per file, their classes repeat.
_Layout = tuple[dict[str, tuple[tuple[int, str], ...]], ...]
_LAYOUTS: dict[tuple[type[cst.BatchableCSTVisitor], ...], _Layout] = {}


def _layout(classes: Sequence[type[cst.BatchableCSTVisitor]]) -> _Layout:
    tables: tuple[dict[str, list[tuple[int, str]]], ...] = ({}, {}, {}, {})
    for position, cls in enumerate(classes):
        for name in _method_names(cls):
            index = _table_index(name)
            if index is not None:
                tables[index].setdefault(name[6:], []).append((position, name))
    return tuple({key: tuple(entries) for key, entries in table.items()} for table in tables)


def visitor_tables(
    visitors: Sequence[cst.BatchableCSTVisitor],
) -> tuple[_Methods, _Methods, _Methods, _Methods]:
    """(visit, leave, visit-field, leave-field) methods by key, in batch order; keys are
    type names (``Call``) or type and field (``Call_func``)."""
    classes = tuple(type(visitor) for visitor in visitors)
    layout = _LAYOUTS.get(classes)
    if layout is None:
        if any(cls.get_visitors is not cached_visitors for cls in classes):
            return _uncached_tables(visitors)
        layout = _LAYOUTS[classes] = _layout(classes)
    visit, leave, visit_field, leave_field = (
        {
            key: tuple(getattr(visitors[position], name) for position, name in entries)
            for key, entries in table.items()
        }
        for table in layout
    )
    return visit, leave, visit_field, leave_field


def _uncached_tables(
    visitors: Iterable[cst.BatchableCSTVisitor],
) -> tuple[_Methods, _Methods, _Methods, _Methods]:
    tables: tuple[dict[str, list[VisitorMethod]], ...] = ({}, {}, {}, {})
    for visitor in visitors:
        for name, method in visitor.get_visitors().items():
            index = _table_index(name)
            if index is not None:
                tables[index].setdefault(name[6:], []).append(method)
    visit, leave, visit_field, leave_field = (
        {key: tuple(methods) for key, methods in table.items()} for table in tables
    )
    return visit, leave, visit_field, leave_field


def traverse(module: cst.Module, visitors: Sequence[cst.BatchableCSTVisitor]) -> None:
    """The engine's one batched traversal. Metadata is resolved only when a visitor
    declares some (the rules running in most modules need none)."""
    Batch(visitors).traverse(module)


class Batch:
    """Visitors walked together, module after module: their method tables and what the
    walk may skip are worked out once. The linter keeps one per combination of rule
    classes and re-initialises the same visitor objects for each module (the tables hold
    their bound methods); building the tables cost more than a small module's walk."""

    def __init__(self, visitors: Sequence[cst.BatchableCSTVisitor]) -> None:
        self.visitors = tuple(visitors)
        self._needs_metadata = any(
            visitor.get_inherited_dependencies() for visitor in self.visitors
        )
        visit, leave, visit_attribute, leave_attribute = visitor_tables(self.visitors)
        # Field hooks are rare; LibCST's own traversal gets their finer points right
        # (an unset optional field fires them, an unset f-string format spec does not).
        self._libcst = bool(visit_attribute or leave_attribute)
        self._visit = visit
        self._leave = leave
        self._skipped = _skipped_trivia(visit.keys() | leave.keys())

    def traverse(self, module: cst.Module) -> None:
        """``traverse(module, visitors)``, with metadata resolved when asked."""
        if not self._needs_metadata:
            self.walk(module)
            return
        wrapper = cst.MetadataWrapper(module, unsafe_skip_copy=True)
        with ExitStack() as stack:
            for visitor in self.visitors:
                stack.enter_context(visitor.resolve(wrapper))
            self.walk(module)

    def walk(self, module: cst.CSTNode) -> None:
        """``walk_batched(module, visitors)``."""
        if self._libcst:
            cst.visit_batched(module, self.visitors)
            return
        _walk(module, self._visit, self._leave, prune=False, skipped=self._skipped)


def walk_batched(module: cst.CSTNode, visitors: Sequence[cst.BatchableCSTVisitor]) -> None:
    """Visit ``module`` once with every visitor, as ``libcst.visit_batched`` would
    (a ``visit_*`` returning False prunes nothing).

    Metadata must already be resolved (``MetadataDependent.resolve``) by the caller.
    """
    Batch(visitors).walk(module)


def visit_readonly(node: cst.CSTNode, visitor: cst.CSTVisitor) -> None:
    """``node.visit(visitor)`` for a ``CSTVisitor`` that only reads, without rebuilding
    the tree: ``visit_<Type>`` returning False skips the node's children, as in LibCST.

    Visitors that override ``on_visit``/``on_leave`` or have field hooks go through
    LibCST's own traversal. Only methods defined on the class count.
    """
    cls = type(visitor)
    base = cst.CSTVisitor
    if (
        cls.on_visit is not base.on_visit
        or cls.on_leave is not base.on_leave
        or cls.on_visit_attribute is not base.on_visit_attribute
        or cls.on_leave_attribute is not base.on_leave_attribute
    ):
        node.visit(visitor)
        return
    layout = _READONLY_LAYOUTS.get(cls)
    if layout is None:
        layout = _READONLY_LAYOUTS[cls] = _readonly_layout(cls)
    if layout is _FIELD_HOOKS:
        node.visit(visitor)
        return
    visit_names, leave_names, skipped = layout
    visit: _Methods = {key: (getattr(visitor, name),) for key, name in visit_names}
    leave: _Methods = {key: (getattr(visitor, name),) for key, name in leave_names}
    _walk(node, visit, leave, prune=True, skipped=skipped)


# Per visitor class of `visit_readonly`: its (key, method name) pairs for visit and
# leave, and the trivia a walk skips; `_FIELD_HOOKS` when LibCST's traversal must run.
_ReadonlyLayout = tuple[tuple[tuple[str, str], ...], tuple[tuple[str, str], ...], frozenset[str]]
_FIELD_HOOKS: _ReadonlyLayout = ((), (), frozenset())
_READONLY_LAYOUTS: dict[type[object], _ReadonlyLayout] = {}


def _readonly_layout(cls: type[object]) -> _ReadonlyLayout:
    tables: tuple[dict[str, str], ...] = ({}, {}, {}, {})
    for name in _method_names(cls):
        index = _table_index(name)
        if index is not None:
            tables[index][name[6:]] = name
    visit, leave, visit_attribute, leave_attribute = tables
    if visit_attribute or leave_attribute:
        return _FIELD_HOOKS
    skipped = _skipped_trivia(visit.keys() | leave.keys())
    return tuple(visit.items()), tuple(leave.items()), skipped


# Per set of skipped trivia type names: node type -> is its subtree walked?
_WALKED: dict[frozenset[str], dict[type[object], bool]] = {}


def _skipped_trivia(wanted: Iterable[str]) -> frozenset[str]:
    """The trivia types whose subtrees hold no node type in ``wanted``."""
    wanted = frozenset(wanted)
    return frozenset(name for name, inside in TRIVIA.items() if inside.isdisjoint(wanted))


def _walk(
    node: cst.CSTNode,
    visit: _Methods,
    leave: _Methods,
    *,
    prune: bool,
    skipped: frozenset[str] | None = None,
) -> None:
    """Depth-first over ``node``; ``prune``: a ``visit_*`` returning False skips the
    children (``CSTVisitor`` semantics; batched visitors never prune). ``skipped``: the
    trivia types not walked into (computed from the tables when not given)."""
    if skipped is None:
        skipped = _skipped_trivia(visit.keys() | leave.keys())
    walked = _WALKED.setdefault(skipped, {})
    fields = _FIELDS

    def is_walked(kind: type[object]) -> bool:
        answer = walked[kind] = issubclass(kind, cst.CSTNode) and kind.__name__ not in skipped
        return answer

    def walk(node: cst.CSTNode) -> None:
        kind = type(node)
        name = kind.__name__
        methods = visit.get(name)
        descend = True
        if methods is not None:
            for method in methods:
                if method(node) is False and prune:
                    descend = False
        known = fields.get(kind) if descend else ()
        for field in known if known is not None else _fields_of(node):
            value = getattr(node, field)
            value_kind = type(value)
            if value_kind is tuple or value_kind is list:
                for child in value:
                    child_kind = type(child)
                    is_child_walked = walked.get(child_kind)
                    if is_child_walked is None:
                        is_child_walked = is_walked(child_kind)
                    if is_child_walked:
                        walk(child)
                continue
            is_value_walked = walked.get(value_kind)
            if is_value_walked is None:
                is_value_walked = is_walked(value_kind)
            if is_value_walked:
                walk(value)
        methods = leave.get(name)
        if methods is not None:
            for method in methods:
                method(node)

    try:
        walk(node)
    finally:
        # `walk` refers to itself through its closure: a reference cycle that would keep
        # the method tables, and through them the visitors' state (CST subtrees they
        # collected), alive until the cyclic collector runs. Breaking it frees them now.
        walk = _walked_out


def _walked_out(node: cst.CSTNode) -> None:
    """What ``_walk``'s closure is left pointing at once the walk is over."""


def cached_visitors(visitor: cst.BatchableCSTVisitor) -> Mapping[str, VisitorMethod]:
    """``get_visitors`` without LibCST's per-instance ``inspect.getmembers`` over
    hundreds of stub methods (milliseconds per visitor per file): the names of a class's
    real ``visit_*``/``leave_*`` methods are computed once per class."""
    return {name: getattr(visitor, name) for name in _method_names(type(visitor))}


def _method_names(cls: type[object]) -> tuple[str, ...]:
    """The names of ``cls``'s real ``visit_*``/``leave_*`` methods (not LibCST's no-op
    stubs), sorted. Each class of the MRO is scanned once for the names it defines
    (``_defined_names``): ``dir`` of a visitor lists LibCST's thousand stubs again for
    every rule class, tens of milliseconds the first time a run lints."""
    names = _METHOD_NAMES.get(cls)
    if names is None:
        candidates: set[str] = set()
        for klass in cls.__mro__:
            candidates.update(_defined_names(klass))
        names = tuple(
            name
            for name in sorted(candidates)
            if callable(method := getattr(cls, name, None))
            and not getattr(method, "_is_no_op", False)
        )
        _METHOD_NAMES[cls] = names
    return names


def _defined_names(klass: type[object]) -> frozenset[str]:
    """The ``visit_*``/``leave_*`` names ``klass`` defines itself that are not no-op
    stubs there (a stub another class of the MRO overrides is found through that class)."""
    names = _DEFINED_NAMES.get(klass)
    if names is None:
        names = _DEFINED_NAMES[klass] = frozenset(
            name
            for name, value in vars(klass).items()
            if name.startswith(("visit_", "leave_")) and not getattr(value, "_is_no_op", False)
        )
    return names


_DEFINED_NAMES: dict[type[object], frozenset[str]] = {}
_METHOD_NAMES: dict[type[object], tuple[str, ...]] = {}


class OwnScopeVisitor(cst.CSTVisitor):
    """A visitor of one scope's own code: the bodies of nested ``def``, ``class`` and
    ``lambda`` are other scopes and are not entered (a subclass that needs what a
    nested definition binds overrides ``visit_FunctionDef``/``visit_ClassDef``)."""

    def visit_FunctionDef(self, node: cst.FunctionDef) -> bool:
        return False

    def visit_ClassDef(self, node: cst.ClassDef) -> bool:
        return False

    def visit_Lambda(self, node: cst.Lambda) -> bool:
        return False
