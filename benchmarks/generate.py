"""A seeded generator of a realistic FastAPI application tree, for benchmarks at scale.

    python benchmarks/generate.py OUT --modules 2000 --seed 13    # ~400,000 lines
    python benchmarks/generate.py OUT --modules 60                 # a small tree (tests)

The tree is one project (a ``.fastapi-rules.toml`` at its root) laid out the way
applications are: ``app/main.py`` (the app, middleware, exception handlers, lifespan or
``on_event``), ``app/core/`` (settings — ``BaseSettings``, some v1-style — and security),
``app/db/`` (a declarative base, engine and session factory, ``get_db``),
``app/api/deps.py`` (``Annotated`` dependency aliases), ``app/api/v1/api.py`` (an
``APIRouter`` that includes every domain's router, included by ``main.py``), and one
package per domain: ``router.py`` (routes with ``Depends``/``Annotated``, status codes,
``HTTPException``), ``models.py`` (SQLAlchemy, typed and untyped columns), ``schemas.py``
(Pydantic models, some with v1 validators, ``class Config``, ``Field(regex=...)``),
``service.py`` and ``crud.py`` (sync and async code, some blocking calls in async
functions, ``session.query``), ``deps.py``, ``utils.py`` and ``tasks.py``.

Every family of rules fires somewhere, the way it does in real code: most code is clean,
a seeded share of it is not. The same seed and size give the same bytes.
"""

# The templates below are code lines as they appear in the generated files.
# ruff: noqa: E501

from __future__ import annotations

import argparse
import random
import shutil
from collections.abc import Iterator
from dataclasses import dataclass, field
from pathlib import Path

MODULES_PER_DOMAIN = 10
"""router, models, schemas, service, crud, deps, utils, tasks, __init__, and one extra."""

WORDS = (
    "account",
    "invoice",
    "order",
    "product",
    "user",
    "team",
    "project",
    "ticket",
    "report",
    "payment",
    "shipment",
    "review",
    "comment",
    "tag",
    "category",
    "audit",
    "session",
    "webhook",
    "billing",
    "catalog",
    "coupon",
    "device",
    "event",
    "feature",
    "group",
    "inventory",
    "job",
    "ledger",
    "message",
    "note",
    "organization",
    "plan",
    "policy",
    "quota",
    "refund",
    "role",
    "schedule",
    "search",
    "setting",
    "subscription",
    "task",
    "tenant",
    "token",
    "upload",
    "vendor",
    "warehouse",
    "workflow",
    "zone",
    "alert",
    "asset",
)
FIELDS = (
    ("name", "str", "String(120)"),
    ("title", "str", "String(200)"),
    ("description", "str", "Text"),
    ("amount", "float", "Float"),
    ("count", "int", "Integer"),
    ("active", "bool", "Boolean"),
    ("code", "str", "String(32)"),
    ("priority", "int", "Integer"),
    ("email", "str", "String(255)"),
    ("notes", "str", "Text"),
    ("score", "float", "Float"),
    ("enabled", "bool", "Boolean"),
    ("external_id", "str", "String(64)"),
)


@dataclass
class Tree:
    """The files generated so far (relative path → text)."""

    files: dict[str, str] = field(default_factory=dict)

    def add(self, path: str, lines: list[str]) -> None:
        self.files[path] = "\n".join(lines).rstrip("\n") + "\n"

    @property
    def line_count(self) -> int:
        return sum(text.count("\n") for text in self.files.values())


class Generator:
    """Builds one application tree from a seed (see the module docstring)."""

    def __init__(self, seed: int, modules: int) -> None:
        self.random = random.Random(seed)
        self.domain_count = max(1, (modules - 12) // MODULES_PER_DOMAIN)
        self.tree = Tree()
        self.domains = [self._domain_name(index) for index in range(self.domain_count)]

    def _domain_name(self, index: int) -> str:
        word = WORDS[index % len(WORDS)]
        return word if index < len(WORDS) else f"{word}_{index // len(WORDS)}"

    def chance(self, probability: float) -> bool:
        return self.random.random() < probability

    def pick(self, options: tuple[str, ...] | list[str]) -> str:
        return options[self.random.randrange(len(options))]

    def build(self) -> Tree:
        self.tree.add(".fastapi-rules.toml", ['select = ["ALL"]'])
        self.tree.add("app/__init__.py", ['"""The application."""'])
        self._core()
        self._db()
        self._api()
        for index, domain in enumerate(self.domains):
            self._domain(index, domain)
        self._main()
        return self.tree

    # --- shared modules --------------------------------------------------------------

    def _core(self) -> None:
        self.tree.add("app/core/__init__.py", [])
        v1 = self.chance(0.5)
        lines = ['"""Application settings."""', "from functools import lru_cache", ""]
        if v1:
            lines += ["from pydantic import BaseSettings, validator", ""]
        else:
            lines += ["from pydantic_settings import BaseSettings, SettingsConfigDict", ""]
        lines += ["", "class Settings(BaseSettings):"]
        lines += [
            '    database_url: str = "sqlite:///./app.db"',
            '    secret_key: str = "change-me"',
        ]
        lines += [
            "    debug: bool = False",
            "    page_size: int = 50",
            "    cors_origins: list[str] = []",
        ]
        for domain in self.domains[:40]:
            lines.append(f"    {domain}_enabled: bool = True")
        if v1:
            lines += ["", "    class Config:", '        env_file = ".env"', ""]
            lines += ['    @validator("page_size")', "    def check_page_size(cls, value):"]
            lines += ["        return max(1, value)"]
        else:
            lines += ['    model_config = SettingsConfigDict(env_file=".env")']
        lines += ["", "", "@lru_cache", "def get_settings() -> Settings:", "    return Settings()"]
        self.tree.add("app/core/config.py", lines)
        self.tree.add(
            "app/core/security.py",
            [
                '"""Password hashing and tokens."""',
                "import hashlib",
                "import hmac",
                "import time",
                "",
                "from fastapi import HTTPException, status",
                "",
                "from app.core.config import get_settings",
                "",
                "",
                "def hash_password(password: str) -> str:",
                "    return hashlib.sha256(password.encode()).hexdigest()",
                "",
                "",
                "def verify_password(password: str, hashed: str) -> bool:",
                "    return hmac.compare_digest(hash_password(password), hashed)",
                "",
                "",
                "def make_token(subject: str) -> str:",
                "    settings = get_settings()",
                '    raw = f"{subject}:{int(time.time())}:{settings.secret_key}"',
                "    return hashlib.sha256(raw.encode()).hexdigest()",
                "",
                "",
                "def check_token(token: str) -> str:",
                "    if not token:",
                "        raise HTTPException(status_code=status.HTTP_401_UNAUTHORIZED, "
                'detail="Not authenticated")',
                "    time.sleep(0.001)",
                "    return token",
            ],
        )

    def _db(self) -> None:
        self.tree.add("app/db/__init__.py", [])
        if self.chance(0.5):
            base = ["from sqlalchemy.orm import declarative_base", "", "Base = declarative_base()"]
        else:
            base = [
                "from sqlalchemy.orm import DeclarativeBase",
                "",
                "",
                "class Base(DeclarativeBase):",
                "    pass",
            ]
        self.tree.add("app/db/base.py", ['"""The declarative base."""', *base])
        self.tree.add(
            "app/db/session.py",
            [
                '"""Engine and sessions."""',
                "from collections.abc import Iterator",
                "",
                "from sqlalchemy import create_engine",
                "from sqlalchemy.ext.asyncio import AsyncSession, async_sessionmaker, create_async_engine",
                "from sqlalchemy.orm import Session, sessionmaker",
                "",
                "from app.core.config import get_settings",
                "",
                "engine = create_engine(get_settings().database_url)",
                "SessionLocal = sessionmaker(bind=engine)",
                'async_engine = create_async_engine("sqlite+aiosqlite:///./app.db")',
                "AsyncSessionLocal = async_sessionmaker(async_engine)",
                "",
                "",
                "def get_db() -> Iterator[Session]:",
                "    db = SessionLocal()",
                "    try:",
                "        yield db",
                "    finally:",
                "        db.close()",
                "",
                "",
                "async def get_async_db():",
                "    async with AsyncSessionLocal() as session:",
                "        yield session",
            ],
        )

    def _api(self) -> None:
        self.tree.add("app/api/__init__.py", [])
        self.tree.add("app/api/v1/__init__.py", [])
        self.tree.add(
            "app/api/deps.py",
            [
                '"""Dependencies shared by every router."""',
                "from typing import Annotated",
                "",
                "from fastapi import Depends, Header",
                "from sqlalchemy.orm import Session",
                "",
                "from app.core.config import Settings, get_settings",
                "from app.core.security import check_token",
                "from app.db.session import get_db",
                "",
                "SessionDep = Annotated[Session, Depends(get_db)]",
                "SettingsDep = Annotated[Settings, Depends(get_settings)]",
                "",
                "",
                'def get_current_user(authorization: Annotated[str, Header()] = "") -> str:',
                "    return check_token(authorization)",
                "",
                "",
                "CurrentUser = Annotated[str, Depends(get_current_user)]",
                "",
                "",
                "def pagination(skip: int = 0, limit: int = 50) -> dict[str, int]:",
                '    return {"skip": skip, "limit": limit}',
            ],
        )
        lines = ['"""Every domain router, under /api/v1."""', "from fastapi import APIRouter", ""]
        for domain in self.domains:
            lines.append(f"from app.{domain}.router import router as {domain}_router")
        lines += ["", "api_router = APIRouter()"]
        for domain in self.domains:
            lines.append(
                f'api_router.include_router({domain}_router, prefix="/{domain}s", '
                f'tags=["{domain}"])'
            )
        self.tree.add("app/api/v1/api.py", lines)

    def _main(self) -> None:
        lines = [
            '"""The application."""',
            "from fastapi import FastAPI, Request",
            "from fastapi.middleware.cors import CORSMiddleware",
            "from fastapi.middleware.gzip import GZipMiddleware",
            "from fastapi.responses import JSONResponse",
            "",
            "from app.api.v1.api import api_router",
            "from app.core.config import get_settings",
            "from app.db.base import Base",
            "from app.db.session import engine",
            "",
        ]
        lines += ['app = FastAPI(title="Generated")', ""]
        if self.chance(0.5):
            lines += [
                'app.add_middleware(CORSMiddleware, allow_origins=["*"])',
                "app.add_middleware(GZipMiddleware)",
            ]
        else:
            lines += [
                "app.add_middleware(GZipMiddleware)",
                'app.add_middleware(CORSMiddleware, allow_origins=["*"])',
            ]
        lines += [
            'app.include_router(api_router, prefix="/api/v1")',
            "",
            "",
            '@app.on_event("startup")',
            "def create_tables() -> None:",
            "    Base.metadata.create_all(bind=engine)",
            "",
            "",
            "@app.exception_handler(ValueError)",
            "async def value_error(request: Request, error: ValueError) -> JSONResponse:",
            '    return JSONResponse(status_code=400, content={"detail": str(error)})',
            "",
            "",
            '@app.get("/health")',
            "async def health():",
            "    settings = get_settings()",
            '    return {"ok": True, "debug": settings.debug}',
        ]
        self.tree.add("app/main.py", lines)

    # --- one domain ------------------------------------------------------------------

    def _domain(self, index: int, domain: str) -> None:
        package = f"app/{domain}"
        model = "".join(part.capitalize() for part in domain.split("_"))
        fields = self.random.sample(FIELDS, self.random.randint(3, 8))
        size = self.random.choices((1, 2, 4, 8, 20), weights=(35, 30, 20, 10, 5))[0]
        self.tree.add(f"{package}/__init__.py", [f'"""The {domain} domain."""'])
        self.tree.add(f"{package}/models.py", self._models(model, domain, fields))
        self.tree.add(f"{package}/schemas.py", self._schemas(model, fields, size))
        self.tree.add(f"{package}/crud.py", self._crud(model, domain, fields, size))
        self.tree.add(f"{package}/service.py", self._service(model, domain, size))
        self.tree.add(f"{package}/deps.py", self._deps(model, domain))
        self.tree.add(f"{package}/router.py", self._router(model, domain, fields, size))
        self.tree.add(f"{package}/utils.py", self._utils(domain, size))
        self.tree.add(f"{package}/tasks.py", self._tasks(model, domain, size))
        name = "legacyHelpers.py" if self.chance(0.03) else "helpers.py"
        self.tree.add(f"{package}/{name}", self._utils(f"{domain}_extra", size))

    def _models(self, model: str, domain: str, fields: list[tuple[str, str, str]]) -> list[str]:
        lines = [
            f'"""Database tables of {domain}s."""',
            "from datetime import datetime",
            "",
            "from sqlalchemy import Boolean, Column, DateTime, Float, ForeignKey, Integer, "
            "String, Text",
            "from sqlalchemy.orm import Mapped, mapped_column, relationship",
            "",
            "from app.db.base import Base",
            "",
            "",
        ]
        for suffix in ("", "Item", "History"):
            name = f"{model}{suffix}"
            lines += [
                f"class {name}(Base):",
                f'    __tablename__ = "{domain}{suffix.lower()}s"',
                "",
            ]
            typed = self.chance(0.6)
            if typed:
                lines.append("    id: Mapped[int] = mapped_column(Integer, primary_key=True)")
            else:
                lines.append("    id = Column(Integer, primary_key=True)")
            for column, python_type, sql in fields:
                if typed:
                    lines.append(f"    {column}: Mapped[{python_type}] = mapped_column({sql})")
                else:
                    lines.append(f"    {column} = Column({sql})")
            lines.append("    created_at = Column(DateTime, default=datetime.utcnow)")
            lines += ["", ""]
        return lines

    def _schemas(self, model: str, fields: list[tuple[str, str, str]], size: int) -> list[str]:
        v1 = self.chance(0.3)
        lines = [
            f'"""Request and response models of {model}."""',
            "from datetime import datetime",
            "from typing import Any, Optional",
            "",
        ]
        if v1:
            lines += ["from pydantic import BaseModel, Field, constr, validator", ""]
        else:
            lines += ["from pydantic import BaseModel, ConfigDict, Field, field_validator", ""]
        for variant in ("Base", "Create", "Update", "Read", *[f"Summary{n}" for n in range(size)]):
            lines += ["", f"class {model}{variant}(BaseModel):"]
            for column, python_type, _ in fields:
                if variant == "Update" or (self.chance(0.1)):
                    default = "" if self.chance(0.2) else " = None"
                    lines.append(f"    {column}: Optional[{python_type}]{default}")
                elif v1 and python_type == "str" and self.chance(0.3):
                    lines.append(f"    {column}: constr(max_length=120)")
                elif python_type == "str" and self.chance(0.2):
                    keyword = "regex" if v1 else "pattern"
                    lines.append(f'    {column}: str = Field(..., {keyword}="^[a-z]+$")')
                else:
                    lines.append(f"    {column}: {python_type}")
            if self.chance(0.1):
                lines.append("    extra: dict[str, Any] = {}")
            if variant == "Read":
                lines += ["    id: int", "    created_at: datetime"]
                if v1:
                    lines += ["", "    class Config:", "        orm_mode = True"]
                else:
                    lines += ["", "    model_config = ConfigDict(from_attributes=True)"]
            column = fields[0][0]
            if v1 and self.chance(0.5):
                lines += [
                    "",
                    f'    @validator("{column}")',
                    f"    def check_{column}(cls, value):",
                    "        return value",
                ]
            elif not v1 and self.chance(0.3):
                lines += [
                    "",
                    f'    @field_validator("{column}")',
                    "    @classmethod",
                    f"    def check_{column}(cls, value: Any) -> Any:",
                    "        return value",
                ]
            lines.append("")
        return lines

    def _crud(
        self, model: str, domain: str, fields: list[tuple[str, str, str]], size: int
    ) -> list[str]:
        lines = [
            f'"""Queries on {domain}s."""',
            "from sqlalchemy import select, text",
            "from sqlalchemy.ext.asyncio import AsyncSession",
            "from sqlalchemy.orm import Session",
            "",
            f"from app.{domain}.models import {model}",
            f"from app.{domain}.schemas import {model}Create, {model}Update",
            "",
        ]
        for n in range(size * 2):
            suffix = "" if n == 0 else f"_{n}"
            legacy = self.chance(0.4)
            lines += ["", f"def get_{domain}{suffix}(db: Session, item_id: int) -> {model} | None:"]
            if legacy:
                lines.append(f"    return db.query({model}).filter({model}.id == item_id).first()")
            else:
                lines.append(f"    return db.get({model}, item_id)")
            lines += [
                "",
                "",
                f"def list_{domain}s{suffix}(db: Session, skip: int = 0, limit: int = 100):",
            ]
            if legacy:
                lines.append(f"    return db.query({model}).offset(skip).limit(limit).all()")
            else:
                lines.append(
                    f"    return db.scalars(select({model}).offset(skip).limit(limit)).all()"
                )
            lines += [
                "",
                "",
                f"def create_{domain}{suffix}(db: Session, data: {model}Create) -> {model}:",
            ]
            if self.chance(0.3):
                lines.append(f"    item = {model}(**data.dict())")
            else:
                lines.append(f"    item = {model}(**data.model_dump())")
            lines += [
                "    db.add(item)",
                "    db.commit()",
                "    db.refresh(item)",
                "    return item",
                "",
            ]
            lines += [
                "",
                f"def update_{domain}{suffix}(db: Session, item: {model}, data: {model}Update) -> {model}:",
                "    for key, value in data.model_dump(exclude_unset=True).items():",
                "        setattr(item, key, value)",
                "    db.commit()",
                "    return item",
                "",
            ]
            column = fields[0][0]
            lines += ["", f"def search_{domain}s{suffix}(db: Session, term: str):"]
            if self.chance(0.2):
                lines.append(
                    f"    return db.execute(text(f\"SELECT * FROM {domain}s WHERE {column} = '{{term}}'\"))"
                )
            else:
                lines.append(
                    f'    return db.execute(text("SELECT * FROM {domain}s WHERE {column} = :term"), '
                    '{"term": term})'
                )
            lines += [
                "",
                "",
                f"async def fetch_{domain}{suffix}(session: AsyncSession, item_id: int) -> {model} | None:",
                f"    return await session.get({model}, item_id)",
                "",
            ]
        return lines

    def _service(self, model: str, domain: str, size: int) -> list[str]:
        lines = [
            f'"""Business logic of {domain}s."""',
            "import asyncio",
            "import json",
            "import logging",
            "import time",
            "from functools import lru_cache",
            "",
            "import httpx",
            "import requests",
            "from sqlalchemy.orm import Session",
            "",
            f"from app.{domain} import crud",
            f"from app.{domain}.utils import normalise",
            "",
            "logger = logging.getLogger(__name__)",
            "",
        ]
        for n in range(size * 2):
            suffix = "" if n == 0 else f"_{n}"
            lines += [
                "",
                f"def load_{domain}{suffix}(db: Session, item_id: int):",
                f"    item = crud.get_{domain}(db, item_id)",
                "    if item is None:",
                "        return None",
                "    try:",
                "        return normalise(item)",
                "    except Exception:",
            ]
            lines.append(
                "        pass"
                if self.chance(0.3)
                else '        logger.exception("normalise failed")'
            )
            lines.append("    return item")
            lines += ["", "", f"async def notify_{domain}{suffix}(item_id: int) -> None:"]
            roll = self.random.random()
            if roll < 0.15:
                lines += [
                    "    time.sleep(0.1)",
                    f'    requests.post("https://hooks.example.com/{domain}", json={{"id": item_id}})',
                ]
            elif roll < 0.3:
                lines += [f"    sync_ping_{domain}{suffix}(item_id)"]
            elif roll < 0.4:
                lines += ['    logger.info("notify %s", item_id)']
            else:
                lines += [
                    "    async with httpx.AsyncClient() as client:",
                    f'        await client.post("https://hooks.example.com/{domain}", json={{"id": item_id}})',
                ]
            lines += [
                "",
                "",
                f"def sync_ping_{domain}{suffix}(item_id: int) -> None:",
                f'    requests.get("https://status.example.com/{domain}/" + str(item_id))',
                "",
            ]
            if self.chance(0.2):
                lines += [
                    "",
                    "@lru_cache",
                    f"async def cached_{domain}{suffix}(key: str) -> str:",
                    "    await asyncio.sleep(0)",
                    "    return key",
                    "",
                ]
            lines += ["", f"async def schedule_{domain}{suffix}(item_id: int) -> None:"]
            if self.chance(0.3):
                lines.append(f"    asyncio.create_task(notify_{domain}{suffix}(item_id))")
            else:
                lines += [
                    f"    task = asyncio.create_task(notify_{domain}{suffix}(item_id))",
                    "    await task",
                ]
            lines += [
                "",
                "",
                f"def export_{domain}{suffix}(db: Session) -> str:",
                f"    items = crud.list_{domain}s(db)",
                '    return json.dumps([{"id": item.id} for item in items])',
                "",
            ]
            lines += self._filler(domain, n)
        return lines

    def _filler(self, domain: str, n: int) -> list[str]:
        """Plain business code: most of a real application."""
        lines = [
            "",
            f"def compute_{domain}_totals_{n}(rows: list[dict[str, float]]) -> dict[str, float]:",
            "    totals: dict[str, float] = {}",
            "    for row in rows:",
            "        for key, value in row.items():",
            "            if value is None:",
            "                continue",
            "            totals[key] = totals.get(key, 0.0) + float(value)",
            "    return totals",
            "",
            "",
            f"class {domain.title().replace('_', '')}Policy{n}:",
            '    """Decides what a caller may do."""',
            "",
            "    def __init__(self, limit: int = 10) -> None:",
            "        self.limit = limit",
            "        self.seen: list[int] = []",
            "",
            "    def allows(self, item_id: int) -> bool:",
            "        if len(self.seen) >= self.limit:",
            "            return False",
            "        self.seen.append(item_id)",
            "        return True",
            "",
            "    def reset(self):",
            "        self.seen.clear()",
            "",
        ]
        return lines

    def _deps(self, model: str, domain: str) -> list[str]:
        return [
            f'"""Dependencies of the {domain} routes."""',
            "from typing import Annotated",
            "",
            "from fastapi import Depends, HTTPException, status",
            "",
            "from app.api.deps import SessionDep",
            f"from app.{domain} import crud",
            f"from app.{domain}.models import {model}",
            "",
            "",
            f"def get_{domain}_or_404(item_id: int, db: SessionDep) -> {model}:",
            f"    item = crud.get_{domain}(db, item_id)",
            "    if item is None:",
            '        raise HTTPException(status_code=status.HTTP_404_NOT_FOUND, detail="Not found")',
            "    return item",
            "",
            "",
            f"{model}Dep = Annotated[{model}, Depends(get_{domain}_or_404)]",
        ]

    def _router(
        self, model: str, domain: str, fields: list[tuple[str, str, str]], size: int
    ) -> list[str]:
        lines = [
            f'"""Routes of {domain}s."""',
            "import json",
            "import time",
            "from typing import Any",
            "",
            "from fastapi import APIRouter, BackgroundTasks, Depends, HTTPException, status",
            "from fastapi.responses import JSONResponse",
            "from sqlalchemy.orm import Session",
            "",
            "from app.api.deps import CurrentUser, SessionDep, SettingsDep",
            "from app.core.config import Settings",
            "from app.db.session import get_db",
            f"from app.{domain} import crud, service",
            f"from app.{domain}.deps import {model}Dep",
            f"from app.{domain}.schemas import {model}Create, {model}Read, {model}Update",
            "",
        ]
        if self.chance(0.03):
            lines.insert(4, f"from app.{domain}.utils import *")
        lines += ["router = APIRouter()", ""]
        for n in range(size * 2):
            suffix = "" if n == 0 else f"_{n}"
            path = "" if n == 0 else f"/v{n}"
            modern = self.chance(0.6)
            db = "db: SessionDep" if modern else "db: Session = Depends(get_db)"
            code = "status.HTTP_201_CREATED" if self.chance(0.7) else "201"
            lines += [
                "",
                f'@router.get("{path}/", response_model=list[{model}Read])',
                f"def list_{domain}s{suffix}({db}, skip: int = 0, limit: int = 50) -> list[{model}Read]:",
            ]
            if self.chance(0.3):
                lines.append(
                    f"    return db.query(crud.{model}).all()"
                    if False
                    else f"    return crud.list_{domain}s(db, skip=skip, limit=limit)"
                )
            else:
                lines.append(f"    return crud.list_{domain}s(db, skip=skip, limit=limit)")
            lines += [
                "",
                "",
                f'@router.get("{path}/{{item_id}}")',
                f"def read_{domain}{suffix}(item: {model}Dep) -> {model}Read:",
                "    return item",
                "",
            ]
            lines += [
                "",
                f'@router.post("{path}/", status_code={code})',
                f"def create_{domain}{suffix}(data: {model}Create, user: CurrentUser, {db}) -> {model}Read:",
            ]
            if self.chance(0.2):
                lines += ["    if not user:", '        raise ValueError("no user")']
            lines += [f"    return crud.create_{domain}(db, data)", ""]
            lines += ["", f'@router.patch("{path}/{{item_id}}")']
            if self.chance(0.2):
                lines.append(f"def update_{domain}{suffix}(data: dict, item_id: int, {db}):")
            else:
                lines.append(
                    f"def update_{domain}{suffix}(data: {model}Update, item: {model}Dep, {db}) -> {model}Read:"
                )
                lines.append(f"    return crud.update_{domain}(db, item, data)")
                lines.append("")
                lines.append("")
                lines.append(f'@router.put("{path}/{{item_id}}/replace")')
                lines.append(f"def replace_{domain}{suffix}(data: dict, item_id: int, {db}):")
            lines += [
                f"    item = crud.get_{domain}(db, item_id)",
                "    if item is None:",
                '        raise HTTPException(status_code=404, detail="Not found")',
                f"    return crud.update_{domain}(db, item, {model}Update(**data))",
                "",
            ]
            lines += [
                "",
                f'@router.delete("{path}/{{item_id}}", status_code=status.HTTP_204_NO_CONTENT)',
                f"async def delete_{domain}{suffix}(item_id: int, {db}) -> None:",
            ]
            if self.chance(0.3):
                lines += [f"    item = db.query(crud.{model}).get(item_id)"]
            else:
                lines += [f"    item = crud.get_{domain}(db, item_id)"]
            lines += [
                "    if item is None:",
                "        raise HTTPException(status_code=status.HTTP_404_NOT_FOUND)",
                "    db.delete(item)",
                "    db.commit()",
                "",
            ]
            lines += [
                "",
                f'@router.post("{path}/{{item_id}}/notify", status_code=status.HTTP_202_ACCEPTED)',
                f"async def notify_{domain}{suffix}(item_id: int, background: BackgroundTasks) -> dict[str, Any]:",
            ]
            roll = self.random.random()
            if roll < 0.15:
                lines += ["    time.sleep(0.05)"]
            elif roll < 0.3:
                lines += [f"    service.sync_ping_{domain}(item_id)"]
            elif roll < 0.4:
                lines += [f"    service.notify_{domain}(item_id)"]
            else:
                lines += [f"    await service.notify_{domain}(item_id)"]
            lines += ['    return {"queued": True}', ""]
            lines += [
                "",
                f'@router.get("{path}/{{item_id}}/export")',
                f"def export_{domain}{suffix}(item_id: int, settings: SettingsDep, {db}):",
            ]
            if self.chance(0.2):
                lines += [
                    "    try:",
                    f"        data = service.export_{domain}(db)",
                    "    except Exception as error:",
                    "        raise HTTPException(status_code=500, detail=str(error))",
                    "    return JSONResponse(content=json.loads(data))",
                    "",
                ]
            elif self.chance(0.2):
                lines += ["    config = Settings()", '    return {"debug": config.debug}, 200', ""]
            else:
                lines += [
                    f"    return JSONResponse(content=json.loads(service.export_{domain}(db)))",
                    "",
                ]
            if self.chance(0.1):
                lines += [
                    "",
                    f'@router.get("{path}/{{item_id}}/raw")',
                    f"def raw_{domain}{suffix}(item_id: int, owner_id: int, {db}) -> dict:",
                    "    if item_id < 0:",
                    '        raise HTTPException(status_code=200, detail="negative")',
                    f'    return {{"rows": [r.id for r in db.query(crud.{model}).all()]}}',
                    "",
                ]
        return lines

    def _utils(self, domain: str, size: int) -> list[str]:
        lines = [
            f'"""Helpers of {domain}."""',
            "import re",
            "from datetime import datetime, timezone",
            "from typing import Any",
            "",
        ]
        lines += ["", "def normalise(item: Any) -> Any:", "    return item", ""]
        for n in range(size * 3):
            lines += [
                "",
                f"def slugify_{n}(value: str) -> str:",
                '    value = re.sub(r"[^a-z0-9]+", "-", value.lower())',
                '    return value.strip("-")',
                "",
                "",
                f"def parse_when_{n}(value: str | None) -> datetime | None:",
                "    if not value:",
                "        return None",
                "    try:",
                "        return datetime.fromisoformat(value)",
                "    except ValueError:",
                "        return None",
                "",
                "",
                f"def chunked_{n}(items, size=100):",
                "    for start in range(0, len(items), size):",
                "        yield items[start : start + size]",
                "",
                "",
                f"def now_{n}() -> datetime:",
                "    return datetime.now(timezone.utc)",
                "",
                "",
                f"def merge_{n}(left: dict[str, Any], right: dict[str, Any]) -> dict[str, Any]:",
                "    merged = dict(left)",
                "    for key, value in right.items():",
                "        if isinstance(value, dict) and isinstance(merged.get(key), dict):",
                f"            merged[key] = merge_{n}(merged[key], value)",
                "        else:",
                "            merged[key] = value",
                "    return merged",
                "",
            ]
        return lines

    def _tasks(self, model: str, domain: str, size: int) -> list[str]:
        lines = [
            f'"""Background jobs of {domain}s."""',
            "import asyncio",
            "import logging",
            "import subprocess",
            "",
            "from app.db.session import SessionLocal",
            f"from app.{domain} import crud, service",
            "",
            "logger = logging.getLogger(__name__)",
            "",
        ]
        for n in range(size * 2):
            lines += ["", f"async def nightly_{domain}_{n}() -> None:"]
            if self.chance(0.15):
                lines += ['    subprocess.run(["true"], check=False)']
            lines += [
                "    db = SessionLocal()",
                "    try:",
                f"        for item in crud.list_{domain}s(db):",
                f"            await service.notify_{domain}(item.id)",
                "    finally:",
                "        db.close()",
                "",
                "",
                f"async def retry_{domain}_{n}(attempts: int = 3) -> bool:",
                "    for attempt in range(attempts):",
                "        try:",
                f"            await service.schedule_{domain}(attempt)",
                "            return True",
                "        except Exception:",
                '            logger.warning("retry %s", attempt)',
                "            await asyncio.sleep(2**attempt)",
                "    return False",
                "",
            ]
        return lines


def generate(out: Path, modules: int = 2000, seed: int = 13) -> Tree:
    """Write the tree of ``modules`` Python modules under ``out`` (emptied first)."""
    tree = Generator(seed, modules).build()
    if out.exists():
        shutil.rmtree(out)
    for relative, text in tree.files.items():
        path = out / relative
        path.parent.mkdir(parents=True, exist_ok=True)
        path.write_text(text, encoding="utf-8")
    return tree


def python_files(tree: Tree) -> Iterator[str]:
    """The tree's Python modules."""
    return (path for path in tree.files if path.endswith(".py"))


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument("out", type=Path)
    parser.add_argument("--modules", type=int, default=2000, help="about this many modules")
    parser.add_argument("--seed", type=int, default=13)
    arguments = parser.parse_args(argv)
    tree = generate(arguments.out, arguments.modules, arguments.seed)
    count = sum(1 for _ in python_files(tree))
    print(f"{arguments.out}: {count} modules, {tree.line_count} lines")
    return 0


if __name__ == "__main__":
    raise SystemExit(main())
