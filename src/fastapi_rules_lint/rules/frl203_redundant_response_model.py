"""FRL203: ``response_model=X`` on a route whose return annotation is also ``X``."""

from __future__ import annotations

from collections.abc import Hashable

import libcst as cst

from fastapi_rules_lint.engine.diagnostics import Applicability, DiagnosticTag
from fastapi_rules_lint.rulebase.rule import Clean, Flagged, NodeFix, Requires, Rule
from fastapi_rules_lint.semantics.fastapi.apps import Route, argument
from fastapi_rules_lint.semantics.python.annotations import OPTIONAL, UNION, Qualifier
from fastapi_rules_lint.semantics.python.literals import string_literal
from fastapi_rules_lint.semantics.python.names import dotted_name

_HEAD = (
    "from fastapi import FastAPI\nfrom pydantic import BaseModel\n\napp = FastAPI()\n\n\n"
    "class Item(BaseModel):\n    name: str\n\n\n"
)
_NESTED = (
    "from __future__ import annotations\n\nfrom fastapi import FastAPI\n"
    "from pydantic import BaseModel\n\n\ndef build() -> FastAPI:\n"
    "    app = FastAPI()\n\n    class Local(BaseModel):\n        pass\n\n"
    '    @app.get("/", response_model=Local)\n'
    "    def read() -> Local:\n        return Local()\n\n    return app\n"
)
# Spellings of one type that FastAPI treats alike.
_SAME = {
    **{
        f"typing.{name}": f"builtins.{name.lower()}"
        for name in ("List", "Dict", "Set", "FrozenSet", "Tuple", "Type")
    },
    **{
        f"typing.{name}": f"collections.abc.{name}"
        for name in (
            "Sequence",
            "Mapping",
            "Iterable",
            "MutableMapping",
            "MutableSequence",
            "AbstractSet",
        )
    },
}
_NOT_COMPARABLE: Hashable = object()


def type_key(node: cst.BaseExpression, names: Qualifier) -> Hashable:
    """A hashable form of a type expression: two expressions with equal keys denote the
    same type (names resolved through imports, ``List``/``list``, ``Optional[X]``/
    ``X | None``/``Union[X, None]`` alike). Unfamiliar expressions are never equal."""
    if isinstance(node, cst.Name) and node.value == "None":
        return ("None",)
    if isinstance(node, (cst.Name, cst.Attribute)):
        qualified = names(node)
        if qualified:
            return ("name", frozenset(_SAME.get(name, name) for name in qualified))
        dotted = dotted_name(node)
        return ("local", dotted) if dotted is not None else _NOT_COMPARABLE
    if isinstance(node, cst.BinaryOperation) and isinstance(node.operator, cst.BitOr):
        return _union([node.left, node.right], names)
    if isinstance(node, cst.Subscript):
        elements = [element.slice for element in node.slice]
        if not all(isinstance(element, cst.Index) for element in elements):
            return _NOT_COMPARABLE
        values = [element.value for element in elements if isinstance(element, cst.Index)]
        head = names(node.value)
        if head and head <= OPTIONAL and len(values) == 1:
            return _union([values[0], cst.Name("None")], names)
        if head and head <= UNION:
            return _union(values, names)
        return ("generic", type_key(node.value, names), tuple(type_key(v, names) for v in values))
    if isinstance(node, (cst.SimpleString, cst.ConcatenatedString)):
        value = string_literal(node)
        if value is not None:
            try:
                return type_key(cst.parse_expression(value), names)
            except cst.ParserSyntaxError:
                return _NOT_COMPARABLE
        return _NOT_COMPARABLE
    if isinstance(node, (cst.Integer, cst.Ellipsis)):
        return ("literal", cst.Module([]).code_for_node(node))
    return _NOT_COMPARABLE


def _union(members: list[cst.BaseExpression], names: Qualifier) -> Hashable:
    keys: set[Hashable] = set()
    for member in members:
        key = type_key(member, names)
        if key is _NOT_COMPARABLE:
            return _NOT_COMPARABLE
        if isinstance(key, tuple) and key and key[0] == "union":
            keys |= key[1]
        else:
            keys.add(key)
    return ("union", frozenset(keys)) if len(keys) > 1 else next(iter(keys))


def _contains(key: Hashable, wanted: Hashable) -> bool:
    if key is wanted:
        return True
    return isinstance(key, (tuple, frozenset)) and any(_contains(part, wanted) for part in key)


class RedundantResponseModel(Rule):
    """## What it does
    Reports `response_model=X` on a route (decorator or `add_api_route`) whose handler
    is annotated `-> X`. The two are compared as types: names are resolved through
    imports, `List[X]` equals `list[X]`, `Optional[X]` equals `X | None`.

    ## Why is this bad?
    Since FastAPI 0.89 the return annotation is the response model. Saying it twice
    is noise, and the two drift apart when one is edited.

    ## Example
    ```python
    @app.get("/items/{item_id}", response_model=Item)
    async def read_item(item_id: int) -> Item: ...
    ```

    ## Use instead
    ```python
    @app.get("/items/{item_id}")
    async def read_item(item_id: int) -> Item: ...
    ```

    ## Fix safety
    Safe: FastAPI builds the same response model from the annotation, so the OpenAPI
    schema, response validation and filtering stay the same. No fix when the
    annotation is a string (or `from __future__ import annotations` is on) in a
    handler defined inside a function: FastAPI evaluates such annotations in the
    module's globals, where a local class is not found.
    """

    code = "FRL203"
    name = "redundant-response-model"
    message = "`response_model` repeats the return annotation of `{function}`"
    summary = "`response_model=` identical to the return annotation"
    requires = Requires.FASTAPI
    fix_availability = "sometimes"
    tags = frozenset({DiagnosticTag.UNNECESSARY})
    examples = (
        Clean(
            _HEAD + "class Public(BaseModel):\n    name: str\n\n\n"
            '@app.get("/", response_model=Public)\n'
            'def read() -> Item:\n    return Item(name="x")\n',
            note="the response model filters the annotated type: not redundant",
        ),
        Clean(
            _HEAD + '@app.get("/", response_model=None)\ndef read() -> None:\n    return None\n',
            note="`response_model=None` switches the model off",
        ),
        Clean(
            "from flask import Flask\n\napp = Flask(__name__)\n\n\n"
            '@app.get("/", response_model=dict)\ndef read() -> dict:\n    return {}\n',
            note="not FastAPI",
        ),
        Flagged(
            _HEAD + '@app.get("/", response_model=Item)\n'
            'def read() -> Item:\n    return Item(name="x")\n',
            at=("11:15-11:34",),
            fixed=_HEAD + '@app.get("/")\ndef read() -> Item:\n    return Item(name="x")\n',
        ),
        Flagged(
            "from typing import List, Optional\n\n"
            + _HEAD
            + '@app.get(\n    "/",\n    response_model=list[Item] | None,\n'
            "    status_code=200,\n)\n"
            "def read() -> Optional[List[Item]]:\n    return None\n",
            at=("15:5-15:37",),
            fixed="from typing import List, Optional\n\n"
            + _HEAD
            + '@app.get(\n    "/",\n    status_code=200,\n)\n'
            "def read() -> Optional[List[Item]]:\n    return None\n",
            note="`Optional[List[X]]` is `list[X] | None`",
        ),
        Flagged(
            _HEAD + "def read() -> Item:\n    return Item(name='x')\n\n\n"
            'app.add_api_route("/", read, response_model=Item)\n',
            at=("15:30-15:49",),
            fixed=_HEAD + "def read() -> Item:\n    return Item(name='x')\n\n\n"
            'app.add_api_route("/", read)\n',
        ),
        Flagged(
            _NESTED,
            at=("13:19-13:39",),
            fixed=_NESTED,
            note="a local model and string annotations: FastAPI could not resolve it alone",
        ),
    )

    def visit_FunctionDef(self, node: cst.FunctionDef) -> None:
        frame = self.context.function
        if frame is None or frame.node is not node or node.returns is None:
            return
        for route in frame.routes:
            if route.is_websocket:
                continue
            arg = argument(route.call, "response_model")
            if arg is None or not self._is_redundant(arg.value, node.returns.annotation):
                continue
            self.report(arg, fix=self._fix(route, arg, node), function=node.name.value)

    def _is_redundant(self, model: cst.BaseExpression, returns: cst.BaseExpression) -> bool:
        if isinstance(model, cst.Name) and model.value == "None":
            return False
        names = self.context.qualified_names
        key = type_key(model, names)
        return (
            key is not _NOT_COMPARABLE
            and not _contains(key, _NOT_COMPARABLE)
            and key == type_key(returns, names)
        )

    def _fix(self, route: Route, arg: cst.Arg, function: cst.FunctionDef) -> NodeFix | None:
        assert function.returns is not None
        stringified = isinstance(
            function.returns.annotation, (cst.SimpleString, cst.ConcatenatedString)
        ) or (self.context.table.bindings.get("annotations") == {"__future__.annotations"})
        if stringified and len(self.context.functions) > 1:
            return None
        args = list(route.call.args)
        index = next(i for i, candidate in enumerate(args) if candidate is arg)
        replacements: list[tuple[cst.CSTNode, cst.CSTNode | None]] = [(arg, None)]
        if index == len(args) - 1 and index > 0:
            # The last argument: the previous one takes over its comma (or lack of one).
            previous = args[index - 1]
            replacements.insert(0, (previous, previous.with_changes(comma=arg.comma)))
        return NodeFix(
            message="Remove `response_model`",
            applicability=Applicability.SAFE,
            replacements=tuple(replacements),
        )
