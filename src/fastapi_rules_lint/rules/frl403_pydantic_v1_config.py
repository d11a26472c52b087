"""FRL403: an inner ``class Config:`` on a Pydantic model (the v1 configuration)."""

from __future__ import annotations

import libcst as cst

from fastapi_rules_lint.engine.diagnostics import Applicability, DiagnosticTag, ImportRequest
from fastapi_rules_lint.engine.traversal import visit_readonly
from fastapi_rules_lint.rulebase.edits import NameUse, keyword_arg, name_use
from fastapi_rules_lint.rulebase.rule import Clean, Flagged, NodeFix, Requires, Rule
from fastapi_rules_lint.semantics.pydantic.config import (
    ConfigEntry,
    Translation,
    translate_config,
)
from fastapi_rules_lint.semantics.pydantic.models import is_model_class, is_settings_class
from fastapi_rules_lint.semantics.python.names import dotted_name

_CONFIG_DICT = (
    "pydantic",
    "ConfigDict",
    frozenset({"pydantic.ConfigDict", "pydantic.config.ConfigDict"}),
)
_SETTINGS_CONFIG_DICT = (
    "pydantic_settings",
    "SettingsConfigDict",
    frozenset(
        {"pydantic_settings.SettingsConfigDict", "pydantic_settings.main.SettingsConfigDict"}
    ),
)
_MAX_LINE = 88


class PydanticV1Config(Rule):
    """## What it does
    Finds an inner `class Config:` in a Pydantic model (a class inheriting
    `BaseModel`, `BaseSettings` or `SQLModel`, through bases in any module of the
    project). A `class Config` in any other class (Django's `Meta`-like settings, a
    plain class) is not reported.

    ## Why is this bad?
    Pydantic v2 configures a model with `model_config = ConfigDict(...)`; the class
    form is deprecated (a warning at import, an error under
    `-W error::DeprecationWarning`) and several keys were renamed or removed, so an
    old key is silently ignored or rejected.

    ## Example
    ```python
    class ItemOut(BaseModel):
        name: str

        class Config:
            orm_mode = True
            allow_population_by_field_name = True
    ```

    ## Use instead
    ```python
    class ItemOut(BaseModel):
        name: str

        model_config = ConfigDict(from_attributes=True, populate_by_name=True)
    ```

    ## Fix safety
    Safe: `model_config = ConfigDict(...)` (`SettingsConfigDict` from
    `pydantic_settings` for a `BaseSettings` class) with Pydantic's own key renames
    (`orm_mode`→`from_attributes`, `allow_population_by_field_name`→`populate_by_name`,
    `anystr_strip_whitespace`→`str_strip_whitespace`, `anystr_lower`/`anystr_upper`→
    `str_to_lower`/`str_to_upper`, `schema_extra`→`json_schema_extra`,
    `validate_all`→`validate_default`, `max_anystr_length`/`min_anystr_length`→
    `str_max_length`/`str_min_length`, `keep_untouched`→`ignored_types`),
    `allow_mutation = False`→`frozen=True`, `extra = Extra.forbid`→`extra="forbid"`;
    keys whose v1 value is v2's only behaviour (`allow_mutation = True`,
    `underscore_attrs_are_private = True`, `smart_union = True`) are dropped. Comments
    of the class move along with their keys.

    No fix when a key has no v2 equivalent (`fields`, `copy_on_model_validation`,
    `json_loads`, `json_dumps`, `getter_dict`, `json_encoders` — deprecated in v2, use
    `@field_serializer` — and any key v2 does not know), when `Config` has bases,
    methods (a `schema_extra` function) or other statements, when the model already has
    `model_config`, when the module reads the class's `Config` (`Item.Config.orm_mode`,
    `self.Config` would break; other modules are not checked), or when the `ConfigDict`
    name is taken.
    """

    code = "FRL403"
    name = "pydantic-v1-config"
    message = "`class Config` is the Pydantic v1 API; {advice}"
    summary = "An inner `class Config` on a Pydantic model"
    requires = Requires.PYDANTIC
    fix_availability = "sometimes"
    tags = frozenset({DiagnosticTag.DEPRECATED})
    examples = (
        Clean(
            "from pydantic import BaseModel, ConfigDict\n\n\nclass Item(BaseModel):\n"
            "    model_config = ConfigDict(from_attributes=True)\n\n    name: str\n"
        ),
        Clean(
            "import pydantic\n\n\nclass Form:\n    class Config:\n        orm_mode = True\n",
            note="not a model",
        ),
        Flagged(
            "from pydantic import BaseModel\n\n\nclass Item(BaseModel):\n    name: str\n\n"
            "    class Config:\n        orm_mode = True\n"
            "        allow_population_by_field_name = True\n",
            at=("7:11-7:17",),
            fixed="from pydantic import BaseModel, ConfigDict\n\n\n"
            "class Item(BaseModel):\n"
            "    name: str\n\n"
            "    model_config = ConfigDict(from_attributes=True, populate_by_name=True)\n",
        ),
        Flagged(
            "from pydantic import BaseModel, Extra\n\n\nclass Item(BaseModel):\n"
            "    name: str\n\n    class Config:\n"
            "        # reject unknown keys\n        extra = Extra.forbid\n"
            "        allow_mutation = False  # hashable\n",
            at=("7:11-7:17",),
            fixed="from pydantic import BaseModel, ConfigDict\n\n\n"
            "class Item(BaseModel):\n"
            "    name: str\n\n    model_config = ConfigDict(\n"
            '        # reject unknown keys\n        extra="forbid",\n'
            "        frozen=True,  # hashable\n    )\n",
            note="comments move with their keys",
        ),
        Flagged(
            "from pydantic import BaseModel\n\n\nclass Item(BaseModel):\n    name: str\n\n"
            "    class Config:\n        fields = {'name': {'alias': 'title'}}\n",
            at=("7:11-7:17",),
            note="`fields` has no v2 equivalent: no fix",
        ),
        Flagged(
            "from app.settings import AppSettings\n\n\nclass Settings(AppSettings):\n"
            "    debug: bool = False\n\n    class Config:\n        env_prefix = 'APP_'\n",
            at=("7:11-7:17",),
            fixed="from pydantic_settings import SettingsConfigDict\n\n"
            "from app.settings import AppSettings\n\n\n"
            "class Settings(AppSettings):\n"
            "    debug: bool = False\n\n"
            "    model_config = SettingsConfigDict(env_prefix='APP_')\n",
            note="a settings class through a base in another module",
            path="app/config.py",
            files={
                "app/__init__.py": "",
                "app/settings.py": "from pydantic_settings import BaseSettings\n\n\n"
                "class AppSettings(BaseSettings):\n    name: str = 'app'\n",
            },
        ),
    )

    def setup(self) -> None:
        self._receivers: set[str] | None = None

    def visit_ClassDef(self, node: cst.ClassDef) -> None:
        if node.name.value != "Config":
            return
        scopes = self.context.scopes
        owner = scopes[-2] if len(scopes) > 1 else None
        if not isinstance(owner, cst.ClassDef) or not is_model_class(owner, self.context):
            return
        is_settings = is_settings_class(owner, self.context)
        translation = translate_config(
            node, is_settings=is_settings, names=self.context.qualified_names
        )
        dict_name = "SettingsConfigDict" if is_settings else "ConfigDict"
        problem = translation.problem or self._blocker(owner)
        if problem is not None:
            self.report(node.name, advice=f"no automatic fix ({problem})")
            return
        fix = self._fix(node, translation, is_settings)
        self.report(node.name, fix=fix, advice=f"use `model_config = {dict_name}(...)`")

    def _blocker(self, owner: cst.ClassDef) -> str | None:
        if _defines(owner, "model_config"):
            return "the model also sets `model_config`"
        # `Item.Config`, `self.Config`, `type(x).Config`: any receiver that may be it.
        if self._config_receivers() & {owner.name.value, "self", "cls", ""}:
            return f"the module reads `{owner.name.value}.Config`"
        return None

    def _config_receivers(self) -> set[str]:
        if self._receivers is None:
            finder = _ConfigAttribute()
            visit_readonly(self.context.module, finder)
            self._receivers = finder.receivers
        return self._receivers

    def _fix(
        self, node: cst.ClassDef, translation: Translation, is_settings: bool
    ) -> NodeFix | None:
        module, name, meaning = _SETTINGS_CONFIG_DICT if is_settings else _CONFIG_DICT
        use = name_use(self.context, name, meaning)
        if use is NameUse.TAKEN:
            return None
        indent = self.context.module.default_indent
        depth = len(self.context.scopes) - 1
        if not translation.entries and _is_multiline(translation):
            return None  # nowhere to keep the comments
        call = _config_call(name, translation, indent)
        width = len(indent) * depth + len("model_config = ")
        code = self.context.module.code_for_node(call)
        if "\n" in code or width + len(code) > _MAX_LINE:
            call = _config_call(name, translation, indent, multiline=True)
        statement = cst.SimpleStatementLine(
            body=(cst.Assign(targets=(cst.AssignTarget(cst.Name("model_config")),), value=call),),
            leading_lines=node.leading_lines,
        )
        return NodeFix(
            message=f"Use `model_config = {name}(...)`",
            applicability=Applicability.SAFE,
            replacements=((node, statement),),
            imports=(ImportRequest(module, name),) if use is NameUse.FREE else (),
        )


def _is_multiline(translation: Translation) -> bool:
    return bool(
        translation.header_comment
        or translation.footer_comments
        or any(entry.comments or entry.trailing for entry in translation.entries)
    )


def _config_call(
    name: str, translation: Translation, indent: str, *, multiline: bool = False
) -> cst.Call:
    entries = translation.entries
    if not (multiline or _is_multiline(translation)) or not entries:
        args = [keyword_arg(entry.key, entry.value) for entry in entries]
        for index in range(len(args) - 1):
            args[index] = args[index].with_changes(
                comma=cst.Comma(whitespace_after=cst.SimpleWhitespace(" "))
            )
        return cst.Call(func=cst.Name(name), args=args)
    opening = _line_break(translation.header_comment, entries[0], indent)
    args = []
    for index, entry in enumerate(entries):
        following = entries[index + 1] if index + 1 < len(entries) else None
        after = _line_break(entry.trailing, following, indent, footer=translation.footer_comments)
        value = entry.value.visit(_Indented(indent))
        assert isinstance(value, cst.BaseExpression)
        args.append(
            keyword_arg(entry.key, value).with_changes(comma=cst.Comma(whitespace_after=after))
        )
    return cst.Call(func=cst.Name(name), args=args, whitespace_before_args=opening)


class _Indented(cst.CSTTransformer):
    """A value's continuation lines one level deeper: in the call it sits one level
    below the statement, where in `class Config` it started the statement."""

    def __init__(self, indent: str) -> None:
        super().__init__()
        self.indent = indent

    def leave_ParenthesizedWhitespace(
        self, original_node: cst.ParenthesizedWhitespace, updated_node: cst.ParenthesizedWhitespace
    ) -> cst.ParenthesizedWhitespace:
        if not updated_node.indent:
            return updated_node
        last = cst.SimpleWhitespace(self.indent + updated_node.last_line.value)
        return updated_node.with_changes(last_line=last)

    def leave_EmptyLine(
        self, original_node: cst.EmptyLine, updated_node: cst.EmptyLine
    ) -> cst.EmptyLine:
        if not updated_node.indent:
            return updated_node
        whitespace = cst.SimpleWhitespace(self.indent + updated_node.whitespace.value)
        return updated_node.with_changes(whitespace=whitespace)


def _line_break(
    trailing: str | None,
    following: ConfigEntry | None,
    indent: str,
    *,
    footer: tuple[str, ...] = (),
) -> cst.ParenthesizedWhitespace:
    """A line break (with ``trailing`` at the end of the line), the comment lines
    above the next argument, and the indentation of the next argument (or of ``)``)."""
    comments = following.comments if following is not None else footer
    return cst.ParenthesizedWhitespace(
        first_line=cst.TrailingWhitespace(
            whitespace=cst.SimpleWhitespace("  " if trailing else ""),
            comment=cst.Comment(trailing) if trailing else None,
        ),
        empty_lines=[
            cst.EmptyLine(
                indent=True, whitespace=cst.SimpleWhitespace(indent), comment=cst.Comment(c)
            )
            for c in comments
        ],
        indent=True,
        last_line=cst.SimpleWhitespace(indent if following is not None else ""),
    )


def _defines(owner: cst.ClassDef, name: str) -> bool:
    if not isinstance(owner.body, cst.IndentedBlock):
        return False
    for statement in owner.body.body:
        if isinstance(statement, cst.SimpleStatementLine):
            for small in statement.body:
                if isinstance(small, cst.Assign) and any(
                    isinstance(t.target, cst.Name) and t.target.value == name for t in small.targets
                ):
                    return True
                if (
                    isinstance(small, cst.AnnAssign)
                    and isinstance(small.target, cst.Name)
                    and small.target.value == name
                ):
                    return True
    return False


class _ConfigAttribute(cst.CSTVisitor):
    """What ``.Config`` is read from in the module: the last name of each receiver
    (``Item`` of ``schemas.Item.Config``), ``""`` for other expressions."""

    def __init__(self) -> None:
        super().__init__()
        self.receivers: set[str] = set()

    def visit_Attribute(self, node: cst.Attribute) -> None:
        if node.attr.value == "Config":
            dotted = dotted_name(node.value)
            self.receivers.add(dotted.rpartition(".")[2] if dotted is not None else "")
