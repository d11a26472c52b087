"""Keeping a signature valid while a fix changes its parameters.

- ``plan_required``: parameters that lose their default (a marker moved into
  ``Annotated``) must not follow one that keeps a default: rewrite them as a group, or
  make them keyword-only with ``*``.
- ``parameter_insertion``: where to add a new required parameter (after keyword-only
  ones, after ``*args``, keyword-only after a default, before ``**kwargs``, after ``/``).

Both produce edits that stay valid whether the fixer applies one of them or several in
the same pass. Route handlers and dependencies are called by FastAPI with keywords only,
so making their parameters keyword-only keeps them working.
"""

from __future__ import annotations

from collections.abc import Iterator

import libcst as cst


class RequiredPlan:
    """How rewritten parameters that lose their default keep the signature valid."""

    def __init__(self) -> None:
        self.group: list[cst.Param] = []
        """Leading parameters that all lose their default: rewritten together."""
        self.needs_star: set[int] = set()
        self.blocked: set[int] = set()
        self.anchor: cst.Param | None = None
        self.text = "*, "


def plan_required(
    params: cst.Parameters,
    rewritten: dict[int, cst.Param | None],
    *,
    newline: str | None = None,
) -> RequiredPlan:
    """Plan the fixes of parameters that lose their default (``Depends()``, ``Query()``).

    Until the first parameter that keeps a default, such parameters form a group, and
    each of their fixes rewrites the whole group (the fixes are identical, so the fixer
    applies one and skips the others as overlapping: one pass, always valid). After a
    kept default they become keyword-only: each of their fixes inserts the same ``*``
    before the first of them, so fixes applied alone or together stay valid.

    ``newline``: the module's line break when the function is not indented — then, in
    a one-parameter-per-line signature, the ``*`` gets a line of its own (elsewhere the
    parameters' indentation is relative to an unknown block, so it goes inline).
    """
    plan = RequiredPlan()
    ordered: list[tuple[cst.Param, cst.Param | cst.ParamSlash | None]] = []
    previous: cst.Param | cst.ParamSlash | None = None
    for param in params.posonly_params:
        ordered.append((param, previous))
        previous = param
    if isinstance(params.posonly_ind, cst.ParamSlash):
        previous = params.posonly_ind
    for param in params.params:
        ordered.append((param, previous))
        previous = param
    has_star = not isinstance(params.star_arg, cst.MaybeSentinel)
    leading: list[cst.Param] = []
    kept_default = False
    for param, before in ordered:
        new = rewritten.get(id(param))
        if param.default is None:
            continue
        if new is None or new.default is not None:
            kept_default = True
        elif not kept_default:
            leading.append(param)
        elif has_star or any(param is p for p in params.posonly_params):
            plan.blocked.add(id(param))
        else:
            plan.needs_star.add(id(param))
            if plan.anchor is None:
                plan.anchor = param
                plan.text = _star_text(before, newline)
    if len(leading) > 1:
        plan.group = leading
    return plan


def _star_text(previous: cst.Param | cst.ParamSlash | None, newline: str | None) -> str:
    """``*, `` — or ``*,`` on a line of its own, one parameter per line."""
    comma = previous.comma if previous is not None else cst.MaybeSentinel.DEFAULT
    if (
        newline is not None
        and isinstance(comma, cst.Comma)
        and isinstance(comma.whitespace_after, cst.ParenthesizedWhitespace)
    ):
        return "*," + newline + comma.whitespace_after.last_line.value
    return "*, "


def parameter_insertion(
    params: cst.Parameters, text: str, *, newline: str | None = None
) -> tuple[cst.CSTNode, str, bool] | None:
    """Where and how to add parameter ``text`` so the signature stays valid: after the
    keyword-only ones, else after the positional ones (keyword-only with ``*`` when
    one of them has a default), else before ``**kwargs``, else alone.

    ``newline`` (the function is not indented, see ``plan_required``): in a signature
    with one parameter per line and a trailing comma, the new one gets its own line."""
    positional = [*params.posonly_params, *params.params]
    star = any(param.default is not None for param in positional)
    if params.kwonly_params:
        last, star = params.kwonly_params[-1], False
    elif isinstance(params.star_arg, cst.Param):
        last, star = params.star_arg, False
    elif params.params:
        last = params.params[-1]
    else:
        return _insertion_without_positional(params, text, star)
    on_lines = _own_lines(params, last, text, star, newline)
    if on_lines is not None:
        return on_lines
    return (_last_part(last), (", *, " if star else ", ") + text, False)


def _own_lines(
    params: cst.Parameters, last: cst.Param, text: str, star: bool, newline: str | None
) -> tuple[cst.CSTNode, str, bool] | None:
    """After the trailing comma of ``last``, one line per parameter, indented like the
    others — when ``last`` ends the signature and the indentation is known."""
    everything = [*params.posonly_params, *params.params, *params.kwonly_params]
    if isinstance(params.star_arg, cst.Param):
        everything.append(params.star_arg)
    if newline is None or params.star_kwarg is not None or not isinstance(last.comma, cst.Comma):
        return None
    after = last.comma.whitespace_after
    if not isinstance(after, cst.ParenthesizedWhitespace) or after.last_line.value:
        return None  # no line break before `)`, or an indented `)`
    separators = [p.comma for p in everything if p is not last and isinstance(p.comma, cst.Comma)]
    indents = [
        c.whitespace_after.last_line.value
        for c in separators
        if isinstance(c.whitespace_after, cst.ParenthesizedWhitespace)
    ]
    if not indents:
        return None
    indent = indents[-1]
    lines = [f"{indent}*,{newline}"] if star else []
    lines.append(f"{indent}{text},{newline}")
    return (last.comma, "".join(lines), False)


def _insertion_without_positional(
    params: cst.Parameters, text: str, star: bool
) -> tuple[cst.CSTNode, str, bool] | None:
    separator = ", *, " if star else ", "
    if params.star_kwarg is not None:
        prefix = "*, " if separator == ", *, " else ""
        return (params.star_kwarg, f"{prefix}{text}, ", True)
    if isinstance(params.posonly_ind, cst.ParamSlash):
        if isinstance(params.posonly_ind.comma, cst.Comma):
            return None
        return (params.posonly_ind, f"{separator}{text}", False)
    return (params, text, False)


def _last_part(param: cst.Param) -> cst.CSTNode:
    """The last node of a parameter before its comma: default, annotation or name."""
    if param.default is not None:
        return param.default
    if param.annotation is not None:
        return param.annotation.annotation
    return param.name


def all_params(params: cst.Parameters) -> Iterator[cst.Param]:
    """Every parameter in declaration order, ``*args`` and ``**kwargs`` included."""
    yield from params.posonly_params
    yield from params.params
    if isinstance(params.star_arg, cst.Param):
        yield params.star_arg
    yield from params.kwonly_params
    if params.star_kwarg is not None:
        yield params.star_kwarg
