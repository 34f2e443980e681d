"""Fake PyPI / npm / crates HTTP server for tests and benchmarks; never touches the network."""

from tests.fakeregistry import documents
from tests.fakeregistry.server import (
    CRATES,
    FIXTURES_DIR,
    NPM,
    NPM_DOWNLOADS,
    PYPI,
    REGISTRIES,
    FakeRegistry,
    Fault,
    Outcome,
    RegistryState,
    RequestRecord,
)

__all__ = [
    "CRATES",
    "FIXTURES_DIR",
    "NPM",
    "NPM_DOWNLOADS",
    "PYPI",
    "REGISTRIES",
    "FakeRegistry",
    "Fault",
    "Outcome",
    "RegistryState",
    "RequestRecord",
    "documents",
]
