"""FRL204 across modules: imported ``Annotated`` aliases and dependencies are resolved
through the project model (``project_views``), and anything it cannot know silences the
route."""

from __future__ import annotations

from collections.abc import Mapping

import pytest

from fastapi_rules_lint.docs import render_rule
from fastapi_rules_lint.lint.linter import LintSettings, lint_text
from fastapi_rules_lint.project.view import project_views
from fastapi_rules_lint.rules.frl204_unknown_path_parameter import UnknownPathParameter

SETTINGS = LintSettings(enabled=frozenset({"FRL204"}))
ROUTES = "app/routes.py"
HEAD = "from typing import Annotated\n\nfrom fastapi import APIRouter, Depends, Path, Request\n\n"


def reported(files: Mapping[str, str], routes: str) -> list[str]:
    """The path parameters FRL204 reports in ``routes`` (the module ``app/routes.py``)."""
    view = project_views({**files, ROUTES: routes})[ROUTES]
    found = lint_text(routes, ROUTES, SETTINGS, view)
    return sorted(d.message.split("`")[1] for d in found)


def route(path: str, params: str, imports: str = "from app.deps import X") -> str:
    return (
        f"{HEAD}{imports}\n\nrouter = APIRouter()\n\n\n"
        f'@router.get("{path}")\ndef read({params}) -> None:\n    return None\n'
    )


# --- aliases and dependencies defined in other modules ---------------------------------
def test_plain_imported_alias_hides_a_typo() -> None:
    files = {"app/deps.py": HEAD + "X = Annotated[int, Path(gt=0)]\n"}
    assert reported(files, route("/items/{item_id}", "itemid: X")) == ["item_id"]
    assert reported(files, route("/items/{item_id}", "item_id: X")) == []


def test_alias_without_fastapi_marker_is_a_plain_type() -> None:
    files = {
        "app/deps.py": HEAD
        + "import annotated_types\n\nX = Annotated[int, annotated_types.Ge(1)]\n"
    }
    assert reported(files, route("/items/{item_id}", "limit: X")) == ["item_id"]


def test_alias_chain_across_two_modules() -> None:
    files = {
        "app/base.py": HEAD + "def get_item(item_id: int) -> int:\n    return item_id\n\n\n"
        "ItemDep = Annotated[int, Depends(get_item)]\n",
        "app/deps.py": HEAD + "from app.base import ItemDep\n\n\n"
        "def load(item: ItemDep, shop_id: int) -> str:\n    return str(item)\n\n\n"
        "X = Annotated[str, Depends(load)]\n",
    }
    assert reported(files, route("/shops/{shop_id}/items/{item_id}", "x: X")) == []
    assert reported(files, route("/shops/{shop_id}/{item_id}/{typo}", "x: X")) == ["typo"]


def test_alias_of_an_alias_and_a_package_reexport() -> None:
    files = {
        "app/deps/__init__.py": "from .ids import X\n",
        "app/deps/ids.py": HEAD
        + "from app.base import ItemDep\n\nX = Annotated[ItemDep, Path()]\n",
        "app/base.py": HEAD + "def get_item(item_id: int) -> int:\n    return item_id\n\n\n"
        "ItemDep = Annotated[int, Depends(get_item)]\n",
    }
    assert reported(files, route("/items/{item_id}", "x: X")) == []
    assert reported(files, route("/items/{item_id}/{other}", "x: X")) == ["other"]


def test_imported_dependency_in_a_default_and_in_dependencies() -> None:
    files = {"app/deps.py": HEAD + "def check(org_id: int) -> None:\n    return None\n"}
    imports = "from app import deps"
    default = "ok: None = Depends(deps.check)"
    assert reported(files, route("/orgs/{org_id}", default, imports)) == []
    assert reported(files, route("/orgs/{org_id}/{x}", default, imports)) == ["x"]
    decorated = route("/orgs/{org_id}", "", imports).replace(
        '"/orgs/{org_id}")', '"/orgs/{org_id}", dependencies=[Depends(deps.check)])'
    )
    assert reported(files, decorated) == []


def test_imported_class_dependency() -> None:
    files = {
        "app/deps.py": HEAD + "class Pager:\n    def __init__(self, page_id: int) -> None:\n"
        "        self.page_id = page_id\n"
    }
    imports = "from app.deps import Pager"
    assert (
        reported(files, route("/pages/{page_id}", "p: Annotated[Pager, Depends()]", imports)) == []
    )
    assert reported(files, route("/pages/{pageid}", "p: Annotated[Pager, Depends()]", imports)) == [
        "pageid"
    ]


def test_dependency_reading_a_literal_path_param() -> None:
    files = {
        "app/deps.py": HEAD + "def get_org(request: Request) -> int:\n"
        '    return int(request.path_params["org_id"])\n\n\nX = Annotated[int, Depends(get_org)]\n'
    }
    assert reported(files, route("/orgs/{org_id}", "org: X")) == []
    assert reported(files, route("/orgs/{org_id}/{user_id}", "org: X")) == ["user_id"]


# --- what cannot be known: silent ------------------------------------------------------
@pytest.mark.parametrize(
    "deps",
    [
        pytest.param('X = Annotated[int, Path(alias="item_id")]\n', id="path-alias"),
        pytest.param(
            'X = Annotated[int, Path(validation_alias="item_id")]\n', id="validation-alias"
        ),
        pytest.param(
            "def get(v: Annotated[int, Path(alias='item_id')]) -> int:\n    return v\n\n\n"
            "X = Annotated[int, Depends(get)]\n",
            id="alias-in-a-dependency",
        ),
        pytest.param(
            "def get(request: Request) -> int:\n    key = 'item_id'\n"
            "    return int(request.path_params[key])\n\n\nX = Annotated[int, Depends(get)]\n",
            id="reads-any-path-param",
        ),
        pytest.param(
            "def get(**kwargs: int) -> int:\n    return 0\n\n\nX = Annotated[int, Depends(get)]\n",
            id="kwargs",
        ),
        pytest.param(
            "from auth_lib import current_user\n\nX = Annotated[int, Depends(current_user)]\n",
            id="external-dependency",
        ),
        pytest.param(
            "from auth_lib import marker\n\nX = Annotated[int, marker]\n", id="opaque-metadata"
        ),
        pytest.param(
            "from app.missing import get\n\nX = Annotated[int, Depends(get)]\n",
            id="unresolvable-dependency",
        ),
        pytest.param(
            "from app.wrappers import Depends as D\n\nX = Annotated[int, D(print)]\n",
            id="marker-wrapper",
        ),
        pytest.param(
            "class Checker:\n    def __call__(self, item_id: int) -> int:\n"
            "        return item_id\n\n\n"
            "checker = Checker()\nX = Annotated[int, Depends(checker)]\n",
            id="callable-instance",
        ),
    ],
)
def test_unknown_is_silent(deps: str) -> None:
    files = {"app/deps.py": HEAD + deps, "app/wrappers.py": "def Depends(f): ...\n"}
    assert reported(files, route("/items/{item_id}", "x: X")) == []


def test_ambiguous_alias_is_silent() -> None:
    routes = route("/items/{item_id}", "x: X").replace(
        "router = APIRouter()", "X = int\n\nrouter = APIRouter()"
    )
    files = {
        "app/deps.py": HEAD + "def get(item_id: int) -> int:\n    return item_id\n\n\n"
        "X = Annotated[int, Depends(get)]\n"
    }
    assert reported(files, routes) == []


def test_fixture_project_alias_reading_path_params_and_plain_alias() -> None:
    """The template layout: `OrgId`'s dependency reads `org_id`; `PrimaryKey` is plain."""
    files = {
        "app/deps.py": HEAD + "def get_org_id(request: Request) -> int:\n"
        '    return int(request.path_params["org_id"])\n\n\n'
        "OrgId = Annotated[int, Depends(get_org_id)]\nPrimaryKey = Annotated[int, Path(gt=0)]\n"
    }
    imports = "from app.deps import OrgId, PrimaryKey"
    assert reported(files, route("/orgs/{org_id}", "o: OrgId", imports)) == []
    assert reported(
        files, route("/engagements/{engagement_id}", "signal_engagement_id: PrimaryKey", imports)
    ) == ["engagement_id"]


# --- multi-module rule examples in the docs --------------------------------------------
def test_docs_render_the_other_modules_of_an_example() -> None:
    page = render_rule(UnknownPathParameter)
    assert "`app/deps.py`:" in page and "`app/routes.py`:" in page
    assert "of `app/routes.py`." in page
