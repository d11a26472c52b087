"""FRL601: a boolean variable, parameter or attribute whose name is not a question."""

from __future__ import annotations

from collections.abc import Iterable, Mapping

import libcst as cst
from libcst.metadata import Scope, ScopeProvider

from fastapi_rules_lint.engine.diagnostics import Applicability
from fastapi_rules_lint.engine.options import RuleOptions
from fastapi_rules_lint.rulebase.rule import NodeFix, Rule
from fastapi_rules_lint.rules import _frl601_names as names
from fastapi_rules_lint.rules._frl601_examples import EXAMPLES
from fastapi_rules_lint.semantics.fastapi.context import FunctionFrame
from fastapi_rules_lint.semantics.pydantic.models import is_model_class
from fastapi_rules_lint.semantics.python.signatures import all_params

OVERRIDE = frozenset({"typing.override", "typing_extensions.override"})
OVERLOAD = frozenset({"typing.overload", "typing_extensions.overload"})
# Command-line frameworks turn parameters into `--flags`.
CLI_PREFIXES = ("click.", "typer.", "rich_click.", "asyncclick.")
CLI_METHODS = frozenset({"command", "callback", "group"})


class BooleanNameOptions(RuleOptions):
    """Options of FRL601."""

    boolean_prefixes: tuple[str, ...] = names.DEFAULT_PREFIXES
    """Words a boolean name may start with (`is` accepts `is_ready` and `isReady`)."""
    check_model_fields: bool = False
    """Also report fields of models, settings, dataclasses, `TypedDict`s and ORM classes."""


class BooleanNameWithoutVerb(Rule):
    """## What it does
    Finds a variable, parameter or attribute that holds a boolean (annotated `bool`,
    `Optional[bool]`, `bool | None`, or bound to `True`/`False`) whose name does not
    start with an auxiliary verb: `is_`, `has_`, `can_`, `should_`, `was_`, `will_`,
    `did_`, `does_`, `needs_`, `allow_`, … (camelCase `isReady` counts too; leading
    underscores are ignored). Each name is reported once per scope (function, class,
    module), at its first boolean binding; `self.x = ...` in a method counts for the class.

    Not reported, because the name is an external contract:
    - parameters of route handlers and dependencies (query parameters), of command-line
      commands (`click`/`typer`: `--flags`), and of methods that may override a base
      class method (the base class is defined elsewhere, or defines the method, or
      `@override`); `@overload` signatures;
    - fields of Pydantic models and settings (JSON keys, environment variables), and,
      more than the spec asks, of dataclasses, attrs classes, `TypedDict`, `NamedTuple`,
      `msgspec.Struct` and ORM models (option `check-model-fields` reports them);
    - class attributes (and `self.x` attributes) of a class whose base is defined
      elsewhere: they may override the base's (framework configuration such as
      `include_in_schema = False`);
    - framework configuration keys: attributes of an inner `class Config`/`class Meta`,
      and module-level names in configuration modules (`conf.py`, `gunicorn.conf.py`,
      `settings.py`, `config.py`: a file whose name contains `conf` or `settings`);
    - UPPER_CASE constants, dunders, names declared `global`/`nonlocal`.

    Keyword arguments (`model_config = ConfigDict(frozen=True)`) are not bindings.

    ## Why is this bad?
    A name that reads as a question (`if is_active:`) says at once that it holds a
    yes/no value; `active`, `done` or `admin` could be a timestamp, a count or an object.

    ## Example
    ```python
    def sync_users(users: list[User]) -> None:
        changed = False
        for user in users:
            changed = changed or user.refresh()
    ```

    ## Use instead
    ```python
    def sync_users(users: list[User]) -> None:
        is_changed = False
        ...
    ```

    ## Fix safety
    Unsafe, and only for a variable local to a function: it is renamed everywhere in
    the function (LibCST scope analysis), prefixed with the first of
    `boolean-prefixes`, when the new name is used nowhere in the module and every
    occurrence of the old name is that variable. A debug f-string (`f"{changed=}"`)
    then prints the new name. Parameters and attributes have no fix: their callers
    and readers are elsewhere.

    ## Options
    `boolean-prefixes` (the accepted words), `check-model-fields` (default false).
    """

    code = "FRL601"
    name = "boolean-name-without-verb"
    message = (
        "Boolean {kind} `{name}` does not read as a yes/no question; name it like `{suggestion}`"
    )
    summary = "A boolean name without an auxiliary-verb prefix (`is_`, `has_`, …)"
    default_enabled = False
    fix_availability = "sometimes"
    options_model = BooleanNameOptions
    examples = EXAMPLES

    options: BooleanNameOptions

    def setup(self) -> None:
        self._reported: set[tuple[int, str]] = set()
        self._declared: set[tuple[int, str]] = set()
        self._module_names: frozenset[str] | None = None
        self._scopes: Mapping[cst.CSTNode, Scope | None] | None = None
        # The file name (a split, not `PurePath`: this runs for every file).
        stem = self.context.path.replace("\\", "/").rsplit("/", 1)[-1].lower()
        self._is_config_module = "conf" in stem or "settings" in stem

    # --- bindings -----------------------------------------------------------------------
    def visit_FunctionDef(self, node: cst.FunctionDef) -> None:
        frame = self.context.function
        if frame is None or frame.node is not node or self._signature_is_contract(frame, node):
            return
        params = list(all_params(node.params))
        if frame.is_method and params and not self._is_static(node):
            params = params[1:]
        for param in params:
            annotation = param.annotation.annotation if param.annotation else None
            is_bool = (
                annotation is not None and names.is_bool_annotation(annotation, self._names)
            ) or names.is_bool_literal(param.default, self._names)
            if is_bool:
                self._check(param.name, id(node), "parameter", fix=None)

    def visit_Global(self, node: cst.Global) -> None:
        self._declare(item.name.value for item in node.names)

    def visit_Nonlocal(self, node: cst.Nonlocal) -> None:
        self._declare(item.name.value for item in node.names)

    def visit_Assign(self, node: cst.Assign) -> None:
        if names.is_bool_literal(node.value, self._names):
            for target in node.targets:
                self._binding(target.target)

    def visit_AnnAssign(self, node: cst.AnnAssign) -> None:
        is_bool = names.is_bool_annotation(node.annotation.annotation, self._names)
        if is_bool or names.is_bool_literal(node.value, self._names):
            self._binding(node.target)

    # --- classification -----------------------------------------------------------------
    def _binding(self, target: cst.BaseExpression) -> None:
        scope = self.context.scopes[-1] if self.context.scopes else None
        if isinstance(target, cst.Name):
            if scope is None:
                if not self._is_config_module:
                    self._check(target, id(self.context.module), "variable", fix=None)
            elif isinstance(scope, cst.ClassDef):
                if self._is_free_class_attribute(scope, target.value):
                    self._check(target, id(scope), "attribute", fix=None)
            elif not scope.is_lambda:
                self._local(scope, target)
        elif isinstance(target, cst.Attribute) and isinstance(scope, FunctionFrame):
            owner = scope.class_node
            if owner is None or scope.is_lambda or not _is_self(target.value, scope):
                return
            if self._is_free_class_attribute(owner, target.attr.value):
                self._check(target.attr, id(owner), "attribute", fix=None)

    def _local(self, frame: FunctionFrame, target: cst.Name) -> None:
        key = (id(frame.node), target.value)
        if key in self._declared or key in self._reported:
            return
        self._check(target, id(frame.node), "variable", fix=self._rename(frame, target))

    def _check(self, target: cst.Name, scope: int, kind: str, *, fix: NodeFix | None) -> None:
        name = target.value
        key = (scope, name)
        if key in self._reported or key in self._declared or names.is_exempt_name(name):
            return
        self._reported.add(key)
        if names.has_question_prefix(name, self.options.boolean_prefixes):
            return
        self.report(target, fix=fix, kind=kind, name=name, suggestion=self._suggest(name))

    def _is_free_class_attribute(self, owner: cst.ClassDef, attribute: str) -> bool:
        """A class (or instance) attribute whose name the class itself chose."""
        if owner.name.value in names.CONFIG_CLASSES and len(self.context.classes) > 1:
            return False
        if self._is_field_class(owner):
            return self.options.check_model_fields
        if names.is_protocol(owner, self._names):
            return False
        return not names.may_override(owner, attribute, self.context.module, self._names)

    def _is_field_class(self, owner: cst.ClassDef) -> bool:
        if is_model_class(owner, self.context) or names.is_field_class(owner, self._names):
            return True
        view = self.context.fastapi.view
        is_top_level = any(statement is owner for statement in self.context.module.body)
        own = view.own(owner.name.value) if is_top_level else None
        return own is not None and own in view.orm_classes

    def _signature_is_contract(self, frame: FunctionFrame, node: cst.FunctionDef) -> bool:
        if frame.is_route or frame.is_dependency:
            return True
        decorators = names.decorator_names(node, self._signature_names)
        if decorators & (OVERRIDE | OVERLOAD) or any(
            d.startswith(CLI_PREFIXES) for d in decorators
        ):
            return True
        if any(_is_cli_method(decorator.decorator) for decorator in node.decorators):
            return True
        owner = frame.class_node
        if owner is not None and names.is_protocol(owner, self._signature_names):
            return True
        return owner is not None and names.may_override(
            owner, node.name.value, self.context.module, self._signature_names
        )

    def _is_static(self, node: cst.FunctionDef) -> bool:
        return "builtins.staticmethod" in names.decorator_names(node, self._signature_names)

    # --- the fix ------------------------------------------------------------------------
    def _rename(self, frame: FunctionFrame, target: cst.Name) -> NodeFix | None:
        function = frame.node
        if not isinstance(function, cst.FunctionDef):
            return None
        new = self._suggest(target.value)
        if self._module_names is None:
            self._module_names = names.module_names(self.context.module)
        if new in self._module_names:
            return None
        if self._scopes is None:
            # Scope analysis costs more than every other rule together, and only a fix
            # needs it: resolved once per module, on the first candidate (the wrapper
            # skips its copy, so its nodes are the ones being visited).
            wrapper = cst.MetadataWrapper(self.context.module, unsafe_skip_copy=True)
            self._scopes = wrapper.resolve(ScopeProvider)
        scope = self._scopes.get(target)
        if scope is None:
            return None
        nodes = names.rename_targets(function, scope, target.value)
        if nodes is None:
            return None
        replacement = cst.Name(new)
        return NodeFix(
            message=f"Rename `{target.value}` to `{new}`",
            applicability=Applicability.UNSAFE,
            replacements=tuple((node, replacement) for node in nodes),
        )

    def _suggest(self, name: str) -> str:
        bare = name.lstrip("_")
        prefix = self.options.boolean_prefixes[0] if self.options.boolean_prefixes else "is"
        return f"{name[: len(name) - len(bare)]}{prefix.rstrip('_')}_{bare}"

    # --- helpers ------------------------------------------------------------------------
    def _names(self, node: cst.BaseExpression) -> frozenset[str]:
        return self.context.qualified_names(node)

    def _signature_names(self, node: cst.BaseExpression) -> frozenset[str]:
        return self.context.signature_qualified_names(node)

    def _declare(self, declared: Iterable[str]) -> None:
        frame = self.context.function
        if frame is not None:
            self._declared.update((id(frame.node), name) for name in declared)


def _is_self(node: cst.BaseExpression, frame: FunctionFrame) -> bool:
    params = frame.node.params
    first = next(iter(all_params(params)), None)
    return isinstance(node, cst.Name) and first is not None and first.name.value == node.value


def _is_cli_method(expression: cst.BaseExpression) -> bool:
    """``@app.command()``, ``@cli.group()``: a Typer or Click application's command."""
    if isinstance(expression, cst.Call):
        expression = expression.func
    return isinstance(expression, cst.Attribute) and expression.attr.value in CLI_METHODS
