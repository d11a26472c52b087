"""Odd inputs never hang or abort a run (issue 14, part 3): FIFOs, devices, unreadable
files, ``max-file-size``, a non-UTF-8 ``pyproject.toml`` and a closed stdin."""

from __future__ import annotations

import errno
import os
import subprocess
import sys
from collections.abc import Callable
from pathlib import Path
from typing import Any

import pytest
from click.testing import CliRunner, Result

from fastapi_rules_lint.config.model import DEFAULT_MAX_FILE_SIZE, Settings
from fastapi_rules_lint.files import FileAccessError, FileTooLargeError, read_source
from fastapi_rules_lint.interfaces.cli import cli
from fastapi_rules_lint.runner import workspace as workspace_module
from fastapi_rules_lint.runner.workspace import Workspace

ANY_SOURCE = "from typing import Any\n\n\ndef f(x: Any) -> None: ...\n"
CLEAN_SOURCE = "def f(x: int) -> None: ...\n"
ERROR_PREFIX = "fastapi-rules: error: "
WARNING_PREFIX = "fastapi-rules: warning: "
needs_fifo = pytest.mark.skipif(not hasattr(os, "mkfifo"), reason="no FIFOs here")


@pytest.fixture
def project(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> Path:
    (tmp_path / "pyproject.toml").write_text("[tool.fastapi-rules]\n", encoding="utf-8")
    (tmp_path / "a.py").write_text(ANY_SOURCE, encoding="utf-8")
    (tmp_path / "b.py").write_text(CLEAN_SOURCE, encoding="utf-8")
    monkeypatch.chdir(tmp_path)
    monkeypatch.delenv("NO_COLOR", raising=False)
    monkeypatch.delenv("FORCE_COLOR", raising=False)
    return tmp_path


def run(*args: str, stdin: str | bytes | None = None) -> Result:
    return CliRunner().invoke(
        cli, ["check", "--select", "FRL103", "--no-cache", *args], input=stdin
    )


def _lines(result: Result, prefix: str) -> list[str]:
    return [line for line in result.stderr.splitlines() if line.startswith(prefix)]


def _assert_run_went_on(result: Result, fragment: str) -> None:
    """One error line naming ``fragment``; the other files were still checked."""
    assert "Traceback" not in result.output and "internal error" not in result.output
    errors = _lines(result, ERROR_PREFIX)
    assert len(errors) == 1 and fragment in errors[0], result.stderr
    assert "a.py:4:" in result.stdout  # a.py's FRL103 is still reported
    assert result.exit_code == 2


# --- files named on the command line ----------------------------------------------------


@needs_fifo
def test_named_fifo_is_one_error_line(project: Path) -> None:
    os.mkfifo(project / "pipe.py")
    result = run("a.py", "pipe.py", "b.py")
    _assert_run_went_on(result, "pipe.py: cannot read file: it is a FIFO")


@pytest.mark.skipif(not os.path.exists("/dev/null"), reason="no /dev/null")
def test_named_device_is_one_error_line(project: Path) -> None:
    result = run("a.py", "/dev/null")
    _assert_run_went_on(result, "/dev/null: cannot read file: it is a device")


def test_unreadable_named_file_is_one_error_line(
    project: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    (project / "secret.py").write_text(CLEAN_SOURCE, encoding="utf-8")
    _deny(monkeypatch, "open", "secret.py")
    result = run("a.py", "secret.py", "b.py")
    _assert_run_went_on(result, "secret.py: cannot read file: Permission denied")


def test_named_file_that_cannot_be_stat_ed_does_not_abort_the_run(
    project: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    # A file in a folder without search permission: even `stat` fails with EACCES, which
    # used to abort the run in discovery before any file was checked.
    (project / "hidden.py").write_text(CLEAN_SOURCE, encoding="utf-8")
    _deny(monkeypatch, "stat", "hidden.py")
    _deny(monkeypatch, "open", "hidden.py")
    result = run("a.py", "hidden.py")
    _assert_run_went_on(result, "hidden.py: cannot read file: Permission denied")


@pytest.mark.skipif(
    not hasattr(os, "geteuid") or os.geteuid() == 0, reason="root reads mode-000 files"
)
def test_real_mode_000_file(project: Path) -> None:
    secret = project / "secret.py"
    secret.write_text(CLEAN_SOURCE, encoding="utf-8")
    secret.chmod(0)
    try:
        result = run("a.py", "secret.py")
    finally:
        secret.chmod(0o644)
    _assert_run_went_on(result, "secret.py: cannot read file")


def _deny(monkeypatch: pytest.MonkeyPatch, name: str, suffix: str) -> None:
    """``os.<name>`` raises EACCES for paths ending in ``suffix`` (tests run as root)."""
    real: Callable[..., Any] = getattr(os, name)

    def denied(path: Any, *args: Any, **kwargs: Any) -> Any:
        if os.fspath(path).endswith(suffix):
            raise PermissionError(errno.EACCES, "Permission denied", os.fspath(path))
        return real(path, *args, **kwargs)

    monkeypatch.setattr(os, name, denied)


def test_read_source_refuses_non_regular_files(tmp_path: Path) -> None:
    with pytest.raises(FileAccessError, match="it is a directory"):
        read_source(tmp_path)
    big = tmp_path / "big.py"
    big.write_bytes(b"#" * 100)
    with pytest.raises(FileTooLargeError, match="100 bytes is over max-file-size"):
        read_source(big, 99)
    assert read_source(big, 100) == b"#" * 100
    assert read_source(big, 0) == b"#" * 100  # 0: no limit


# --- FIFOs and unreadable files inside the tree ------------------------------------------


@needs_fifo
def test_fifo_in_walked_folder_and_project_model(project: Path) -> None:
    os.mkfifo(project / "pipe.py")
    (project / "link.py").symlink_to(project / "pipe.py")
    result = run(".")
    assert result.exit_code == 1, result.output
    assert "a.py:4:" in result.stdout and "pipe.py" not in result.output
    assert "link.py" not in result.output


def test_unreadable_file_in_project_model_is_unparsed(
    project: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    (project / "routes.py").write_text("from b import f\n", encoding="utf-8")
    real = workspace_module.read_source

    def denied(path: Path, max_size: int | None = None) -> bytes:
        if path.name == "b.py":
            raise FileAccessError(f"{path}: cannot read file: Permission denied")
        return real(path, max_size)

    monkeypatch.setattr(workspace_module, "read_source", denied)
    view = Workspace(use_cache=False).view_for(project / "routes.py")
    assert view is not None


# --- max-file-size ------------------------------------------------------------------------


def test_max_file_size_default_and_off() -> None:
    assert Settings().file_size_limit == DEFAULT_MAX_FILE_SIZE == 2 * 1024 * 1024
    assert Settings(max_file_size=0).file_size_limit is None
    assert Settings(max_file_size=10).file_size_limit == 10


def test_file_over_max_file_size_is_skipped_with_a_warning(project: Path) -> None:
    (project / "pyproject.toml").write_text(
        "[tool.fastapi-rules]\nmax-file-size = 60\n", encoding="utf-8"
    )
    (project / "big.py").write_text(ANY_SOURCE * 2, encoding="utf-8")
    result = run(".")
    warnings = _lines(result, WARNING_PREFIX)
    assert len(warnings) == 1 and "big.py: skipped" in warnings[0], result.stderr
    assert "over max-file-size (60 bytes)" in warnings[0]
    assert not _lines(result, ERROR_PREFIX)
    assert "a.py:4:" in result.stdout and "big.py" not in result.stdout
    assert result.exit_code == 1  # a.py's finding; the skipped file changes nothing
    result = run("big.py")
    assert result.exit_code == 0 and "big.py: skipped" in result.stderr
    assert "warning" not in run("--quiet", "big.py").stderr


def test_default_max_file_size_applies(project: Path) -> None:
    (project / "huge.py").write_bytes(b"# padding\n" * (DEFAULT_MAX_FILE_SIZE // 10 + 1))
    result = run("huge.py", "b.py")
    assert result.exit_code == 0, result.output
    assert "huge.py: skipped" in result.stderr and "MiB is over max-file-size" in result.stderr


def test_max_file_size_zero_is_no_limit(project: Path) -> None:
    (project / "pyproject.toml").write_text(
        "[tool.fastapi-rules]\nmax-file-size = 0\n", encoding="utf-8"
    )
    result = run("a.py")
    assert result.exit_code == 1 and not result.stderr


def test_stdin_over_max_file_size(project: Path) -> None:
    (project / "pyproject.toml").write_text(
        "[tool.fastapi-rules]\nmax-file-size = 40\n", encoding="utf-8"
    )
    source = ANY_SOURCE * 2
    result = run("--stdin-filename", "big.py", stdin=source)
    assert result.exit_code == 0 and "big.py: skipped" in result.stderr
    fixed = run("--fix", "--stdin-filename", "big.py", stdin=source)
    assert fixed.exit_code == 0 and fixed.stdout == source  # the editor's buffer back


# --- config and stdin ---------------------------------------------------------------------


def test_non_utf8_pyproject_is_a_config_error_naming_the_file(project: Path) -> None:
    (project / "pyproject.toml").write_bytes(b"[tool.fastapi-rules]\n# caf\xe9\n")
    result = run("a.py")
    assert result.exit_code == 2
    errors = _lines(result, ERROR_PREFIX)
    assert len(errors) == 1 and "internal error" not in result.stderr, result.stderr
    assert "pyproject.toml: invalid TOML: not UTF-8 (byte 0xe9" in errors[0]


def _subprocess(args: list[str], cwd: Path, **kwargs: Any) -> subprocess.CompletedProcess[str]:
    env = {**os.environ, "NO_COLOR": "1"}
    command = [sys.executable, "-m", "fastapi_rules_lint", "check", "--no-cache", *args]
    return subprocess.run(
        command, cwd=cwd, capture_output=True, text=True, timeout=60, env=env, **kwargs
    )


def test_closed_stdin_is_one_error_line(project: Path) -> None:
    for args in (["-"], ["--stdin-filename", "x.py"]):
        result = _subprocess(args, project, stdin=None, preexec_fn=_close_stdin)
        assert result.returncode == 2, result.stderr
        assert result.stderr.splitlines() == [f"{ERROR_PREFIX}cannot read stdin: stdin is closed"]


def test_empty_stdin_is_fine(project: Path) -> None:
    result = _subprocess(["-"], project, stdin=subprocess.DEVNULL)
    assert result.returncode == 0 and not result.stderr


def _close_stdin() -> None:
    os.close(0)


@needs_fifo
def test_fifo_subprocess_does_not_hang(project: Path) -> None:
    """Before: the run waited forever for a writer on the FIFO."""
    os.mkfifo(project / "pipe.py")
    result = _subprocess(["--select", "FRL103", "a.py", "pipe.py", "."], project)
    assert result.returncode == 2, result.stderr
    assert result.stderr.splitlines() == [
        f"{ERROR_PREFIX}pipe.py: cannot read file: it is a FIFO, not a regular file"
    ]
    assert "a.py:4:" in result.stdout
