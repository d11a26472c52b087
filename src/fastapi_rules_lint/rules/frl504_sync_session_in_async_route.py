"""FRL504: an ``async def`` route handler that receives a sync SQLAlchemy ``Session``."""

from __future__ import annotations

import libcst as cst

from fastapi_rules_lint.rulebase.rule import Clean, Flagged, Requires, Rule
from fastapi_rules_lint.semantics.python.signatures import all_params
from fastapi_rules_lint.semantics.sqlalchemy.sessions import Kind, SessionFacts, scope_of

_DEPS = (
    "from typing import Annotated, Iterator\n\n"
    "from fastapi import APIRouter, Depends\n"
    "from sqlalchemy.orm import Session, sessionmaker\n\n"
    "SessionLocal = sessionmaker()\nrouter = APIRouter()\n\n"
)

_CROSS_MODULE_DEPS = (
    "from typing import Annotated\n\n"
    "from fastapi import Depends\n"
    "from sqlalchemy.ext.asyncio import AsyncSession\n"
    "from sqlalchemy.orm import Session\n\n"
    "def get_session() -> Session: ...\n"
    "async def get_async_session() -> AsyncSession: ...\n\n"
    "SessionDep = Annotated[Session, Depends(get_session)]\n"
    "AsyncSessionDep = Annotated[AsyncSession, Depends(get_async_session)]\n"
)


class SyncSessionInAsyncRoute(Rule):
    """## What it does
    Finds an `async def` route handler with a parameter that is a sync SQLAlchemy
    `Session` (`sqlalchemy.orm.Session`, `sqlmodel.Session`, a `scoped_session`): by its
    annotation (`db: Session = Depends(get_db)`, `db: SessionDep` where `SessionDep =
    Annotated[Session, Depends(get_db)]`, also imported from another module), or,
    unannotated, through the dependency that provides it (`db = Depends(get_db)` where
    `get_db` is annotated `-> Session`/`Iterator[Session]` or yields `SessionLocal()`).
    Routes on imported and custom routers count. `AsyncSession` is fine.

    ## Why is this bad?
    FastAPI runs `async def` handlers on the event loop. Every query, flush, commit and
    lazy load of a sync session does blocking I/O there: while one request waits for the
    database, no other request of the worker runs.

    ## Example
    ```python
    @router.get("/users/{user_id}")
    async def read_user(user_id: int, db: Session = Depends(get_db)) -> User:
        return db.get(User, user_id)
    ```

    ## Use instead
    A plain `def` handler (FastAPI runs it in a thread pool):
    ```python
    @router.get("/users/{user_id}")
    def read_user(user_id: int, db: Session = Depends(get_db)) -> User:
        return db.get(User, user_id)
    ```
    or an `AsyncSession` from `async_sessionmaker` with `await db.get(User, user_id)`.

    ## Fix safety
    No fix: dropping `async` breaks the `await`s of the body, and moving to
    `AsyncSession` changes every query.
    """

    code = "FRL504"
    name = "sync-session-in-async-route"
    message = (
        "`async def {function}` receives a sync `Session` as `{param}`: its queries block "
        "the event loop; use `AsyncSession` or a plain `def` handler"
    )
    summary = "An `async def` route handler receiving a sync SQLAlchemy `Session`"
    requires = Requires.FASTAPI
    examples = (
        Clean(
            _DEPS + '@router.get("/users")\ndef users(db: Session = Depends()) -> None:\n'
            "    db.execute('SELECT 1')\n",
            note="a plain `def` handler runs in a thread pool",
        ),
        Clean(
            "from fastapi import APIRouter, Depends\n"
            "from sqlalchemy.ext.asyncio import AsyncSession\n\nrouter = APIRouter()\n\n"
            "async def get_db() -> AsyncSession: ...\n\n"
            '@router.get("/users")\n'
            "async def users(db: AsyncSession = Depends(get_db)) -> None:\n"
            "    await db.execute('SELECT 1')\n",
            note="`AsyncSession`",
        ),
        Clean(
            _DEPS + "async def helper(db: Session) -> None: ...\n",
            note="not a route handler",
        ),
        Clean(
            _DEPS + "def get_thing(): ...\n\n"
            '@router.get("/things")\nasync def things(thing = Depends(get_thing)) -> None:\n'
            "    ...\n",
            note="a dependency of unknown type",
        ),
        Flagged(
            _DEPS + '@router.get("/users")\n'
            "async def users(db: Session = Depends(SessionLocal)) -> None:\n    ...\n",
            at=("10:17-10:19",),
        ),
        Flagged(
            _DEPS + "def get_db() -> Iterator[Session]:\n"
            "    with SessionLocal() as db:\n        yield db\n\n"
            "SessionDep = Annotated[Session, Depends(get_db)]\n\n"
            '@router.get("/users")\nasync def users(db: SessionDep) -> None:\n    ...\n\n'
            '@router.get("/items")\nasync def items(db=Depends(get_db)) -> None:\n    ...\n',
            at=("16:17-16:19", "20:17-20:19"),
            note="an `Annotated` alias; an unannotated parameter whose dependency yields one",
        ),
        Flagged(
            "from fastapi import APIRouter, Depends\n\n"
            "from app.deps import SessionDep, get_session\n\n"
            "router = APIRouter()\n\n"
            '@router.get("/users")\nasync def users(db: SessionDep) -> None:\n    ...\n\n'
            '@router.get("/teams")\nasync def teams(db=Depends(get_session)) -> None:\n'
            "    ...\n",
            at=("8:17-8:19", "12:17-12:19"),
            path="app/routes.py",
            files={"app/deps.py": _CROSS_MODULE_DEPS},
            note="an alias and a dependency imported from `deps.py`",
        ),
        Clean(
            "from fastapi import APIRouter\n\n"
            "from app.deps import AsyncSessionDep\n\n"
            "router = APIRouter()\n\n"
            '@router.get("/users")\nasync def users(db: AsyncSessionDep) -> None:\n    ...\n',
            path="app/routes.py",
            files={"app/deps.py": _CROSS_MODULE_DEPS},
            note="an imported alias of `AsyncSession`",
        ),
    )

    def setup(self) -> None:
        self._facts: SessionFacts | None = None

    def visit_FunctionDef(self, node: cst.FunctionDef) -> None:
        frame = self.context.function
        if node.asynchronous is None or frame is None or frame.node is not node:
            return
        if not frame.is_route:
            return
        if self._facts is None:
            context = self.context
            self._facts = SessionFacts(context.module, context.table, context.fastapi.view)
        scope = scope_of(self.context.functions)
        for param in all_params(node.params):
            kind = self._facts.parameter_kind(param, scope)
            if kind in (Kind.SESSION, Kind.SCOPED):
                self.report(param, function=node.name.value, param=param.name.value)
