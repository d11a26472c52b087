"""The Pydantic model of the settings: ``[tool.fastapi-rules]`` in ``pyproject.toml``, or
the top level of ``.fastapi-rules.toml`` / ``fastapi-rules.toml`` (the same schema).

Keys are kebab-case, as in ruff's configuration. Paths and globs in the settings
(``exclude``, ``per-file-ignores``, ``cache-dir``, ``src``) are relative to the folder of
the file that holds them (the config's *root*). The model is strict (``fix = "yes"`` is
an error, not ``True``) and rejects unknown keys; the loader turns validation errors into
one-line ``ConfigError`` messages. Flat rule-option keys (``allow-star-arg-any = true``
directly in ``[tool.fastapi-rules]``) are split off by the loader before validation,
because which keys they are depends on the rules that exist.
"""

from __future__ import annotations

from typing import Annotated, Literal

from pydantic import BaseModel, ConfigDict, Field

DEFAULT_CACHE_DIR = ".fastapi_rules_cache"
DEFAULT_MAX_FILE_SIZE = 2 * 1024 * 1024
"""``max-file-size`` when the settings leave it unset: 2 MiB (``0`` turns the limit off)."""

OutputFormat = Literal["text", "json", "sarif", "github", "junit"]

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
    """The settings of one config file: every key is optional; absent means the default.

    The command line wins over every key it has an option for."""

    model_config = ConfigDict(
        frozen=True,
        extra="forbid",
        strict=True,
        alias_generator=_kebab,
        populate_by_name=True,
        # The validator is built when a file with settings is first validated: a run
        # with no settings file, or an empty one, needs only the defaults
        # (``default_settings``), and building it costs a few milliseconds of startup.
        defer_build=True,
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
    """The cache folder, relative to the config's root."""
    force_exclude: bool = False
    """Apply ``exclude`` to paths named on the command line too (as ruff's
    ``force-exclude``), so editors and pre-commit hooks that pass single files skip them."""
    src: list[str] = Field(default_factory=list)
    """Source roots for module resolution (``src``, ``backend``), relative to the config's
    root (absolute paths are kept). A file under one is named from the nearest one; other
    files (and every file when empty, the default) from the first folder above them that
    is not a package (``project.modules``)."""
    output_format: OutputFormat | None = None
    """The report format when ``--output-format`` is not given; None means ``text``."""
    max_file_size: Annotated[int, Field(ge=0)] | None = None
    """Files larger than this many bytes are skipped with a one-line warning (the exit
    status is unaffected), named files, folder walks and ``--stdin-filename`` input alike;
    the project model treats them as unparsed. Unset (None): ``DEFAULT_MAX_FILE_SIZE``,
    2 MiB — far above any hand-written module, below the generated ones whose parse takes
    minutes and gigabytes. ``0``: no limit."""
    lint: dict[str, dict[str, object]] = Field(default_factory=dict)
    """``[tool.fastapi-rules.lint.<rule-name>]`` tables of rule options. Their values are
    validated by each rule's options model (``config.validate``); ``object`` here, not
    ``JsonValue``, whose recursive schema costs every run about 65 ms of CPU to build."""


    @property
    def file_size_limit(self) -> int | None:
        """The effective ``max-file-size`` in bytes; None when there is no limit."""
        limit = DEFAULT_MAX_FILE_SIZE if self.max_file_size is None else self.max_file_size
        return limit or None


def default_settings() -> Settings:
    """Every key at its default: what validating an empty table gives, without
    building the validator (no default is validated, so nothing differs)."""
    return Settings.model_construct()


SETTINGS_KEYS = frozenset(field.alias or name for name, field in Settings.model_fields.items())
