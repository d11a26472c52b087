"""FRL204: a ``{name}`` in a route path that nothing in the handler receives."""

from __future__ import annotations

import keyword

import libcst as cst

from fastapi_rules_lint.engine.diagnostics import Applicability, ImportRequest
from fastapi_rules_lint.rulebase.edits import NameUse, name_use
from fastapi_rules_lint.rulebase.rule import Clean, Flagged, NodeFix, Requires, Rule
from fastapi_rules_lint.semantics.fastapi.apps import Route
from fastapi_rules_lint.semantics.fastapi.dependency_graph import DependencyGraph, local_constructor
from fastapi_rules_lint.semantics.fastapi.params import (
    PathParameter,
    owner_dependencies,
    parameter_marker,
    path_parameters,
    router_prefix,
)
from fastapi_rules_lint.semantics.python.annotations import builtin_is_visible
from fastapi_rules_lint.semantics.python.signatures import all_params, parameter_insertion

_HEAD = "from fastapi import Depends, FastAPI, Path\n\napp = FastAPI()\n\n\n"
# Examples that span modules: `app/routes.py` of a project with `app/deps.py`.
_ROUTES_HEAD = "from fastapi import APIRouter\n\n"
_DEPS_HEAD = "from typing import Annotated\n\nfrom fastapi import Depends, Path, Request\n\n\n"
# Starlette's converters and the type FastAPI must then validate the value as.
_CONVERTER_TYPES = {"int": "int", "float": "float", "uuid": "UUID", "path": "str", "str": "str"}


class UnknownPathParameter(Rule):
    """## What it does
    Reports a `{name}` placeholder (also `{name:converter}`) in a route's path, or in
    the `prefix=` of the `APIRouter(...)` it is registered on, that the handler does
    not receive: no parameter of that name (positional-only ones cannot be passed by
    FastAPI), no `alias=`/`validation_alias=` of that name in a `Path()` or other
    marker, and no dependency that takes it — dependency functions and classes
    (`__init__`, or `__call__` of an instance) are followed recursively, through
    parameters, `Annotated` metadata and `dependencies=[...]` of the decorator and the
    router, into other modules of the project too: an imported `Annotated` alias
    without a FastAPI marker is a plain type, one holding `Depends(f)` consumes what
    `f` consumes, and a dependency reading `request.path_params["name"]` consumes
    `name`. When a dependency is outside the project, reads `path_params` with a key
    that is not a literal (or in the module itself, at all), takes `**kwargs`, or an
    imported alias's marker has an `alias=`, the rule cannot know and is silent.

    ## Why is this bad?
    The URL segment is matched and then thrown away: usually a typo in the path or
    the parameter name, or a parameter that was renamed on one side only.

    ## Example
    ```python
    @app.get("/items/{item_id}")
    async def read_item(id: int): ...
    ```

    ## Use instead
    ```python
    @app.get("/items/{item_id}")
    async def read_item(item_id: int): ...
    ```

    ## Fix safety
    Unsafe: adds `name: str` (`int`/`float`/`UUID` for those converters) to the
    signature — as a plain parameter when that keeps it valid, else keyword-only —
    which changes how the function can be called directly. The OpenAPI schema then
    documents the path parameter (with its type), and FastAPI passes its value to the
    handler; the converter already constrained it, so no request that matched the
    route before is rejected now. No fix when the name is a
    Python keyword or already taken in the signature.
    """

    code = "FRL204"
    name = "unknown-path-parameter"
    message = "Path parameter `{name}`{origin} is not received by `{function}` or its dependencies"
    summary = "Path placeholder that no handler parameter or dependency receives"
    requires = Requires.FASTAPI
    fix_availability = "sometimes"
    examples = (
        Clean(
            _HEAD + '@app.get("/items/{item_id}/{file:path}")\n'
            "def read(item_id: int, file: str) -> str:\n    return file\n",
        ),
        Clean(
            "from typing import Annotated\n\n" + _HEAD + '@app.get("/items/{item-id}/{ref}")\n'
            'def read(ident: Annotated[int, Path(alias="ref")]) -> int:\n    return ident\n',
            note="an alias; `{item-id}` is no placeholder for Starlette",
        ),
        Clean(
            _HEAD + "class ItemChecker:\n    def __call__(self, item_id: int) -> int:\n"
            "        return item_id\n\n\ncheck_item = ItemChecker()\n\n\n"
            '@app.get("/items/{item_id}", dependencies=[Depends(check_item)])\n'
            "def read() -> None:\n    return None\n",
            note="consumed by a callable class instance used as a dependency",
        ),
        Clean(
            _HEAD + "from .deps import load_item\n\n\n"
            '@app.get("/items/{item_id}")\ndef read(item: dict = Depends(load_item)) -> dict:\n'
            "    return item\n",
            note="linted on its own: a dependency defined elsewhere may take it",
        ),
        Clean(
            _ROUTES_HEAD + "from app.deps import OrgId\n\nrouter = APIRouter()\n\n\n"
            '@router.get("/orgs/{org_id}/items")\ndef list_items(org: OrgId) -> int:\n'
            "    return org\n",
            path="app/routes.py",
            files={
                "app/deps.py": _DEPS_HEAD + "def get_org_id(request: Request) -> int:\n"
                '    return int(request.path_params["org_id"])\n\n\n'
                "OrgId = Annotated[int, Depends(get_org_id)]\n",
            },
            note="an imported alias's dependency reads `org_id` from `path_params`",
        ),
        Clean(
            _ROUTES_HEAD + "from .deps import CurrentItem\n\nrouter = APIRouter()\n\n\n"
            '@router.get("/items/{item_id}")\ndef read(item: CurrentItem) -> str:\n'
            "    return item\n",
            path="app/routes.py",
            files={
                "app/db.py": "def load_item(item_id: int) -> str:\n    return str(item_id)\n",
                "app/deps.py": _DEPS_HEAD + "from app.db import load_item\n\n"
                "CurrentItem = Annotated[str, Depends(load_item)]\n",
            },
            note="`Annotated[..., Depends(f)]` imported from another module, `f` from a third",
        ),
        Flagged(
            _HEAD + '@app.get("/items/{item_id}/{version:int}")\ndef read(q: str = "") -> str:\n'
            "    return q\n",
            at=("6:10-6:42", "6:10-6:42"),
            fixed=_HEAD + '@app.get("/items/{item_id}/{version:int}")\n'
            'def read(q: str = "", *, item_id: str, version: int) -> str:\n    return q\n',
            unsafe=True,
            note="after a default: keyword-only; the `int` converter gives `int`",
        ),
        Flagged(
            'from fastapi import APIRouter\n\nrouter = APIRouter(prefix="/users/{user_id}")\n\n\n'
            '@router.get("/posts/{post_id}")\ndef read(post_id: int) -> int:\n    return post_id\n',
            at=("6:13-6:31",),
            fixed="from fastapi import APIRouter\n\n"
            'router = APIRouter(prefix="/users/{user_id}")\n\n\n'
            '@router.get("/posts/{post_id}")\ndef read(post_id: int, user_id: str) -> int:\n'
            "    return post_id\n",
            unsafe=True,
            note="from the router's prefix",
        ),
        Flagged(
            _HEAD + "def get_item(item_id: int) -> int:\n    return item_id\n\n\n"
            '@app.get("/items/{item_id}/{other}")\n'
            "def read(item: int = Depends(get_item)) -> int:\n"
            "    return item\n",
            at=("10:10-10:36",),
            note="a dependency of the module takes `item_id`, nothing takes `other`",
        ),
        Flagged(
            _ROUTES_HEAD + "from .deps import ItemId\n\nrouter = APIRouter()\n\n\n"
            '@router.get("/items/{item_id}")\ndef read(itemid: ItemId) -> int:\n'
            "    return itemid\n",
            at=("8:13-8:31",),
            fixed=_ROUTES_HEAD + "from .deps import ItemId\n\nrouter = APIRouter()\n\n\n"
            '@router.get("/items/{item_id}")\ndef read(itemid: ItemId, item_id: str) -> int:\n'
            "    return itemid\n",
            unsafe=True,
            path="app/routes.py",
            files={"app/deps.py": _DEPS_HEAD + "ItemId = Annotated[int, Path(gt=0)]\n"},
            note="the imported alias holds no dependency: `itemid` is a typo",
        ),
    )

    def setup(self) -> None:
        self._graph: DependencyGraph | None = None

    def visit_FunctionDef(self, node: cst.FunctionDef) -> None:
        frame = self.context.function
        if frame is None or frame.node is not node:
            return
        for route in frame.routes:
            self._check(route, node)

    def _check(self, route: Route, function: cst.FunctionDef) -> None:
        if route.path is None or route.path_node is None:
            return
        names = self.context.qualified_names
        placeholders = [(p, "") for p in path_parameters(route.path)]
        apps = self._apps(route.owner)
        prefix = router_prefix(route.owner, apps, names)
        if prefix is not None:
            placeholders += [(p, " of the router prefix") for p in path_parameters(prefix)]
        direct = {p.name.value for p in [*function.params.params, *function.params.kwonly_params]}
        missing = [(p, origin) for p, origin in placeholders if p.name not in direct]
        if not missing:
            return
        consumed = self._consumed(route, function, apps)
        if consumed is None:
            return
        reported: set[str] = set()
        for placeholder, origin in missing:
            if placeholder.name in consumed or placeholder.name in reported:
                continue
            reported.add(placeholder.name)
            self.report(
                route.path_node,
                fix=self._fix(function, placeholder),
                name=placeholder.name,
                origin=origin,
                function=function.name.value,
            )

    def _apps(self, owner: str) -> dict[str, cst.Call]:
        """The module's apps, plus ``owner``'s constructor when it is built in an
        enclosing function (``router = APIRouter(...)`` in a factory or a test)."""
        apps = self.context.fastapi.apps
        if owner in apps:
            return apps
        for frame in reversed(self.context.functions[:-1]):
            if isinstance(frame.node, cst.FunctionDef) and owner in frame.local_apps:
                call = local_constructor(frame.node, owner)
                if call is not None:
                    return {**apps, owner: call}
        return apps

    def _consumed(
        self, route: Route, function: cst.FunctionDef, apps: dict[str, cst.Call]
    ) -> frozenset[str] | None:
        """Every request name the handler and its dependencies take; None if unknown."""
        if self._graph is None:
            self._graph = DependencyGraph(
                self.context.module,
                self.context.table,
                self.context.qualified_names,
                self.context.fastapi.view,
            )
        graph, module = self._graph, self.context.module
        consumed = graph.consumed_names(function.params, function.body, module)
        if consumed is None:
            return None
        for item in owner_dependencies(route, apps):
            if not isinstance(item, cst.Call) or parameter_marker(item, graph.names) not in {
                "Depends",
                "Security",
            }:
                return None
            first = item.args[0] if item.args and item.args[0].keyword is None else None
            nested = graph.callable_names(first.value if first else None, module, frozenset())
            if nested is None:
                return None
            consumed |= nested
        return consumed

    # --- the fix -------------------------------------------------------------------
    def _fix(self, function: cst.FunctionDef, placeholder: PathParameter) -> NodeFix | None:
        name = placeholder.name
        if keyword.iskeyword(name) or name == "__debug__":
            return None
        if any(param.name.value == name for param in all_params(function.params)):
            return None  # positional-only or `*args` of that name: a human decides
        type_name = _CONVERTER_TYPES.get(placeholder.converter or "str")
        if type_name is None:
            return None
        imports: tuple[ImportRequest, ...] = ()
        if type_name == "UUID":
            use = name_use(self.context, "UUID", frozenset({"uuid.UUID"}), in_decorator=True)
            if use is NameUse.TAKEN:
                return None
            imports = (ImportRequest("uuid", "UUID"),) if use is NameUse.FREE else ()
        elif not builtin_is_visible(self.context, type_name, function):
            return None
        top_level = len(self.context.functions) == 1 and not self.context.classes
        newline = self.context.module.default_newline if top_level else None
        insertion = parameter_insertion(function.params, f"{name}: {type_name}", newline=newline)
        if insertion is None:
            return None
        return NodeFix(
            message=f"Add `{name}: {type_name}` to the signature",
            applicability=Applicability.UNSAFE,
            replacements=(),
            imports=imports,
            text_insertions=(insertion,),
        )
