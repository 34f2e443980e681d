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
private = ["acme-*"]
exclude = ["vendor/**"]
fail_on = "suspicious"
concurrency = 8
patterns = ["zebra"]
""",
    )
    settings = Settings.load(cwd=project, env={})
    # A bare name is a PyPI name: the npm package of that name is not exempted.
    assert settings.allow == ("pkg:pypi/internal-lib", "pkg:npm/@acme/ui")
    assert settings.ignore == ("pkg:pypi/legacy-thing",)
    assert settings.private == ("acme-*",)
    assert settings.exclude == ("vendor/**",)
    assert settings.fail_on is FailOn.SUSPICIOUS
    assert settings.concurrency == 8
    assert settings.patterns == ("zebra",)
    assert settings.config_file == str(config)
    assert settings.config_files == (str(config),)


def test_user_config_may_set_every_key(project: Path, user_config: Path) -> None:
    write(
        user_config,
        """
timeout = 3.5
allow_unverified = true
pypi_url = "https://mirror.example/pypi/"
npm_url = "https://npm.mirror.example"
npm_downloads_url = "https://downloads.mirror.example"
crates_url = "https://crates.mirror.example/api/v1"
cache_dir = "~/pg-cache"
allow = ["internal-lib"]
""",
    )
    settings = Settings.load(cwd=project, env={})
    assert settings.timeout == 3.5
    assert settings.allow_unverified is True
    assert settings.pypi_url == "https://mirror.example/pypi"  # trailing slash dropped
    assert settings.npm_url == "https://npm.mirror.example"
    assert settings.npm_downloads_url == "https://downloads.mirror.example"
    assert settings.crates_url == "https://crates.mirror.example/api/v1"
    assert settings.cache_dir == str(Path("~/pg-cache").expanduser())
    assert settings.allow == ("pkg:pypi/internal-lib",)
    assert settings.config_files == (str(user_config),)


def test_repository_config_applies_after_the_users(project: Path, user_config: Path) -> None:
    write(user_config, "concurrency = 4\nfail_on = 'suspicious'\n")
    repo = write(project / ".phantom-guard.toml", "concurrency = 7\n")
    settings = Settings.load(cwd=project, env={})
    assert settings.concurrency == 7
    assert settings.fail_on is FailOn.SUSPICIOUS
    assert settings.config_files == (str(user_config), str(repo))


def test_config_option_replaces_the_repository_search(project: Path, tmp_path: Path) -> None:
    write(project / ".phantom-guard.toml", "concurrency = 7\n")
    named = write(tmp_path / "elsewhere" / "ci.toml", 'pypi_url = "https://pypi.example.test"\n')
    settings = Settings.load(cwd=project, env={}, config=named)
    assert settings.pypi_url == "https://pypi.example.test"
    assert settings.concurrency == DEFAULT_CONCURRENCY
    assert settings.config_files == (str(named),)


def test_isolated_reads_no_config(project: Path, user_config: Path) -> None:
    write(user_config, "concurrency = 4\n")
    write(project / ".phantom-guard.toml", "concurrency = 7\n")
    settings = Settings.load(cwd=project, env={"PHANTOM_GUARD_TIMEOUT": "2"}, isolated=True)
    assert settings.concurrency == DEFAULT_CONCURRENCY
    assert settings.timeout == 2.0  # the environment still applies
    assert settings.config_files == ()


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
    assert settings.config_file == str(pyproject)
    assert settings.allow == ("pkg:pypi/internal-lib",)
    assert settings.fail_on is FailOn.SUSPICIOUS


def test_dotfile_found_from_a_subdirectory(project: Path) -> None:
    config = write(project / ".phantom-guard.toml", "concurrency = 3\n")
    deep = project / "a" / "b"
    deep.mkdir(parents=True)
    assert find_config_file(deep) == str(config)
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
    assert find_config_file(project / "pkg") == str(inner)
    assert Settings.load(cwd=project / "pkg", env={}).concurrency == 9


def test_dotfile_wins_over_pyproject_in_the_same_folder(project: Path) -> None:
    dotfile = write(project / ".phantom-guard.toml", "concurrency = 3\n")
    write(project / "pyproject.toml", "[tool.phantom-guard]\nconcurrency = 9\n")
    assert find_config_file(project) == str(dotfile)


def test_search_stops_at_the_repository_root(project: Path) -> None:
    write(project / ".phantom-guard.toml", "concurrency = 3\n")
    nested_repo = project / "vendor" / "thing"
    (nested_repo / ".git").mkdir(parents=True)
    assert find_config_file(nested_repo) is None


def test_environment_overrides_config(project: Path, user_config: Path) -> None:
    write(
        user_config,
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
    assert settings.cache_dir == str(project / "cache")
    assert settings.resolved_cache_dir == str(project / "cache")


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
        ("private = [1]\n", "private"),
        ('exclude = "vendor"\n', "exclude"),
        ('allow_unverified = "yes"\n', "allow_unverified"),
        ("this is = not [toml\n", "cannot read config"),
    ],
)
def test_bad_config_is_a_config_error(user_config: Path, config: str, message: str) -> None:
    write(user_config, config)
    with pytest.raises(ConfigError, match=message):
        Settings.load(cwd=user_config.parent, env={})


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


# --- Attacks (issue 11, finding 1): a scanned repository's config cannot switch the gate off.


@pytest.mark.parametrize(
    ("line", "where"),
    [
        ('pypi_url = "http://evil.example.test/pypi"', "PHANTOM_GUARD_PYPI_URL"),
        ('npm_url = "http://evil.example.test/npm"', "PHANTOM_GUARD_NPM_URL"),
        ('npm_downloads_url = "http://evil.example.test"', "PHANTOM_GUARD_NPM_DOWNLOADS_URL"),
        ('crates_url = "http://evil.example.test/api/v1"', "PHANTOM_GUARD_CRATES_URL"),
        ('feed_url = "http://evil.example.test/osv"', "PHANTOM_GUARD_FEED_URL"),
        ("allow_unverified = true", "--allow-unverified"),
        ("timeout = 0.001", "PHANTOM_GUARD_TIMEOUT"),
        ("deadline = 0.001", "PHANTOM_GUARD_DEADLINE"),
        ('cache_dir = "/tmp/shared"', "PHANTOM_GUARD_CACHE_DIR"),
        ("max_names = 1000000000", "PHANTOM_GUARD_MAX_NAMES"),
        ("body_budget_mb = 100000", "PHANTOM_GUARD_BODY_BUDGET_MB"),
        ("crates_rate = 0", "PHANTOM_GUARD_CRATES_RATE"),
    ],
)
@pytest.mark.parametrize("file", [".phantom-guard.toml", "pyproject.toml"])
def test_repository_config_cannot_set_a_trusted_key(
    project: Path, user_config: Path, file: str, line: str, where: str
) -> None:
    text = f"[tool.phantom-guard]\n{line}\n" if file == "pyproject.toml" else line + "\n"
    write(project / file, text)
    key = line.split(" ", 1)[0]
    with pytest.raises(ConfigError) as caught:
        Settings.load(cwd=project, env={})
    message = str(caught.value)
    assert key in message
    assert where in message
    assert str(user_config) in message  # and where the user's own config lives


def test_config_in_a_parent_outside_the_repository_is_not_read(tmp_path: Path) -> None:
    """A shared temp dir above the checkout holds a config: it is not the project's."""
    write(tmp_path / ".phantom-guard.toml", 'allow = ["reqeusts"]\n')
    checkout = tmp_path / "checkout"
    (checkout / ".git").mkdir(parents=True)
    assert Settings.load(cwd=checkout, env={}).allow == ()
    # Outside any repository only the working directory itself is searched.
    plain = tmp_path / "plain" / "sub"
    plain.mkdir(parents=True)
    write(tmp_path / "plain" / ".phantom-guard.toml", 'allow = ["reqeusts"]\n')
    assert Settings.load(cwd=plain, env={}).config_files == ()


def test_bare_allow_entry_is_a_pypi_name(project: Path) -> None:
    write(project / ".phantom-guard.toml", 'allow = ["internal-lib"]\n')
    from phantom_guard.model import Registry
    from phantom_guard.names import normalize
    from phantom_guard.plan import NameSet

    names = NameSet(Settings.load(cwd=project, env={}).allow)
    assert names.contains(Registry.PYPI, normalize("internal-lib", Registry.PYPI))
    assert not names.contains(Registry.NPM, normalize("internal-lib", Registry.NPM))


def test_repository_config_symlinked_out_of_the_tree_is_refused(
    project: Path, tmp_path: Path
) -> None:
    outside = write(tmp_path.parent / f"{tmp_path.name}-secret.toml", "concurrency = 3\n")
    (project / ".phantom-guard.toml").symlink_to(outside)
    with pytest.raises(ConfigError, match="outside the scanned tree"):
        Settings.load(cwd=project, env={})


def test_oversized_config_is_refused_unread(project: Path) -> None:
    big = project / ".phantom-guard.toml"
    with big.open("wb") as handle:
        handle.truncate(3 * 1024**3)  # sparse: costs no disk
    with pytest.raises(ConfigError, match="limit"):
        Settings.load(cwd=project, env={})


def test_feed_url_from_the_user_config_and_environment(project: Path, user_config: Path) -> None:
    assert Settings.load(cwd=project, env={}).feed_url == endpoints.FEED_URL
    write(user_config, 'feed_url = "https://feed.example.test/osv/"\n')
    assert Settings.load(cwd=project, env={}).feed_url == "https://feed.example.test/osv"
    env = {"PHANTOM_GUARD_FEED_URL": "http://127.0.0.1:8000/"}
    assert Settings.load(cwd=project, env=env).feed_url == "http://127.0.0.1:8000"
    with pytest.raises(ConfigError):
        Settings(feed_url="ftp://feed.example.test")


def test_every_url_setting_of_the_registry_table_is_a_settings_field() -> None:
    from phantom_guard.records import fields
    from phantom_guard.registry.facts import URL_SETTINGS

    defaults = {f.name: f.default for f in fields(Settings)}
    for setting in URL_SETTINGS:
        assert defaults[setting.key] == setting.default
    env = {setting.env: f"http://127.0.0.1:9/{setting.key}" for setting in URL_SETTINGS}
    loaded = Settings.load(env=env)
    for setting in URL_SETTINGS:
        assert getattr(loaded, setting.key) == f"http://127.0.0.1:9/{setting.key}"


def test_paths_are_kept_as_str_and_a_given_path_is_accepted(tmp_path: Path) -> None:
    # str paths keep pathlib (and the re it imports) off the warm path; a library caller's
    # Path is stored as its os.fspath.
    settings = Settings(cache_dir=tmp_path / "cache")  # type: ignore[arg-type]
    assert settings.cache_dir == str(tmp_path / "cache")
    assert settings.resolved_cache_dir == str(tmp_path / "cache")
    assert Settings.load(cwd=tmp_path, env={"PHANTOM_GUARD_CACHE_DIR": "/x/y"}).cache_dir == "/x/y"
