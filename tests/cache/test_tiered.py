from __future__ import annotations

import logging
from collections.abc import Iterator
from pathlib import Path

import pytest

from phantom_guard.cache import CACHE_FILE, Store, open_store
from phantom_guard.cache.memory import MemoryStore
from phantom_guard.cache.null import NullStore
from phantom_guard.cache.sqlite import SqliteStore
from phantom_guard.cache.tiered import TieredStore
from phantom_guard.model import Registry
from tests.cache import FakeClock, metadata, n

PYPI, NPM = Registry.PYPI, Registry.NPM


@pytest.fixture
def clock() -> FakeClock:
    return FakeClock()


@pytest.fixture
def tiered(tmp_path: Path, clock: FakeClock) -> Iterator[TieredStore]:
    memory = MemoryStore(ttl_found=100, ttl_not_found=10, clock=clock)
    disk = SqliteStore(tmp_path / CACHE_FILE, ttl_found=100, ttl_not_found=10, clock=clock)
    store = TieredStore(memory, disk, disk_clock=clock)
    yield store
    store.close()


def test_put_writes_memory_now_and_disk_on_flush(tiered: TieredStore) -> None:
    store: Store = tiered
    store.put(PYPI, n("flask"), metadata())
    assert tiered.memory.get(PYPI, n("flask")) is not None
    assert tiered.disk.get(PYPI, n("flask")) is None  # not yet: one transaction per batch
    tiered.flush()
    assert tiered.disk.get(PYPI, n("flask")) is not None


def test_close_writes_the_pending_answers(tmp_path: Path) -> None:
    tiered = TieredStore(MemoryStore(), SqliteStore(tmp_path / CACHE_FILE))
    tiered.put_many([(PYPI, n(f"pkg-{i}"), metadata(f"pkg-{i}"), "") for i in range(3)])
    tiered.put(NPM, n("left-pad"), None)
    tiered.close()
    reopened = SqliteStore(tmp_path / CACHE_FILE)
    try:
        assert reopened.stats().entries == 4
        entry = reopened.get(NPM, n("left-pad"))
        assert entry is not None
        assert entry.metadata is None
    finally:
        reopened.close()


def test_memory_answers_first(tiered: TieredStore) -> None:
    tiered.put(PYPI, n("flask"), metadata())
    entry = tiered.get(PYPI, n("flask"))
    assert entry is not None
    assert entry.metadata == metadata()
    assert tiered.disk.stats().hits + tiered.disk.stats().misses == 0


def test_disk_hit_fills_memory(tiered: TieredStore) -> None:
    tiered.disk.put(PYPI, n("flask"), metadata())
    assert tiered.get(PYPI, n("flask")) is not None
    assert tiered.memory.get(PYPI, n("flask")) is not None
    assert tiered.get(PYPI, n("flask")) is not None
    assert tiered.disk.stats().hits == 1  # the second get never reached the disk


def test_promoted_answer_keeps_its_age(tiered: TieredStore, clock: FakeClock) -> None:
    tiered.disk.put(PYPI, n("flask"), metadata())
    clock.advance(90)
    assert tiered.get(PYPI, n("flask")) is not None
    clock.advance(10)
    assert tiered.memory.get(PYPI, n("flask")) is None
    assert tiered.get(PYPI, n("flask")) is None


def test_not_found_is_cached_for_less_time(tiered: TieredStore, clock: FakeClock) -> None:
    tiered.put(PYPI, n("nope"), None)
    tiered.put(PYPI, n("flask"), metadata())
    clock.advance(10)
    assert tiered.get(PYPI, n("nope")) is None
    assert tiered.get(PYPI, n("flask")) is not None


def test_clear_empties_both(tiered: TieredStore) -> None:
    tiered.put(PYPI, n("flask"), metadata())
    tiered.put(NPM, n("left-pad"), None)
    assert tiered.clear(NPM) == 1
    assert tiered.get(NPM, n("left-pad")) is None
    assert tiered.clear() == 1
    assert tiered.get(PYPI, n("flask")) is None
    assert len(tiered.memory) == 0


def test_stats_come_from_disk_with_hits_from_both(tiered: TieredStore) -> None:
    tiered.put(PYPI, n("flask"), metadata())
    tiered.disk.put(PYPI, n("django"), metadata("django"))
    tiered.get(PYPI, n("flask"))  # memory hit
    tiered.get(PYPI, n("django"))  # disk hit
    tiered.get(PYPI, n("nope"))  # miss in both

    stats = tiered.stats()
    assert (stats.entries, stats.found, stats.hits, stats.misses) == (2, 2, 2, 1)
    assert stats.path is not None
    assert stats.path.endswith(CACHE_FILE)


def test_null_store_keeps_nothing() -> None:
    store: Store = NullStore()
    store.put(PYPI, n("flask"), metadata())
    assert store.get(PYPI, n("flask")) is None
    assert store.clear() == 0
    stats = store.stats()
    assert (stats.entries, stats.hits, stats.misses) == (0, 0, 1)
    store.close()


def test_open_store_disabled_is_null(tmp_path: Path) -> None:
    store = open_store(tmp_path / "cache", enabled=False)
    assert isinstance(store, NullStore)
    assert not (tmp_path / "cache").exists()


def test_open_store_without_a_directory_is_memory_only() -> None:
    store = open_store(None)
    assert isinstance(store, MemoryStore)


def test_open_store_creates_the_directory(tmp_path: Path) -> None:
    cache_dir = tmp_path / "a" / "b"
    store = open_store(cache_dir)
    try:
        assert isinstance(store, TieredStore)
        store.put(PYPI, n("flask"), metadata())
        assert (cache_dir / CACHE_FILE).is_file()
    finally:
        store.close()
    reopened = open_store(cache_dir)
    try:
        assert reopened.get(PYPI, n("flask")) is not None
    finally:
        reopened.close()


def test_open_store_falls_back_to_memory_when_the_directory_cannot_be_made(
    tmp_path: Path, caplog: pytest.LogCaptureFixture
) -> None:
    # A path below a regular file can be created by nobody, root included (unlike chmod 0o500).
    blocker = tmp_path / "file.txt"
    blocker.write_text("not a directory")
    with caplog.at_level(logging.WARNING, logger="phantom_guard"):
        store = open_store(blocker / "sub")

    assert isinstance(store, MemoryStore)
    assert len(caplog.records) == 1
    message = caplog.records[0].getMessage()
    assert message.startswith(f"cache disabled: cannot write {blocker / 'sub'}: ")
    assert message.endswith("; using memory only")
    store.put(PYPI, n("flask"), None)
    assert store.get(PYPI, n("flask")) is not None


def test_open_store_falls_back_to_memory_when_the_file_cannot_be_opened(
    tmp_path: Path, caplog: pytest.LogCaptureFixture
) -> None:
    (tmp_path / CACHE_FILE).mkdir()  # a directory where the database file should be
    with caplog.at_level(logging.WARNING, logger="phantom_guard"):
        store = open_store(tmp_path)

    assert isinstance(store, MemoryStore)
    assert len(caplog.records) == 1
    assert "using memory only" in caplog.records[0].getMessage()


def test_findings_live_on_disk_only(tiered: TieredStore) -> None:
    from phantom_guard.cache import findings_store

    assert findings_store(tiered) is tiered.disk
    assert findings_store(tiered.memory) is None


def test_get_many_reads_memory_then_disk_and_promotes(tiered: TieredStore) -> None:
    tiered.memory.put(PYPI, n("in-memory"), metadata("in-memory"))
    tiered.disk.put(PYPI, n("on-disk"), None)
    found = tiered.get_many(PYPI, [n("in-memory"), n("on-disk"), n("nowhere")])
    assert set(found) == {n("in-memory"), n("on-disk")}
    assert found[n("on-disk")].metadata is None
    assert tiered.memory.get(PYPI, n("on-disk")) is not None  # promoted
    assert NullStore().get_many(PYPI, [n("flask")]) == {}
    memory = MemoryStore()
    memory.put(NPM, n("left-pad"), None)
    assert list(memory.get_many(NPM, [n("left-pad"), n("right-pad")])) == [n("left-pad")]
