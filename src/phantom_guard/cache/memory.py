"""The per-process cache: a bounded LRU with a time-to-live per outcome."""

from __future__ import annotations

import time
from _thread import allocate_lock  # the lock threading makes, without its ~1.5 ms import
from collections import OrderedDict

from phantom_guard.cache import Answer, CacheEntry, CacheStats
from phantom_guard.model import NormalizedName, PackageMetadata, Registry

TYPE_CHECKING = False  # typing.TYPE_CHECKING, without importing typing on the start-up path
if TYPE_CHECKING:
    from collections.abc import Callable, Iterable, Sequence

_Key = tuple[Registry, str, NormalizedName]


class MemoryStore:
    """An LRU of at most `max_entries` answers; found ones live `ttl_found` seconds, others less.

    Every operation is O(1) under one lock, so threads (and tasks) can share it. `clock` is
    monotonic by default, so a wall-clock jump neither expires nor revives anything.
    """

    def __init__(
        self,
        max_entries: int = 10_000,
        ttl_found: float = 6 * 3600,
        ttl_not_found: float = 3600,
        clock: Callable[[], float] = time.monotonic,
    ) -> None:
        if max_entries < 1:
            raise ValueError("max_entries must be at least 1")
        self.max_entries = max_entries
        self.ttl_found = ttl_found
        self.ttl_not_found = ttl_not_found
        self._clock = clock
        self._lock = allocate_lock()
        # Value: (expires_at on `clock`, entry). Order: least recently used first.
        self._data: OrderedDict[_Key, tuple[float, CacheEntry]] = OrderedDict()
        self._hits = 0
        self._misses = 0

    def get(self, registry: Registry, name: NormalizedName, origin: str = "") -> CacheEntry | None:
        """The live answer for this name from `origin` (and mark it recently used), or None."""
        key = (registry, origin, name)
        now = self._clock()
        with self._lock:
            item = self._data.get(key)
            if item is None:
                self._misses += 1
                return None
            if item[0] <= now:
                del self._data[key]
                self._misses += 1
                return None
            self._data.move_to_end(key)
            self._hits += 1
            return item[1]

    def get_many(
        self, registry: Registry, names: Sequence[NormalizedName], origin: str = ""
    ) -> dict[NormalizedName, CacheEntry]:
        """`get` for each name; the names without a live answer are left out."""
        found = {}
        for name in names:
            entry = self.get(registry, name, origin)
            if entry is not None:
                found[name] = entry
        return found

    def put(
        self,
        registry: Registry,
        name: NormalizedName,
        metadata: PackageMetadata | None,
        origin: str = "",
        *,
        age: float = 0.0,
    ) -> None:
        """Store an answer, evicting the least recently used one when full.

        `age` is how old the answer already is (a row promoted from disk), so it still expires
        when its time-to-live since it was first fetched runs out.
        """
        ttl = self.ttl_found if metadata is not None else self.ttl_not_found
        now = self._clock()
        key = (registry, origin, name)
        with self._lock:
            if age >= ttl:
                self._data.pop(key, None)
                return
            self._data[key] = (now - age + ttl, CacheEntry(metadata, now - age))
            self._data.move_to_end(key)
            if len(self._data) > self.max_entries:
                self._data.popitem(last=False)

    def put_many(self, answers: Iterable[Answer]) -> None:
        """Store each answer (`put`)."""
        for registry, name, metadata, origin in answers:
            self.put(registry, name, metadata, origin)

    def clear(self, registry: Registry | None = None) -> int:
        """Forget every answer, or one registry's; returns how many were removed."""
        with self._lock:
            if registry is None:
                removed = len(self._data)
                self._data.clear()
                return removed
            doomed = [key for key in self._data if key[0] == registry]
            for key in doomed:
                del self._data[key]
            return len(doomed)

    def stats(self) -> CacheStats:
        """Counts of the live answers held, and the hits and misses so far."""
        now = self._clock()
        found = not_found = 0
        by_registry: dict[str, int] = {}
        with self._lock:
            for (registry, _, _), (expires_at, entry) in self._data.items():
                if expires_at <= now:
                    continue
                if entry.metadata is None:
                    not_found += 1
                else:
                    found += 1
                by_registry[registry.value] = by_registry.get(registry.value, 0) + 1
            hits, misses = self._hits, self._misses
        return CacheStats(
            entries=found + not_found,
            found=found,
            not_found=not_found,
            by_registry=by_registry,
            path=None,
            size_bytes=None,
            hits=hits,
            misses=misses,
        )

    def close(self) -> None:
        """Drop everything held; memory has nothing else to release."""
        self.clear()

    def __len__(self) -> int:
        with self._lock:
            return len(self._data)
