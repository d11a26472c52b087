"""Routes across modules (``project.routes``): full paths through prefixes and
``include_router`` chains, and registrations shadowed by one made in another module.

Each scenario is also served by the real FastAPI, to check what the model assumes:
whichever handler answers a request is the first registration, and a registration the
model reports as shadowed never answers."""

from __future__ import annotations

import sys
from collections.abc import Callable, Iterator, Mapping
from pathlib import Path

import pytest

from fastapi_rules_lint.lint.linter import LintSettings, lint_text
from fastapi_rules_lint.project.routes import ShadowedRoute, module_file, route_pattern
from fastapi_rules_lint.project.summarise import summarise
from fastapi_rules_lint.project.summary import RouteRegistration
from fastapi_rules_lint.project.view import project_views

HEAD = "from fastapi import APIRouter, FastAPI\n"

ITEMS = (
    HEAD
    + 'router = APIRouter(prefix="/items")\n'  # 2
    + '@router.get("/{id}")\n'  # 3
    + 'def read_item(id: str) -> str:\n    return "read_item"\n'
)


def _project(**modules: str) -> dict[str, str]:
    """``shop/<name>.py`` for every keyword (``shop/__init__.py`` added)."""
    return {"shop/__init__.py": "", **{f"shop/{name}.py": text for name, text in modules.items()}}


def _shadowed(sources: Mapping[str, str]) -> dict[str, dict[int, str]]:
    """Per file, its shadowed registrations: line → description."""
    views = project_views(sources)
    found: dict[str, dict[int, str]] = {}
    for path, view in views.items():
        for shadowed in view.shadowed_routes.values():
            found.setdefault(path, {})[shadowed.line] = shadowed.description
    return found


Get = Callable[[str], object]
Serve = Callable[[Mapping[str, str]], Get]


@pytest.fixture
def served(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> Iterator[Serve]:
    """Serve a project with the real FastAPI: ``served(sources)(path)`` is the text of
    the handler that answers ``GET path`` (or the status code when none does)."""
    testclient = pytest.importorskip("fastapi.testclient")
    monkeypatch.syspath_prepend(str(tmp_path))

    def serve(sources: Mapping[str, str]) -> Get:
        for path, text in sources.items():
            target = tmp_path / path
            target.parent.mkdir(parents=True, exist_ok=True)
            target.write_text(text)
        module = __import__("shop.main", fromlist=["app"])
        client = testclient.TestClient(module.app)

        def get(path: str) -> object:
            response = client.get(path)
            return response.json() if response.status_code == 200 else response.status_code

        return get

    yield serve
    for name in [name for name in sys.modules if name == "shop" or name.startswith("shop.")]:
        del sys.modules[name]


def test_summary_records_route_registrations() -> None:
    summary = summarise(
        HEAD
        + "router = APIRouter()\n"
        + '@router.api_route("/a", methods=["get", "POST"])\ndef a() -> None: ...\n'
        + 'class View:\n    @router.put("/b")\n    def b(self) -> None: ...\n'
        + "if DEBUG:\n    router.add_api_route(path, handlers.c, methods=METHODS)\n"
        + 'router.add_api_websocket_route("/ws", d)\n'
        + "def factory() -> None:\n"
        + '    @router.get("/inner")\n    def inner() -> None: ...\n'
    )
    assert summary.routes == (
        RouteRegistration("router", "api_route", "/a", ("GET", "POST"), 3, "a"),
        RouteRegistration("router", "put", "/b", ("PUT",), 6, "b"),
        RouteRegistration("router", "add_api_route", None, None, 9, "handlers.c", True),
        RouteRegistration("router", "add_api_websocket_route", "/ws", ("WEBSOCKET",), 10, "d"),
    )


def test_include_prefix_flags() -> None:
    summary = summarise(
        "app.include_router(a, prefix=PREFIX)\n"
        "app.include_router(b, **options)\n"
        'try:\n    app.include_router(c, prefix="/c")\nexcept ImportError:\n    pass\n'
    )
    assert [(i.router, i.is_prefix_known, i.is_conditional) for i in summary.includes] == [
        ("a", False, False),
        ("b", False, False),
        ("c", True, True),
    ]


def test_a_route_after_an_include_is_shadowed_by_the_included_one(served: Serve) -> None:
    main = (
        HEAD
        + "from shop import items\n"  # 2
        + "app = FastAPI()\n"  # 3
        + 'app.include_router(items.router, prefix="/api")\n'  # 4
        + '@app.get("/api/items/{item_id}")\n'  # 5
        + 'def read_again(item_id: str) -> str:\n    return "read_again"\n'
    )
    sources = _project(items=ITEMS, main=main)
    assert _shadowed(sources) == {
        "shop/main.py": {5: "GET /api/items/{item_id} first registered at shop/items.py:3"}
    }
    assert served(sources)("/api/items/1") == "read_item"


def test_an_included_route_after_the_app_route_is_shadowed(served: Serve) -> None:
    main = (
        HEAD
        + "from shop import items\n"
        + "app = FastAPI()\n"
        + '@app.get("/api/items/{item_id}")\n'  # 4
        + 'def first(item_id: str) -> str:\n    return "first"\n'
        + 'app.include_router(items.router, prefix="/api")\n'
    )
    sources = _project(items=ITEMS, main=main)
    assert _shadowed(sources) == {
        "shop/items.py": {3: "GET /api/items/{id} first registered at shop/main.py:4"}
    }
    assert served(sources)("/api/items/1") == "first"


def test_prefixes_through_an_include_chain(served: Serve) -> None:
    users = (
        HEAD
        + "router = APIRouter()\n"
        + '@router.get("/{name}")\n'  # 3
        + 'def user(name: str) -> str:\n    return "user"\n'
    )
    api = (
        HEAD
        + "from shop import users\n"
        + 'api = APIRouter(prefix="/v1")\n'
        + 'api.include_router(users.router, prefix="/users")\n'
    )
    main = (
        HEAD
        + "from shop.api import api\n"
        + "app = FastAPI()\n"
        + 'app.include_router(api, prefix="/api")\n'
        + '@app.get("/api/v1/users/{user_id}")\n'  # 5
        + 'def by_id(user_id: str) -> str:\n    return "by_id"\n'
        + '@app.get("/api/v1/users")\n'  # 8: not the same path
        + 'def users_list() -> str:\n    return "users_list"\n'
    )
    sources = _project(users=users, api=api, main=main)
    assert _shadowed(sources) == {
        "shop/main.py": {5: "GET /api/v1/users/{user_id} first registered at shop/users.py:3"}
    }
    get = served(sources)
    assert get("/api/v1/users/7") == "user"
    assert get("/api/v1/users") == "users_list"


@pytest.mark.parametrize(
    ("router", "include"),
    [
        ('APIRouter(prefix="/items")', 'prefix="/api" + VERSION'),
        ("APIRouter(prefix=PREFIX)", 'prefix="/api"'),
        ('make_router("/items")', 'prefix="/api"'),
    ],
    ids=["include-prefix", "router-prefix", "factory"],
)
def test_unknown_prefixes_are_silent(router: str, include: str) -> None:
    items = (
        HEAD
        + 'PREFIX = "/items"\n'
        + "def make_router(prefix: str) -> APIRouter:\n    return APIRouter(prefix=prefix)\n"
        + f"router = {router}\n"
        + '@router.get("/{id}")\ndef read_item(id: str) -> None: ...\n'
    )
    main = (
        HEAD
        + "from shop import items\n"
        + 'VERSION = ""\n'
        + "app = FastAPI()\n"
        + f"app.include_router(items.router, {include})\n"
        + '@app.get("/api/items/{item_id}")\ndef read_again(item_id: str) -> None: ...\n'
    )
    assert _shadowed(_project(items=items, main=main)) == {}


def test_routes_added_to_a_router_after_its_inclusion(served: Serve) -> None:
    """FastAPI up to 0.1xx copied a router's routes when it was included (a later route
    is never served); newer versions include it by reference (a later route is served
    where the router was included). A late route never shadows another, and is
    reported when an earlier one shadows it: it never runs either way."""
    other = (
        HEAD
        + "router = APIRouter()\n"
        + '@router.get("/x")\n'  # 3
        + 'def other_x() -> str:\n    return "other_x"\n'
    )
    late = HEAD + "router = APIRouter()\n"
    main = (
        HEAD
        + "from shop import late, other\n"
        + "app = FastAPI()\n"
        + "app.include_router({first}.router)\n"
        + "app.include_router({second}.router)\n"
        + '@late.router.get("/x")\n'  # 6
        + 'def late_x() -> str:\n    return "late_x"\n'
    )
    # `late` is included first: its late `/x` would come first on new FastAPIs, and
    # not at all on old ones: no report either way.
    before = _project(other=other, late=late, main=main.format(first="late", second="other"))
    assert _shadowed(before) == {}
    assert served(before)("/x") in {"late_x", "other_x"}
    for name in [name for name in sys.modules if name.startswith("shop")]:
        del sys.modules[name]
    after = _project(other=other, late=late, main=main.format(first="other", second="late"))
    assert _shadowed(after) == {"shop/main.py": {6: "GET /x first registered at shop/other.py:3"}}
    assert served(after)("/x") == "other_x"


def test_conditional_and_unordered_registrations_do_not_shadow() -> None:
    main = (
        HEAD
        + "import os\n"
        + "from shop import items\n"
        + "app = FastAPI()\n"
        + 'if os.environ.get("LEGACY"):\n'
        + '    app.include_router(items.router, prefix="/api")\n'
        + '@app.get("/api/items/{item_id}")\ndef read_again(item_id: str) -> None: ...\n'
    )
    assert _shadowed(_project(items=ITEMS, main=main)) == {}
    # Two modules registering on one app: their order is the order of imports.
    views = HEAD + "from shop.main import app\n" + '@app.get("/a")\ndef a() -> None: ...\n'
    main = HEAD + "app = FastAPI()\n" + '@app.get("/a")\ndef a() -> None: ...\n'
    assert _shadowed(_project(views=views, main=main)) == {}


def test_same_module_duplicates_are_left_to_the_rule() -> None:
    main = (
        HEAD
        + "app = FastAPI()\n"
        + '@app.get("/a")\ndef a() -> None: ...\n'
        + '@app.get("/a")\ndef b() -> None: ...\n'
    )
    assert _shadowed(_project(main=main)) == {}


def test_route_pattern_and_module_file() -> None:
    assert route_pattern("/items/{id}/{path:path}") == "/items/{str}/{path}"
    view = project_views(_project(items=ITEMS))["shop/items.py"]
    assert view.module is not None
    assert module_file(view.module) == "shop/items.py"
    shadowed = ShadowedRoute("GET", "/a", "shop.main.app", 4, "shop/x.py", 2, "f")
    assert shadowed.description == "GET /a first registered at shop/x.py:2"


def test_frl209_reports_across_modules_once() -> None:
    main = (
        HEAD
        + "from shop import items\n"
        + "app = FastAPI()\n"
        + 'app.include_router(items.router, prefix="/api")\n'
        + '@app.get("/api/items/{item_id}")\n'  # 5: shadowed by items.py
        + "def read_again(item_id: str) -> None: ...\n"
        + '@app.get("/api/items/{key}")\n'  # 7: also shadowed by line 5 (same module)
        + "def read_third(key: str) -> None: ...\n"
    )
    sources = _project(items=ITEMS, main=main)
    view = project_views(sources)["shop/main.py"]
    settings = LintSettings(enabled=frozenset({"FRL209"}))
    found = [(d.location.row, d.message) for d in lint_text(main, "shop/main.py", settings, view)]
    assert found == [
        (
            5,
            "`GET /api/items/{item_id}` is already registered on `shop.main.app` by "
            "`read_item` in `shop/items.py:3`; this route never runs",
        ),
        (
            7,
            "`GET /api/items/{key}` is already registered on `app` by `read_again`; "
            "this route never runs",
        ),
    ]
