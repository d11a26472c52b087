"""FRL404: a Pydantic v1 argument of ``Field`` (``regex=``, ``min_items=``, …)."""

from __future__ import annotations

import libcst as cst

from fastapi_rules_lint.engine.diagnostics import Applicability, DiagnosticTag
from fastapi_rules_lint.rulebase.edits import keyword_arg, with_argument
from fastapi_rules_lint.rulebase.rule import Clean, Flagged, NodeFix, Requires, Rule
from fastapi_rules_lint.semantics.pydantic.fields import (
    FIELD_PARAMETERS,
    PYDANTIC_FIELD,
    SQLMODEL_FIELD,
    SQLMODEL_IGNORED,
    V1_FIELD_ARGUMENTS,
    keyword,
)
from fastapi_rules_lint.semantics.pydantic.models import is_settings_class
from fastapi_rules_lint.semantics.pydantic.patterns import Exactness, v2_pattern

_HEAD = "from pydantic import BaseModel, Field\n\n\nclass Item(BaseModel):\n"


class PydanticV1FieldArgument(Rule):
    """## What it does
    Finds arguments of `pydantic.Field(...)` that Pydantic v2 removed or renamed:
    `regex`, `min_items`, `max_items`, `allow_mutation`, `const`, `unique_items` and
    `include`; and *extra* keywords (`example=1`, `env="X"`, any keyword v2's `Field`
    does not take), which v1 copied into the JSON schema — and, for `env` on a
    `BaseSettings` field, used as the environment variable's name.

    `sqlmodel.Field` still takes `regex`, `allow_mutation`, `const` and
    `unique_items`, but under Pydantic v2 it hands them to a `FieldInfo` that drops
    them: the constraint is silently gone, so they are reported too (without a fix:
    `sqlmodel.Field` has no `pattern=`). Its `min_items`/`max_items` warn and are
    renamed as for Pydantic.

    ## Why is this bad?
    In v2 `regex`, `const` and `unique_items` raise `PydanticUserError` when the class
    is defined; `min_items`, `max_items`, `allow_mutation`, `include` and extra
    keywords are deprecated and warn (an error under `-W error::DeprecationWarning`).
    `env=` no longer names the variable a setting is read from: the setting silently
    reads its own name instead.

    ## Example
    ```python
    class Item(BaseModel):
        sku: str = Field(regex=r"^[A-Z]{3}-\\d+$")
        tags: list[str] = Field(min_items=1)
        id: int = Field(allow_mutation=False)
    ```

    ## Use instead
    ```python
    class Item(BaseModel):
        sku: str = Field(pattern=r"^[A-Z]{3}-\\d+$")
        tags: list[str] = Field(min_length=1)
        id: int = Field(frozen=True)
    ```

    ## Fix safety
    `min_items` → `min_length`, `max_items` → `max_length`, `allow_mutation=False` →
    `frozen=True` (and `allow_mutation=True` dropped) are safe: v2 maps the old names
    to exactly these. No fix when the new keyword is already there or
    `allow_mutation`'s value is not a literal `True`/`False`.

    `regex` → `pattern` is a different matter: v1 matched with Python's `re.match`
    (anchored at the start) and v2 *searches* with Rust's regex engine, so the fix
    anchors the pattern (`"abc"` → `"^abc"`; `"a|b"` → `"^(?:a|b)"`). It is safe for a
    string literal both engines read alike; unsafe when the pattern has a `$` (Python's
    also matches before a final newline, Rust's does not, so `"ab\\n"` passed v1's
    `"^ab$"` and fails v2's) and when the pattern is not a literal (renamed, not
    anchored); no fix when it uses look-around, backreferences, `\\Z` or other
    constructs Rust's engine lacks or reads differently. `const` and `unique_items`
    have no fix: the field's type has to change (`Literal[...]`, `set[...]`); nor has
    `include` (export options belong to `model_dump()`).

    Extra keywords move into `json_schema_extra={...}` (safe: v2 puts them there
    itself, with a warning; the JSON schema is unchanged). `env="X"` on a settings
    field becomes `validation_alias="X"`, unsafe: the variable is read as before, but
    `Settings(name=...)` must now be written `Settings(X=...)`. No fix when the call
    already has `json_schema_extra`/`validation_alias`, or unpacks `**kwargs`.
    """

    code = "FRL404"
    name = "pydantic-v1-field-argument"
    message = "`{argument}=` is a Pydantic v1 argument of `Field`; {advice}"
    summary = "A Pydantic v1 argument of `Field` (`regex`, `min_items`, `allow_mutation`, …)"
    requires = Requires.PYDANTIC
    fix_availability = "sometimes"
    tags = frozenset({DiagnosticTag.DEPRECATED})
    examples = (
        Clean(
            _HEAD + '    sku: str = Field(pattern=r"^[A-Z]+$")\n'
            "    tags: list[str] = Field(min_length=1, frozen=True)\n"
        ),
        Clean(
            "from pydantic.v1 import BaseModel, Field\n\n\nclass Item(BaseModel):\n"
            '    sku: str = Field(regex="^[A-Z]+$")\n',
            note="`pydantic.v1` is v1 on purpose (FRL405 reports the import)",
        ),
        Clean(
            "from pydantic import BaseModel\nfrom mylib import Field\n\n\n"
            'class Item(BaseModel):\n    sku: str = Field(regex="^[A-Z]+$")\n',
            note="not Pydantic's `Field`",
        ),
        Flagged(
            _HEAD + '    sku: str = Field(..., regex="^[A-Z]+")\n'
            '    code: str = Field(regex=r"[a-z]|[0-9]")\n'
            "    tags: list[str] = Field(min_items=1, max_items=3)\n"
            "    id: int = Field(0, allow_mutation=False)\n",
            at=("5:27-5:42", "6:23-6:43", "7:29-7:40", "7:42-7:53", "8:24-8:44"),
            fixed=_HEAD + '    sku: str = Field(..., pattern="^[A-Z]+")\n'
            '    code: str = Field(pattern=r"^(?:[a-z]|[0-9])")\n'
            "    tags: list[str] = Field(min_length=1, max_length=3)\n"
            "    id: int = Field(0, frozen=True)\n",
        ),
        Flagged(
            "import pydantic\n\n\nclass Item(pydantic.BaseModel):\n"
            '    sku: str = pydantic.Field(regex=r"^[A-Z]+-\\d+$")\n'
            "    id: int = pydantic.Field(0, allow_mutation=True)\n",
            at=("5:31-5:52", "6:33-6:52"),
            fixed="import pydantic\n\n\nclass Item(pydantic.BaseModel):\n"
            '    sku: str = pydantic.Field(pattern=r"^[A-Z]+-\\d+$")\n'
            "    id: int = pydantic.Field(0)\n",
            unsafe=True,
            note="`$` makes the `pattern` rename unsafe; `allow_mutation=True` is dropped",
        ),
        Flagged(
            _HEAD + '    sku: str = Field(regex=r"(?=[A-Z])\\w+")\n'
            "    kind: str = Field('a', const=True)\n"
            "    tags: list[str] = Field(unique_items=True)\n"
            "    size: list[int] = Field(min_items=1, min_length=2)\n",
            at=("5:22-5:43", "6:28-6:38", "7:29-7:46", "8:29-8:40"),
            note="look-ahead, `const`, `unique_items`, both names: no fix",
        ),
        Flagged(
            _HEAD + '    sku: str = Field(..., example="ABC-1", max_length=9)\n',
            at=("5:27-5:42",),
            fixed=_HEAD + "    sku: str = Field(..., max_length=9, "
            'json_schema_extra={"example": "ABC-1"})\n',
            note="an extra keyword: into `json_schema_extra`",
        ),
        Flagged(
            "from pydantic import Field\nfrom pydantic_settings import BaseSettings\n\n\n"
            "class Settings(BaseSettings):\n"
            '    dsn: str = Field("sqlite://", env="DATABASE_URL")\n',
            at=("6:35-6:53",),
            fixed="from pydantic import Field\nfrom pydantic_settings import BaseSettings\n\n\n"
            "class Settings(BaseSettings):\n"
            '    dsn: str = Field("sqlite://", validation_alias="DATABASE_URL")\n',
            unsafe=True,
            note="`env` of a setting: `validation_alias`",
        ),
        Flagged(
            "from sqlmodel import Field, SQLModel\n\n\nclass Hero(SQLModel):\n"
            '    name: str = Field(regex="^[a-z]+$")\n'
            "    powers: list[str] = Field(default=[], min_items=1)\n",
            at=("5:23-5:39", "6:43-6:54"),
            fixed="from sqlmodel import Field, SQLModel\n\n\nclass Hero(SQLModel):\n"
            '    name: str = Field(regex="^[a-z]+$")\n'
            "    powers: list[str] = Field(default=[], min_length=1)\n",
            note="`sqlmodel.Field` drops `regex` under Pydantic v2: reported, no fix",
        ),
    )

    def visit_Call(self, node: cst.Call) -> None:
        names = self.context.qualified_names(node.func)
        is_sqlmodel = not names.isdisjoint(SQLMODEL_FIELD)
        if not is_sqlmodel and names.isdisjoint(PYDANTIC_FIELD):
            return
        for arg in node.args:
            if arg.keyword is None or arg.keyword.value not in V1_FIELD_ARGUMENTS:
                continue
            argument = V1_FIELD_ARGUMENTS[arg.keyword.value]
            if is_sqlmodel and argument.name in SQLMODEL_IGNORED:
                advice = "`sqlmodel.Field` ignores it under Pydantic v2"
                self.report(arg, argument=argument.name, advice=advice)
                continue
            fix = self._fix(node, arg, argument.name, argument.renamed)
            self.report(arg, fix=fix, argument=argument.name, advice=argument.advice)
        if not is_sqlmodel:
            self._extras(node)

    # --- extra keywords (`example=`, `env=`) -------------------------------------------
    def _extras(self, call: cst.Call) -> None:
        extras = [
            arg
            for arg in call.args
            if arg.keyword is not None
            and arg.keyword.value not in FIELD_PARAMETERS
            and arg.keyword.value not in V1_FIELD_ARGUMENTS
        ]
        if not extras:
            return
        in_settings = self._in_settings_class()
        schema_extras = [arg for arg in extras if not (in_settings and _keyword(arg) == "env")]
        schema_fix = _json_schema_extra_fix(call, schema_extras)
        for arg in extras:
            name = _keyword(arg)
            if arg in schema_extras:
                advice = "v2 deprecates extra arguments: put it in `json_schema_extra`"
                self.report(arg, fix=schema_fix, argument=name, advice=advice)
                continue
            fix = None
            if isinstance(arg.value, (cst.SimpleString, cst.ConcatenatedString)) and (
                keyword(call, "validation_alias") is None
            ):
                assert arg.keyword is not None
                fix = NodeFix(
                    message="Use `validation_alias=`",
                    applicability=Applicability.UNSAFE,
                    replacements=((arg.keyword, cst.Name("validation_alias")),),
                )
            advice = "`pydantic-settings` reads the variable named by `validation_alias=`"
            self.report(arg, fix=fix, argument=name, advice=advice)

    def _in_settings_class(self) -> bool:
        classes = self.context.classes
        return (
            bool(classes)
            and self.context.function is None
            and is_settings_class(classes[-1], self.context)
        )

    def _fix(self, call: cst.Call, arg: cst.Arg, name: str, renamed: str | None) -> NodeFix | None:
        if renamed is None or keyword(call, renamed) is not None:
            return None
        assert arg.keyword is not None
        new_keyword = cst.Name(renamed)
        if name == "allow_mutation":
            return _allow_mutation_fix(call, arg)
        if name != "regex":
            return NodeFix(
                message=f"Use `{renamed}=`",
                applicability=Applicability.SAFE,
                replacements=((arg.keyword, new_keyword),),
            )
        rewrite = v2_pattern(arg.value)
        if rewrite is None:
            if isinstance(
                arg.value, (cst.SimpleString, cst.ConcatenatedString, cst.FormattedString)
            ):
                return None  # a literal we read and found non-portable, or can't read
            return NodeFix(
                message="Use `pattern=` (v2 searches: anchor the pattern with `^`)",
                applicability=Applicability.UNSAFE,
                replacements=((arg.keyword, new_keyword),),
            )
        exact = rewrite.exactness is Exactness.EXACT
        replacements: tuple[tuple[cst.CSTNode, cst.CSTNode | None], ...] = (
            (arg.keyword, new_keyword),
        )
        if rewrite.literal is not arg.value:
            replacements += ((arg.value, rewrite.literal),)
        return NodeFix(
            message="Use `pattern=`",
            applicability=Applicability.SAFE if exact else Applicability.UNSAFE,
            replacements=replacements,
        )


def _allow_mutation_fix(call: cst.Call, arg: cst.Arg) -> NodeFix | None:
    value = arg.value
    if not isinstance(value, cst.Name) or value.value not in {"True", "False"}:
        return None
    if value.value == "False":
        assert arg.keyword is not None
        return NodeFix(
            message="Use `frozen=True`",
            applicability=Applicability.SAFE,
            replacements=((arg.keyword, cst.Name("frozen")), (value, cst.Name("True"))),
        )
    return NodeFix(
        message="Remove `allow_mutation=True` (the default)",
        applicability=Applicability.SAFE,
        replacements=((call, _without(call, arg)),),
    )


def _without(call: cst.Call, removed: cst.Arg) -> cst.Call:
    """``call`` without ``removed``, keeping the layout of the rest."""
    args = [arg for arg in call.args if arg is not removed]
    if args and call.args[-1] is removed:
        args[-1] = args[-1].with_changes(comma=removed.comma)
    return call.with_changes(args=args)


def _keyword(arg: cst.Arg) -> str:
    assert arg.keyword is not None
    return arg.keyword.value


def _json_schema_extra_fix(call: cst.Call, extras: list[cst.Arg]) -> NodeFix | None:
    """Move ``extras`` into ``json_schema_extra={...}``: what v2 does with them anyway
    (minus the warning), and what v1 did (the JSON schema gets them)."""
    if not extras or keyword(call, "json_schema_extra") is not None:
        return None
    if any(arg.star for arg in call.args):
        return None
    elements = [
        cst.DictElement(
            cst.SimpleString(f'"{_keyword(arg)}"'),
            arg.value,
            comma=cst.Comma(whitespace_after=cst.SimpleWhitespace(" ")),
        )
        for arg in extras
    ]
    elements[-1] = elements[-1].with_changes(comma=cst.MaybeSentinel.DEFAULT)
    kept = [arg for arg in call.args if all(arg is not extra for extra in extras)]
    new = call.with_changes(args=kept)
    if kept and call.args[-1] is not kept[-1]:
        kept[-1] = kept[-1].with_changes(comma=call.args[-1].comma)
        new = call.with_changes(args=kept)
    new = with_argument(new, keyword_arg("json_schema_extra", cst.Dict(elements)))
    names = ", ".join(f"`{_keyword(arg)}`" for arg in extras)
    return NodeFix(
        message=f"Move {names} into `json_schema_extra`",
        applicability=Applicability.SAFE,
        replacements=((call, new),),
    )
