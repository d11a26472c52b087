"""Which settings file governs which path, like ruff: dedicated files, a
``pyproject.toml`` without our table skipped, nested configs, ``--config``, the
per-file ``ConfigResolver`` and the flake8 plugin's discovery (real files in tmp_path)."""

from __future__ import annotations

import ast
from collections.abc import Iterator
from pathlib import Path

import pytest
from click.testing import CliRunner

from fastapi_rules_lint.config import (
    ConfigError,
    ConfigResolver,
    LoadedConfig,
    discovery,
    load_config,
    load_config_file,
)
from fastapi_rules_lint.config import resolver as resolver_module
from fastapi_rules_lint.interfaces import flake8 as plugin
from fastapi_rules_lint.interfaces.cli import cli

TABLE = "[tool.fastapi-rules]\n"


@pytest.fixture(autouse=True)
def _fresh_caches() -> Iterator[None]:
    discovery.clear_caches()
    plugin._config_file_for.cache_clear()
    plugin._configured.cache_clear()
    yield
    discovery.clear_caches()
    plugin._config_file_for.cache_clear()
    plugin._configured.cache_clear()


@pytest.fixture
def repo(tmp_path: Path) -> Path:
    """A repository (``.git``) with settings at its top and a backend/ subproject whose
    ``pyproject.toml`` has no table for us (the full-stack FastAPI template's layout)."""
    (tmp_path / ".git").mkdir()
    _write(tmp_path / "pyproject.toml", TABLE + 'select = ["FRL103"]\ncache-dir = ".c"\n')
    _write(tmp_path / "backend" / "pyproject.toml", "[project]\nname = 'backend'\n")
    _write(tmp_path / "backend" / "app" / "main.py", "x = 1\n")
    return tmp_path


def _write(path: Path, text: str) -> Path:
    path.parent.mkdir(parents=True, exist_ok=True)
    path.write_text(text, encoding="utf-8")
    return path


def _enabled(config: LoadedConfig) -> frozenset[str]:
    return config.lint_settings().enabled


def test_pyproject_without_table_does_not_hide_the_root(repo: Path) -> None:
    file = repo / "backend" / "app" / "main.py"
    for config in (load_config(file), ConfigResolver().config_for(file)):
        assert config.path == repo / "pyproject.toml"
        assert config.root == repo
        assert _enabled(config) == {"FRL103"}
        assert config.root / config.settings.cache_dir == repo / ".c"


def test_no_config_roots_defaults_at_the_vcs_root(tmp_path: Path) -> None:
    (tmp_path / ".git").mkdir()
    file = _write(tmp_path / "backend" / "app" / "main.py", "x = 1\n")
    _write(tmp_path / "backend" / "pyproject.toml", "[project]\nname = 'b'\n")
    for config in (load_config(file), ConfigResolver().config_for(file)):
        assert config.path is None
        assert config.root == tmp_path


@pytest.mark.parametrize(
    ("present", "winner"),
    [
        ((".fastapi-rules.toml", "fastapi-rules.toml", "pyproject.toml"), ".fastapi-rules.toml"),
        (("fastapi-rules.toml", "pyproject.toml"), "fastapi-rules.toml"),
        (("pyproject.toml",), "pyproject.toml"),
    ],
)
def test_dedicated_files_win_in_one_folder(
    tmp_path: Path, present: tuple[str, ...], winner: str
) -> None:
    codes = {".fastapi-rules.toml": "FRL001", "fastapi-rules.toml": "FRL101"}
    for name in present:
        if name == "pyproject.toml":
            _write(tmp_path / name, TABLE + 'select = ["FRL103"]\n')
        else:
            _write(tmp_path / name, f'select = ["{codes[name]}"]\n')
    config = load_config(tmp_path / "a.py")
    assert config.path == tmp_path / winner
    assert _enabled(config) == {codes.get(winner, "FRL103")}


def test_nested_configs_each_file_gets_its_nearest(repo: Path) -> None:
    _write(repo / "services" / "api" / ".fastapi-rules.toml", 'select = ["FRL001"]\n')
    _write(repo / "libs" / "pyproject.toml", TABLE + 'select = ["FRL101"]\n')
    resolver = ConfigResolver()
    expected = {
        repo / "top.py": ("pyproject.toml", {"FRL103"}),
        repo / "services" / "api" / "deep" / "m.py": (
            "services/api/.fastapi-rules.toml",
            {"FRL001"},
        ),
        repo / "services" / "other.py": ("pyproject.toml", {"FRL103"}),
        repo / "libs" / "x" / "y.py": ("libs/pyproject.toml", {"FRL101"}),
        repo / "backend" / "app" / "main.py": ("pyproject.toml", {"FRL103"}),
    }
    for file, (config_path, codes) in expected.items():
        for config in (load_config(file), resolver.config_for(file)):
            assert config.path == repo / config_path, file
            assert config.root == (repo / config_path).parent
            assert _enabled(config) == codes, file


def test_resolver_loads_each_file_once(repo: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    loads: list[Path] = []

    def counting(config: discovery.ConfigFile) -> LoadedConfig:
        loads.append(config.path)
        return load_config_file(config)

    monkeypatch.setattr(resolver_module, "load_config_file", counting)
    _write(repo / "libs" / ".fastapi-rules.toml", "")
    resolver = ConfigResolver()
    first = resolver.config_for(repo / "a.py")
    assert resolver.config_for(repo / "backend" / "app" / "main.py") is first
    assert resolver.config_for(repo / "backend") is first
    libs = resolver.config_for(repo / "libs" / "l.py")
    assert resolver.config_for(repo / "libs" / "sub" / "m.py") is libs
    assert libs.root == repo / "libs" and _enabled(libs) != _enabled(first)
    assert sorted(loads) == [repo / "libs" / ".fastapi-rules.toml", repo / "pyproject.toml"]


def test_resolver_invalid_file_fails_only_the_paths_it_governs(repo: Path) -> None:
    _write(repo / "bad" / "fastapi-rules.toml", 'selct = ["FRL1"]\n')
    resolver = ConfigResolver()
    for _ in range(2):  # the error is remembered, and raised again
        with pytest.raises(ConfigError) as caught:
            resolver.config_for(repo / "bad" / "m.py")
        message = str(caught.value)
        assert "\n" not in message
        assert "fastapi-rules.toml: unknown key `selct`" in message
        assert "did you mean `select`" in message
    assert _enabled(resolver.config_for(repo / "good.py")) == {"FRL103"}


def test_resolver_explicit_forces_one_config(repo: Path) -> None:
    forced = _write(repo / "ci" / "strict.toml", 'select = ["FRL001"]\n')
    resolver = ConfigResolver(explicit=forced)
    for file in (repo / "a.py", repo / "backend" / "app" / "main.py", Path("/elsewhere/x.py")):
        config = resolver.config_for(file)
        assert config.path == forced and config.root == forced.parent
        assert _enabled(config) == {"FRL001"}
    with pytest.raises(ConfigError, match="config file not found"):
        ConfigResolver(explicit=repo / "missing.toml").config_for(repo / "a.py")


# --- --config ------------------------------------------------------------------------


def test_explicit_pyproject_without_table_is_an_error(repo: Path) -> None:
    with pytest.raises(ConfigError) as caught:
        load_config(repo, explicit=repo / "backend" / "pyproject.toml")
    message = str(caught.value)
    assert "\n" not in message
    assert "backend/pyproject.toml" in message and "no [tool.fastapi-rules] table" in message


def test_explicit_pyproject_style_file_under_another_name(tmp_path: Path) -> None:
    other = _write(tmp_path / "other.toml", "[project]\nname = 'x'\n")
    with pytest.raises(ConfigError, match=r"other.toml: no \[tool.fastapi-rules\] table"):
        load_config(explicit=other)
    _write(other, TABLE + 'select = ["FRL001"]\n')
    assert _enabled(load_config(explicit=other)) == {"FRL001"}


@pytest.mark.parametrize("name", [".fastapi-rules.toml", "fastapi-rules.toml", "ci.toml"])
def test_explicit_dedicated_file_has_top_level_keys(tmp_path: Path, name: str) -> None:
    path = _write(tmp_path / "conf" / name, 'select = ["FRL101"]\n')
    config = load_config(tmp_path, explicit=path)
    assert config.path == path and config.root == path.parent
    assert _enabled(config) == {"FRL101"}


def test_explicit_missing_or_folder(tmp_path: Path) -> None:
    with pytest.raises(ConfigError, match=r"nope\.toml: config file not found"):
        load_config(explicit=tmp_path / "nope.toml")
    with pytest.raises(ConfigError, match="config file is not a file"):
        load_config(explicit=tmp_path)


# --- dedicated files: validation names the file and the key --------------------------


@pytest.mark.parametrize(
    ("body", "fragment"),
    [
        ('selct = ["FRL1"]\n', "unknown key `selct` (did you mean `select`?)"),
        ('fix = "yes"\n', "invalid `fix`: "),
        ('src = "app"\n', "invalid `src`: "),
        ('select = ["NOPE9"]\n', "unknown rule code or prefix `NOPE9` in `select`"),
        ("[tool.fastapi-rules]\nselect = []\n", "unknown key `tool`"),
        ("[lint.no-such-rule]\nx = 1\n", "unknown rule `no-such-rule` in [lint]"),
        ("[lint.any-type]\nallow-star = true\n", "unknown key `allow-star` in [lint.any-type]"),
        ("allow-star-arg-any = 3\n", "invalid `allow-star-arg-any`: "),
        ("select = [\n", "invalid TOML"),
    ],
)
def test_dedicated_file_errors_name_file_and_key(tmp_path: Path, body: str, fragment: str) -> None:
    _write(tmp_path / ".fastapi-rules.toml", body)
    with pytest.raises(ConfigError) as caught:
        load_config(tmp_path / "a.py")
    message = str(caught.value)
    assert "\n" not in message
    assert message.startswith(f"{tmp_path / '.fastapi-rules.toml'}: ") or message.startswith(
        ".fastapi-rules.toml: "
    )
    assert fragment in message
    assert "[tool.fastapi-rules]" not in message


def test_dedicated_file_options_and_per_file_ignores(tmp_path: Path) -> None:
    _write(
        tmp_path / "fastapi-rules.toml",
        'extend-select = ["FRL103"]\n'
        '[per-file-ignores]\n"tests/*" = ["FRL103"]\n'
        "[lint.any-type]\nallow-star-arg-any = true\n",
    )
    config = load_config(tmp_path / "sub")
    assert "FRL103" in _enabled(config)
    assert config.ignored_codes_for(tmp_path / "tests" / "t.py") == {"FRL103"}
    options = config.lint_settings().options["FRL103"]
    assert options.model_dump(by_alias=True) == {"allow-star-arg-any": True}


def test_pyproject_mentioning_us_only_as_a_dependency_is_skipped(repo: Path) -> None:
    _write(
        repo / "backend" / "pyproject.toml",
        "[project]\nname = 'b'\n"
        '[project.optional-dependencies]\ndev = ["fastapi-rules-lint"]\n'
        "[project.scripts]\nfastapi-rules = 'x:y'\n",
    )
    assert load_config(repo / "backend" / "app" / "main.py").path == repo / "pyproject.toml"


def test_pyproject_with_dotted_key_table_is_found(tmp_path: Path) -> None:
    _write(tmp_path / "pyproject.toml", '[tool]\nfastapi-rules.select = ["FRL001"]\n')
    assert _enabled(load_config(tmp_path)) == {"FRL001"}


# --- the flake8 plugin and the CLI ----------------------------------------------------


def _flake8(path: Path) -> list[str]:
    lines = path.read_text(encoding="utf-8").splitlines(keepends=True)
    checker = plugin.Flake8Plugin(ast.parse("".join(lines)), lines, str(path))
    return [text for _, _, text, _ in checker.run()]


def test_flake8_skips_a_pyproject_without_table(repo: Path) -> None:
    file = _write(repo / "backend" / "app" / "main.py", "x = 1\n")
    assert plugin._config_file_for(file.parent) == discovery.ConfigFile(
        repo / "pyproject.toml", is_pyproject=True
    )
    _write(repo / "pyproject.toml", TABLE + 'selekt = ["FRL103"]\n')
    discovery.clear_caches()
    plugin._config_file_for.cache_clear()
    found = _flake8(file)
    assert len(found) == 1 and found[0].startswith("FRL000 ")
    assert "pyproject.toml" in found[0] and "selekt" in found[0]


def test_flake8_reads_dedicated_files(tmp_path: Path) -> None:
    _write(tmp_path / ".fastapi-rules.toml", "fix = 1\n")
    found = _flake8(_write(tmp_path / "pkg" / "m.py", "x = 1\n"))
    assert len(found) == 1 and found[0].startswith("FRL000 ")
    assert ".fastapi-rules.toml" in found[0] and "`fix`" in found[0]


def test_cli_config_without_our_table_is_exit_2_one_line(
    repo: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    monkeypatch.chdir(repo)
    result = CliRunner().invoke(cli, ["check", "--config", "backend/pyproject.toml", "backend"])
    assert result.exit_code == 2, result.output
    lines = result.stderr.splitlines()
    assert len(lines) == 1, result.stderr
    assert "backend/pyproject.toml: no [tool.fastapi-rules] table" in lines[0]
