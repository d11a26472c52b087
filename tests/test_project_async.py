"""FRL301-FRL303 across modules: blocking facts of project functions, computed once from
the project model (``semantics.asyncio.project_calls``) and shipped in each module's view."""

from __future__ import annotations

import pickle

from fastapi_rules_lint.engine.diagnostics import Diagnostic
from fastapi_rules_lint.engine.options import RuleOptions
from fastapi_rules_lint.lint.linter import LintSettings, lint_text
from fastapi_rules_lint.project.model import ProjectModel
from fastapi_rules_lint.project.modules import ModuleRef
from fastapi_rules_lint.project.summarise import summarise
from fastapi_rules_lint.project.view import project_views
from fastapi_rules_lint.rules.frl302_async_without_await import AsyncWithoutAwaitOptions
from fastapi_rules_lint.semantics.asyncio.blocking import BlockingCallsOptions
from fastapi_rules_lint.semantics.asyncio.project_calls import call_facts, with_call_facts

ROUTE = "app/routes.py"
HEAD = "from fastapi import APIRouter\n\nrouter = APIRouter()\n\n"

UPSTREAM = """\
import time
from functools import lru_cache

import requests


def fetch(city: str) -> dict[str, str]:
    return requests.get("https://x", params={"city": city}).json()


def fetch_with_retry(city: str) -> dict[str, str]:
    return fetch(city)


def read_key() -> str:
    with open("key.pem") as handle:
        return handle.read()


def ping(a: object) -> None:
    pong(a)


def pong(a: object) -> None:
    ping(a)
    time.sleep(1)


def describe(service: object) -> str:
    return service.describe()


@lru_cache
def cached() -> str:
    return read_key()


def lines() -> object:
    with open("x") as f:
        yield from f


async def refresh() -> None:
    time.sleep(1)


def tasked() -> None:
    time.sleep(1)
"""

PURE = """\
from datetime import datetime, timezone


def is_valid(name: object) -> bool:
    return isinstance(name, str) and name.replace(" ", "").isalpha()


def now() -> datetime:
    return datetime.now(timezone.utc)


def label(name: str) -> str:
    return helper(name).title()


def helper(name: str) -> str:
    return name.strip().lower()
"""


def _lint(
    sources: dict[str, str],
    code: str,
    path: str = ROUTE,
    options: RuleOptions | None = None,
    *,
    with_facts: bool = True,
) -> list[Diagnostic]:
    project = {"app/__init__.py": "", **sources}
    views = project_views(project, derive=with_call_facts if with_facts else None)
    settings = LintSettings(
        enabled=frozenset({code}), options={code: options} if options is not None else {}
    )
    return lint_text(project[path], path, settings, views[path])


def _project(route: str, **modules: str) -> dict[str, str]:
    sources = {f"app/{name}.py": text for name, text in modules.items()}
    sources[ROUTE] = route
    return sources


def _route(body: str, imports: str = "from app import pure, upstream\n") -> str:
    return imports + HEAD + "@router.get('/')\nasync def index() -> object:\n" + body


# --- the facts ------------------------------------------------------------------------
def test_facts_follow_chains_through_modules_and_cycles() -> None:
    sources = {"app/__init__.py": "", "app/upstream.py": UPSTREAM, "app/pure.py": PURE}
    refs = {path: ModuleRef(".", path[:-3].replace("/", ".")) for path in sources}
    refs["app/__init__.py"] = ModuleRef(".", "app", True)
    model = ProjectModel.build({refs[p]: summarise(t) for p, t in sources.items()})
    facts = call_facts(model)
    chain = facts["app.upstream.fetch_with_retry"].blocks
    assert chain is not None
    assert chain.through == ("app.upstream.fetch_with_retry", "app.upstream.fetch")
    assert (chain.call, chain.written) == ("requests.get", "requests.get")
    ping = facts["app.upstream.ping"].blocks
    assert ping is not None and ping.call == "time.sleep"
    assert facts["app.upstream.read_key"].blocks is not None
    read_key = facts["app.upstream.read_key"].may_block
    assert read_key is not None and read_key.written == "open"  # the earliest call
    for pure in ("is_valid", "now", "label", "helper"):
        assert facts[f"app.pure.{pure}"].may_block is None, pure
    describe = facts["app.upstream.describe"]
    assert describe.blocks is None and describe.may_block is not None  # unknown receiver
    cached = facts["app.upstream.cached"].blocks
    assert cached is not None and cached.through[-1] == "app.upstream.read_key"
    for runs_nothing in ("lines", "refresh"):
        assert facts[f"app.upstream.{runs_nothing}"].may_block is None


_ON_GLOBAL = """\
def on_global() -> None:
    client.get("https://x")
"""
_ON_LOCAL = """\
def on_local(client) -> None:
    client.get("https://x")
"""
_CLIENT = "import httpx\n\nclient = httpx.Client()\n\n\n"


def test_facts_tell_a_module_level_name_from_a_local_one_of_the_same_spelling() -> None:
    # A module calls `client.get` twice: on its module-level `httpx.Client` (blocks) and
    # on a parameter of unknown type (unknown); the order in the module does not matter.
    sources = {
        "app/__init__.py": "",
        "app/first.py": _CLIENT + _ON_GLOBAL + "\n\n" + _ON_LOCAL,
        "app/second.py": _CLIENT + _ON_LOCAL + "\n\n" + _ON_GLOBAL,
    }
    refs = {path: ModuleRef(".", path[:-3].replace("/", ".")) for path in sources}
    refs["app/__init__.py"] = ModuleRef(".", "app", True)
    facts = call_facts(ProjectModel.build({refs[p]: summarise(t) for p, t in sources.items()}))
    for module in ("first", "second"):
        blocks = facts[f"app.{module}.on_global"].blocks
        assert blocks is not None and blocks.call == "httpx.Client.get", module
        assert facts[f"app.{module}.on_local"].blocks is None, module


def test_views_stay_small_and_picklable() -> None:
    sources = _project(_route("    return pure.now()\n"), upstream=UPSTREAM, pure=PURE)
    view = project_views({"app/__init__.py": "", **sources}, derive=with_call_facts)[ROUTE]
    assert set(view.call_facts) == {"app.pure.now", "app.routes.index"}
    assert pickle.loads(pickle.dumps(view)) == view


# --- FRL302 -----------------------------------------------------------------------------
def test_frl302_pure_project_helpers_do_not_count() -> None:
    route = _route("    return pure.is_valid('x'), pure.now(), pure.label('y')\n")
    assert _lint(_project(route, upstream=UPSTREAM, pure=PURE), "FRL302") == []


def test_frl302_names_the_call_at_the_end_of_the_chain() -> None:
    route = _route("    return upstream.fetch_with_retry('x')\n")
    (found,) = _lint(_project(route, upstream=UPSTREAM, pure=PURE), "FRL302")
    assert "`upstream.fetch_with_retry() → fetch() → requests.get()`" in found.message
    assert found.fix is not None  # nothing else calls `index`


def test_frl302_through_a_same_module_helper() -> None:
    route = (
        "from app.upstream import read_key\n"
        + HEAD
        + "def key() -> str:\n    return read_key()\n\n"
        "@router.get('/')\nasync def index() -> object:\n    return key()\n"
    )
    (found,) = _lint(_project(route, upstream=UPSTREAM), "FRL302")
    assert "`key() → read_key() → open()`" in found.message


def test_frl302_unknown_receiver_and_third_party_calls_still_count() -> None:
    route = _route("    return upstream.describe(object())\n")
    (found,) = _lint(_project(route, upstream=UPSTREAM), "FRL302")
    assert "`upstream.describe() → service.describe()`" in found.message
    third_party = _route("    return boto3.client('s3')\n", "import boto3\n")
    assert len(_lint(_project(third_party), "FRL302")) == 1


def test_frl302_project_functions_that_run_nothing_when_called() -> None:
    route = _route("    upstream.lines()\n    return upstream.refresh\n")
    assert _lint(_project(route, upstream=UPSTREAM), "FRL302") == []


def test_frl302_non_blocking_calls_option_applies_to_the_chain_end() -> None:
    route = _route("    return upstream.fetch('x')\n")
    options = AsyncWithoutAwaitOptions(non_blocking_calls=("requests",))
    assert _lint(_project(route, upstream=UPSTREAM), "FRL302", options=options) == []


def test_frl302_without_project_facts_keeps_imported_functions_suspicious() -> None:
    route = _route("    return pure.now()\n")
    assert len(_lint(_project(route, pure=PURE), "FRL302", with_facts=False)) == 1


def test_frl302_no_fix_when_awaited_or_called_elsewhere() -> None:
    deps = (
        "from fastapi import Header\nfrom app.upstream import read_key\n\n"
        "async def current_user() -> str:\n    return read_key()\n"
    )
    uses = (
        HEAD
        + "from fastapi import Depends\n\n@router.get('/')\n"
        + ("async def me(user: str = Depends(current_user)) -> str:\n    return user\n")
    )
    awaited = "from app.deps import current_user\n\nasync def f() -> str:\n"
    awaited += "    return await current_user()\n"
    called = "from app.deps import current_user\n\ndef g() -> object:\n"
    called += "    return current_user()\n"
    base = {"app/upstream.py": UPSTREAM, "app/deps.py": deps, ROUTE: uses}
    base[ROUTE] = "from app.deps import current_user\n" + uses
    (alone,) = _lint(base, "FRL302", "app/deps.py")
    assert alone.fix is not None
    for other in (awaited, called):
        (found,) = _lint({**base, "app/other.py": other}, "FRL302", "app/deps.py")
        assert found.fix is None, other


# --- FRL303 -----------------------------------------------------------------------------
def test_frl303_follows_chains_across_modules() -> None:
    route = (
        "from app import upstream\nfrom app.upstream import read_key as key\n\n"
        "async def handler() -> None:\n"
        "    upstream.fetch_with_retry('x')\n    key()\n    await upstream.refresh()\n"
        "    upstream.lines()\n    upstream.describe(object())\n"
    )
    found = _lint(_project(route, upstream=UPSTREAM), "FRL303")
    assert [(d.location.row, d.location.column) for d in found] == [(5, 5), (6, 5)]
    assert found[0].message == (
        "`upstream.fetch_with_retry()` blocks the event loop in `async def handler` "
        "through `fetch_with_retry() → fetch() → requests.get()`"
    )
    assert "`key()`" in found[1].message and "`read_key() → open()`" in found[1].message


def test_frl303_same_module_helper_then_another_module() -> None:
    route = (
        "from app.upstream import cached\n\ndef load() -> str:\n    return cached()\n\n"
        "async def handler() -> str:\n    return load()\n"
    )
    (found,) = _lint(_project(route, upstream=UPSTREAM), "FRL303")
    assert "`load() → cached() → read_key() → open()`" in found.message


def test_frl303_pure_helpers_and_allowed_calls_are_silent() -> None:
    route = (
        "from app import pure, upstream\n\nasync def handler() -> None:\n"
        "    pure.label('x')\n    upstream.read_key()\n"
    )
    sources = _project(route, upstream=UPSTREAM, pure=PURE)
    assert len(_lint(sources, "FRL303")) == 1
    options = BlockingCallsOptions(allowed_blocking_calls=("builtins.open",))
    assert _lint(sources, "FRL303", options=options) == []


def test_frl303_receivers_typed_in_other_modules() -> None:
    deps = (
        "from typing import Annotated\n\nimport httpx\nfrom fastapi import Depends\n"
        "from sqlalchemy.orm import Session\n\n"
        "SessionDep = Annotated[Session, Depends(object)]\nclient = httpx.Client()\n"
    )
    crud = (
        "from app.deps import SessionDep, client\n\n"
        "def count(db: SessionDep) -> object:\n    return db.execute('select 1')\n\n"
        "def remote() -> object:\n    return client.get('https://x')\n\n"
        "class Service:\n    def run(self) -> object:\n        return self.step()\n\n"
        "    def step(self) -> object:\n        return remote()\n"
    )
    route = (
        "from app import crud\nfrom app.crud import Service\n\n"
        "async def handler(service: Service) -> None:\n"
        "    crud.count(None)\n    crud.remote()\n    service.run()\n"
    )
    found = _lint(_project(route, deps=deps, crud=crud), "FRL303")
    assert [d.location.row for d in found] == [5, 6, 7]
    assert "`count() → db.execute()`" in found[0].message
    assert "`remote() → client.get()`" in found[1].message
    assert "`run() → step() → remote() → client.get()`" in found[2].message


# --- FRL301 -----------------------------------------------------------------------------
DB = (
    "from typing import Annotated\n\nfrom fastapi import Depends\n"
    "from sqlalchemy.orm import Session\n\n"
    "def get_db() -> Session:\n    return Session()\n\n"
    "def refetch_db_session() -> Session:\n    return Session()\n\n"
    "SessionDep = Annotated[Session, Depends(get_db)]\n"
)


def test_frl301_receivers_through_imported_aliases_and_return_annotations() -> None:
    route = (
        "from app.db import SessionDep, refetch_db_session\nfrom app import db as database\n\n"
        "async def handler(db: SessionDep) -> None:\n    db.execute('select 1')\n"
        "    session = refetch_db_session()\n    session.commit()\n"
        "    other = database.get_db()\n    other.query(int).all()\n"
    )
    found = _lint(_project(route, db=DB), "FRL301")
    assert [d.location.row for d in found] == [5, 7, 9]
    assert "`db.execute()`" in found[0].message


def test_frl301_same_module_return_annotation_and_reexported_session() -> None:
    models = "from sqlalchemy.orm import Session\n\n__all__ = ['Session']\n"
    route = (
        "from app.models import Session\n\n"
        "def make() -> Session:\n    return Session()\n\n"
        "async def handler(s: Session) -> None:\n    s.commit()\n    make().flush()\n"
    )
    found = _lint(_project(route, models=models), "FRL301")
    assert [d.location.row for d in found] == [7, 8]


def test_frl301_unknown_and_async_types_stay_silent() -> None:
    deps = (
        "from typing import Annotated\n\nfrom fastapi import Depends\n"
        "from sqlalchemy.ext.asyncio import AsyncSession\n\n"
        "AsyncDep = Annotated[AsyncSession, Depends(object)]\n\n"
        "def factory():\n    return object()\n"
    )
    route = (
        "from app.deps import AsyncDep, factory\n\n"
        "async def handler(db: AsyncDep) -> None:\n    await db.execute('x')\n"
        "    thing = factory()\n    thing.execute('x')\n"
    )
    assert _lint(_project(route, deps=deps), "FRL301") == []


def test_frl302_project_facts_beat_name_guesses() -> None:
    crud = "import requests\n\ndef get(key: str) -> object:\n    return requests.get(key)\n"
    route = _route("    return crud.get('x')\n", "from app import crud\n")
    (found,) = _lint(_project(route, crud=crud), "FRL302")
    assert "`crud.get() → requests.get()`" in found.message
    options = AsyncWithoutAwaitOptions(non_blocking_calls=("app.crud",))
    assert _lint(_project(route, crud=crud), "FRL302", options=options) == []
