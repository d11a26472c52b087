"""What one module's lint needs to know of its project: a small, picklable slice.

The linter works on one module at a time (in a worker process, from a cache, in an
editor), so it does not carry the whole ``ProjectModel``: ``module_view`` answers, for
the names *written in that module*, what they are in the project. Every set holds
canonical names (see ``project.model``).

A view holds only what some rule reads: every linted file's view is pickled to a worker
and serialised into its cache key. (The full summaries of every project function a
module names, which no rule read, were 16 of a 2,000-module project's 30 MB of views,
and a second of CPU time to pickle and unpickle.)
"""

from __future__ import annotations

import bisect
from collections.abc import Callable, Collection, Iterable, Iterator, Mapping
from dataclasses import dataclass, field, replace
from typing import ClassVar, TypeVar

from fastapi_rules_lint.project.model import CallFacts, ProjectModel, RouterFacts
from fastapi_rules_lint.project.modules import ModuleRef
from fastapi_rules_lint.project.routes import RouteKey, ShadowedRoute
from fastapi_rules_lint.project.summarise import summarise
from fastapi_rules_lint.project.summary import Annotation, Function, Marker, ModuleSummary


@dataclass(frozen=True)
class ModuleView:
    """The project as seen from one module (an empty view knows nothing)."""

    module: ModuleRef | None = None
    names: Mapping[str, str] = field(default_factory=dict)
    """A dotted name as written in this module (``deps.get_db``, ``UserAPIRouter``) →
    its canonical name. Names that stay unknown are absent."""
    router_classes: frozenset[str] = frozenset()
    """Canonical names (among ``names``' values) that build an app or router."""
    routers: Mapping[str, RouterFacts] = field(default_factory=dict)
    """App/router instances among ``names``' values (and this module's own)."""
    dependencies: frozenset[str] = frozenset()
    """Canonical names of this module's functions, classes and methods used as
    dependencies anywhere in the project."""
    handled_exceptions: frozenset[str] = frozenset()
    """Canonical names of exception classes handled by an app of this module's part of
    the project (the modules connected to it by imports)."""
    aliases: Mapping[str, Annotation] = field(default_factory=dict)
    """``Annotated`` aliases among ``names``' values, and those their dependencies reach
    (see ``dependency_functions``); heads, marker callees and dependencies canonical."""
    dependency_functions: Mapping[str, Function] = field(default_factory=dict)
    """Project functions reachable as dependencies from ``names``' values: the targets of
    ``Depends(f)`` in aliases and in dependencies' own parameters, recursively (a class's
    ``__init__``/``__call__`` as ``Class.__init__``). Their parameters' annotations and
    markers are canonical, as seen from the defining module; other fields as written."""
    model_classes: frozenset[str] = frozenset()
    """Pydantic models (``BaseModel``/``BaseSettings``/``SQLModel`` subclasses defined in
    the project) among ``names``' values and this module's own classes."""
    settings_classes: frozenset[str] = frozenset()
    """``BaseSettings`` subclasses, likewise."""
    orm_classes: frozenset[str] = frozenset()
    """SQLAlchemy declarative classes and bases, likewise."""
    returns: Mapping[str, str] = field(default_factory=dict)
    """Project functions among ``names``' values (and this module's own) → the canonical
    name of their return annotation (``get_session`` → ``sqlalchemy.orm.Session``)."""
    local_dependency_names: frozenset[str] = frozenset()
    """Names this module passes to ``Depends``/``Security`` that are not module-level
    names: functions defined inside a function (a factory, a test) of this module."""
    provides: Mapping[str, str] = field(default_factory=dict)
    """Project functions among ``names``' values → the canonical type a dependency on
    them injects (``ProjectModel.provides``)."""
    instances: Mapping[str, str] = field(default_factory=dict)
    """Module-level ``X = f(...)`` among ``names``' values → canonical ``f``."""
    called_elsewhere: frozenset[str] = frozenset()
    """This module's functions that are called or awaited anywhere in the project."""
    call_facts: Mapping[str, CallFacts] = field(default_factory=dict)
    """Project functions among ``names``' values, and methods of project classes among
    them → what calling them may block on (``ProjectModel.call_facts``; absent: unknown)."""
    shadowed_routes: Mapping[RouteKey, ShadowedRoute] = field(default_factory=dict)
    """This module's route registrations (``routes.route_key``: owner, kind, path and
    endpoint as written) that an earlier registration of the same method and full path,
    made in another module, shadows on the same app (``ProjectModel.shadowed_routes``)."""
    is_known: bool = False
    """False for a module outside any project model (everything unknown)."""

    def canonical(self, dotted: str) -> str | None:
        """The canonical name of ``dotted`` as written in this module, when known."""
        found = self.names.get(dotted)
        if found is not None:
            return found
        head = dotted.rpartition(".")[0]
        while head:
            base = self.names.get(head)
            if base is not None:
                return f"{base}.{dotted[len(head) + 1 :]}"
            head = head.rpartition(".")[0]
        return None

    def own(self, name: str) -> str | None:
        """The canonical name of this module's own top-level ``name``."""
        return f"{self.module.name}.{name}" if self.module is not None else None


def module_view(model: ProjectModel, ref: ModuleRef) -> ModuleView:
    """The view of ``ref`` (a module of ``model``)."""
    summary = model.modules.get(ref)
    if summary is None:
        return ModuleView()
    names: dict[str, str] = {}
    for written in _written_names(summary):
        found = model.resolve(ref, written)
        if found is not None:
            names[written] = found
    for defined in summary.defined:
        names.setdefault(defined, model.canonical(f"{ref.name}.{defined}", ref))
    values = set(names.values())
    prefix = f"{ref.name}."
    own_dependencies = frozenset(_PrefixIndex.of(model.dependencies).under(prefix))
    # One `definition` per name for the aliases, functions and methods below.
    definitions = {
        name: definition for name in values if (definition := model.definition(name)) is not None
    }
    aliases = {
        canonical: _canonical_markers(model, alias, canonical)
        for canonical, definition in definitions.items()
        if definition.assignment is not None
        and (alias := definition.assignment.annotated) is not None
    }
    dependency_functions = _reachable_dependencies(
        model, [*aliases, *(values & model.dependencies)], aliases
    )
    functions = [name for name, definition in definitions.items() if definition.function]

    methods = [
        f"{name}.{method.name}"
        for name, definition in definitions.items()
        if definition.class_ is not None
        for method in definition.class_.methods
    ]

    def relevant(names_: set[str]) -> frozenset[str]:
        return frozenset(_PrefixIndex.of(names_).select(values, prefix))

    def sliced(found: Mapping[str, _T]) -> dict[str, _T]:
        return {name: found[name] for name in _PrefixIndex.of(found).select(values, prefix)}

    imported = {binding.bound for binding in summary.imports}
    own_called = frozenset(
        _PrefixIndex.of(model.called).under(prefix) + _PrefixIndex.of(model.awaited).under(prefix)
    )
    return ModuleView(
        module=ref,
        names=names,
        router_classes=frozenset(values & model.router_classes),
        routers=sliced(model.routers),
        dependencies=own_dependencies,
        handled_exceptions=frozenset(model.handled_in(ref)),
        aliases=aliases,
        dependency_functions=dependency_functions,
        model_classes=relevant(model.model_classes),
        settings_classes=relevant(model.settings_classes),
        orm_classes=relevant(model.orm_classes),
        returns=sliced(model.returns),
        provides=sliced(model.provides),
        instances={name: model.instances[name] for name in _in_order(model.instances, values)},
        local_dependency_names=frozenset(
            name
            for name in summary.dependency_references
            if "." not in name and name not in summary.defined and name not in imported
        ),
        called_elsewhere=own_called,
        call_facts={
            name: model.call_facts[name]
            for name in (*functions, *methods)
            if name in model.call_facts
        },
        shadowed_routes=model.shadowed_routes.get(ref, {}),
        is_known=True,
    )


_T = TypeVar("_T")


class _PrefixIndex:
    """The names of one project-wide collection (``model.routers``, ``model.returns``,
    ...), sorted, so that a module's view finds the names under its prefix by bisection
    instead of testing every name of the project (that was quadratic: on a 2,000-module
    project, 100 million ``startswith`` calls). Kept for the last few collections (a run
    cuts every view from one model); rebuilt when a collection's size changed."""

    _recent: ClassVar[dict[int, tuple[Collection[str], int, _PrefixIndex]]] = {}
    _KEEP: ClassVar[int] = 32

    def __init__(self, names: Collection[str]) -> None:
        self.position = {name: index for index, name in enumerate(names)}
        self.ordered = sorted(self.position)

    @classmethod
    def of(cls, names: Collection[str]) -> _PrefixIndex:
        found = cls._recent.get(id(names))
        if found is not None and found[0] is names and found[1] == len(names):
            return found[2]
        index = cls(names)
        if len(cls._recent) >= cls._KEEP:
            del cls._recent[next(iter(cls._recent))]
        cls._recent[id(names)] = (names, len(names), index)
        return index

    def under(self, prefix: str) -> list[str]:
        """The names that start with ``prefix`` (which ends with a dot)."""
        start = bisect.bisect_left(self.ordered, prefix)
        end = bisect.bisect_left(self.ordered, prefix[:-1] + chr(ord(prefix[-1]) + 1), start)
        return self.ordered[start:end]

    def select(self, values: Collection[str], prefix: str) -> list[str]:
        """The names in ``values`` or under ``prefix``, in the collection's order."""
        position = self.position
        chosen = {name for name in values if name in position}
        chosen.update(self.under(prefix))
        return sorted(chosen, key=position.__getitem__)


def _in_order(found: Collection[str], values: Collection[str]) -> list[str]:
    """The names of ``values`` in ``found``, in ``found``'s order."""
    position = _PrefixIndex.of(found).position
    return sorted((name for name in values if name in position), key=position.__getitem__)


def _written_names(summary: ModuleSummary) -> Iterator[str]:
    """Dotted names this module writes that rules may ask about."""
    yield from (binding.bound for binding in summary.imports)
    yield from summary.called
    yield from summary.awaited
    yield from summary.dependency_references
    yield from summary.exception_handlers
    for function in _all_functions(summary):
        yield from function.decorators
        for param in function.params:
            if param.annotation is not None and param.annotation.head is not None:
                yield param.annotation.head
            yield from _marker_names(param.annotation, param.default)
        if function.returns is not None and function.returns.head is not None:
            yield function.returns.head
    for class_ in summary.classes:
        yield from class_.bases
        yield from class_.decorators
    for assignment in summary.assignments:
        if assignment.call is not None:
            yield assignment.call
        if assignment.alias_of is not None:
            yield assignment.alias_of
        if assignment.annotated is not None:
            yield from _marker_names(assignment.annotated, None)


def _marker_names(annotation: Annotation | None, default: object) -> Iterator[str]:
    if annotation is not None:
        for marker in annotation.metadata:
            yield marker.callee
            if marker.dependency is not None:
                yield marker.dependency


def _all_functions(summary: ModuleSummary) -> Iterable[Function]:
    yield from summary.functions
    for class_ in summary.classes:
        yield from class_.methods


def _canonical_markers(model: ProjectModel, annotation: Annotation, canonical: str) -> Annotation:
    """``annotation`` with its markers' callees and dependencies made canonical, as seen
    from the module that defines the alias."""
    found = model.definition(canonical)
    if found is None:
        return annotation
    return _canonical_annotation(model, found.module, annotation)


def _canonical_annotation(
    model: ProjectModel, ref: ModuleRef, annotation: Annotation
) -> Annotation:
    """``annotation`` (written in ``ref``) with its head and markers made canonical."""
    markers = tuple(_canonical_marker(model, ref, marker) for marker in annotation.metadata)
    head = model.resolve(ref, annotation.head) if annotation.head is not None else None
    return Annotation(
        head or annotation.head, markers, annotation.is_annotated, annotation.opaque_metadata
    )


def _canonical_marker(model: ProjectModel, ref: ModuleRef, marker: Marker) -> Marker:
    dependency = marker.dependency
    return Marker(
        model.resolve(ref, marker.callee) or marker.callee,
        (model.resolve(ref, dependency) or dependency) if dependency is not None else None,
        marker.has_alias,
    )


def _reachable_dependencies(
    model: ProjectModel, start: Iterable[str], aliases: dict[str, Annotation]
) -> dict[str, Function]:
    """The dependency functions reachable from ``start`` (canonical aliases and
    dependencies), made canonical; adds the aliases met on the way to ``aliases``."""
    functions: dict[str, Function] = {}
    pending, seen = list(start), set[str]()
    while pending:
        name = pending.pop()
        if name in seen:
            continue
        seen.add(name)
        found = model.definition(name)
        if found is None:
            continue
        annotations: list[Annotation] = []
        if found.assignment is not None and found.assignment.annotated is not None:
            alias = _canonical_annotation(model, found.module, found.assignment.annotated)
            aliases.setdefault(name, alias)
            annotations.append(alias)
        elif found.function is not None:
            params = tuple(
                replace(
                    param,
                    annotation=_canonical_annotation(model, found.module, param.annotation)
                    if param.annotation is not None
                    else None,
                    default=_canonical_marker(model, found.module, param.default)
                    if param.default is not None
                    else None,
                )
                for param in found.function.params
            )
            functions[name] = replace(found.function, params=params)
            annotations.extend(p.annotation for p in params if p.annotation is not None)
            pending.extend(
                p.default.dependency for p in params if p.default and p.default.dependency
            )
        elif found.class_ is not None:
            pending.extend(
                f"{name}.{method.name}"
                for method in found.class_.methods
                if method.name in {"__init__", "__call__"}
            )
        for annotation in annotations:
            # The head: an alias of an alias, or the class a bare `Depends()` builds.
            if annotation.head is not None:
                pending.append(annotation.head)
            pending.extend(m.dependency for m in annotation.metadata if m.dependency is not None)
    return functions


def standalone_view(text: str, path: str = "<stdin>") -> ModuleView:
    """The view of a module linted on its own (no project: the API's ``lint_text``):
    a project of one module, so its own dependencies, aliases and handlers are known."""
    stem = path.replace("\\", "/").rsplit("/", 1)[-1].split(".", 1)[0]
    ref = ModuleRef(".", stem if stem.isidentifier() else "module")
    return module_view(ProjectModel.build({ref: summarise(text)}), ref)


def project_views(
    sources: Mapping[str, str], derive: Callable[[ProjectModel], object] | None = None
) -> dict[str, ModuleView]:
    """Views of an in-memory project: relative posix path → source text. Every folder
    is a package (``app/api/deps.py`` is ``app.api.deps``): for tests, rule examples
    that span modules, and tools that hold a project's texts. ``derive`` adds facts of
    higher layers to the model before the views are cut, as a run does
    (``semantics.asyncio.project_calls.with_call_facts``)."""
    refs: dict[str, ModuleRef] = {}
    for path in sources:
        parts = path.removesuffix(".pyi").removesuffix(".py").split("/")
        is_package = parts[-1] == "__init__"
        name = ".".join(parts[:-1] if is_package else parts)
        if name and all(part.isidentifier() for part in name.split(".")):
            refs[path] = ModuleRef(".", name, is_package)
    model = ProjectModel.build(
        {refs[path]: summarise(text) for path, text in sources.items() if path in refs}
    )
    if derive is not None:
        derive(model)
    return {
        path: module_view(model, refs[path]) if path in refs else standalone_view(text, path)
        for path, text in sources.items()
    }
