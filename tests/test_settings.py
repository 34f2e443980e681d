"""Settings: defaults <- config file <- environment, found from the working directory up."""

from __future__ import annotations

from pathlib import Path

import pytest

from phantom_guard.errors import ConfigError
from phantom_guard.model import FailOn
from phantom_guard.registry import endpoints
from phantom_guard.settings import DEFAULT_CONCURRENCY, Settings, find_config_file


@pytest.fixture
def project(tmp_path: Path) -> Path:
    """A project root: the `.git` marker stops the config search from leaving it."""
    (tmp_path / ".git").mkdir()
    return tmp_path


def write(path: Path, text: str) -> Path:
    path.parent.mkdir(parents=True, exist_ok=True)
    path.write_text(text, encoding="utf-8")
    return path


def test_defaults(project: Path) -> None:
    settings = Settings.load(cwd=project, env={})
    assert settings == Settings()
    assert settings.pypi_url == endpoints.PYPI_URL
    assert settings.npm_url == endpoints.NPM_URL
    assert settings.npm_downloads_url == endpoints.NPM_DOWNLOADS_URL
    assert settings.crates_url == endpoints.CRATES_URL
    assert settings.concurrency == DEFAULT_CONCURRENCY
    assert settings.fail_on is FailOn.HIGH_RISK
    assert settings.offline is False
    assert settings.config_file is None


def test_dotfile_is_read(project: Path) -> None:
    config = write(
        project / ".phantom-guard.toml",
        """
allow = ["internal-lib", "pkg:npm/@acme/ui"]
ignore = ["legacy-thing"]
fail_on = "suspicious"
concurrency = 8
timeout = 3.5
patterns = ["zebra"]
allow_unverified = true
pypi_url = "https://mirror.example/pypi/"
npm_url = "https://npm.mirror.example"
npm_downloads_url = "https://downloads.mirror.example"
crates_url = "https://crates.mirror.example/api/v1"
""",
    )
    settings = Settings.load(cwd=project, env={})
    assert settings.allow == ("internal-lib", "pkg:npm/@acme/ui")
    assert settings.ignore == ("legacy-thing",)
    assert settings.fail_on is FailOn.SUSPICIOUS
    assert settings.concurrency == 8
    assert settings.timeout == 3.5
    assert settings.patterns == ("zebra",)
    assert settings.allow_unverified is True
    assert settings.pypi_url == "https://mirror.example/pypi"  # trailing slash dropped
    assert settings.npm_url == "https://npm.mirror.example"
    assert settings.npm_downloads_url == "https://downloads.mirror.example"
    assert settings.crates_url == "https://crates.mirror.example/api/v1"
    assert settings.config_file == config


def test_pyproject_table_found_from_a_subdirectory(project: Path) -> None:
    pyproject = write(
        project / "pyproject.toml",
        """
[project]
name = "demo"

[tool.phantom-guard]
allow = ["internal-lib"]
fail_on = "suspicious"
""",
    )
    deep = project / "src" / "demo" / "sub"
    deep.mkdir(parents=True)
    settings = Settings.load(cwd=deep, env={})
    assert settings.config_file == pyproject
    assert settings.allow == ("internal-lib",)
    assert settings.fail_on is FailOn.SUSPICIOUS


def test_dotfile_found_from_a_subdirectory(project: Path) -> None:
    config = write(project / ".phantom-guard.toml", "concurrency = 3\n")
    deep = project / "a" / "b"
    deep.mkdir(parents=True)
    assert find_config_file(deep) == config
    assert Settings.load(cwd=deep, env={}).concurrency == 3


def test_pyproject_without_our_table_is_skipped(project: Path) -> None:
    write(project / "pyproject.toml", '[project]\nname = "demo"\n')
    sub = project / "sub"
    write(sub / "pyproject.toml", "[tool.ruff]\nline-length = 100\n")
    assert find_config_file(sub) is None
    assert Settings.load(cwd=sub, env={}) == Settings()


def test_nearest_config_wins(project: Path) -> None:
    write(project / ".phantom-guard.toml", "concurrency = 3\n")
    inner = write(project / "pkg" / "pyproject.toml", "[tool.phantom-guard]\nconcurrency = 9\n")
    assert find_config_file(project / "pkg") == inner
    assert Settings.load(cwd=project / "pkg", env={}).concurrency == 9


def test_dotfile_wins_over_pyproject_in_the_same_folder(project: Path) -> None:
    dotfile = write(project / ".phantom-guard.toml", "concurrency = 3\n")
    write(project / "pyproject.toml", "[tool.phantom-guard]\nconcurrency = 9\n")
    assert find_config_file(project) == dotfile


def test_search_stops_at_the_repository_root(project: Path) -> None:
    write(project / ".phantom-guard.toml", "concurrency = 3\n")
    nested_repo = project / "vendor" / "thing"
    (nested_repo / ".git").mkdir(parents=True)
    assert find_config_file(nested_repo) is None


def test_environment_overrides_config(project: Path) -> None:
    write(
        project / ".phantom-guard.toml",
        'pypi_url = "https://config.example/pypi"\ncrates_url = "https://config.example/crates"\n'
        "timeout = 30\n",
    )
    env = {
        "PHANTOM_GUARD_PYPI_URL": "http://127.0.0.1:8000/pypi/",
        "PHANTOM_GUARD_NPM_URL": "http://127.0.0.1:8000/npm",
        "PHANTOM_GUARD_NPM_DOWNLOADS_URL": "http://127.0.0.1:8000/dl",
        "PHANTOM_GUARD_TIMEOUT": "2.5",
        "PHANTOM_GUARD_CACHE_DIR": str(project / "cache"),
    }
    settings = Settings.load(cwd=project, env=env)
    assert settings.pypi_url == "http://127.0.0.1:8000/pypi"
    assert settings.npm_url == "http://127.0.0.1:8000/npm"
    assert settings.npm_downloads_url == "http://127.0.0.1:8000/dl"
    assert settings.crates_url == "https://config.example/crates"  # not overridden
    assert settings.timeout == 2.5
    assert settings.cache_dir == project / "cache"
    assert settings.resolved_cache_dir == project / "cache"


@pytest.mark.parametrize(
    ("value", "offline"), [("1", True), ("true", True), ("0", False), ("", False)]
)
def test_offline_variable(project: Path, value: str, offline: bool) -> None:
    settings = Settings.load(cwd=project, env={"PHANTOM_GUARD_OFFLINE": value})
    assert settings.offline is offline


def test_no_color(project: Path) -> None:
    assert Settings.load(cwd=project, env={"NO_COLOR": "1"}).no_color is True
    assert Settings.load(cwd=project, env={"NO_COLOR": ""}).no_color is False
    assert Settings.load(cwd=project, env={}).no_color is False


def test_empty_variables_are_ignored(project: Path) -> None:
    env = {"PHANTOM_GUARD_PYPI_URL": "", "PHANTOM_GUARD_TIMEOUT": "", "PHANTOM_GUARD_CACHE_DIR": ""}
    assert Settings.load(cwd=project, env=env) == Settings()


@pytest.mark.parametrize(
    ("config", "message"),
    [
        ("unknown_key = 1\n", "unknown config keys: unknown_key"),
        ('fail_on = "sometimes"\n', "fail_on"),
        ("concurrency = 0\n", "concurrency"),
        ("concurrency = 100000\n", "concurrency"),
        ('concurrency = "ten"\n', "concurrency"),
        ("concurrency = true\n", "concurrency"),
        ("timeout = -1\n", "timeout"),
        ('pypi_url = "ftp://mirror.example/pypi"\n', "http"),
        ('crates_url = "crates.example"\n', "http"),
        ('allow = "flask"\n', "allow"),
        ("ignore = [1, 2]\n", "ignore"),
        ('allow_unverified = "yes"\n', "allow_unverified"),
        ("this is = not [toml\n", "cannot read config"),
    ],
)
def test_bad_config_is_a_config_error(project: Path, config: str, message: str) -> None:
    write(project / ".phantom-guard.toml", config)
    with pytest.raises(ConfigError, match=message):
        Settings.load(cwd=project, env={})


def test_pyproject_table_of_the_wrong_type(project: Path) -> None:
    write(project / "pyproject.toml", '[tool]\n"phantom-guard" = 3\n# [tool.phantom-guard]\n')
    with pytest.raises(ConfigError):
        Settings.load(cwd=project, env={})


@pytest.mark.parametrize(
    "env",
    [
        {"PHANTOM_GUARD_PYPI_URL": "ftp://mirror.example/pypi"},
        {"PHANTOM_GUARD_NPM_URL": "file:///etc/passwd"},
        {"PHANTOM_GUARD_TIMEOUT": "soon"},
        {"PHANTOM_GUARD_TIMEOUT": "0"},
    ],
)
def test_bad_environment_is_a_config_error(project: Path, env: dict[str, str]) -> None:
    with pytest.raises(ConfigError):
        Settings.load(cwd=project, env=env)


def test_config_error_is_an_input_error() -> None:
    with pytest.raises(ValueError):
        Settings(concurrency=0)


def test_with_overrides_ignores_none() -> None:
    base = Settings(concurrency=4)
    changed = base.with_overrides(concurrency=None, offline=True, fail_on=None)
    assert changed.concurrency == 4
    assert changed.offline is True
    assert changed.fail_on is FailOn.HIGH_RISK
    assert base.offline is False


def test_every_url_setting_of_the_registry_table_is_a_settings_field() -> None:
    from dataclasses import fields

    from phantom_guard.registry.facts import URL_SETTINGS

    defaults = {f.name: f.default for f in fields(Settings)}
    for setting in URL_SETTINGS:
        assert defaults[setting.key] == setting.default
    env = {setting.env: f"http://127.0.0.1:9/{setting.key}" for setting in URL_SETTINGS}
    loaded = Settings.load(env=env)
    for setting in URL_SETTINGS:
        assert getattr(loaded, setting.key) == f"http://127.0.0.1:9/{setting.key}"
