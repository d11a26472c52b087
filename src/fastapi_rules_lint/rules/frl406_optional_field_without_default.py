"""FRL406: an ``Optional`` model field without a default (required in Pydantic v2)."""

from __future__ import annotations

import libcst as cst

from fastapi_rules_lint.engine.diagnostics import Applicability
from fastapi_rules_lint.engine.options import RuleOptions
from fastapi_rules_lint.rulebase.edits import keyword_arg
from fastapi_rules_lint.rulebase.rule import Clean, Flagged, NodeFix, Requires, Rule
from fastapi_rules_lint.semantics.pydantic.fields import (
    PYDANTIC_FIELD,
    SQLMODEL_FIELD,
    V1_FIELD_ARGUMENTS,
    field_type,
    has_default,
)
from fastapi_rules_lint.semantics.pydantic.models import is_model_class
from fastapi_rules_lint.semantics.pydantic.moved import V1_ONLY_NAMES, V2_ONLY_NAMES

_FIELDS = PYDANTIC_FIELD | SQLMODEL_FIELD
_DATACLASSES = frozenset(
    {"dataclasses.dataclass", "pydantic.dataclasses.dataclass", "attr.s", "attrs.define"}
)


class OptionalFieldOptions(RuleOptions):
    """Options of FRL406."""

    assume_v1: bool = False
    """Report `X | None` fields without a default in every module, not only in modules
    that show they were written for Pydantic v1."""


_HEAD = "from typing import Optional\n\nfrom pydantic import BaseModel, Field\n\n\n"


class OptionalFieldWithoutDefault(Rule):
    """## What it does
    Finds a field of a Pydantic model annotated `Optional[X]`, `Union[X, None]`,
    `X | None` or `Any` (also under `Annotated[...]`) that has no default, or whose
    `Field(...)` sets none.

    Not reported: `ClassVar`/`Final` annotations, private attributes (`_name`),
    classes that are not models (through bases in any module of the project), and
    SQLModel table models (`table=True`), whose constructor does not validate.

    In v2 code "required but nullable" is a legitimate field, and v2 code spells it
    `X | None` (FastAPI's docs, this project's own models). So `X | None` is reported
    only in a module that shows it was written for v1: it imports a v1-only name
    (`validator`, `root_validator`, `BaseSettings` from `pydantic`, `GenericModel`,
    `parse_obj_as`, …), a model has an inner `class Config`, a `__root__` field, or a
    `Field(...)` with v1 arguments. `Optional[X]` and `Union[X, None]` are reported
    there and in modules that show neither version; not in a module that shows v2
    only, by importing a v2 name no fix of this linter writes (`computed_field`,
    `field_serializer`, `TypeAdapter`, `RootModel`, `AfterValidator`, …). Set
    `assume-v1` while migrating a project whose models import their v1 base from
    another module.

    ## Why is this bad?
    Pydantic v1 gave such a field the default `None`; v2 makes it required (it may be
    `None`, but it must be given). Code migrated from v1 starts failing with
    "Field required" wherever the field was omitted. If "required but nullable" is
    what you mean, say it with `= Field(...)` (or `# noqa: FRL406`).

    ## Example
    ```python
    class Item(BaseModel):
        description: Optional[str]
        tax: Optional[float] = Field(description="VAT")
    ```

    ## Use instead
    ```python
    class Item(BaseModel):
        description: Optional[str] = None
        tax: Optional[float] = Field(default=None, description="VAT")
    ```

    ## Fix safety
    Unsafe: it restores the v1 behaviour, which changes the v2 one (the field becomes
    optional, and the JSON schema no longer lists it as required). `= None` is added,
    or `default=None` into a `Field(...)` that has no default; an `Annotated[...,
    Field(...)]` with a default in its `Field` is not reported.

    ## Options
    - `assume-v1` (default `false`): report `X | None` fields in every module.
    """

    code = "FRL406"
    name = "optional-field-without-default"
    message = "Field `{field}` is optional but has no default, so Pydantic v2 requires it"
    summary = "An `Optional` model field without a default (required in Pydantic v2)"
    requires = Requires.PYDANTIC
    fix_availability = "unsafe"
    options_model = OptionalFieldOptions
    options: OptionalFieldOptions
    examples = (
        Clean(
            _HEAD + "class Item(BaseModel):\n"
            "    description: Optional[str] = None\n"
            "    tax: Optional[float] = Field(None, description='VAT')\n"
            "    code: Optional[str] = Field(...)\n"
            "    _cache: Optional[dict]\n"
        ),
        Clean(
            "from typing import ClassVar, Optional\n\nfrom pydantic import BaseModel\n\n\n"
            "class Item(BaseModel):\n    registry: ClassVar[Optional[dict]]\n\n\n"
            "class Plain:\n    name: Optional[str]\n",
            note="`ClassVar`; not a model",
        ),
        Clean(
            "from pydantic import BaseModel, ConfigDict\n\n\n"
            "class Item(BaseModel):\n    model_config = ConfigDict(frozen=True)\n\n"
            "    description: str | None\n",
            note="`X | None` in a module with no v1 API: required-and-nullable on purpose",
        ),
        Clean(
            "from typing import Optional\n\nfrom pydantic import BaseModel, computed_field\n\n\n"
            "class Item(BaseModel):\n    description: Optional[str]\n\n"
            "    @computed_field\n    def title(self) -> str:\n"
            "        return self.description or ''\n",
            note="a module that shows v2 only (`computed_field`)",
        ),
        Clean(
            "from typing import Optional\n\nfrom sqlmodel import Field, SQLModel\n\n\n"
            "class Hero(SQLModel, table=True):\n"
            "    id: Optional[int] = Field(primary_key=True)\n    age: Optional[int]\n",
            note="a table model",
        ),
        Flagged(
            "from typing import Annotated, Optional, Union\n\n"
            "from pydantic import BaseModel, Field\n\n\n"
            "class Item(BaseModel):\n"
            "    description: Optional[str]\n"
            "    tax: Union[float, None] = Field(description='VAT')\n"
            "    note: Annotated[Optional[str], Field(max_length=9)]\n",
            at=("7:5-7:16", "8:5-8:8", "9:5-9:9"),
            fixed="from typing import Annotated, Optional, Union\n\n"
            "from pydantic import BaseModel, Field\n\n\n"
            "class Item(BaseModel):\n"
            "    description: Optional[str] = None\n"
            "    tax: Union[float, None] = Field(default=None, description='VAT')\n"
            "    note: Annotated[Optional[str], Field(max_length=9)] = None\n",
            unsafe=True,
        ),
        Flagged(
            "from pydantic import BaseModel, Field\n\n\n"
            "class Item(BaseModel):\n"
            "    price: float | None = Field()\n"
            "    tags: list[str] | None\n\n"
            "    class Config:\n        orm_mode = True\n",
            at=("5:5-5:10", "6:5-6:9"),
            fixed="from pydantic import BaseModel, Field\n\n\n"
            "class Item(BaseModel):\n"
            "    price: float | None = Field(default=None)\n"
            "    tags: list[str] | None = None\n\n"
            "    class Config:\n        orm_mode = True\n",
            unsafe=True,
            note="`X | None` in a v1 module (an inner `class Config`)",
        ),
        Flagged(
            "from pydantic import BaseModel\n\n\nclass Item(BaseModel):\n"
            "    description: str | None\n",
            at=("5:5-5:16",),
            options={"assume-v1": True},
            note="`assume-v1`: `X | None` everywhere",
        ),
        Flagged(
            "from typing import Optional\n\nfrom app.schemas.base import ORMModel\n\n\n"
            "class ItemOut(ORMModel):\n    owner: Optional[str]\n",
            at=("7:5-7:10",),
            fixed="from typing import Optional\n\nfrom app.schemas.base import ORMModel\n\n\n"
            "class ItemOut(ORMModel):\n    owner: Optional[str] = None\n",
            unsafe=True,
            path="app/schemas/items.py",
            files={
                "app/schemas/base.py": "from pydantic import BaseModel\n\n\n"
                "class ORMModel(BaseModel):\n    pass\n"
            },
            note="a model through a base class in another module",
        ),
    )

    def setup(self) -> None:
        # (name node, noqa anchor, fix, spelled with `|`), reported at the module's end.
        self._found: list[tuple[cst.Name, cst.CSTNode, NodeFix, bool]] = []
        bound = self.context.table.bindings.values()
        self._v1_evidence = any(not names.isdisjoint(V1_ONLY_NAMES) for names in bound)
        self._v2_evidence = any(not names.isdisjoint(V2_ONLY_NAMES) for names in bound)

    def visit_Call(self, node: cst.Call) -> None:
        if self._v1_evidence or not self.context.resolves_to(node.func, _FIELDS):
            return
        if any(
            arg.keyword is not None and arg.keyword.value in V1_FIELD_ARGUMENTS for arg in node.args
        ):
            self._v1_evidence = True

    def visit_ClassDef(self, node: cst.ClassDef) -> None:
        if not is_model_class(node, self.context) or self._is_excluded(node):
            return
        if not isinstance(node.body, cst.IndentedBlock):
            return
        for line in node.body.body:
            if isinstance(line, cst.ClassDef) and line.name.value == "Config":
                self._v1_evidence = True
            if isinstance(line, cst.SimpleStatementLine):
                for statement in line.body:
                    if isinstance(statement, cst.AnnAssign):
                        self._check(statement)

    def leave_Module(self, original_node: cst.Module) -> None:
        report_all = self._v1_evidence or self.options.assume_v1
        if not report_all and self._v2_evidence:
            return
        for name, anchor, fix, is_pep604 in self._found:
            if report_all or not is_pep604:
                self.report_with_anchor(name, anchor, fix=fix, field=name.value)

    def _is_excluded(self, node: cst.ClassDef) -> bool:
        for argument in node.keywords:
            if (
                argument.keyword is not None
                and argument.keyword.value == "table"
                and not (isinstance(argument.value, cst.Name) and argument.value.value == "False")
            ):
                return True
        return any(
            self.context.resolves_to(
                d.decorator.func if isinstance(d.decorator, cst.Call) else d.decorator,
                _DATACLASSES,
            )
            for d in node.decorators
        )

    def _check(self, statement: cst.AnnAssign) -> None:
        target = statement.target
        if not isinstance(target, cst.Name):
            return
        if target.value == "__root__":
            self._v1_evidence = True
        if target.value.startswith("_"):
            return
        names = self.context.qualified_names
        kind = field_type(statement.annotation.annotation, names)
        if not kind.is_optional or kind.is_class_var:
            return
        if any(
            isinstance(item, cst.Call)
            and self.context.resolves_to(item.func, _FIELDS)
            and has_default(item)
            for item in kind.metadata
        ):
            return
        # Insertions, not replacements: they cannot overlap another rule's edit of the
        # annotation or of the `Field(...)` arguments, so they apply in the same pass.
        value = statement.value
        fix: NodeFix
        if value is None:
            fix = NodeFix(
                message="Add `= None`",
                applicability=Applicability.UNSAFE,
                replacements=(),
                text_insertions=((statement.annotation, " = None", False),),
            )
        elif isinstance(value, cst.Call) and self.context.resolves_to(value.func, _FIELDS):
            if has_default(value):
                return
            if value.args:
                insertion = (value.args[0], "default=None, ", True)
                fix = NodeFix(
                    message="Add `default=None`",
                    applicability=Applicability.UNSAFE,
                    replacements=(),
                    text_insertions=(insertion,),
                )
            else:
                new = value.with_changes(args=(keyword_arg("default", cst.Name("None")),))
                fix = NodeFix(
                    message="Add `default=None`",
                    applicability=Applicability.UNSAFE,
                    replacements=((value, new),),
                )
        else:
            return
        self._found.append((target, self.context.anchor, fix, kind.is_pep604))
