"""Discovery (gitignore, excludes, explicit files) and safe writes (encoding, newlines,
permissions), through ``files.py`` directly and through ``check --fix``."""

from __future__ import annotations

import os
import stat
from pathlib import Path

import pytest
from click.testing import CliRunner

from fastapi_rules_lint.config import DEFAULT_EXCLUDE
from fastapi_rules_lint.engine.source import decode_source
from fastapi_rules_lint.files import (
    Discovery,
    FileAccessError,
    MissingPathError,
    read_source,
    write_atomic,
)
from fastapi_rules_lint.interfaces.cli import cli
from tests.fix_examples import safe_fix_example


def _touch(path: Path, text: str = "x = 1\n") -> Path:
    path.parent.mkdir(parents=True, exist_ok=True)
    path.write_text(text, encoding="utf-8")
    return path


def _names(found: list[Path], root: Path) -> set[str]:
    return {Path(os.path.abspath(path)).relative_to(root).as_posix() for path in found}


@pytest.fixture
def tree(tmp_path: Path) -> Path:
    for name in (
        "app/main.py",
        "app/types.pyi",
        "app/notes.txt",
        "app/generated/models.py",
        "app/.hidden_tools/tool.py",
        "scratch/tmp.py",
        ".venv/lib/site.py",
        "venv/lib/site.py",
        "node_modules/x.py",
        "build/lib/a.py",
        "dist/a.py",
        ".tox/a.py",
        ".mypy_cache/a.py",
        "__pycache__/a.py",
        ".git/hooks/a.py",
        "pkg/keep.py",
        "pkg/skip.py",
    ):
        _touch(tmp_path / name)
    (tmp_path / ".git").mkdir(exist_ok=True)
    (tmp_path / ".gitignore").write_text("scratch/\n", encoding="utf-8")
    (tmp_path / "pkg" / ".gitignore").write_text("*.py\n!keep.py\n", encoding="utf-8")
    return tmp_path


def test_discovery_honours_builtin_gitignore_and_nested(tree: Path) -> None:
    found = Discovery(tree, DEFAULT_EXCLUDE).files([tree])
    assert _names(found, tree) == {
        "app/main.py",
        "app/types.pyi",
        "app/generated/models.py",
        "app/.hidden_tools/tool.py",
        "pkg/keep.py",
    }


def test_exclude_patterns_are_relative_to_root(tree: Path) -> None:
    found = Discovery(tree, [*DEFAULT_EXCLUDE, "app/generated"]).files([tree])
    assert "app/generated/models.py" not in _names(found, tree)
    assert "app/main.py" in _names(found, tree)


def test_never_descend_even_with_empty_exclude(tree: Path) -> None:
    names = _names(Discovery(tree, []).files([tree]), tree)
    assert not any(name.split("/")[0] in {".venv", "venv", "build", ".git"} for name in names)


def test_parent_gitignore_applies_to_a_subfolder_walk(tree: Path) -> None:
    _touch(tree / "app" / "scratch" / "x.py")
    names = _names(Discovery(tree, DEFAULT_EXCLUDE).files([tree / "app"]), tree)
    assert "app/scratch/x.py" not in names  # `scratch/` in the root .gitignore


def test_explicit_files_are_always_checked(tree: Path) -> None:
    explicit = [tree / "scratch" / "tmp.py", tree / "pkg" / "skip.py", tree / "app" / "notes.txt"]
    found = Discovery(tree, [*DEFAULT_EXCLUDE, "*.txt"]).files(explicit)
    assert _names(found, tree) == {"scratch/tmp.py", "pkg/skip.py", "app/notes.txt"}


def test_explicit_ignored_folder_is_walked(tree: Path) -> None:
    names = _names(Discovery(tree, DEFAULT_EXCLUDE).files([tree / "scratch"]), tree)
    assert names == {"scratch/tmp.py"}


def test_each_file_once_and_relative_paths_stay_relative(
    tree: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    monkeypatch.chdir(tree)
    found = Discovery(tree, DEFAULT_EXCLUDE).files([Path("app"), Path("app/main.py")])
    assert [path.as_posix() for path in found].count("app/main.py") == 1
    assert not any(path.is_absolute() for path in found)


def test_missing_path(tmp_path: Path) -> None:
    with pytest.raises(MissingPathError, match="no such file or directory"):
        Discovery(tmp_path).files([tmp_path / "nope.py"])


# --- safe writes ------------------------------------------------------------------------


def test_write_keeps_mode_and_replaces_content(tmp_path: Path) -> None:
    path = _touch(tmp_path / "a.py")
    path.chmod(0o754)
    write_atomic(path, b"y = 2\n")
    assert path.read_bytes() == b"y = 2\n"
    assert stat.S_IMODE(path.stat().st_mode) == 0o754
    assert [p.name for p in tmp_path.iterdir()] == ["a.py"]  # no temporary left behind


def test_write_through_symlink_keeps_link(tmp_path: Path) -> None:
    target = _touch(tmp_path / "real.py")
    link = tmp_path / "link.py"
    link.symlink_to(target)
    write_atomic(link, b"z = 3\n")
    assert link.is_symlink()
    assert target.read_bytes() == b"z = 3\n"


def test_read_only_file_is_refused(tmp_path: Path) -> None:
    path = _touch(tmp_path / "ro.py")
    path.chmod(0o444)
    with pytest.raises(FileAccessError, match=r"ro\.py: cannot write file"):
        write_atomic(path, b"changed\n")
    assert path.read_text(encoding="utf-8") == "x = 1\n"


def test_unreadable_is_one_line(tmp_path: Path) -> None:
    with pytest.raises(FileAccessError, match="cannot read file"):
        read_source(tmp_path / "missing.py")


@pytest.mark.parametrize(
    "data",
    [
        b"x = 1\r\ny = 2\r\n",
        b"\xef\xbb\xbfs = '\xc3\xa9t\xc3\xa9'\n",
        b"# -*- coding: latin-1 -*-\ns = '\xe9t\xe9 \xa3'\n",
    ],
    ids=["crlf", "utf8-bom", "latin1-cookie"],
)
def test_decode_encode_round_trip(tmp_path: Path, data: bytes) -> None:
    path = tmp_path / "a.py"
    path.write_bytes(data)
    source = decode_source(read_source(path))
    write_atomic(path, source.encode(source.text))
    assert path.read_bytes() == data


# --- the same through `check --fix` with a real rule's safe fix ------------------------


def _fix(paths: list[Path], code: str) -> tuple[int, str, str]:
    result = CliRunner().invoke(
        cli, ["check", "--no-cache", "--fix", "--select", code, *map(str, paths)]
    )
    return result.exit_code, result.stdout, result.stderr


@pytest.fixture
def safe_fix() -> tuple[str, str, str]:
    found = safe_fix_example()
    if found is None:
        pytest.skip("no rule has a safe fix example yet")
    return found


def test_fix_preserves_crlf(tmp_path: Path, safe_fix: tuple[str, str, str]) -> None:
    code, before, after = safe_fix
    path = tmp_path / "a.py"
    path.write_bytes(before.replace("\n", "\r\n").encode())
    _fix([path], code)
    assert path.read_bytes() == after.replace("\n", "\r\n").encode()


def test_fix_preserves_bom_and_latin1(tmp_path: Path, safe_fix: tuple[str, str, str]) -> None:
    code, before, after = safe_fix
    bom = tmp_path / "bom.py"
    bom.write_bytes(b"\xef\xbb\xbf" + f"# caf\u00e9\n{before}".encode())
    latin = tmp_path / "latin.py"
    cookie = "# -*- coding: latin-1 -*-\n# caf\u00e9 \u00a3\n"
    latin.write_bytes(f"{cookie}{before}".encode("latin-1"))
    _fix([bom, latin], code)
    assert bom.read_bytes() == b"\xef\xbb\xbf" + f"# caf\u00e9\n{after}".encode()
    assert latin.read_bytes() == f"{cookie}{after}".encode("latin-1")


def test_fix_read_only_file_is_an_error_line_and_others_are_fixed(
    tmp_path: Path, safe_fix: tuple[str, str, str]
) -> None:
    code, before, after = safe_fix
    locked = tmp_path / "a_locked.py"
    free = tmp_path / "b_free.py"
    for path in (locked, free):
        path.write_text(before, encoding="utf-8")
    locked.chmod(0o444)
    free.chmod(0o640)
    status, stdout, stderr = _fix([locked, free], code)
    assert status == 2
    errors = [line for line in stderr.splitlines() if line.startswith("fastapi-rules: error:")]
    assert len(errors) == 1 and "a_locked.py: cannot write file" in errors[0]
    assert "Traceback" not in stderr + stdout
    assert locked.read_text(encoding="utf-8") == before
    assert free.read_text(encoding="utf-8") == after
    assert stat.S_IMODE(free.stat().st_mode) == 0o640
    assert "a_locked.py:" in stdout  # its diagnostics are still reported
