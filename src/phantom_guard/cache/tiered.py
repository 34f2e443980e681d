"""Memory in front of disk: a repeated name costs a dict lookup, a new process reads the file."""

from __future__ import annotations

import time

from phantom_guard.cache import Answer, CacheEntry, CacheStats
from phantom_guard.cache.memory import MemoryStore
from phantom_guard.model import NormalizedName, PackageMetadata, Registry
from phantom_guard.records import replace

TYPE_CHECKING = False  # typing.TYPE_CHECKING, without importing typing on the start-up path
if TYPE_CHECKING:
    from collections.abc import Callable, Iterable, Sequence

    from phantom_guard.cache.protocols import Store

# Answers held for the disk before they are written in one transaction.
_WRITE_BATCH = 500


class TieredStore:
    """Reads memory, then disk (a disk hit is copied into memory); writes and clears both.

    Writes reach memory at once and the disk in batches (`flush`, at the latest on `close`), so
    a run's new answers cost one transaction, not one commit per name. `disk_clock` must be the
    disk store's clock: it tells how old a promoted row already is, so it leaves memory when it
    would have expired on disk.
    """

    def __init__(
        self,
        memory: MemoryStore,
        disk: Store,
        *,
        disk_clock: Callable[[], float] = time.time,
    ) -> None:
        self.memory = memory
        self.disk = disk
        self._disk_clock = disk_clock
        self._pending: list[Answer] = []

    def get(self, registry: Registry, name: NormalizedName, origin: str = "") -> CacheEntry | None:
        """The answer from memory, else from disk; None if neither has a live one."""
        entry = self.memory.get(registry, name, origin)
        if entry is not None:
            return entry
        entry = self.disk.get(registry, name, origin)
        if entry is not None:
            age = max(0.0, self._disk_clock() - entry.stored_at)
            self.memory.put(registry, name, entry.metadata, origin, age=age)
        return entry

    def get_many(
        self, registry: Registry, names: Sequence[NormalizedName], origin: str = ""
    ) -> dict[NormalizedName, CacheEntry]:
        """`get` for many names: memory first, the rest from disk at once (and promoted)."""
        found = self.memory.get_many(registry, names, origin)
        rest = [name for name in names if name not in found]
        if rest:
            for name, entry in self.disk.get_many(registry, rest, origin).items():
                age = max(0.0, self._disk_clock() - entry.stored_at)
                self.memory.put(registry, name, entry.metadata, origin, age=age)
                found[name] = entry
        return found

    def put(
        self,
        registry: Registry,
        name: NormalizedName,
        metadata: PackageMetadata | None,
        origin: str = "",
    ) -> None:
        """Store the answer in memory now and on disk with the next batch."""
        self.memory.put(registry, name, metadata, origin)
        self._pending.append((registry, name, metadata, origin))
        if len(self._pending) >= _WRITE_BATCH:
            self.flush()

    def put_many(self, answers: Iterable[Answer]) -> None:
        """Store each answer (`put`)."""
        for registry, name, metadata, origin in answers:
            self.put(registry, name, metadata, origin)

    def flush(self) -> None:
        """Write the answers not yet on disk, in one transaction."""
        if self._pending:
            pending, self._pending = self._pending, []
            self.disk.put_many(pending)

    def clear(self, registry: Registry | None = None) -> int:
        """Clear both tiers; returns the rows removed from disk (memory holds copies of them)."""
        self.flush()
        self.memory.clear(registry)
        return self.disk.clear(registry)

    def stats(self) -> CacheStats:
        """The disk's counts; a hit is one in either tier, a miss one that missed on disk too."""
        self.flush()
        disk = self.disk.stats()
        return replace(disk, hits=self.memory.stats().hits + disk.hits)

    def close(self) -> None:
        """Write what is pending, then close both tiers."""
        self.flush()
        self.memory.close()
        self.disk.close()
