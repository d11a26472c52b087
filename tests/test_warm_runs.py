"""Warm runs: the diagnostics cache as one index, and a run whose files are all cache
hits imports no LibCST, builds no rule and no project model (issues 12.2, 13.4)."""

from __future__ import annotations

import ast
import json
import os
import subprocess
import sys
from dataclasses import replace
from pathlib import Path

import pytest

from fastapi_rules_lint.cache import FORMAT, INDEX_NAME, Cache
from fastapi_rules_lint.engine.diagnostics import (
    Applicability,
    Diagnostic,
    Fix,
    ImportRequest,
    Location,
    TextEdit,
)
from fastapi_rules_lint.lint.settings import LintSettings
from fastapi_rules_lint.records import pack, unpack

DEPS = "def get_db() -> None:\n    return None\n"
ROUTES = (
    "from typing import Any\n\n"
    "from fastapi import APIRouter, Depends\n\n"
    "from app.deps import get_db\n\n"
    "router = APIRouter()\n\n\n"
    '@router.get("/items")\n'
    "async def items(x: Any, db: None = Depends(get_db)) -> None:\n"
    "    return None\n"
)
# Prints, after the run, the modules a warm run must not import.
_PROBE = (
    "import sys\n"
    "from fastapi_rules_lint.interfaces.cli import main\n"
    "status = 0\n"
    "try:\n"
    "    main(sys.argv[1:])\n"
    "except SystemExit as exit:\n"
    "    status = exit.code\n"
    "heavy = ('libcst', 'fastapi_rules_lint.lint.linter', 'fastapi_rules_lint.rulebase.rule',\n"
    "         'fastapi_rules_lint.project.model', 'fastapi_rules_lint.interfaces.worker')\n"
    "print('IMPORTED', sorted(m for m in heavy if m in sys.modules), file=sys.stderr)\n"
    "sys.exit(status)\n"
)


def _project(root: Path) -> Path:
    (root / "pyproject.toml").write_text("[tool.fastapi-rules]\n", encoding="utf-8")
    app = root / "app"
    app.mkdir()
    (app / "__init__.py").write_text("", encoding="utf-8")
    (app / "deps.py").write_text(DEPS, encoding="utf-8")
    (app / "routes.py").write_text(ROUTES, encoding="utf-8")
    return root


def _check(root: Path, *args: str) -> tuple[str, list[str]]:
    """Run ``check`` in a fresh interpreter: (stdout, heavy modules it imported)."""
    env = {**os.environ, "NO_COLOR": "1"}
    result = subprocess.run(
        [sys.executable, "-c", _PROBE, "check", "--output-format", "json", *args],
        cwd=root,
        capture_output=True,
        text=True,
        env=env,
        timeout=300,
    )
    assert result.returncode in (0, 1), result.stderr
    line = next(x for x in result.stderr.splitlines() if x.startswith("IMPORTED"))
    return result.stdout, ast.literal_eval(line.removeprefix("IMPORTED "))


def test_an_all_hit_run_imports_no_libcst_and_builds_nothing(tmp_path: Path) -> None:
    root = _project(tmp_path)
    cold, cold_imports = _check(root, ".")
    # The first run lints: here, or in its standby (``runner.standby``), which hands its
    # work over through the worker module.
    assert "fastapi_rules_lint.interfaces.worker" in cold_imports
    assert {d["code"] for d in json.loads(cold)} >= {"FRL103"}
    warm, warm_imports = _check(root, ".")
    assert warm == cold
    assert warm_imports == []
    one_file, imports = _check(root, "app/routes.py")
    assert imports == []
    assert json.loads(one_file) == [d for d in json.loads(cold) if "routes" in d["filename"]]


def test_an_edit_elsewhere_that_changes_no_view_still_hits(tmp_path: Path) -> None:
    root = _project(tmp_path)
    cold, _ = _check(root, ".")
    # A new module nobody imports: the project's fingerprint changes, no module's view.
    (root / "app" / "other.py").write_text("X = 1\n", encoding="utf-8")
    warm, imports = _check(root, "app/routes.py", "app/deps.py")
    assert json.loads(warm) == json.loads(cold)
    assert "fastapi_rules_lint.project.model" in imports  # the views were compared
    assert "libcst" not in imports  # the model and the views need no LibCST
    assert "fastapi_rules_lint.lint.linter" not in imports  # and no file was linted


def test_an_edit_that_changes_a_view_misses(tmp_path: Path) -> None:
    root = _project(tmp_path)
    _check(root, ".")
    deps = root / "app" / "deps.py"
    deps.write_text(DEPS.replace("def get_db() -> None", "def get_db(x: Any) -> None"))
    _, imports = _check(root, "app/routes.py")
    assert "fastapi_rules_lint.interfaces.worker" in imports  # linted (see above)


def test_the_cache_is_one_index_file(tmp_path: Path) -> None:
    root = _project(tmp_path)
    _check(root, ".")
    folder = root / ".fastapi_rules_cache" / f"v{FORMAT}"
    assert [p.name for p in folder.iterdir()] == [INDEX_NAME]
    unpacked = unpack((folder / INDEX_NAME).read_bytes())
    assert unpacked is not None
    assert set(unpacked[1]) == {"app/__init__.py", "app/deps.py", "app/routes.py"}


# --- the index in-process ------------------------------------------------------------------

_DIAGNOSTIC = Diagnostic(
    filename="a.py",
    location=Location(1, 2),
    code="FRL103",
    end_location=Location(1, 5),
    message="m",
    noqa_row=1,
    fix=Fix(
        Applicability.UNSAFE,
        "fix it",
        (TextEdit(0, 3, "x"),),
        (ImportRequest("typing", "Any"), ImportRequest("os")),
    ),
)


def _cache(folder: Path) -> Cache:
    cache = Cache.open(folder, LintSettings())
    assert cache is not None
    return cache


def _never() -> str:
    raise AssertionError("the view key was computed although the project key hit")


def test_round_trip_and_project_key_hit(tmp_path: Path) -> None:
    cache = _cache(tmp_path)
    project = cache.project_key("a.py", b"x", {"FRL103"}, "fingerprint")
    cache.store("a.py", project, "view", [_DIAGNOSTIC])
    cache.save()
    again = _cache(tmp_path)
    assert again.lookup("a.py", project, _never) == (_DIAGNOSTIC,)
    # Another fingerprint: the view key decides, and a hit refreshes the project key.
    other = again.project_key("a.py", b"x", {"FRL103"}, "another")
    assert again.lookup("a.py", other, lambda: "other view") is None
    assert again.lookup("a.py", other, lambda: "view") == (_DIAGNOSTIC,)
    again.save()
    assert _cache(tmp_path).lookup("a.py", other, _never) == (_DIAGNOSTIC,)


@pytest.mark.parametrize(
    "content",
    [
        b"{not json",
        b"[]",
        b'{"key": 1}',
        b"\xff\xfe",
        b"[" * 100_000,
        None,  # an entry of the wrong shape
        "rows",  # rows of the wrong shape
    ],
)
def test_a_corrupt_or_foreign_index_is_a_miss(tmp_path: Path, content: bytes | str | None) -> None:
    cache = _cache(tmp_path)
    key = cache.project_key("a.py", b"x", (), "f")
    cache.store("a.py", key, "view", [_DIAGNOSTIC])
    cache.save()
    if isinstance(content, bytes):
        cache.path.write_bytes(content)
    else:
        unpacked = unpack(cache.path.read_bytes())
        assert unpacked is not None
        fields, entries = unpacked
        keys, rows = entries["a.py"]
        if content is None:
            entries["a.py"] = ([*keys, "a third key"], rows)
        else:
            assert json.loads(rows)[0][2] == 1
            entries["a.py"] = (keys, b'[["FRL103", "m", "1", 2, 1, 5, 1, null]]')  # row "1"
        cache.path.write_bytes(pack(fields, entries))
    assert _cache(tmp_path).lookup("a.py", key, lambda: "view") is None


def test_another_run_key_is_a_miss(tmp_path: Path) -> None:
    cache = _cache(tmp_path)
    key = cache.project_key("a.py", b"x", (), "f")
    cache.store("a.py", key, "view", [_DIAGNOSTIC])
    cache.save()
    other = Cache(tmp_path, "another run key")
    assert other.lookup("a.py", key, lambda: "view") is None


def test_concurrent_writers_merge_and_the_last_wins(tmp_path: Path) -> None:
    first, second = _cache(tmp_path), _cache(tmp_path)
    assert first.lookup("a.py", "k", lambda: "v") is None  # both read the empty index
    assert second.lookup("b.py", "k", lambda: "v") is None
    first.store("a.py", "ka", "va", [_DIAGNOSTIC])
    first.store("c.py", "kc", "vc", [])
    second.store("b.py", "kb", "vb", [])
    second.store("c.py", "kc2", "vc2", [_DIAGNOSTIC])
    first.save()
    second.save()
    merged = _cache(tmp_path)
    assert merged.lookup("a.py", "ka", _never) == (_DIAGNOSTIC,)
    assert merged.lookup("b.py", "kb", _never) == ()
    assert merged.lookup("c.py", "kc2", _never) == (replace(_DIAGNOSTIC, filename="c.py"),)
    assert not list(merged.path.parent.glob("*.tmp"))


def test_an_unwritable_folder_disables_the_cache_quietly(tmp_path: Path) -> None:
    cache = _cache(tmp_path)
    cache.store("a.py", "k", "v", [])
    cache.path.parent.chmod(0o500)
    try:
        cache.save()  # no exception
    finally:
        cache.path.parent.chmod(0o700)
    if os.geteuid() != 0:  # root writes anyway
        assert not cache.is_writable


def rewrite_summaries(path: Path, summary: bytes) -> dict[str, bytes]:
    """Replace every summary in the summary cache file ``path`` with ``summary`` (its
    layout: ``runner.summaries``); returns the summaries it held."""
    data = path.read_bytes()
    end = data.index(b"\n")
    header = json.loads(data[:end])
    held: dict[str, bytes] = {}
    at = end + 1
    for key, entry in header["entries"].items():
        held[key] = data[at : at + entry[3]]
        at += entry[3]
        entry[3] = len(summary)
    body = summary * len(header["entries"])
    path.write_bytes(json.dumps(header).encode() + b"\n" + body)
    return held


def test_a_summary_that_does_not_validate_is_summarised_again(tmp_path: Path) -> None:
    from fastapi_rules_lint.runner.summaries import CACHE_NAME
    from fastapi_rules_lint.runner.workspace import Workspace

    root = _project(tmp_path)
    routes = root / "app" / "routes.py"
    first = Workspace().view_for(routes)
    cache = root / ".fastapi_rules_cache" / CACHE_NAME
    bad = b'{"is_parsed": "not a bool", "functions": 3}'
    good = rewrite_summaries(cache, bad)
    workspace = Workspace()
    assert workspace.fingerprint_for(routes) == workspace.project_for(routes).fingerprint
    assert workspace.view_for(routes) == first
    again = rewrite_summaries(cache, bad)  # rewritten with good summaries
    assert again == good
