"""Rewriting v1 validators as v2 ones (FRL402), or saying why it cannot be done safely.

- ``@validator(...)`` → ``@field_validator(...)`` over ``@classmethod``; ``pre=True`` →
  ``mode="before"``. A ``values`` parameter becomes ``info: ValidationInfo`` and each
  read of ``values`` becomes ``info.data`` (the same dict of the fields validated so
  far); ``field.name`` becomes ``info.field_name``; unused ``config``/``field``
  parameters and an unused ``**kwargs`` are dropped. Any other use (``field.type_``,
  ``config``, a rebinding of ``values``) leaves the validator alone.
- ``@root_validator(pre=True)`` → ``@model_validator(mode="before")`` over
  ``@classmethod``, body unchanged.
- ``@root_validator(skip_on_failure=True)`` → ``@model_validator(mode="after")``, an
  instance method: in v2 it receives the model, not a dict. Rewritten only when the
  body reads fields as ``values["name"]``/``values.get("name")`` (``name`` a field of
  the class) and every ``return`` is ``return values``; those become ``self.name`` and
  ``return self``.
"""

from __future__ import annotations

from collections.abc import Callable, Mapping
from dataclasses import dataclass

import libcst as cst

from fastapi_rules_lint.engine.traversal import visit_readonly
from fastapi_rules_lint.semantics.python.literals import string_literal
from fastapi_rules_lint.semantics.python.names import dotted_name

FIELD_KEYWORDS_DROPPED = frozenset({"allow_reuse"})
FIELD_KEYWORDS_KEPT = frozenset({"check_fields"})
FIELD_KEYWORDS_REFUSED: Mapping[str, str] = {
    "each_item": "`each_item=True` has no v2 equivalent: validate the items in the body",
    "always": "`always=True` becomes `Field(validate_default=True)` on the field",
    "whole": "`whole` is deprecated",
}
ROOT_KEYWORDS = frozenset({"pre", "skip_on_failure", "allow_reuse"})
VALIDATOR_EXTRAS = frozenset({"values", "config", "field"})


@dataclass(frozen=True)
class Rewrite:
    """A rewritten validator, and what it needs."""

    function: cst.FunctionDef
    needs_info: bool = False
    """``ValidationInfo`` is written in the new signature."""
    is_safe: bool = True


def _literal_bool(node: cst.BaseExpression) -> bool | None:
    if isinstance(node, cst.Name) and node.value in {"True", "False"}:
        return node.value == "True"
    return None


def _mode_arg(mode: str) -> cst.Arg:
    return cst.Arg(
        keyword=cst.Name("mode"),
        value=cst.SimpleString(f'"{mode}"'),
        equal=cst.AssignEqual(
            whitespace_before=cst.SimpleWhitespace(""), whitespace_after=cst.SimpleWhitespace("")
        ),
    )


def _with_commas(args: list[cst.Arg]) -> list[cst.Arg]:
    spaced = cst.Comma(whitespace_after=cst.SimpleWhitespace(" "))
    return [
        arg.with_changes(comma=spaced if index < len(args) - 1 else cst.MaybeSentinel.DEFAULT)
        for index, arg in enumerate(args)
    ]


def _decorators(
    function: cst.FunctionDef,
    old: cst.Decorator,
    new: cst.BaseExpression,
    is_classmethod: Callable[[cst.Decorator], bool],
    *,
    as_classmethod: bool,
) -> list[cst.Decorator] | str:
    """``function``'s decorators with ``old`` replaced by ``new`` (over ``@classmethod``
    when ``as_classmethod``); a string when other decorators make the order unsure."""
    others = [d for d in function.decorators if d is not old and not is_classmethod(d)]
    if others:
        return "other decorators"
    decorators = [old.with_changes(decorator=new)]
    if as_classmethod:
        decorators.append(cst.Decorator(decorator=cst.Name("classmethod")))
    return decorators


# --- finding uses of a name ----------------------------------------------------------
class _Uses(cst.CSTVisitor):
    """Every ``Name`` node of one value in a function body, with its parent, and the
    names in binding positions (targets, nested parameters, ``global``)."""

    def __init__(self, names: frozenset[str]) -> None:
        super().__init__()
        self.names = names
        self.stack: list[cst.CSTNode] = []
        self.uses: list[tuple[cst.Name, cst.CSTNode, cst.CSTNode | None]] = []
        self.bound: set[str] = set()

    def on_visit(self, node: cst.CSTNode) -> bool:
        if isinstance(node, cst.Name) and node.value in self.names:
            parent = self.stack[-1] if self.stack else node
            grandparent = self.stack[-2] if len(self.stack) > 1 else None
            self.uses.append((node, parent, grandparent))
        self._bindings(node)
        self.stack.append(node)
        return True

    def on_leave(self, original_node: cst.CSTNode) -> None:
        self.stack.pop()

    def _bindings(self, node: cst.CSTNode) -> None:
        targets: list[cst.CSTNode] = []
        targeted = (cst.AssignTarget, cst.AnnAssign, cst.AugAssign, cst.For, cst.CompFor, cst.Del)
        if isinstance(node, targeted):
            targets.append(node.target)
        elif isinstance(node, cst.AsName):
            targets.append(node.name)
        elif isinstance(node, cst.NamedExpr):
            targets.append(node.target)
        elif isinstance(node, cst.Param):
            targets.append(node.name)
        elif isinstance(node, (cst.Global, cst.Nonlocal)):
            targets.extend(item.name for item in node.names)
        elif isinstance(node, (cst.FunctionDef, cst.ClassDef)):
            targets.append(node.name)
        for target in targets:
            finder = _NamesIn()
            visit_readonly(target, finder)
            self.bound.update(finder.names & self.names)


class _NamesIn(cst.CSTVisitor):
    def __init__(self) -> None:
        super().__init__()
        self.names: set[str] = set()

    def visit_Name(self, node: cst.Name) -> None:
        self.names.add(node.value)

    def visit_Attribute(self, node: cst.Attribute) -> bool:
        visit_readonly(node.value, self)  # `values.x = 1` rebinds no name, but mutates
        return False


def _uses(
    function: cst.FunctionDef, names: frozenset[str]
) -> tuple[list[tuple[cst.Name, cst.CSTNode, cst.CSTNode | None]], set[str]]:
    """Uses of ``names`` in ``function``'s body (attribute names and keyword argument
    names excluded) and those of ``names`` bound anywhere in it."""
    finder = _Uses(names)
    function.body.visit(finder)
    uses = [
        (name, parent, grandparent)
        for name, parent, grandparent in finder.uses
        if not (isinstance(parent, cst.Attribute) and parent.attr is name)
        and not (isinstance(parent, cst.Arg) and parent.keyword is name)
    ]
    return uses, finder.bound


class _Replace(cst.CSTTransformer):
    def __init__(self, replacements: Mapping[cst.CSTNode, cst.CSTNode]) -> None:
        super().__init__()
        self.replacements = replacements

    def on_leave(  # type: ignore[override]
        self, original_node: cst.CSTNode, updated_node: cst.CSTNode
    ) -> cst.CSTNode:
        return self.replacements.get(original_node, updated_node)


def _replaced(
    body: cst.BaseSuite, replacements: Mapping[cst.CSTNode, cst.CSTNode]
) -> cst.BaseSuite:
    if not replacements:
        return body
    result = body.visit(_Replace(replacements))
    assert isinstance(result, cst.BaseSuite)
    return result


def _plain_params(
    function: cst.FunctionDef, *, allow_kwargs: bool = False
) -> list[cst.Param] | None:
    params = function.params
    if (
        params.posonly_params
        or params.kwonly_params
        or not isinstance(params.star_arg, cst.MaybeSentinel)
        or (params.star_kwarg is not None and not allow_kwargs)
        or any(param.default is not None for param in params.params)
    ):
        return None
    return list(params.params)


# --- @validator ----------------------------------------------------------------------
def rewrite_field_validator(
    function: cst.FunctionDef,
    decorator: cst.Decorator,
    callee: cst.BaseExpression,
    info_type: cst.BaseExpression,
    is_classmethod: Callable[[cst.Decorator], bool],
) -> Rewrite | str:
    """``function`` as a v2 ``@field_validator`` (``callee`` names it), or why not."""
    call = decorator.decorator
    if not isinstance(call, cst.Call):
        return "`@validator` needs field names"
    args: list[cst.Arg] = []
    mode: str | None = None
    for arg in call.args:
        if arg.star:
            return "starred arguments"
        if arg.keyword is None:
            args.append(arg)
            continue
        keyword = arg.keyword.value
        if keyword in FIELD_KEYWORDS_REFUSED:
            if keyword != "whole" and _literal_bool(arg.value) is False:
                continue
            return FIELD_KEYWORDS_REFUSED[keyword]
        if keyword == "pre":
            pre = _literal_bool(arg.value)
            if pre is None:
                return "`pre` is not a literal"
            mode = "before" if pre else None
        elif keyword in FIELD_KEYWORDS_KEPT:
            args.append(arg)
        elif keyword not in FIELD_KEYWORDS_DROPPED:
            return f"unknown argument `{keyword}`"
    if mode is not None:
        args.append(_mode_arg(mode))
    decorators = _decorators(
        function,
        decorator,
        call.with_changes(func=callee, args=_with_commas(args)),
        is_classmethod,
        as_classmethod=True,
    )
    if isinstance(decorators, str):
        return decorators
    params = _plain_params(function, allow_kwargs=True)
    if params is None or len(params) < 2:
        return "an unusual signature"
    extras = [param.name.value for param in params[2:]]
    if not set(extras) <= VALIDATOR_EXTRAS:
        return "an unusual signature"
    kwargs = function.params.star_kwarg
    if kwargs is not None:
        uses, bound = _uses(function, frozenset({kwargs.name.value}))
        if uses or bound:
            return f"the body uses `**{kwargs.name.value}`"
    body = function.body
    needs_info = False
    if extras:
        body_or_reason = _info_body(function, frozenset(extras))
        if isinstance(body_or_reason, str):
            return body_or_reason
        body, needs_info = body_or_reason
    new_params = params[:2]
    if needs_info:
        new_params.append(cst.Param(name=cst.Name("info"), annotation=cst.Annotation(info_type)))
    new_params = [
        param.with_changes(
            comma=cst.Comma(whitespace_after=cst.SimpleWhitespace(" "))
            if index < len(new_params) - 1
            else cst.MaybeSentinel.DEFAULT
        )
        for index, param in enumerate(new_params)
    ]
    rewritten = function.with_changes(
        decorators=decorators,
        params=function.params.with_changes(params=new_params, star_kwarg=None),
        body=body,
    )
    return Rewrite(rewritten, needs_info=needs_info)


def _info_body(
    function: cst.FunctionDef, extras: frozenset[str]
) -> tuple[cst.BaseSuite, bool] | str:
    """The body with ``values``/``field.name`` read through ``info``."""
    uses, bound = _uses(function, extras | {"info"})
    if bound:
        return f"`{sorted(bound)[0]}` is rebound in the body"
    replacements: dict[cst.CSTNode, cst.CSTNode] = {}
    info = cst.Name("info")
    for name, parent, _ in uses:
        if name.value == "info":
            return "`info` is already used in the body"
        if name.value == "config":
            return "the body uses `config`"
        if name.value == "values":
            replacements[name] = cst.Attribute(value=info, attr=cst.Name("data"))
        elif isinstance(parent, cst.Attribute) and parent.attr.value == "name":
            replacements[parent] = cst.Attribute(value=info, attr=cst.Name("field_name"))
        else:
            return "the body uses `field` beyond `field.name`"
    return _replaced(function.body, replacements), bool(replacements)


# --- @root_validator -----------------------------------------------------------------
def rewrite_root_validator(
    function: cst.FunctionDef,
    decorator: cst.Decorator,
    callee: cst.BaseExpression,
    is_classmethod: Callable[[cst.Decorator], bool],
    owner: cst.ClassDef,
) -> Rewrite | str:
    """``function`` as a v2 ``@model_validator`` (``callee`` names it), or why not."""
    expression = decorator.decorator
    keywords: dict[str, bool] = {}
    if isinstance(expression, cst.Call):
        for arg in expression.args:
            if arg.keyword is None or arg.keyword.value not in ROOT_KEYWORDS:
                return "unknown arguments"
            value = _literal_bool(arg.value)
            if value is None:
                return f"`{arg.keyword.value}` is not a literal"
            keywords[arg.keyword.value] = value
    params = _plain_params(function)
    if params is None or len(params) != 2:
        return "an unusual signature"
    if keywords.get("pre", False):
        decorators = _decorators(
            function,
            decorator,
            cst.Call(func=callee, args=(_mode_arg("before"),)),
            is_classmethod,
            as_classmethod=True,
        )
        if isinstance(decorators, str):
            return decorators
        return Rewrite(function.with_changes(decorators=decorators))
    decorators = _decorators(
        function,
        decorator,
        cst.Call(func=callee, args=(_mode_arg("after"),)),
        is_classmethod,
        as_classmethod=False,
    )
    if isinstance(decorators, str):
        return decorators
    body = _after_body(function, params[0].name.value, params[1].name.value, owner)
    if isinstance(body, str):
        return body
    returns = function.returns
    if returns is not None:
        returns = returns.with_changes(annotation=cst.SimpleString(f'"{owner.name.value}"'))
    rewritten = function.with_changes(
        decorators=decorators,
        params=function.params.with_changes(params=[cst.Param(name=cst.Name("self"))]),
        body=body,
        returns=returns,
    )
    return Rewrite(rewritten, is_safe=keywords.get("skip_on_failure", False))


def model_fields(owner: cst.ClassDef) -> frozenset[str]:
    """Fields annotated in ``owner``'s own body (``ClassVar`` excluded)."""
    found: set[str] = set()
    if not isinstance(owner.body, cst.IndentedBlock):
        return frozenset()
    for statement in owner.body.body:
        if not isinstance(statement, cst.SimpleStatementLine):
            continue
        for small in statement.body:
            if isinstance(small, cst.AnnAssign) and isinstance(small.target, cst.Name):
                annotation = small.annotation.annotation
                head = annotation.value if isinstance(annotation, cst.Subscript) else annotation
                if (dotted_name(head) or "").rpartition(".")[2] != "ClassVar":
                    found.add(small.target.value)
    return frozenset(found)


def _after_body(
    function: cst.FunctionDef, cls: str, values: str, owner: cst.ClassDef
) -> cst.BaseSuite | str:
    """The body of an after-validator: ``values`` reads become attribute reads."""
    body = function.body
    if not isinstance(body, cst.IndentedBlock) or not body.body:
        return "the body is not a block"
    last = body.body[-1]
    if not (
        isinstance(last, cst.SimpleStatementLine)
        and isinstance(last.body[-1], cst.Return)
        and isinstance(last.body[-1].value, cst.Name)
        and last.body[-1].value.value == values
    ):
        return "it does not end with `return values`"
    uses, bound = _uses(function, frozenset({cls, values, "self"}))
    if bound:
        return f"`{sorted(bound)[0]}` is rebound in the body"
    fields = model_fields(owner)
    self_name = cst.Name("self")
    replacements: dict[cst.CSTNode, cst.CSTNode] = {}
    for name, parent, grandparent in uses:
        if name.value != values:
            return f"the body uses `{name.value}`"
        if isinstance(parent, cst.Return):
            replacements[parent] = parent.with_changes(value=self_name)
            continue
        key = _read_key(name, parent, grandparent)
        if key is None or key not in fields:
            return "the body uses `values` beyond reading fields"
        target = grandparent if isinstance(parent, cst.Attribute) else parent
        assert target is not None
        replacements[target] = cst.Attribute(value=self_name, attr=cst.Name(key))
    return _replaced(body, replacements)


def _read_key(name: cst.Name, parent: cst.CSTNode, grandparent: cst.CSTNode | None) -> str | None:
    """``"key"`` of ``values["key"]`` or ``values.get("key"[, default])``."""
    key: cst.BaseExpression | None = None
    if isinstance(parent, cst.Subscript) and parent.value is name and len(parent.slice) == 1:
        index = parent.slice[0].slice
        key = index.value if isinstance(index, cst.Index) else None
    elif (
        isinstance(parent, cst.Attribute)
        and parent.attr.value == "get"
        and isinstance(grandparent, cst.Call)
        and grandparent.func is parent
        and 1 <= len(grandparent.args) <= 2
        and all(arg.keyword is None and not arg.star for arg in grandparent.args)
    ):
        key = grandparent.args[0].value
    value = string_literal(key) if isinstance(key, cst.SimpleString) else None
    return value if value is not None and value.isidentifier() else None
