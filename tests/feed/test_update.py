"""``feed update``'s import: what is kept, counts and date, atomic swap, conditional download."""

from __future__ import annotations

import json
import zipfile
from collections.abc import Iterator
from datetime import UTC, datetime
from pathlib import Path

import pytest

from phantom_guard.errors import FeedError, InputError
from phantom_guard.feed import FEED_FILE, open_feed
from phantom_guard.feed import osv as osv_module
from phantom_guard.feed.store import FeedStore
from phantom_guard.feed.update import update
from phantom_guard.model import NormalizedName, Registry
from tests.feed.archives import CASES, record, whole, write_zip
from tests.feed.server import FeedServer

FIXED_NOW = datetime(2026, 2, 1, 12, 0, tzinfo=UTC)


def _update(cache: Path, source: str, **kwargs: object) -> object:
    return update(
        cache, base_url="http://feed.example.test", source=source, clock=lambda: FIXED_NOW, **kwargs
    )  # type: ignore[arg-type]


def _open(cache: Path) -> FeedStore:
    store = open_feed(cache)
    assert store is not None
    return store


def _ids(store: FeedStore, registry: Registry, name: str) -> list[str]:
    return sorted(item.advisory for item in store.listings(registry, NormalizedName(name)))


def test_import_keeps_published_malicious_records_only(tmp_path: Path) -> None:
    archive = write_zip(tmp_path / "all.zip", CASES)
    _update(tmp_path / "cache", str(archive))
    store = _open(tmp_path / "cache")
    try:
        status = store.status()
        # 6 kept: withdrawn, MAL-0000 ingest and the non-MAL record are not.
        assert status.records == 6
        assert status.ecosystems == {"PyPI": 1, "npm": 4, "crates.io": 1}
        # The newest `modified` among kept records; the MAL-0000 file's later date is ignored.
        assert status.data_as_of == "2025-09-12T08:30:00Z"
        assert status.fetched_at == "2026-02-01T12:00:00Z"
        assert _ids(store, Registry.NPM, "evil-pkg") == ["MAL-2025-100"]
        assert _ids(store, Registry.NPM, "taken-back") == []
        assert _ids(store, Registry.NPM, "ingest-only") == []
        # Names are stored normalized: crates fold '_' to '-', PyPI by PEP 503.
        assert _ids(store, Registry.CRATES, "evil-crate") == ["MAL-2025-105"]
        assert _ids(store, Registry.PYPI, "requests-toolbelt2") == ["MAL-2025-106"]
        (fixed,) = store.listings(Registry.NPM, NormalizedName("fixed-later"))
        assert not fixed.whole
        assert fixed.ranges[0].events == (("introduced", "1.2.0"), ("fixed", "1.2.3"))
        (chalk,) = store.listings(Registry.NPM, NormalizedName("chalk"))
        assert chalk.versions == ("5.6.1",)
    finally:
        store.close()


def test_a_folder_of_osv_json_imports_the_same(tmp_path: Path) -> None:
    folder = tmp_path / "osv"
    for item in CASES:
        path = folder / item["affected"][0]["package"]["ecosystem"] if item["affected"] else folder
        path.mkdir(parents=True, exist_ok=True)
        (path / f"{item['id']}.json").write_text(json.dumps(item))
    _update(tmp_path / "cache", str(folder))
    store = _open(tmp_path / "cache")
    try:
        assert store.status().records == 6
    finally:
        store.close()


def test_ecosystem_selection_keeps_the_others(tmp_path: Path) -> None:
    cache = tmp_path / "cache"
    _update(cache, str(write_zip(tmp_path / "a.zip", CASES)))
    newer = [whole("MAL-2026-1", "brand-new", modified="2026-01-20T00:00:00Z")]
    _update(cache, str(write_zip(tmp_path / "b.zip", newer)), registries=[Registry.NPM])
    store = _open(cache)
    try:
        status = store.status()
        assert status.ecosystems == {"PyPI": 1, "npm": 1, "crates.io": 1}
        assert status.data_as_of == "2026-01-20T00:00:00Z"
        assert _ids(store, Registry.NPM, "evil-pkg") == []
        assert _ids(store, Registry.CRATES, "evil-crate") == ["MAL-2025-105"]
    finally:
        store.close()


def test_unreadable_member_is_counted_not_fatal(tmp_path: Path) -> None:
    archive = write_zip(tmp_path / "all.zip", [whole("MAL-2025-1", "one")])
    with zipfile.ZipFile(archive, "a") as z:
        z.writestr("MAL-2025-2.json", "{not json")
    result = _update(tmp_path / "cache", str(archive))
    assert result.unreadable == 1  # type: ignore[attr-defined]


def test_missing_path_is_an_input_error(tmp_path: Path) -> None:
    with pytest.raises(InputError):
        _update(tmp_path / "cache", str(tmp_path / "nope.zip"))


def test_damaged_archive_keeps_the_old_feed(tmp_path: Path) -> None:
    cache = tmp_path / "cache"
    _update(cache, str(write_zip(tmp_path / "good.zip", CASES)))
    damaged = tmp_path / "damaged.zip"
    damaged.write_bytes(write_zip(tmp_path / "big.zip", CASES).read_bytes()[:200])
    with pytest.raises(FeedError):
        _update(cache, str(damaged))
    store = _open(cache)
    try:
        assert store.status().records == 6
    finally:
        store.close()
    assert sorted(p.name for p in cache.iterdir()) == [FEED_FILE]


def test_interrupted_update_leaves_the_old_feed_readable(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    cache = tmp_path / "cache"
    _update(cache, str(write_zip(tmp_path / "old.zip", CASES)))
    reader = _open(cache)  # a reader that holds the old feed through the update
    many = [whole(f"MAL-2026-{i}", f"pkg-{i}") for i in range(50)]
    calls = 0
    real = osv_module.read_record

    def interrupted(document: object, registries: frozenset[Registry]) -> object:
        nonlocal calls
        calls += 1
        if calls == 20:
            raise KeyboardInterrupt
        return real(document, registries)

    monkeypatch.setattr("phantom_guard.feed.update.read_record", interrupted)
    with pytest.raises(KeyboardInterrupt):
        _update(cache, str(write_zip(tmp_path / "new.zip", many)))
    try:
        assert reader.status().records == 6
        assert _ids(reader, Registry.NPM, "evil-pkg") == ["MAL-2025-100"]
    finally:
        reader.close()
    store = _open(cache)
    try:
        assert store.status().records == 6
        assert _ids(store, Registry.NPM, "pkg-1") == []
    finally:
        store.close()
    assert sorted(p.name for p in cache.iterdir()) == [FEED_FILE]  # no temporary file left


def test_a_reader_keeps_its_feed_while_an_update_swaps_in_a_new_one(tmp_path: Path) -> None:
    cache = tmp_path / "cache"
    _update(cache, str(write_zip(tmp_path / "old.zip", CASES)))
    reader = _open(cache)
    _update(cache, str(write_zip(tmp_path / "new.zip", [whole("MAL-2026-9", "other")])))
    try:
        assert _ids(reader, Registry.NPM, "evil-pkg") == ["MAL-2025-100"]
    finally:
        reader.close()
    store = _open(cache)
    try:
        assert store.status().records == 1
    finally:
        store.close()


def test_damaged_feed_file_is_a_feed_error(tmp_path: Path) -> None:
    (tmp_path / FEED_FILE).write_bytes(b"not a database" * 100)
    with pytest.raises(FeedError):
        open_feed(tmp_path)


@pytest.fixture
def feed_server() -> Iterator[FeedServer]:
    with FeedServer() as server:
        server.archives["/npm/all.zip"] = _zip_bytes(
            [whole("MAL-2025-1", "evil-pkg"), record("MAL-2025-2", "chalk", versions=["5.6.1"])]
        )
        server.archives["/PyPI/all.zip"] = _zip_bytes([whole("MAL-2025-3", "evil-py", "PyPI")])
        server.archives["/crates.io/all.zip"] = _zip_bytes([])
        yield server


def _zip_bytes(records: list[dict[str, object]]) -> bytes:
    import io

    buffer = io.BytesIO()
    with zipfile.ZipFile(buffer, "w") as archive:
        for item in records:
            archive.writestr(f"{item['id']}.json", json.dumps(item))
    return buffer.getvalue()


def test_download_then_revalidate_with_etag(tmp_path: Path, feed_server: FeedServer) -> None:
    cache = tmp_path / "cache"
    first = update(cache, base_url=feed_server.url)
    assert first.status.ecosystems == {"PyPI": 1, "npm": 2, "crates.io": 0}
    assert [status for _, _, status in feed_server.log] == [200, 200, 200]
    assert {path for path, _, _ in feed_server.log} == {
        "/PyPI/all.zip",
        "/npm/all.zip",
        "/crates.io/all.zip",
    }
    feed_server.log.clear()
    second = update(cache, base_url=feed_server.url)
    assert [status for _, _, status in feed_server.log] == [304, 304, 304]
    assert all(etag is not None for _, etag, _ in feed_server.log)
    assert set(second.unchanged) == set(Registry)
    assert second.status.records == 3
    # One archive changes: only it is imported again, the others keep their rows.
    feed_server.archives["/npm/all.zip"] = _zip_bytes([whole("MAL-2026-7", "newer-evil")])
    feed_server.log.clear()
    third = update(cache, base_url=feed_server.url)
    assert sorted(s for _, _, s in feed_server.log) == [200, 304, 304]
    assert third.status.ecosystems == {"PyPI": 1, "npm": 1, "crates.io": 0}
    store = _open(cache)
    try:
        assert _ids(store, Registry.PYPI, "evil-py") == ["MAL-2025-3"]
        assert _ids(store, Registry.NPM, "newer-evil") == ["MAL-2026-7"]
    finally:
        store.close()


def test_server_error_keeps_the_old_feed(tmp_path: Path, feed_server: FeedServer) -> None:
    cache = tmp_path / "cache"
    update(cache, base_url=feed_server.url)
    feed_server.fail_with = 503
    with pytest.raises(FeedError, match="503"):
        update(cache, base_url=feed_server.url)
    store = _open(cache)
    try:
        assert store.status().records == 3
    finally:
        store.close()
    assert sorted(p.name for p in cache.iterdir()) == [FEED_FILE]
