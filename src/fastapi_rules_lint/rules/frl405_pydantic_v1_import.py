"""FRL405: a Pydantic v1 import (``BaseSettings`` from ``pydantic``, ``GenericModel``,
``parse_obj_as``, ``pydantic.v1``, …) or a ``__root__`` field."""

from __future__ import annotations

import libcst as cst

from fastapi_rules_lint.engine.diagnostics import Applicability, ImportRequest
from fastapi_rules_lint.rulebase.rule import Clean, Flagged, NodeFix, Requires, Rule
from fastapi_rules_lint.semantics.pydantic.models import enclosing_model
from fastapi_rules_lint.semantics.pydantic.moved import BASE_SETTINGS, MOVED, V1_PACKAGE
from fastapi_rules_lint.semantics.python.names import dotted_name, import_bindings

_SETTINGS_MODULE = "pydantic_settings"


class PydanticV1Import(Rule):
    """## What it does
    Finds imports (and `pydantic.X` uses) of names Pydantic v2 moved, removed or
    deprecated: `BaseSettings` (now in `pydantic-settings`), `GenericModel`,
    `parse_obj_as`/`parse_raw_as`/`parse_file_as`, the `Constrained*` classes,
    `PyObject`, `stricturl`, `pydantic.error_wrappers`; imports of the `pydantic.v1`
    compatibility layer; and `__root__` fields in models.

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
    ```

    ## Use instead
    ```python
    from pydantic import BaseModel, TypeAdapter
    from pydantic_settings import BaseSettings
    ```

    ## Fix safety
    Safe for `BaseSettings`: the import moves to `pydantic_settings` (merged into an
    existing `from pydantic_settings import ...`; the `pydantic` import keeps its
    other names), and `pydantic.BaseSettings` becomes `pydantic_settings.BaseSettings`.
    It needs the `pydantic-settings` package, as v2 does. Everything else has no fix:
    the code using the name has to change (`TypeAdapter(T).validate_python(x)`,
    `class Page(BaseModel, Generic[T])`, `RootModel[list[Item]]` with `.root`).
    """

    code = "FRL405"
    name = "pydantic-v1-import"
    message = "`{name}` {advice}"
    summary = (
        "A Pydantic v1 import (`BaseSettings`, `GenericModel`, `pydantic.v1`, …) or `__root__`"
    )
    requires = Requires.PYDANTIC
    fix_availability = "sometimes"
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
    )

    def setup(self) -> None:
        self._compat_depth = 0
        self._in_import = 0
        self._line: cst.SimpleStatementLine | None = None

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
        if self._compat_depth or node.relative or isinstance(node.names, cst.ImportStar):
            return
        module = dotted_name(node.module) if node.module is not None else None
        if module is None:
            return
        if module == V1_PACKAGE or module.startswith(V1_PACKAGE + "."):
            assert node.module is not None
            self._report_v1(node.module, module)
            return
        for alias, (_, qualified) in zip(node.names, import_bindings(node), strict=True):
            if qualified == V1_PACKAGE:
                self._report_v1(alias, qualified)
            elif qualified in MOVED:
                fix = self._settings_import_fix(node, alias) if qualified in BASE_SETTINGS else None
                self.report(alias, fix=fix, name=qualified, advice=MOVED[qualified])

    def leave_ImportFrom(self, original_node: cst.ImportFrom) -> None:
        self._in_import -= 1

    def _report_v1(self, node: cst.CSTNode, name: str) -> None:
        self.report(
            node, name=name, advice="is the Pydantic v1 compatibility layer; migrate to the v2 API"
        )

    # --- uses through the module (`pydantic.BaseSettings`) -----------------------------
    def visit_Attribute(self, node: cst.Attribute) -> None:
        if self._in_import:
            return
        for qualified in self.context.qualified_names(node):
            if qualified in MOVED:
                fix = self._settings_attribute_fix(node) if qualified in BASE_SETTINGS else None
                self.report(node, fix=fix, name=qualified, advice=MOVED[qualified])
                return
            if qualified == V1_PACKAGE:
                self._report_v1(node, qualified)
                return

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
    def _settings_attribute_fix(self, node: cst.Attribute) -> NodeFix | None:
        if self.context.table.bindings.get(_SETTINGS_MODULE, {_SETTINGS_MODULE}) != {
            _SETTINGS_MODULE
        }:
            return None
        return NodeFix(
            message="Use `pydantic_settings.BaseSettings`",
            applicability=Applicability.SAFE,
            replacements=((node, cst.parse_expression("pydantic_settings.BaseSettings")),),
            imports=(ImportRequest(_SETTINGS_MODULE, None),),
        )

    def _settings_import_fix(self, node: cst.ImportFrom, alias: cst.ImportAlias) -> NodeFix | None:
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
        existing = self._settings_import()
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
                    (node.module, cst.Name(_SETTINGS_MODULE))  # type: ignore[arg-type]
                )
        else:
            if node.names[-1] is alias:  # the new last name takes the old one's comma
                rest[-1] = rest[-1].with_changes(comma=alias.comma)
            replacements.append((node, node.with_changes(names=rest)))
            if existing is None:
                text = f"from {_SETTINGS_MODULE} import {cst.Module([]).code_for_node(moved)}\n"
                insertions = ((line, text, False),)
        return NodeFix(
            message="Import `BaseSettings` from `pydantic_settings`",
            applicability=Applicability.SAFE,
            replacements=tuple(replacements),
            text_insertions=insertions,
        )

    def _settings_import(self) -> cst.ImportFrom | None:
        """The module's top-level ``from pydantic_settings import ...``, if any."""
        for statement in self.context.module.body:
            if not isinstance(statement, cst.SimpleStatementLine):
                continue
            for small in statement.body:
                if (
                    isinstance(small, cst.ImportFrom)
                    and not small.relative
                    and small.module is not None
                    and dotted_name(small.module) == _SETTINGS_MODULE
                    and not isinstance(small.names, cst.ImportStar)
                ):
                    return small
        return None
