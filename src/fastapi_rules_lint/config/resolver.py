"""The settings of each file of a run: ``ConfigResolver``.

Decisions:
- Each file gets the settings of its nearest settings file (``discovery.find_config``),
  so results never depend on which paths a run was given or in which order; with
  ``explicit`` (``--config``) every file gets that one file's settings.
- Costs: the settings file of a folder is looked up once, and each settings file is
  read and validated once per resolver (a large ``pyproject.toml`` takes 15-30 ms to
  parse). Files with no settings file share one defaults object per project root.
- A broken settings file is an error only for the paths it governs: ``config_for``
  raises its ``ConfigError`` (one line, naming the file and key) each time it is asked
  for such a path, and files governed by other settings are unaffected. The caller
  decides whether that ends the run (the CLI: exit 2) or only that file (flake8:
  ``FRL000``).
- A resolver never re-reads: a long-lived process (the language server) makes a new
  one (and calls ``discovery.clear_caches``) when settings files change.
- Not locked: two threads asking at once may both load a file; both get equal results.
"""

from __future__ import annotations

import os
from pathlib import Path

from fastapi_rules_lint.config.discovery import ConfigFile, find_config, project_root
from fastapi_rules_lint.config.loader import LoadedConfig, load_config_file, load_explicit
from fastapi_rules_lint.config.validate import ConfigError


class ConfigResolver:
    """Which ``LoadedConfig`` governs a path (see the module docstring)."""

    def __init__(self, explicit: Path | None = None, *, cwd: Path | None = None) -> None:
        self.explicit = explicit
        """``--config``: one settings file for every path, whatever discovery would find."""
        self.cwd = cwd
        """The working folder ``project_root`` falls back to (default: the process's)."""
        self._by_folder: dict[Path, ConfigFile | None] = {}
        self._by_file: dict[Path, LoadedConfig | str] = {}
        """Settings file → its settings, or the message of its ``ConfigError``."""
        self._defaults: dict[Path, LoadedConfig] = {}

    def config_for(self, path: Path) -> LoadedConfig:
        """The settings that govern ``path`` (a file or a folder, existing or not).

        Raises ``ConfigError`` when the governing file is invalid (or ``explicit`` is
        missing or has nothing for us)."""
        if self.explicit is not None:
            return self._loaded(Path(os.path.abspath(self.explicit)), None)
        found = self.file_for(path)
        if found is None:
            root = project_root(path, self.cwd)
            if root not in self._defaults:
                self._defaults[root] = LoadedConfig(root=root)
            return self._defaults[root]
        return self._loaded(found.path, found)

    def file_for(self, path: Path) -> ConfigFile | None:
        """The settings file discovery finds for ``path`` (``explicit`` aside)."""
        absolute = Path(os.path.abspath(path))
        folder = absolute if os.path.isdir(absolute) else absolute.parent
        if folder not in self._by_folder:
            self._by_folder[folder] = find_config(folder)
        return self._by_folder[folder]

    def _loaded(self, key: Path, found: ConfigFile | None) -> LoadedConfig:
        cached = self._by_file.get(key)
        if cached is None:
            try:
                cached = load_config_file(found) if found is not None else load_explicit(key)
            except ConfigError as error:
                cached = str(error)
            self._by_file[key] = cached
        if isinstance(cached, str):
            raise ConfigError(cached)
        return cached
