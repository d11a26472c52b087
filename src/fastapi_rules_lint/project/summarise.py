"""Make a ``ModuleSummary`` from a module's text with CPython's ``ast`` (see ``summary``)."""

from __future__ import annotations

import ast
import re
import warnings
from collections.abc import Iterable, Iterator
from typing import cast

from fastapi_rules_lint.project.ast_blocks import blocks
from fastapi_rules_lint.project.route_summary import route_registrations
from fastapi_rules_lint.project.summary import (
    Annotation,
    Assignment,
    Call,
    Class,
    Function,
    Import,
    Include,
    Marker,
    ModuleSummary,
    Param,
)

_DEPENDENCY_CALLS = frozenset({"Depends", "Security"})
_ROUTE_METHODS = frozenset(
    {"get", "post", "put", "patch", "delete", "options", "head", "trace", "api_route", "websocket"}
)
_CONNECTION_TYPES = frozenset({"Request", "HTTPConnection", "WebSocket"})
_HANDLER_REGISTRATIONS = frozenset({"exception_handler", "add_exception_handler"})
_KEYWORDS_KEPT = frozenset(
    {"prefix", "responses", "include_in_schema", "openapi_url", "dependencies", "lifespan"}
)


def dotted(node: ast.expr | None) -> str | None:
    """``a.b.c`` for a Name/Attribute chain; calls and subscripts reduce to their head."""
    parts: list[str] = []
    current = node
    while True:
        if isinstance(current, ast.Attribute):
            parts.append(current.attr)
            current = current.value
        elif isinstance(current, (ast.Call, ast.Subscript)) and not parts:
            current = current.func if isinstance(current, ast.Call) else current.value
        elif isinstance(current, ast.Name):
            parts.append(current.id)
            return ".".join(reversed(parts))
        else:
            return None


def _last(name: str) -> str:
    return name.rsplit(".", 1)[-1]


def _marker(call: ast.Call) -> Marker | None:
    callee = dotted(call.func)
    if callee is None:
        return None
    dependency: str | None = None
    if _last(callee) in _DEPENDENCY_CALLS:
        target = call.args[0] if call.args else None
        for keyword in call.keywords:
            if keyword.arg == "dependency":
                target = keyword.value
        if isinstance(target, ast.Call):
            target = target.func  # `Depends(Checker(...))`: an instance of the class
        if isinstance(target, (ast.Name, ast.Attribute)):
            dependency = dotted(target)
    has_alias = any(k.arg in {"alias", "validation_alias"} for k in call.keywords)
    return Marker(callee, dependency, has_alias)


def annotation(node: ast.expr | None) -> Annotation | None:
    """The annotation's head and, for ``Annotated[T, ...]``, its metadata calls."""
    if node is None:
        return None
    if isinstance(node, ast.Constant) and isinstance(node.value, str):
        try:
            node = ast.parse(node.value, mode="eval").body
        except (SyntaxError, ValueError, RecursionError, MemoryError):
            return Annotation(None)
    if isinstance(node, ast.Subscript) and _last(dotted(node.value) or "") == "Annotated":
        elements = node.slice.elts if isinstance(node.slice, ast.Tuple) else [node.slice]
        if not elements:
            return Annotation(None, is_annotated=True)
        inner = annotation(elements[0])
        markers: list[Marker] = []
        opaque = False
        for element in elements[1:]:
            if isinstance(element, ast.Call) and (marker := _marker(element)) is not None:
                markers.append(marker)
            elif isinstance(element, (ast.Name, ast.Attribute)):
                opaque = True
        head = inner.head if inner is not None else None
        return Annotation(head, tuple(markers), is_annotated=True, opaque_metadata=opaque)
    if isinstance(node, (ast.Name, ast.Attribute)):
        return Annotation(dotted(node))
    if isinstance(node, ast.Subscript):
        elements = node.slice.elts if isinstance(node.slice, ast.Tuple) else [node.slice]
        args = tuple(
            dotted(element) if isinstance(element, (ast.Name, ast.Attribute)) else None
            for element in elements
        )
        return Annotation(None, generic=dotted(node.value), args=args)
    return Annotation(None)


class _Body:
    """Facts gathered from one function body (nested functions and classes excluded)."""

    def __init__(self, params: dict[str, str | None]) -> None:
        self.params = params
        self.locals: set[str] = set(params)
        self.calls: list[Call] = []
        self.awaits = False
        self.yields = False
        self.path_keys: list[str] = []
        self.any_path_key = False
        self.returned_calls: list[str] = []
        self.returned_names: list[str] = []
        self.classes: list[Class] = []

    def walk(self, statements: Iterable[ast.stmt]) -> None:
        nodes: list[ast.AST] = []
        for statement in statements:
            _own_nodes(statement, nodes, self.locals)
        # Locals came first (``_own_nodes`` collects them): a name assigned anywhere in
        # the body is local everywhere in it.
        self.classes.extend(_class(s) for s in statements if isinstance(s, ast.ClassDef))
        awaited: set[int] = set()
        for node in nodes:
            self._node(node, awaited)

    def _node(self, node: ast.AST, awaited: set[int]) -> None:
        if isinstance(node, (ast.Await, ast.AsyncFor, ast.AsyncWith)):
            self.awaits = True
            if isinstance(node, ast.Await) and isinstance(node.value, ast.Call):
                awaited.add(id(node.value))
        elif isinstance(node, (ast.Yield, ast.YieldFrom)):
            self.yields = True
        elif isinstance(node, ast.Call):
            self._call(node, id(node) in awaited)
        elif isinstance(node, ast.Return):
            if isinstance(node.value, ast.Call) and (callee := dotted(node.value.func)):
                self.returned_calls.append(callee)
            elif isinstance(node.value, ast.Name):
                self.returned_names.append(node.value.id)
        elif isinstance(node, ast.Subscript) and _is_path_params(node.value):
            self._path_key(node.slice)

    def _call(self, node: ast.Call, is_awaited: bool) -> None:
        func = node.func
        if (
            isinstance(func, ast.Attribute)
            and func.attr == "get"
            and _is_path_params(func.value)
            and node.args
        ):
            self._path_key(node.args[0])
        if self._passes_connection(node):
            self.any_path_key = True  # a helper may read its path parameters: unknowable
        callee = dotted(func) if isinstance(func, (ast.Name, ast.Attribute)) else None
        if callee is None:
            return
        head = callee.split(".", 1)[0]
        self.calls.append(
            Call(
                callee,
                node.lineno,
                self.params.get(head) if "." in callee else None,
                head in self.locals,
                is_awaited,
            )
        )

    def _passes_connection(self, node: ast.Call) -> bool:
        """The call is handed a parameter annotated as the request or connection."""
        arguments = [*node.args, *(keyword.value for keyword in node.keywords)]
        return any(
            isinstance(argument, ast.Name)
            and _last(self.params.get(argument.id) or "") in _CONNECTION_TYPES
            for argument in arguments
        )

    def _path_key(self, key: ast.expr) -> None:
        if isinstance(key, ast.Constant) and isinstance(key.value, str):
            self.path_keys.append(key.value)
        else:
            self.any_path_key = True


def _is_path_params(node: ast.expr) -> bool:
    return isinstance(node, ast.Attribute) and node.attr == "path_params"


# Fields that never hold a node worth walking: identifiers, numbers, flags, and
# ``ctx`` (``Load``/``Store``, a leaf no question looks at; about a fifth of all nodes).
_SCALAR_FIELDS = frozenset(
    {"ctx", "id", "attr", "arg", "asname", "module", "level", "kind", "type_comment"}
    | {"conversion", "simple", "is_async"}
)
_CHILD_FIELDS: dict[type, tuple[str, ...]] = {}
"""Per class of what the walks pop, the fields that may hold child nodes: none for
non-nodes (``None`` defaults, a ``def``'s name) and constants. Filled as classes are met;
the walks below inline the lookup and the pushes, which are most of a summary's cost."""


def _child_fields(node: object) -> tuple[str, ...]:
    """The fields to walk for ``node`` (and remember them for its class)."""
    fields: tuple[str, ...] = ()
    if isinstance(node, ast.AST) and not isinstance(node, ast.Constant):
        fields = tuple(name for name in node._fields if name not in _SCALAR_FIELDS)
    _CHILD_FIELDS[node.__class__] = fields
    return fields


# What the walks below do with a node, by its exact class (``ast.parse`` makes no
# subclasses): one dictionary lookup per node instead of a chain of ``isinstance``
# tests, which were most of a walk's cost. Absent: only walked.
_FACT = 1
"""A function body's facts come from it (``_Body._node``)."""
_RETURN = 2
_NAME = 3
_DEF = 4
_CLASS = 5
_LAMBDA = 6
_OWN_KINDS: dict[type, int] = {
    **dict.fromkeys(
        (ast.Await, ast.AsyncFor, ast.AsyncWith, ast.Yield, ast.YieldFrom, ast.Call, ast.Subscript),
        _FACT,
    ),
    ast.Return: _RETURN,
    ast.Name: _NAME,
    ast.FunctionDef: _DEF,
    ast.AsyncFunctionDef: _DEF,
    ast.ClassDef: _CLASS,
    ast.Lambda: _LAMBDA,
}


_Function = ast.FunctionDef | ast.AsyncFunctionDef | ast.Lambda


def _own_nodes(statement: ast.stmt, found: list[ast.AST], stored: set[str]) -> None:
    """Append to ``found`` the nodes of ``statement`` that belong to this scope (not
    nested defs/classes/lambdas) and carry a fact, parents before their children, and
    add to ``stored`` every name it assigns.

    One exception, kept on purpose: a ``def`` that is itself a statement of the body is
    walked as part of it, since such a helper is usually called right there (prefect's
    ``propose_state_sync`` blocks through its own ``set_state_and_handle_waits``, which
    calls ``time.sleep``: treating the helper as a scope of its own loses that true
    FRL303 report, and no other report on the corpora changes). A ``def`` nested deeper
    (under ``if``, ``with``...) is a scope of its own. Recording nested helpers as
    functions of their own, with the outer function's calls to them, would be exact."""
    stack: list[object] = [statement]
    pop, push, push_all, child_fields = stack.pop, stack.append, stack.extend, _CHILD_FIELDS
    kinds = _OWN_KINDS
    while stack:
        node = pop()
        fields = child_fields.get(node.__class__)
        if fields is None:
            fields = _child_fields(node)
        kind = kinds.get(node.__class__)
        if kind is not None:
            # `kind` says what `node` is: the casts only tell the type checker.
            if kind >= _DEF:  # a scope
                if node is not statement:
                    # Decorators and defaults are evaluated in this scope.
                    if kind == _CLASS:
                        owner = cast(ast.ClassDef, node)
                        push_all(owner.decorator_list)
                        push_all(owner.bases)
                        push_all(owner.keywords)
                    else:
                        function = cast(_Function, node)
                        if kind != _LAMBDA:
                            push_all(cast(ast.FunctionDef, function).decorator_list)
                        push_all(function.args.defaults)
                        push_all(d for d in function.args.kw_defaults if d is not None)
                    continue
                if kind == _CLASS:
                    continue
            elif kind == _NAME:
                name = cast(ast.Name, node)
                if isinstance(name.ctx, ast.Store):
                    stored.add(name.id)
                continue  # a Name has no children to walk
            elif kind == _FACT or cast(ast.Return, node).value is not None:
                found.append(cast(ast.AST, node))
        for field in fields:
            value = getattr(node, field, None)
            if value.__class__ is list:
                push_all(value)
            elif value is not None:
                push(value)


def _decorator_names(decorators: Iterable[ast.expr]) -> tuple[tuple[str, ...], tuple[str, ...]]:
    names: list[str] = []
    calls: list[str] = []
    for decorator in decorators:
        name = dotted(decorator)
        if name is None:
            continue
        names.append(name)
        if isinstance(decorator, ast.Call) and decorator.args:
            argument = dotted(decorator.args[0])
            if argument is not None and isinstance(decorator.args[0], (ast.Name, ast.Attribute)):
                calls.append(f"{name}:{argument}")
    return tuple(names), tuple(calls)


def _params(arguments: ast.arguments) -> tuple[Param, ...]:
    positional = [*arguments.posonlyargs, *arguments.args]
    defaults: list[ast.expr | None] = [None] * (len(positional) - len(arguments.defaults))
    defaults.extend(arguments.defaults)
    pairs: list[tuple[ast.arg, ast.expr | None, bool]] = [
        (arg, default, False) for arg, default in zip(positional, defaults, strict=True)
    ]
    if arguments.vararg is not None:
        pairs.append((arguments.vararg, None, True))
    pairs.extend(
        (arg, default, False)
        for arg, default in zip(arguments.kwonlyargs, arguments.kw_defaults, strict=True)
    )
    if arguments.kwarg is not None:
        pairs.append((arguments.kwarg, None, True))
    return tuple(
        Param(
            arg.arg,
            annotation(arg.annotation),
            _marker(default) if isinstance(default, ast.Call) else None,
            is_variadic,
        )
        for arg, default, is_variadic in pairs
    )


def _function(node: ast.FunctionDef | ast.AsyncFunctionDef) -> Function:
    params = _params(node.args)
    body = _Body(
        {p.name: (p.annotation.head if p.annotation is not None else None) for p in params}
    )
    body.walk(node.body)
    decorators, decorator_calls = _decorator_names(node.decorator_list)
    return Function(
        name=node.name,
        line=node.lineno,
        is_async=isinstance(node, ast.AsyncFunctionDef),
        params=params,
        returns=annotation(node.returns),
        decorators=decorators,
        awaits=body.awaits,
        calls=tuple(body.calls),
        path_params_read=tuple(body.path_keys),
        reads_any_path_param=body.any_path_key,
        returned_calls=tuple(body.returned_calls),
        returned_names=tuple(body.returned_names),
        local_classes=tuple(body.classes),
        decorator_calls=decorator_calls,
        is_generator=body.yields,
    )


def _class(node: ast.ClassDef) -> Class:
    methods = tuple(
        _function(statement)
        for statement in node.body
        if isinstance(statement, (ast.FunctionDef, ast.AsyncFunctionDef))
    )
    bases = tuple(name for base in node.bases if (name := dotted(base)) is not None)
    decorators, decorator_calls = _decorator_names(node.decorator_list)
    return Class(node.name, node.lineno, bases, methods, decorators, decorator_calls)


_STATUS_NAME = re.compile(r"^(?:HTTP|WS)_(\d{3,4})_")


def response_codes(call: ast.Call) -> tuple[int, ...] | None:
    """The status codes of a call's ``responses={...}`` (``()`` without one); None when
    a key is not a literal code or a ``status.HTTP_*`` name, or the value not a dict."""
    value = next((k.value for k in call.keywords if k.arg == "responses"), None)
    if value is None:
        return ()
    if not isinstance(value, ast.Dict):
        return None
    codes: list[int] = []
    for key in value.keys:
        if isinstance(key, ast.Constant) and isinstance(key.value, (int, str)):
            text = str(key.value)
            if not text.isdigit():
                return None
            codes.append(int(text))
            continue
        name = dotted(key)
        match = _STATUS_NAME.match(name.rsplit(".", 1)[-1]) if name else None
        if match is None:
            return None
        codes.append(int(match.group(1)))
    return tuple(codes)


def _keyword_text(value: ast.expr) -> str:
    if isinstance(value, ast.Constant):
        return repr(value.value) if isinstance(value.value, str) else str(value.value)
    return type(value).__name__


class _Collector:
    def __init__(self) -> None:
        self.imports: list[Import] = []
        self.star_imports: list[str] = []
        self.defined: list[str] = []
        self.functions: list[Function] = []
        self.classes: list[Class] = []
        self.assignments: list[Assignment] = []
        self.includes: list[Include] = []
        self.depth = 0
        """How many module-level blocks (``if``, ``try``...) enclose the statement."""

    def statements(self, body: Iterable[ast.stmt]) -> None:
        for statement in body:
            self.statement(statement)

    def statement(self, node: ast.stmt) -> None:
        if isinstance(node, ast.Import):
            for alias in node.names:
                if alias.asname is not None:
                    self.imports.append(Import(alias.asname, alias.name, is_module=True))
                else:
                    top = alias.name.split(".", 1)[0]
                    self.imports.append(Import(top, top, is_module=True))
        elif isinstance(node, ast.ImportFrom):
            module = "." * node.level + (node.module or "")
            for alias in node.names:
                if alias.name == "*":
                    self.star_imports.append(module)
                    continue
                separator = "" if module.endswith(".") else "."
                target = f"{module}{separator}{alias.name}"
                self.imports.append(Import(alias.asname or alias.name, target))
        elif isinstance(node, (ast.FunctionDef, ast.AsyncFunctionDef)):
            self.defined.append(node.name)
            self.functions.append(_function(node))
        elif isinstance(node, ast.ClassDef):
            self.defined.append(node.name)
            self.classes.append(_class(node))
        elif isinstance(node, (ast.Assign, ast.AnnAssign)):
            self._assign(node)
        elif isinstance(node, ast.Expr) and isinstance(node.value, ast.Call):
            self._include(node.value)
        elif hasattr(ast, "TypeAlias") and isinstance(node, ast.TypeAlias):
            name = node.name.id
            self.defined.append(name)
            self.assignments.append(
                Assignment(name, node.lineno, annotated=annotation(node.value))
            )
        else:
            self.depth += 1
            for block in blocks(node):
                self.statements(block)
            self.depth -= 1

    def _assign(self, node: ast.Assign | ast.AnnAssign) -> None:
        targets = node.targets if isinstance(node, ast.Assign) else [node.target]
        value = node.value
        names = [
            name.id
            for target in targets
            # `ast.walk` of a lone name (the usual target) would find only itself.
            for name in ((target,) if isinstance(target, ast.Name) else ast.walk(target))
            if isinstance(name, ast.Name) and isinstance(name.ctx, ast.Store)
        ]
        if value is None:
            return
        self.defined.extend(names)
        if len(targets) != 1 or not isinstance(targets[0], ast.Name):
            return
        name = targets[0].id
        if isinstance(value, ast.Call):
            keywords = tuple(
                (k.arg, _keyword_text(k.value)) for k in value.keywords if k.arg in _KEYWORDS_KEPT
            )
            self.assignments.append(
                Assignment(
                    name,
                    node.lineno,
                    call=dotted(value.func),
                    keywords=keywords,
                    response_codes=response_codes(value),
                )
            )
        elif isinstance(value, (ast.Name, ast.Attribute)):
            self.assignments.append(Assignment(name, node.lineno, alias_of=dotted(value)))
        elif isinstance(value, (ast.Subscript, ast.Constant)):
            found = annotation(value)
            if found is not None and found.is_annotated:
                self.assignments.append(Assignment(name, node.lineno, annotated=found))

    def _include(self, call: ast.Call) -> None:
        func = call.func
        if not isinstance(func, ast.Attribute) or func.attr != "include_router":
            return
        owner = dotted(func.value)
        router_node = call.args[0] if call.args else None
        keywords = {k.arg: k.value for k in call.keywords if k.arg is not None}
        router_node = keywords.get("router", router_node)
        router = dotted(router_node) if router_node is not None else None
        if owner is None or router is None:
            return
        prefix = keywords.get("prefix")
        in_schema = keywords.get("include_in_schema")
        self.includes.append(
            Include(
                owner,
                router,
                call.lineno,
                prefix.value if isinstance(prefix, ast.Constant) and isinstance(prefix.value, str)
                else None,
                response_codes(call),
                not (isinstance(in_schema, ast.Constant) and in_schema.value is False),
                _dependency_list(keywords.get("dependencies")),
                is_prefix_known=(prefix is None or _is_string(prefix))
                and all(k.arg is not None for k in call.keywords),
                is_conditional=self.depth > 0,
            )
        )


def _is_string(node: ast.expr) -> bool:
    return isinstance(node, ast.Constant) and isinstance(node.value, str)


def _dependency_list(node: ast.expr | None) -> tuple[str, ...]:
    if not isinstance(node, (ast.List, ast.Tuple)):
        return ()
    found = []
    for element in node.elts:
        marker = _marker(element) if isinstance(element, ast.Call) else None
        if marker is not None and marker.dependency is not None:
            found.append(marker.dependency)
    return tuple(found)


_AWAIT = 7
_SCAN_KINDS: dict[type, int] = {
    ast.Call: _FACT,
    ast.Await: _AWAIT,
    ast.FunctionDef: _DEF,
    ast.AsyncFunctionDef: _DEF,
}


def _scan_module(tree: ast.Module) -> tuple[list[str], list[str], list[str], list[str], int]:
    """One walk of the whole tree for facts that may sit anywhere."""
    dependencies: list[str] = []
    handlers: list[str] = []
    called: set[str] = set()
    awaited: set[str] = set()
    route_decorators = 0
    stack: list[object] = [tree]
    pop, push, push_all, child_fields = stack.pop, stack.append, stack.extend, _CHILD_FIELDS
    kinds = _SCAN_KINDS  # see `_OWN_KINDS`
    while stack:
        node = pop()
        fields = child_fields.get(node.__class__)
        if fields is None:
            fields = _child_fields(node)
        for field in fields:
            value = getattr(node, field, None)
            if value.__class__ is list:
                push_all(value)
            elif value is not None:
                push(value)
        kind = kinds.get(node.__class__)
        if kind is None:
            continue
        if kind == _FACT:
            assert isinstance(node, ast.Call)
            callee = dotted(node.func) if isinstance(node.func, (ast.Name, ast.Attribute)) else None
            if callee is None:
                continue
            called.add(callee)
            last = _last(callee)
            if last in _DEPENDENCY_CALLS:
                marker = _marker(node)
                if marker is not None and marker.dependency is not None:
                    dependencies.append(marker.dependency)
            elif last in _HANDLER_REGISTRATIONS and node.args:
                name = dotted(node.args[0])
                if name is not None:
                    handlers.append(name)
            elif last == "FastAPI" or last == "Starlette":
                handlers.extend(_handler_mapping(node))
        elif kind == _AWAIT:
            assert isinstance(node, ast.Await)
            if isinstance(node.value, ast.Call):
                callee = dotted(node.value.func)
                if callee is not None:
                    awaited.add(callee)
        else:
            assert isinstance(node, (ast.FunctionDef, ast.AsyncFunctionDef))
            route_decorators += sum(1 for d in node.decorator_list if _is_route_decorator(d))
            dependencies.extend(_class_dependencies(node.args))
    return dependencies, handlers, sorted(called), sorted(awaited), route_decorators


def _is_route_decorator(decorator: ast.expr) -> bool:
    return (
        isinstance(decorator, ast.Call)
        and isinstance(decorator.func, ast.Attribute)
        and decorator.func.attr in _ROUTE_METHODS
    )


def _class_dependencies(arguments: ast.arguments) -> Iterator[str]:
    """``p: Pager = Depends()`` and ``p: Annotated[Pager, Depends()]`` depend on ``Pager``."""
    positional = [*arguments.posonlyargs, *arguments.args]
    defaults = dict(zip(reversed(positional), reversed(arguments.defaults), strict=False))
    defaults.update(
        (arg, default)
        for arg, default in zip(arguments.kwonlyargs, arguments.kw_defaults, strict=True)
        if default is not None
    )
    for arg in (*positional, *arguments.kwonlyargs):
        found = annotation(arg.annotation)
        if found is None or found.head is None:
            continue
        default = defaults.get(arg)
        markers = list(found.metadata)
        if isinstance(default, ast.Call) and (marker := _marker(default)) is not None:
            markers.append(marker)
        for marker in markers:
            is_dependency = _last(marker.callee) in _DEPENDENCY_CALLS
            if is_dependency and marker.dependency is None:
                yield found.head


def _handler_mapping(call: ast.Call) -> Iterator[str]:
    for keyword in call.keywords:
        if keyword.arg == "exception_handlers" and isinstance(keyword.value, ast.Dict):
            for key in keyword.value.keys:
                name = dotted(key)
                if name is not None:
                    yield name


def _decorator_handlers(functions: Iterable[Function]) -> Iterator[str]:
    for function in functions:
        for call in function.decorator_calls:
            callee, _, argument = call.partition(":")
            if _last(callee) == "exception_handler":
                yield argument


def summarise(text: str) -> ModuleSummary:
    """The summary of a module's source text."""
    try:
        with warnings.catch_warnings():
            warnings.simplefilter("ignore")  # invalid escapes etc. are not our business
            tree = ast.parse(text)
    except (SyntaxError, ValueError, RecursionError, MemoryError, OverflowError):
        return ModuleSummary(is_parsed=False)
    collector = _Collector()
    try:
        collector.statements(tree.body)
        dependencies, handlers, called, awaited, route_decorators = _scan_module(tree)
        routes = route_registrations(tree.body)
    except RecursionError:
        return ModuleSummary(is_parsed=False)
    handlers.extend(_decorator_handlers(collector.functions))
    return ModuleSummary(
        imports=tuple(collector.imports),
        star_imports=tuple(collector.star_imports),
        defined=tuple(dict.fromkeys(collector.defined)),
        functions=tuple(collector.functions),
        classes=tuple(collector.classes),
        assignments=tuple(collector.assignments),
        includes=tuple(collector.includes),
        dependency_references=tuple(dict.fromkeys(dependencies)),
        exception_handlers=tuple(dict.fromkeys(handlers)),
        called=tuple(called),
        awaited=tuple(awaited),
        route_decorators=route_decorators,
        routes=routes,
    )
