"""Project facts, computed once per run from every module's summary.

Names are *canonical*: the dotted name of the definition a name finally refers to,
through imports, ``__init__`` re-exports and ``X = Y`` aliases (``from .deps import
get_db`` in ``app.api.routes.items`` → ``app.api.deps.get_db``). A name that leaves the
project (``fastapi.APIRouter``, ``requests.get``) stays as imported: its facts are not
ours to know, and rules stay silent on them unless a table (FastAPI's, the blocking
calls') knows them.

Modules are looked up in the importer's source root first, then in any other source
root where the name is unique (two top-level ``main.py`` in different folders are two
projects' ``main``: neither sees the other).
"""

from __future__ import annotations

import builtins
from collections.abc import Iterable, Iterator, Mapping
from dataclasses import dataclass, field

from fastapi_rules_lint.project.modules import ModuleRef, absolute_target
from fastapi_rules_lint.project.routes import (
    RouteKey,
    ShadowedRoute,
    constructor_prefix,
    shadowed_routes,
)
from fastapi_rules_lint.project.summary import (
    Annotation,
    Assignment,
    Class,
    Function,
    Marker,
    ModuleSummary,
)

ROUTER_CLASSES = frozenset(
    {
        "fastapi.FastAPI",
        "fastapi.applications.FastAPI",
        "fastapi.APIRouter",
        "fastapi.routing.APIRouter",
    }
)
"""Classes whose instances hold routes (FastAPI's own, before the project's subclasses)."""

PYDANTIC_MODELS = frozenset(
    {"pydantic.BaseModel", "pydantic.main.BaseModel", "sqlmodel.SQLModel", "sqlmodel.main.SQLModel"}
)
SETTINGS_CLASSES = frozenset(
    {
        "pydantic_settings.BaseSettings",
        "pydantic_settings.main.BaseSettings",
        "pydantic.BaseSettings",
    }
)
ORM_BASES = frozenset({"sqlalchemy.orm.DeclarativeBase", "sqlalchemy.orm.DeclarativeBaseNoMeta"})
ITERATOR_TYPES = frozenset(
    f"{module}.{name}"
    for module in ("typing", "typing_extensions", "collections.abc")
    for name in ("Iterator", "Generator", "Iterable", "AsyncIterator", "AsyncGenerator")
)
"""A generator dependency's return annotation: FastAPI injects the first argument."""
DECLARATIVE_BASE_FACTORIES = frozenset(
    {"sqlalchemy.orm.declarative_base", "sqlalchemy.ext.declarative.declarative_base"}
)

_MAX_HOPS = 16


@dataclass(frozen=True)
class Definition:
    """A project definition a canonical name points at."""

    module: ModuleRef
    name: str
    """Dotted within the module: ``get_db``, ``ItemsView.get``."""
    function: Function | None = None
    class_: Class | None = None
    assignment: Assignment | None = None

    @property
    def canonical(self) -> str:
        """The definition's canonical name."""
        return f"{self.module.name}.{self.name}"


@dataclass(frozen=True)
class Inclusion:
    """``parent.include_router(router, ...)`` somewhere in the project."""

    parent: str | None
    """The including app or router (canonical); None when it cannot be known."""
    response_codes: tuple[int, ...] | None
    include_in_schema: bool


@dataclass(frozen=True)
class RouterFacts:
    """What the project says about one app or router instance."""

    canonical: str
    is_hidden: bool = False
    """Out of the schema: ``include_in_schema=False`` or ``openapi_url=None`` on its
    constructor, or every inclusion of it is hidden (or into a hidden parent)."""
    declared_codes: tuple[int, ...] | None = ()
    """Status codes its constructor's ``responses=`` documents (None: unreadable)."""
    inherited_codes: tuple[int, ...] | None = ()
    """Status codes documented for its routes by its inclusions and its ancestors
    (None: some cannot be read, or an including router is unknown)."""
    inclusions: tuple[Inclusion, ...] = ()


@dataclass(frozen=True)
class CallChain:
    """How calling a project function reaches a call: through project functions
    (``through``, canonical, the called function first) to the call at the end."""

    through: tuple[str, ...]
    call: str
    """The qualified name of the call at the end (``requests.get``, ``builtins.open``,
    ``sqlalchemy.orm.Session.execute``); a method on a receiver of unknown type is
    ``?.method``."""
    written: str
    """That call as written in the last function of ``through`` (``requests.get``,
    ``open``, ``db.execute``)."""


@dataclass(frozen=True)
class CallFacts:
    """What calling a project function does on the caller's thread (both None: it is
    pure, or calling it runs nothing: an ``async def``, a generator)."""

    blocks: CallChain | None = None
    """The shortest chain to a call of the blocking table."""
    may_block: CallChain | None = None
    """The shortest chain to a call that may block (the table's, a third-party
    function, a method on a receiver of unknown type)."""


@dataclass
class ProjectModel:
    """Every module of the project and the facts rules ask of them."""

    modules: dict[ModuleRef, ModuleSummary] = field(default_factory=dict)
    _by_root: dict[str, dict[str, ModuleRef]] = field(default_factory=dict, repr=False)
    _by_name: dict[str, list[ModuleRef]] = field(default_factory=dict, repr=False)
    router_classes: set[str] = field(default_factory=lambda: set(ROUTER_CLASSES))
    """Canonical names that build an app or router when called (classes and factories)."""
    router_class_factories: set[str] = field(default_factory=set)
    """Functions returning a router class (``APIRouter = make_router_class()``)."""
    routers: dict[str, RouterFacts] = field(default_factory=dict)
    """Module-level app/router instances by canonical name."""
    dependencies: set[str] = field(default_factory=set)
    """Canonical names of functions and classes used as ``Depends``/``Security`` targets."""
    handled_exceptions: set[str] = field(default_factory=set)
    """Canonical names of exception classes some exception handler is registered for."""
    handlers_by_part: dict[ModuleRef, set[str]] = field(default_factory=dict)
    """Each module's part of the project (see ``handled_in``) → exceptions handled there."""
    model_classes: set[str] = field(default_factory=set)
    """Project classes that are Pydantic models (``BaseModel``, ``BaseSettings`` and
    ``SQLModel`` subclasses, through bases in any module)."""
    settings_classes: set[str] = field(default_factory=set)
    """Project classes that are ``pydantic_settings.BaseSettings`` subclasses."""
    orm_classes: set[str] = field(default_factory=set)
    """Project classes on a SQLAlchemy declarative base (``DeclarativeBase`` subclasses,
    classes built on a ``declarative_base()`` result) and those bases."""
    returns: dict[str, str] = field(default_factory=dict)
    """Project function (or method) → the canonical name of its return annotation."""
    provides: dict[str, str] = field(default_factory=dict)
    """Project function → the canonical type a dependency on it injects: its return
    annotation, or what it yields (``-> Iterator[Session]`` provides ``Session``)."""
    instances: dict[str, str] = field(default_factory=dict)
    """Module-level ``X = f(...)`` (canonical ``X``) → the canonical name of ``f``
    (``SessionLocal = sessionmaker(...)``)."""
    called: set[str] = field(default_factory=set)
    awaited: set[str] = field(default_factory=set)
    call_facts: dict[str, CallFacts] = field(default_factory=dict)
    """Project function (or method) → what calling it may block on. Filled by the
    semantics layer (``semantics.asyncio.project_calls.with_call_facts``), which owns
    the blocking table; empty (every function unknown) until then."""
    shadowed_routes: dict[ModuleRef, dict[RouteKey, ShadowedRoute]] = field(default_factory=dict)
    """Per module, its route registrations shadowed by an earlier registration of the
    same method and path made in another module (``project.routes``)."""
    has_unparsed_module: bool = False
    _parts: dict[ModuleRef, ModuleRef] = field(default_factory=dict, repr=False)
    _names: dict[ModuleRef, _ModuleNames] = field(default_factory=dict, repr=False)
    # Answers remembered: a model's modules never change once built (a project that
    # changes is a new model), and views and rules ask the same names again and again.
    _resolved: dict[ModuleRef, dict[str, str | None]] = field(default_factory=dict, repr=False)
    _definitions: dict[ModuleRef, dict[str, Definition]] = field(
        default_factory=dict, repr=False
    )
    _splits: dict[tuple[str, str | None], tuple[ModuleRef, str] | None] = field(
        default_factory=dict, repr=False, compare=False
    )
    """``_split``'s answers by name and source root (its only inputs besides the
    indexes): on a 2,000-module project it is asked 320,000 times, mostly the same."""

    @classmethod
    def build(cls, modules: Mapping[ModuleRef, ModuleSummary]) -> ProjectModel:
        """Index the modules and compute every project fact."""
        model = cls(modules=dict(modules))
        for ref in sorted(model.modules):
            model._names[ref] = _ModuleNames.of(model.modules[ref])
            model._by_root.setdefault(ref.root, {})[ref.name] = ref
            model._by_name.setdefault(ref.name, []).append(ref)
        model.has_unparsed_module = any(not s.is_parsed for s in model.modules.values())
        model._find_router_classes()
        model._find_class_families()
        model._connect()
        model._collect()
        model.shadowed_routes = shadowed_routes(model.modules, model.resolve, model._prefixes())
        return model

    def _prefixes(self) -> dict[str, str | None]:
        """Every module-level app and router instance → its constructor's ``prefix``
        (None when unknown: not a literal, or built by a factory function)."""
        prefixes: dict[str, str | None] = {}
        for ref, summary in self.modules.items():
            for assignment in summary.assignments:
                built = self.resolve(ref, assignment.call) if assignment.call else None
                if built in self.router_classes:
                    is_factory = self.function(built) is not None
                    prefixes[f"{ref.name}.{assignment.name}"] = (
                        None if is_factory else constructor_prefix(dict(assignment.keywords))
                    )
        return prefixes

    def _find_class_families(self) -> None:
        """Pydantic models, settings classes and ORM classes, through bases anywhere."""
        declarative_bases = {
            f"{ref.name}.{assignment.name}"
            for ref, summary in self.modules.items()
            for assignment in summary.assignments
            if assignment.call is not None
            and self.resolve(ref, assignment.call) in DECLARATIVE_BASE_FACTORIES
        }
        self.model_classes = self.subclasses_of(PYDANTIC_MODELS | SETTINGS_CLASSES)
        self.settings_classes = self.subclasses_of(SETTINGS_CLASSES)
        self.orm_classes = self.subclasses_of(ORM_BASES | declarative_bases) | declarative_bases
        for ref, summary in self.modules.items():
            for function, owner in _functions_with_owner(summary):
                name = f"{ref.name}.{owner}{function.name}"
                returns = function.returns
                head = returns.head if returns is not None else None
                found = self.resolve(ref, head) if head is not None else None
                if found is not None:
                    self.returns[name] = found
                    self.provides[name] = found
                elif returns is not None and returns.generic is not None and returns.args:
                    generic = self.resolve(ref, returns.generic)
                    yielded = returns.args[0]
                    if generic in ITERATOR_TYPES and yielded is not None:
                        provided = self.resolve(ref, yielded)
                        if provided is not None:
                            self.provides[name] = provided
            for assignment in summary.assignments:
                if assignment.call is not None:
                    callee = self.resolve(ref, assignment.call)
                    if callee is not None:
                        self.instances[f"{ref.name}.{assignment.name}"] = callee

    def subclasses_of(self, seeds: frozenset[str]) -> set[str]:
        """Project classes that (transitively, through bases anywhere) derive from one of
        ``seeds`` (canonical names), and aliases of them."""
        found: set[str] = set()
        known = set(seeds)
        changed = True
        while changed:
            changed = False
            for ref, summary in self.modules.items():
                for class_ in summary.classes:
                    name = f"{ref.name}.{class_.name}"
                    if name not in known and any(
                        self.resolve(ref, base) in known for base in class_.bases
                    ):
                        known.add(name)
                        found.add(name)
                        changed = True
                for assignment in summary.assignments:
                    name = f"{ref.name}.{assignment.name}"
                    alias = assignment.alias_of
                    if (
                        name not in known
                        and alias is not None
                        and self.resolve(ref, alias) in known
                    ):
                        known.add(name)
                        found.add(name)
                        changed = True
        return found

    def _connect(self) -> None:
        """Union the modules that import one another: an app's exception handlers serve
        the routers it (transitively) imports, not an unrelated app of the same tree."""
        parent = {ref: ref for ref in self.modules}

        def find(ref: ModuleRef) -> ModuleRef:
            while parent[ref] != ref:
                parent[ref] = parent[parent[ref]]
                ref = parent[ref]
            return ref

        for ref, summary in self.modules.items():
            for binding in summary.imports:
                absolute = absolute_target(ref, binding.target)
                if absolute is None:
                    continue
                other = self.module_named(absolute, ref)
                if other is None and not binding.is_module:
                    split = self._split(absolute, ref)  # `from pkg.mod import name`
                    other = split[0] if split is not None else None
                if other is not None:
                    parent[find(other)] = find(ref)
        self._parts = {ref: find(ref) for ref in self.modules}

    def handled_in(self, ref: ModuleRef) -> frozenset[str]:
        """Exception classes handled by the apps of ``ref``'s part of the project."""
        part = self._parts.get(ref)
        return frozenset(self.handlers_by_part.get(part, ())) if part is not None else frozenset()

    # --- resolution ----------------------------------------------------------------
    def module_named(self, name: str, near: ModuleRef | None) -> ModuleRef | None:
        """The module called ``name``, seen from ``near``'s source root."""
        if near is not None:
            found = self._by_root.get(near.root, {}).get(name)
            if found is not None:
                return found
        candidates = self._by_name.get(name, [])
        return candidates[0] if len(candidates) == 1 else None

    def qualify(self, module: ModuleRef, dotted: str) -> str | None:
        """The absolute name ``dotted`` (as written in ``module``) refers to, through the
        module's own imports and definitions; None when it cannot be known."""
        summary = self.modules.get(module)
        if summary is None:
            return None
        head, _, rest = dotted.partition(".")
        names = self._names[module]
        target = names.imports.get(head)
        if target is not None:
            base = absolute_target(module, target)
        elif head in names.defined:
            base = f"{module.name}.{head}"
        elif summary.star_imports:
            base = self._from_star(module, summary, head)
        else:
            base = f"builtins.{head}" if hasattr(builtins, head) else None
        if base is None:
            return None
        return f"{base}.{rest}" if rest else base

    def _from_star(self, module: ModuleRef, summary: ModuleSummary, head: str) -> str | None:
        for star in summary.star_imports:
            absolute = absolute_target(module, star)
            source = self.module_named(absolute, module) if absolute else None
            if source is not None and head in self._names[source].defined:
                return f"{absolute}.{head}"
        return None

    def canonical(self, qualified: str, near: ModuleRef | None = None) -> str:
        """Follow ``qualified`` through re-exports and aliases to its definition."""
        current = qualified
        for _ in range(_MAX_HOPS):
            step = self._step(current, near)
            if step is None or step[0] == current:
                return current
            current, near = step
        return current

    def _step(self, qualified: str, near: ModuleRef | None) -> tuple[str, ModuleRef] | None:
        """One hop: the name ``qualified`` is bound to in its module (import or alias)."""
        split = self._split(qualified, near)
        if split is None:
            return None
        ref, name = split
        head, _, rest = name.partition(".")
        summary = self.modules[ref]
        names = self._names[ref]
        target = names.imports.get(head)
        if target is not None and head not in names.defined:
            absolute = absolute_target(ref, target)
            if absolute is None:
                return None
            return (f"{absolute}.{rest}" if rest else absolute), ref
        for assignment in summary.assignments:
            if assignment.name == head and assignment.alias_of is not None:
                aliased = self.qualify(ref, assignment.alias_of)
                if aliased is not None:
                    return (f"{aliased}.{rest}" if rest else aliased), ref
        if head not in names.defined and summary.star_imports:
            starred = self._from_star(ref, summary, head)
            if starred is not None:
                return (f"{starred}.{rest}" if rest else starred), ref
        return None

    def _split(self, qualified: str, near: ModuleRef | None) -> tuple[ModuleRef, str] | None:
        """The longest module prefix of ``qualified`` in the project, and the rest."""
        key = (qualified, near.root if near is not None else None)
        if key in self._splits:
            return self._splits[key]
        found: tuple[ModuleRef, str] | None = None
        parts = qualified.split(".")
        for index in range(len(parts) - 1, 0, -1):
            ref = self.module_named(".".join(parts[:index]), near)
            if ref is not None:
                found = ref, ".".join(parts[index:])
                break
        self._splits[key] = found
        return found

    def definition(self, canonical: str, near: ModuleRef | None = None) -> Definition | None:
        """The project definition of a canonical name; None outside the project."""
        split = self._split(canonical, near)
        if split is None:
            return None
        ref, name = split
        found = self._definitions.get(ref)
        if found is None:
            found = self._definitions[ref] = _definitions_of(ref, self.modules[ref])
        return found.get(name)

    def resolve(self, module: ModuleRef, dotted: str) -> str | None:
        """``qualify`` then ``canonical``: what ``dotted`` in ``module`` finally is."""
        known = self._resolved.get(module)
        if known is None:
            known = self._resolved[module] = {}
        elif dotted in known:
            return known[dotted]
        qualified = self.qualify(module, dotted)
        found = self.canonical(qualified, module) if qualified is not None else None
        known[dotted] = found
        return found

    # --- facts ---------------------------------------------------------------------
    def _find_router_classes(self) -> None:
        """Grow ``router_classes`` to a fixed point: subclasses, factories, aliases."""
        changed = True
        while changed:
            changed = False
            for ref, summary in self.modules.items():
                for found in self._router_builders(ref, summary):
                    is_factory = found.startswith("@")
                    target = self.router_class_factories if is_factory else self.router_classes
                    name = found.removeprefix("@")
                    if name not in target:
                        target.add(name)
                        changed = True

    def _router_builders(self, ref: ModuleRef, summary: ModuleSummary) -> Iterator[str]:
        def builds(dotted: str | None) -> bool:
            if dotted is None:
                return False
            return self.resolve(ref, dotted) in self.router_classes

        def class_factory(dotted: str | None) -> bool:
            return dotted is not None and self.resolve(ref, dotted) in self.router_class_factories

        for class_ in summary.classes:
            if any(builds(base) for base in class_.bases):
                yield f"{ref.name}.{class_.name}"
        for function in summary.functions:
            name = f"{ref.name}.{function.name}"
            local = {c.name for c in function.local_classes if any(builds(b) for b in c.bases)}
            returned = [returns_head(function.returns), *function.returned_calls]
            if any(builds(callee) for callee in returned):
                yield name
            elif local and set(function.returned_names) & local:
                yield f"@{name}"
        for assignment in summary.assignments:
            name = f"{ref.name}.{assignment.name}"
            if class_factory(assignment.call) or builds(assignment.alias_of):
                yield name

    def _collect(self) -> None:
        inclusions: dict[str, list[Inclusion]] = {}
        for ref, summary in self.modules.items():
            resolve = self._resolver(ref)
            for assignment in summary.assignments:
                if assignment.call is not None and resolve(assignment.call) in self.router_classes:
                    keywords = dict(assignment.keywords)
                    canonical = f"{ref.name}.{assignment.name}"
                    self.routers[canonical] = RouterFacts(
                        canonical,
                        is_hidden=keywords.get("include_in_schema") == "False"
                        or keywords.get("openapi_url") == "None",
                        declared_codes=assignment.response_codes,
                    )
            for include in summary.includes:
                router = resolve(include.router)
                if router is not None:
                    parent = resolve(include.owner)
                    inclusions.setdefault(router, []).append(
                        Inclusion(parent, include.response_codes, include.include_in_schema)
                    )
                self.dependencies.update(_resolved(resolve, include.dependencies))
            self.dependencies.update(_resolved(resolve, summary.dependency_references))
            for alias in summary.assignments:
                if alias.annotated is not None:
                    self.dependencies.update(
                        _resolved(resolve, _marker_dependencies(alias.annotated.metadata))
                    )
            handled = set(_resolved(resolve, summary.exception_handlers))
            self.handled_exceptions.update(handled)
            if handled:
                self.handlers_by_part.setdefault(self._parts[ref], set()).update(handled)
            self.called.update(_resolved(resolve, summary.called))
            self.awaited.update(_resolved(resolve, summary.awaited))
        for canonical, found in inclusions.items():
            own = self.routers.get(canonical, RouterFacts(canonical))
            self.routers[canonical] = RouterFacts(
                canonical, own.is_hidden, own.declared_codes, inclusions=tuple(found)
            )
        self._propagate()

    def _propagate(self) -> None:
        """Hidden-ness and inherited responses flow down inclusion chains."""
        done: dict[str, RouterFacts] = {}

        def settle(canonical: str, seen: frozenset[str]) -> RouterFacts:
            if canonical in done:
                return done[canonical]
            facts = self.routers.get(canonical, RouterFacts(canonical))
            if canonical in seen:
                return facts
            hidden_everywhere = bool(facts.inclusions)
            inherited: set[int] | None = set()
            for inclusion in facts.inclusions:
                parent = (
                    settle(inclusion.parent, seen | {canonical})
                    if inclusion.parent is not None
                    else None
                )
                inherited = _union(
                    inherited,
                    inclusion.response_codes,
                    parent.declared_codes if parent is not None else None,
                    parent.inherited_codes if parent is not None else None,
                )
                is_visible = inclusion.include_in_schema and not (parent and parent.is_hidden)
                hidden_everywhere = hidden_everywhere and not is_visible
            settled = RouterFacts(
                canonical,
                facts.is_hidden or hidden_everywhere,
                facts.declared_codes,
                tuple(sorted(inherited)) if inherited is not None else None,
                facts.inclusions,
            )
            done[canonical] = settled
            return settled

        for canonical in list(self.routers):
            self.routers[canonical] = settle(canonical, frozenset())

    def _resolver(self, ref: ModuleRef) -> _Resolver:
        return _Resolver(self, ref)

    def annotated_alias(self, canonical: str) -> Annotation | None:
        """The ``Annotated[...]`` a project alias stands for (None: not a known alias)."""
        found = self.definition(canonical)
        if found is None or found.assignment is None:
            return None
        return found.assignment.annotated

    def function(self, canonical: str) -> Definition | None:
        """The project function (or method) a canonical name points at."""
        found = self.definition(canonical)
        return found if found is not None and found.function is not None else None


@dataclass(frozen=True)
class _Resolver:
    model: ProjectModel
    ref: ModuleRef

    def __call__(self, dotted: str | None) -> str | None:
        if dotted is None:
            return None
        return self.model.resolve(self.ref, dotted)


def _resolved(resolve: _Resolver, names: Iterable[str]) -> Iterator[str]:
    for name in names:
        found = resolve(name)
        if found is not None:
            yield found


def _functions_with_owner(summary: ModuleSummary) -> Iterator[tuple[Function, str]]:
    """Every function of a module with its owner prefix (``""`` or ``"Class."``)."""
    for function in summary.functions:
        yield function, ""
    for class_ in summary.classes:
        for method in class_.methods:
            yield method, f"{class_.name}."


def _union(found: set[int] | None, *more: tuple[int, ...] | None) -> set[int] | None:
    """Codes from several sources; None (unknown) as soon as one is unknown."""
    if found is None or any(codes is None for codes in more):
        return None
    for codes in more:
        found.update(codes or ())
    return found


def _marker_dependencies(markers: Iterable[Marker]) -> Iterator[str]:
    for marker in markers:
        if marker.dependency is not None:
            yield marker.dependency


def returns_head(returns: Annotation | None) -> str | None:
    """The head of a return annotation (``APIRouter`` for ``-> APIRouter``)."""
    return returns.head if returns is not None else None


@dataclass(frozen=True)
class _ModuleNames:
    """A module's bindings, indexed once: imports (the last binding of a name wins, as
    at run time) and names defined at module level."""

    imports: dict[str, str]
    defined: frozenset[str]

    @classmethod
    def of(cls, summary: ModuleSummary) -> _ModuleNames:
        return cls(
            {binding.bound: binding.target for binding in summary.imports},
            frozenset(summary.defined),
        )


def _definitions_of(ref: ModuleRef, summary: ModuleSummary) -> dict[str, Definition]:
    """Every name ``ProjectModel.definition`` can find in one module, with the same
    precedence as looking them up one by one: a function, else a class (whose methods
    are ``Class.method``: of the first class of that name), else an assignment; the
    first of each kind wins."""
    found: dict[str, Definition] = {}
    for assignment in reversed(summary.assignments):
        found[assignment.name] = Definition(ref, assignment.name, assignment=assignment)
    classes: dict[str, Class] = {}
    for class_ in summary.classes:
        classes.setdefault(class_.name, class_)
    for name, class_ in classes.items():
        found[name] = Definition(ref, name, class_=class_)
        for method in reversed(class_.methods):
            dotted = f"{name}.{method.name}"
            found[dotted] = Definition(ref, dotted, function=method)
    for function in reversed(summary.functions):
        found[function.name] = Definition(ref, function.name, function=function)
    return found
