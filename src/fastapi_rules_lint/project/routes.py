"""Routes across modules: full paths through prefixes and ``include_router`` chains,
and the registrations an earlier one, made in another module, shadows.

Each app, and each router included nowhere in the project, is a *root*. Its routes are
its own registrations and the routes of the routers it includes, in the order
Starlette tries them: a router's registrations and includes in line order within one
module. Registrations on one router from several modules have no known order (it is
the order the modules are imported in), so routes from different modules are compared
only when an ``include_router`` chain orders them.

Full paths are ``include prefix + router prefix + path`` at every level, as FastAPI
builds them; a prefix or path that is not a string literal makes that chain unknown,
and unknown routes are never compared.

What a route added to a router *after* the router was included does depends on the
FastAPI version: up to 0.1xx ``include_router`` copied the routes present at the
time (later ones are never served); newer versions include the router by reference
(later ones are served where the router was included). Such a late route, like one
registered or included under ``if``/``try``/``with``, may or may not be there: it is
never taken to shadow another route, though it may be reported as shadowed, which is
true either way (served after the first one, or not served at all).

Placeholders match whatever their names: ``/items/{id}`` and ``/items/{item_id}`` are
the same route to Starlette (``route_pattern``).
"""

from __future__ import annotations

import ast
import itertools
import re
from collections.abc import Callable, Iterator, Mapping
from dataclasses import dataclass

from fastapi_rules_lint.project.modules import ModuleRef
from fastapi_rules_lint.project.summary import Include, ModuleSummary, RouteRegistration

RouteKey = tuple[str, str, str, str]
"""A registration as a lint sees it: (owner, kind, path, endpoint), as written
(``("router", "get", "/{id}", "read_item")``; the endpoint ``""`` when unknown)."""

# Starlette matches `{id}` and `{item_id}` alike: only the converter matters.
_PLACEHOLDER = re.compile(r"{[A-Za-z_]\w*(?::(\w+))?}")


def route_pattern(path: str) -> str:
    """The path with placeholder names dropped (``/items/{id}`` → ``/items/{str}``)."""
    return _PLACEHOLDER.sub(lambda match: "{" + (match.group(1) or "str") + "}", path)


def route_key(owner: str, kind: str, path: str, endpoint: str | None) -> RouteKey:
    """The key of a registration in ``ModuleView.shadowed_routes``."""
    return owner, kind, path, endpoint or ""


@dataclass(frozen=True)
class ShadowedRoute:
    """A registration an earlier one, registered in another module, shadows."""

    method: str
    path: str
    """The full path both are served at (the shadowed one's spelling)."""
    root: str
    """The app (or router included nowhere) both reach, canonical."""
    line: int
    """The shadowed registration's line."""
    first_file: str
    """The file of the first registration (``app/routes/items.py``)."""
    first_line: int
    first_endpoint: str | None

    @property
    def description(self) -> str:
        """``GET /api/items/{id} first registered at app/routes/items.py:12``."""
        return f"{self.method} {self.path} first registered at {self.first_location}"

    @property
    def first_location(self) -> str:
        """``app/routes/items.py:12``."""
        return f"{self.first_file}:{self.first_line}"


def module_file(ref: ModuleRef) -> str:
    """The file a module is read from, relative to the project root (``.py`` assumed)."""
    stem = ref.name.replace(".", "/") + ("/__init__.py" if ref.is_package else ".py")
    return stem if ref.root in {"", "."} else f"{ref.root}/{stem}"


def constructor_prefix(keywords: Mapping[str, str]) -> str | None:
    """The ``prefix=`` of a router constructor's kept keywords (``Assignment.keywords``
    keep strings as their ``repr``): ``""`` when absent, None when not a literal."""
    written = keywords.get("prefix")
    if written is None:
        return ""
    try:
        value = ast.literal_eval(written)
    except (ValueError, SyntaxError, TypeError, MemoryError, RecursionError, OverflowError):
        return None
    return value if isinstance(value, str) else None


@dataclass(frozen=True)
class _Event:
    """A registration or an include on one router, where it is made."""

    module: ModuleRef
    line: int
    route: RouteRegistration | None = None
    include: Include | None = None
    child: str | None = None
    """The included router (canonical)."""


_Step = tuple[int, bool, int]
"""One level of a route's place: (node id, is the node ordered?, index in the node)."""


@dataclass(frozen=True)
class _Leaf:
    module: ModuleRef
    route: RouteRegistration
    method: str
    path: str
    place: tuple[_Step, ...]
    is_certain: bool
    """Served for sure (not conditional, not added after an inclusion)."""


def _precedes(first: tuple[_Step, ...], second: tuple[_Step, ...]) -> bool:
    for one, other in zip(first, second, strict=False):
        if one != other:
            return one[0] == other[0] and one[1] and one[2] < other[2]
    return False


class _Routes:
    def __init__(
        self,
        modules: Mapping[ModuleRef, ModuleSummary],
        resolve: Callable[[ModuleRef, str], str | None],
        prefixes: Mapping[str, str | None],
    ) -> None:
        self.prefixes = prefixes
        self.events: dict[str, dict[ModuleRef, list[_Event]]] = {}
        self.included: set[str] = set()
        self.ids = itertools.count()
        for ref in sorted(modules):
            summary = modules[ref]
            for route in summary.routes:
                owner = resolve(ref, route.owner)
                if owner is not None and owner in prefixes:
                    self._add(owner, _Event(ref, route.line, route=route))
            for include in summary.includes:
                child = resolve(ref, include.router)
                if child is None:
                    continue
                self.included.add(child)
                parent = resolve(ref, include.owner)
                if parent is not None and parent in prefixes:
                    self._add(parent, _Event(ref, include.line, include=include, child=child))
        for groups in self.events.values():
            for events in groups.values():
                events.sort(key=lambda event: event.line)

    def _add(self, router: str, event: _Event) -> None:
        self.events.setdefault(router, {}).setdefault(event.module, []).append(event)

    def roots(self) -> list[str]:
        return sorted(name for name in self.prefixes if name not in self.included)

    def leaves(
        self,
        router: str,
        prefix: str,
        cutoff: _Event | None,
        place: tuple[_Step, ...],
        is_certain: bool,
        seen: frozenset[str],
    ) -> Iterator[_Leaf]:
        own = self.prefixes.get(router)
        if own is None:
            return
        prefix += own
        groups = sorted(self.events.get(router, {}).items())
        set_id = next(self.ids)
        for group, (module, events) in enumerate(groups):
            seq_id = next(self.ids)
            base = (*place, (set_id, False, group)) if len(groups) > 1 else place
            for index, event in enumerate(events):
                is_late = (
                    cutoff is not None and module == cutoff.module and event.line > cutoff.line
                )
                here = (*base, (seq_id, True, index))
                yield from self._event(event, prefix, here, is_certain and not is_late, seen)

    def _event(
        self,
        event: _Event,
        prefix: str,
        place: tuple[_Step, ...],
        is_certain: bool,
        seen: frozenset[str],
    ) -> Iterator[_Leaf]:
        route, include, child = event.route, event.include, event.child
        if route is not None:
            if route.path is None or route.methods is None:
                return
            for method in route.methods:
                yield _Leaf(
                    event.module,
                    route,
                    method,
                    prefix + route.path,
                    place,
                    is_certain and not route.is_conditional,
                )
        elif include is not None and child is not None and child not in seen:
            if not include.is_prefix_known:
                return
            yield from self.leaves(
                child,
                prefix + (include.prefix or ""),
                event,
                place,
                is_certain and not include.is_conditional,
                seen | {child},
            )


def shadowed_routes(
    modules: Mapping[ModuleRef, ModuleSummary],
    resolve: Callable[[ModuleRef, str], str | None],
    prefixes: Mapping[str, str | None],
) -> dict[ModuleRef, dict[RouteKey, ShadowedRoute]]:
    """Per module, its registrations shadowed by an earlier one made in another module.

    ``resolve`` gives the canonical name of a name as written in a module;
    ``prefixes`` maps every app and router instance (canonical) to its constructor's
    ``prefix`` (``""`` for apps; None when unknown: its routes are never compared)."""
    routes = _Routes(modules, resolve, prefixes)
    found: dict[ModuleRef, dict[RouteKey, ShadowedRoute]] = {}
    for root in routes.roots():
        by_route: dict[tuple[str, str], list[_Leaf]] = {}
        for leaf in routes.leaves(root, "", None, (), True, frozenset({root})):
            by_route.setdefault((leaf.method, route_pattern(leaf.path)), []).append(leaf)
        for leaves in by_route.values():
            for second in leaves:
                firsts = [
                    first
                    for first in leaves
                    if first.is_certain
                    and first.module != second.module
                    and _precedes(first.place, second.place)
                ]
                route = second.route
                if not firsts or route.path is None:
                    continue
                first = min(firsts, key=lambda leaf: leaf.place)
                key = route_key(route.owner, route.kind, route.path, route.endpoint)
                found.setdefault(second.module, {}).setdefault(
                    key,
                    ShadowedRoute(
                        second.method,
                        second.path,
                        root,
                        route.line,
                        module_file(first.module),
                        first.route.line,
                        first.route.endpoint,
                    ),
                )
    return found
