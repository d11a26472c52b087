"""FRL601's clean and flagged examples (kept apart: the rule module stays readable)."""

from __future__ import annotations

from fastapi_rules_lint.rulebase.rule import Clean, Example, Flagged

EXAMPLES: tuple[Example, ...] = (
    Clean(
        "def sync(users: list[str], is_dry_run: bool = False) -> bool:\n"
        "    has_changed = False\n    isReady: bool = True\n    _was_seen = False\n"
        "    return has_changed or isReady or _was_seen\n",
        note="prefixed names, camelCase, leading underscore",
    ),
    Clean(
        "from fastapi import FastAPI\n\napp = FastAPI()\n\n"
        '@app.get("/items")\ndef items(active: bool = True, archived: bool | None = None) -> int:\n'
        "    return 0\n",
        note="route handler parameters are query parameters",
    ),
    Clean(
        "from fastapi import Depends, FastAPI\n\napp = FastAPI()\n\n"
        "def paging(desc: bool = False) -> bool:\n    return desc\n\n"
        '@app.get("/items")\ndef items(desc: bool = Depends(paging)) -> bool:\n    return desc\n',
        note="dependency parameters are query parameters too",
    ),
    Clean(
        "from pydantic import BaseModel\nfrom pydantic_settings import BaseSettings\n\n"
        "class Item(BaseModel):\n    active: bool = True\n\n    class Config:\n"
        "        orm_mode = True\n\n"
        "class Settings(BaseSettings):\n    debug: bool = False\n",
        note="model and settings fields, an inner `class Config`",
    ),
    Clean(
        "from dataclasses import dataclass\n\n@dataclass\nclass Job:\n    done: bool = False\n",
        note="dataclass fields are constructor keywords",
    ),
    Clean(
        "from fastapi.routing import APIRoute\n\nclass Hidden(APIRoute):\n"
        "    include_in_schema = False\n\n    def __init__(self, strict: bool) -> None:\n"
        "        self.strict = strict\n",
        note="attributes and methods of a class with a base defined elsewhere may override it",
    ),
    Flagged(
        "class Base:\n    def run(self, force: bool) -> None: ...\n\n"
        "class Child(Base):\n    def run(self, force: bool) -> None: ...\n",
        at=("2:19-2:24",),
        note="reported on the base class method that chose the name, not on its override",
    ),
    Clean(
        "from typing import override\n\nclass Other:\n    @override\n"
        "    def run(self, quiet: bool) -> None: ...\n",
        note="`@override`",
    ),
    Clean("DEBUG = False\n_TESTING: bool = True\n__test__ = False\n", note="constants, dunders"),
    Clean(
        "import typer\n\napp = typer.Typer()\n\n@app.command()\n"
        "def deploy(force: bool = False) -> None: ...\n",
        note="command-line flags",
    ),
    Clean(
        "counter = 0\ndef f() -> None:\n    global enabled\n    enabled = True\n",
        note="a `global` declaration binds at module level",
    ),
    Clean("reload = True\n", path="gunicorn.conf.py", note="a configuration module's keys"),
    Clean(
        "def f(active: int = 0, flag=None) -> None:\n    done = 0\n    kw = dict(active=True)\n",
        note="not booleans; keyword arguments are not bindings",
    ),
    Flagged(
        "def sync(users: list[str], dry_run: bool = False) -> bool:\n"
        "    changed = False\n    for user in users:\n        changed = True\n"
        "    return changed\n",
        at=("1:28-1:35", "2:5-2:12"),
        fixed="def sync(users: list[str], dry_run: bool = False) -> bool:\n"
        "    is_changed = False\n    for user in users:\n        is_changed = True\n"
        "    return is_changed\n",
        unsafe=True,
        note="a parameter (no fix) and a local variable, reported once at its first binding",
    ),
    Flagged(
        "enabled = True\n\nclass Worker:\n    running = False\n\n    def start(self) -> None:\n"
        "        self.running = True\n        self.paused: bool = False\n",
        at=("1:1-1:8", "4:5-4:12", "8:14-8:20"),
        note="module variable, class attribute, `self` attribute (once per class)",
    ),
    Flagged(
        "def f() -> bool:\n    ok = True\n    is_ok = 1\n    return ok\n",
        at=("2:5-2:7",),
        note="no fix: the new name is taken",
    ),
    Flagged(
        "def f() -> bool:\n    ready = False\n    def g(ready: int) -> int:\n        return ready\n"
        "    return ready\n",
        at=("2:5-2:10",),
        note="no fix: a nested function's parameter has the same name",
    ),
    Flagged(
        "from pydantic import BaseModel\n\nclass Item(BaseModel):\n    active: bool = True\n",
        at=("4:5-4:11",),
        options={"check-model-fields": True},
        note="`check-model-fields`",
    ),
    Flagged(
        "def f(verbose_mode: bool, is_quiet: bool) -> None: ...\n",
        at=("1:27-1:35",),
        options={"boolean-prefixes": ["verbose"]},
        note="`boolean-prefixes` replaces the list",
    ),
)
