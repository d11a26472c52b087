"""FRL407: a constrained-type function (``constr(...)``, ``conint(...)``, …)."""

from __future__ import annotations

import libcst as cst

from fastapi_rules_lint.engine.diagnostics import Applicability, DiagnosticTag, ImportRequest
from fastapi_rules_lint.rulebase.edits import NameUse, name_use
from fastapi_rules_lint.rulebase.rule import Clean, Flagged, NodeFix, Requires, Rule
from fastapi_rules_lint.semantics.pydantic.constrained import (
    CONSTRAINED_NAMES,
    SQLMODEL_FIELD_KEYWORDS,
    Constrained,
)
from fastapi_rules_lint.semantics.pydantic.fields import PYDANTIC_FIELD, SQLMODEL_FIELD
from fastapi_rules_lint.semantics.pydantic.patterns import Exactness, v2_pattern
from fastapi_rules_lint.semantics.python.annotations import ANNOTATED, class_level_names

_STRING_CONSTRAINTS = frozenset({"pydantic.StringConstraints", "pydantic.types.StringConstraints"})
_HEAD = "from pydantic import BaseModel, conint, constr\n\n\n"
_AFTER = (
    "from typing import Annotated\n\nfrom pydantic import BaseModel, Field, StringConstraints\n\n\n"
)


class ConstrainedTypeFunction(Rule):
    """## What it does
    Finds calls of Pydantic's constrained-type functions: `constr`, `conint`,
    `confloat`, `condecimal`, `condate`, `conbytes`, `conlist`, `conset` and
    `confrozenset` (from `pydantic` or `pydantic.types`; `pydantic.v1`'s are left to
    FRL405).

    ## Why is this bad?
    Pydantic v2 discourages them (and plans to deprecate them): a call in an
    annotation is an expression type checkers cannot read, so `name: constr(max_length=5)`
    is an error for mypy and pyright. `Annotated[str, StringConstraints(max_length=5)]`
    is the same type, visible to them, and can be named once as an alias. Their v1
    arguments (`regex`, `min_items`, `curtail_length`, …) fail in v2.

    ## Example
    ```python
    class Item(BaseModel):
        name: constr(strip_whitespace=True, max_length=50)
        quantity: conint(ge=0)
        tags: conlist(str, min_items=1)
    ```

    ## Use instead
    ```python
    class Item(BaseModel):
        name: Annotated[str, StringConstraints(strip_whitespace=True, max_length=50)]
        quantity: Annotated[int, Field(ge=0)]
        tags: Annotated[list[str], Field(min_length=1)]
    ```

    ## Fix safety
    Safe: v2 builds the same validator from both forms. `constr` becomes
    `StringConstraints`, the others a `Field` in `Annotated` (`strict=True` included);
    v1 spellings are renamed (`min_items`/`max_items` → `min_length`/`max_length`,
    `regex` → `pattern`, anchored with `^` since v2 searches — unsafe or no fix for the
    patterns FRL404 explains; unsafe too with `to_lower`/`to_upper`, which v1 applied
    before matching `regex` and v2 applies after matching `pattern`). No fix when an
    argument has no v2 equivalent (`curtail_length`, `unique_items`,
    `conbytes(to_lower=...)`), for `*args`/`**kwargs`, for a call used as a base class,
    or when a name the rewrite needs (`Annotated`, `Field`, `StringConstraints`,
    `Decimal`, `date`, `str`, …) means something else here. `Field` may be
    `sqlmodel.Field` when only constraints it takes are used.
    """

    code = "FRL407"
    name = "constrained-type-function"
    message = (
        "`{function}(...)` is discouraged in Pydantic v2; use `Annotated[{base}, {marker}(...)]`"
    )
    summary = "A constrained-type function (`constr`, `conint`, …) instead of `Annotated`"
    requires = Requires.PYDANTIC
    fix_availability = "sometimes"
    tags = frozenset({DiagnosticTag.DEPRECATED})
    examples = (
        Clean(
            _AFTER + "class Item(BaseModel):\n"
            "    name: Annotated[str, StringConstraints(max_length=50)]\n"
            "    quantity: Annotated[int, Field(ge=0)]\n"
        ),
        Clean(
            "from pydantic.v1 import BaseModel, constr\n\n\n"
            "class Item(BaseModel):\n    name: constr(max_length=50)\n",
            note="`pydantic.v1` (FRL405 reports it)",
        ),
        Clean(
            "from mylib import conint\n\n\ndef f(x: conint(ge=0)) -> None: ...\n",
            note="not Pydantic's",
        ),
        Flagged(
            _HEAD + "class Item(BaseModel):\n"
            "    name: constr(strip_whitespace=True, max_length=50)\n"
            "    quantity: conint(ge=0, strict=True)\n",
            at=("5:11-5:55", "6:15-6:40"),
            fixed=_AFTER + "class Item(BaseModel):\n"
            "    name: Annotated[str, StringConstraints(strip_whitespace=True, max_length=50)]\n"
            "    quantity: Annotated[int, Field(ge=0, strict=True)]\n",
        ),
        Flagged(
            "import pydantic\nfrom pydantic import BaseModel, conlist\n\n"
            'Code = pydantic.constr(regex="[A-Z]{3}", strip_whitespace=True)\n\n\n'
            "class Order(BaseModel):\n"
            "    codes: conlist(Code, min_items=1)\n"
            "    price: pydantic.condecimal(max_digits=6, decimal_places=2)\n",
            at=("4:8-4:64", "8:12-8:38", "9:12-9:63"),
            fixed="from decimal import Decimal\n"
            "from typing import Annotated\n"
            "from pydantic import BaseModel, Field, StringConstraints\n\n"
            "Code = Annotated[str, "
            'StringConstraints(pattern="^[A-Z]{3}", strip_whitespace=True)]\n\n\n'
            "class Order(BaseModel):\n"
            "    codes: Annotated[list[Code], Field(min_length=1)]\n"
            "    price: Annotated[Decimal, Field(max_digits=6, decimal_places=2)]\n",
            note="an alias; v1 names renamed; the regex anchored; `Decimal` imported",
        ),
        Flagged(
            _HEAD + "class Item(BaseModel):\n"
            "    name: constr(curtail_length=5)\n"
            '    code: constr(regex=r"(?!x)\\w+")\n',
            at=("5:11-5:35", "6:11-6:36"),
            note="`curtail_length` has no v2 equivalent; look-ahead needs Python's engine",
        ),
    )

    def setup(self) -> None:
        self._bases: set[int] = set()

    def visit_ClassDef(self, node: cst.ClassDef) -> None:
        self._bases.update(id(base.value) for base in node.bases)

    def visit_Call(self, node: cst.Call) -> None:
        spec = next(
            (
                CONSTRAINED_NAMES[n]
                for n in self.context.qualified_names(node.func)
                if n in CONSTRAINED_NAMES
            ),
            None,
        )
        if spec is None:
            return
        fix = None if id(node) in self._bases else self._fix(node, spec)
        base = f"{spec.base}[...]" if spec.has_item_type else spec.base
        self.report(node, fix=fix, function=spec.function, base=base, marker=spec.marker)

    # --- the fix -----------------------------------------------------------------
    def _fix(self, call: cst.Call, spec: Constrained) -> NodeFix | None:
        if any(arg.star for arg in call.args):
            return None
        item: cst.BaseExpression | None = None
        keywords: list[cst.Arg] = []
        applicability = Applicability.SAFE
        for index, arg in enumerate(call.args):
            name = arg.keyword.value if arg.keyword is not None else None
            if spec.has_item_type and (name == "item_type" or (name is None and index == 0)):
                item = arg.value
                continue
            if name is None or name not in spec.arguments:
                return None
            new_name = spec.arguments[name]
            value = arg.value
            if name == "regex":
                rewrite = v2_pattern(value)
                if rewrite is None:
                    return None
                value = rewrite.literal
                if rewrite.exactness is not Exactness.EXACT:
                    applicability = Applicability.UNSAFE
            keywords.append(arg.with_changes(keyword=cst.Name(new_name), value=value))
        if _checks_pattern_before_case(call):
            applicability = Applicability.UNSAFE
        if spec.has_item_type and item is None:
            return None
        if len({arg.keyword.value for arg in keywords if arg.keyword is not None}) < len(keywords):
            return None  # `min_items` and `min_length` both
        imports: list[ImportRequest] = []
        base = self._spell(spec.base, f"{spec.base_module}.{spec.base}", imports)
        if base is None:
            return None
        base_type: cst.BaseExpression = cst.parse_expression(base)
        if item is not None:
            base_type = cst.Subscript(
                value=base_type, slice=[cst.SubscriptElement(cst.Index(item))]
            )
        if not keywords:
            replacement = base_type
        else:
            marker = self._marker(spec, keywords, imports)
            annotated = self._spell("Annotated", "typing.Annotated", imports, ANNOTATED)
            if marker is None or annotated is None:
                return None
            last = keywords[-1]
            keywords[-1] = last.with_changes(comma=cst.MaybeSentinel.DEFAULT)
            replacement = cst.Subscript(
                value=cst.parse_expression(annotated),
                slice=[
                    cst.SubscriptElement(cst.Index(base_type), comma=_comma()),
                    cst.SubscriptElement(
                        cst.Index(cst.Call(func=cst.parse_expression(marker), args=keywords))
                    ),
                ],
            )
        return NodeFix(
            message=f"Use `Annotated[{spec.base}, {spec.marker}(...)]`",
            applicability=applicability,
            replacements=((call, replacement),),
            imports=tuple(imports),
        )

    def _marker(
        self, spec: Constrained, keywords: list[cst.Arg], imports: list[ImportRequest]
    ) -> str | None:
        if spec.marker == "StringConstraints":
            return self._spell(
                "StringConstraints", "pydantic.StringConstraints", imports, _STRING_CONSTRAINTS
            )
        spelled = self._spell("Field", "pydantic.Field", imports, PYDANTIC_FIELD)
        if spelled is not None:
            return spelled
        used = {arg.keyword.value for arg in keywords if arg.keyword is not None}
        if used <= SQLMODEL_FIELD_KEYWORDS:
            return self._spell("Field", "sqlmodel.Field", imports, SQLMODEL_FIELD)
        return None

    def _spell(
        self,
        name: str,
        qualified: str,
        imports: list[ImportRequest],
        meaning: frozenset[str] | None = None,
    ) -> str | None:
        """How to write ``name`` (meaning ``qualified``) here, adding its import to
        ``imports`` when needed; None when ``name`` means something else."""
        module = qualified.rpartition(".")[0]
        scopes = self.context.scopes
        if (
            scopes
            and isinstance(scopes[-1], cst.ClassDef)
            and name in class_level_names(scopes[-1])
        ):
            return None  # a class attribute (`date: date = ...`) shadows it in the body
        use = name_use(self.context, name, meaning or frozenset({qualified}))
        if use is NameUse.TAKEN:
            return None
        if use is NameUse.FREE and module != "builtins":
            request = ImportRequest(module, name)
            if request not in imports:
                imports.append(request)
        return name


def _checks_pattern_before_case(call: cst.Call) -> bool:
    """v1 ``constr`` matched ``regex`` after ``to_lower``/``to_upper``; v2 matches
    ``pattern`` before them (after ``strip_whitespace``, like v1)."""
    names = {arg.keyword.value: arg.value for arg in call.args if arg.keyword is not None}
    flags = [names[key] for key in ("to_lower", "to_upper") if key in names]
    changes_case = any(
        not (isinstance(flag, cst.Name) and flag.value in {"False", "None"}) for flag in flags
    )
    return "regex" in names and changes_case


def _comma() -> cst.Comma:
    return cst.Comma(whitespace_after=cst.SimpleWhitespace(" "))
