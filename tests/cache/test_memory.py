from __future__ import annotations

import threading

import pytest

from phantom_guard.cache import Store
from phantom_guard.cache.memory import MemoryStore
from phantom_guard.model import Registry
from tests.cache import FakeClock, metadata, n

PYPI, NPM = Registry.PYPI, Registry.NPM


def test_is_a_store() -> None:
    store: Store = MemoryStore()
    assert store.get(PYPI, n("flask")) is None


def test_round_trip_found_and_not_found() -> None:
    clock = FakeClock()
    store = MemoryStore(clock=clock)
    store.put(PYPI, n("flask"), metadata())
    store.put(PYPI, n("flask-gpt-helper"), None)

    hit = store.get(PYPI, n("flask"))
    assert hit is not None
    assert hit.metadata == metadata()
    assert hit.stored_at == clock.now
    missing = store.get(PYPI, n("flask-gpt-helper"))
    assert missing is not None
    assert missing.metadata is None
    assert store.get(PYPI, n("django")) is None


def test_registries_are_separate_keys() -> None:
    store = MemoryStore()
    store.put(NPM, n("flask"), None)
    assert store.get(PYPI, n("flask")) is None
    assert store.get(NPM, n("flask")) is not None


def test_evicts_least_recently_used() -> None:
    store = MemoryStore(max_entries=3)
    for name in ("a", "b", "c"):
        store.put(PYPI, n(name), None)
    assert store.get(PYPI, n("a")) is not None  # a is now the most recent; b the least
    store.put(PYPI, n("d"), None)

    assert store.get(PYPI, n("b")) is None
    assert [name for name in "acd" if store.get(PYPI, n(name)) is not None] == ["a", "c", "d"]
    assert len(store) == 3


def test_replacing_an_entry_makes_it_recent_and_does_not_grow() -> None:
    store = MemoryStore(max_entries=2)
    store.put(PYPI, n("a"), None)
    store.put(PYPI, n("b"), None)
    store.put(PYPI, n("a"), metadata("a"))
    store.put(PYPI, n("c"), None)

    assert store.get(PYPI, n("b")) is None
    entry = store.get(PYPI, n("a"))
    assert entry is not None
    assert entry.metadata == metadata("a")


def test_ttl_expiry_found_outlives_not_found() -> None:
    clock = FakeClock()
    store = MemoryStore(ttl_found=100, ttl_not_found=10, clock=clock)
    store.put(PYPI, n("flask"), metadata())
    store.put(PYPI, n("nope"), None)

    clock.advance(9.9)
    assert store.get(PYPI, n("nope")) is not None
    clock.advance(0.1)
    assert store.get(PYPI, n("nope")) is None
    assert store.get(PYPI, n("flask")) is not None
    clock.advance(90)
    assert store.get(PYPI, n("flask")) is None
    assert len(store) == 0  # expired entries are dropped when met


def test_age_shortens_the_life_of_a_promoted_answer() -> None:
    clock = FakeClock()
    store = MemoryStore(ttl_found=100, clock=clock)
    store.put(PYPI, n("flask"), metadata(), age=90)
    entry = store.get(PYPI, n("flask"))
    assert entry is not None
    assert entry.stored_at == clock.now - 90
    clock.advance(10)
    assert store.get(PYPI, n("flask")) is None

    store.put(PYPI, n("old"), metadata("old"), age=100)
    assert store.get(PYPI, n("old")) is None


def test_clear_all_or_one_registry() -> None:
    store = MemoryStore()
    store.put(PYPI, n("a"), None)
    store.put(PYPI, n("b"), None)
    store.put(NPM, n("a"), None)

    assert store.clear(NPM) == 1
    assert store.get(PYPI, n("a")) is not None
    assert store.clear() == 2
    assert len(store) == 0


def test_stats_count_live_entries_hits_and_misses() -> None:
    clock = FakeClock()
    store = MemoryStore(ttl_found=100, ttl_not_found=10, clock=clock)
    store.put(PYPI, n("flask"), metadata())
    store.put(NPM, n("left-pad"), metadata("left-pad", NPM))
    store.put(PYPI, n("nope"), None)
    store.get(PYPI, n("flask"))
    store.get(PYPI, n("django"))

    stats = store.stats()
    assert (stats.entries, stats.found, stats.not_found) == (3, 2, 1)
    assert stats.by_registry == {"pypi": 2, "npm": 1}
    assert (stats.hits, stats.misses) == (1, 1)
    assert stats.path is None
    assert stats.size_bytes is None

    clock.advance(10)
    assert store.stats().not_found == 0


def test_rejects_an_empty_capacity() -> None:
    with pytest.raises(ValueError, match="max_entries"):
        MemoryStore(max_entries=0)


def test_threads_share_it_safely() -> None:
    store = MemoryStore(max_entries=50)
    errors: list[BaseException] = []
    start = threading.Barrier(8)

    def work(seed: int) -> None:
        try:
            start.wait()
            for i in range(2_000):
                name = n(f"pkg-{(i * 7 + seed) % 80}")
                if i % 3:
                    store.get(PYPI, name)
                else:
                    store.put(PYPI, name, None)
                if i % 500 == 0:
                    store.stats()
        except BaseException as exc:  # reported by the main thread
            errors.append(exc)

    threads = [threading.Thread(target=work, args=(seed,)) for seed in range(8)]
    for thread in threads:
        thread.start()
    for thread in threads:
        thread.join()

    assert errors == []
    assert len(store) <= 50
    stats = store.stats()
    assert stats.hits + stats.misses == 8 * (2_000 - 667)
