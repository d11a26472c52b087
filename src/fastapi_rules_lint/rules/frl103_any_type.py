"""FRL103: a use of ``typing.Any``."""

from __future__ import annotations

import libcst as cst

from fastapi_rules_lint.engine.options import RuleOptions
from fastapi_rules_lint.rulebase.rule import Clean, Flagged, Rule
from fastapi_rules_lint.semantics.python.literals import string_literal

ANY = frozenset({"typing.Any", "typing_extensions.Any"})


class AnyTypeOptions(RuleOptions):
    """Options of FRL103."""

    allow_star_arg_any: bool = False
    """Accept ``*args: Any`` and ``**kwargs: Any`` (common in wrappers and decorators)."""


class AnyType(Rule):
    """## What it does
    Reports every use of `typing.Any` (or `typing_extensions.Any`), wherever it is
    spelled: parameter, return and variable annotations, generic arguments
    (`dict[str, Any]`, `Callable[..., Any]`), type aliases, `cast(Any, v)`,
    `TypeVar("T", bound=Any)` and string annotations. One diagnostic per `Any`.
    Names are resolved through imports: `import typing as t; t.Any` and
    `from typing import Any as A` are found; an `Any` defined or imported from
    elsewhere is not `typing.Any` and is not reported.

    ## Why is this bad?
    `Any` switches type checking off for everything it touches, and in FastAPI it also
    switches validation and the OpenAPI schema off: a parameter or response typed `Any`
    accepts and documents anything.

    ## Example
    ```python
    from typing import Any

    def total(items: list[Any]) -> Any: ...
    ```

    ## Use instead
    ```python
    def total(items: list[Item]) -> Decimal: ...
    ```
    or `object` where any value really is accepted and only passed along.

    ## Fix safety
    No fix: the right type needs a human.

    ## Options
    - `allow-star-arg-any` (default `false`): accept `Any` as the whole annotation of
      `*args`/`**kwargs`.
    """

    code = "FRL103"
    name = "any-type"
    message = "`Any` disables type checking here; use a precise type"
    summary = "Use of `typing.Any` in a type position"
    options_model = AnyTypeOptions
    options: AnyTypeOptions
    examples = (
        Clean("def f(x: int) -> str:\n    return str(x)\n"),
        Clean(
            "from mylib import Any\n\ndef f(x: Any) -> None: ...\n",
            note="an `Any` that is not typing's",
        ),
        Clean(
            "from typing import Any\n\ndef f(*args: Any, **kwargs: Any) -> None: ...\n",
            options={"allow-star-arg-any": True},
        ),
        Flagged(
            "from typing import Any\n\ndef f(x: Any) -> Any: ...\n",
            at=("3:10-3:13", "3:18-3:21"),
        ),
        Flagged(
            "import typing as t\n\nX = dict[str, t.Any]\n",
            at=("3:15-3:20",),
            note="module alias in a type alias",
        ),
        Flagged(
            "from typing import Any as A, Callable\n\nHandler = Callable[..., A]\n",
            at=("3:25-3:26",),
        ),
        Flagged(
            "from typing import Any, TypeVar, cast\n\n"
            'T = TypeVar("T", bound=Any)\n'
            "y = cast(Any, 1)\n",
            at=("3:24-3:27", "4:10-4:13"),
        ),
        Flagged(
            "from typing import Any\n\ndef outer() -> None:\n"
            "    def inner(*args: Any) -> None: ...\n",
            at=("4:22-4:25",),
            note="nested function, *args",
        ),
        Flagged(
            'from typing import Any\n\ndef f(x: "dict[str, Any]") -> None: ...\n',
            at=("3:10-3:26",),
            note="string annotations are checked too, reported on the string",
        ),
    )

    def setup(self) -> None:
        self._skip: set[int] = set()
        self._annotation_strings: set[int] = set()
        self._import_depth = 0
        # Every Name is a candidate, and most cannot be `Any`: a bare name resolves to
        # `Any` only through an import binding it so, at module level (these names) or
        # in a function (a local import, seen before the names it binds are visited).
        self._any_names = frozenset(
            name
            for name, bound in self.context.table.bindings.items()
            if not bound.isdisjoint(ANY)
        )
        self._has_local_import = False

    def visit_Import(self, node: cst.Import) -> None:
        self._import_depth += 1
        self._has_local_import = self._has_local_import or self.context.function is not None

    def leave_Import(self, original_node: cst.Import) -> None:
        self._import_depth -= 1

    def visit_ImportFrom(self, node: cst.ImportFrom) -> None:
        self._import_depth += 1
        self._has_local_import = self._has_local_import or self.context.function is not None

    def leave_ImportFrom(self, original_node: cst.ImportFrom) -> None:
        self._import_depth -= 1

    def visit_Parameters(self, node: cst.Parameters) -> None:
        if not self.options.allow_star_arg_any:
            return
        for param in (node.star_arg, node.star_kwarg):
            if isinstance(param, cst.Param) and param.annotation is not None:
                self._skip.add(id(param.annotation.annotation))

    def visit_Annotation(self, node: cst.Annotation) -> None:
        if isinstance(node.annotation, cst.SimpleString):
            self._annotation_strings.add(id(node.annotation))

    def visit_Attribute(self, node: cst.Attribute) -> None:
        # `typing.Any` is reported on the Attribute; its `Any` Name is not a second use.
        self._skip.add(id(node.attr))
        if node.attr.value == "Any":  # `x.y.z` resolves to names ending in `.z`
            self._check(node)

    def visit_Name(self, node: cst.Name) -> None:
        if self._has_local_import or node.value in self._any_names:
            self._check(node)

    def visit_SimpleString(self, node: cst.SimpleString) -> None:
        if id(node) in self._annotation_strings and id(node) not in self._skip:
            value = string_literal(node)
            if value is not None and "Any" in value and self._mentions_any(value):
                self.report(node)

    def _check(self, node: cst.Name | cst.Attribute) -> None:
        if self._import_depth or id(node) in self._skip:
            return
        if self.context.resolves_to(node, ANY):
            self.report(node)

    def _mentions_any(self, annotation: str) -> bool:
        try:
            expression = cst.parse_expression(annotation)
        except cst.ParserSyntaxError:
            return False
        finder = _AnyFinder(self)
        expression.visit(finder)
        return finder.found


class _AnyFinder(cst.CSTVisitor):
    def __init__(self, rule: AnyType) -> None:
        super().__init__()
        self.rule = rule
        self.found = False

    def visit_Name(self, node: cst.Name) -> bool:
        if self.rule.context.resolves_to(node, ANY):
            self.found = True
        return False

    def visit_Attribute(self, node: cst.Attribute) -> bool:
        if self.rule.context.resolves_to(node, ANY):
            self.found = True
            return False
        return True
