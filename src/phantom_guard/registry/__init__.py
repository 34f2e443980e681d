"""Registry clients: one per registry, all behind the `RegistryClient` protocol.

`fetch()` returns `PackageMetadata`, or ``None`` when the registry says the package does not
exist (404). Every other failure raises a `LookupFailed` subclass, never "not found".
"""

from __future__ import annotations

TYPE_CHECKING = False  # typing.TYPE_CHECKING, without importing typing on the start-up path
if TYPE_CHECKING:
    from phantom_guard.registry.client import RegistryClient

__all__ = ["RegistryClient"]


def __getattr__(name: str) -> object:
    # The protocol needs typing (~4 ms); settings import this package for its endpoints on
    # every start-up, so the protocol is loaded only when asked for.
    if name == "RegistryClient":
        from phantom_guard.registry.client import RegistryClient

        return RegistryClient
    raise AttributeError(f"module {__name__!r} has no attribute {name!r}")
