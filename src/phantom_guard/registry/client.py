"""The `RegistryClient` protocol every registry client implements."""

from __future__ import annotations

from typing import Protocol

from phantom_guard.model import NormalizedName, PackageMetadata, Registry


class RegistryClient(Protocol):
    """Looks a package up on one registry."""

    registry: Registry

    async def fetch(self, name: NormalizedName) -> PackageMetadata | None:
        """The package's metadata, or None if the registry does not have it."""
        ...
