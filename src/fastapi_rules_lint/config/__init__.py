"""Configuration: settings files, found per file like ruff's, validated by Pydantic.

A file's settings come from the nearest ``.fastapi-rules.toml`` / ``fastapi-rules.toml``
(top-level keys) or ``pyproject.toml`` with a ``[tool.fastapi-rules]`` table
(``discovery``). The API (used by the CLI, the flake8 plugin and the runner):
``load_config``, ``load_config_file``, ``ConfigResolver`` (``config_for(path)``: each
file's settings, each file loaded once), ``find_config``, ``project_root``,
``LoadedConfig`` (``settings``, ``path``, ``root``, ``source_roots``,
``lint_settings(...)``, ``ignored_codes_for(path)``), ``ConfigError`` and the
``Settings`` model.
"""

from fastapi_rules_lint.config.discovery import ConfigFile, find_config, project_root
from fastapi_rules_lint.config.loader import (
    ConfigError,
    LoadedConfig,
    default_config,
    display_path,
    find_pyproject,
    load_config,
    load_config_file,
    load_explicit,
    relative_to_root,
)
from fastapi_rules_lint.config.model import DEFAULT_CACHE_DIR, DEFAULT_EXCLUDE, Settings
from fastapi_rules_lint.config.resolver import ConfigResolver

__all__ = [
    "DEFAULT_CACHE_DIR",
    "DEFAULT_EXCLUDE",
    "ConfigError",
    "ConfigFile",
    "ConfigResolver",
    "LoadedConfig",
    "Settings",
    "default_config",
    "display_path",
    "find_config",
    "find_pyproject",
    "load_config",
    "load_config_file",
    "load_explicit",
    "project_root",
    "relative_to_root",
]
