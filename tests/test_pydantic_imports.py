"""FRL405's fixes, run under Pydantic v2 with warnings as errors.

- ``parse_obj_as(T, x)`` → ``TypeAdapter(T).validate_python(x)`` and ``parse_raw_as(T,
  b)`` → ``TypeAdapter(T).validate_json(b)``: the fixed module runs with ``-W error``
  and gives the values (and validation errors) the v1 calls gave, as far as v2 can still
  say: v2's deprecated ``parse_obj_as`` (warnings suppressed), and for ``parse_raw_as``,
  which v2 removed, what v1 did: ``json.loads`` then ``parse_obj_as``.
- ``pydantic.color.Color`` → ``pydantic_extra_types.color.Color`` validates alike.
- ``semantics/pydantic/migration.py`` is a faithful copy of the installed Pydantic's
  ``pydantic._migration`` tables.
"""

from __future__ import annotations

import json
import subprocess
import sys
from pathlib import Path

import pytest

from fastapi_rules_lint.lint.fixer import fix_text
from fastapi_rules_lint.lint.linter import LintSettings
from fastapi_rules_lint.semantics.pydantic import migration

SETTINGS = LintSettings(enabled=frozenset({"FRL405"}))

#: (type, input) pairs; each input is also given to ``parse_raw_as`` as JSON.
PROBES = """
PROBES = [
    ("List[Item]", [{"id": 1, "name": "a"}, {"id": "2", "name": "b"}]),
    ("List[Item]", [{"id": "x"}]),
    ("Dict[str, int]", {"a": "1", "b": 2}),
    ("Optional[int]", None),
    ("Union[int, str]", "7"),
    ("Tuple[int, ...]", [1, "2"]),
    ("datetime", "2024-01-02T03:04:05"),
    ("Item", {"id": 3, "name": "  padded  "}),
    ("Item", {"name": "no id"}),
    ("Set[int]", [1, 1, 2]),
]
"""

PROGRAM = (
    "import json\n"
    "from datetime import datetime\n"
    "from typing import Dict, List, Optional, Set, Tuple, Union\n\n"
    "from pydantic import BaseModel, ValidationError, parse_obj_as, parse_raw_as\n\n\n"
    "class Item(BaseModel):\n"
    "    id: int\n"
    "    name: str = ''\n\n\n"
    "def outcome(call):\n"
    "    try:\n"
    "        value = call()\n"
    "    except ValidationError as error:\n"
    "        return ['invalid', [[list(e['loc']), e['type']] for e in error.errors()]]\n"
    "    return ['ok', repr(value)]\n\n\n" + PROBES + "\n\n"
    "def run():\n"
    "    results = []\n"
    "    for name, data in PROBES:\n"
    "        type_ = eval(name)\n"
    "        raw = json.dumps(data)\n"
    "        results.append(outcome(lambda: parse_obj_as(type_, data)))\n"
    "        results.append(outcome(lambda: parse_raw_as(type_, raw)))\n"
    "        results.append(outcome(lambda: parse_raw_as(type_, raw.encode())))\n"
    "    return results\n\n\n"
    "print(json.dumps(run()))\n"
)

#: How v2 still says what the v1 calls meant: ``parse_raw_as`` is gone from v2.
V1_MEANING = (
    "import json\nimport warnings\n\nimport pydantic\n\n"
    "warnings.simplefilter('ignore')\n\n\n"
    "def parse_raw_as(type_, raw):\n"
    "    return pydantic.parse_obj_as(type_, json.loads(raw))\n\n\n"
)


def _run(text: str, tmp_path: Path, *options: str) -> list[object]:
    path = tmp_path / "program.py"
    path.write_text(text)
    result = subprocess.run(
        [sys.executable, *options, str(path)], capture_output=True, text=True, check=False
    )
    assert result.returncode == 0, result.stderr[-3000:]
    loaded: list[object] = json.loads(result.stdout)
    return loaded


def test_parse_as_calls_fixed_give_the_same_values(tmp_path: Path) -> None:
    outcome = fix_text(PROGRAM, "program.py", SETTINGS)
    fixed = outcome.text
    assert "parse_obj_as" not in fixed
    assert "parse_raw_as" not in fixed
    assert "from pydantic import BaseModel, TypeAdapter, ValidationError\n" in fixed
    assert fixed.count(".validate_python(data)") == 1
    assert fixed.count(".validate_json(raw") == 2
    assert fix_text(fixed, "program.py", SETTINGS).text == fixed
    original = (
        PROGRAM.replace(", parse_obj_as, parse_raw_as", "")
        .replace("parse_obj_as(type_", "pydantic.parse_obj_as(type_")
        .replace("from pydantic import BaseModel", V1_MEANING + "from pydantic import BaseModel")
    )
    expected = _run(original, tmp_path)
    assert _run(fixed, tmp_path, "-W", "error") == expected
    assert ["ok", "[Item(id=1, name='a'), Item(id=2, name='b')]"] in expected


def test_parse_file_as_and_unusual_calls_keep_their_diagnostic() -> None:
    text = (
        "from pydantic import parse_file_as, parse_obj_as\n\n"
        "a = parse_file_as(list[int], 'numbers.json')\n"
        "b = parse_obj_as(list[int], [1], type_name='Numbers')\n"
        "c = parse_obj_as(*ARGS)\n"
    )
    outcome = fix_text(text, "module.py", SETTINGS, unsafe=True)
    assert outcome.text == text


def test_color_moved_to_extra_types_validates_alike(tmp_path: Path) -> None:
    pytest.importorskip("pydantic_extra_types.color")
    program = (
        "import json\n\n"
        "from pydantic import BaseModel, ValidationError\n"
        "from pydantic.color import Color\n\n\n"
        "class Theme(BaseModel):\n"
        "    accent: Color\n\n\n"
        "def outcome(value):\n"
        "    try:\n"
        "        theme = Theme(accent=value)\n"
        "    except ValidationError as error:\n"
        "        return [e['type'] for e in error.errors()]\n"
        "    return [theme.accent.as_hex(), theme.accent.as_rgb(), theme.model_dump_json()]\n\n\n"
        "VALUES = ['red', '#fff', 'rgb(1, 2, 3)', (1, 2, 3, 0.5), 'hsl(120, 50%, 50%)',"
        " 'nope', 7]\n"
        "print(json.dumps([outcome(value) for value in VALUES]))\n"
    )
    assert fix_text(program, "program.py", SETTINGS).text == program  # unsafe only
    fixed = fix_text(program, "program.py", SETTINGS, unsafe=True).text
    assert "from pydantic_extra_types.color import Color\n" in fixed
    expected = _run(program, tmp_path, "-W", "ignore")
    assert _run(fixed, tmp_path, "-W", "error") == expected


def test_migration_tables_copy_the_installed_pydantic() -> None:
    installed = pytest.importorskip("pydantic._migration")
    assert dict(migration.MOVED_IN_V2) == installed.MOVED_IN_V2
    assert dict(migration.DEPRECATED_MOVED_IN_V2) == installed.DEPRECATED_MOVED_IN_V2
    assert set(installed.REDIRECT_TO_V1) == migration.REDIRECT_TO_V1
    assert migration.REMOVED_IN_V2 == installed.REMOVED_IN_V2
