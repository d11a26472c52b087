"""The FRL202-FRL204 fixes keep FastAPI apps behaving the same.

- Real apps (corpus): ``docs_src`` examples written with ``Query()``/``Path()``/
  ``Depends()``/``Header()``/``Cookie()``/``Body()`` defaults are fixed (unsafe fixes),
  the original and the fixed module are imported from files, and the same requests
  (valid and invalid) get the same status and JSON; the OpenAPI schemas are equal.
- ruff's FAST002 leaves a parameter unfixed when it would become required after one
  with a default — even a keyword-only one; FRL202 fixes all of them with a valid
  signature (``*``), and the app answers the same.
- FRL204's fix gives a valid signature next to ``*args``, ``**kwargs``, ``/`` and
  keyword-only parameters, and none for a keyword path parameter (``{import}``).
"""

from __future__ import annotations

import importlib.util
import itertools
import shutil
import subprocess
import sys
from collections.abc import Callable
from pathlib import Path
from types import ModuleType

import pytest

from fastapi_rules_lint.lint.fixer import fix_text
from fastapi_rules_lint.lint.linter import LintSettings, lint_text
from tests.corpus import fastapi_sdist

pytest.importorskip("httpx")
from fastapi.testclient import TestClient

SETTINGS = LintSettings(enabled=frozenset({"FRL202", "FRL203", "FRL204"}))
_COUNTER = itertools.count()

Request = tuple[str, str, dict[str, object]]
"""(method, url, keyword arguments of the TestClient call)."""

TOKEN, KEY = "fake-super-secret-token", "fake-super-secret-key"
BODY = {"item": {"name": "a", "price": 1.0}, "user": {"username": "u"}}
CASES: dict[str, list[Request]] = {
    "query_params_str_validations/tutorial004_non_an.py": [
        ("get", "/items/", {}),
        ("get", "/items/?q=fixedquery", {}),
        ("get", "/items/?q=ab", {}),
        ("get", "/items/?q=nonmatching", {}),
    ],
    "query_params_str_validations/tutorial010_non_an.py": [
        ("get", "/items/?item-query=fixedquery", {}),
        ("get", "/items/?item-query=x", {}),
        ("get", "/items/", {}),
    ],
    "query_params_str_validations/tutorial011_non_an.py": [
        ("get", "/items/?q=foo&q=bar", {}),
        ("get", "/items/", {}),
    ],
    "path_params_numeric_validations/tutorial006_non_an.py": [
        ("get", "/items/5?q=x&size=1.5", {}),
        ("get", "/items/2000?q=x&size=1", {}),
        ("get", "/items/5?q=x&size=11", {}),
        ("get", "/items/5?size=1", {}),
    ],
    "dependencies/tutorial004_non_an.py": [
        ("get", "/items/?q=a&skip=1&limit=1", {}),
        ("get", "/items/?limit=x", {}),
    ],
    "dependencies/tutorial005_non_an.py": [
        ("get", "/items/?q=foo", {}),
        ("get", "/items/", {"cookies": {"last_query": "bar"}}),
    ],
    "dependencies/tutorial006_non_an.py": [
        ("get", "/items/", {"headers": {"X-Token": TOKEN, "X-Key": KEY}}),
        ("get", "/items/", {"headers": {"X-Token": "nope", "X-Key": KEY}}),
        ("get", "/items/", {}),
    ],
    "header_params/tutorial002_non_an.py": [
        ("get", "/items/", {"headers": {"strange_header": "x"}}),
        ("get", "/items/", {}),
    ],
    "body_multiple_params/tutorial004_non_an.py": [
        ("put", "/items/5", {"json": {**BODY, "importance": 3}}),
        ("put", "/items/5?q=z", {"json": {**BODY, "importance": 0}}),
    ],
}  # fmt: skip


def _load(path: Path) -> ModuleType:
    name = f"frl_behaviour_{next(_COUNTER)}"
    spec = importlib.util.spec_from_file_location(name, path)
    assert spec is not None and spec.loader is not None
    module = importlib.util.module_from_spec(spec)
    spec.loader.exec_module(module)
    return module


def _fixed_pair(source: str, tmp_path: Path) -> tuple[ModuleType, ModuleType, str]:
    outcome = fix_text(source, "app.py", SETTINGS, unsafe=True)
    assert outcome.is_changed, "nothing was fixed"
    assert not [d for d in outcome.remaining if d.fix is not None]
    original = tmp_path / f"original_{next(_COUNTER)}.py"
    fixed = tmp_path / f"fixed_{next(_COUNTER)}.py"
    original.write_text(source)
    fixed.write_text(outcome.text)
    return _load(original), _load(fixed), outcome.text


def _answers(module: ModuleType, requests: list[Request]) -> list[tuple[int, object]]:
    client = TestClient(module.app)
    answers: list[tuple[int, object]] = []
    for method, url, kwargs in requests:
        call: Callable[..., object] = getattr(client, method)
        response = call(url, **kwargs)
        answers.append((response.status_code, response.json()))  # type: ignore[attr-defined]
    return answers


@pytest.mark.corpus
@pytest.mark.parametrize("relative", sorted(CASES))
def test_fixed_docs_app_answers_the_same(relative: str, tmp_path: Path) -> None:
    sdist = fastapi_sdist()
    if sdist is None:
        pytest.skip("offline: the FastAPI sdist could not be fetched")
    source = (sdist / "docs_src" / relative).read_text()
    original, fixed, text = _fixed_pair(source, tmp_path)
    assert "Annotated[" in text
    requests = CASES[relative]
    assert _answers(fixed, requests) == _answers(original, requests)
    assert fixed.app.openapi() == original.app.openapi()


@pytest.mark.corpus
def test_fixed_websocket_app_with_keyword_only_dependency(tmp_path: Path) -> None:
    """``cookie_or_token: str = Depends(...)`` after ``q: int | None = None`` becomes
    keyword-only (``*``) — the case ruff leaves unfixed — and the socket still works."""
    sdist = fastapi_sdist()
    if sdist is None:
        pytest.skip("offline: the FastAPI sdist could not be fetched")
    source = (sdist / "docs_src" / "websockets_" / "tutorial002_non_an.py").read_text()
    original, fixed, text = _fixed_pair(source, tmp_path)
    assert "    *,\n    cookie_or_token: Annotated[str, Depends(get_cookie_or_token)]," in text

    from starlette.websockets import WebSocketDisconnect

    def talk(module: ModuleType) -> list[str]:
        client = TestClient(module.app)
        received: list[str] = []
        try:
            with client.websocket_connect("/items/foo/ws?q=3&token=some-token") as socket:
                socket.send_text("hello")
                received.extend(socket.receive_text() for _ in range(3))
        except WebSocketDisconnect:
            pass  # the example's endless receive loop ends when the client leaves
        return received

    expected = talk(original)
    assert len(expected) == 3
    assert talk(fixed) == expected


# --- ruff FAST002's skipped parameters ---------------------------------------------
SKIPPED_BY_RUFF = """\
from fastapi import Depends, FastAPI, Query

app = FastAPI()


def get_db() -> str:
    return "db"


@app.get("/items/")
def read(q: str | None = Query(None), db: str = Depends(get_db), size: int = Query(...)):
    return {"q": q, "db": db, "size": size}


@app.get("/other/")
def other(q: str | None = Query(None), *, db: str = Depends(get_db)):
    return {"q": q, "db": db}


@app.get("/forms/")
def forms(a: str = Query(), b: str = Query(), c: int = Query(1)):
    return {"a": a, "b": b, "c": c}
"""


def test_every_parameter_fixed_where_ruff_skips(tmp_path: Path) -> None:
    original, fixed, text = _fixed_pair(SKIPPED_BY_RUFF, tmp_path)
    assert lint_text(text, "app.py", SETTINGS) == []
    assert (
        "def read(q: Annotated[str | None, Query()] = None, "
        "*, db: Annotated[str, Depends(get_db)], size: Annotated[int, Query()]):" in text
    )
    # Signatures the fix made longer than 88 characters are split (lint.layout); `read`
    # was too long before, so it stays on one line.
    assert (
        "def other(\n    q: Annotated[str | None, Query()] = None, "
        "*, db: Annotated[str, Depends(get_db)]\n):" in text
    )
    assert (
        "def forms(\n    a: Annotated[str, Query()],\n    b: Annotated[str, Query()],\n"
        "    c: Annotated[int, Query()] = 1,\n):" in text
    )
    requests: list[Request] = [
        ("get", "/items/?size=3", {}),
        ("get", "/items/?q=x", {}),
        ("get", "/other/", {}),
        ("get", "/forms/?a=1&b=2", {}),
        ("get", "/forms/?a=1", {}),
    ]
    assert _answers(fixed, requests) == _answers(original, requests)
    assert fixed.app.openapi() == original.app.openapi()


def test_ruff_fast002_skips_those_parameters(tmp_path: Path) -> None:
    """Documents the ruff fault the test above avoids (ruff 0.17): after its unsafe
    fixes, FAST002 findings remain on `db`, `size` and the keyword-only `db`."""
    ruff = shutil.which("ruff") or shutil.which("ruff", path=str(Path(sys.executable).parent))
    if ruff is None:
        pytest.skip("ruff is not installed")
    path = tmp_path / "app.py"
    path.write_text(SKIPPED_BY_RUFF)
    subprocess.run(
        [ruff, "check", "--isolated", "--select", "FAST002", "--fix", "--unsafe-fixes", "-q",
         str(path)],
        capture_output=True, check=False,
    )  # fmt: skip
    result = subprocess.run(
        [ruff, "check", "--isolated", "--select", "FAST002", "--output-format", "concise",
         "--exit-zero", str(path)],
        capture_output=True, text=True, check=False,
    )  # fmt: skip
    assert result.stdout.count("FAST002") >= 3, "ruff fixes these now: update the docs"


# --- FRL204's fix next to every kind of parameter ------------------------------------
SIGNATURES = {
    "async def read(*query: str): ...": "async def read(*query: str, thing_id: str): ...",
    "async def read(**query: str): ...": "async def read(thing_id: str, **query: str): ...",
    "async def read(query: str, /): ...": "async def read(query: str, /, thing_id: str): ...",
    'async def read(q: str = "", *, x: int): ...': (
        'async def read(q: str = "", *, x: int, thing_id: str): ...'
    ),
    'async def read(q: str = ""): ...': 'async def read(q: str = "", *, thing_id: str): ...',
    "async def read(): ...": "async def read(thing_id: str): ...",
}


@pytest.mark.parametrize("signature", sorted(SIGNATURES))
def test_unknown_path_parameter_fix_keeps_signature_valid(signature: str) -> None:
    head = 'from fastapi import FastAPI\n\napp = FastAPI()\n\n\n@app.get("/things/{thing_id}")\n'
    outcome = fix_text(head + signature + "\n", "app.py", SETTINGS, unsafe=True)
    assert outcome.text == head + SIGNATURES[signature] + "\n"
    compile(outcome.text, "app.py", "exec")
    assert outcome.remaining == ()


def test_keyword_path_parameter_has_no_fix() -> None:
    code = (
        'from fastapi import FastAPI\n\napp = FastAPI()\n\n\n@app.get("/imports/{import}")\n'
        "async def read(): ...\n"
    )
    [diagnostic] = lint_text(code, "app.py", SETTINGS)
    assert diagnostic.code == "FRL204" and diagnostic.fix is None
