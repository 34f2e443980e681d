"""The store for ``--no-cache``: it keeps nothing, so every name is looked up afresh."""

from __future__ import annotations

from _thread import allocate_lock  # the lock threading makes, without its ~1.5 ms import
from collections.abc import Iterable, Sequence

from phantom_guard.cache import Answer, CacheEntry, CacheStats
from phantom_guard.model import NormalizedName, PackageMetadata, Registry


class NullStore:
    """Every get is a miss and every put is dropped."""

    def __init__(self) -> None:
        self._lock = allocate_lock()
        self._misses = 0

    def get(self, registry: Registry, name: NormalizedName, origin: str = "") -> CacheEntry | None:
        """Always None."""
        with self._lock:
            self._misses += 1
        return None

    def get_many(
        self, registry: Registry, names: Sequence[NormalizedName], origin: str = ""
    ) -> dict[NormalizedName, CacheEntry]:
        """Always empty."""
        with self._lock:
            self._misses += len(names)
        return {}

    def put(
        self,
        registry: Registry,
        name: NormalizedName,
        metadata: PackageMetadata | None,
        origin: str = "",
    ) -> None:
        """Drop the answer."""

    def put_many(self, answers: Iterable[Answer]) -> None:
        """Drop the answers."""

    def clear(self, registry: Registry | None = None) -> int:
        """Nothing to remove: 0."""
        return 0

    def stats(self) -> CacheStats:
        """All zero, except the misses counted so far."""
        with self._lock:
            misses = self._misses
        return CacheStats(
            entries=0,
            found=0,
            not_found=0,
            by_registry={},
            path=None,
            size_bytes=None,
            hits=0,
            misses=misses,
        )

    def close(self) -> None:
        """Nothing to release."""
