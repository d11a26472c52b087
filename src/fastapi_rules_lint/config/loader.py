"""Reading and validating settings files; the settings of one run or one file.

Decisions:
- Which file applies is ``config.discovery.find_config``'s answer, as in ruff: walking up
  from the path, the first ``.fastapi-rules.toml`` / ``fastapi-rules.toml`` (settings as
  top-level keys) or ``pyproject.toml`` that *has* a ``[tool.fastapi-rules]`` table (one
  without it is skipped, so ``backend/pyproject.toml`` does not hide the repository's
  settings). The same schema in both layouts.
- The folder of that file is the config's *root*: ``exclude``, ``per-file-ignores``,
  ``cache-dir`` and ``src`` are relative to it. With no file, the defaults, rooted at
  ``discovery.project_root`` (the version-control root, else the working folder), so
  the cache and relative patterns sit at the project's top, not in a subfolder.
- ``--config PATH`` (``explicit``) is read whatever its name: a dedicated name is read
  with top-level keys, ``pyproject.toml`` through its table, and any other name through
  ``[tool.fastapi-rules]`` when it has a pyproject table (``tool``, ``project``,
  ``build-system``: a pyproject under another name), else with top-level keys. A missing
  file, or a pyproject-style file without our table, is an error: the user named it, so
  silently using the defaults would hide a mistake.
- Everything is validated when the file is loaded — keys, types, rule codes, rule names
  and every rule's options (``config.validate``) — so a bad config fails before any file
  is linted, with one line naming the key and the file.
- Rule options: ``[tool.fastapi-rules.lint.<rule-name>]`` tables, or a flat key in
  ``[tool.fastapi-rules]`` equal to an option of one or more rules (it applies to each);
  the table wins over the flat key.
- Selection layers like ruff's: the defaults, then the file (``select`` replaces,
  ``extend-select`` adds, ``ignore`` removes), then the command line the same way.
- Per-file settings for a whole run (each file its nearest config, each file parsed
  once): ``config.resolver.ConfigResolver``.
"""

from __future__ import annotations

import os
import sys
from collections.abc import Mapping, Sequence
from dataclasses import dataclass, field
from pathlib import Path

import pathspec

from fastapi_rules_lint.config.discovery import (
    DEDICATED_NAMES,
    PYPROJECT,
    ConfigFile,
    find_config,
    project_root,
)
from fastapi_rules_lint.config.model import Settings, default_settings
from fastapi_rules_lint.config.validate import PYPROJECT_SECTION, expand, validate_settings
from fastapi_rules_lint.config.validate import ConfigError as ConfigError
from fastapi_rules_lint.engine.options import RuleOptions
from fastapi_rules_lint.lint.registry import select_codes
from fastapi_rules_lint.lint.settings import LintSettings

if sys.version_info >= (3, 11):
    import tomllib
else:  # pragma: no cover - exercised on 3.10 only
    import tomli as tomllib

SECTION = PYPROJECT_SECTION
# The top-level tables of a pyproject.toml (none is a settings key): a file passed with
# --config under another name that has one is read as a pyproject.toml.
_PYPROJECT_TABLES = frozenset({"build-system", "dependency-groups", "project", "tool"})


def display_path(path: Path) -> str:
    """``path`` relative to the working folder when inside it, else absolute."""
    absolute = Path(os.path.abspath(path))
    try:
        return absolute.relative_to(Path.cwd()).as_posix()
    except ValueError:
        return str(absolute)


def find_pyproject(start: Path) -> Path | None:
    """The nearest ``pyproject.toml`` at or above ``start``, with or without our table.

    Not how settings are found (that is ``discovery.find_config``)."""
    absolute = Path(os.path.abspath(start))
    folder = absolute if os.path.isdir(absolute) else absolute.parent
    for candidate in (folder, *folder.parents):
        found = candidate / PYPROJECT
        if os.path.isfile(found):
            return found
    return None


@dataclass(frozen=True)
class LoadedConfig:
    """A validated configuration and where it came from."""

    settings: Settings = field(default_factory=default_settings)
    path: Path | None = None
    """The settings file; None for the defaults."""
    root: Path = field(default_factory=Path.cwd)
    """The folder relative paths and patterns of the settings are relative to."""
    rule_options: Mapping[str, RuleOptions] = field(default_factory=dict)
    """Rule code → configured options (only rules the file configures)."""
    per_file_ignores: tuple[tuple[pathspec.GitIgnoreSpec, frozenset[str]], ...] = ()

    @property
    def source_roots(self) -> tuple[Path, ...]:
        """``src``, as absolute paths (relative entries are under ``root``)."""
        return tuple(Path(os.path.abspath(self.root / entry)) for entry in self.settings.src)

    def lint_settings(
        self,
        select: Sequence[str] | None = None,
        ignore: Sequence[str] = (),
        extend_select: Sequence[str] = (),
    ) -> LintSettings:
        """The run's settings: command-line values layered over the file's.

        Raises ``UnknownCodeError`` for an unknown code given here (the file's codes were
        checked when it was loaded)."""
        settings = self.settings
        if select is not None:
            enabled = set(select_codes(select, (), extend_select))
        else:
            enabled = set(select_codes(settings.select, settings.ignore, settings.extend_select))
            enabled |= expand(extend_select)
        enabled -= expand(ignore)
        return LintSettings(enabled=frozenset(enabled), options=dict(self.rule_options))

    def ignored_codes_for(self, path: Path) -> frozenset[str]:
        """The codes ``per-file-ignores`` turns off for ``path``."""
        if not self.per_file_ignores:
            return frozenset()
        relative = relative_to_root(path, self.root)
        ignored: set[str] = set()
        for spec, codes in self.per_file_ignores:
            if spec.match_file(relative):
                ignored |= codes
        return frozenset(ignored)


def relative_to_root(path: Path, root: Path) -> str:
    """``path`` as a posix path relative to ``root``; its name alone when outside it."""
    absolute = Path(os.path.abspath(path))
    try:
        return absolute.relative_to(Path(os.path.abspath(root))).as_posix()
    except ValueError:
        return absolute.name


def load_config(start: Path | None = None, explicit: Path | None = None) -> LoadedConfig:
    """The settings for ``start`` (a file or folder; default: the working folder):
    ``explicit`` (``--config``) if given, else the file ``find_config`` finds, else the
    defaults rooted at the project root (see the module docstring)."""
    if explicit is not None:
        return load_explicit(explicit)
    origin = start if start is not None else Path.cwd()
    found = find_config(origin)
    return load_config_file(found) if found is not None else default_config(origin)


def default_config(start: Path) -> LoadedConfig:
    """The defaults, rooted at ``start``'s project root (no settings file applies)."""
    return LoadedConfig(root=project_root(start))


def load_config_file(config: ConfigFile) -> LoadedConfig:
    """Read and validate a discovered settings file."""
    path = Path(os.path.abspath(config.path))
    data = _read_toml(path)
    if not config.is_pyproject:
        return _validated(path, "", data)
    table = _our_table(path, data)
    # Discovery's text check can be fooled (the header inside a string): then the file
    # has nothing for us, but it still marks the project, as discovery decided.
    return _validated(path, SECTION, table if table is not None else {})


def load_explicit(explicit: Path) -> LoadedConfig:
    """Read and validate the file named by ``--config`` (see the module docstring)."""
    path = Path(os.path.abspath(explicit))
    where = display_path(path)
    if not path.is_file():
        problem = "is not a file" if path.exists() else "not found"
        raise ConfigError(f"{where}: config file {problem}")
    data = _read_toml(path)
    pyproject_like = not _PYPROJECT_TABLES.isdisjoint(data)
    if path.name in DEDICATED_NAMES or (path.name != PYPROJECT and not pyproject_like):
        return _validated(path, "", data)
    table = _our_table(path, data)
    if table is None:
        raise ConfigError(f"{where}: no [{SECTION}] table: this file has no fastapi-rules settings")
    return _validated(path, SECTION, table)


def _read_toml(path: Path) -> dict[str, object]:
    where = display_path(path)
    try:
        with path.open("rb") as handle:
            return tomllib.load(handle)
    except OSError as error:
        raise ConfigError(f"{where}: cannot read config: {error.strerror}") from None
    except tomllib.TOMLDecodeError as error:
        raise ConfigError(f"{where}: invalid TOML: {' '.join(str(error).split())}") from None
    except UnicodeDecodeError as error:
        raise ConfigError(
            f"{where}: invalid TOML: not UTF-8 (byte 0x{error.object[error.start]:02x} "
            f"at offset {error.start})"
        ) from None


def _our_table(path: Path, data: Mapping[str, object]) -> dict[str, object] | None:
    """``[tool.fastapi-rules]`` of a pyproject-style file; None when it has none."""
    tool = data.get("tool")
    table = tool.get("fastapi-rules") if isinstance(tool, dict) else None
    if table is None:
        return None
    if not isinstance(table, dict):
        raise ConfigError(f"{display_path(path)}: `{SECTION}` must be a table")
    return dict(table)


def _validated(path: Path, section: str, table: Mapping[str, object]) -> LoadedConfig:
    settings, rule_options = validate_settings(display_path(path), section, table)
    return LoadedConfig(
        settings=settings,
        path=path,
        root=path.parent,
        rule_options=rule_options,
        per_file_ignores=tuple(
            (pathspec.GitIgnoreSpec.from_lines([pattern]), frozenset(expand(codes)))
            for pattern, codes in settings.per_file_ignores.items()
        ),
    )
