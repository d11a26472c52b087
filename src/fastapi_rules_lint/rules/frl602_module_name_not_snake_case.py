"""FRL602: a module file or package folder whose name is not snake_case."""

from __future__ import annotations

import re
from pathlib import PurePath, PurePosixPath, PureWindowsPath

import libcst as cst

from fastapi_rules_lint.rulebase.rule import Clean, Flagged, Rule

# Lowercase letters, digits and underscores. A leading digit is accepted: migration
# scripts (`0001_initial.py`, Alembic's `3f2a_add_users.py`) are loaded by path, and
# the name is still lowercase with underscores.
_SNAKE = re.compile(r"[a-z0-9_]+")
_CAMEL_BOUNDARY = re.compile(r"(?<=[a-z0-9])(?=[A-Z])|(?<=[A-Z])(?=[A-Z][a-z])")
_SEPARATORS = re.compile(r"[^A-Za-z0-9_]+")
_SUFFIXES = (".py", ".pyi")


def snake_case(name: str) -> str:
    """``UserRoutes`` → ``user_routes``, ``user-routes`` → ``user_routes``."""
    words = _SEPARATORS.sub("_", _CAMEL_BOUNDARY.sub("_", name)).lower()
    return re.sub(r"_+", "_", words).strip("_") or "module"


def _path(path: str) -> PurePath:
    return PureWindowsPath(path) if "\\" in path else PurePosixPath(path)


class ModuleNameNotSnakeCase(Rule):
    """## What it does
    Finds a `.py`/`.pyi` file whose name is not lowercase with underscores
    (`UserRoutes.py`, `user-routes.py`, `user.routes.py`), and a package folder whose name
    is not (`Routers/`, `my-app/`). Digits are fine anywhere (`0001_initial.py`).

    Each file is reported once, at row 1. A folder is reported once, at row 1 of its
    `__init__.py`, and only there: a folder without an `__init__.py` is not reported,
    because from one file the linter cannot tell a namespace package from a plain
    directory (a checkout named `my-project/`, a `docs-src/` folder of scripts), and
    reporting those would fire on most repositories. This is narrower than reporting
    every folder on the path, on purpose. Alembic revisions (`migrations/versions/*.py`,
    `alembic/versions/*.py`) are not reported either: they are loaded by path and named
    after the revision message (`0017_fix_ORM_columns.py`). Notebooks are not modules
    and are not checked.

    ## Why is this bad?
    PEP 8 asks for short, all-lowercase module and package names. A dash or a dot makes
    the module impossible to `import`; capitals break on case-insensitive file systems
    (`Models.py` and `models.py` are the same file on macOS and Windows, not on Linux)
    and read as class names.

    ## Example
    ```text
    app/Routers/__init__.py
    app/Routers/UserRoutes.py
    ```

    ## Use instead
    ```text
    app/routers/__init__.py
    app/routers/user_routes.py
    ```

    ## Fix safety
    No fix: renaming a file means updating every import of it, and version control.
    """

    code = "FRL602"
    name = "module-name-not-snake-case"
    message = "{kind} name `{name}` is not snake_case; rename it to `{suggestion}`"
    summary = "A module or package name is not lowercase with underscores"
    examples = (
        Clean("x = 1\n", path="app/user_routes.py"),
        Clean("x = 1\n", path="migrations/versions/0001_initial.py", note="digits are fine"),
        Clean("", path="app/routers/__init__.py"),
        Clean("x = 1\n", path="My-Project/app/main.py", note="a folder without `__init__.py`"),
        Clean("", path="app/__main__.py"),
        Flagged("x = 1\n", path="app/UserRoutes.py", at=("1:1-1:1",)),
        Flagged("import os\n", path="app/user-routes.py", at=("1:1-1:1",), note="a dash"),
        Flagged(
            '"""Routers."""\n', path="app/Routers/__init__.py", at=("1:1-1:1",), note="a package"
        ),
        Flagged("x = 1\n", path="app/Models.pyi", at=("1:1-1:1",), note="a stub"),
    )

    def visit_Module(self, node: cst.Module) -> None:
        path = _path(self.context.path)
        if not path.name.endswith(_SUFFIXES):
            return
        stem = path.name.rsplit(".", 1)[0]
        if _is_migration(path):
            return
        if not _SNAKE.fullmatch(stem):
            self.report(node, kind="Module", name=path.name, suggestion=_renamed(path.name))
        elif stem == "__init__" and path.parent.name and not _SNAKE.fullmatch(path.parent.name):
            folder = path.parent.name
            self.report(node, kind="Package", name=folder, suggestion=snake_case(folder))


def _is_migration(path: PurePath) -> bool:
    """An Alembic revision (`migrations/versions/0017_fix_ORM.py`): loaded by path, its
    name generated from the revision message."""
    parts = [part.lower() for part in path.parts[:-1]]
    return len(parts) >= 2 and parts[-1] == "versions" and parts[-2] in {"migrations", "alembic"}


def _renamed(filename: str) -> str:
    stem, _, suffix = filename.rpartition(".")
    return f"{snake_case(stem)}.{suffix}"
