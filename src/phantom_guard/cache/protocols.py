"""The cache's interfaces: `Store` (registry answers) and `FindingsStore` (name findings)."""

from __future__ import annotations

from collections.abc import Iterable, Sequence
from typing import Protocol

from phantom_guard.cache import Answer, CacheEntry, CacheStats
from phantom_guard.model import NormalizedName, PackageMetadata, Registry


class Store(Protocol):
    """Keeps registry answers per (registry, origin, normalized name); expired is a miss.

    `origin` is where the answer came from (`Settings.origin`: the base URL), so an answer from
    one mirror is never served to a run configured for another.
    """

    def get(self, registry: Registry, name: NormalizedName, origin: str = "") -> CacheEntry | None:
        """The live answer stored for this name, or None (never stored, expired, unreadable)."""
        ...

    def get_many(
        self, registry: Registry, names: Sequence[NormalizedName], origin: str = ""
    ) -> dict[NormalizedName, CacheEntry]:
        """`get` for many names of one registry at once (on disk: a query per 500 names); the
        names without a live answer are left out.
        """
        ...

    def put(
        self,
        registry: Registry,
        name: NormalizedName,
        metadata: PackageMetadata | None,
        origin: str = "",
    ) -> None:
        """Store an answer; ``None`` means the registry said the package does not exist."""
        ...

    def put_many(self, answers: Iterable[Answer]) -> None:
        """Store several answers at once (on disk: in one transaction)."""
        ...

    def clear(self, registry: Registry | None = None) -> int:
        """Forget every answer (or one registry's); returns how many were removed."""
        ...

    def stats(self) -> CacheStats:
        """Counts of what is stored, and the hits and misses since the store was opened."""
        ...

    def close(self) -> None:
        """Release files and connections; the store must not be used afterwards."""
        ...


class FindingsStore(Protocol):
    """Keeps name-analysis findings across processes (see `cache.names.CachedNames`)."""

    def get_findings(
        self, registry: Registry, name: NormalizedName, fingerprint: str
    ) -> bytes | None:
        """The live findings stored under the same `fingerprint`, else None."""
        ...

    def get_findings_many(
        self, registry: Registry, names: Sequence[NormalizedName], fingerprint: str
    ) -> dict[NormalizedName, bytes]:
        """`get_findings` for many names at once; the names without live findings left out."""
        ...

    def put_findings(
        self, registry: Registry, name: NormalizedName, fingerprint: str, payload: bytes
    ) -> None:
        """Keep findings so a later process can skip building the indexes."""
        ...
