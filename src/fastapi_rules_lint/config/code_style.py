"""The ``CodeStyle`` of a file: its formatter's and import sorter's settings.

Decisions:
- Found like ruff finds its settings: walking up from the file, the first folder with
  ``.ruff.toml``, ``ruff.toml`` or a ``pyproject.toml`` with a ``[tool.ruff]`` table.
  Its ``line-length`` and its isort table (``[lint.isort]``, or the older ``[isort]``;
  in a pyproject ``[tool.ruff.lint.isort]`` / ``[tool.ruff.isort]``) apply.
- Without a ruff setting, ``[tool.isort]`` (dashes or underscores) and black's
  ``line-length`` from the nearest ``pyproject.toml`` that has them.
- First-party modules, as ruff decides them: ``known-first-party``, then the top-level
  modules found in ``src`` (ruff's default ``[".", "src"]``, relative to the settings
  file's folder, or to the project root without one); the module's own top-level
  package is added by the fixer (ruff's ``detect-same-package``).
- An unreadable or invalid file is skipped here (ruff reports it; our own settings are
  validated elsewhere): a bad formatter setting must not stop a lint.
- Each folder is looked up once per process; ``clear_caches`` forgets (the language
  server when settings change).
"""

from __future__ import annotations

import os
import sys
from collections.abc import Mapping
from functools import lru_cache
from pathlib import Path

from fastapi_rules_lint.engine.style import DEFAULT_LINE_LENGTH, CodeStyle

if sys.version_info >= (3, 11):
    import tomllib
else:  # pragma: no cover - exercised on 3.10 only
    import tomli as tomllib

_RUFF_NAMES = (".ruff.toml", "ruff.toml")
_PYPROJECT = "pyproject.toml"
_DEFAULT_SRC = (".", "src")
_MAX_SOURCE_MODULES = 2000


def _read(path: Path) -> dict[str, object] | None:
    try:
        with path.open("rb") as handle:
            return tomllib.load(handle)
    except (OSError, tomllib.TOMLDecodeError, UnicodeDecodeError):
        return None


def _table(data: Mapping[str, object] | None, *keys: str) -> dict[str, object] | None:
    current: object = data
    for key in keys:
        if not isinstance(current, dict):
            return None
        current = current.get(key)
    return current if isinstance(current, dict) else None


@lru_cache(maxsize=1024)
def _parsed(path: Path) -> dict[str, object] | None:
    return _read(path) if os.path.isfile(path) else None


def _ruff_settings(folder: Path) -> tuple[Path, dict[str, object]] | None:
    """(folder, ruff's settings as in ``ruff.toml``) of the nearest ruff settings file."""
    for candidate in (folder, *folder.parents):
        for name in _RUFF_NAMES:
            data = _parsed(candidate / name)
            if data is not None:
                return candidate, data
        ruff = _table(_parsed(candidate / _PYPROJECT), "tool", "ruff")
        if ruff is not None:
            return candidate, ruff
    return None


def _nearest_tool(folder: Path, tool: str) -> tuple[Path, dict[str, object]]:
    """(its folder, ``[tool.<tool>]``) of the nearest ``pyproject.toml`` that has it."""
    for candidate in (folder, *folder.parents):
        found = _table(_parsed(candidate / _PYPROJECT), "tool", tool)
        if found is not None:
            return candidate, found
    return folder, {}


def _get(table: Mapping[str, object], key: str) -> object:
    """``key`` with dashes (ruff) or underscores (isort)."""
    if key in table:
        return table[key]
    return table.get(key.replace("-", "_"))


def _names(table: Mapping[str, object], key: str) -> frozenset[str]:
    value = _get(table, key)
    if isinstance(value, str):
        value = [value]
    if not isinstance(value, list):
        return frozenset()
    return frozenset(item for item in value if isinstance(item, str))


def _flag(table: Mapping[str, object], key: str, default: bool) -> bool:
    value = _get(table, key)
    return value if isinstance(value, bool) else default


def _length(value: object) -> int | None:
    return value if isinstance(value, int) and not isinstance(value, bool) and value > 0 else None


@lru_cache(maxsize=256)
def source_modules(roots: tuple[Path, ...]) -> frozenset[str]:
    """Top-level module names in ``roots``: packages (folders) and ``.py``/``.pyi`` files,
    what ruff's ``src`` matching finds there."""
    found: set[str] = set()
    for root in roots:
        try:
            entries = list(os.scandir(root))
        except OSError:
            continue
        for entry in entries:
            name = entry.name
            try:
                if entry.is_dir():
                    if name.isidentifier():
                        found.add(name)
                elif name.endswith((".py", ".pyi")):
                    stem = name.rsplit(".", 1)[0]
                    if stem.isidentifier():
                        found.add(stem)
            except OSError:
                continue
            if len(found) >= _MAX_SOURCE_MODULES:
                return frozenset(found)
    return frozenset(found)


@lru_cache(maxsize=1024)
def _style_of_folder(folder: Path, project_root: Path) -> CodeStyle:
    ruff = _ruff_settings(folder)
    isort: Mapping[str, object] = {}
    line_length: int | None = None
    src: tuple[Path, ...] = tuple(project_root / entry for entry in _DEFAULT_SRC)
    if ruff is not None:
        base, settings = ruff
        line_length = _length(settings.get("line-length"))
        isort = _table(settings, "lint", "isort") or _table(settings, "isort") or {}
        configured = settings.get("src")
        entries = configured if isinstance(configured, list) else list(_DEFAULT_SRC)
        src = tuple(base / entry for entry in entries if isinstance(entry, str))
    if not isort:
        base, isort = _nearest_tool(folder, "isort")
        if _get(isort, "src-paths") is not None:
            src = tuple(base / entry for entry in _names(isort, "src-paths"))
    if line_length is None:
        _, black = _nearest_tool(folder, "black")
        line_length = _length(_get(black, "line-length"))
    if line_length is None and ruff is None:
        line_length = _length(_get(isort, "line-length"))
    return CodeStyle(
        line_length=line_length or DEFAULT_LINE_LENGTH,
        known_first_party=_names(isort, "known-first-party"),
        known_third_party=_names(isort, "known-third-party"),
        force_single_line=_flag(isort, "force-single-line", False),
        combine_as_imports=_flag(isort, "combine-as-imports", False),
        force_sort_within_sections=_flag(isort, "force-sort-within-sections", False),
        case_sensitive=_flag(isort, "case-sensitive", False),
        order_by_type=_flag(isort, "order-by-type", True),
        extra_standard_library=_names(isort, "extra-standard-library"),
        source_modules=source_modules(tuple(Path(os.path.abspath(r)) for r in src)),
    )


def code_style(path: Path, project_root: Path) -> CodeStyle:
    """The style of the file (or folder) ``path`` in the project rooted at
    ``project_root`` (see the module docstring)."""
    absolute = Path(os.path.abspath(path))
    folder = absolute if os.path.isdir(absolute) else absolute.parent
    return _style_of_folder(folder, Path(os.path.abspath(project_root)))


def clear_caches() -> None:
    """Forget what was read (a long-lived process whose files changed)."""
    _parsed.cache_clear()
    _style_of_folder.cache_clear()
    source_modules.cache_clear()
