"""Which settings file applies to a path, and which project a path belongs to.

Like ruff: walking up from the path, the first folder with ``.fastapi-rules.toml``,
``fastapi-rules.toml`` (top-level keys) or a ``pyproject.toml`` that *has* a
``[tool.fastapi-rules]`` table (one without it is skipped, so the full-stack template's
``backend/pyproject.toml`` does not hide the repository's settings). In one folder the
dedicated files win over ``pyproject.toml``, the hidden one first (ruff's order).

The *project root* (whose modules the project model reads) is that file's folder; with
no settings file, the nearest version-control root (a folder holding ``.git`` or
``.hg``); with neither, the working folder when the path is inside it, else the path's
own folder. So every entry point (``check .``, ``check FILE``, ``--stdin-filename``,
flake8, the language server) puts a file in the same project.
"""

from __future__ import annotations

import os
import re
import sys
from dataclasses import dataclass
from functools import lru_cache
from pathlib import Path

from fastapi_rules_lint.config import code_style

if sys.version_info >= (3, 11):
    import tomllib
else:  # pragma: no cover - exercised on 3.10 only
    import tomli as tomllib

DEDICATED_NAMES = (".fastapi-rules.toml", "fastapi-rules.toml")
PYPROJECT = "pyproject.toml"
_VCS_MARKERS = (".git", ".hg")
# The table's header: when it appears in the text, no need to parse the TOML.
_TABLE_HEADER = re.compile(r"^\s*\[\s*tool\s*\.\s*[\"']?fastapi-rules[\"']?\s*[\].]", re.MULTILINE)


@dataclass(frozen=True)
class ConfigFile:
    """A settings file and how its settings are laid out."""

    path: Path
    is_pyproject: bool
    """True: the settings are the ``[tool.fastapi-rules]`` table; False: top-level keys."""


def _folder_of(start: Path) -> Path:
    absolute = Path(os.path.abspath(start))
    return absolute if os.path.isdir(absolute) else absolute.parent


def has_our_table(pyproject: Path) -> bool:
    """True when ``pyproject`` has a ``[tool.fastapi-rules]`` table (or a subtable).

    Cheap in the usual cases: no mention of ``fastapi-rules`` (False) or the table's
    header (True). Otherwise (a dependency on ``fastapi-rules-lint``, a dotted key
    ``tool.fastapi-rules.select = ...``) the file is parsed. A file that mentions us but
    is not valid TOML counts as ours, so that loading it reports the error instead of
    silently using other settings."""
    try:
        data = pyproject.read_bytes()
    except OSError:
        return False
    text = data.decode("utf-8", errors="replace")
    if "fastapi-rules" not in text:
        return False
    if _TABLE_HEADER.search(text) is not None:
        return True
    try:
        parsed = tomllib.loads(text)
    except tomllib.TOMLDecodeError:
        return True
    tool = parsed.get("tool")
    return isinstance(tool, dict) and "fastapi-rules" in tool


@lru_cache(maxsize=4096)
def _config_in(folder: Path) -> ConfigFile | None:
    for name in DEDICATED_NAMES:
        candidate = folder / name
        if os.path.isfile(candidate):
            return ConfigFile(candidate, is_pyproject=False)
    candidate = folder / PYPROJECT
    if os.path.isfile(candidate) and has_our_table(candidate):
        return ConfigFile(candidate, is_pyproject=True)
    return None


def find_config(start: Path) -> ConfigFile | None:
    """The settings file that applies to ``start`` (a file or a folder), if any."""
    folder = _folder_of(start)
    for candidate in (folder, *folder.parents):
        found = _config_in(candidate)
        if found is not None:
            return found
    return None


def vcs_root(start: Path) -> Path | None:
    """The nearest folder at or above ``start`` holding ``.git`` or ``.hg``."""
    folder = _folder_of(start)
    for candidate in (folder, *folder.parents):
        if any(os.path.exists(candidate / marker) for marker in _VCS_MARKERS):
            return candidate
    return None


def project_root(start: Path, cwd: Path | None = None) -> Path:
    """The root of the project ``start`` belongs to (see the module docstring)."""
    found = find_config(start)
    if found is not None:
        return found.path.parent
    repository = vcs_root(start)
    if repository is not None:
        return repository
    working = Path(os.path.abspath(cwd or Path.cwd()))
    folder = _folder_of(start)
    if folder == working or working in folder.parents:
        return working
    return folder


def clear_caches() -> None:
    """Forget what was found (a long-lived process whose files changed)."""
    _config_in.cache_clear()
    code_style.clear_caches()
