"""Recall against ruff's FastAPI rules on real code, and the ruff false positives we skip.

On the FastAPI sdist (``docs_src`` and ``tests``): FRL202 finds every FAST002 location
and FRL203 every FAST001 location (``scripts/compare_with_ruff.py`` matches by file and
row). FAST003's corpus findings are all false positives — path parameters FastAPI does
receive, through ``alias=`` in a default ``Path(...)``, ``validation_alias=`` or
``AliasChoices``; FastAPI's own tests in those files pass. FRL204 is silent there by
design; ``test_ruff_fast003_false_positives_are_received`` shows with FastAPI itself that
each pattern receives the value, and that FRL204 stays silent on it.
"""

from __future__ import annotations

import importlib.util
import shutil
import subprocess
import sys
from pathlib import Path
from types import ModuleType

import pytest

from fastapi_rules_lint.lint.linter import LintSettings, lint_text
from tests.corpus import fastapi_sdist

ROOT = Path(__file__).resolve().parent.parent
MAPPING = {"FRL202": ("FAST002",), "FRL203": ("FAST001",), "FRL204": ("FAST003",)}
# ruff FAST003 findings on the corpus that are wrong (file relative to the sdist, row),
# each an instance of a pattern checked below.
RUFF_FAST003_FALSE_POSITIVES = {
    ("tests/test_path_alias_choices.py", 106),  # AliasChoices("first", ...)
    ("tests/test_repeated_parameter_alias.py", 8),  # Path(..., alias="repeated_alias")
    ("tests/test_request_params/test_path/test_required_str.py", 21),  # validation_alias
    ("tests/test_request_params/test_path/test_required_str.py", 28),  # validation_alias
}


def _load_script() -> ModuleType:
    path = ROOT / "scripts" / "compare_with_ruff.py"
    spec = importlib.util.spec_from_file_location("compare_with_ruff", path)
    assert spec is not None and spec.loader is not None
    module = importlib.util.module_from_spec(spec)
    sys.modules[spec.name] = module  # dataclasses look their module up while building
    spec.loader.exec_module(module)
    return module


def _ruff() -> list[str] | None:
    found = shutil.which("ruff") or shutil.which("ruff", path=str(Path(sys.executable).parent))
    return [found] if found else None


@pytest.mark.corpus
def test_full_recall_of_ruff_fastapi_rules() -> None:
    script = _load_script()
    if script.ruff_command() is None:
        pytest.skip("ruff is not installed")
    sdist = fastapi_sdist()
    if sdist is None:
        pytest.skip("offline: the FastAPI sdist could not be fetched")
    result = script.compare([sdist / "docs_src", sdist / "tests"], MAPPING)
    assert result.crashes == []
    by_code = {item.code: item for item in result.codes}
    for code in ("FRL202", "FRL203"):
        item = by_code[code]
        assert item.ruff_count > 0, f"ruff found nothing for {code}: a broken comparison"
        assert item.recall == 1.0, f"{code} missed:\n" + "\n".join(item.missed[:20])
    missed = set()
    for line in by_code["FRL204"].missed:
        location = line.split(": ", 1)[0]
        filename, row = location.rsplit(":", 1)
        missed.add((Path(filename).relative_to(sdist).as_posix(), int(row)))
    assert missed <= RUFF_FAST003_FALSE_POSITIVES, f"FRL204 missed true findings: {missed}"


# --- the FAST003 false-positive patterns, checked with FastAPI itself -----------------
PATTERNS = {
    "alias-in-default": (
        "from fastapi import FastAPI, Path\n\napp = FastAPI()\n\n\n"
        '@app.get("/{repeated_alias}")\n'
        'def read(path: str = Path(..., alias="repeated_alias")):\n    return path\n'
    ),
    "validation-alias": (
        "from typing import Annotated\n\nfrom fastapi import FastAPI, Path\n\napp = FastAPI()\n\n\n"
        '@app.get("/{p_val_alias}")\n'
        'def read(p: Annotated[str, Path(validation_alias="p_val_alias")]):\n    return p\n'
    ),
    "alias-choices": (
        "from typing import Annotated\n\nfrom fastapi import FastAPI, Path\n"
        "from pydantic import AliasChoices\n\napp = FastAPI()\n\n\n"
        '@app.get("/{first}")\n'
        "def read(\n"
        '    v: Annotated[str, Path(alias="x", validation_alias=AliasChoices("first", "x"))],\n'
        "):\n"
        "    return v\n"
    ),
    "callable-class-dependency": (
        "from typing import Annotated\n\nfrom fastapi import Depends, FastAPI\n\n"
        "app = FastAPI()\n\n\n"
        "class Loader:\n    def __call__(self, item_id: str) -> str:\n        return item_id\n\n\n"
        "load = Loader()\n\n\n"
        '@app.get("/{item_id}")\ndef read(v: Annotated[str, Depends(load)]):\n    return v\n'
    ),
}


@pytest.mark.parametrize("name", sorted(PATTERNS))
def test_ruff_fast003_false_positives_are_received(name: str, tmp_path: Path) -> None:
    pytest.importorskip("httpx")
    from fastapi.testclient import TestClient

    code = PATTERNS[name]
    assert [d for d in lint_text(code, "app.py", LintSettings(enabled=frozenset({"FRL204"})))] == []
    path = tmp_path / f"pattern_{name.replace('-', '_')}.py"
    path.write_text(code)
    spec = importlib.util.spec_from_file_location(path.stem, path)
    assert spec is not None and spec.loader is not None
    module = importlib.util.module_from_spec(spec)
    spec.loader.exec_module(module)
    response = TestClient(module.app).get("/hello")
    assert (response.status_code, response.json()) == (200, "hello")
    ruff = _ruff()
    if ruff is not None and name != "callable-class-dependency":
        result = subprocess.run(
            [*ruff, "check", "--isolated", "--select", "FAST003", "--output-format", "concise",
             "--exit-zero", str(path)],
            capture_output=True, text=True, check=False,
        )  # fmt: skip
        # Documents the ruff fault this pattern stands for (ruff 0.17).
        assert "FAST003" in result.stdout, f"ruff no longer reports {name}: update the docs"
