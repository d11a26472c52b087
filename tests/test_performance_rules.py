"""FRL801-FRL803 and FRL211: what single-module examples cannot show (projects of
several modules, the runtime meaning of FRL802's fix, FRL207/FRL211 together)."""

from __future__ import annotations

import json

import pytest

from fastapi_rules_lint.lint.linter import LintSettings, lint_text
from fastapi_rules_lint.project.view import project_views
from fastapi_rules_lint.rules.frl211_non_error_status_in_httpexception import (
    NonErrorStatusInHttpException,
)
from fastapi_rules_lint.rules.frl801_settings_per_request import SettingsPerRequest
from fastapi_rules_lint.rules.frl802_double_serialization import DoubleSerialization
from fastapi_rules_lint.rules.frl803_unbounded_query_in_route import UnboundedQueryInRoute

CONFIG = """\
from pydantic_settings import BaseSettings


class Settings(BaseSettings):
    app_name: str = "api"


def get_settings() -> Settings:
    return Settings()


def settings_for_tests() -> Settings:
    return Settings(app_name="test")
"""

MAIN = """\
from fastapi import Depends, FastAPI

from app import config

app = FastAPI()


@app.get("/info")
def info(settings: config.Settings = Depends(config.get_settings)) -> str:
    return settings.app_name
"""


def _project_rows(sources: dict[str, str], path: str, code: str) -> list[int]:
    view = project_views(sources)[path]
    settings = LintSettings(enabled=frozenset({code}))
    return [d.location.row for d in lint_text(sources[path], path, settings, view)]


def test_settings_dependency_known_from_another_module() -> None:
    sources = {"app/__init__.py": "", "app/config.py": CONFIG, "app/main.py": MAIN}
    # `get_settings` is a dependency because main.py says so; the override is not.
    assert _project_rows(sources, "app/config.py", "FRL801") == [9]


def test_settings_module_without_its_users_is_silent() -> None:
    sources = {"app/__init__.py": "", "app/config.py": CONFIG}
    assert _project_rows(sources, "app/config.py", "FRL801") == []


def test_double_serialization_fix_keeps_the_json_value() -> None:
    pydantic = pytest.importorskip("pydantic")

    class Item(pydantic.BaseModel):  # type: ignore[misc]
        name: str
        tags: list[str]

    item = Item(name="café", tags=["a", "b"])
    before = json.dumps(item.model_dump())
    after = item.model_dump_json()
    assert json.loads(before) == json.loads(after)
    # ... but not the same text: why the fix is unsafe.
    assert before != after


def test_frl207_offers_no_fix_for_a_non_error_status_in_httpexception() -> None:
    source = (
        "from fastapi import FastAPI, HTTPException\n\napp = FastAPI()\n\n"
        '@app.post("/items", status_code=201)\ndef create(admin: bool) -> None:\n'
        "    if not admin:\n"
        '        raise HTTPException(status_code=301, detail="Not allowed")\n'
    )
    settings = LintSettings(enabled=frozenset({"FRL207", "FRL211"}))
    found = {(d.code, d.location.row): d for d in lint_text(source, "example.py", settings)}
    assert set(found) == {("FRL207", 5), ("FRL207", 8), ("FRL211", 8)}
    assert found["FRL207", 5].fix is not None  # the decorator's 201 still gets a name
    assert found["FRL207", 8].fix is None
    assert found["FRL211", 8].fix is None


def test_defaults() -> None:
    assert SettingsPerRequest.default_enabled
    assert DoubleSerialization.default_enabled
    assert NonErrorStatusInHttpException.default_enabled
    assert not UnboundedQueryInRoute.default_enabled


def test_deliberate_500_only_in_dependencies() -> None:
    source = (
        "from fastapi import Depends, FastAPI\n\napp = FastAPI()\n\n"
        "def get_db() -> object:\n"
        "    try:\n        return connect()\n"
        "    except OSError as error:\n"
        '        raise RuntimeError("database unavailable") from error\n\n'
        '@app.get("/items")\ndef items(db: object = Depends(get_db)) -> None:\n'
        "    try:\n        db.ping()\n"
        "    except OSError as error:\n"
        '        raise RuntimeError("database unavailable") from error\n'
    )
    settings = LintSettings(enabled=frozenset({"FRL205"}))
    assert [d.location.row for d in lint_text(source, "example.py", settings)] == [16]
