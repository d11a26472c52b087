"""FRL601-FRL603 beyond their examples: file paths, options, the rename's limits."""

from __future__ import annotations

import pytest

from fastapi_rules_lint import lint_text
from fastapi_rules_lint.lint.fixer import fix_text
from fastapi_rules_lint.lint.linter import LintSettings
from fastapi_rules_lint.rules.frl601_boolean_name_without_verb import (
    BooleanNameOptions,
    BooleanNameWithoutVerb,
)
from fastapi_rules_lint.rules.frl602_module_name_not_snake_case import snake_case


def _codes(text: str, path: str, code: str, **options: object) -> list[tuple[int, int]]:
    settings = LintSettings(enabled=frozenset({code}))
    if options:
        settings = LintSettings(
            enabled=frozenset({code}),
            options={code: BooleanNameOptions.model_validate(options)},
        )
    return [(d.location.row, d.location.column) for d in lint_text(text, path, settings)]


@pytest.mark.parametrize(
    ("path", "expected"),
    [
        ("app/UserRoutes.py", [(1, 1)]),
        ("app/user-routes.py", [(1, 1)]),
        ("app/user.routes.py", [(1, 1)]),
        ("/abs/My Project/app/ok_name.py", []),
        ("My-Pkg/__init__.py", [(1, 1)]),
        ("my_pkg/__init__.py", []),
        ("__init__.py", []),
        ("C:\\Work\\Api\\__init__.py", [(1, 1)]),
        ("C:\\Work\\api\\Main.py", [(1, 1)]),
        ("notebooks/Analysis-1.ipynb", []),
        ("<stdin>", []),
        ("migrations/versions/3f2a_add_users.py", []),
    ],
)
def test_module_names(path: str, expected: list[tuple[int, int]]) -> None:
    assert _codes("", path, "FRL602") == expected
    assert _codes("import os\n\n\nx = 1\n", path, "FRL602") == expected


def test_module_name_reported_once_and_suppressible() -> None:
    diagnostics = lint_text(
        "class A:\n    pass\n", "Routers/__init__.py", LintSettings(enabled=frozenset({"FRL602"}))
    )
    assert [d.message for d in diagnostics] == [
        "Package name `Routers` is not snake_case; rename it to `routers`"
    ]
    assert diagnostics[0].end_location.row == 1
    suppressed = "# fastapi-rules: noqa: FRL602\nx = 1\n"
    assert _codes(suppressed, "Bad-Name.py", "FRL602") == []
    assert _codes("x = 1  # noqa: FRL602\n", "Bad-Name.py", "FRL602") == []


@pytest.mark.parametrize(
    ("name", "expected"),
    [("UserRoutes", "user_routes"), ("user-routes", "user_routes"), ("HTTPClient", "http_client"),
     ("my.module", "my_module"), ("--", "module")],
)  # fmt: skip
def test_snake_case_suggestion(name: str, expected: str) -> None:
    assert snake_case(name) == expected


def test_frl601_is_off_by_default() -> None:
    assert BooleanNameWithoutVerb.default_enabled is False
    assert lint_text("enabled = True\n", "m.py") == []


def test_frl601_once_per_scope() -> None:
    code = (
        "done = False\ndone = True\n\n"
        "def f() -> None:\n    done = False\n    done = True\n\n"
        "def g() -> None:\n    done: bool = True\n"
    )
    assert _codes(code, "m.py", "FRL601") == [(1, 1), (5, 5), (9, 5)]


def test_frl601_prefixes_option_with_underscore() -> None:
    assert _codes("use_cache = True\n", "m.py", "FRL601", boolean_prefixes=["use_"]) == []


@pytest.mark.parametrize(
    "code",
    [
        # `del` and a string mentioning the name: scope analysis and a count disagree
        "def f() -> None:\n    ready = False\n    print(locals())\n",
        "def f() -> int:\n    ready = False\n    def g() -> bool:\n"
        "        nonlocal ready\n        ready = True\n        return ready\n    return 1\n",
        "def f() -> None:\n    ready = False\n    x: 'ready' = 1\n",
    ],
)
def test_frl601_no_uncertain_rename(code: str) -> None:
    diagnostics = lint_text(code, "m.py", LintSettings(enabled=frozenset({"FRL601"})))
    assert diagnostics
    assert all(d.fix is None for d in diagnostics)


def test_frl601_rename_reaches_closures() -> None:
    code = (
        "def f() -> bool:\n    ready = False\n    def g() -> bool:\n        return ready\n"
        "    return g() or ready\n"
    )
    settings = LintSettings(enabled=frozenset({"FRL601"}))
    fixed = fix_text(code, "m.py", settings, unsafe=True)
    assert fixed.text == code.replace("ready", "is_ready")


def test_alembic_revisions_are_not_modules() -> None:
    assert _codes("x = 1\n", "airflow/migrations/versions/0017_fix_ORM.py", "FRL602") == []
    assert _codes("x = 1\n", "app/versions/Fix_ORM.py", "FRL602") == [(1, 1)]
