"""FRL501: ``session.query(...)``, the SQLAlchemy 1.x ``Query`` API, on a known session."""

from __future__ import annotations

import libcst as cst

from fastapi_rules_lint.engine.diagnostics import Applicability, DiagnosticTag, ImportRequest
from fastapi_rules_lint.rulebase.edits import NameUse, local_bindings, name_use
from fastapi_rules_lint.rulebase.rule import Clean, Flagged, NodeFix, Rule
from fastapi_rules_lint.semantics.python.names import dotted_name
from fastapi_rules_lint.semantics.sqlalchemy.sessions import (
    SessionFacts,
    might_use_sessions,
    scope_of,
)

SELECT = frozenset(
    {
        "sqlalchemy.select",
        "sqlalchemy.sql.select",
        "sqlalchemy.sql.expression.select",
        "sqlalchemy.future.select",
        "sqlmodel.select",
        "sqlmodel.sql.expression.select",
    }
)
BUILDERS = {
    "filter": "where",
    "where": "where",
    "filter_by": "filter_by",
    "order_by": "order_by",
    "limit": "limit",
    "offset": "offset",
}
"""``Query`` methods → the ``Select`` method doing the same."""
TERMINALS = frozenset({"all", "first", "one", "one_or_none"})
"""``Query`` methods that run it, and that ``ScalarResult`` has with the same meaning."""

_SETUP = (
    "from sqlalchemy import ForeignKey, create_engine\n"
    "from sqlalchemy.orm import DeclarativeBase, Mapped, Session, mapped_column\n\n\n"
    "class Base(DeclarativeBase):\n    pass\n\n\n"
    "class User(Base):\n"
    '    __tablename__ = "users"\n'
    "    id: Mapped[int] = mapped_column(primary_key=True)\n"
    "    name: Mapped[str]\n\n\n"
)

_CROSS_DEPS = (
    "from typing import Annotated\n\n"
    "from fastapi import Depends\n"
    "from sqlalchemy.ext.asyncio import AsyncSession\n"
    "from sqlalchemy.orm import Session\n\n"
    "def get_db() -> Session: ...\n"
    "def get_async_db() -> AsyncSession: ...\n\n"
    "SessionDep = Annotated[Session, Depends(get_db)]\n"
)
_CROSS_MODELS = (
    "from sqlalchemy import Column, Integer, String\n"
    "from sqlalchemy.orm import declarative_base\n\n"
    "Base = declarative_base()\n\n"
    "class User(Base):\n"
    '    __tablename__ = "users"\n'
    "    id = Column(Integer, primary_key=True)\n"
    "    name = Column(String)\n"
)


class LegacyQueryApi(Rule):
    """## What it does
    Finds `session.query(...)` where `session` is known to be a sync SQLAlchemy
    `Session` or `scoped_session` (see `semantics.sqlalchemy.sessions`): a parameter
    or variable annotated so (also through an `Annotated` alias such as `SessionDep`,
    imported or not), a session built by `Session(engine)` or a `sessionmaker()`
    factory (`with SessionLocal() as db`), a dependency's result
    (`db = Depends(get_db)`), `self.db` when the class only ever binds sessions to it.
    A `.query(...)` on anything else (Elasticsearch clients, Flask-SQLAlchemy's
    `Model.query`, an unknown `db`) is not reported.

    Runs in modules that import `sqlalchemy`/`sqlmodel` and in those using a project
    alias or function typed with a session (`db: SessionDep` from `deps.py`), not only
    in modules importing SQLAlchemy themselves.

    ## Why is this bad?
    `Query` is the legacy API of SQLAlchemy 1.x: 2.0 documents `select()` executed by
    `Session.execute()`/`Session.scalars()`, which `AsyncSession` shares (`Query` has no
    async form), and whose statements type checkers understand.

    ## Example
    ```python
    user = db.query(User).filter(User.email == email).first()
    users = db.query(User).order_by(User.id).offset(skip).limit(limit).all()
    user = db.query(User).get(user_id)
    ```

    ## Use instead
    ```python
    user = db.scalars(select(User).where(User.email == email)).first()
    users = db.scalars(select(User).order_by(User.id).offset(skip).limit(limit)).all()
    user = db.get(User, user_id)
    ```

    ## Fix safety
    Unsafe, and only for simple chains: `query(Model)` of one mapped class (known in the
    project: a class on a declarative base or a `SQLModel`), then any of `filter`
    (→ `where`), `filter_by`, `order_by`, `limit`, `offset`, ending in `all`, `first`,
    `one` or `one_or_none`; and `query(Model).get(pk)` → `get(Model, pk)`. `select`
    is imported from `sqlalchemy` unless a `select` of SQLAlchemy or SQLModel is
    already bound. The rows are the same, but `.all()` on `scalars()` returns a
    `Sequence` (a list at runtime, typed `Sequence`), `first()` no longer adds
    `LIMIT 1` to the SQL, and a model with joined eager loading of a collection needs
    `.unique()` before `.all()` in 2.0 style (`Query` de-duplicated silently). No fix
    for several entities or columns (`query(User.id)` rows become scalars),
    `count()`, `join()`, `options()`, `update()`/`delete()`, or a query that is
    stored and finished elsewhere.
    """

    code = "FRL501"
    name = "legacy-query-api"
    message = (
        "`{receiver}.query(...)` is the legacy `Query` API; "
        "use `{receiver}.scalars(select(...))` or `{receiver}.execute(select(...))`"
    )
    summary = "`session.query(...)`, the legacy SQLAlchemy `Query` API"
    fix_availability = "sometimes"
    tags = frozenset({DiagnosticTag.DEPRECATED})
    examples = (
        Clean(
            "from sqlalchemy import select\n" + _SETUP + "def names(db: Session) -> list[str]:\n"
            "    return list(db.scalars(select(User.name)))\n",
            note="2.0 style",
        ),
        Clean(
            _SETUP + "def search(es, db):\n"
            '    return es.query(index="users"), db.query(User).all()\n',
            note="unknown receivers",
        ),
        Clean(
            "from sqlalchemy.ext.asyncio import AsyncSession\n\n"
            "async def count(db: AsyncSession) -> None:\n"
            "    db.query(1)\n",
            note="`AsyncSession` has no `query`: not a sync session",
        ),
        Flagged(
            _SETUP + "def get_user(db: Session, user_id: int) -> User | None:\n"
            "    return db.query(User).filter(User.id == user_id).first()\n",
            at=("16:12-16:26",),
            unsafe=True,
            fixed=_SETUP.replace(
                "from sqlalchemy import ForeignKey, create_engine\n",
                "from sqlalchemy import ForeignKey, create_engine, select\n",
            )
            + "def get_user(db: Session, user_id: int) -> User | None:\n"
            "    return db.scalars(select(User).where(User.id == user_id)).first()\n",
        ),
        Flagged(
            _SETUP + "engine = create_engine('sqlite://')\n\n"
            "def report() -> None:\n"
            "    with Session(engine) as session:\n"
            "        user = session.query(User).get(1)\n"
            "        users = session.query(User).filter_by(name='x').order_by(User.id).all()\n"
            "        total = session.query(User).count()\n",
            at=("19:16-19:35", "20:17-20:36", "21:17-21:36"),
            unsafe=True,
            fixed=_SETUP.replace(
                "from sqlalchemy import ForeignKey, create_engine\n",
                "from sqlalchemy import ForeignKey, create_engine, select\n",
            )
            + "engine = create_engine('sqlite://')\n\n"
            "def report() -> None:\n"
            "    with Session(engine) as session:\n"
            "        user = session.get(User, 1)\n"
            "        users = session.scalars(select(User).filter_by(name='x')"
            ".order_by(User.id)).all()\n"
            "        total = session.query(User).count()\n",
            note="`get`; `filter_by`; `count()`: no fix",
        ),
        Flagged(
            "from app.deps import SessionDep\nfrom app.models import User\n\n\n"
            "def get_user(db: SessionDep, user_id: int) -> User | None:\n"
            "    return db.query(User).filter(User.id == user_id).one_or_none()\n",
            at=("6:12-6:26",),
            unsafe=True,
            fixed="from sqlalchemy import select\n\n"
            "from app.deps import SessionDep\n"
            "from app.models import User\n\n\n"
            "def get_user(db: SessionDep, user_id: int) -> User | None:\n"
            "    return db.scalars(select(User).where(User.id == user_id)).one_or_none()\n",
            path="app/crud.py",
            files={"app/deps.py": _CROSS_DEPS, "app/models.py": _CROSS_MODELS},
            note="an alias imported from `deps.py` (this module imports no SQLAlchemy); a "
            "model on a base of another module",
        ),
        Flagged(
            "from fastapi import Depends\n\n"
            "from app.deps import get_db\nfrom app.models import User\n\n\n"
            "def names(db=Depends(get_db)) -> list[str]:\n"
            "    return [u.name for u in db.query(User).all()]\n",
            at=("8:29-8:43",),
            unsafe=True,
            fixed="from fastapi import Depends\n"
            "from sqlalchemy import select\n\n"
            "from app.deps import get_db\n"
            "from app.models import User\n\n\n"
            "def names(db=Depends(get_db)) -> list[str]:\n"
            "    return [u.name for u in db.scalars(select(User)).all()]\n",
            path="app/crud.py",
            files={"app/deps.py": _CROSS_DEPS, "app/models.py": _CROSS_MODELS},
            note="a dependency imported from `deps.py` annotated `-> Session`",
        ),
        Clean(
            "from app.deps import get_async_db\nfrom app.models import User\n\n\n"
            "def names(db=Depends(get_async_db)):\n"
            "    return db.query(User).all()\n",
            path="app/crud.py",
            files={"app/deps.py": _CROSS_DEPS, "app/models.py": _CROSS_MODELS},
            note="the imported dependency gives an `AsyncSession`",
        ),
    )

    def setup(self) -> None:
        self._facts: SessionFacts | None = None
        self._is_active: bool | None = None
        self._outermost: dict[cst.Call, cst.Call] = {}

    def visit_Call(self, node: cst.Call) -> None:
        if self._is_active is None:
            self._is_active = might_use_sessions(self.context.table, self.context.fastapi.view)
        if not self._is_active:
            return
        query = _chain_root(node)
        if query is not None:
            # Calls are visited outermost first: the first call of a chain seen is its end.
            self._outermost.setdefault(query, node)
        func = node.func
        if not isinstance(func, cst.Attribute) or func.attr.value != "query":
            return
        if self._facts is None:
            context = self.context
            self._facts = SessionFacts(context.module, context.table, context.fastapi.view)
        receiver = func.value
        if not self._facts.is_session(receiver, scope_of(self.context.functions)):
            return
        written = dotted_name(receiver) or "session"
        fix = self._fix(node, self._outermost.get(node, node))
        self.report(node, fix=fix, receiver=written)

    def _fix(self, query: cst.Call, outermost: cst.Call) -> NodeFix | None:
        chain = _chain(query, outermost)
        entity = self._entity(query)
        if entity is None:
            return None
        assert isinstance(query.func, cst.Attribute)
        receiver = query.func.value
        if chain and _method(chain[0]) == "get" and _single_argument(chain[0]) is not None:
            get = chain[0]
            new: cst.BaseExpression = get.with_changes(
                func=cst.Attribute(value=receiver, attr=cst.Name("get")),
                args=(
                    cst.Arg(entity, comma=cst.Comma(whitespace_after=cst.SimpleWhitespace(" "))),
                    *get.args,
                ),
            )
            return NodeFix("Use `session.get(Model, pk)`", Applicability.UNSAFE, ((get, new),))
        end = next((i for i, call in enumerate(chain) if _method(call) in TERMINALS), None)
        if end is None or any(_method(call) not in BUILDERS for call in chain[:end]):
            return None
        use = name_use(self.context, "select", SELECT)
        if use is NameUse.TAKEN:
            return None
        statement: cst.BaseExpression = cst.Call(func=cst.Name("select"), args=(cst.Arg(entity),))
        for call in chain[:end]:
            assert isinstance(call.func, cst.Attribute)
            method = cst.Name(BUILDERS[call.func.attr.value])
            statement = call.with_changes(func=call.func.with_changes(value=statement, attr=method))
        scalars = cst.Call(
            func=cst.Attribute(value=receiver, attr=cst.Name("scalars")),
            args=(cst.Arg(statement),),
        )
        terminal = chain[end]
        assert isinstance(terminal.func, cst.Attribute)
        new = terminal.with_changes(func=terminal.func.with_changes(value=scalars))
        imports = (ImportRequest("sqlalchemy", "select"),) if use is NameUse.FREE else ()
        return NodeFix(
            "Use `session.scalars(select(...))`", Applicability.UNSAFE, ((terminal, new),), imports
        )

    def _entity(self, query: cst.Call) -> cst.BaseExpression | None:
        """The one mapped class ``query(...)`` selects, when the project knows it."""
        argument = _single_argument(query)
        if argument is None:
            return None
        dotted = dotted_name(argument)
        if dotted is None:
            return None
        head = dotted.partition(".")[0]
        for frame in self.context.functions:
            if isinstance(frame.node, cst.Lambda):
                if head in frame.locals:
                    return None
            elif head in local_bindings(frame.node):
                return None
        view = self.context.fastapi.view
        canonical = view.canonical(dotted)
        if canonical is None:
            return None
        return argument if canonical in view.orm_classes | view.model_classes else None


def _method(call: cst.Call) -> str | None:
    return call.func.attr.value if isinstance(call.func, cst.Attribute) else None


def _single_argument(call: cst.Call) -> cst.BaseExpression | None:
    if len(call.args) != 1:
        return None
    (arg,) = call.args
    return arg.value if arg.keyword is None and not arg.star else None


def _chain_root(node: cst.Call) -> cst.Call | None:
    """The ``x.query(...)`` call a method chain ``x.query(...).m1(...).m2(...)`` starts
    with (``node`` itself when it is that call)."""
    current: cst.BaseExpression = node
    while isinstance(current, cst.Call) and isinstance(current.func, cst.Attribute):
        if current.func.attr.value == "query":
            return current
        current = current.func.value
    return None


def _chain(query: cst.Call, outermost: cst.Call) -> list[cst.Call]:
    """The method calls after ``query`` up to ``outermost``, in call order."""
    calls: list[cst.Call] = []
    current: cst.BaseExpression = outermost
    while current is not query and isinstance(current, cst.Call):
        calls.append(current)
        assert isinstance(current.func, cst.Attribute)
        current = current.func.value
    return calls[::-1]
