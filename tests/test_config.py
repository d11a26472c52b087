"""``[tool.fastapi-rules]``: loading, validation (one-line errors), layering, options.

Which file applies to which path (dedicated files, nested configs, ``--config``, the
resolver, the flake8 plugin): ``tests/test_config_discovery.py``."""

from __future__ import annotations

from pathlib import Path

import pytest

from fastapi_rules_lint.config import (
    ConfigError,
    LoadedConfig,
    find_pyproject,
    load_config,
    project_root,
)
from fastapi_rules_lint.engine.options import RuleOptions
from fastapi_rules_lint.lint.registry import UnknownCodeError, all_rules


def _write(folder: Path, body: str) -> Path:
    path = folder / "pyproject.toml"
    path.write_text(body, encoding="utf-8")
    return path


def _load(folder: Path, body: str) -> LoadedConfig:
    _write(folder, body)
    return load_config(folder)


def _error(folder: Path, body: str) -> str:
    _write(folder, body)
    with pytest.raises(ConfigError) as caught:
        load_config(folder)
    message = str(caught.value)
    assert "\n" not in message
    assert "pyproject.toml" in message
    return message


def test_find_pyproject_walks_up(tmp_path: Path) -> None:
    _write(tmp_path, "[project]\nname = 'x'\n")
    nested = tmp_path / "a" / "b"
    nested.mkdir(parents=True)
    assert find_pyproject(nested) == tmp_path / "pyproject.toml"
    assert find_pyproject(nested / "missing.py") == tmp_path / "pyproject.toml"


def test_defaults_without_table(tmp_path: Path) -> None:
    # A pyproject.toml without our table is not a config: the defaults, rooted at the
    # project root (here the version-control root).
    (tmp_path / ".git").mkdir()
    _write(tmp_path, "[project]\nname = 'x'\n")
    (tmp_path / "pkg").mkdir()
    config = load_config(tmp_path / "pkg")
    assert config.path is None
    assert config.root == tmp_path
    assert config.settings.cache_dir == ".fastapi_rules_cache"
    defaults = {rule.code for rule in all_rules() if rule.default_enabled}
    assert config.lint_settings().enabled == defaults


def test_no_config_means_defaults(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.setattr("fastapi_rules_lint.config.loader.find_config", lambda start: None)
    config = load_config(tmp_path)
    assert config.path is None
    assert config.root == project_root(tmp_path)


@pytest.mark.parametrize(
    ("body", "fragment"),
    [
        ('[tool.fastapi-rules]\nselct = ["FRL1"]\n', "unknown key `selct`"),
        ('[tool.fastapi-rules]\nselct = ["FRL1"]\n', "did you mean `select`"),
        ('[tool.fastapi-rules]\nselect = "FRL1"\n', "invalid `select`"),
        ('[tool.fastapi-rules]\nfix = "yes"\n', "invalid `fix`"),
        ("[tool.fastapi-rules]\ncache-dir = 3\n", "invalid `cache-dir`"),
        ('[tool.fastapi-rules]\nselect = ["NOPE9"]\n', "`NOPE9` in `select`"),
        ('[tool.fastapi-rules.per-file-ignores]\n"t/*" = [1]\n', 'per-file-ignores."t/*"[0]'),
        ("[tool.fastapi-rules.lint.no-such-rule]\nx = 1\n", "unknown rule `no-such-rule`"),
        ("[tool.fastapi-rules.lint.FRL103]\nx = 1\n", "use the rule name `any-type`"),
        ("[tool.fastapi-rules.lint.any-type]\nallow-star = true\n", "unknown key `allow-star`"),
        (
            '[tool.fastapi-rules.lint.any-type]\nallow-star-arg-any = "yes"\n',
            "invalid `allow-star-arg-any` in [tool.fastapi-rules.lint.any-type]",
        ),
        ("[tool.fastapi-rules]\nallow-star-arg-any = 3\n", "invalid `allow-star-arg-any`"),
        ("[tool.fastapi-rules\n", "invalid TOML"),
    ],
)
def test_invalid_config_is_one_line_naming_key_and_file(
    tmp_path: Path, body: str, fragment: str
) -> None:
    assert fragment in _error(tmp_path, body)


def test_explicit_config_missing(tmp_path: Path) -> None:
    with pytest.raises(ConfigError, match="config file not found"):
        load_config(explicit=tmp_path / "nope.toml")


def test_explicit_config_wins(tmp_path: Path) -> None:
    _write(tmp_path, '[tool.fastapi-rules]\nselect = ["FRL103"]\n')
    other = tmp_path / "other.toml"
    other.write_text('[tool.fastapi-rules]\nselect = ["FRL001"]\n', encoding="utf-8")
    assert load_config(tmp_path, explicit=other).lint_settings().enabled == {"FRL001"}


def test_selection_layers(tmp_path: Path) -> None:
    _write(tmp_path, '[tool.fastapi-rules]\nselect = ["FRL001", "FRL103"]\nignore = ["FRL001"]\n')
    config = load_config(tmp_path)
    assert config.lint_settings().enabled == {"FRL103"}
    # The command line's --select replaces the file's selection entirely.
    assert config.lint_settings(select=["FRL001"]).enabled == {"FRL001"}
    # --extend-select adds after the file's ignore; --ignore removes last.
    assert config.lint_settings(extend_select=["FRL001"]).enabled == {"FRL001", "FRL103"}
    assert config.lint_settings(ignore=["FRL103"]).enabled == frozenset()
    with pytest.raises(UnknownCodeError):
        config.lint_settings(select=["NOPE"])


def test_rule_options_table_and_flat_key(tmp_path: Path) -> None:
    config = _load(tmp_path, "[tool.fastapi-rules.lint.any-type]\nallow-star-arg-any = true\n")
    options = config.lint_settings().options["FRL103"]
    assert isinstance(options, RuleOptions)
    assert options.model_dump(by_alias=True) == {"allow-star-arg-any": True}
    _write(tmp_path, "[tool.fastapi-rules]\nallow-star-arg-any = true\n")
    flat = load_config(tmp_path).lint_settings().options["FRL103"]
    assert flat.model_dump(by_alias=True) == {"allow-star-arg-any": True}
    # The table wins over the flat key.
    _write(
        tmp_path,
        "[tool.fastapi-rules]\nallow-star-arg-any = true\n"
        "[tool.fastapi-rules.lint.any-type]\nallow-star-arg-any = false\n",
    )
    both = load_config(tmp_path).lint_settings().options["FRL103"]
    assert both.model_dump(by_alias=True) == {"allow-star-arg-any": False}


def test_per_file_ignores(tmp_path: Path) -> None:
    _write(
        tmp_path,
        "[tool.fastapi-rules.per-file-ignores]\n"
        '"tests/*.py" = ["FRL103"]\n"conftest.py" = ["FRL0"]\n',
    )
    config = load_config(tmp_path)
    assert config.ignored_codes_for(tmp_path / "tests" / "test_a.py") == {"FRL103"}
    assert config.ignored_codes_for(tmp_path / "src" / "a.py") == frozenset()
    by_prefix = config.ignored_codes_for(tmp_path / "sub" / "conftest.py")
    assert "FRL001" in by_prefix
    assert all(code.startswith("FRL0") for code in by_prefix)


def test_other_keys_accepted(tmp_path: Path) -> None:
    config = _load(
        tmp_path,
        "[tool.fastapi-rules]\n"
        'extend-select = ["FRL103"]\nexclude = ["gen"]\nextend-exclude = ["x"]\n'
        'fix = true\nunsafe-fixes = true\ncache-dir = ".c"\nforce-exclude = true\n'
        'src = ["backend", "libs/core"]\noutput-format = "json"\nmax-file-size = 1000000\n',
    )
    settings = config.settings
    assert settings.fix and settings.unsafe_fixes and settings.force_exclude
    assert settings.exclude == ["gen"]
    assert settings.cache_dir == ".c"
    assert settings.src == ["backend", "libs/core"]
    assert config.source_roots == (tmp_path / "backend", tmp_path / "libs" / "core")
    assert settings.output_format == "json"
    assert settings.max_file_size == 1_000_000


def test_new_keys_default(tmp_path: Path) -> None:
    settings = _load(tmp_path, "[tool.fastapi-rules]\n").settings
    assert settings.src == [] and not settings.force_exclude
    assert settings.output_format is None and settings.max_file_size is None


@pytest.mark.parametrize(
    ("body", "fragment"),
    [
        ('src = "backend"', "invalid `src` in [tool.fastapi-rules]"),
        ("src = [1]", "invalid `src[0]`"),
        ('force-exclude = "yes"', "invalid `force-exclude`"),
        ('output-format = "xml"', "invalid `output-format`"),
        ("max-file-size = -1", "invalid `max-file-size`"),
        ('max-file-size = "1MB"', "invalid `max-file-size`"),
        ("max-file-size = true", "invalid `max-file-size`"),
        ('srcs = ["x"]', "unknown key `srcs`"),
    ],
)
def test_new_keys_validate(tmp_path: Path, body: str, fragment: str) -> None:
    assert fragment in _error(tmp_path, f"[tool.fastapi-rules]\n{body}\n")
