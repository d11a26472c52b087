"""FRL803: a route handler returns every row of a query."""

from __future__ import annotations

from dataclasses import dataclass, field
from functools import lru_cache

import libcst as cst

from fastapi_rules_lint.engine.traversal import OwnScopeVisitor, visit_readonly
from fastapi_rules_lint.rulebase.rule import Clean, Flagged, Requires, Rule
from fastapi_rules_lint.semantics.python.signatures import all_params

SELECTS = frozenset(
    {
        "sqlalchemy.select",
        "sqlalchemy.future.select",
        "sqlalchemy.sql.select",
        "sqlalchemy.sql.expression.select",
        "sqlmodel.select",
        "sqlmodel.sql.expression.select",
    }
)
# Methods that bound the rows a statement or query returns.
_BOUNDS = frozenset({"limit", "slice", "fetch", "paginate", "top"})
# Methods whose first argument is the statement they run.
_RUNNERS = frozenset({"execute", "scalars", "exec", "stream", "stream_scalars"})
_MAX_DEPTH = 12

_HEAD = (
    "from fastapi import Depends, FastAPI\nfrom sqlalchemy import select\n"
    "from sqlalchemy.orm import Session\n\nfrom .db import Item, get_db\n\n"
    "app = FastAPI()\n\n"
)


@dataclass
class _Chain:
    """What a chain of calls that ends in ``.all()`` is made of."""

    is_query: bool = False
    is_bounded: bool = False
    is_unknown: bool = False
    seen: set[str] = field(default_factory=set)


class UnboundedQueryInRoute(Rule):
    """## What it does
    Finds a route handler that returns every row of a query: it returns (directly, via
    a local variable, in a comprehension over it, or as a value of a returned dict)
    the result of `.all()` on `session.query(M)` or on `session.execute(select(M))`/
    `session.scalars(select(M))`/`session.exec(select(M))`, and neither the chain
    nor the statement (a local variable, followed through its assignments in the
    handler) calls `.limit(...)` or `.slice(...)`. Off by default: small lookup
    tables are legitimately returned whole.

    Silent when the statement comes from outside the handler (a parameter, a helper),
    since it may be bounded there.

    ## Why is this bad?
    The response grows with the table: one day the endpoint loads a million rows into
    memory, serialises them and times out. Pagination (`limit`/`offset` parameters,
    a cursor) keeps every response bounded.

    ## Example
    ```python
    @app.get("/items")
    def list_items(db: Session = Depends(get_db)) -> list[ItemOut]:
        return db.scalars(select(Item)).all()
    ```

    ## Use instead
    ```python
    @app.get("/items")
    def list_items(
        db: Session = Depends(get_db), offset: int = 0, limit: int = Query(100, le=100)
    ) -> list[ItemOut]:
        return db.scalars(select(Item).offset(offset).limit(limit)).all()
    ```

    ## Fix safety
    No fix: the page size and the API's pagination contract are design decisions.
    """

    code = "FRL803"
    name = "unbounded-query-in-route"
    message = (
        "Route handler `{function}` returns every row of a query; paginate it with `.limit(...)`"
    )
    summary = "A route returns every row of a query, unpaginated"
    requires = Requires.FASTAPI
    default_enabled = False
    examples = (
        Clean(
            _HEAD + '@app.get("/items")\n'
            "def items(\n    skip: int = 0, limit: int = 100, db: Session = Depends(get_db)\n"
            ") -> list[Item]:\n"
            "    stmt = select(Item).offset(skip)\n"
            "    stmt = stmt.limit(limit)\n"
            "    return list(db.scalars(stmt).all())\n",
            note="bounded through a statement variable",
        ),
        Clean(
            _HEAD + '@app.get("/items")\n'
            "def items(db: Session = Depends(get_db)) -> int:\n"
            "    return len(db.query(Item).all())\n",
            note="the rows are not returned",
        ),
        Clean(
            _HEAD + "def all_items(db: Session) -> list[Item]:\n    return db.query(Item).all()\n",
            note="not a route handler",
        ),
        Clean(
            _HEAD + '@app.get("/items")\n'
            "def items(db: Session = Depends(get_db)) -> list[str]:\n"
            '    return ["a", "b"]\n\n'
            '@app.get("/tags")\ndef tags(stmt: str) -> list[str]:\n'
            "    return tags_db.scalars(stmt).all()\n",
            note="a statement from outside the handler",
        ),
        Flagged(
            _HEAD + '@app.get("/items")\n'
            "def items(db: Session = Depends(get_db)) -> list[Item]:\n"
            "    return db.query(Item).filter(Item.active).all()\n",
            at=("11:12-11:52",),
        ),
        Flagged(
            _HEAD + '@app.get("/items")\n'
            "async def items(db: Session = Depends(get_db)) -> dict[str, object]:\n"
            "    stmt = select(Item).order_by(Item.id)\n"
            "    rows = (await db.execute(stmt)).scalars().all()\n"
            '    return {"items": [row.name for row in rows]}\n',
            at=("12:12-12:52",),
            note="through variables, a comprehension and a dict",
        ),
    )

    def visit_Return(self, node: cst.Return) -> None:
        frame = self.context.function
        if frame is None or not frame.is_route or node.value is None:
            return
        function = frame.node
        if not isinstance(function, cst.FunctionDef):
            return
        for call in self._returned_rows(node.value, function, 0):
            chain = _Chain()
            self._walk(call.func, function, chain, 0)
            if chain.is_query and not chain.is_bounded and not chain.is_unknown:
                self.report(call, function=frame.name)
                return

    def _returned_rows(
        self, value: cst.BaseExpression, function: cst.FunctionDef, depth: int
    ) -> list[cst.Call]:
        """The ``.all()`` calls whose rows ``value`` returns."""
        if depth > 3:
            return []
        if isinstance(value, cst.Call) and _is_all(value):
            return [value]
        if isinstance(value, cst.Name):
            sources = _assignments(function).get(value.value, [])
            return [
                source for source in sources if isinstance(source, cst.Call) and _is_all(source)
            ]
        if isinstance(value, (cst.ListComp, cst.GeneratorExp, cst.SetComp)):
            return self._returned_rows(value.for_in.iter, function, depth + 1)
        if isinstance(value, cst.Dict):
            return [
                call
                for element in value.elements
                if isinstance(element, cst.DictElement)
                for call in self._returned_rows(element.value, function, depth + 1)
            ]
        return []

    def _walk(
        self, node: cst.BaseExpression, function: cst.FunctionDef, chain: _Chain, depth: int
    ) -> None:
        if depth > _MAX_DEPTH:
            chain.is_unknown = True
            return
        if isinstance(node, cst.Attribute):
            if node.attr.value in _BOUNDS:
                chain.is_bounded = True
            self._walk(node.value, function, chain, depth + 1)
        elif isinstance(node, cst.Call):
            func = node.func
            if self.context.resolves_to(func, SELECTS):
                chain.is_query = True
                return
            if isinstance(func, cst.Attribute):
                method = func.attr.value
                if method == "query" and self._uses_sqlalchemy():
                    chain.is_query = True
                if method in _RUNNERS and node.args and node.args[0].keyword is None:
                    statement = node.args[0].value
                    if isinstance(statement, cst.Name) and _is_parameter(statement, function):
                        chain.is_unknown = True  # it may be bounded by the caller
                    self._walk(statement, function, chain, depth + 1)
            self._walk(func, function, chain, depth + 1)
        elif isinstance(node, cst.Await):
            self._walk(node.expression, function, chain, depth + 1)
        elif isinstance(node, cst.Name):
            self._walk_name(node.value, function, chain, depth)

    def _walk_name(self, name: str, function: cst.FunctionDef, chain: _Chain, depth: int) -> None:
        if name in chain.seen:
            return
        chain.seen.add(name)
        sources = _assignments(function).get(name)
        if sources is None:
            return  # a parameter or a module name: a receiver here (a session, a model)
        for source in sources:
            if source is None:
                chain.is_unknown = True
                return
            self._walk(source, function, chain, depth + 1)

    def _uses_sqlalchemy(self) -> bool:
        return bool(
            self.context.table.imports_module("sqlalchemy", "sqlmodel", "flask_sqlalchemy")
            or self.context.fastapi.view.orm_classes
        )


def _is_parameter(name: cst.Name, function: cst.FunctionDef) -> bool:
    if name.value in _assignments(function):
        return False
    return any(param.name.value == name.value for param in all_params(function.params))


def _is_all(node: cst.Call) -> bool:
    return not node.args and isinstance(node.func, cst.Attribute) and node.func.attr.value == "all"


class _Assignments(OwnScopeVisitor):
    """Values assigned to each name in one function scope (None: a binding whose
    value is unknown, such as a loop target)."""

    def __init__(self) -> None:
        super().__init__()
        self.found: dict[str, list[cst.BaseExpression | None]] = {}

    def visit_Assign(self, node: cst.Assign) -> None:
        for target in node.targets:
            if isinstance(target.target, cst.Name):
                self.found.setdefault(target.target.value, []).append(node.value)

    def visit_AnnAssign(self, node: cst.AnnAssign) -> None:
        if isinstance(node.target, cst.Name):
            self.found.setdefault(node.target.value, []).append(node.value)

    def visit_AugAssign(self, node: cst.AugAssign) -> None:
        if isinstance(node.target, cst.Name):
            self.found.setdefault(node.target.value, []).append(None)

    def visit_For(self, node: cst.For) -> None:
        if isinstance(node.target, cst.Name):
            self.found.setdefault(node.target.value, []).append(None)

    def visit_NamedExpr(self, node: cst.NamedExpr) -> None:
        if isinstance(node.target, cst.Name):
            self.found.setdefault(node.target.value, []).append(node.value)


@lru_cache(maxsize=32)
def _assignments(function: cst.FunctionDef) -> dict[str, list[cst.BaseExpression | None]]:
    collector = _Assignments()
    visit_readonly(function.body, collector)
    return collector.found
