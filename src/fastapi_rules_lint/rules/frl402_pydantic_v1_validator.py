"""FRL402: a Pydantic v1 ``@validator`` / ``@root_validator``."""

from __future__ import annotations

import libcst as cst

from fastapi_rules_lint.engine.diagnostics import Applicability, DiagnosticTag, ImportRequest
from fastapi_rules_lint.rulebase.edits import NameUse, name_use
from fastapi_rules_lint.rulebase.rule import Clean, Flagged, NodeFix, Requires, Rule
from fastapi_rules_lint.semantics.pydantic.models import CLASSMETHOD, is_model_class
from fastapi_rules_lint.semantics.pydantic.v1_api import ROOT_VALIDATOR, VALIDATOR
from fastapi_rules_lint.semantics.pydantic.validators import (
    Rewrite,
    rewrite_field_validator,
    rewrite_root_validator,
)
from fastapi_rules_lint.semantics.python.names import dotted_name

_HEAD = "from pydantic import BaseModel, validator\n\n\nclass User(BaseModel):\n    name: str\n"
_FIXED_HEAD = (
    "from pydantic import BaseModel, field_validator\n\n\nclass User(BaseModel):\n    name: str\n"
)
_PYDANTIC_NAMES = {
    "field_validator": frozenset(
        {"pydantic.field_validator", "pydantic.functional_validators.field_validator"}
    ),
    "model_validator": frozenset(
        {"pydantic.model_validator", "pydantic.functional_validators.model_validator"}
    ),
    "ValidationInfo": frozenset(
        {"pydantic.ValidationInfo", "pydantic_core.core_schema.ValidationInfo"}
    ),
}


class PydanticV1Validator(Rule):
    """## What it does
    Finds Pydantic v1 validators: `@validator(...)` and `@root_validator(...)`
    (imported from `pydantic`, under any alias or as `pydantic.validator`).

    ## Why is this bad?
    Both are deprecated in Pydantic v2 (a warning at import, an error under
    `-W error::DeprecationWarning`), and v2 rejects a plain `@root_validator` without
    `skip_on_failure=True` outright. v2's `@field_validator`/`@model_validator` are
    explicit about when they run (`mode=`) and what they receive.

    ## Example
    ```python
    class User(BaseModel):
        password: str
        confirm: str

        @validator("confirm")
        def passwords_match(cls, v, values):
            if v != values.get("password"):
                raise ValueError("passwords differ")
            return v
    ```

    ## Use instead
    ```python
    class User(BaseModel):
        password: str
        confirm: str

        @field_validator("confirm")
        @classmethod
        def passwords_match(cls, v, info: ValidationInfo):
            if v != info.data.get("password"):
                raise ValueError("passwords differ")
            return v
    ```

    ## Fix safety
    Safe for the forms whose v2 meaning is the same, inside a model class:
    - `@validator("a", "b", pre=True, check_fields=False, allow_reuse=True)` →
      `@field_validator("a", "b", mode="before", check_fields=False)` over
      `@classmethod`; a `values` parameter becomes `info: ValidationInfo` and reads of
      `values` become `info.data`; `field.name` becomes `info.field_name`; unused
      `config`/`field`/`**kwargs` parameters are dropped;
    - `@root_validator(pre=True)` → `@model_validator(mode="before")` over `@classmethod`;
    - `@root_validator(skip_on_failure=True)` → `@model_validator(mode="after")`, an
      instance method, when the body only reads fields of the class
      (`values["a"]`, `values.get("a")` → `self.a`) and ends with `return values`
      (→ `return self`). Unsafe for a plain `@root_validator`: v1 ran it after failed
      fields too, v2 only on valid data.

    No fix for `each_item=True` (v2 validates the whole value), `always=True` (v2 wants
    `Field(validate_default=True)` on the field), a body that uses `config`, `field`
    beyond `.name` or `**kwargs`, or rebinds `values`, root validators whose body does
    more with `values`, validators with other decorators, and validators outside a
    known model.
    """

    code = "FRL402"
    name = "pydantic-v1-validator"
    message = "`@{decorator}` is the Pydantic v1 API; {advice}"
    summary = "A Pydantic v1 `@validator` or `@root_validator`"
    requires = Requires.PYDANTIC
    fix_availability = "sometimes"
    tags = frozenset({DiagnosticTag.DEPRECATED})
    examples = (
        Clean(
            "from pydantic import BaseModel, field_validator\n\n\nclass User(BaseModel):\n"
            "    name: str\n\n    @field_validator('name')\n    @classmethod\n"
            "    def strip(cls, v: str) -> str:\n        return v.strip()\n"
        ),
        Clean(
            "from pydantic import BaseModel\nfrom mylib import validator\n\n\n"
            "class User(BaseModel):\n    name: str\n\n    @validator('name')\n"
            "    def strip(cls, v: str) -> str:\n        return v.strip()\n",
            note="not Pydantic's `validator`",
        ),
        Flagged(
            _HEAD + "\n    @validator('name', pre=True, allow_reuse=True)\n"
            "    def strip(cls, v: str) -> str:\n        return v.strip()\n",
            at=("7:6-7:51",),
            fixed=_FIXED_HEAD + "\n    @field_validator('name', mode=\"before\")\n"
            "    @classmethod\n    def strip(cls, v: str) -> str:\n        return v.strip()\n",
        ),
        Flagged(
            _HEAD + "    confirm: str\n\n    @validator('confirm')\n"
            "    def match(cls, v, values, **kwargs):\n"
            "        if v != values['name']:\n            raise ValueError(kwargs)\n"
            "        return v\n",
            at=("8:6-8:26",),
            note="the body uses `**kwargs`: no fix",
        ),
        Flagged(
            _HEAD + "    confirm: str\n\n    @validator('confirm')\n"
            "    def match(cls, v, values, field):\n"
            "        if v != values.get('name'):\n"
            "            raise ValueError(f'{field.name} differs')\n"
            "        return v\n",
            at=("8:6-8:26",),
            fixed="from pydantic import BaseModel, ValidationInfo, field_validator\n"
            "\n\n"
            "class User(BaseModel):\n    name: str\n    confirm: str\n\n"
            "    @field_validator('confirm')\n    @classmethod\n"
            "    def match(cls, v, info: ValidationInfo):\n"
            "        if v != info.data.get('name'):\n"
            "            raise ValueError(f'{info.field_name} differs')\n"
            "        return v\n",
            note="`values` and `field` read through `info`",
        ),
        Flagged(
            _HEAD + "\n    @validator('name', each_item=True)\n"
            "    def strip(cls, v: str) -> str:\n        return v.strip()\n",
            at=("7:6-7:39",),
            note="`each_item=True`: no fix",
        ),
        Flagged(
            "from pydantic import BaseModel, root_validator\n\n\nclass Span(BaseModel):\n"
            "    start: int\n    end: int\n\n    @root_validator(pre=True)\n"
            "    def defaults(cls, values):\n        values.setdefault('end', 0)\n"
            "        return values\n\n"
            "    @root_validator(skip_on_failure=True)\n"
            "    def ordered(cls, values):\n"
            "        if values['start'] > values.get('end'):\n"
            "            raise ValueError('start after end')\n"
            "        return values\n",
            at=("8:6-8:30", "13:6-13:42"),
            fixed="from pydantic import BaseModel, model_validator\n\n\n"
            "class Span(BaseModel):\n"
            '    start: int\n    end: int\n\n    @model_validator(mode="before")\n'
            "    @classmethod\n"
            "    def defaults(cls, values):\n        values.setdefault('end', 0)\n"
            "        return values\n\n"
            '    @model_validator(mode="after")\n'
            "    def ordered(self):\n"
            "        if self.start > self.end:\n"
            "            raise ValueError('start after end')\n"
            "        return self\n",
        ),
        Flagged(
            "from pydantic import BaseModel, root_validator\n\n\nclass Span(BaseModel):\n"
            "    start: int\n\n    @root_validator(skip_on_failure=True)\n"
            "    def fill(cls, values):\n        values['start'] = 0\n        return values\n",
            at=("7:6-7:42",),
            note="the body writes to `values`: no fix",
        ),
    )

    def visit_FunctionDef(self, node: cst.FunctionDef) -> None:
        for decorator in node.decorators:
            expression = decorator.decorator
            callee = expression.func if isinstance(expression, cst.Call) else expression
            names = self.context.signature_qualified_names(callee)
            if not names.isdisjoint(VALIDATOR):
                self._check(node, decorator, callee, is_root=False)
            elif not names.isdisjoint(ROOT_VALIDATOR):
                self._check(node, decorator, callee, is_root=True)

    def _check(
        self,
        function: cst.FunctionDef,
        decorator: cst.Decorator,
        callee: cst.BaseExpression,
        *,
        is_root: bool,
    ) -> None:
        old = "root_validator" if is_root else "validator"
        new = "model_validator" if is_root else "field_validator"
        frame = self.context.function
        owner = frame.class_node if frame is not None else None
        if owner is None or not is_model_class(owner, self.context):
            self.report(decorator.decorator, decorator=old, advice=f"use `@{new}`")
            return
        outcome = self._rewrite(function, decorator, callee, owner, is_root=is_root)
        if isinstance(outcome, str):
            advice = f"use `@{new}` (no automatic fix: {outcome})"
            self.report(decorator.decorator, decorator=old, advice=advice)
            return
        self.report(decorator.decorator, fix=outcome, decorator=old, advice=f"use `@{new}`")

    def _rewrite(
        self,
        function: cst.FunctionDef,
        decorator: cst.Decorator,
        callee: cst.BaseExpression,
        owner: cst.ClassDef,
        *,
        is_root: bool,
    ) -> NodeFix | str:
        imports: list[ImportRequest] = []
        new = "model_validator" if is_root else "field_validator"
        new_callee = self._name(new, callee, imports)
        if new_callee is None:
            return f"`{new}` is bound to something else here"
        if not self._classmethod_visible():
            return "`classmethod` is shadowed"
        rewrite: Rewrite | str
        if is_root:
            rewrite = rewrite_root_validator(
                function, decorator, new_callee, self._is_classmethod, owner
            )
        else:
            info_imports: list[ImportRequest] = []
            info_type = self._name("ValidationInfo", callee, info_imports)
            if info_type is None:
                return "`ValidationInfo` is bound to something else here"
            rewrite = rewrite_field_validator(
                function, decorator, new_callee, info_type, self._is_classmethod
            )
            if not isinstance(rewrite, str) and rewrite.needs_info:
                imports.extend(info_imports)
        if isinstance(rewrite, str):
            return rewrite
        return NodeFix(
            message=f"Use `@{new}`",
            applicability=Applicability.SAFE if rewrite.is_safe else Applicability.UNSAFE,
            replacements=((function, rewrite.function),),
            imports=tuple(imports),
        )

    def _name(
        self, name: str, written: cst.BaseExpression, imports: list[ImportRequest]
    ) -> cst.BaseExpression | None:
        """``name`` from pydantic as the v1 decorator was written: ``pydantic.name``
        when it was an attribute of the module, else the bare name (imported)."""
        dotted = dotted_name(written) or ""
        if isinstance(written, cst.Attribute) and "." in dotted:
            module = dotted.rpartition(".")[0]
            if self.context.signature_qualified_names(cst.parse_expression(module)) == {"pydantic"}:
                return cst.parse_expression(f"{module}.{name}")
        use = name_use(self.context, name, _PYDANTIC_NAMES[name], in_decorator=True)
        if use is NameUse.TAKEN:
            return None
        if use is NameUse.FREE:
            imports.append(ImportRequest("pydantic", name))
        return cst.Name(name)

    def _classmethod_visible(self) -> bool:
        return not self.context.signature_qualified_names(cst.Name("classmethod")).isdisjoint(
            CLASSMETHOD
        )

    def _is_classmethod(self, decorator: cst.Decorator) -> bool:
        return not self.context.signature_qualified_names(decorator.decorator).isdisjoint(
            CLASSMETHOD
        )
