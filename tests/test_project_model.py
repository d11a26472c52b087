"""The project layer on its own: summaries, module names, the model, views, the
workspace and its summary cache."""

from __future__ import annotations

import json
import os
from pathlib import Path

from fastapi_rules_lint.lint.linter import LintSettings, lint_text
from fastapi_rules_lint.project.model import ProjectModel
from fastapi_rules_lint.project.modules import ModuleRef, absolute_target, module_ref
from fastapi_rules_lint.project.summarise import summarise
from fastapi_rules_lint.project.view import project_views
from fastapi_rules_lint.runner.summaries import CACHE_NAME, CachedSummary, SummaryCache
from fastapi_rules_lint.runner.workspace import Workspace


def _write(root: Path, files: dict[str, str]) -> None:
    for name, text in files.items():
        path = root / name
        path.parent.mkdir(parents=True, exist_ok=True)
        path.write_text(text, encoding="utf-8")


def _model(sources: dict[str, str]) -> ProjectModel:
    refs = {
        path: ModuleRef(
            ".",
            path.removesuffix(".py").replace("/", ".").removesuffix(".__init__"),
            is_package=path.endswith("__init__.py"),
        )
        for path in sources
    }
    return ProjectModel.build({refs[path]: summarise(text) for path, text in sources.items()})


# --- summaries -----------------------------------------------------------------------
def test_summary_records_what_other_modules_ask() -> None:
    summary = summarise(
        "from typing import Annotated\n"
        "from fastapi import Depends, Path, Request\n"
        "from ..deps import get_db as gdb\n"
        "DbSession = Annotated[Session, Depends(gdb)]\n"
        "async def dep(request: Request, db: DbSession):\n"
        "    key = request.path_params['org_id']\n"
        "    await other()\n"
        "    return db.query(1)\n"
        "app.include_router(router, prefix='/api', responses={404: {}})\n"
        "app.add_exception_handler(ValueError, handle)\n"
    )
    assert [(i.bound, i.target) for i in summary.imports][-1] == ("gdb", "..deps.get_db")
    alias = summary.assignments[0]
    assert alias.annotated is not None and alias.annotated.head == "Session"
    assert alias.annotated.metadata[0].dependency == "gdb"
    function = summary.functions[0]
    assert function.is_async and function.awaits and function.path_params_read == ("org_id",)
    assert [c.callee for c in function.calls] == ["other", "db.query"]
    assert function.calls[1].is_local_head and function.calls[1].receiver_annotation == "DbSession"
    assert summary.includes[0].prefix == "/api" and summary.includes[0].response_codes == (404,)
    assert summary.exception_handlers == ("ValueError",)
    assert summary.dependency_references == ("gdb",)


def test_a_module_python_cannot_parse_has_an_unknown_summary() -> None:
    assert not summarise("def broken(:\n").is_parsed


def test_handing_the_request_to_a_helper_may_consume_any_path_parameter() -> None:
    summary = summarise("def dep(request: Request) -> int:\n    return helper(request)\n")
    assert summary.functions[0].reads_any_path_param


# --- module names --------------------------------------------------------------------
def test_module_names_follow_packages(tmp_path: Path) -> None:
    _write(
        tmp_path,
        {
            "backend/app/__init__.py": "",
            "backend/app/api/__init__.py": "",
            "backend/app/api/deps.py": "",
            "web/pkg/__init__.py": "",
            "web/pkg/routers/auths.py": "",  # a namespace subpackage inside a package
            "scripts/tool.py": "",
            "my-script.py": "",
        },
    )
    assert module_ref(tmp_path / "backend/app/api/deps.py", tmp_path) == ModuleRef(
        "backend", "app.api.deps"
    )
    assert module_ref(tmp_path / "backend/app/__init__.py", tmp_path) == ModuleRef(
        "backend", "app", is_package=True
    )
    assert module_ref(tmp_path / "web/pkg/routers/auths.py", tmp_path) == ModuleRef(
        "web", "pkg.routers.auths"
    )
    assert module_ref(tmp_path / "scripts/tool.py", tmp_path) == ModuleRef("scripts", "tool")
    assert module_ref(tmp_path / "my-script.py", tmp_path) is None
    configured = module_ref(tmp_path / "scripts/tool.py", tmp_path, [tmp_path])
    assert configured == ModuleRef(".", "scripts.tool")


def test_relative_imports_are_made_absolute() -> None:
    module = ModuleRef(".", "app.api.routes.items")
    assert absolute_target(module, "..deps.get_db") == "app.api.deps.get_db"
    assert absolute_target(module, ".users") == "app.api.routes.users"
    package = ModuleRef(".", "app.api", is_package=True)
    assert absolute_target(package, ".deps") == "app.api.deps"
    assert absolute_target(module, ".....too.far") is None


# --- the model -----------------------------------------------------------------------
ROUTERS = {
    "shop/__init__.py": "from .routing import UserAPIRouter as UserAPIRouter\n",
    "shop/routing.py": (
        "from fastapi import APIRouter\n"
        "class UserAPIRouter(APIRouter):\n    pass\n"
        "def make_router(**kw) -> APIRouter:\n    return APIRouter(**kw)\n"
        "def make_router_class():\n"
        "    class Tagged(APIRouter):\n        pass\n"
        "    return Tagged\n"
    ),
    "shop/users.py": "from shop import UserAPIRouter\nrouter = UserAPIRouter()\n",
    "shop/items.py": "from .routing import make_router\nrouter = make_router(prefix='/i')\n",
    "shop/orders.py": (
        "from .routing import make_router_class\nAPIRouter = make_router_class()\n"
        "router = APIRouter()\n"
    ),
    "shop/unrelated.py": "def make_router() -> int:\n    return 1\nrouter = make_router()\n",
}


def test_routers_are_known_through_subclasses_factories_and_reexports() -> None:
    model = _model(ROUTERS)
    assert {"shop.routing.UserAPIRouter", "shop.routing.make_router"} <= model.router_classes
    assert "shop.routing.make_router_class" in model.router_class_factories
    assert "shop.orders.APIRouter" in model.router_classes
    assert {"shop.users.router", "shop.items.router", "shop.orders.router"} <= set(model.routers)
    assert "shop.unrelated.router" not in model.routers
    assert model.canonical("shop.UserAPIRouter") == "shop.routing.UserAPIRouter"


def test_exception_handlers_serve_the_modules_connected_by_imports() -> None:
    model = _model(
        {
            "app/__init__.py": "",
            "app/main.py": "from app import routes\napp.add_exception_handler(KeyError, h)\n",
            "app/routes.py": "x = 1\n",
            "other/__init__.py": "",
            "other/main.py": "app.add_exception_handler(ValueError, h)\n",
        }
    )
    assert model.handled_in(ModuleRef(".", "app.routes")) == {"builtins.KeyError"}
    assert model.handled_in(ModuleRef(".", "other.main")) == {"builtins.ValueError"}


def test_inclusions_carry_documented_codes_and_hidden_routers() -> None:
    model = _model(
        {
            "app/__init__.py": "",
            "app/routes.py": "from fastapi import APIRouter\nrouter = APIRouter()\n",
            "app/admin.py": "from fastapi import APIRouter\nrouter = APIRouter()\n",
            "app/main.py": (
                "from fastapi import FastAPI\nfrom app import admin, routes\n"
                "app = FastAPI(responses={500: {}})\n"
                "app.include_router(routes.router, responses={404: {}})\n"
                "app.include_router(admin.router, include_in_schema=False)\n"
            ),
        }
    )
    routes = model.routers["app.routes.router"]
    assert routes.inherited_codes == (404, 500) and not routes.is_hidden
    assert model.routers["app.admin.router"].is_hidden


def test_class_families_and_what_dependencies_provide() -> None:
    model = _model(
        {
            "app/__init__.py": "",
            "app/base.py": "from pydantic import BaseModel\nclass ORMModel(BaseModel):\n    pass\n",
            "app/schemas.py": "from .base import ORMModel\nclass ItemOut(ORMModel):\n    pass\n",
            "app/db.py": (
                "from collections.abc import Iterator\n"
                "from sqlalchemy.orm import Session, declarative_base, sessionmaker\n"
                "Base = declarative_base()\nSessionLocal = sessionmaker()\n"
                "class User(Base):\n    pass\n"
                "def get_db() -> Iterator[Session]:\n    yield SessionLocal()\n"
            ),
        }
    )
    assert {"app.base.ORMModel", "app.schemas.ItemOut"} <= model.model_classes
    assert {"app.db.Base", "app.db.User"} <= model.orm_classes
    assert model.provides["app.db.get_db"] == "sqlalchemy.orm.Session"
    assert "app.db.get_db" not in model.returns
    assert model.instances["app.db.SessionLocal"] == "sqlalchemy.orm.sessionmaker"


def test_routes_on_a_project_router_in_a_module_that_does_not_import_fastapi() -> None:
    sources = {
        "app/__init__.py": "",
        "app/routing.py": "from fastapi import APIRouter\nclass AppRouter(APIRouter):\n    pass\n",
        "app/monitor.py": (
            "from app.routing import AppRouter\nrouter = AppRouter()\n"
            '@router.get("/items/{item_id}")\ndef get_item(id: int) -> None:\n    pass\n'
        ),
    }
    view = project_views(sources)["app/monitor.py"]
    found = lint_text(sources["app/monitor.py"], "app/monitor.py", _only("FRL204"), view)
    assert [d.location.row for d in found] == [3]


def test_apps_passed_as_parameters_and_dependencies_defined_in_functions() -> None:
    source = (
        "from fastapi import Depends, FastAPI\n"
        "def init_views(app: FastAPI) -> None:\n"
        '    @app.get("/x/{y}")\n    def x() -> None:\n        pass\n'
        "def make() -> FastAPI:\n"
        "    def dep() -> int:\n        raise ValueError()\n"
        '    app = FastAPI()\n    @app.get("/")\n'
        "    def r(d: int = Depends(dep)) -> None:\n        pass\n    return app\n"
    )
    view = project_views({"app.py": source})["app.py"]
    found = lint_text(source, "app.py", _only("FRL204", "FRL205"), view)
    assert [(d.location.row, d.code) for d in found] == [(3, "FRL204"), (8, "FRL205")]


def _only(*codes: str) -> LintSettings:
    return LintSettings(enabled=frozenset(codes))


# --- the workspace ---------------------------------------------------------------------
TEMPLATE = {
    "pyproject.toml": '[tool.fastapi-rules]\nextend-select = ["FRL208"]\n',
    "backend/pyproject.toml": '[project]\nname = "backend"\n',
    "backend/app/__init__.py": "",
    "backend/app/deps.py": "def get_db() -> None:\n    raise ValueError()\n",
    "backend/app/routes.py": (
        "from fastapi import APIRouter, Depends\nfrom app.deps import get_db\n"
        'router = APIRouter()\n@router.get("/")\ndef r(db: None = Depends(get_db)) -> None:\n'
        "    pass\n"
    ),
}


def test_a_file_belongs_to_its_settings_root_and_knows_the_whole_project(tmp_path: Path) -> None:
    _write(tmp_path, TEMPLATE)
    workspace = Workspace(use_cache=False)
    project = workspace.project_for(tmp_path / "backend/app/deps.py")
    assert project.root == tmp_path
    view = workspace.view_for(tmp_path / "backend/app/deps.py")
    assert view.dependencies == {"app.deps.get_db"}


def test_a_buffer_stands_for_its_file(tmp_path: Path) -> None:
    _write(tmp_path, TEMPLATE)
    routes = tmp_path / "backend/app/routes.py"
    edited = TEMPLATE["backend/app/routes.py"].replace("Depends(get_db)", "None")
    view = Workspace(use_cache=False, buffers={routes: edited}).view_for(
        tmp_path / "backend/app/deps.py"
    )
    assert view.dependencies == frozenset()


def test_summaries_are_cached_and_a_corrupt_cache_is_an_empty_one(tmp_path: Path) -> None:
    _write(tmp_path, TEMPLATE)
    deps = tmp_path / "backend/app/deps.py"
    first = Workspace().view_for(deps)
    cache = tmp_path / ".fastapi_rules_cache" / CACHE_NAME
    entries = json.loads(cache.read_bytes().split(b"\n", 1)[0])["entries"]  # the header
    assert set(entries) == {
        "backend/app/__init__.py",
        "backend/app/deps.py",
        "backend/app/routes.py",
    }
    stamp = cache.stat().st_mtime_ns
    assert Workspace().view_for(deps) == first
    assert cache.stat().st_mtime_ns == stamp  # a warm run writes nothing
    data = cache.read_bytes()
    header, body = data.split(b"\n", 1)
    longer = header.replace(b'"backend/app/deps.py": [', b'"backend/app/deps.py": [1, ')
    assert longer != header and b'"version": "' in header
    for corrupt in (
        b"{not json",
        data[:-1],  # cut short
        data + b" ",  # something after the last summary
        header + b"\n" + body[:-1] + b"}",  # the last summary broken
        header.replace(b'"entries": {', b'"entries": {"x.py": [1, 2, "d", 999999], '),
        longer + b"\n" + body,  # an entry of the wrong shape
        header.replace(b'"version": "', b'"version": "x') + b"\n" + body,
    ):
        cache.write_bytes(corrupt)
        assert Workspace().view_for(deps) == first, corrupt[:80]


def test_an_edited_module_is_summarised_again(tmp_path: Path) -> None:
    _write(tmp_path, TEMPLATE)
    deps = tmp_path / "backend/app/deps.py"
    assert Workspace().view_for(deps).dependencies == {"app.deps.get_db"}
    routes = tmp_path / "backend/app/routes.py"
    routes.write_text(TEMPLATE["backend/app/routes.py"].replace("Depends(get_db)", "None"))
    os.utime(routes, ns=(1, 1))  # even with an older modification time: the size changed
    assert Workspace().view_for(deps).dependencies == frozenset()


def test_an_excluded_or_unnamed_file_is_a_project_of_its_own(tmp_path: Path) -> None:
    _write(tmp_path, {**TEMPLATE, "backend/app/my-script.py": "from app.deps import get_db\n"})
    workspace = Workspace(use_cache=False)
    script = tmp_path / "backend/app/my-script.py"
    assert workspace.project_for(script).module_of(script) is None
    assert workspace.view_for(script).module == ModuleRef(".", "module")


def test_the_summary_cache_reads_back_every_summary_it_wrote(tmp_path: Path) -> None:
    # Written without their defaults (``runner.summaries``), read back equal: every
    # module of the fixture projects and the bundled example app.
    root = Path(__file__).parent.parent
    sources = sorted(
        [*(root / "tests/fixtures/projects").rglob("*.py"), *(root / "examples").rglob("*.py")]
    )
    written = SummaryCache(tmp_path)
    made = {}
    for index, source in enumerate(sources):
        summary = summarise(source.read_text(encoding="utf-8"))
        made[str(index)] = summary
        written.put(str(index), CachedSummary(index, index, f"d{index}", summary))
    written.save()
    read = SummaryCache(tmp_path)
    assert len(made) > 20
    for key, summary in made.items():
        assert read.stamp(key, int(key), int(key)) == f"d{key}"
        assert read.summary(key) == summary, sources[int(key)]
