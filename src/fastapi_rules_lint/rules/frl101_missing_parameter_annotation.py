"""FRL101: a function parameter without a type annotation."""

from __future__ import annotations

import libcst as cst

from fastapi_rules_lint.engine.diagnostics import Applicability
from fastapi_rules_lint.engine.options import RuleOptions
from fastapi_rules_lint.rulebase.rule import Clean, Flagged, NodeFix, Rule
from fastapi_rules_lint.semantics.python.annotations import (
    OverloadTracker,
    builtin_is_visible,
    literal_type,
)
from fastapi_rules_lint.semantics.python.signatures import all_params

STATICMETHOD = frozenset({"builtins.staticmethod"})


class MissingParameterAnnotationOptions(RuleOptions):
    """Options of FRL101."""

    suppress_dummy_args: bool = False
    """Accept unannotated parameters named only with underscores (``_``, ``__``)."""


class MissingParameterAnnotation(Rule):
    """## What it does
    Reports a parameter of a `def` or `async def` that has no type annotation,
    `*args` and `**kwargs` included. The first parameter of a method (`self`, `cls`, a
    metaclass's `mcs`) is exempt, except in a `@staticmethod`, which has none. Nested
    functions are checked; lambdas are not, nor is the implementation of an overloaded
    function (the `def` right after its `@overload` signatures), which the typing docs
    let go unannotated (ruff and flake8-annotations skip it too).

    ## Why is this bad?
    An unannotated parameter is `Any` to a type checker. In a FastAPI route handler it
    is worse: FastAPI reads the annotation to decide where a value comes from and how
    it is validated, so a missing one silently becomes an unvalidated string query
    parameter.

    ## Example
    ```python
    def paginate(items, limit=50): ...
    ```

    ## Use instead
    ```python
    def paginate(items: list[Item], limit: int = 50) -> list[Item]: ...
    ```

    ## Fix safety
    Unsafe, and only for a parameter whose default is a literal `int`, `float`, `str`,
    `bytes` or `bool` (`limit=50` → `limit: int = 50`): the parameter may accept more
    than its default's type (`limit=50` may also take `None` or a `float`). On a route
    handler or a dependency the annotation is also FastAPI's declaration: the OpenAPI
    schema gains the type (`"type": "integer"` where it had none) and FastAPI converts
    and validates the value — `?limit=5` now arrives as `5`, not the string `"5"`, and
    `?limit=x`, accepted before, now gets a 422 (checked with FastAPI 0.165). No fix for a
    `None` default (`Optional` of what?), complex numbers, other defaults, or when the
    builtin's name is rebound where the signature is evaluated (the module, an
    enclosing function, the class body).

    ## Options
    - `suppress-dummy-args` (default `false`): accept unannotated parameters whose name
      is only underscores (`_`, `__`).
    """

    code = "FRL101"
    name = "missing-parameter-annotation"
    message = "Parameter `{parameter}` of `{function}` has no type annotation"
    summary = "A function parameter without a type annotation"
    fix_availability = "sometimes"
    options_model = MissingParameterAnnotationOptions
    options: MissingParameterAnnotationOptions
    examples = (
        Clean("def f(x: int, *args: str, **kwargs: bytes) -> None: ...\n"),
        Clean(
            "class A:\n"
            "    def m(self, x: int) -> None: ...\n\n"
            "    @classmethod\n"
            "    def c(cls) -> None: ...\n\n"
            "class Meta(type):\n"
            "    def __new__(mcs, name: str, bases: tuple[type, ...], ns: dict[str, object]"
            ") -> type: ...\n",
            note="the first parameter of methods and metaclass methods",
        ),
        Clean("handler = lambda request: request\n", note="lambdas are not checked"),
        Clean(
            "def f(_, __) -> None: ...\n",
            options={"suppress-dummy-args": True},
            note="dummy names with suppress-dummy-args",
        ),
        Clean(
            "from typing import overload\n\n@overload\ndef f(x: int) -> int: ...\n"
            "@overload\ndef f(x: str) -> str: ...\ndef f(x):\n    return x\n",
            note="an overload implementation",
        ),
        Clean(
            "class A:\n    if True:\n        def m(self) -> None: ...\n",
            note="still a method inside a class-level `if`",
        ),
        Flagged(
            "def f(a, *args, b, **kwargs) -> None: ...\n",
            at=("1:7-1:8", "1:10-1:15", "1:17-1:18", "1:20-1:28"),
            note="`*args` and `**kwargs` are reported with their stars",
        ),
        Flagged(
            "class A:\n    @staticmethod\n    def s(x) -> None: ...\n",
            at=("3:11-3:12",),
            note="a staticmethod has no exempt first parameter",
        ),
        Flagged(
            "def outer() -> None:\n    def inner(x) -> None: ...\n",
            at=("2:15-2:16",),
            note="nested functions are checked",
        ),
        Flagged("def f(self) -> None: ...\n", at=("1:7-1:11",), note="not a method"),
        Flagged("def f(_) -> None: ...\n", at=("1:7-1:8",), note="dummy names by default"),
        Flagged(
            "def f(limit=50, name='x', ratio = -0.5, *, flag=True, raw=b'', n=None) -> None: ...\n",
            at=("1:7-1:12", "1:17-1:21", "1:27-1:32", "1:44-1:48", "1:55-1:58", "1:64-1:65"),
            fixed="def f(\n    limit: int = 50,\n    name: str = 'x',\n    ratio: float = -0.5,\n"
            "    *,\n    flag: bool = True,\n    raw: bytes = b'',\n    n=None,\n) -> None: ...\n",
            unsafe=True,
            note="annotation from a literal default; none for a `None` default",
        ),
        Flagged(
            "async def f(\n    page=1,  # first page\n) -> None: ...\n",
            at=("2:5-2:9",),
            fixed="async def f(\n    page: int = 1,  # first page\n) -> None: ...\n",
            unsafe=True,
            note="comments are kept",
        ),
        Flagged(
            "int = float\n\ndef f(x=0) -> None: ...\n",
            at=("3:7-3:8",),
            note="no fix when `int` is rebound",
        ),
    )

    def setup(self) -> None:
        self._overloads = OverloadTracker()

    def visit_ClassDef(self, node: cst.ClassDef) -> None:
        self._overloads.saw_class()

    def visit_FunctionDef(self, node: cst.FunctionDef) -> None:
        if self._overloads.is_implementation(node, self.context):
            return
        frame = self.context.function
        exempt_first = (
            frame is not None
            and frame.node is node
            and frame.is_method
            and not any(
                self.context.resolves_to(decorator.decorator, STATICMETHOD)
                for decorator in node.decorators
            )
        )
        positional = (*node.params.posonly_params, *node.params.params)
        first = positional[0] if exempt_first and positional else None
        suppress_dummies = self.options.suppress_dummy_args
        for param in all_params(node.params):
            if param.annotation is not None or param is first:
                continue
            name = param.name.value
            if suppress_dummies and not name.strip("_"):
                continue
            # `*args`/`**kwargs` are reported with their stars, as ruff does.
            target: cst.CSTNode = param if param.star in {"*", "**"} else param.name
            self.report(
                target, fix=self._fix(node, param), parameter=name, function=node.name.value
            )

    def _fix(self, function: cst.FunctionDef, param: cst.Param) -> NodeFix | None:
        if param.default is None:
            return None
        type_name = literal_type(param.default)
        if type_name is None or not builtin_is_visible(self.context, type_name, function):
            return None
        equal = param.equal
        if not isinstance(equal, cst.AssignEqual):
            equal = cst.AssignEqual()
        elif _is_inline(equal.whitespace_before) and _is_inline(equal.whitespace_after):
            # PEP 8: `x=0` but `x: int = 0`; whitespace holding a comment is kept.
            equal = equal.with_changes(
                whitespace_before=cst.SimpleWhitespace(" "),
                whitespace_after=cst.SimpleWhitespace(" "),
            )
        new = param.with_changes(annotation=cst.Annotation(cst.Name(type_name)), equal=equal)
        return NodeFix(
            message=f"Annotate `{param.name.value}` as `{type_name}`",
            applicability=Applicability.UNSAFE,
            replacements=((param, new),),
        )


def _is_inline(whitespace: cst.BaseParenthesizableWhitespace) -> bool:
    return isinstance(whitespace, cst.SimpleWhitespace) and "\\" not in whitespace.value
