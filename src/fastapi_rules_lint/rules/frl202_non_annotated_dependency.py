"""FRL202: a FastAPI marker (``Depends()``, ``Query()``, ...) used as a parameter default."""

from __future__ import annotations

import libcst as cst

from fastapi_rules_lint.engine.diagnostics import Applicability, ImportRequest
from fastapi_rules_lint.rulebase.edits import NameUse, name_use
from fastapi_rules_lint.rulebase.one_line import on_one_line
from fastapi_rules_lint.rulebase.rule import Clean, Flagged, NodeFix, Requires, Rule
from fastapi_rules_lint.semantics.fastapi.dependency_graph import DependencyGraph
from fastapi_rules_lint.semantics.fastapi.params import (
    Marker,
    annotated_parts,
    parameter_marker,
    parameter_markers,
)
from fastapi_rules_lint.semantics.python.annotations import ANNOTATED
from fastapi_rules_lint.semantics.python.signatures import RequiredPlan, all_params, plan_required

_HEAD = (
    "from typing import Annotated\n\n"
    "from fastapi import Depends, FastAPI, Query\n\napp = FastAPI()\n\n\n"
)
_FLASK = "from flask import Flask\n\napp = Flask(__name__)\n\n\n"

# Examples that span modules: `app/deps.py` of a project whose `app/routes.py` uses it.
_DEPS = (
    'from fastapi import Depends\n\n\ndef get_token() -> str:\n    return "token"\n\n\n'
    "def get_user(token: str = Depends(get_token)) -> str:\n    return token\n"
)
_ROUTES = (
    "from typing import Annotated\n\nfrom fastapi import APIRouter, Depends\n\n"
    "from app import deps\n\nrouter = APIRouter()\n\n\n"
)


MUTABLE_BUILDERS = frozenset(
    {"builtins.list", "builtins.dict", "builtins.set", "builtins.bytearray"}
)


class NonAnnotatedDependency(Rule):
    """## What it does
    Reports a parameter of a route handler or dependency whose default is a FastAPI
    marker — `Depends`, `Security`, `Query`, `Path`, `Body`, `Header`, `Cookie`, `Form`
    or `File` (from `fastapi`, `fastapi.params` or `fastapi.param_functions`) —
    instead of `Annotated[T, Marker(...)]`. Reported at the parameter.

    ## Why is this bad?
    FastAPI recommends `Annotated`: the parameter's Python default is then its real
    default (`= 10`, or none when required), so the function can be called directly
    (tests, other code) without getting a `Query` object as a value, and the
    `Annotated` type can be shared as an alias (`CurrentUser = Annotated[User,
    Depends(get_user)]`).

    ## Example
    ```python
    @app.get("/items/")
    async def read_items(
        q: str | None = Query(None, max_length=50), db: Session = Depends(get_db)
    ): ...
    ```

    ## Use instead
    ```python
    @app.get("/items/")
    async def read_items(
        q: Annotated[str | None, Query(max_length=50)] = None,
        *,
        db: Annotated[Session, Depends(get_db)],
    ): ...
    ```

    ## Fix safety
    Unsafe. The OpenAPI schema and request validation stay the same (the marker keeps
    its arguments; checked with FastAPI 0.165); what changes is the Python
    signature. The fix moves the marker into `Annotated[T, ...]` and keeps the real
    default (`Query(10)` and `Query(default=10)` → `= 10`; `Query(...)`, `Query()`,
    `Path()`, `Depends(...)` → required). A parameter that becomes required after one
    with a default would be a syntax error, so the fix makes it and the following
    parameters keyword-only with `*` (FastAPI calls handlers and dependencies with
    keywords only; direct positional calls of the function would break — hence
    unsafe). There is no fix when that is impossible (`*args`, positional-only),
    when the type is unknown (`q=Query(None)`; `db=Depends(get_db)` is fixed when
    `get_db` is defined in the module with a return annotation), with
    `default_factory=`, when the default is a mutable value (`Query([])`: `= []` would
    be one list shared by direct calls, ruff's B006; FastAPI itself copies it), or
    when `Annotated` names something else. `Annotated` is
    imported from `typing` (Python 3.9+), unless the module already has it from
    `typing_extensions`.
    """

    code = "FRL202"
    name = "non-annotated-dependency"
    message = "`{marker}` is the default of `{param}`; declare it with `Annotated` instead"
    summary = "FastAPI marker used as a parameter default instead of `Annotated`"
    requires = Requires.FASTAPI
    fix_availability = "sometimes"
    examples = (
        Clean(
            _HEAD + '@app.get("/")\ndef read(q: Annotated[str | None, Query()] = None) -> str:\n'
            '    return q or ""\n',
            note="already Annotated",
        ),
        Clean(
            "from fastapi import Query\n\n\n"
            "def helper(q: str = Query(None)) -> str:\n    return q\n",
            note="neither a route handler nor a dependency",
        ),
        Clean(
            _FLASK + "from mylib import Query\n\n\n"
            '@app.get("/")\ndef read(q: str = Query(None)) -> str:\n    return q\n',
            note="Flask's `@app.get` and a `Query` that is not FastAPI's",
        ),
        Flagged(
            _HEAD + '@app.get("/")\n'
            "def read(q: str = Query(None, max_length=3), n: int = Query(default=10)) -> str:\n"
            "    return q\n",
            at=("9:10-9:11", "9:46-9:47"),
            fixed=_HEAD + '@app.get("/")\n'
            "def read(\n"
            "    q: Annotated[str, Query(max_length=3)] = None, n: Annotated[int, Query()] = 10\n"
            ") -> str:\n    return q\n",
            unsafe=True,
        ),
        Flagged(
            _HEAD + "def get_db() -> int:\n    return 1\n\n\n"
            '@app.get("/")\n'
            "def read(q: str = Query(None), db=Depends(get_db), s: str = Query(...)) -> str:\n"
            "    return q\n",
            at=("13:10-13:11", "13:32-13:34", "13:52-13:53"),
            fixed=_HEAD + "def get_db() -> int:\n    return 1\n\n\n"
            '@app.get("/")\ndef read(\n    q: Annotated[str, Query()] = None,\n    *,\n'
            "    db: Annotated[int, Depends(get_db)],\n    s: Annotated[str, Query()],\n"
            ") -> str:\n    return q\n",
            unsafe=True,
            note="required after a default: keyword-only; the type of `db` from `get_db`",
        ),
        Flagged(
            _HEAD + '@app.get("/")\n'
            "def read(tags: list[str] = Query([]), q: str = Query(None)) -> str:\n"
            "    return q\n",
            at=("9:10-9:14", "9:39-9:40"),
            fixed=_HEAD + '@app.get("/")\n'
            "def read(tags: list[str] = Query([]), q: Annotated[str, Query()] = None) -> str:\n"
            "    return q\n",
            unsafe=True,
            note="no fix for a mutable default: `= []` would be shared between direct calls "
            "(ruff's B006)",
        ),
        Flagged(
            "from fastapi import Depends, FastAPI\nfrom fastapi import params\n\n"
            "app = FastAPI()\n\n\n"
            "def user(token: str = params.Depends()) -> str:\n    return token\n\n\n"
            '@app.get("/")\ndef read(name: str = Depends(user)) -> str:\n    return name\n',
            at=("7:10-7:15", "12:10-12:14"),
            note="a dependency's own parameters; `fastapi.params`; `Annotated` is imported",
        ),
        Flagged(
            _HEAD + '@app.get("/")\n'
            "def read(q: str = Query(None), n: int = Query(), *rest: str) -> str:\n"
            "    return q\n",
            at=("9:10-9:11", "9:32-9:33"),
            fixed=_HEAD + '@app.get("/")\n'
            "def read(q: Annotated[str, Query()] = None, n: int = Query(), *rest: str) -> str:\n"
            "    return q\n",
            unsafe=True,
            note="`n` would be required after a default and cannot be keyword-only: no fix",
        ),
        Clean(
            _DEPS,
            path="app/deps.py",
            files={
                "app/routes.py": _ROUTES + '@router.get("/me")\n'
                'def me() -> str:\n    return deps.get_user("token")\n',
            },
            note="across modules: `get_user` is only called directly, not a dependency",
        ),
        Flagged(
            _DEPS,
            at=("8:14-8:19",),
            fixed="from typing import Annotated\n\n"
            "from fastapi import Depends\n\n\n"
            'def get_token() -> str:\n    return "token"\n\n\n'
            "def get_user(token: Annotated[str, Depends(get_token)]) -> str:\n    return token\n",
            unsafe=True,
            path="app/deps.py",
            files={
                "app/routes.py": _ROUTES + '@router.get("/me")\n'
                "def me(user: Annotated[str, Depends(deps.get_user)]) -> str:\n    return user\n",
            },
            note="across modules: `app/routes.py` uses `get_user` as a dependency",
        ),
    )

    def setup(self) -> None:
        self._graph: DependencyGraph | None = None
        # How to write `Annotated`, per enclosing function (None: the module level).
        self._annotated: dict[int | None, tuple[str, tuple[ImportRequest, ...]] | None] = {}

    def visit_FunctionDef(self, node: cst.FunctionDef) -> None:
        frame = self.context.function
        if frame is None or frame.node is not node or not (frame.is_route or frame.is_dependency):
            return
        names = self.context.qualified_names
        found: list[tuple[cst.Param, Marker]] = []
        for param in all_params(node.params):
            markers = [m for m in parameter_markers(param, names) if m.is_default]
            if markers:
                found.append((param, markers[0]))
        if not found:
            return
        rewritten = {id(param): self._rewrite(param, marker) for param, marker in found}
        top_level = len(self.context.functions) == 1 and not self.context.classes
        newline = self.context.module.default_newline if top_level else None
        plan = plan_required(node.params, rewritten, newline=newline)
        for param, marker in found:
            fix = self._fix(param, rewritten, plan)
            self.report(
                param, fix=fix, marker=f"{_marker_name(marker)}(...)", param=param.name.value
            )

    # --- the fix -----------------------------------------------------------------
    def _fix(
        self, param: cst.Param, rewritten: dict[int, cst.Param | None], plan: RequiredPlan
    ) -> NodeFix | None:
        new = rewritten[id(param)]
        if new is None or id(param) in plan.blocked:
            return None
        annotated = self._annotated_name()
        if annotated is None:
            return None
        changed = [param]
        if any(param is member for member in plan.group):
            changed = plan.group
        replacements: list[tuple[cst.CSTNode, cst.CSTNode | None]] = []
        for old in changed:
            rewrite = rewritten[id(old)]
            assert rewrite is not None
            replacements.append((old, _spell_annotated(rewrite, annotated[0])))
        insertions: tuple[tuple[cst.CSTNode, str, bool], ...] = ()
        if id(param) in plan.needs_star and plan.anchor is not None:
            insertions = ((plan.anchor, plan.text, True),)
        return NodeFix(
            message="Use `Annotated`",
            applicability=Applicability.UNSAFE,
            replacements=tuple(replacements),
            imports=annotated[1],
            text_insertions=insertions,
        )

    def _rewrite(self, param: cst.Param, marker: Marker) -> cst.Param | None:
        """``param`` with the marker moved into ``Annotated`` (spelled ``__ANNOTATED__``
        until the module's name for it is known), or None when there is no safe fix."""
        call = marker.call
        if any(arg.star for arg in call.args) or any(
            arg.keyword is not None and arg.keyword.value == "default_factory" for arg in call.args
        ):
            return None
        default_arg = marker.default_argument()
        extra_positional = [
            arg for arg in call.args if arg.keyword is None and arg is not default_arg
        ]
        if not marker.is_dependency and extra_positional:
            return None
        type_ = self._parameter_type(param, marker)
        if type_ is None:
            return None
        new_call = _without_argument(call, default_arg) if default_arg is not None else call
        # Inside `Annotated[...]` the call's old line breaks would be stray lines.
        new_call = on_one_line(new_call)
        annotation = self._annotation_with(type_, new_call)
        if annotation is None:
            return None
        default = default_arg.value if default_arg is not None else None
        if default is not None and _is_ellipsis(default):
            default = None
        if default is not None and self._is_mutable(default):
            return None  # `= []` would be a shared mutable default (ruff's B006)
        if default is None:
            return param.with_changes(
                annotation=cst.Annotation(annotation), equal=cst.MaybeSentinel.DEFAULT, default=None
            )
        return param.with_changes(annotation=cst.Annotation(annotation), default=default)

    def _is_mutable(self, default: cst.BaseExpression) -> bool:
        """A list, dict or set display or comprehension, or a call building one (as
        flake8-bugbear's B006 sees mutable defaults)."""
        if isinstance(
            default, (cst.List, cst.Dict, cst.Set, cst.ListComp, cst.DictComp, cst.SetComp)
        ):
            return True
        return isinstance(default, cst.Call) and any(
            name in MUTABLE_BUILDERS or name.startswith("collections.")
            for name in self.context.qualified_names(default.func)
        )

    def _parameter_type(self, param: cst.Param, marker: Marker) -> cst.BaseExpression | None:
        if param.annotation is not None:
            return param.annotation.annotation
        dependency = marker.dependency()
        if dependency is None:
            return None
        if self._graph is None:
            self._graph = DependencyGraph(
                self.context.module, self.context.table, self.context.qualified_names
            )
        return self._graph.injected_type(dependency)

    def _annotation_with(
        self, type_: cst.BaseExpression, call: cst.Call
    ) -> cst.BaseExpression | None:
        names = self.context.qualified_names
        parts = annotated_parts(type_, names)
        if parts is not None and isinstance(type_, cst.Subscript):
            if any(parameter_marker(item, names) is not None for item in parts[1]):
                return None  # FastAPI rejects a marker in both places: a human decides
            elements = list(type_.slice)
            if isinstance(elements[-1].comma, cst.MaybeSentinel):
                elements[-1] = elements[-1].with_changes(comma=_comma())
            return type_.with_changes(slice=[*elements, cst.SubscriptElement(cst.Index(call))])
        return cst.Subscript(
            value=cst.Name(_PLACEHOLDER),
            slice=[
                cst.SubscriptElement(cst.Index(type_), comma=_comma()),
                cst.SubscriptElement(cst.Index(call)),
            ],
        )

    def _annotated_name(self) -> tuple[str, tuple[ImportRequest, ...]] | None:
        """How to write ``Annotated`` in the current signature, and the import that
        needs. A signature is evaluated in the enclosing scopes, so the answer is cached
        per enclosing function."""
        frames = self.context.functions
        key = id(frames[-2].node) if len(frames) > 1 else None
        if key in self._annotated:
            return self._annotated[key]
        use = name_use(self.context, "Annotated", ANNOTATED, in_decorator=True)
        result: tuple[str, tuple[ImportRequest, ...]] | None = None
        if use is NameUse.BOUND:
            result = ("Annotated", ())
        elif use is NameUse.FREE:
            result = ("Annotated", (ImportRequest("typing", "Annotated"),))
        else:
            for bound, qualified in self.context.table.bindings.items():
                if qualified <= {"typing", "typing_extensions"} and len(qualified) == 1:
                    result = (f"{bound}.Annotated", ())
                    break
        self._annotated[key] = result
        return result


_PLACEHOLDER = "__ANNOTATED__"


def _spell_annotated(param: cst.Param, name: str) -> cst.Param:
    annotation = param.annotation
    assert annotation is not None
    value = annotation.annotation
    if (
        isinstance(value, cst.Subscript)
        and isinstance(value.value, cst.Name)
        and value.value.value == _PLACEHOLDER
    ):
        spelled = value.with_changes(value=cst.parse_expression(name))
        return param.with_changes(annotation=annotation.with_changes(annotation=spelled))
    return param


def _without_argument(call: cst.Call, removed: cst.Arg) -> cst.Call:
    """``call`` without ``removed``, keeping the layout of the rest."""
    args = [arg for arg in call.args if arg is not removed]
    if not args:
        return call.with_changes(args=(), whitespace_before_args=cst.SimpleWhitespace(""))
    if call.args[-1] is removed:
        args[-1] = args[-1].with_changes(comma=removed.comma)
    return call.with_changes(args=args)


def _is_ellipsis(node: cst.BaseExpression) -> bool:
    return isinstance(node, cst.Ellipsis) or (
        isinstance(node, cst.Name) and node.value == "Ellipsis"
    )


def _comma() -> cst.Comma:
    return cst.Comma(whitespace_after=cst.SimpleWhitespace(" "))


def _marker_name(marker: Marker) -> str:
    func = marker.call.func
    return func.attr.value if isinstance(func, cst.Attribute) else marker.kind
