"""Configuration: ``[tool.fastapi-rules]`` in ``pyproject.toml``, validated by Pydantic.

The API (used by the CLI and the flake8 plugin): ``load_config``, ``find_pyproject``,
``LoadedConfig`` (``settings``, ``path``, ``root``, ``lint_settings(...)``,
``ignored_codes_for(path)``), ``ConfigError`` and the ``Settings`` model.
"""

from fastapi_rules_lint.config.loader import (
    ConfigError,
    LoadedConfig,
    display_path,
    find_pyproject,
    load_config,
    relative_to_root,
)
from fastapi_rules_lint.config.model import DEFAULT_CACHE_DIR, DEFAULT_EXCLUDE, Settings

__all__ = [
    "DEFAULT_CACHE_DIR",
    "DEFAULT_EXCLUDE",
    "ConfigError",
    "LoadedConfig",
    "Settings",
    "display_path",
    "find_pyproject",
    "load_config",
    "relative_to_root",
]
