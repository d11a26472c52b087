"""The Pydantic model of ``[tool.fastapi-rules]``.

Keys are kebab-case, as in ruff's configuration. The model is strict (``fix = "yes"`` is
an error, not ``True``) and rejects unknown keys; the loader turns validation errors into
one-line ``ConfigError`` messages. Flat rule-option keys (``allow-star-arg-any = true``
directly in ``[tool.fastapi-rules]``) are split off by the loader before validation,
because which keys they are depends on the rules that exist.
"""

from __future__ import annotations

from pydantic import BaseModel, ConfigDict, Field, JsonValue

DEFAULT_CACHE_DIR = ".fastapi_rules_cache"

DEFAULT_EXCLUDE: tuple[str, ...] = (
    # ruff's default `exclude`, plus our own cache folder.
    ".bzr",
    ".direnv",
    ".eggs",
    ".git",
    ".git-rewrite",
    ".hg",
    ".ipynb_checkpoints",
    ".mypy_cache",
    ".nox",
    ".pants.d",
    ".pyenv",
    ".pytest_cache",
    ".pytype",
    ".ruff_cache",
    ".svn",
    ".tox",
    ".venv",
    ".vscode",
    "__pypackages__",
    "_build",
    "buck-out",
    "build",
    "dist",
    "node_modules",
    "site-packages",
    "venv",
    DEFAULT_CACHE_DIR,
)


def _kebab(name: str) -> str:
    return name.replace("_", "-")


class Settings(BaseModel):
    """``[tool.fastapi-rules]``: every key is optional; absent means the default."""

    model_config = ConfigDict(
        frozen=True,
        extra="forbid",
        strict=True,
        alias_generator=_kebab,
        populate_by_name=True,
    )

    select: list[str] | None = None
    """Codes or prefixes to enable (``ALL``, ``FRL3``); None means the default set."""
    ignore: list[str] = Field(default_factory=list)
    extend_select: list[str] = Field(default_factory=list)
    per_file_ignores: dict[str, list[str]] = Field(default_factory=dict)
    """Glob (gitignore-style, relative to the project root) → codes or prefixes."""
    exclude: list[str] = Field(default_factory=lambda: list(DEFAULT_EXCLUDE))
    """Replaces the default excludes (the folders in ``files.NEVER_DESCEND`` stay out)."""
    extend_exclude: list[str] = Field(default_factory=list)
    fix: bool = False
    unsafe_fixes: bool = False
    cache_dir: str = DEFAULT_CACHE_DIR
    lint: dict[str, dict[str, JsonValue]] = Field(default_factory=dict)
    """``[tool.fastapi-rules.lint.<rule-name>]`` tables of rule options."""


SETTINGS_KEYS = frozenset(field.alias or name for name, field in Settings.model_fields.items())
