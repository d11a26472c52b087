"""Cross-file facts and data behind FRL205-FRL210 that single-file examples cannot show."""

from __future__ import annotations

import pytest

from fastapi_rules_lint.lint.linter import LintSettings, lint_text
from fastapi_rules_lint.project.view import project_views
from fastapi_rules_lint.semantics.fastapi.http_status import OLD_NAMES, STATUSES, code_of_constant

ROUTES = """\
from fastapi import APIRouter, HTTPException

router = APIRouter()


@router.get("/items/{item_id}")
def read_item(item_id: int) -> None:
    if item_id < 0:
        raise ValueError(item_id)
    raise HTTPException(status_code=404)
"""


def _codes(source: str, code: str, main: str = "", other: str = "") -> list[int]:
    """Rows ``code`` reports in ``app/routes.py`` of a project with ``app/main.py`` and
    an unrelated ``app/other.py`` (which imports nothing of the others)."""
    sources = {"app/__init__.py": "", "app/routes.py": source}
    if main:
        header = "from fastapi import APIRouter, Depends, FastAPI\nfrom app import routes\n"
        sources["app/main.py"] = header + "\napp = FastAPI()\n" + main
    if other:
        sources["app/other.py"] = "from fastapi import FastAPI, APIRouter\n" + other
    view = project_views(sources)["app/routes.py"]
    settings = LintSettings(enabled=frozenset({code}))
    return [d.location.row for d in lint_text(source, "app/routes.py", settings, view)]


def test_status_table_matches_starlette() -> None:
    status = pytest.importorskip("starlette.status")
    defined = {name: getattr(status, name) for name in status.__all__ if name.startswith("HTTP_")}
    assert {s.name: s.code for s in STATUSES.values()} == defined
    for code, old_name in OLD_NAMES.items():
        assert code_of_constant(old_name) == code


def test_exception_handler_in_another_file_silences_frl205() -> None:
    assert _codes(ROUTES, "FRL205") == [9]
    main = "app.add_exception_handler(ValueError, on_value_error)\n"
    assert _codes(ROUTES, "FRL205", main) == []
    mapping = "app = FastAPI(exception_handlers={ValueError: handler, KeyError: other})\n"
    assert _codes(ROUTES, "FRL205", mapping) == []
    catch_all = "@app.exception_handler(Exception)\nasync def h(request, exc): ...\n"
    assert _codes(ROUTES, "FRL205", catch_all) == [9]


def test_exception_handler_of_an_unrelated_app_does_not_count() -> None:
    unrelated = "app = FastAPI()\napp.add_exception_handler(ValueError, on_value_error)\n"
    assert _codes(ROUTES, "FRL205", other=unrelated) == [9]


def test_responses_declared_in_another_file_silence_frl208() -> None:
    assert _codes(ROUTES, "FRL208") == [10]
    include = (
        "app.include_router(\n    routes.router,\n    dependencies=[Depends(auth())],\n"
        "    responses={404: {'description': 'Missing'}},\n)\n"
    )
    assert _codes(ROUTES, "FRL208", include) == []
    parent = (
        "api = APIRouter(responses={404: {'description': 'Missing'}})\n"
        "api.include_router(routes.router)\n"
    )
    assert _codes(ROUTES, "FRL208", parent) == []
    other_code = "app.include_router(routes.router, responses={403: {}})\n"
    assert _codes(ROUTES, "FRL208", other_code) == [10]
    unreadable = "app.include_router(routes.router, responses=COMMON)\n"
    assert _codes(ROUTES, "FRL208", unreadable) == []
    unrelated = "app.include_router(routes.router)\n"
    assert _codes(ROUTES, "FRL208", unrelated) == [10]
    not_including = "api = APIRouter(responses={404: {'description': 'Missing'}})\n"
    assert _codes(ROUTES, "FRL208", other=not_including) == [10]


def test_routes_out_of_the_schema_are_not_reported_by_frl208() -> None:
    hidden = "app.include_router(routes.router, include_in_schema=False)\n"
    assert _codes(ROUTES, "FRL208", hidden) == []
    no_openapi = "app = FastAPI(openapi_url=None)\napp.include_router(routes.router)\n"
    assert _codes(ROUTES, "FRL208", no_openapi) == []
