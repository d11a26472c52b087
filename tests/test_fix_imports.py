"""Issue 15: imports a fix adds land where ruff's isort rules want them, and imports a fix
left unused are removed wherever they are (module level or inside a function).

Each case asserts the fixed text and that ``ruff check --select I,F401`` finds nothing
on it (with ``--isolated`` and with an isort configuration like the project's).
"""

from __future__ import annotations

import shutil
import subprocess
import sys
from pathlib import Path

import libcst as cst
import pytest

from fastapi_rules_lint.config.code_style import code_style
from fastapi_rules_lint.engine.diagnostics import ImportRequest
from fastapi_rules_lint.engine.style import CodeStyle
from fastapi_rules_lint.lint.fixer import fix_text
from fastapi_rules_lint.lint.linter import LintSettings
from fastapi_rules_lint.rulebase.fix_imports import add_imports
from fastapi_rules_lint.rulebase.import_order import (
    FIRST_PARTY,
    LOCAL,
    STDLIB,
    THIRD_PARTY,
    section,
)

RUFF = shutil.which("ruff") or str(Path(sys.executable).parent / "ruff")


def _ruff(text: str, tmp_path: Path, config: str | None = None, select: str = "I,F401") -> str:
    """ruff's ``select`` findings on ``text`` (empty when clean)."""
    if not Path(RUFF).exists():
        pytest.skip("ruff is not installed")
    target = tmp_path / "module.py"
    target.write_text(text)
    command = [RUFF, "check", "--select", select, "--output-format", "concise", "--no-cache"]
    if config is None:
        command.append("--isolated")
    else:
        (tmp_path / "pyproject.toml").write_text(config)
    result = subprocess.run(
        [*command, str(target)], capture_output=True, text=True, cwd=tmp_path, check=False
    )
    return result.stdout if result.returncode else ""


def _fix(text: str, select: str, style: CodeStyle | None = None) -> str:
    settings = LintSettings(enabled=frozenset({select}), style=style or CodeStyle())
    return fix_text(text, "module.py", settings, unsafe=True).text


# The old faulty outputs: a stdlib import appended after third-party ones, `Annotated`
# after relative imports, `status` always first, a function-local import left unused.
FIXED_CASES = {
    "stdlib-before-third-party": (
        "FRL301",
        "import subprocess\n\nimport yaml\n\n\n"
        "async def handler() -> None:\n    subprocess.run(['ls'])\n    yaml.safe_load('')\n",
        "import asyncio\nimport subprocess\n\nimport yaml\n\n\n"
        "async def handler() -> None:\n"
        "    await asyncio.to_thread(subprocess.run, ['ls'])\n    yaml.safe_load('')\n",
    ),
    "typing-before-relative": (
        "FRL202",
        "from fastapi import Depends, FastAPI\n\nfrom .deps import get_db\n\napp = FastAPI()\n\n\n"
        '@app.get("/")\ndef read(db: str = Depends(get_db)) -> str:\n    return db\n',
        "from typing import Annotated\n\nfrom fastapi import Depends, FastAPI\n\n"
        "from .deps import get_db\n\napp = FastAPI()\n\n\n"
        '@app.get("/")\ndef read(db: Annotated[str, Depends(get_db)]) -> str:\n    return db\n',
    ),
    "status-in-sorted-position": (
        "FRL207",
        "from fastapi import FastAPI, HTTPException\n\napp = FastAPI()\n\n\n"
        '@app.get("/")\ndef read() -> None:\n    raise HTTPException(status_code=404)\n',
        "from fastapi import FastAPI, HTTPException, status\n\napp = FastAPI()\n\n\n"
        '@app.get("/")\ndef read() -> None:\n'
        "    raise HTTPException(status_code=status.HTTP_404_NOT_FOUND)\n",
    ),
    "function-local-import-removed": (
        "FRL301",
        "import asyncio\n\n\nasync def pause() -> None:\n    import time\n\n"
        "    time.sleep(1)\n    await asyncio.sleep(0)\n\n\n"
        "def untouched() -> None:\n    import time  # noqa: F401\n",
        "import asyncio\n\n\nasync def pause() -> None:\n"
        "    await asyncio.sleep(1)\n    await asyncio.sleep(0)\n\n\n"
        "def untouched() -> None:\n    import time  # noqa: F401\n",
    ),
}

PROJECT_CONFIG = """\
[tool.ruff.lint.isort]
known-first-party = ["app"]
combine-as-imports = true
case-sensitive = true
"""


@pytest.mark.parametrize("case", FIXED_CASES)
@pytest.mark.parametrize("config", [None, PROJECT_CONFIG], ids=["isolated", "project-config"])
def test_fixed_imports(case: str, config: str | None, tmp_path: Path) -> None:
    select, before, expected = FIXED_CASES[case]
    style = CodeStyle()
    if config is not None:
        (tmp_path / "pyproject.toml").write_text(config)
        style = code_style(tmp_path / "module.py", tmp_path)
    fixed = _fix(before, select, style)
    assert fixed == expected
    assert _ruff(before, tmp_path, config) == ""  # nothing before ...
    assert _ruff(fixed, tmp_path, config) == ""  # ... and nothing new


def test_force_sort_within_sections(tmp_path: Path) -> None:
    config = "[tool.ruff.lint.isort]\nforce-sort-within-sections = true\n"
    (tmp_path / "pyproject.toml").write_text(config)
    style = code_style(tmp_path / "module.py", tmp_path)
    before = (
        "from contextlib import suppress\nimport subprocess\n\n\n"
        "async def handler() -> None:\n    with suppress(OSError):\n"
        "        subprocess.run(['ls'])\n"
    )
    fixed = _fix(before, "FRL301", style)
    assert fixed.startswith("import asyncio\nfrom contextlib import suppress\nimport subprocess\n")
    assert _ruff(fixed, tmp_path, config) == ""


def test_unsorted_names_get_the_new_name_last() -> None:
    module = cst.parse_module("from fastapi import Query, Depends\n")
    added = add_imports(module, [ImportRequest("fastapi", "Body")])
    assert added.code == "from fastapi import Query, Depends, Body\n"


@pytest.mark.parametrize(
    ("text", "request_", "expected"),
    [
        (
            "from fastapi import (\n    FastAPI,\n    Header,  # header\n)\n",
            ImportRequest("fastapi", "status"),
            "from fastapi import (\n    FastAPI,\n    Header,  # header\n    status,\n)\n",
        ),
        (
            '"""Doc."""\n\n\ndef f() -> None:\n    pass\n',
            ImportRequest("asyncio", None),
            '"""Doc."""\n\nimport asyncio\n\n\ndef f() -> None:\n    pass\n',
        ),
        (
            "from fastapi import APIRouter, Body, Depends, FastAPI, Header, HTTPException, Path\n",
            ImportRequest("fastapi", "Query"),
            "from fastapi import (\n    APIRouter,\n    Body,\n    Depends,\n    FastAPI,\n"
            "    Header,\n    HTTPException,\n    Path,\n    Query,\n)\n",
        ),
    ],
)
def test_placement(text: str, request_: ImportRequest, expected: str, tmp_path: Path) -> None:
    added = add_imports(cst.parse_module(text), [request_]).code
    assert added == expected
    assert _ruff(added, tmp_path, select="I") == ""


ISORT_CONFIG = """\
[tool.ruff.lint.isort]
known-first-party = ["app"]
force-single-line = true
"""


def test_project_isort_settings_are_followed(tmp_path: Path) -> None:
    (tmp_path / "pyproject.toml").write_text(ISORT_CONFIG)
    style = code_style(tmp_path / "module.py", tmp_path)
    assert style.known_first_party == frozenset({"app"})
    assert style.force_single_line
    text = "from fastapi import FastAPI\n\nfrom app import deps\n\nx = 1\n"
    added = add_imports(
        cst.parse_module(text),
        [ImportRequest("fastapi", "Depends"), ImportRequest("app.models", "Item")],
        style,
    ).code
    assert added == (
        "from fastapi import Depends\nfrom fastapi import FastAPI\n\n"
        "from app import deps\nfrom app.models import Item\n\nx = 1\n"
    )
    assert _ruff(added, tmp_path, ISORT_CONFIG, select="I") == ""


def test_sections() -> None:
    style = CodeStyle(
        known_third_party=frozenset({"fastapi"}), source_modules=frozenset({"fastapi", "docs_src"})
    )
    assert section("typing", 0, style, None) == STDLIB
    assert section("fastapi.responses", 0, style, None) == THIRD_PARTY
    assert section("docs_src.app", 0, style, None) == FIRST_PARTY
    assert section("app.deps", 0, style, "app") == FIRST_PARTY
    assert section("deps", 1, style, None) == LOCAL


def test_line_length_and_isort_from_ruff_toml(tmp_path: Path) -> None:
    (tmp_path / "ruff.toml").write_text(
        "line-length = 100\n[lint.isort]\ncombine-as-imports = true\ncase-sensitive = true\n"
    )
    (tmp_path / "pyproject.toml").write_text("[tool.black]\nline-length = 120\n")
    (tmp_path / "pkg").mkdir()
    style = code_style(tmp_path / "pkg" / "module.py", tmp_path)
    assert style.line_length == 100
    assert style.combine_as_imports and style.case_sensitive
    assert "pkg" in style.source_modules


def test_black_line_length_without_ruff(tmp_path: Path) -> None:
    (tmp_path / "pyproject.toml").write_text("[tool.black]\nline-length = 120\n")
    assert code_style(tmp_path / "module.py", tmp_path).line_length == 120


def test_name_uses_counts_names_not_attributes() -> None:
    """The cheap check before scope analysis: a pass that leaves a name as many
    mentions as before cannot have made its import unused."""
    from fastapi_rules_lint.rulebase.unused_imports import name_uses

    text = "import time\n\ntime.sleep(1)\nx.time = time_of_day\nprint(time)\n"
    assert name_uses(text, "time") == 3
    assert name_uses(text, "sleep") == 0
