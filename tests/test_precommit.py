"""The shipped hooks through pre-commit itself: ``pre-commit run --all-files`` in a
project whose ``[tool.fastapi-rules] extend-exclude`` names a folder must fix the other
files and leave that folder alone (the hooks pass ``--force-exclude``).

pre-commit clones the hook repository at a commit, so the test commits a copy of this
repository's HEAD with the working tree's ``.pre-commit-hooks.yaml`` in a temporary git
repository and points the config there. It needs ``pre-commit`` and the package index
(pre-commit installs the hook into a fresh virtualenv); it skips when either is missing.
Takes about 20-40 s (the install), so it is marked ``slow``.
"""

from __future__ import annotations

import os
import shutil
import subprocess
import sys
from pathlib import Path

import pytest

ROOT = Path(__file__).resolve().parent.parent
GIT_ENV = {
    "GIT_AUTHOR_NAME": "test",
    "GIT_AUTHOR_EMAIL": "test@example.com",
    "GIT_COMMITTER_NAME": "test",
    "GIT_COMMITTER_EMAIL": "test@example.com",
    "GIT_CONFIG_NOSYSTEM": "1",
}

pytestmark = pytest.mark.slow

# FRL207 with its safe fix, a rule HEAD has (the hook runs HEAD's code, not the work tree).
CODE = "FRL207"
BEFORE = (
    "from fastapi import FastAPI, HTTPException\n\napp = FastAPI()\n\n"
    '@app.get("/items/{item_id}")\ndef read_item(item_id: int) -> None:\n'
    '    raise HTTPException(status_code=404, detail="Item not found")\n'
)


def _git(folder: Path, *args: str) -> str:
    env = {**os.environ, **GIT_ENV, "HOME": str(folder)}
    done = subprocess.run(
        ["git", *args], cwd=folder, env=env, capture_output=True, text=True, check=True
    )
    return done.stdout.strip()


def _hooks_repository(tmp_path: Path) -> tuple[Path, str]:
    """A git repository holding HEAD's tree plus the working tree's hooks file."""
    repository = tmp_path / "hooks-repo"
    repository.mkdir()
    archive = subprocess.run(
        ["git", "archive", "HEAD"], cwd=ROOT, capture_output=True, check=True
    ).stdout
    subprocess.run(["tar", "-x", "-C", str(repository)], input=archive, check=True)
    shutil.copy(ROOT / ".pre-commit-hooks.yaml", repository / ".pre-commit-hooks.yaml")
    _git(repository, "init", "-q")
    _git(repository, "add", "-A")
    _git(repository, "commit", "-q", "-m", "hooks under test")
    return repository, _git(repository, "rev-parse", "HEAD")


def test_pre_commit_all_files_leaves_excluded_folders_alone(tmp_path: Path) -> None:
    pytest.importorskip("pre_commit")
    if shutil.which("git") is None or not (ROOT / ".git").exists():
        pytest.skip("needs git and this repository's history")
    hooks, commit = _hooks_repository(tmp_path)
    project = tmp_path / "project"
    (project / "app").mkdir(parents=True)
    (project / "generated").mkdir()
    (project / "pyproject.toml").write_text(
        f'[tool.fastapi-rules]\nselect = ["{CODE}"]\nextend-exclude = ["generated"]\n',
        encoding="utf-8",
    )
    (project / "app" / "main.py").write_text(BEFORE, encoding="utf-8")
    (project / "generated" / "client.py").write_text(BEFORE, encoding="utf-8")
    (project / ".pre-commit-config.yaml").write_text(
        "repos:\n"
        f"  - repo: {hooks.as_uri()}\n"
        f"    rev: {commit}\n"
        "    hooks:\n"
        "      - id: fastapi-rules-fix\n",
        encoding="utf-8",
    )
    _git(project, "init", "-q")
    _git(project, "add", "-A")
    env = {
        **os.environ,
        **GIT_ENV,
        "PRE_COMMIT_HOME": str(tmp_path / "pre-commit-home"),
        "PRE_COMMIT_COLOR": "never",
    }
    done = subprocess.run(
        [sys.executable, "-m", "pre_commit", "run", "--all-files"],
        cwd=project,
        env=env,
        capture_output=True,
        text=True,
        timeout=300,
    )
    output = done.stdout + done.stderr
    if "An unexpected error has occurred" in output and "install" in output.lower():
        pytest.skip(f"pre-commit could not install the hook (offline?): {output[-500:]}")
    # The fix hook changed app/main.py, so pre-commit reports a failure ("files were
    # modified by this hook"); the excluded file is untouched.
    assert (project / "generated" / "client.py").read_text(encoding="utf-8") == BEFORE, output
    fixed = (project / "app" / "main.py").read_text(encoding="utf-8")
    assert "status_code=status.HTTP_404_NOT_FOUND" in fixed, output
    assert done.returncode == 1, output
    assert "files were modified by this hook" in output
    again = subprocess.run(
        [sys.executable, "-m", "pre_commit", "run", "--all-files"],
        cwd=project,
        env=env,
        capture_output=True,
        text=True,
        timeout=120,
    )
    assert again.returncode == 0, again.stdout + again.stderr
