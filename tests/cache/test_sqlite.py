from __future__ import annotations

import logging
import multiprocessing
import sqlite3
import time
from collections.abc import Callable, Iterator
from concurrent.futures import ProcessPoolExecutor
from contextlib import closing
from pathlib import Path

import pytest

from phantom_guard.cache import CACHE_FILE, Store
from phantom_guard.cache.sqlite import SCHEMA_VERSION, SqliteStore
from phantom_guard.model import Registry
from tests.cache import FakeClock, metadata, n

PYPI, NPM = Registry.PYPI, Registry.NPM

Opener = Callable[..., SqliteStore]


@pytest.fixture
def path(tmp_path: Path) -> Path:
    return tmp_path / CACHE_FILE


@pytest.fixture
def open_sqlite(path: Path) -> Iterator[Opener]:
    """Opens stores on `path` (or another file) and closes every one at the end of the test."""
    opened: list[SqliteStore] = []

    def opener(file: Path | None = None, **kwargs: object) -> SqliteStore:
        store = SqliteStore(file or path, **kwargs)  # type: ignore[arg-type]
        opened.append(store)
        return store

    yield opener
    for store in opened:
        store.close()


def _query(path: Path, sql: str) -> list[tuple[object, ...]]:
    with closing(sqlite3.connect(path)) as conn:
        return conn.execute(sql).fetchall()


def _aside(path: Path) -> list[Path]:
    return sorted(path.parent.glob(f"{path.name}.corrupt-*"))


def test_round_trip_found_and_not_found(open_sqlite: Opener) -> None:
    clock = FakeClock()
    store: Store = open_sqlite(clock=clock)
    store.put(PYPI, n("flask"), metadata())
    store.put(PYPI, n("flask-gpt-helper"), None)

    hit = store.get(PYPI, n("flask"))
    assert hit is not None
    assert hit.metadata == metadata()
    assert hit.stored_at == clock.now
    missing = store.get(PYPI, n("flask-gpt-helper"))
    assert missing is not None
    assert missing.metadata is None
    assert store.get(NPM, n("flask")) is None


def test_answers_survive_reopening(open_sqlite: Opener) -> None:
    open_sqlite().put(NPM, n("@types/node"), metadata("@types/node", NPM))
    entry = open_sqlite().get(NPM, n("@types/node"))
    assert entry is not None
    assert entry.metadata == metadata("@types/node", NPM)


def test_put_replaces_the_row(open_sqlite: Opener, path: Path) -> None:
    store = open_sqlite()
    store.put(PYPI, n("flask"), None)
    store.put(PYPI, n("flask"), metadata())
    entry = store.get(PYPI, n("flask"))
    assert entry is not None
    assert entry.metadata == metadata()
    assert _query(path, "SELECT count(*) FROM packages") == [(1,)]


def test_file_settings(open_sqlite: Opener, path: Path) -> None:
    store = open_sqlite()
    assert _query(path, "PRAGMA journal_mode") == [("wal",)]
    assert _query(path, "PRAGMA user_version") == [(SCHEMA_VERSION,)]
    conn = store._conn
    assert conn.execute("PRAGMA busy_timeout").fetchone() == (5000,)
    assert conn.execute("PRAGMA synchronous").fetchone() == (1,)  # NORMAL
    (sql,) = _query(path, "SELECT sql FROM sqlite_master WHERE name = 'packages'")[0]
    assert "WITHOUT ROWID" in str(sql)


def test_ttl_per_outcome(open_sqlite: Opener) -> None:
    clock = FakeClock()
    store = open_sqlite(ttl_found=100, ttl_not_found=10, clock=clock)
    store.put(PYPI, n("flask"), metadata())
    store.put(PYPI, n("nope"), None)

    clock.advance(9.9)
    assert store.get(PYPI, n("nope")) is not None
    clock.advance(0.1)
    assert store.get(PYPI, n("nope")) is None
    assert store.get(PYPI, n("flask")) is not None
    clock.advance(90)
    assert store.get(PYPI, n("flask")) is None


def test_a_row_from_far_in_the_future_is_expired(open_sqlite: Opener) -> None:
    clock = FakeClock()
    store = open_sqlite(clock=clock)
    store.put(PYPI, n("flask"), metadata())
    clock.advance(-3600)  # the clock was set back an hour
    assert store.get(PYPI, n("flask")) is None


def test_clear_and_stats(open_sqlite: Opener, path: Path) -> None:
    store = open_sqlite()
    store.put(PYPI, n("flask"), metadata())
    store.put(PYPI, n("nope"), None)
    store.put(NPM, n("left-pad"), metadata("left-pad", NPM))
    store.get(PYPI, n("flask"))
    store.get(PYPI, n("django"))

    stats = store.stats()
    assert (stats.entries, stats.found, stats.not_found) == (3, 2, 1)
    assert stats.by_registry == {"pypi": 2, "npm": 1}
    assert (stats.hits, stats.misses) == (1, 1)
    assert stats.path == str(path)
    assert stats.size_bytes is not None
    assert stats.size_bytes > 0

    assert store.clear(NPM) == 1
    assert store.get(PYPI, n("flask")) is not None
    assert store.clear() == 2
    assert store.stats().entries == 0


def test_unreadable_row_is_a_miss_and_is_dropped(open_sqlite: Opener, path: Path) -> None:
    clock = FakeClock()
    store = open_sqlite(clock=clock)
    with closing(sqlite3.connect(path)) as conn, conn:
        conn.execute(
            "INSERT INTO packages VALUES ('pypi', '', 'flask', 1, ?, ?)", (b"{broken", clock.now)
        )
        conn.execute(
            "INSERT INTO packages VALUES ('pypi', '', 'null', 1, ?, ?)", (b"null", clock.now)
        )
        conn.execute("INSERT INTO packages VALUES ('pypi', '', 'when', 0, 'null', 'yesterday')")
    assert store.get(PYPI, n("flask")) is None
    assert store.get(PYPI, n("null")) is None
    assert store.get(PYPI, n("when")) is None
    assert _query(path, "SELECT name FROM packages") == [("when",)]  # left for a put to replace


def test_garbage_file_is_set_aside_and_rebuilt(
    open_sqlite: Opener, path: Path, caplog: pytest.LogCaptureFixture
) -> None:
    garbage = b"this is not a database\n" * 100
    path.write_bytes(garbage)
    with caplog.at_level(logging.WARNING, logger="phantom_guard"):
        store = open_sqlite()

    (aside,) = _aside(path)
    assert aside.read_bytes() == garbage
    assert int(aside.name.rsplit("-", 1)[1]) == pytest.approx(time.time(), abs=60)
    warnings = [r for r in caplog.records if r.levelno == logging.WARNING]
    assert len(warnings) == 1
    assert "not a usable cache" in warnings[0].getMessage()
    store.put(PYPI, n("flask"), metadata())
    assert store.get(PYPI, n("flask")) is not None
    assert _query(path, "PRAGMA user_version") == [(SCHEMA_VERSION,)]


def test_damaged_database_is_set_aside_without_its_old_log(
    open_sqlite: Opener, path: Path, caplog: pytest.LogCaptureFixture
) -> None:
    # A SQLite header followed by garbage, and a leftover write-ahead log of some older file.
    path.write_bytes(b"SQLite format 3\x00" + b"\xff" * 4000)
    wal = path.with_name(path.name + "-wal")
    wal.write_bytes(b"old log")
    with caplog.at_level(logging.WARNING, logger="phantom_guard"):
        store = open_sqlite()

    assert len(_aside(path)) >= 1
    assert not wal.exists() or wal.read_bytes() != b"old log"
    assert len(caplog.records) == 1
    store.put(PYPI, n("flask"), None)
    assert store.get(PYPI, n("flask")) is not None


def test_foreign_database_is_set_aside(
    open_sqlite: Opener, path: Path, caplog: pytest.LogCaptureFixture
) -> None:
    with closing(sqlite3.connect(path)) as conn, conn:
        conn.execute("CREATE TABLE users (id INTEGER PRIMARY KEY, email TEXT)")
        conn.execute("INSERT INTO users (email) VALUES ('a@example.invalid')")
        conn.execute("PRAGMA user_version = 7")
    with caplog.at_level(logging.WARNING, logger="phantom_guard"):
        store = open_sqlite()

    (aside,) = _aside(path)
    assert _query(aside, "SELECT email FROM users") == [("a@example.invalid",)]
    assert len(caplog.records) == 1
    assert "tables phantom-guard did not create" in caplog.records[0].getMessage()
    store.put(PYPI, n("flask"), None)
    assert store.get(PYPI, n("flask")) is not None


@pytest.mark.parametrize("version", [0, SCHEMA_VERSION, SCHEMA_VERSION + 1])
def test_other_layout_of_our_table_is_rebuilt_in_place(
    open_sqlite: Opener, path: Path, caplog: pytest.LogCaptureFixture, version: int
) -> None:
    with closing(sqlite3.connect(path)) as conn, conn:
        conn.execute("CREATE TABLE packages (key TEXT PRIMARY KEY, body TEXT)")
        conn.execute("INSERT INTO packages VALUES ('pypi/flask', '{}')")
        conn.execute(f"PRAGMA user_version = {version}")
    with caplog.at_level(logging.WARNING, logger="phantom_guard"):
        store = open_sqlite()

    assert _aside(path) == []
    assert caplog.records == []
    assert _query(path, "PRAGMA user_version") == [(SCHEMA_VERSION,)]
    assert store.get(PYPI, n("flask")) is None
    store.put(PYPI, n("flask"), None)
    assert store.get(PYPI, n("flask")) is not None


def test_write_failure_at_run_time_is_skipped_with_one_warning(
    open_sqlite: Opener, caplog: pytest.LogCaptureFixture
) -> None:
    store = open_sqlite()
    store.put(PYPI, n("kept"), None)
    # Makes every write fail with SQLite's own "attempt to write a readonly database".
    store._conn.execute("PRAGMA query_only = ON")
    with caplog.at_level(logging.WARNING, logger="phantom_guard"):
        store.put(PYPI, n("flask"), metadata())
        store.put(PYPI, n("django"), metadata("django"))

    assert store.get(PYPI, n("flask")) is None
    assert store.get(PYPI, n("kept")) is not None
    assert len(caplog.records) == 1
    assert "cache write failed" in caplog.records[0].getMessage()


def test_read_failure_at_run_time_is_a_miss(
    open_sqlite: Opener, path: Path, caplog: pytest.LogCaptureFixture
) -> None:
    store = open_sqlite()
    store.put(PYPI, n("flask"), None)
    with closing(sqlite3.connect(path)) as conn:
        conn.execute("DROP TABLE packages")  # someone removed the table under us
    with caplog.at_level(logging.WARNING, logger="phantom_guard"):
        assert store.get(PYPI, n("flask")) is None
        assert store.stats().entries == 0
    assert len(caplog.records) == 1
    assert "cache read failed" in caplog.records[0].getMessage()


def test_unopenable_file_raises_for_the_caller_to_fall_back(tmp_path: Path) -> None:
    (tmp_path / CACHE_FILE).mkdir()  # a directory where the file should be
    with pytest.raises(sqlite3.OperationalError):
        SqliteStore(tmp_path / CACHE_FILE)


def test_close_twice_is_harmless(path: Path) -> None:
    store = SqliteStore(path)
    store.close()
    store.close()


# Several processes sharing one file: the pre-commit hook, the editor and CI at the same moment.

_WORKERS = 4
_NAMES_PER_WORKER = 200
_STRIDE = 100  # worker k uses names k*100 .. k*100+199, so neighbours overlap by half


class _Collect(logging.Handler):
    def __init__(self, records: list[logging.LogRecord]) -> None:
        super().__init__(logging.WARNING)
        self.records = records

    def emit(self, record: logging.LogRecord) -> None:
        self.records.append(record)


def _worker(path: str, index: int) -> int:
    """Wait for every worker, then put and get 200 names; fail on any warning or lost write."""
    warnings: list[logging.LogRecord] = []
    handler = _Collect(warnings)
    logging.getLogger("phantom_guard").addHandler(handler)

    ready = Path(path).with_name(f"ready-{index}")
    ready.touch()
    deadline = time.monotonic() + 60
    while len(list(ready.parent.glob("ready-*"))) < _WORKERS:
        if time.monotonic() > deadline:
            raise TimeoutError("the other workers never started")
        time.sleep(0.005)

    store = SqliteStore(path)  # opened at the same moment by all: races the schema set-up
    try:
        for i in range(_NAMES_PER_WORKER):
            name = n(f"pkg-{index * _STRIDE + i}")
            value = metadata(name) if i % 4 else None
            store.put(PYPI, name, value)
            entry = store.get(PYPI, name)
            if entry is None or entry.metadata != value:
                raise AssertionError(f"worker {index} lost {name}")
    finally:
        store.close()
    if warnings:
        raise AssertionError(f"worker {index} logged: {warnings[0].getMessage()}")
    return _NAMES_PER_WORKER


def test_many_processes_share_one_file(tmp_path: Path, open_sqlite: Opener) -> None:
    path = tmp_path / CACHE_FILE
    context = multiprocessing.get_context("spawn")
    with ProcessPoolExecutor(max_workers=_WORKERS, mp_context=context) as pool:
        done = list(pool.map(_worker, [str(path)] * _WORKERS, range(_WORKERS)))
    assert done == [_NAMES_PER_WORKER] * _WORKERS

    distinct = (_WORKERS - 1) * _STRIDE + _NAMES_PER_WORKER
    store = open_sqlite(path)
    assert store.stats().entries == distinct
    for k in range(distinct):
        name = n(f"pkg-{k}")
        entry = store.get(PYPI, name)
        assert entry is not None, name
        # Overlapping workers agree on every name: their offsets differ by a multiple of 4.
        assert entry.metadata == (metadata(name) if k % 4 else None)


def test_findings_round_trip_under_their_fingerprint(open_sqlite: Opener, path: Path) -> None:
    store = open_sqlite()
    store.put_findings(PYPI, n("reqeusts"), "lists-a", b"payload-a")
    assert store.get_findings(PYPI, n("reqeusts"), "lists-a") == b"payload-a"
    assert store.get_findings(PYPI, n("reqeusts"), "lists-b") is None  # other lists: a miss
    assert store.get_findings(NPM, n("reqeusts"), "lists-a") is None
    store.put_findings(PYPI, n("reqeusts"), "lists-b", b"payload-b")  # replaces, one row per name
    assert store.get_findings(PYPI, n("reqeusts"), "lists-a") is None
    assert _query(path, "SELECT count(*) FROM findings") == [(1,)]
    assert store.stats().entries == 0  # findings are not answers


def test_clear_removes_findings_too(open_sqlite: Opener, path: Path) -> None:
    store = open_sqlite()
    store.put(PYPI, n("flask"), None)
    store.put_findings(PYPI, n("flask"), "f", b"p")
    store.put_findings(NPM, n("left-pad"), "f", b"p")
    assert store.clear(NPM) == 0
    assert store.get_findings(NPM, n("left-pad"), "f") is None
    assert store.get_findings(PYPI, n("flask"), "f") == b"p"
    assert store.clear() == 1
    assert _query(path, "SELECT count(*) FROM findings") == [(0,)]


def test_a_first_version_file_gains_the_findings_table(open_sqlite: Opener, path: Path) -> None:
    with closing(sqlite3.connect(path)) as conn, conn:
        conn.execute(
            "CREATE TABLE packages (registry TEXT NOT NULL, name TEXT NOT NULL, "
            "found INTEGER NOT NULL, payload BLOB NOT NULL, stored_at REAL NOT NULL, "
            "PRIMARY KEY (registry, name))"
        )
        conn.execute("PRAGMA user_version = 1")
    store = open_sqlite()
    store.put_findings(PYPI, n("flask"), "f", b"p")
    assert store.get_findings(PYPI, n("flask"), "f") == b"p"
    assert _query(path, "PRAGMA user_version") == [(SCHEMA_VERSION,)]


def test_get_many_answers_what_get_answers_for_each(open_sqlite: Opener, path: Path) -> None:
    """Found, not found, expired, unreadable and absent rows, across more than one query."""
    clock = FakeClock()
    store = open_sqlite(ttl_found=100, ttl_not_found=10, clock=clock)
    names = [n(f"pkg-{i}") for i in range(1200)]  # three queries of at most 500
    store.put_many((PYPI, name, metadata(name), "") for name in names[:600])
    store.put_many((PYPI, name, None, "") for name in names[600:900])
    store.put(NPM, names[0], metadata(names[0], NPM))
    store.put(PYPI, names[0], metadata(), "http://mirror.example.test")
    with closing(sqlite3.connect(path)) as conn, conn:
        conn.execute(
            "UPDATE packages SET payload = ? WHERE name = 'pkg-7' AND registry = 'pypi'",
            (b"{broken",),
        )
    clock.advance(20)  # the not-found answers have expired, the found ones not
    many = store.get_many(PYPI, names)
    one_by_one = {name: store.get(PYPI, name) for name in names}
    assert many == {name: entry for name, entry in one_by_one.items() if entry is not None}
    assert len(many) == 599 and n("pkg-7") not in many
    assert store.get_many(PYPI, []) == {}
    assert store.stats().hits == 2 * 599


def test_get_findings_many_answers_what_get_findings_answers(open_sqlite: Opener) -> None:
    store = open_sqlite()
    names = [n(f"name-{i}") for i in range(700)]
    for name in names[::2]:
        store.put_findings(PYPI, name, "lists-a", name.encode())
    store.put_findings(PYPI, names[1], "lists-b", b"other lists")
    many = store.get_findings_many(PYPI, names, "lists-a")
    assert many == {name: name.encode() for name in names[::2]}
    assert all(store.get_findings(PYPI, name, "lists-a") == many.get(name) for name in names)
