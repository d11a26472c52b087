"""FRL501-FRL504 on real SQLAlchemy: fixed code runs and answers the same, and the
session question across the modules of a project."""

from __future__ import annotations

import re
import sys
import types
import warnings

import pytest

from fastapi_rules_lint.lint.fixer import fix_text
from fastapi_rules_lint.lint.linter import LintSettings, lint_text
from fastapi_rules_lint.project.view import project_views

sqlalchemy = pytest.importorskip("sqlalchemy")

from sqlalchemy.dialects import sqlite  # noqa: E402
from sqlalchemy.schema import CreateIndex, CreateTable  # noqa: E402

ALL = LintSettings(enabled=frozenset({"FRL501", "FRL502", "FRL503", "FRL504"}))


def _load(source: str, name: str) -> types.ModuleType:
    module = types.ModuleType(name)
    sys.modules[name] = module  # declarative resolves annotations through the module
    try:
        exec(compile(source, f"{name}.py", "exec"), module.__dict__)
    finally:
        del sys.modules[name]
    return module


def _fixed(source: str, *, unsafe: bool = True) -> str:
    outcome = fix_text(source, "models.py", ALL, unsafe=unsafe)
    assert not outcome.refusals, outcome.refusals
    return outcome.text


# --- FRL501: rewritten chains return what the Query API returned -----------------------
QUERIES = """\
from sqlalchemy import Column, Integer, String, create_engine
from sqlalchemy.orm import Session, declarative_base

Base = declarative_base()


class User(Base):
    __tablename__ = "users"
    id = Column(Integer, primary_key=True)
    name = Column(String(50), nullable=False)
    team = Column(String(20))


def first_named(db: Session, name):
    return db.query(User).filter(User.name == name).first()


def team_members(db: Session, team):
    return db.query(User).filter_by(team=team).order_by(User.name.desc()).all()


def page(db: Session, skip, size):
    return db.query(User).order_by(User.id).offset(skip).limit(size).all()


def several_criteria(db: Session):
    return db.query(User).filter(User.id > 1, User.team.is_not(None)).all()


def exactly_one(db: Session, user_id):
    return db.query(User).filter(User.id == user_id).one()


def one_or_none(db: Session, name):
    return db.query(User).filter(User.name == name).one_or_none()


def by_pk(db: Session, user_id):
    return db.query(User).get(user_id)


def everyone(db: Session):
    return db.query(User).all()


def limited_first(db: Session):
    return db.query(User).order_by(User.id.desc()).limit(3).first()
"""


def _ids(value: object) -> object:
    if isinstance(value, (list, tuple)) or type(value).__name__ == "list":
        return [_ids(v) for v in value]  # type: ignore[attr-defined]
    return getattr(value, "id", value)


def _answers(module: types.ModuleType) -> dict[str, object]:
    engine = sqlalchemy.create_engine("sqlite://")
    module.Base.metadata.create_all(engine)
    with module.Session(engine) as db:
        db.add_all(
            module.User(id=i, name=name, team=team)
            for i, (name, team) in enumerate(
                [("ann", "a"), ("bob", "b"), ("cy", "a"), ("dee", None), ("eve", "a")], 1
            )
        )
        db.commit()
        calls = {
            "first_named": lambda: module.first_named(db, "cy"),
            "first_missing": lambda: module.first_named(db, "zed"),
            "team_members": lambda: module.team_members(db, "a"),
            "page": lambda: module.page(db, 1, 2),
            "several_criteria": lambda: module.several_criteria(db),
            "exactly_one": lambda: module.exactly_one(db, 2),
            "one_or_none": lambda: module.one_or_none(db, "eve"),
            "none_or_none": lambda: module.one_or_none(db, "zed"),
            "by_pk": lambda: module.by_pk(db, 4),
            "by_missing_pk": lambda: module.by_pk(db, 40),
            "everyone": lambda: module.everyone(db),
            "limited_first": lambda: module.limited_first(db),
        }
        answers: dict[str, object] = {}
        for name, call in calls.items():
            answers[name] = _ids(call())
        with pytest.raises(sqlalchemy.exc.NoResultFound):
            module.exactly_one(db, 99)
    return answers


def test_rewritten_queries_return_the_same_rows() -> None:
    fixed = _fixed(QUERIES)
    assert ".query(" not in fixed
    assert "db.get(User, user_id)" in fixed
    assert re.search(r"^from sqlalchemy import [^\n]*\bselect\b", fixed, re.MULTILINE)
    with warnings.catch_warnings():
        warnings.simplefilter("ignore")  # Query.get is a LegacyAPIWarning
        before = _answers(_load(QUERIES, "frl501_before"))
    with warnings.catch_warnings():
        warnings.simplefilter("error")  # the 2.0 style warns about nothing
        after = _answers(_load(fixed, "frl501_after"))
    assert after == before
    assert before["team_members"] == [5, 3, 1]


# --- FRL502 + FRL503: the fixed models create the same tables ---------------------------
MODELS = """\
import datetime
import enum

import sqlalchemy as sa
from sqlalchemy import (
    JSON, BigInteger, Boolean, Column, Date, DateTime, Enum, Float, ForeignKey, Integer,
    Interval, LargeBinary, MetaData, Numeric, String, Text, Time, Unicode, UniqueConstraint,
)
from sqlalchemy.orm import declarative_base, relationship

Base = declarative_base(metadata=MetaData(naming_convention={"ix": "ix_%(column_0_label)s"}))


class Color(enum.Enum):
    RED = "red"


class Team(Base):
    __tablename__ = "teams"
    __table_args__ = (UniqueConstraint("name", "code"),)
    id = Column(Integer, primary_key=True, index=True)
    name = Column(String(100), nullable=False)
    code = Column(Unicode(8))
    notes = Column(Text, server_default="")
    members = relationship("Member", back_populates="team")


class Member(Base):
    __tablename__ = "members"
    id = Column(BigInteger, primary_key=True, autoincrement=True)
    team_id = Column(Integer, ForeignKey("teams.id", ondelete="CASCADE"), nullable=True)
    email = Column("email_address", String(255), nullable=False, unique=True, index=True)
    is_active = Column(Boolean, default=True)
    joined = Column(DateTime(timezone=True), server_default=sa.func.now())
    birthday = Column(Date, nullable=True)
    alarm = Column(Time)
    away = Column(Interval)
    score = Column(Float, nullable=False, default=0.0)
    balance = Column(Numeric(10, 2), nullable=False)
    avatar = Column(LargeBinary)
    color = Column(Enum(Color))
    extra = Column(JSON)
    manager_id = Column(ForeignKey("members.id"))
    code = Column(String(10), primary_key=False, comment="a code")
    team = relationship("Team", back_populates="members")
"""


def _ddl(module: types.ModuleType) -> list[str]:
    dialect = sqlite.dialect()
    found: list[str] = []
    for table in module.Base.metadata.sorted_tables:
        found.append(str(CreateTable(table).compile(dialect=dialect)).strip())
        found.extend(sorted(str(CreateIndex(i).compile(dialect=dialect)) for i in table.indexes))
    return found


def test_fixed_models_create_the_same_tables() -> None:
    fixed = _fixed(MODELS)
    assert "class Base(DeclarativeBase):" in fixed
    assert "declarative_base" not in fixed
    assert '    email: Mapped[str] = mapped_column(\n        "email_address"' in fixed
    assert "    is_active: Mapped[Optional[bool]]" in fixed
    assert "    id: Mapped[int] = mapped_column(BigInteger" in fixed
    assert "    extra = Column(JSON)" in fixed  # no fix: the Python type is not fixed
    before = _load(MODELS, "frl503_before")
    with warnings.catch_warnings():
        warnings.simplefilter("error")
        after = _load(fixed, "frl503_after")
    assert _ddl(after) == _ddl(before)
    assert _fixed(fixed) == fixed  # a fixed point


def test_safe_fixes_alone_only_touch_the_base() -> None:
    fixed = _fixed(MODELS, unsafe=False)
    assert "class Base(DeclarativeBase):" in fixed
    assert "mapped_column" not in fixed
    assert _ddl(_load(fixed, "frl502_after")) == _ddl(_load(MODELS, "frl502_before"))


# --- the session question across a project --------------------------------------------
PROJECT = {
    "app/__init__.py": "",
    "app/db.py": (
        "from sqlalchemy import create_engine\n"
        "from sqlalchemy.orm import DeclarativeBase, sessionmaker\n\n"
        "engine = create_engine('sqlite://')\n"
        "SessionLocal = sessionmaker(bind=engine)\n\n\n"
        "class Base(DeclarativeBase):\n    pass\n"
    ),
    "app/models.py": (
        "from sqlalchemy import Column, Integer, String\n\nfrom app.db import Base\n\n\n"
        "class User(Base):\n"
        '    __tablename__ = "users"\n'
        "    id = Column(Integer, primary_key=True)\n"
        "    name = Column(String)\n"
    ),
    "app/api/deps.py": (
        "from typing import Annotated, Generator\n\n"
        "from fastapi import APIRouter, Depends\n"
        "from sqlalchemy.ext.asyncio import AsyncSession\n"
        "from sqlalchemy.orm import Session\n\n"
        "from app.db import SessionLocal\n\n\n"
        "def get_db() -> Generator[Session, None, None]:\n"
        "    with SessionLocal() as db:\n        yield db\n\n\n"
        "def get_session() -> Session:\n    return SessionLocal()\n\n\n"
        "async def get_async_session() -> AsyncSession: ...\n\n\n"
        "SessionDep = Annotated[Session, Depends(get_db)]\n"
        "AsyncSessionDep = Annotated[AsyncSession, Depends(get_async_session)]\n"
        "router = APIRouter()\n"
    ),
    "app/api/routing.py": (
        "from fastapi import APIRouter\n\n\nclass UserAPIRouter(APIRouter):\n    pass\n"
    ),
    "app/api/users.py": (
        "from fastapi import Depends\n\n"
        "from app.api.deps import AsyncSessionDep, SessionDep, get_session, router\n"
        "from app.api.routing import UserAPIRouter\n"
        "from app.models import User\n\n"
        "users = UserAPIRouter()\n\n\n"
        '@router.get("/a")\n'
        "async def a(db: SessionDep):\n"  # row 11: FRL504
        "    return db.query(User).all()\n\n\n"  # row 12: FRL501
        '@users.get("/b")\n'
        "async def b(db=Depends(get_session)):\n"  # row 16: FRL504
        "    return db.query(User).first()\n\n\n"  # row 17: FRL501
        '@users.get("/c")\n'
        "def c(db: SessionDep):\n"
        "    return db.query(User).all()\n\n\n"  # row 22: FRL501
        '@users.get("/d")\n'
        "async def d(db: AsyncSessionDep):\n"
        "    return db.query(User).all()\n\n\n"
        "async def helper(db: SessionDep):\n"
        "    return db.query(User).all()\n"  # row 31: FRL501 (not a route)
    ),
}


def _project_diagnostics(path: str) -> list[tuple[int, str]]:
    views = project_views(PROJECT)
    found = lint_text(PROJECT[path], path, ALL, views[path])
    return sorted((d.location.row, d.code) for d in found)


def test_sessions_across_modules() -> None:
    assert _project_diagnostics("app/api/users.py") == [
        (11, "FRL504"),
        (12, "FRL501"),
        (16, "FRL504"),
        (17, "FRL501"),
        (22, "FRL501"),
        (31, "FRL501"),
    ]
    assert _project_diagnostics("app/models.py") == [(8, "FRL503"), (9, "FRL503")]


def test_imported_alias_fix_adds_select() -> None:
    views = project_views(PROJECT)
    path = "app/api/users.py"
    outcome = fix_text(PROJECT[path], path, ALL, unsafe=True, project=views[path])
    assert "from sqlalchemy import select" in outcome.text
    assert "return db.scalars(select(User)).all()" in outcome.text
    assert "return db.scalars(select(User)).first()" in outcome.text
    assert compile(outcome.text, path, "exec")


# --- what the session question knows, and what it leaves alone -------------------------
HEADER = (
    "from typing import Annotated, Optional\n"
    "from fastapi import Depends\n"
    "from sqlalchemy import create_engine\n"
    "from sqlalchemy.ext.asyncio import AsyncSession, async_sessionmaker\n"
    "from sqlalchemy.orm import Session, scoped_session, sessionmaker\n"
    "import sqlmodel\n"
    "engine = create_engine('sqlite://')\n"
)


def _queries(body: str) -> int:
    found = lint_text(HEADER + body, "example.py", LintSettings(enabled=frozenset({"FRL501"})))
    return len(found)


@pytest.mark.parametrize(
    "body",
    [
        "def f(db: Optional[Session]):\n    db.query(1)\n",
        "def f(db: 'Session | None'):\n    db.query(1)\n",
        "def f(db: sqlmodel.Session):\n    db.query(1)\n",
        "def f(db: Annotated[Session, Depends()]):\n    db.query(1)\n",
        "def f():\n    db = sessionmaker(bind=engine)()\n    db.query(1)\n",
        "def f():\n    make = sessionmaker(engine)\n    with make.begin() as db:\n"
        "        db.query(1)\n",
        "S = scoped_session(sessionmaker())\ndef f():\n    S.query(1)\n    S().query(1)\n",
        "def make() -> Session: ...\ndef f():\n    make().query(1)\n",
        "def get():\n    with Session(engine) as s:\n        yield s\n"
        "def f(db=Depends(get)):\n    db.query(1)\n",
        "class Repo:\n    db: Session\n    def f(self):\n        self.db.query(1)\n",
        "def f(db: Session):\n    def inner():\n        db.query(1)\n    return inner\n",
    ],
)
def test_known_sessions(body: str) -> None:
    assert _queries(body) >= 1


@pytest.mark.parametrize(
    "body",
    [
        "def f(db):\n    db.query(1)\n",
        "def f(db: AsyncSession):\n    db.query(1)\n",
        "A = async_sessionmaker(engine)\ndef f():\n    A().query(1)\n",
        "M = sessionmaker(engine, class_=AsyncSession)\ndef f():\n    M().query(1)\n",
        "def f(db: Session):\n    db = 1\n    db.query(1)\n",
        "def f(db: Session):\n    for db in []:\n        db.query(1)\n",
        "def f():\n    with Session(engine).begin() as t:\n        t.query(1)\n",
        "def f(db: Session):\n    return lambda db: db.query(1)\n",
        "class Repo:\n    def __init__(self, db):\n        self.db = db\n"
        "    def f(self):\n        self.db.query(1)\n",
        "class Repo:\n    db: Session\n    def f(other):\n        self.db.query(1)\n",
        "def get():\n    yield from []\ndef f(db=Depends(get)):\n    db.query(1)\n",
    ],
)
def test_unknown_sessions(body: str) -> None:
    assert _queries(body) == 0


IMPORTED_FACTORIES = {
    "app/__init__.py": "",
    "app/models.py": (
        "from sqlalchemy.orm import DeclarativeBase\n\n\n"
        "class Base(DeclarativeBase):\n    pass\n\n\nclass User(Base):\n    pass\n"
    ),
    "app/db.py": (
        "from collections.abc import Iterator\n\n"
        "from sqlalchemy.orm import Session, scoped_session, sessionmaker\n\n"
        "SessionLocal = sessionmaker()\nScopedSession = scoped_session(SessionLocal)\n\n\n"
        "def get_db() -> Iterator[Session]:\n    db = SessionLocal()\n    yield db\n"
    ),
    "app/routes.py": (
        "from fastapi import APIRouter, Depends\n\n"
        "from .db import ScopedSession, SessionLocal, get_db\n"
        "from .models import User\n\nrouter = APIRouter()\n\n\n"
        '@router.get("/users")\n'
        "async def users(db=Depends(get_db)) -> list[str]:\n"
        "    return [u.name for u in db.query(User).all()]\n\n\n"
        "def first_user() -> object:\n    s = SessionLocal()\n"
        "    return s.query(User).first()\n\n\n"
        "class Repo:\n    def __init__(self) -> None:\n        self.session = ScopedSession\n\n"
        "    def all(self) -> object:\n        return self.session.query(User).all()\n"
    ),
}


def test_sessions_from_factories_and_generator_dependencies_of_another_module() -> None:
    """`SessionLocal`/`ScopedSession` built in db.py and a `-> Iterator[Session]`
    dependency there are sessions in routes.py, which imports no SQLAlchemy."""
    view = project_views(IMPORTED_FACTORIES)["app/routes.py"]
    settings = LintSettings(enabled=frozenset({"FRL501", "FRL504"}))
    found = lint_text(IMPORTED_FACTORIES["app/routes.py"], "app/routes.py", settings, view)
    assert [(d.location.row, d.code) for d in found] == [
        (10, "FRL504"),
        (11, "FRL501"),
        (16, "FRL501"),
        (24, "FRL501"),
    ]
