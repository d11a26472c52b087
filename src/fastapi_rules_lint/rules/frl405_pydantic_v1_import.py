"""FRL405: a Pydantic v1 import (``BaseSettings`` from ``pydantic``, ``GenericModel``,
``pydantic.v1``, …), a ``parse_obj_as``/``parse_raw_as`` call or a ``__root__`` field."""

from __future__ import annotations

import libcst as cst

from fastapi_rules_lint.engine.diagnostics import Applicability, DiagnosticTag, ImportRequest
from fastapi_rules_lint.rulebase.edits import NameUse, name_use
from fastapi_rules_lint.rulebase.rule import Clean, Flagged, NodeFix, Requires, Rule
from fastapi_rules_lint.semantics.pydantic.models import enclosing_model
from fastapi_rules_lint.semantics.pydantic.moved import (
    BASE_SETTINGS,
    EXTRA_TYPES,
    MOVED,
    PARSE_AS,
    TYPE_ADAPTER,
    V1_PACKAGE,
)
from fastapi_rules_lint.semantics.python.names import dotted_name, import_bindings

_SETTINGS_MODULE = "pydantic_settings"
_HEAD = "from typing import List\n\nfrom pydantic import BaseModel, parse_obj_as\n\n\n"
_ITEM = "class Item(BaseModel):\n    id: int\n\n\n"


class PydanticV1Import(Rule):
    """## What it does
    Finds imports (and `pydantic.X` uses) of names Pydantic v2 moved, removed or
    deprecated: `BaseSettings` (now in `pydantic-settings`), `GenericModel`, the
    `Constrained*` classes, `PyObject`, `stricturl`, `pydantic.error_wrappers`, `Color`
    and `PaymentCardNumber` (now in `pydantic-extra-types`) and every other name of
    Pydantic's own migration tables; imports of the `pydantic.v1` compatibility layer;
    and `__root__` fields in models.

    `parse_obj_as`, `parse_raw_as` and `parse_file_as` are reported where they are
    called, since that is the code to change (and where the fix goes); their import is
    reported instead only when the module calls them nowhere (say, it passes
    `parse_obj_as` around as a value). After the calls are fixed the import goes away.

    Imports inside `try:` and `if` blocks are left alone: that is how code supporting
    both major versions is written (`try: from pydantic import BaseSettings` /
    `except ImportError: from pydantic_settings import BaseSettings`).

    ## Why is this bad?
    Moved and removed names fail to import under v2 (`PydanticImportError`); the
    deprecated functions warn. `pydantic.v1` keeps v1 running for a while, but its
    models do not mix with v2 ones (FastAPI rejects them in v2 routes) and it is gone
    in Pydantic v3. A `__root__` field is an ordinary field named `__root__` in v2;
    `RootModel` replaced it.

    ## Example
    ```python
    from pydantic import BaseModel, BaseSettings, parse_obj_as

    items = parse_obj_as(list[Item], rows)
    ```

    ## Use instead
    ```python
    from pydantic import BaseModel, TypeAdapter
    from pydantic_settings import BaseSettings

    items = TypeAdapter(list[Item]).validate_python(rows)
    ```

    ## Fix safety
    Safe for `BaseSettings`: the import moves to `pydantic_settings` (merged into an
    existing `from pydantic_settings import ...`; the `pydantic` import keeps its
    other names), and `pydantic.BaseSettings` becomes `pydantic_settings.BaseSettings`.
    It needs the `pydantic-settings` package, as v2 does.

    Safe for a call `parse_obj_as(T, x)` → `TypeAdapter(T).validate_python(x)` and
    `parse_raw_as(T, b)` → `TypeAdapter(T).validate_json(b)`, with exactly two
    positional arguments and no comment inside (anything else: no fix). v2's
    deprecated `parse_obj_as` is that very call; `validate_json` is what v2's migration
    guide gives for `parse_raw_as` (v1 parsed the JSON, then validated the Python
    value: the same result, except that strict types accept JSON strings for dates,
    UUIDs and the like). `TypeAdapter` is imported from `pydantic` (merged into an
    existing `from pydantic import ...`; `pydantic.TypeAdapter` when the call was
    `pydantic.parse_obj_as(...)`), and an import of `parse_obj_as` left unused is
    removed.

    Unsafe for `Color` (`pydantic.color.Color`): the import moves to
    `pydantic_extra_types.color`, whose `Color` is v1's class unchanged, but the
    `pydantic-extra-types` package must be installed. `PaymentCardNumber` and
    `PaymentCardBrand` have no fix: `pydantic_extra_types.payment` knows more brands
    and card lengths, so the same numbers validate differently.

    Everything else has no fix: the code using the name has to change
    (`class Page(BaseModel, Generic[T])`, `RootModel[list[Item]]` with `.root`, reading
    the file before `TypeAdapter(T).validate_json(...)` for `parse_file_as`).
    """

    code = "FRL405"
    name = "pydantic-v1-import"
    message = "`{name}` {advice}"
    summary = (
        "A Pydantic v1 import (`BaseSettings`, `GenericModel`, `pydantic.v1`, …) or `__root__`"
    )
    requires = Requires.PYDANTIC
    fix_availability = "sometimes"
    tags = frozenset({DiagnosticTag.DEPRECATED})
    examples = (
        Clean(
            "from pydantic import BaseModel, TypeAdapter\n"
            "from pydantic_settings import BaseSettings\n"
        ),
        Clean(
            "try:\n    from pydantic import BaseSettings\n"
            "except ImportError:\n    from pydantic_settings import BaseSettings\n",
            note="a compatibility import",
        ),
        Clean(
            "from pydantic import BaseModel\n\n\nclass Wrapper:\n    __root__: list[int]\n",
            note="`__root__` outside a model",
        ),
        Flagged(
            "from pydantic import BaseModel, BaseSettings, parse_obj_as\n\n\n"
            "class Settings(BaseSettings):\n    debug: bool = False\n",
            at=("1:33-1:45", "1:47-1:59"),
            fixed="from pydantic import BaseModel, parse_obj_as\n"
            "from pydantic_settings import BaseSettings\n\n\n"
            "class Settings(BaseSettings):\n    debug: bool = False\n",
        ),
        Flagged(
            "from pydantic import BaseSettings as Base\n"
            "from pydantic_settings import SettingsConfigDict\n\n\n"
            "class Settings(Base):\n    model_config = SettingsConfigDict(env_prefix='APP_')\n",
            at=("1:22-1:42",),
            fixed="from pydantic_settings import SettingsConfigDict, BaseSettings as Base\n\n\n"
            "class Settings(Base):\n    model_config = SettingsConfigDict(env_prefix='APP_')\n",
            note="merged into the existing `pydantic_settings` import, alias kept",
        ),
        Flagged(
            "import pydantic\n\n\n"
            "class Settings(pydantic.BaseSettings):\n    debug: bool = False\n",
            at=("4:16-4:37",),
            fixed="import pydantic_settings\n\n\n"
            "class Settings(pydantic_settings.BaseSettings):\n    debug: bool = False\n",
        ),
        Flagged(
            "from typing import Generic, TypeVar\n\n"
            "from pydantic import BaseModel\nfrom pydantic.generics import GenericModel\n"
            "from pydantic.v1 import BaseModel as V1Model\n\nT = TypeVar('T')\n\n\n"
            "class Page(GenericModel, Generic[T]):\n    items: list[T]\n\n\n"
            "class Tags(BaseModel):\n    __root__: list[str]\n",
            at=("4:31-4:43", "5:6-5:17", "15:5-15:13"),
            note="no fix: the classes must change",
        ),
        Flagged(
            _HEAD + _ITEM + "def items(rows: list[dict]) -> List[Item]:\n"
            "    return parse_obj_as(List[Item], rows)\n",
            at=("11:12-11:42",),
            fixed="from typing import List\n\nfrom pydantic import BaseModel, TypeAdapter\n\n\n"
            + _ITEM
            + "def items(rows: list[dict]) -> List[Item]:\n"
            "    return TypeAdapter(List[Item]).validate_python(rows)\n",
            note="the call is reported and fixed; the import left unused goes",
        ),
        Flagged(
            "import pydantic\n\n\ndef ids(raw: bytes) -> list[int]:\n"
            "    return pydantic.parse_raw_as(list[int], raw)\n",
            at=("5:12-5:49",),
            fixed="import pydantic\n\n\ndef ids(raw: bytes) -> list[int]:\n"
            "    return pydantic.TypeAdapter(list[int]).validate_json(raw)\n",
        ),
        Flagged(
            _HEAD + _ITEM + "first = parse_obj_as(Item, {'id': 1}, type_name='First')\n"
            "second = parse_obj_as(\n    Item,  # the model\n    {'id': 2},\n)\n",
            at=("10:9-10:57", "11:10-14:2"),
            note="no fix: a keyword argument, a comment inside",
        ),
        Flagged(
            "from pydantic import parse_obj_as\n\nPARSERS = {'obj': parse_obj_as}\n",
            at=("1:22-1:34",),
            note="never called: the import is reported",
        ),
        Flagged(
            "from pydantic import BaseModel\nfrom pydantic.color import Color\n\n\n"
            "class Theme(BaseModel):\n    accent: Color\n",
            at=("2:28-2:33",),
            fixed="from pydantic import BaseModel\nfrom pydantic_extra_types.color import Color\n"
            "\n\nclass Theme(BaseModel):\n    accent: Color\n",
            unsafe=True,
            note="unsafe: needs the `pydantic-extra-types` package",
        ),
        Flagged(
            "from pydantic import BaseModel, PaymentCardNumber\n\n\n"
            "class Card(BaseModel):\n    number: PaymentCardNumber\n",
            at=("1:33-1:50",),
            note="no fix: `pydantic_extra_types.payment` validates differently",
        ),
    )

    def setup(self) -> None:
        self._compat_depth = 0
        self._in_import = 0
        self._line: cst.SimpleStatementLine | None = None
        self._parse_imports: list[tuple[cst.ImportAlias, str, str]] = []
        """(alias, qualified name, bound name) of each ``parse_*_as`` import."""
        self._compat_names: set[str] = set()
        self._called: set[str] = set()
        self._reported_funcs: set[int] = set()

    # --- where we are --------------------------------------------------------------
    def visit_Try(self, node: cst.Try) -> None:
        self._compat_depth += 1

    def leave_Try(self, original_node: cst.Try) -> None:
        self._compat_depth -= 1

    def visit_If(self, node: cst.If) -> None:
        self._compat_depth += 1

    def leave_If(self, original_node: cst.If) -> None:
        self._compat_depth -= 1

    def visit_SimpleStatementLine(self, node: cst.SimpleStatementLine) -> None:
        self._line = node

    # --- imports -------------------------------------------------------------------
    def visit_Import(self, node: cst.Import) -> None:
        self._in_import += 1
        if self._compat_depth:
            return
        for alias in node.names:
            name = dotted_name(alias.name) or ""
            if name == V1_PACKAGE or name.startswith(V1_PACKAGE + "."):
                self._report_v1(alias, name)

    def leave_Import(self, original_node: cst.Import) -> None:
        self._in_import -= 1

    def visit_ImportFrom(self, node: cst.ImportFrom) -> None:
        self._in_import += 1
        if node.relative or isinstance(node.names, cst.ImportStar):
            return
        if self._compat_depth:
            self._compat_names.update(
                bound for bound, qualified in import_bindings(node) if qualified in PARSE_AS
            )
            return
        module = dotted_name(node.module) if node.module is not None else None
        if module is None:
            return
        if module == V1_PACKAGE or module.startswith(V1_PACKAGE + "."):
            assert node.module is not None
            self._report_v1(node.module, module)
            return
        for alias, (bound, qualified) in zip(node.names, import_bindings(node), strict=True):
            if qualified == V1_PACKAGE:
                self._report_v1(alias, qualified)
            elif qualified in PARSE_AS:
                self._parse_imports.append((alias, qualified, bound))
            elif qualified in MOVED:
                self.report(
                    alias,
                    fix=self._import_fix(node, alias, qualified),
                    name=qualified,
                    advice=MOVED[qualified],
                )

    def leave_ImportFrom(self, original_node: cst.ImportFrom) -> None:
        self._in_import -= 1

    def leave_Module(self, original_node: cst.Module) -> None:
        for alias, qualified, bound in self._parse_imports:
            if bound not in self._called:
                self.report(alias, name=qualified, advice=MOVED[qualified])

    def _report_v1(self, node: cst.CSTNode, name: str) -> None:
        self.report(
            node, name=name, advice="is the Pydantic v1 compatibility layer; migrate to the v2 API"
        )

    # --- uses through the module (`pydantic.BaseSettings`) -----------------------------
    def visit_Attribute(self, node: cst.Attribute) -> None:
        if self._in_import or id(node) in self._reported_funcs:
            return
        for qualified in self.context.qualified_names(node):
            if qualified in MOVED:
                fix = self._attribute_fix(node, qualified)
                self.report(node, fix=fix, name=qualified, advice=MOVED[qualified])
                return
            if qualified == V1_PACKAGE:
                self._report_v1(node, qualified)
                return

    # --- `parse_obj_as(T, x)` calls ------------------------------------------------------
    def visit_Call(self, node: cst.Call) -> None:
        func = node.func
        if self._in_import or (isinstance(func, cst.Name) and func.value in self._compat_names):
            return
        for qualified in self.context.qualified_names(func):
            if qualified in PARSE_AS:
                break
        else:
            return
        if isinstance(func, cst.Name):
            self._called.add(func.value)
        self._reported_funcs.add(id(func))
        method = PARSE_AS[qualified]
        fix = self._parse_as_fix(node, method) if method is not None else None
        self.report(node, fix=fix, name=qualified, advice=MOVED[qualified])

    # --- `__root__` fields -------------------------------------------------------------
    def visit_AnnAssign(self, node: cst.AnnAssign) -> None:
        target = node.target
        if not (isinstance(target, cst.Name) and target.value == "__root__"):
            return
        model = enclosing_model(self.context)
        if model is None or self.context.function is not None:
            return
        if not any(
            isinstance(line, cst.SimpleStatementLine) and any(s is node for s in line.body)
            for line in model.body.body
        ):
            return
        self.report(target, name="__root__", advice="is a v1 custom root type; use `RootModel`")

    # --- fixes ---------------------------------------------------------------------
    def _parse_as_fix(self, node: cst.Call, method: str) -> NodeFix | None:
        args = node.args
        if len(args) != 2 or any(arg.keyword is not None or arg.star for arg in args):
            return None
        if _has_comment(node):
            return None  # it would be lost
        func = node.func
        imports: tuple[ImportRequest, ...] = ()
        adapter: cst.BaseExpression
        if isinstance(func, cst.Attribute) and self.context.qualified_names(func.value) == {
            "pydantic"
        }:
            adapter = cst.Attribute(value=func.value, attr=cst.Name("TypeAdapter"))
        else:
            use = name_use(self.context, "TypeAdapter", TYPE_ADAPTER)
            if use is NameUse.TAKEN:
                return None
            adapter = cst.Name("TypeAdapter")
            if use is NameUse.FREE:
                imports = (ImportRequest("pydantic", "TypeAdapter"),)
        type_, value = (arg.value for arg in args)
        replacement = node.with_changes(
            func=cst.Attribute(
                value=cst.Call(func=adapter, args=(cst.Arg(type_),)), attr=cst.Name(method)
            ),
            args=(cst.Arg(value),),
            whitespace_after_func=cst.SimpleWhitespace(""),
            whitespace_before_args=cst.SimpleWhitespace(""),
        )
        return NodeFix(
            message=f"Use `TypeAdapter(...).{method}(...)`",
            applicability=Applicability.SAFE,
            replacements=((node, replacement),),
            imports=imports,
        )

    def _attribute_fix(self, node: cst.Attribute, qualified: str) -> NodeFix | None:
        if qualified in BASE_SETTINGS:
            target, applicability = _SETTINGS_MODULE, Applicability.SAFE
        elif qualified in EXTRA_TYPES:
            target, applicability = EXTRA_TYPES[qualified], Applicability.UNSAFE
        else:
            return None
        top = target.split(".")[0]
        if self.context.table.bindings.get(top, {top}) != {top}:
            return None
        written = f"{target}.{node.attr.value}"
        return NodeFix(
            message=f"Use `{written}`",
            applicability=applicability,
            replacements=((node, cst.parse_expression(written)),),
            imports=(ImportRequest(target, None),),
        )

    def _import_fix(
        self, node: cst.ImportFrom, alias: cst.ImportAlias, qualified: str
    ) -> NodeFix | None:
        if qualified in BASE_SETTINGS:
            target, applicability = _SETTINGS_MODULE, Applicability.SAFE
        elif qualified in EXTRA_TYPES:
            target, applicability = EXTRA_TYPES[qualified], Applicability.UNSAFE
        else:
            return None
        line = self._line
        if (
            line is None
            or self.context.function is not None
            or self.context.classes
            or not any(statement is line for statement in self.context.module.body)
            or len(line.body) != 1
            or not isinstance(node.names, (list, tuple))
        ):
            return None
        moved = alias.with_changes(comma=cst.MaybeSentinel.DEFAULT)
        rest = [name for name in node.names if name is not alias]
        replacements: list[tuple[cst.CSTNode, cst.CSTNode | None]] = []
        insertions: tuple[tuple[cst.CSTNode, str, bool], ...] = ()
        existing = self._top_import_from(target)
        if existing is not None:
            names = list(existing.names) if isinstance(existing.names, (list, tuple)) else []
            if not names or existing.rpar is not None:
                return None  # `import *` or a parenthesised list: left to a human
            names[-1] = names[-1].with_changes(
                comma=cst.Comma(whitespace_after=cst.SimpleWhitespace(" "))
            )
            replacements.append((existing, existing.with_changes(names=[*names, moved])))
        if not rest:
            if existing is not None:
                replacements.append((line, None))
            else:
                replacements.append(
                    (node.module, cst.parse_expression(target))  # type: ignore[arg-type]
                )
        else:
            if node.names[-1] is alias:  # the new last name takes the old one's comma
                rest[-1] = rest[-1].with_changes(comma=alias.comma)
            replacements.append((node, node.with_changes(names=rest)))
            if existing is None:
                text = f"from {target} import {cst.Module([]).code_for_node(moved)}\n"
                insertions = ((line, text, False),)
        return NodeFix(
            message=f"Import `{qualified.rpartition('.')[2]}` from `{target}`",
            applicability=applicability,
            replacements=tuple(replacements),
            text_insertions=insertions,
        )

    def _top_import_from(self, module: str) -> cst.ImportFrom | None:
        """The module's top-level ``from <module> import ...``, if any."""
        for statement in self.context.module.body:
            if not isinstance(statement, cst.SimpleStatementLine):
                continue
            for small in statement.body:
                if (
                    isinstance(small, cst.ImportFrom)
                    and not small.relative
                    and small.module is not None
                    and dotted_name(small.module) == module
                    and not isinstance(small.names, cst.ImportStar)
                ):
                    return small
        return None


class _Comments(cst.CSTVisitor):
    def __init__(self) -> None:
        super().__init__()
        self.found = False

    def visit_Comment(self, node: cst.Comment) -> None:
        self.found = True


def _has_comment(node: cst.CSTNode) -> bool:
    finder = _Comments()
    node.visit(finder)
    return finder.found
