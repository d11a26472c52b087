"""Per-frame bindings for the async rules (FRL301-FRL306): receiver kinds, same-module
functions, and what each function's own body does (awaits, yields).

A rule that needs them subclasses ``rulebase.tracking.ScopeTracking`` (a ``Rule`` whose
``visit_*`` methods feed a ``Scopes``). The state is rule-local, keyed by function node,
and costs one dict update per assignment.

- *Same-module function*: a ``def`` bound exactly once at module level, a nested ``def``
  of an enclosing function, or ``self.m``/``cls.m`` for a method ``m`` defined once in
  the enclosing class. A name rebound anywhere (assignment, import, second ``def``) is
  not resolved.
- *Own body*: the statements of the innermost ``def``; its decorators, defaults and
  annotations run in the enclosing scope and are not part of it, nor are nested
  functions and lambdas (their own frames).
"""

from __future__ import annotations

from collections.abc import Iterable
from dataclasses import dataclass, field

import libcst as cst

from fastapi_rules_lint.project.model import CallFacts
from fastapi_rules_lint.semantics.asyncio.annotation_kinds import annotation_kind
from fastapi_rules_lint.semantics.asyncio.receivers import (
    PATH,
    RESULT_KINDS,
    canonical,
    canonical_member,
    is_class_name,
    kind_of_callee,
)
from fastapi_rules_lint.semantics.fastapi.context import FunctionFrame, ModuleContext
from fastapi_rules_lint.semantics.python.names import (
    assigned_names,
    dotted_name,
    import_bindings,
)
from fastapi_rules_lint.semantics.python.signatures import all_params


@dataclass
class Binding:
    """What a name is bound to, as far as the async rules care."""

    kind: str | None = None
    function: cst.FunctionDef | None = None
    class_node: cst.ClassDef | None = None
    value: cst.BaseExpression | None = None
    """A module-level value, evaluated lazily (it may name later definitions)."""
    annotation: cst.BaseExpression | None = None
    evaluated: bool = False


UNKNOWN = Binding(evaluated=True)
IMPORTED = Binding(evaluated=True)
"""A module-level import: ``context.qualified_names`` knows what it is."""


@dataclass
class FrameFacts:
    """What a function's own body does."""

    node: cst.FunctionDef
    awaits: bool = False
    yields: bool = False
    env: dict[str, Binding] = field(default_factory=dict)


class _ModuleScan:
    """Counts the bindings of every top-level name (into if/try/with/for blocks)."""

    def __init__(self) -> None:
        self.bindings: dict[str, list[Binding]] = {}

    def add(self, name: str, binding: Binding) -> None:
        self.bindings.setdefault(name, []).append(binding)

    def statements(self, body: Iterable[cst.CSTNode]) -> None:
        for node in body:
            if isinstance(node, cst.SimpleStatementLine):
                self.statements(node.body)
            elif isinstance(node, (cst.Import, cst.ImportFrom)):
                for bound, _ in import_bindings(node):
                    self.add(bound, IMPORTED)
            elif isinstance(node, cst.FunctionDef):
                self.add(node.name.value, Binding(function=node))
            elif isinstance(node, cst.ClassDef):
                self.add(node.name.value, Binding(class_node=node))
            elif isinstance(node, cst.Assign):
                single = len(node.targets) == 1 and isinstance(node.targets[0].target, cst.Name)
                for target in node.targets:
                    for name in assigned_names(target.target):
                        self.add(name, Binding(value=node.value) if single else UNKNOWN)
            elif isinstance(node, (cst.AnnAssign, cst.AugAssign)):
                value = node.value
                annotation = node.annotation.annotation if isinstance(node, cst.AnnAssign) else None
                if value is not None or annotation is None:
                    for name in assigned_names(node.target):
                        self.add(name, Binding(value=value, annotation=annotation))
            elif isinstance(node, (cst.If, cst.Else, cst.With, cst.For, cst.While)):
                if isinstance(node, cst.For):
                    for name in assigned_names(node.target):
                        self.add(name, UNKNOWN)
                self.statements(node.body.body)
                orelse = getattr(node, "orelse", None)
                if orelse is not None:
                    self.statements([orelse])
            elif isinstance(node, (cst.Try, cst.TryStar)):
                self.statements(node.body.body)
                for handler in node.handlers:
                    self.statements(handler.body.body)
                for extra in (node.orelse, node.finalbody):
                    if extra is not None:
                        self.statements(extra.body.body)


def _methods(node: cst.ClassDef) -> dict[str, cst.FunctionDef]:
    """Methods defined exactly once directly in a class body."""
    seen: dict[str, list[cst.FunctionDef]] = {}
    for statement in node.body.body:
        if isinstance(statement, cst.FunctionDef):
            seen.setdefault(statement.name.value, []).append(statement)
    return {name: defs[0] for name, defs in seen.items() if len(defs) == 1}


class Scopes:
    """Bindings of the module and of the functions being traversed."""

    def __init__(self, context: ModuleContext) -> None:
        self.context = context
        scan = _ModuleScan()
        scan.statements(context.module.body)
        self.module = {name: found[0] for name, found in scan.bindings.items() if len(found) == 1}
        self.facts: dict[cst.FunctionDef, FrameFacts] = {}
        self.methods: dict[cst.ClassDef, dict[str, cst.FunctionDef]] = {}
        self.awaited: set[cst.BaseExpression] = set()
        self.bodies: dict[cst.BaseSuite, cst.FunctionDef] = {}
        self.in_body: set[cst.FunctionDef] = set()
        self._evaluating: set[int] = set()
        self._callees: dict[cst.Call, frozenset[str]] = {}
        # Module-level values are evaluated now, with no function on the stack, so their
        # names resolve at module level.
        for name in self.module:
            self.lookup(name)

    # --- questions -------------------------------------------------------------------
    def frame_facts(self) -> FrameFacts | None:
        """Facts of the innermost function, when it is a ``def`` and we are in its body."""
        frame = self.context.function
        if frame is None or not isinstance(frame.node, cst.FunctionDef):
            return None
        if self.context.scopes[-1] is not frame:
            return None  # a class body inside the function
        if frame.node not in self.in_body:
            return None
        return self.facts.get(frame.node)

    def lookup(self, name: str) -> Binding | None:
        """The binding of ``name`` here; None when it is an import, builtin or unknown
        global (ask ``context.qualified_names`` then)."""
        for frame in reversed(self.context.functions):
            facts = self.facts.get(frame.node) if isinstance(frame.node, cst.FunctionDef) else None
            if facts is not None and name in facts.env:
                return self._evaluated(facts.env[name])
            if name in frame.locals:
                # A local import is resolved by `context.qualified_names`.
                return None if frame.locals[name] else UNKNOWN
        binding = self.module.get(name)
        if binding is IMPORTED or binding is None:
            return None if binding is IMPORTED else binding
        return self._evaluated(binding)

    def _evaluated(self, binding: Binding) -> Binding:
        """``binding`` with its kind computed (annotations and module values are lazy:
        most are never asked about)."""
        if binding.evaluated or id(binding) in self._evaluating:
            return binding
        self._evaluating.add(id(binding))
        kind = self._annotation(binding.annotation) if binding.annotation else None
        binding.kind = kind or (self.kind_of(binding.value) if binding.value else None)
        binding.evaluated = True
        self._evaluating.discard(id(binding))
        return binding

    def kind_of(self, node: cst.BaseExpression) -> str | None:
        """The kind of an expression's value, None when unknown."""
        if isinstance(node, cst.Name):
            binding = self.lookup(node.value)
            return binding.kind if binding is not None else None
        if isinstance(node, cst.Call):
            return self._call_kind(node)
        if isinstance(node, cst.Attribute):
            base = self.kind_of(node.value)
            return RESULT_KINDS.get(f"{base}.{node.attr.value}") if base else None
        if isinstance(node, cst.BinaryOperation) and isinstance(node.operator, cst.Divide):
            if self.kind_of(node.left) == PATH:
                return PATH
            if isinstance(node.left, (cst.SimpleString, cst.FormattedString)):
                return PATH if self.kind_of(node.right) == PATH else None
        return None

    def callee_names(self, call: cst.Call) -> frozenset[str]:
        """Qualified names of what ``call`` calls: ``time.sleep``, or ``Kind.method`` for a
        method of a receiver of known kind."""
        cached = self._callees.get(call)
        if cached is None:
            cached = self._callees[call] = self._callee_names(call)
        return cached

    def _callee_names(self, call: cst.Call) -> frozenset[str]:
        func = call.func
        head = func
        while isinstance(head, cst.Attribute):
            head = head.value
        if isinstance(head, cst.Name) and self.lookup(head.value) is None:
            names = self.context.qualified_names(func)
            if names:
                return frozenset(canonical_member(name) for name in names)
        if isinstance(func, cst.Attribute):
            kind = self.kind_of(func.value)
            if kind is not None:
                return frozenset({f"{kind}.{func.attr.value}"})
        return frozenset()

    def local_function(self, call: cst.Call) -> cst.FunctionDef | None:
        """The same-module function ``call`` calls, if any."""
        func = call.func
        if isinstance(func, cst.Name):
            binding = self.lookup(func.value)
            return binding.function if binding is not None else None
        if not (isinstance(func, cst.Attribute) and isinstance(func.value, cst.Name)):
            return None
        for frame in reversed(self.context.functions):
            if frame.class_node is not None and isinstance(frame.node, cst.FunctionDef):
                return self._method(frame, func.value.value, func.attr.value)
        return None

    def local_class(self, node: cst.BaseExpression) -> cst.ClassDef | None:
        """The same-module class a name refers to."""
        if not isinstance(node, cst.Name):
            return None
        binding = self.lookup(node.value)
        return binding.class_node if binding is not None else None

    # --- updates (from ScopeTracking) -----------------------------------------------
    def enter_function(self, node: cst.FunctionDef) -> None:
        """Record a function's parameters, and the function in its parent's frame."""
        facts = FrameFacts(node)
        for param in all_params(node.params):
            annotation = param.annotation.annotation if param.annotation else None
            facts.env[param.name.value] = Binding(annotation=annotation, evaluated=not annotation)
        functions = self.context.functions
        if len(functions) > 1 and functions[-1].class_node is None:
            parent = functions[-2].node
            if isinstance(parent, cst.FunctionDef) and parent in self.facts:
                self.facts[parent].env[node.name.value] = Binding(function=node)
        self.facts[node] = facts
        self.bodies[node.body] = node

    def bind(self, target: cst.BaseExpression, value: cst.BaseExpression | None) -> None:
        """An assignment in the current function's body."""
        facts = self.frame_facts()
        if facts is None:
            return
        if isinstance(target, cst.Name):
            kind = self.kind_of(value) if value else None
            facts.env[target.value] = Binding(kind=kind, evaluated=True)
        elif (
            isinstance(target, (cst.Tuple, cst.List))
            and isinstance(value, (cst.Tuple, cst.List))
            and len(target.elements) == len(value.elements)
        ):
            for element, item in zip(target.elements, value.elements, strict=True):
                self.bind(element.value, item.value)
        else:
            for name in assigned_names(target):
                facts.env[name] = UNKNOWN

    def bind_annotated(self, target: cst.BaseExpression, annotation: cst.BaseExpression) -> bool:
        """``x: T = ...`` binds ``x`` to ``T``'s kind when known; False otherwise."""
        facts = self.frame_facts()
        kind = self._annotation(annotation)
        if facts is None or kind is None or not isinstance(target, cst.Name):
            return False
        facts.env[target.value] = Binding(kind=kind, evaluated=True)
        return True

    # --- internals --------------------------------------------------------------------
    def _annotation(self, node: cst.BaseExpression) -> str | None:
        def alias(name: str) -> cst.BaseExpression | None:
            binding = self.module.get(name)
            return binding.value if binding is not None and self.lookup(name) is binding else None

        names = self.context.qualified_names
        return annotation_kind(node, names, alias, project=self._project_type)

    def _project_type(self, node: cst.BaseExpression) -> str | None:
        """The type a name imported from the project stands for: the head of an
        ``Annotated`` alias (``SessionDep`` → ``sqlalchemy.orm.Session``) or a class
        through re-exports; None when the project model does not know it."""
        written = dotted_name(node)
        view = self.context.fastapi.view
        found = view.canonical(written) if written is not None else None
        if found is None:
            return None
        alias = view.aliases.get(found)
        if alias is not None:
            found = alias.head
        return canonical(found) if found is not None and is_class_name(found) else None

    def _call_kind(self, call: cst.Call) -> str | None:
        func = call.func
        view = self.context.fastapi.view
        if isinstance(func, cst.Name):
            binding = self.lookup(func.value)
            if binding is not None:
                if binding.kind is not None:
                    return RESULT_KINDS.get(f"{binding.kind}.__call__")
                if binding.function is not None and self.module.get(func.value) is binding:
                    own = view.own(func.value)
                    return _returned_kind(view.returns.get(own) if own else None)
                return None
        names = self.callee_names(call)
        if len(names) != 1:
            return None
        (name,) = names
        kind = kind_of_callee(call, name)
        if kind is None:
            # A project function's return annotation (`def get_session() -> Session`).
            written = dotted_name(func)
            found = view.canonical(written) if written is not None else None
            kind = _returned_kind(view.returns.get(found) if found is not None else None)
        return kind

    def project_facts(self, call: cst.Call) -> CallFacts | None:
        """What calling a project function of another module (or a method of a project
        class on a receiver of known type) may block on; None when ``call`` calls none
        or the project model does not know."""
        func = call.func
        head = func
        while isinstance(head, cst.Attribute):
            head = head.value
        view = self.context.fastapi.view
        if isinstance(head, cst.Name) and self.lookup(head.value) is None:
            written = dotted_name(func)
            found = view.canonical(written) if written is not None else None
            if found is not None and found in view.call_facts:
                return view.call_facts[found]
        if isinstance(func, cst.Attribute):
            kind = self.kind_of(func.value)
            if kind is not None:
                return view.call_facts.get(f"{kind}.{func.attr.value}")
        return None

    def _method(self, frame: FunctionFrame, receiver: str, name: str) -> cst.FunctionDef | None:
        node = frame.node
        assert isinstance(node, cst.FunctionDef) and frame.class_node is not None
        params = list(all_params(node.params))
        if not params or params[0].name.value != receiver or params[0].star:
            return None
        methods = self.methods.get(frame.class_node)
        if methods is None:
            methods = self.methods[frame.class_node] = _methods(frame.class_node)
        return methods.get(name)


def _returned_kind(returned: str | None) -> str | None:
    """The kind a project function's return annotation names (a class), if any."""
    return canonical(returned) if returned is not None and is_class_name(returned) else None
