"""FRL401-FRL403 across modules, and their fixes running under Pydantic v2.

- A model is known through bases in other modules (``ItemOut(ORMModel)`` with
  ``ORMModel(BaseModel)`` in ``schemas/base.py``), in modules that import only the
  project's models (no ``pydantic`` import of their own).
- A receiver is known through annotations, construction and an imported function's
  return annotation; anything else stays silent.
- A v1-style project, fixed with every FRL401-FRL403 fix (unsafe included), imports
  and runs under Pydantic v2 with ``-W error::DeprecationWarning``, and a second fix
  run changes nothing.
"""

from __future__ import annotations

import subprocess
import sys
from pathlib import Path

from fastapi_rules_lint.engine.diagnostics import Diagnostic
from fastapi_rules_lint.lint.fixer import fix_text
from fastapi_rules_lint.lint.linter import LintSettings, lint_text
from fastapi_rules_lint.project.view import ModuleView, project_views

SETTINGS = LintSettings(enabled=frozenset({"FRL401", "FRL402", "FRL403"}))

PROJECT = {
    "app/__init__.py": "",
    "app/schemas/__init__.py": "from app.schemas.items import ItemOut as ItemOut\n",
    "app/schemas/base.py": (
        "from pydantic import BaseModel\n\n\n"
        "class ORMModel(BaseModel):\n"
        "    class Config:\n"
        "        orm_mode = True\n"
        "        allow_population_by_field_name = True\n"
    ),
    "app/schemas/items.py": (
        "from typing import Any, Dict\n\n"
        "from pydantic import Field, root_validator, validator\n\n"
        "from app.schemas.base import ORMModel\n\n\n"
        "class ItemOut(ORMModel):\n"
        "    name: str\n"
        "    label: str = Field('', alias='title')\n"
        "    price: float = 0\n"
        "    discount: float = 0\n\n"
        "    @validator('name', pre=True)\n"
        "    def strip(cls, value: Any) -> Any:\n"
        "        return value.strip() if isinstance(value, str) else value\n\n"
        "    @validator('discount')\n"
        "    def below_price(cls, value: float, values: Dict[str, Any]) -> float:\n"
        "        if value > values.get('price', 0):\n"
        "            raise ValueError('discount above price')\n"
        "        return value\n\n"
        "    @root_validator(skip_on_failure=True)\n"
        "    def named(cls, values: Dict[str, Any]) -> Dict[str, Any]:\n"
        "        if values['name'] == 'forbidden':\n"
        "            raise ValueError('forbidden name')\n"
        "        return values\n"
    ),
    "app/crud.py": (
        "from app.schemas import ItemOut\n\n\n"
        "class Row:\n"
        "    name = ' row '\n"
        "    label = 'r'\n"
        "    price = 2.0\n"
        "    discount = 1.0\n\n\n"
        "def get_item() -> ItemOut:\n"
        "    return ItemOut.from_orm(Row())\n"
    ),
    "app/main.py": (
        "from app import crud\n"
        "from app.schemas.items import ItemOut\n\n\n"
        "def export(item: ItemOut) -> dict:\n"
        "    return item.dict(by_alias=True)\n\n\n"
        "def run() -> None:\n"
        "    item = crud.get_item()\n"
        "    assert item.name == 'row', item\n"
        "    assert export(item)['title'] == 'r'\n"
        "    assert crud.get_item().json() == item.json()\n"
        "    assert ItemOut.parse_obj({'name': 'a', 'label': 'b'}).label == 'b'\n"
        "    assert 'price' in ItemOut.__fields__\n"
        "    for bad in ({'name': 'forbidden'}, {'name': 'x', 'price': 1, 'discount': 2}):\n"
        "        try:\n"
        "            ItemOut(**bad)\n"
        "        except ValueError:\n"
        "            continue\n"
        "        raise AssertionError(bad)\n"
        "    payload = {'a': 1}\n"
        "    assert payload.copy() == {'a': 1}\n"
        "    print('ok')\n\n\n"
        "run()\n"
    ),
}


def _views(files: dict[str, str]) -> dict[str, ModuleView]:
    return project_views(files)


def _lint(files: dict[str, str], path: str) -> list[Diagnostic]:
    return lint_text(files[path], path, SETTINGS, _views(files)[path])


def _found(files: dict[str, str], path: str) -> list[tuple[int, str, bool]]:
    return [(d.location.row, d.code, d.fix is not None) for d in _lint(files, path)]


def test_models_known_through_bases_in_other_modules() -> None:
    assert _found(PROJECT, "app/schemas/base.py") == [(5, "FRL403", True)]
    assert _found(PROJECT, "app/schemas/items.py") == [
        (14, "FRL402", True),
        (18, "FRL402", True),
        (24, "FRL402", True),
    ]


def test_receivers_known_through_imports_and_return_annotations() -> None:
    # `app/crud.py` imports no pydantic: the project's model is enough.
    assert _found(PROJECT, "app/crud.py") == [(12, "FRL401", True)]
    found = _found(PROJECT, "app/main.py")
    assert [(row, code) for row, code, _ in found] == [
        (6, "FRL401"),  # item.dict: a parameter annotated with the model
        (13, "FRL401"),  # crud.get_item().json(): a function returning the model
        (13, "FRL401"),  # item.json(): a variable bound to that call
        (14, "FRL401"),  # ItemOut.parse_obj
        (15, "FRL401"),  # ItemOut.__fields__
    ]  # payload.copy() (a dict) is not reported


def test_unknown_receivers_stay_silent() -> None:
    files = {
        "app/__init__.py": "",
        "app/models.py": "from pydantic import BaseModel\n\n\nclass Item(BaseModel):\n"
        "    name: str\n",
        "app/use.py": (
            "from app.models import Item\nfrom other import load, Thing\n\n\n"
            "def f(thing: Thing, raw: dict, items: list[Item]) -> object:\n"
            "    a = load().dict()\n"
            "    b = thing.dict()\n"
            "    c = raw.copy()\n"
            "    d = items[0].dict()\n"
            "    e = [i.dict() for i in items]\n"
            "    return a, b, c, d, e\n"
        ),
    }
    assert _lint(files, "app/use.py") == []


def test_local_class_shadows_an_imported_model() -> None:
    files = {
        "app/__init__.py": "",
        "app/models.py": "from pydantic import BaseModel\n\n\nclass Item(BaseModel):\n"
        "    name: str\n",
        "app/use.py": (
            "from app import models\n\n\n"
            "def f() -> object:\n"
            "    class Item:\n"
            "        def dict(self) -> dict:\n"
            "            return {}\n\n"
            "    return Item().dict(), models.Item(name='a').dict()\n"
        ),
    }
    assert _found(files, "app/use.py") == [(9, "FRL401", True)]


def test_settings_config_uses_settings_config_dict() -> None:
    files = {
        "app/__init__.py": "",
        "app/config.py": (
            "from pydantic_settings import BaseSettings\n\n\n"
            "class Settings(BaseSettings):\n"
            "    debug: bool = False\n\n"
            "    class Config:\n"
            "        env_prefix = 'APP_'\n"
            "        fields = {'debug': {'env': 'DEBUG'}}\n"
        ),
    }
    (diagnostic,) = _lint(files, "app/config.py")
    assert diagnostic.fix is None
    assert "`fields`" in diagnostic.message


def _fix_project(files: dict[str, str]) -> dict[str, str]:
    views = _views(files)
    fixed = {}
    for path, text in files.items():
        outcome = fix_text(text, path, SETTINGS, unsafe=True, project=views[path])
        assert not outcome.refused, (path, outcome.refused)
        fixed[path] = outcome.text
    return fixed


def test_fixed_project_runs_under_pydantic_v2(tmp_path: Path) -> None:
    fixed = _fix_project(PROJECT)
    assert "class Config" not in "".join(fixed.values())
    assert "validator(" not in fixed["app/schemas/items.py"].replace("_validator(", "")
    for path, text in fixed.items():
        target = tmp_path / path
        target.parent.mkdir(parents=True, exist_ok=True)
        target.write_text(text)
    result = subprocess.run(
        [sys.executable, "-W", "error::DeprecationWarning", "-c", "import app.main"],
        cwd=tmp_path,
        capture_output=True,
        text=True,
        check=False,
    )
    assert result.returncode == 0, result.stderr
    assert result.stdout.strip() == "ok"
    assert _fix_project(fixed) == fixed  # a second run changes nothing
    assert all(_lint(fixed, path) == [] for path in fixed)


def test_original_project_fails_under_warnings_as_errors(tmp_path: Path) -> None:
    """The project really is v1 code: without the fixes it does not import."""
    for path, text in PROJECT.items():
        target = tmp_path / path
        target.parent.mkdir(parents=True, exist_ok=True)
        target.write_text(text)
    result = subprocess.run(
        [sys.executable, "-W", "error::DeprecationWarning", "-c", "import app.main"],
        cwd=tmp_path,
        capture_output=True,
        text=True,
        check=False,
    )
    assert result.returncode != 0
