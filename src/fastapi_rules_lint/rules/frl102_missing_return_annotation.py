"""FRL102: a function without a return annotation."""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import dataclass, field

import libcst as cst

from fastapi_rules_lint.engine.diagnostics import Applicability
from fastapi_rules_lint.rulebase.rule import Clean, Flagged, NodeFix, Rule
from fastapi_rules_lint.semantics.fastapi.apps import argument
from fastapi_rules_lint.semantics.python.annotations import (
    OverloadTracker,
    builtin_is_visible,
    literal_type,
)

ABSTRACT = frozenset(
    {
        "abc.abstractmethod",
        "abc.abstractproperty",
        "abc.abstractclassmethod",
        "abc.abstractstaticmethod",
        "typing.overload",
        "typing_extensions.overload",
    }
)

_ROUTE = "from fastapi import FastAPI\n\napp = FastAPI()\n\n@app.get('/')\n"


@dataclass
class _Returns:
    """What the body of one unannotated function returns (its own statements only)."""

    values: list[cst.BaseExpression] = field(default_factory=list)
    is_bare: bool = False
    """A `return` or `return None` was seen."""
    is_generator: bool = False


class MissingReturnAnnotation(Rule):
    """## What it does
    Reports a `def` or `async def` without a return annotation: module functions,
    methods (`__init__` included) and nested functions alike, but not lambdas nor the
    implementation of an overloaded function (the `def` right after its `@overload`
    signatures, which the typing docs let go unannotated, as ruff does). Reported on
    the function's name.

    ## Why is this bad?
    An unannotated return is `Any` to a type checker, so every caller goes unchecked.
    On a FastAPI route handler the return annotation is also the response model:
    without it the response is neither validated, filtered nor documented.

    ## Example
    ```python
    def greeting(name: str):
        return f"Hello {name}"
    ```

    ## Use instead
    ```python
    def greeting(name: str) -> str:
        return f"Hello {name}"
    ```

    ## Fix safety
    `-> None` is a safe fix for a function whose own body (not its nested functions)
    has no `return <value>` and no `yield`. It is not offered where `None` is likely
    not the intended type: `@abstractmethod`/`@overload` functions; stubs, whose body
    (after a docstring) is only `...`; bodies ending in `raise` with no `return`
    (`raise NotImplementedError` placeholders, or `NoReturn`); and methods other than
    `__init__` whose body is only a docstring, `pass` or `...` — hooks and `Protocol`
    members that subclasses override with their own return type.

    An unsafe fix infers the type when every `return` returns a literal of the same
    builtin type (`str` — f-strings too —, `bytes`, `int`, `float`, `bool`) and the
    body cannot fall off its end (which would add `None`); for `async def` that is the
    awaited type. Unsafe because callers or subclasses may rely on a wider type.

    On a route handler the return annotation is the response model when the route
    sets no `response_model=`: an inferred `-> str` would change the published OpenAPI
    schema and add response validation, so no type is inferred there. It is inferred
    when every route of the handler sets `response_model=` (even `None`), which takes
    precedence over the annotation: schema and validation stay as they were. `-> None`
    stays a safe fix on routes: FastAPI treats `-> None` exactly like a missing
    annotation (no response model; checked with FastAPI 0.165: same OpenAPI schema,
    same responses). Handlers registered only from another module are not known as
    routes here.
    """

    code = "FRL102"
    name = "missing-return-annotation"
    message = "Function `{function}` has no return annotation"
    summary = "A function without a return annotation"
    fix_availability = "sometimes"
    examples = (
        Clean("def f() -> None:\n    pass\n"),
        Clean("handler = lambda: 1\n", note="lambdas are not checked"),
        Clean(
            "import typing\n\nclass A:\n    @typing.overload\n    def f(self, x: int) -> int: ...\n"
            "    @typing.overload\n    def f(self, x: str) -> str: ...\n"
            "    def f(self, x: int | str):\n        return x\n",
            note="an overload implementation",
        ),
        Flagged(
            "def f():\n    print('hi')\n",
            at=("1:5-1:6",),
            fixed="def f() -> None:\n    print('hi')\n",
        ),
        Flagged(
            "class A:\n    def __init__(self, x: int) :  # keep\n        self.x = x\n",
            at=("2:9-2:17",),
            fixed="class A:\n    def __init__(self, x: int) -> None :  # keep\n"
            "        self.x = x\n",
            note="`__init__`, odd spacing and a comment",
        ),
        Flagged(
            "def f(\n    x: int,\n):\n    def g():\n        return x\n    return\n",
            at=("1:5-1:6", "4:9-4:10"),
            fixed="def f(\n    x: int,\n) -> None:\n    def g():\n        return x\n    return\n",
            note="a nested function's `return x` is not the outer one's",
        ),
        Flagged(
            "def gen():\n    yield 1\n",
            at=("1:5-1:8",),
            note="generators get no fix",
        ),
        Flagged(
            "def stub(): ...\n\ndef todo():\n    '''Later.'''\n    raise NotImplementedError\n",
            at=("1:5-1:9", "3:5-3:9"),
            note="stubs get no fix",
        ),
        Flagged(
            "from abc import ABC, abstractmethod\n\n"
            "class Base(ABC):\n    @abstractmethod\n    def run(self):\n        pass\n",
            at=("5:9-5:12",),
            note="abstract methods get no fix",
        ),
        Flagged(
            "from typing import Protocol\n\n"
            "class Greeter(Protocol):\n    def greet(self):\n        '''Say hello.'''\n",
            at=("4:9-4:14",),
            note="protocol members get no fix",
        ),
        Flagged(
            "class Plugin:\n    def __init__(self):\n        pass\n\n"
            "    def on_start(self):\n        pass\n",
            at=("2:9-2:17", "5:9-5:17"),
            fixed="class Plugin:\n    def __init__(self) -> None:\n        pass\n\n"
            "    def on_start(self):\n        pass\n",
            note="an empty hook method gets no fix (overrides return their own type)",
        ),
        Flagged(
            "async def name(flag: bool):\n    if flag:\n        return 'a'\n"
            "    else:\n        return f'{flag}'\n",
            at=("1:11-1:15",),
            fixed="async def name(flag: bool) -> str:\n    if flag:\n        return 'a'\n"
            "    else:\n        return f'{flag}'\n",
            unsafe=True,
            note="inferred from literal returns; the awaited type for `async def`",
        ),
        Flagged(
            _ROUTE + "def hello():\n    return 'hi'\n\n"
            "@app.delete('/items', status_code=204)\ndef delete():\n    print('gone')\n",
            at=("6:5-6:10", "10:5-10:11"),
            fixed=_ROUTE + "def hello():\n    return 'hi'\n\n"
            "@app.delete('/items', status_code=204)\ndef delete() -> None:\n    print('gone')\n",
            note="a route: no inferred type (it would become the response model); "
            "`-> None` is the same as no annotation to FastAPI",
        ),
        Flagged(
            "from fastapi import FastAPI\n\napp = FastAPI()\n\n"
            "@app.get('/', response_model=None)\ndef hello():\n    return 'hi'\n",
            at=("6:5-6:10",),
            fixed="from fastapi import FastAPI\n\napp = FastAPI()\n\n"
            "@app.get('/', response_model=None)\ndef hello() -> str:\n    return 'hi'\n",
            unsafe=True,
            note="an explicit `response_model=` wins over the annotation",
        ),
        Flagged(
            "def count(flag: bool):\n    if flag:\n        return 1\n",
            at=("1:5-1:10",),
            note="may fall off the end (`int | None`): no fix",
        ),
        Flagged(
            "def mixed(flag: bool):\n    if flag:\n        return 1\n    return 'x'\n",
            at=("1:5-1:10",),
            note="different literal types: no fix",
        ),
    )

    def setup(self) -> None:
        self._returns: dict[int, _Returns] = {}
        self._overloads = OverloadTracker()

    def _current(self) -> _Returns | None:
        frame = self.context.function
        return self._returns.get(id(frame.node)) if frame is not None else None

    def visit_ClassDef(self, node: cst.ClassDef) -> None:
        self._overloads.saw_class()

    def visit_FunctionDef(self, node: cst.FunctionDef) -> None:
        if self._overloads.is_implementation(node, self.context):
            return
        if node.returns is None:
            self._returns[id(node)] = _Returns()

    def visit_Return(self, node: cst.Return) -> None:
        found = self._current()
        if found is None:
            return
        value = node.value
        if value is None or (isinstance(value, cst.Name) and value.value == "None"):
            found.is_bare = True
        else:
            found.values.append(value)

    def visit_Yield(self, node: cst.Yield) -> None:
        found = self._current()
        if found is not None:
            found.is_generator = True

    def leave_FunctionDef(self, original_node: cst.FunctionDef) -> None:
        found = self._returns.pop(id(original_node), None)
        if found is None:
            return
        fix = None if self._has_no_obvious_type(original_node) else self._fix(original_node, found)
        self.report(original_node.name, fix=fix, function=original_node.name.value)

    def _fix(self, node: cst.FunctionDef, found: _Returns) -> NodeFix | None:
        if found.is_generator:
            return None
        statements = _statements(node.body)
        if not found.values:
            if _ends_in_raise(statements):
                return None
            return _annotate(node, "None", Applicability.SAFE)
        if found.is_bare or not _always_exits(statements):
            return None
        types = {literal_type(value) for value in found.values}
        if len(types) != 1:
            return None
        (type_name,) = types
        if type_name is None or not builtin_is_visible(self.context, type_name, node):
            return None
        if not self._annotation_is_inert(node):
            return None
        return _annotate(node, type_name, Applicability.UNSAFE)

    def _annotation_is_inert(self, node: cst.FunctionDef) -> bool:
        """False for a route handler whose return annotation FastAPI would take as the
        response model: every route must set ``response_model=`` itself (even
        ``None``), which the annotation then does not change."""
        frame = self.context.function
        if frame is None or frame.node is not node:
            return True
        return all(argument(route.call, "response_model") is not None for route in frame.routes)

    def _has_no_obvious_type(self, node: cst.FunctionDef) -> bool:
        """Abstract members, stubs and overridable placeholders: the type they are meant
        to have is not what their body returns."""
        if any(self.context.resolves_to(d.decorator, ABSTRACT) for d in node.decorators):
            return True
        body = _without_docstring(_small_statements(node.body))
        if body is None:
            return False
        if body and all(_is_ellipsis(small) for small in body):
            return True
        frame = self.context.function
        is_method = frame is not None and frame.node is node and frame.is_method
        # A method that does nothing is a hook (or a Protocol member) that subclasses
        # override with their own return type; `__init__` always returns None.
        return (
            is_method
            and node.name.value != "__init__"
            and all(isinstance(small, cst.Pass) or _is_ellipsis(small) for small in body)
        )


def _annotate(node: cst.FunctionDef, type_name: str, applicability: Applicability) -> NodeFix:
    # `whitespace_before_colon` is the one node between `)` and `:`; inserting before
    # it keeps comments inside the parentheses and after the colon where they were.
    return NodeFix(
        message=f"Add return annotation `-> {type_name}`",
        applicability=applicability,
        replacements=(),
        text_insertions=((node.whitespace_before_colon, f" -> {type_name}", True),),
    )


def _statements(body: cst.BaseSuite) -> Sequence[cst.BaseStatement | cst.BaseSmallStatement]:
    return body.body


def _small_statements(body: cst.BaseSuite) -> list[cst.BaseSmallStatement] | None:
    """The body as small statements; None when it has a compound statement."""
    if isinstance(body, cst.SimpleStatementSuite):
        return list(body.body)
    smalls: list[cst.BaseSmallStatement] = []
    for statement in body.body:
        if not isinstance(statement, cst.SimpleStatementLine):
            return None
        smalls.extend(statement.body)
    return smalls


def _without_docstring(
    body: list[cst.BaseSmallStatement] | None,
) -> list[cst.BaseSmallStatement] | None:
    if (
        body
        and isinstance(body[0], cst.Expr)
        and isinstance(body[0].value, (cst.SimpleString, cst.ConcatenatedString))
    ):
        return body[1:]
    return body


def _is_ellipsis(small: cst.BaseSmallStatement) -> bool:
    return isinstance(small, cst.Expr) and isinstance(small.value, cst.Ellipsis)


def _last_small(statement: cst.BaseStatement | cst.BaseSmallStatement) -> cst.CSTNode:
    if isinstance(statement, cst.SimpleStatementLine) and statement.body:
        return statement.body[-1]
    return statement


def _ends_in_raise(statements: Sequence[cst.BaseStatement | cst.BaseSmallStatement]) -> bool:
    return bool(statements) and isinstance(_last_small(statements[-1]), cst.Raise)


def _always_exits(statements: Sequence[cst.BaseStatement | cst.BaseSmallStatement]) -> bool:
    """True when control cannot fall off the end of ``statements`` (a conservative
    answer: only `return`/`raise` last, or an `if`/`else` chain whose branches all exit)."""
    if not statements:
        return False
    last = _last_small(statements[-1])
    if isinstance(last, (cst.Return, cst.Raise)):
        return True
    if isinstance(last, cst.If):
        return _if_always_exits(last)
    if isinstance(last, cst.With):
        return _always_exits(_statements(last.body))
    return False


def _if_always_exits(node: cst.If) -> bool:
    if not _always_exits(_statements(node.body)):
        return False
    orelse = node.orelse
    if orelse is None:
        return False
    if isinstance(orelse, cst.If):
        return _if_always_exits(orelse)
    return _always_exits(_statements(orelse.body))
