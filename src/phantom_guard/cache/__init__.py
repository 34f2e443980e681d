"""The cache port: what a registry said about a name, kept so the next run need not ask again.

`Store` is the one interface; `MemoryStore` (LRU + TTL, per process), `SqliteStore` (one file
shared by every process), `TieredStore` (memory in front of disk) and `NullStore` (``--no-cache``)
implement it. `open_store` builds the right one and never fails: a cache that cannot be written
degrades to memory only, with one warning. Only answers are stored, never failures.
"""

from __future__ import annotations

from phantom_guard import log
from phantom_guard.model import NormalizedName, PackageMetadata, Registry
from phantom_guard.records import record

TYPE_CHECKING = False  # typing.TYPE_CHECKING, without importing typing on the start-up path
if TYPE_CHECKING:
    from typing import TypeAlias

    from phantom_guard.cache.protocols import FindingsStore, Store
    from phantom_guard.settings import StrPath

__all__ = [
    "CACHE_FILE",
    "Answer",
    "CacheEntry",
    "CacheStats",
    "FindingsStore",
    "Store",
    "findings_store",
    "open_store",
]

CACHE_FILE = "cache.sqlite3"

#: One answer to store: the registry, the name, its metadata (None: not found), its origin.
Answer: TypeAlias = tuple[Registry, NormalizedName, PackageMetadata | None, str]


@record
class CacheEntry:
    """A stored answer: the metadata, or ``None`` for "the registry does not have it".

    `stored_at` is when it was stored, on the store's clock (Unix seconds on disk).
    """

    metadata: PackageMetadata | None
    stored_at: float


@record
class CacheStats:
    """What a store holds, and how often it answered since it was opened."""

    entries: int
    found: int
    not_found: int
    by_registry: dict[str, int]
    path: str | None
    size_bytes: int | None
    hits: int
    misses: int


def findings_store(store: Store) -> FindingsStore | None:
    """The disk behind `store` when it keeps findings; memory keeps none (analysis is faster)."""
    from phantom_guard.cache.sqlite import SqliteStore
    from phantom_guard.cache.tiered import TieredStore

    if isinstance(store, TieredStore):
        store = store.disk
    return store if isinstance(store, SqliteStore) else None


def open_store(cache_dir: StrPath | None, *, enabled: bool = True) -> Store:
    """The store a run should use; never raises.

    ``enabled=False`` (``--no-cache``) gives a `NullStore`, so every name goes to the network.
    With no `cache_dir`, or one that cannot be created or written, answers live in memory only.
    """
    # Imported here, not at the top: the implementations import this module's records.
    from phantom_guard.cache.memory import MemoryStore

    if not enabled:
        from phantom_guard.cache.null import NullStore

        return NullStore()
    if cache_dir is None:
        return MemoryStore()

    import os

    from phantom_guard.cache.sqlite import SqliteStore
    from phantom_guard.cache.tiered import TieredStore
    from phantom_guard.stand_ins import sqlite3

    path = os.path.join(cache_dir, CACHE_FILE)
    try:
        os.makedirs(cache_dir, exist_ok=True)
        disk = SqliteStore(path)
    except OSError as exc:
        log.warning(
            "cache disabled: cannot write %s: %s; using memory only",
            cache_dir,
            exc.strerror or exc,
        )
        return MemoryStore()
    except sqlite3.Error as exc:
        log.warning("cache disabled: cannot write %s: %s; using memory only", path, exc)
        return MemoryStore()
    return TieredStore(MemoryStore(), disk)


def __getattr__(name: str) -> object:
    # The protocols need typing (~4 ms), which a cached name's answer need not pay for.
    if name in ("Store", "FindingsStore"):
        from phantom_guard.cache import protocols

        return getattr(protocols, name)
    raise AttributeError(f"module {__name__!r} has no attribute {name!r}")
