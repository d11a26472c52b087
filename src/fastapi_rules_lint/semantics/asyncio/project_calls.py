"""What calling a project function may block on, computed once per project (FRL302,
FRL303) from the module summaries.

Every call a project function makes (its own body, ``await``-ed calls excluded) is one
of: a call of the blocking table (``requests.get``, ``open``, ``db.execute`` on a
``db: Session``); a call to another project function (followed); a call that may block
(a third-party function, a method on a receiver of unknown type); or a call that does
not block (builtins, constructors, pure modules: ``maybe_blocking``). A breadth-first
search backwards from the calls that block (``callgraph.shortest_chains``) then gives
every function its shortest chain, ``load_config() → open()``, at any depth and
through cycles.

Only plain sync functions run their body when called: an ``async def`` runs it when
awaited, a generator when iterated, and an unknown decorator may change what calling
does (``@celery.task``). Calling one of those is treated as running nothing, as the
same-module call graph does. Receiver types come from parameter annotations (through
imports and ``Annotated`` aliases in any module: ``db: SessionDep``), ``self.m()`` in a
method, and module-level values built by a known constructor (``client =
httpx.Client()``); a local variable's type is unknown.

The results go on the model (``ProjectModel.call_facts``); ``project.view`` ships each
module the facts of the functions it names. The table is the default one (options are
per file, the model per project): a rule applies its own ``allowed-blocking-calls`` /
``non-blocking-calls`` to the call at the end of a chain.
"""

from __future__ import annotations

from collections.abc import Iterator
from dataclasses import dataclass

from fastapi_rules_lint.project.model import CallChain, CallFacts, ProjectModel
from fastapi_rules_lint.project.modules import ModuleRef
from fastapi_rules_lint.project.summary import Call, Class, Function
from fastapi_rules_lint.semantics.asyncio.blocking import BlockingTable
from fastapi_rules_lint.semantics.asyncio.maybe_blocking import BENIGN_METHODS, is_safe_name
from fastapi_rules_lint.semantics.asyncio.receivers import (
    RESULT_KINDS,
    UNKNOWN_WITH_KEYWORD,
    canonical,
    canonical_member,
    is_class_name,
)
from fastapi_rules_lint.semantics.python.callgraph import TRANSPARENT_DECORATORS, shortest_chains

DEFAULT_TABLE = BlockingTable({}, frozenset())
UNTYPED = frozenset({"builtins.object", "typing.Any", "typing_extensions.Any"})
"""Annotations that say nothing of a receiver's methods."""


@dataclass(frozen=True)
class _End:
    """A call at the end of a chain."""

    call: str
    written: str
    is_blocking: bool


_Step = tuple[str | None, _End | None]
"""A followed project function called, or a call that (may) block(s)."""
_StepKey = tuple[ModuleRef, str, bool, str | None]


def with_call_facts(model: ProjectModel, table: BlockingTable = DEFAULT_TABLE) -> ProjectModel:
    """``model`` with ``call_facts`` filled (a run calls this once per project)."""
    model.call_facts = call_facts(model, table)
    return model


def call_facts(model: ProjectModel, table: BlockingTable = DEFAULT_TABLE) -> dict[str, CallFacts]:
    """Every project function's ``CallFacts`` (see the module docstring)."""
    links: dict[str, list[_Step]] = {}
    facts: dict[str, CallFacts] = {}
    known: dict[_StepKey, _Step] = {}
    for ref, owner, function in _functions(model):
        path = f"{owner.name}.{function.name}" if owner is not None else function.name
        name = f"{ref.name}.{path}"
        facts[name] = CallFacts()
        if _runs_when_called(model, ref, function):
            steps = _Steps(model, ref, owner, function, table, known)
            # Summaries list calls in no particular order; chains prefer the earliest.
            calls = sorted(function.calls, key=lambda call: call.line)
            links[name] = [steps.of(call) for call in calls if not call.is_awaited]
    blocking_links = {
        name: [
            (callee, end if end is not None and end.is_blocking else None) for callee, end in steps
        ]
        for name, steps in links.items()
    }
    blocks = shortest_chains(blocking_links, links.__contains__)
    may_block = shortest_chains(links, links.__contains__)
    for name in facts:
        facts[name] = CallFacts(_chain(blocks.get(name)), _chain(may_block.get(name)))
    return facts


def _chain(found: tuple[tuple[str, ...], _End] | None) -> CallChain | None:
    if found is None:
        return None
    through, end = found
    return CallChain(through, end.call, end.written)


def chain_labels(chain: CallChain) -> tuple[str, ...]:
    """How a message names a chain: ``("fetch_forecast()", "requests.get()")``."""
    return (*(f"{name.rsplit('.', 1)[-1]}()" for name in chain.through), f"{chain.written}()")


def _functions(model: ProjectModel) -> Iterator[tuple[ModuleRef, Class | None, Function]]:
    for ref, summary in model.modules.items():
        for function in summary.functions:
            yield ref, None, function
        for class_ in summary.classes:
            for method in class_.methods:
                yield ref, class_, method


def _runs_when_called(model: ProjectModel, ref: ModuleRef, function: Function) -> bool:
    """A plain sync function: calling it runs its body now."""
    if function.is_async or function.is_generator:
        return False
    return all(model.resolve(ref, d) in TRANSPARENT_DECORATORS for d in function.decorators)


@dataclass(frozen=True)
class _Steps:
    """Classifies the calls of one function (``ref``'s, a method of ``owner`` or not)."""

    model: ProjectModel
    ref: ModuleRef
    owner: Class | None
    function: Function
    table: BlockingTable
    known: dict[_StepKey, _Step]
    """Steps already classified, shared by every function of a run: apart from a call
    of the enclosing class's own method, a step depends only on the module, the callee,
    whether its head is a local name, and that local's annotation (a module calls the
    same names again and again)."""

    def of(self, call: Call) -> _Step:
        head, _, rest = call.callee.partition(".")
        if call.is_local_head:
            if not rest or "." in rest:
                return None, None  # a local callable, or deeper attributes: unknown
            own = self._own_method(head, rest)
            if own is not None:
                return own, None
        key = (self.ref, call.callee, call.is_local_head, call.receiver_annotation)
        step = self.known.get(key)
        if step is None:
            step = self.known[key] = self._classify(call, rest)
        return step

    def _classify(self, call: Call, method: str) -> _Step:
        if not call.is_local_head:
            qualified = self.model.resolve(self.ref, call.callee)
            return self._named(qualified, call.callee) if qualified is not None else (None, None)
        kind = None
        if call.receiver_annotation is not None:
            kind = _type_of(self.model, self.ref, call.receiver_annotation)
        return self._method(kind, method, call.callee)

    def _own_method(self, receiver: str, name: str) -> str | None:
        """``self.m``/``cls.m`` for a method ``m`` of the enclosing class."""
        params = self.function.params
        if self.owner is None or not params or params[0].name != receiver:
            return None
        if any(d.rsplit(".", 1)[-1] == "staticmethod" for d in self.function.decorators):
            return None
        if any(method.name == name for method in self.owner.methods):
            return f"{self.ref.name}.{self.owner.name}.{name}"
        return None

    def _named(self, qualified: str, written: str) -> _Step:
        name = canonical_member(qualified)
        if self.table.lookup(name) is not None:
            return None, _End(name, written, is_blocking=True)
        found = self.model.definition(qualified)
        if found is not None:
            if found.function is not None:
                return found.canonical, None
            if found.class_ is not None:
                return None, None  # a constructor
        owner, _, method = qualified.rpartition(".")
        kind = _global_kind(self.model, owner) if owner else None
        if kind is not None:
            return self._method(kind, method, written)
        if is_safe_name(name):
            return None, None
        return None, _End(name, written, is_blocking=False)

    def _method(self, kind: str | None, method: str, written: str) -> _Step:
        if kind is None:
            if method in BENIGN_METHODS:
                return None, None
            return None, _End(f"?.{method}", written, is_blocking=False)
        name = f"{canonical(kind)}.{method}"
        if self.table.lookup(name) is not None:
            return None, _End(name, written, is_blocking=True)
        found = self.model.function(name)
        if found is not None:
            return found.canonical, None
        if is_safe_name(name):
            return None, None
        return None, _End(name, written, is_blocking=False)


def _type_of(model: ProjectModel, ref: ModuleRef, written: str) -> str | None:
    """The type an annotation written in ``ref`` names, through ``Annotated`` aliases."""
    resolved = model.resolve(ref, written)
    for _ in range(4):
        if resolved is None:
            return None
        alias = model.annotated_alias(resolved)
        found = model.definition(resolved)
        if alias is None or found is None or alias.head is None:
            break
        resolved = model.resolve(found.module, alias.head)
    if resolved is None or resolved in UNTYPED:
        return None
    return canonical(resolved)


def _global_kind(model: ProjectModel, owner: str) -> str | None:
    """The type of a module-level value built by a known constructor
    (``client = httpx.Client()``)."""
    found = model.definition(owner)
    if found is None or found.assignment is None or found.assignment.call is None:
        return None
    callee = model.resolve(found.module, found.assignment.call)
    if callee is None:
        return None
    name = canonical(callee)
    if name in UNKNOWN_WITH_KEYWORD:
        return None  # `sessionmaker(class_=AsyncSession)`: the keywords are not kept
    result = RESULT_KINDS.get(name)
    if result is not None:
        return result
    return name if is_class_name(name) and not name.startswith("builtins.") else None
