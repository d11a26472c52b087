"""Cross-file facts and data behind FRL205-FRL210 that single-file examples cannot show."""

from __future__ import annotations

import pytest

from fastapi_rules_lint.lint.linter import LintSettings, lint_text
from fastapi_rules_lint.semantics.fastapi.http_status import OLD_NAMES, STATUSES, code_of_constant
from fastapi_rules_lint.semantics.fastapi.project_scan import (
    ProjectIndex,
    constructors_with_responses,
    handled_exception_names,
    routers_included_with_responses,
)

ROUTES = """\
from fastapi import APIRouter, HTTPException

router = APIRouter()


@router.get("/items/{item_id}")
def read_item(item_id: int) -> None:
    if item_id < 0:
        raise ValueError(item_id)
    raise HTTPException(status_code=404)
"""


def _codes(source: str, code: str, *others: str) -> list[int]:
    project = ProjectIndex.from_sources((source, *others))
    settings = LintSettings(enabled=frozenset({code}))
    return [d.location.row for d in lint_text(source, "routes.py", settings, project)]


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


def test_responses_declared_in_another_file_silence_frl208() -> None:
    assert _codes(ROUTES, "FRL208") == [10]
    include = (
        "app.include_router(\n    routes.router,\n    dependencies=[Depends(auth())],\n"
        "    responses={404: {'description': 'Missing'}},\n)\n"
    )
    assert _codes(ROUTES, "FRL208", include) == []
    parent = "api = APIRouter(responses={404: {'description': 'Missing'}})\n"
    assert _codes(ROUTES, "FRL208", parent) == []
    unrelated = "app.include_router(routes.router)\n"
    assert _codes(ROUTES, "FRL208", unrelated) == [10]


def test_scans_balance_brackets_and_strings() -> None:
    source = (
        'app.include_router(r, dependencies=[Depends(f(")"))], tags=["a"])\n'
        "x = responses = 1\n"
        'app.include_router(s, prefix="/s", responses={404: {}})\n'
        "FastAPI(title='(', responses={})\nAPIRouter(prefix='/x')\n"
    )
    assert routers_included_with_responses(source) == {"s"}
    assert constructors_with_responses(source) == 1
    assert handled_exception_names("@app.exception_handler(errors.NotFound)\n") == {"NotFound"}
