"""Shared fixtures: one fake registry server per session, reset to its fixtures for every test."""

from __future__ import annotations

import os
from collections.abc import Iterator
from pathlib import Path

import pytest

from tests.fakeregistry import FakeRegistry, RegistryState


@pytest.fixture(autouse=True)
def _isolated_user_dirs(
    monkeypatch: pytest.MonkeyPatch, tmp_path_factory: pytest.TempPathFactory
) -> Path:
    """Every test runs with its own HOME and XDG dirs: the real user config is never read. Nor
    are the machine's package-manager settings (pip.conf, .npmrc, Cargo config, their variables),
    which private-index awareness reads.
    """
    home = tmp_path_factory.mktemp("home")
    monkeypatch.setenv("HOME", str(home))
    for variable, folder in (
        ("XDG_CONFIG_HOME", ".config"),
        ("XDG_CACHE_HOME", ".cache"),
        ("XDG_DATA_HOME", ".local/share"),
        ("XDG_CONFIG_DIRS", "xdg"),
    ):
        monkeypatch.setenv(variable, str(home / folder))
    monkeypatch.delenv("VIRTUAL_ENV", raising=False)
    for key in list(os.environ):
        if key.upper().startswith(_INDEX_VARIABLES):
            monkeypatch.delenv(key)
    return home


#: Package managers' variables that say which index to use (private-index awareness reads them).
_INDEX_VARIABLES = ("PIP_", "UV_", "NPM_CONFIG_", "CARGO_", "YARN_", "POETRY_", "PIPENV_")


@pytest.fixture
def user_config(_isolated_user_dirs: Path) -> Path:
    """The user's own config file path (in the isolated HOME); not created."""
    return _isolated_user_dirs / ".config" / "phantom-guard" / "config.toml"


@pytest.fixture(scope="session")
def _registry_server_state() -> Iterator[tuple[FakeRegistry, RegistryState]]:
    registry = FakeRegistry()
    registry.load_fixtures()
    state = registry.snapshot()
    with registry:
        yield registry, state


@pytest.fixture(scope="session")
def registry_server(_registry_server_state: tuple[FakeRegistry, RegistryState]) -> FakeRegistry:
    """The session's fake registry, serving the bundled fixtures (not reset between tests)."""
    return _registry_server_state[0]


@pytest.fixture
def fake_registry(
    _registry_server_state: tuple[FakeRegistry, RegistryState],
) -> Iterator[FakeRegistry]:
    """The shared fake registry with no faults, no latency, an empty log and pristine documents."""
    registry, state = _registry_server_state
    _reset(registry, state)
    yield registry
    _reset(registry, state)


def _reset(registry: FakeRegistry, state: RegistryState) -> None:
    registry.clear_faults()
    registry.latency = 0.0
    registry.compress = False
    registry.restore(state)
    registry.reset_log()


@pytest.fixture
def registry_env(
    fake_registry: FakeRegistry, monkeypatch: pytest.MonkeyPatch, tmp_path: Path
) -> FakeRegistry:
    """Point phantom-guard at the fake registry through its environment, with a private cache."""
    for key, value in fake_registry.env().items():
        monkeypatch.setenv(key, value)
    monkeypatch.setenv("PHANTOM_GUARD_CACHE_DIR", str(tmp_path / "cache"))
    monkeypatch.setenv("PHANTOM_GUARD_TIMEOUT", "2")
    monkeypatch.delenv("PHANTOM_GUARD_OFFLINE", raising=False)
    return fake_registry


@pytest.fixture
def project_env(
    registry_env: FakeRegistry, monkeypatch: pytest.MonkeyPatch, tmp_path: Path
) -> FakeRegistry:
    """`registry_env`, run from an empty project (a git root with no config file)."""
    project = tmp_path / "project"
    (project / ".git").mkdir(parents=True)
    monkeypatch.chdir(project)
    return registry_env
