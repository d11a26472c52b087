"""Each file's lint settings in a run: its own settings file, the command line over it.

Like ruff, a file is checked with the settings of its nearest settings file
(``config.ConfigResolver``), so a run over a repository with several projects, or over
files given in any order, checks each file as its own project would. The command line
(``--select``, ``--ignore``, ``--extend-select``) is layered over each file's settings;
``per-file-ignores`` come from the file's own settings, and the code style fixes follow
from the file's ruff/isort/black settings (``config.code_style``). Settings are built once per
(settings file, ignored codes), not once per file.

Which folders a walk skips: the ``exclude``/``extend-exclude`` of the settings that
govern the folder walked from, and, for each file found, those of its own settings
(a nested project's excludes apply inside it). A file named explicitly is checked
whatever the excludes say, unless ``force-exclude`` is on (command line or settings).
"""

from __future__ import annotations

import os
from collections.abc import Sequence
from dataclasses import replace
from pathlib import Path

from fastapi_rules_lint.config import ConfigResolver, LoadedConfig
from fastapi_rules_lint.config.code_style import code_style
from fastapi_rules_lint.engine.style import CodeStyle
from fastapi_rules_lint.files import Discovery
from fastapi_rules_lint.lint.settings import LintSettings


class RunSettings:
    """Settings per file for one run (see the module docstring)."""

    def __init__(
        self,
        resolver: ConfigResolver,
        select: Sequence[str] | None = None,
        ignore: Sequence[str] = (),
        extend_select: Sequence[str] = (),
    ) -> None:
        self.resolver = resolver
        self.select = select
        self.ignore = ignore
        self.extend_select = extend_select
        self._settings: dict[tuple[int, frozenset[str], CodeStyle], LintSettings] = {}
        self._discoveries: dict[int, Discovery] = {}
        self._excluded_folders: dict[tuple[int, Path], bool] = {}
        """(discovery, folder) → excluded: every file of a folder asks the same."""

    def config_for(self, path: Path) -> LoadedConfig:
        """The settings file's configuration for ``path`` (raises ``ConfigError``)."""
        return self.resolver.config_for(path)

    def settings_for(self, path: Path) -> LintSettings:
        """The lint settings of ``path``: its config, the command line, its ignores.
        Raises ``ConfigError`` or ``UnknownCodeError``."""
        config = self.config_for(path)
        ignored = config.ignored_codes_for(path)
        style = code_style(path, config.root)
        key = (id(config), ignored, style)
        found = self._settings.get(key)
        if found is None:
            base = config.lint_settings(self.select, self.ignore, self.extend_select)
            found = replace(base, enabled=base.enabled - ignored, style=style)
            self._settings[key] = found
        return found

    def discovery_for(self, config: LoadedConfig) -> Discovery:
        """The file walker that applies ``config``'s excludes."""
        discovery = self._discoveries.get(id(config))
        if discovery is None:
            settings = config.settings
            discovery = Discovery(config.root, [*settings.exclude, *settings.extend_exclude])
            self._discoveries[id(config)] = discovery
        return discovery

    def is_excluded_by_own_settings(self, path: Path) -> bool:
        """True when the settings that govern ``path`` exclude it (or a folder above it,
        up to their root)."""
        config = self.config_for(path)
        discovery = self.discovery_for(config)
        absolute = Path(os.path.abspath(path))
        if discovery.is_excluded(absolute, is_dir=False):
            return True
        return self._is_folder_excluded(discovery, absolute.parent, config.root)

    def _is_folder_excluded(self, discovery: Discovery, folder: Path, root: Path) -> bool:
        """Whether ``discovery`` excludes ``folder`` or a folder above it, up to ``root``."""
        key = (id(discovery), folder)
        found = self._excluded_folders.get(key)
        if found is None:
            root = Path(os.path.abspath(root))
            found = (
                folder != root
                and root in folder.parents
                and (
                    discovery.is_excluded(folder, is_dir=True)
                    or self._is_folder_excluded(discovery, folder.parent, root)
                )
            )
            self._excluded_folders[key] = found
        return found
