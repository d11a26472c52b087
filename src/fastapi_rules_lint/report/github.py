"""``--output-format github``: GitHub Actions workflow commands, one per diagnostic.

``::error title=fastapi-rules (FRL301),file=app/main.py,line=12,col=5,endLine=12,``
``endColumn=20::message`` (one line) — GitHub shows each as an annotation on the pull
request. Values are escaped as the runner expects (``%``, CR, LF everywhere; ``:`` and
``,`` in properties).

GitHub attaches an annotation only when ``file`` is relative to the repository's root,
so paths are made relative to the git root (the nearest folder up from the working
folder with a ``.git``), not to the working folder: a workflow step that runs in a
subfolder (``working-directory: backend``) still gets its annotations on the diff.
Outside a git repository the paths are left as they are.
"""

from __future__ import annotations

import os
from pathlib import Path

from fastapi_rules_lint.report.base import ReportInput

TITLE = "fastapi-rules"


def _data(text: str) -> str:
    return text.replace("%", "%25").replace("\r", "%0D").replace("\n", "%0A")


def _property(text: str) -> str:
    return _data(text).replace(":", "%3A").replace(",", "%2C")


def repository_root(start: Path) -> Path | None:
    """The nearest folder at or above ``start`` holding ``.git`` (a folder, or the file of
    a worktree or submodule); None outside a repository."""
    folder = Path(os.path.abspath(start))
    for candidate in (folder, *folder.parents):
        if (candidate / ".git").exists():
            return candidate
    return None


def repository_path(filename: str, root: Path | None) -> str:
    """``filename`` (relative to the working folder, or absolute) relative to ``root``,
    with forward slashes; unchanged when there is no root or it lies outside it."""
    if root is None:
        return filename
    absolute = Path(os.path.abspath(filename))
    try:
        return absolute.relative_to(root).as_posix()
    except ValueError:
        return filename


def render(report: ReportInput) -> str:
    """The workflow commands."""
    root = repository_root(Path.cwd())
    lines = []
    for d in report.diagnostics:
        properties = ",".join(
            (
                f"title={_property(f'{TITLE} ({d.code})')}",
                f"file={_property(repository_path(d.filename, root))}",
                f"line={d.location.row}",
                f"col={d.location.column}",
                f"endLine={d.end_location.row}",
                f"endColumn={d.end_location.column}",
            )
        )
        lines.append(f"::error {properties}::{_data(d.message)}\n")
    return "".join(lines)
