"""Handler parameters as FastAPI sees them: markers, aliases, path placeholders, and
which names a route's dependencies consume.

Builds on ``apps`` (routes, apps, arguments). Everything here is a pure function of nodes plus a
``Qualifier`` (``ModuleContext.qualified_names``), so any rule can ask:

- ``parameter_marker``: the FastAPI marker a call builds (``Query(...)`` → ``"Query"``);
- ``is_body_parameter``/``path_parameter_names``: whether FastAPI surely reads a
  handler parameter from the request body; the placeholders of the routes' paths;
- ``parameter_markers``/``effective_marker``: the ``Query()``/``Depends()``/... a
  parameter carries, as its default or in ``Annotated[...]`` metadata;
- ``annotated_parts``: ``Annotated[T, m1, m2]`` → ``(T, (m1, m2))``, top level only
  (FastAPI reads markers from the outermost ``Annotated`` only);
- ``alias_names``: the request names a marker reads (``alias=``, ``validation_alias=``);
- ``path_parameters``: the ``{name}``/``{name:converter}`` placeholders of a path, with
  their offsets, as Starlette compiles them;
- ``router_prefix``/``owner_dependencies``: what the app or router a route is
  registered on adds to it.

``dependency_graph`` follows dependencies through the module's own definitions.
"""

from __future__ import annotations

import re
from collections.abc import Iterable
from dataclasses import dataclass

import libcst as cst

from fastapi_rules_lint.semantics.fastapi.apps import (
    APP_CONSTRUCTORS,
    Route,
    argument,
    string_value,
)
from fastapi_rules_lint.semantics.python.annotations import (
    ANNOTATED,
    Qualifier,
    is_dict_type,
    unwrap_annotation,
)

# --- where a handler parameter comes from -----------------------------------------
PARAMETER_MARKER_NAMES = frozenset(
    {"Depends", "Security", "Query", "Header", "Cookie", "Path", "Form", "File", "Body"}
)
_MARKER_MODULES = ("fastapi", "fastapi.params", "fastapi.param_functions")
_PATH_PARAMETER = re.compile(r"{([A-Za-z_]\w*)(?::[^}]*)?}")


def parameter_marker(expression: cst.BaseExpression, names: Qualifier) -> str | None:
    """``"Query"`` for ``Query(...)`` (``fastapi``, ``fastapi.params``,
    ``fastapi.param_functions``): the FastAPI marker a call builds, else None."""
    if not isinstance(expression, cst.Call):
        return None
    for qualified in names(expression.func):
        marker = marker_kind(qualified)
        if marker is not None:
            return marker
    return None


def marker_kind(qualified: str) -> str | None:
    """``"Query"`` for ``fastapi.Query`` (or ``fastapi.params.Query``, ...): the FastAPI
    marker a qualified callee name builds, else None."""
    module, _, marker = qualified.rpartition(".")
    if module in _MARKER_MODULES and marker in PARAMETER_MARKER_NAMES:
        return marker
    return None


def path_parameter_names(routes: Iterable[Route]) -> frozenset[str]:
    """The ``{name}``/``{name:path}`` placeholders of the routes' literal paths."""
    return frozenset(
        name for route in routes if route.path for name in _PATH_PARAMETER.findall(route.path)
    )


def is_body_parameter(param: cst.Param, routes: Iterable[Route], names: Qualifier) -> bool:
    """True when FastAPI surely reads handler parameter ``param`` from the request body.

    Conservative: an explicit ``Body()`` (as default or ``Annotated`` metadata), or a
    dict-like annotation with no other marker on a parameter that is not in the path.
    Other unmarked types (models, lists) are body or query depending on what they
    are, which this does not decide: False. So is a default or ``Annotated`` metadata
    that may hide a marker (``Annotated[dict, CurrentUser]``, ``= deps[0]``).
    """
    if param.star in {"*", "**"} or param.annotation is None:
        return False
    _, metadata = unwrap_annotation(param.annotation.annotation, names)
    candidates = (*metadata, *((param.default,) if param.default is not None else ()))
    markers = {parameter_marker(candidate, names) for candidate in candidates} - {None}
    if markers:
        return markers == {"Body"}
    if param.name.value in path_parameter_names(routes):
        return False
    if not all(_is_inert(candidate, names) for candidate in candidates):
        return False
    return is_dict_type(param.annotation.annotation, names)


_INERT_MODULES = ("pydantic", "annotated_types", "typing", "typing_extensions", "dataclasses")


def _is_inert(node: cst.BaseExpression, names: Qualifier) -> bool:
    """A literal or a call into a library that cannot build a FastAPI marker."""
    if isinstance(node, cst.Call):
        return any(
            qualified.split(".", 1)[0] in _INERT_MODULES for qualified in names(node.func)
        )
    if isinstance(node, cst.Name):
        return node.value in {"None", "True", "False"}
    return isinstance(
        node,
        (
            cst.BaseNumber,
            cst.BaseString,
            cst.Ellipsis,
            cst.Dict,
            cst.List,
            cst.Tuple,
            cst.Set,
            cst.UnaryOperation,
        ),
    )


DEPENDENCY_KINDS = frozenset({"Depends", "Security"})
CONNECTION_TYPES = frozenset(
    f"{module}.{name}"
    for module in ("fastapi", "fastapi.requests", "starlette.requests", "starlette.websockets")
    for name in ("Request", "WebSocket", "HTTPConnection")
)
# Starlette's own placeholder syntax (starlette.routing.PARAM_REGEX): `{ x }` is no
# placeholder, and a name is ASCII only.
_PLACEHOLDER = re.compile(r"{([a-zA-Z_][a-zA-Z0-9_]*)(?::([a-zA-Z_][a-zA-Z0-9_]*))?}")


@dataclass(frozen=True)
class Marker:
    """A FastAPI parameter marker call on a handler parameter."""

    kind: str
    """``Query``, ``Path``, ``Body``, ``Header``, ``Cookie``, ``Form``, ``File``,
    ``Depends`` or ``Security``."""
    call: cst.Call
    is_default: bool
    """Written as the parameter's default (``q: str = Query()``), not in ``Annotated``."""

    @property
    def is_dependency(self) -> bool:
        """True for ``Depends``/``Security``."""
        return self.kind in DEPENDENCY_KINDS

    def dependency(self) -> cst.BaseExpression | None:
        """The callable a ``Depends``/``Security`` marker names (None for ``Depends()``,
        which means the annotated class, and for other markers)."""
        if not self.is_dependency:
            return None
        arg = argument(self.call, "dependency", 0)
        return arg.value if arg is not None else None

    def default_argument(self) -> cst.Arg | None:
        """The ``default`` argument of a parameter marker (positional or keyword);
        ``Depends``/``Security`` have none."""
        if self.is_dependency:
            return None
        return argument(self.call, "default", 0)


def annotated_parts(
    annotation: cst.BaseExpression, names: Qualifier
) -> tuple[cst.BaseExpression, tuple[cst.BaseExpression, ...]] | None:
    """``(T, metadata)`` when ``annotation`` is ``Annotated[T, ...]`` at top level."""
    if not isinstance(annotation, cst.Subscript) or names(annotation.value).isdisjoint(ANNOTATED):
        return None
    elements = [element.slice for element in annotation.slice]
    if len(elements) < 2 or not all(isinstance(element, cst.Index) for element in elements):
        return None
    values = [element.value for element in elements if isinstance(element, cst.Index)]
    return values[0], tuple(values[1:])


def parameter_markers(param: cst.Param, names: Qualifier) -> tuple[Marker, ...]:
    """The markers on ``param``: those in its ``Annotated`` metadata, then its default."""
    found: list[Marker] = []
    if param.annotation is not None:
        parts = annotated_parts(param.annotation.annotation, names)
        for item in parts[1] if parts is not None else ():
            kind = parameter_marker(item, names)
            if kind is not None and isinstance(item, cst.Call):
                found.append(Marker(kind, item, is_default=False))
    default = param.default
    if default is not None:
        kind = parameter_marker(default, names)
        if kind is not None and isinstance(default, cst.Call):
            found.append(Marker(kind, default, is_default=True))
    return tuple(found)


def effective_marker(param: cst.Param, names: Qualifier) -> Marker | None:
    """The marker FastAPI uses: the last one in ``Annotated``, else the default's."""
    markers = parameter_markers(param, names)
    in_annotation = [marker for marker in markers if not marker.is_default]
    if in_annotation:
        return in_annotation[-1]
    return markers[-1] if markers else None


def alias_names(call: cst.Call) -> frozenset[str]:
    """Request names a marker reads besides the parameter name: ``alias="x"``,
    ``validation_alias="x"`` and the strings of ``AliasChoices(...)``/``AliasPath(...)``
    (any call there counts: over-approximating only ever silences a report)."""
    found: set[str] = set()
    for keyword in ("alias", "validation_alias"):
        arg = argument(call, keyword)
        if arg is None:
            continue
        value = arg.value
        text = string_value(value)
        if text is not None:
            found.add(text)
        elif isinstance(value, cst.Call):
            found.update(s for a in value.args if (s := string_value(a.value)) is not None)
    return frozenset(found)


@dataclass(frozen=True)
class PathParameter:
    """One ``{name}`` or ``{name:converter}`` placeholder of a route path."""

    name: str
    converter: str | None
    start: int
    """Offset of ``{`` in the path string's value."""
    end: int


def path_parameters(path: str) -> tuple[PathParameter, ...]:
    """The placeholders of ``path`` as Starlette finds them."""
    return tuple(
        PathParameter(match.group(1), match.group(2), match.start(), match.end())
        for match in _PLACEHOLDER.finditer(path)
    )


def router_prefix(owner: str, apps: dict[str, cst.Call], names: Qualifier) -> str | None:
    """The literal ``prefix=`` of the ``APIRouter(...)`` bound to ``owner`` in the module."""
    call = apps.get(owner)
    if call is None or names(call.func).isdisjoint(APP_CONSTRUCTORS):
        return None
    prefix = argument(call, "prefix")
    return string_value(prefix.value) if prefix is not None else None


def owner_dependencies(route: Route, apps: dict[str, cst.Call]) -> list[cst.BaseExpression]:
    """The ``dependencies=[...]`` items of the route's decorator and of its app/router's
    constructor in this module."""
    found: list[cst.BaseExpression] = []
    calls = [route.call, *((apps[route.owner],) if route.owner in apps else ())]
    for call in calls:
        arg = argument(call, "dependencies")
        if arg is not None and isinstance(arg.value, (cst.List, cst.Tuple)):
            found.extend(element.value for element in arg.value.elements)
    return found
