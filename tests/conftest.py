"""Shared fixtures: one fake registry server per session, reset to its fixtures for every test."""

from __future__ import annotations

from collections.abc import Iterator
from pathlib import Path

import pytest

from tests.fakeregistry import FakeRegistry, RegistryState


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
