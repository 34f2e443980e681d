"""The disk cache: one SQLite file that every phantom-guard process on the machine shares.

A file that is not a SQLite database, is damaged, or holds someone else's tables is moved aside
(``cache.sqlite3.corrupt-<unix time>``) and a new one started, with one warning. Trouble at run
time (disk full, a lock held past the timeout) costs a miss or a skipped write, never the run.
"""

from __future__ import annotations

import os
import time
from _thread import allocate_lock  # the lock threading makes, without its ~1.5 ms import

from phantom_guard import log
from phantom_guard.cache import Answer, CacheEntry, CacheStats
from phantom_guard.cache.codec import PayloadError, decode, encode
from phantom_guard.model import NormalizedName, PackageMetadata, Registry
from phantom_guard.stand_ins import sqlite3

TYPE_CHECKING = False  # typing.TYPE_CHECKING, without importing typing on the start-up path
if TYPE_CHECKING:
    from collections.abc import Callable, Iterable, Sequence
    from typing import Any

    from phantom_guard.settings import StrPath

# Bump when the table or the payload format changes: a file with another version is rebuilt.
# 3: answers are keyed by their origin (the base URL they came from); findings rows carry
# their time and time-to-live. Older files are rebuilt, so no answer without an origin survives.
SCHEMA_VERSION = 3
_TABLE = "packages"
_FINDINGS = "findings"
_TABLES = frozenset({_TABLE, _FINDINGS})
_CREATE = f"""
CREATE TABLE {_TABLE} (
    registry TEXT NOT NULL,
    origin TEXT NOT NULL,
    name TEXT NOT NULL,
    found INTEGER NOT NULL,
    payload BLOB NOT NULL,
    stored_at REAL NOT NULL,
    PRIMARY KEY (registry, origin, name)
) WITHOUT ROWID
"""
# Name-analysis findings: one row per name, replaced when the lists or rules change.
_CREATE_FINDINGS = f"""
CREATE TABLE {_FINDINGS} (
    registry TEXT NOT NULL,
    name TEXT NOT NULL,
    fingerprint TEXT NOT NULL,
    payload BLOB NOT NULL,
    stored_at REAL NOT NULL,
    ttl REAL NOT NULL,
    PRIMARY KEY (registry, name)
) WITHOUT ROWID
"""
_PROBES = (
    f"SELECT registry, origin, name, found, payload, stored_at FROM {_TABLE} LIMIT 0",
    f"SELECT registry, name, fingerprint, payload, stored_at, ttl FROM {_FINDINGS} LIMIT 0",
)
_SELECT_FINDINGS = (
    f"SELECT payload, stored_at, ttl FROM {_FINDINGS} "
    "WHERE registry = ? AND name = ? AND fingerprint = ?"
)
_SELECT_FINDINGS_MANY = (
    f"SELECT name, payload, stored_at, ttl FROM {_FINDINGS} "
    "WHERE registry = ? AND fingerprint = ? AND name IN (%s)"
)
_UPSERT_FINDINGS = (
    f"INSERT OR REPLACE INTO {_FINDINGS} (registry, name, fingerprint, payload, stored_at, ttl) "
    "VALUES (?, ?, ?, ?, ?, ?)"
)
_SELECT = (
    f"SELECT found, payload, stored_at FROM {_TABLE} WHERE registry = ? AND origin = ? AND name = ?"
)
# `_SELECT` for many names at once (``%`` takes the placeholders); at most `_BATCH` a query,
# well under the smallest limit on parameters SQLite builds have used (999).
_SELECT_MANY = (
    f"SELECT name, found, payload, stored_at FROM {_TABLE} "
    "WHERE registry = ? AND origin = ? AND name IN (%s)"
)
_BATCH = 500
_UPSERT = (
    f"INSERT OR REPLACE INTO {_TABLE} (registry, origin, name, found, payload, stored_at) "
    "VALUES (?, ?, ?, ?, ?, ?)"
)
# Guarded by stored_at so a row another process has just refreshed is not dropped.
_DROP_ROW = f"DELETE FROM {_TABLE} WHERE registry = ? AND origin = ? AND name = ? AND stored_at = ?"
#: Name findings depend only on the shipped lists (the fingerprint), but a row is still
#: re-derived now and then rather than trusted forever.
FINDINGS_TTL_S = 7 * 24 * 3600.0
_BUSY_TIMEOUT_S = 5.0
# A row stored this far "in the future" means the clock was set back: treat it as expired rather
# than let it live for the size of the jump. Small negative ages (clock slew between processes)
# are normal.
_CLOCK_SLACK_S = 300.0
_OPEN_ATTEMPTS = 3
_RETRY_PAUSE_S = 0.01


class _ForeignFile(sqlite3.DatabaseError):
    """A SQLite database that is not ours: it has tables we did not create."""


class SqliteStore:
    """Answers kept in ``path`` for `ttl_found` seconds (found) or `ttl_not_found` (not found).

    One connection, guarded by a lock, serves every thread; statements are cached by sqlite3, so
    a hit is one indexed read plus decoding the payload.
    """

    def __init__(
        self,
        path: StrPath,
        ttl_found: float = 6 * 3600,
        ttl_not_found: float = 3600,
        clock: Callable[[], float] = time.time,
    ) -> None:
        self.path = os.fspath(path)
        self.ttl_found = ttl_found
        self.ttl_not_found = ttl_not_found
        self._clock = clock
        self._lock = allocate_lock()
        self._hits = 0
        self._misses = 0
        self._warned = False
        self._conn = self._open()

    def get(self, registry: Registry, name: NormalizedName, origin: str = "") -> CacheEntry | None:
        """The live answer stored for this name from `origin`, or None (absent, expired, or
        unreadable).
        """
        with self._lock:
            cursor = self._execute("read", _SELECT, (registry, origin, name))
            row = cursor.fetchone() if cursor is not None else None
            if row is None:
                self._misses += 1
                return None
            return self._entry(registry, origin, name, row)

    def get_many(
        self, registry: Registry, names: Sequence[NormalizedName], origin: str = ""
    ) -> dict[NormalizedName, CacheEntry]:
        """`get` for many names at once, a query per `_BATCH` names; the names without a live
        answer are left out.
        """
        found: dict[NormalizedName, CacheEntry] = {}
        with self._lock:
            for start in range(0, len(names), _BATCH):
                batch = names[start : start + _BATCH]
                marks = ", ".join("?" * len(batch))
                cursor = self._execute("read", _SELECT_MANY % marks, (registry, origin, *batch))
                rows = cursor.fetchall() if cursor is not None else []
                self._misses += len(batch) - len(rows)  # no row at all
                for name, found_, payload, stored_at in rows:
                    entry = self._entry(registry, origin, name, (found_, payload, stored_at))
                    if entry is not None:
                        found[name] = entry
        return found

    def _entry(
        self, registry: Registry, origin: str, name: str, row: tuple[Any, Any, Any]
    ) -> CacheEntry | None:
        """The answer a row (found, payload, stored_at) holds if it is live and readable; the
        caller holds the lock.
        """
        found, payload, stored_at = row
        ttl = self.ttl_found if found else self.ttl_not_found
        # An expired row is left for the put that follows the refetch to replace.
        if type(stored_at) is not float or not -_CLOCK_SLACK_S < self._clock() - stored_at < ttl:
            self._misses += 1
            return None
        if found:
            try:
                metadata = decode(payload)
                if metadata is None:
                    raise PayloadError("a found row holds no metadata")
            except PayloadError as exc:
                log.debug("cache: dropping unreadable row %s/%s: %s", registry, name, exc)
                self._execute("write", _DROP_ROW, (registry, origin, name, stored_at))
                self._misses += 1
                return None
        else:
            metadata = None
        self._hits += 1
        return CacheEntry(metadata, stored_at)

    def put(
        self,
        registry: Registry,
        name: NormalizedName,
        metadata: PackageMetadata | None,
        origin: str = "",
    ) -> None:
        """Store (or replace) the answer for this name; a write that fails is skipped."""
        try:
            payload = encode(metadata)
        except PayloadError as exc:
            log.debug("cache: not storing %s/%s: %s", registry, name, exc)
            return
        row = (registry, origin, name, metadata is not None, payload, self._clock())
        with self._lock:
            self._execute("write", _UPSERT, row)

    def put_many(self, answers: Iterable[Answer]) -> None:
        """Store (or replace) several answers in one transaction; a write that fails is skipped.

        One commit per run instead of one per name: WAL commits are cheap, not free.
        """
        now = self._clock()
        rows = []
        for registry, name, metadata, origin in answers:
            try:
                rows.append((registry, origin, name, metadata is not None, encode(metadata), now))
            except PayloadError as exc:
                log.debug("cache: not storing %s/%s: %s", registry, name, exc)
        if not rows:
            return
        with self._lock:
            try:
                self._conn.execute("BEGIN IMMEDIATE")
                try:
                    self._conn.executemany(_UPSERT, rows)
                    self._conn.execute("COMMIT")
                except BaseException:
                    self._conn.execute("ROLLBACK")
                    raise
            except sqlite3.ProgrammingError:
                raise
            except sqlite3.DatabaseError as exc:
                self._trouble("write", exc)

    def get_findings(
        self, registry: Registry, name: NormalizedName, fingerprint: str
    ) -> bytes | None:
        """The live findings stored for this name under `fingerprint`, or None (absent,
        expired, or of the wrong type).
        """
        with self._lock:
            cursor = self._execute("read", _SELECT_FINDINGS, (registry, name, fingerprint))
            row = cursor.fetchone() if cursor is not None else None
        if row is None:
            return None
        payload, stored_at, ttl = row
        return payload if _live_findings(payload, stored_at, ttl, self._clock()) else None

    def get_findings_many(
        self, registry: Registry, names: Sequence[NormalizedName], fingerprint: str
    ) -> dict[NormalizedName, bytes]:
        """`get_findings` for many names at once; the names without live findings left out."""
        found: dict[NormalizedName, bytes] = {}
        now = self._clock()
        with self._lock:
            for start in range(0, len(names), _BATCH):
                batch = names[start : start + _BATCH]
                marks = ", ".join("?" * len(batch))
                sql = _SELECT_FINDINGS_MANY % marks
                cursor = self._execute("read", sql, (registry, fingerprint, *batch))
                for name, payload, stored_at, ttl in cursor.fetchall() if cursor else []:
                    if _live_findings(payload, stored_at, ttl, now):
                        found[name] = payload
        return found

    def put_findings(
        self, registry: Registry, name: NormalizedName, fingerprint: str, payload: bytes
    ) -> None:
        """Store (or replace) the findings for this name; a write that fails is skipped."""
        with self._lock:
            row = (registry, name, fingerprint, payload, self._clock(), FINDINGS_TTL_S)
            self._execute("write", _UPSERT_FINDINGS, row)

    def clear(self, registry: Registry | None = None) -> int:
        """Delete every answer, or one registry's; returns how many answers were removed."""
        with self._lock:
            try:
                if registry is None:
                    removed: int = self._conn.execute(f"DELETE FROM {_TABLE}").rowcount
                    self._conn.execute(f"DELETE FROM {_FINDINGS}")
                else:
                    removed = self._conn.execute(
                        f"DELETE FROM {_TABLE} WHERE registry = ?", (registry,)
                    ).rowcount
                    self._conn.execute(f"DELETE FROM {_FINDINGS} WHERE registry = ?", (registry,))
            except sqlite3.ProgrammingError:
                raise
            except sqlite3.DatabaseError as exc:
                self._trouble("clear", exc)
                return 0
            if registry is None:
                from contextlib import suppress  # here: a cached answer does not need it

                # Give the space back. Another process reading right now makes this fail; the
                # free pages are then simply reused by later writes.
                with suppress(sqlite3.OperationalError):
                    self._conn.execute("VACUUM")
            return removed

    def stats(self) -> CacheStats:
        """Rows in the file (expired ones too, until replaced or cleared), size, hits, misses."""
        with self._lock:
            try:
                rows = self._conn.execute(
                    f"SELECT registry, found, count(*) FROM {_TABLE} GROUP BY registry, found"
                ).fetchall()
            except sqlite3.ProgrammingError:
                raise
            except sqlite3.DatabaseError as exc:
                self._trouble("read", exc)
                rows = []
            hits, misses = self._hits, self._misses
        found = not_found = 0
        by_registry: dict[str, int] = {}
        for registry, is_found, count in rows:
            if is_found:
                found += count
            else:
                not_found += count
            by_registry[registry] = by_registry.get(registry, 0) + count
        from contextlib import suppress

        size = 0
        for file in (self.path, self.path + "-wal"):
            with suppress(OSError):
                size += os.stat(file).st_size
        return CacheStats(
            entries=found + not_found,
            found=found,
            not_found=not_found,
            by_registry=by_registry,
            path=self.path,
            size_bytes=size,
            hits=hits,
            misses=misses,
        )

    def close(self) -> None:
        """Close the connection; safe to call twice."""
        with self._lock:
            self._conn.close()

    def _open(self) -> sqlite3.Connection:
        for attempt in range(1, _OPEN_ATTEMPTS + 1):
            identity = _identity(self.path)
            try:
                return self._connect()
            except sqlite3.OperationalError:
                raise  # cannot open or write the file at all: the caller falls back to memory
            except sqlite3.DatabaseError as exc:  # not a database, damaged, or not ours
                if attempt == _OPEN_ATTEMPTS:
                    raise
                # Another process may have set the bad file aside and started a new one since
                # we looked; then there is nothing to move, only the new file to open.
                if attempt > 1 or _identity(self.path) == identity:
                    self._set_aside(exc)
        raise AssertionError("unreachable")

    def _connect(self) -> sqlite3.Connection:
        deadline = time.monotonic() + _BUSY_TIMEOUT_S
        while True:
            # isolation_level=None: every statement commits on its own; schema changes take an
            # explicit BEGIN IMMEDIATE. timeout= is SQLite's busy_timeout: wait up to 5 s for
            # another process's write lock instead of failing with "database is locked".
            conn = sqlite3.connect(
                self.path,
                timeout=_BUSY_TIMEOUT_S,
                isolation_level=None,
                check_same_thread=False,  # one connection for all threads, guarded by self._lock
            )
            try:
                _configure(conn)
                return conn
            except sqlite3.OperationalError as exc:
                conn.close()
                # Turning a new file into WAL needs an exclusive lock, and SQLite reports
                # "locked" at once, without waiting, when another process opens the same new
                # file at that moment. Try again, within the usual busy timeout.
                if exc.sqlite_errorcode & 0xFF != sqlite3.SQLITE_BUSY:
                    raise
                if time.monotonic() > deadline:
                    raise
                time.sleep(_RETRY_PAUSE_S)
            except BaseException:
                conn.close()
                raise

    def _set_aside(self, reason: sqlite3.DatabaseError) -> None:
        from contextlib import suppress

        target = f"{self.path}.corrupt-{int(time.time())}"
        try:
            os.rename(self.path, target)
        except FileNotFoundError:
            return  # someone else moved it already
        # The write-ahead log belongs to the old file; replayed into a new one it would corrupt it.
        for suffix in ("-wal", "-shm"):
            with suppress(FileNotFoundError):
                os.rename(self.path + suffix, target + suffix)
        log.warning(
            "cache file %s is not a usable cache (%s); moved it to %s and started a new one",
            self.path,
            reason,
            os.path.basename(target),
        )

    def _execute(
        self, action: str, sql: str, parameters: tuple[object, ...]
    ) -> sqlite3.Cursor | None:
        """Run one statement (the caller holds the lock); trouble costs it, not the run: None."""
        try:
            return self._conn.execute(sql, parameters)
        except sqlite3.ProgrammingError:
            raise  # used after close(): a bug, not a cache miss
        except sqlite3.DatabaseError as exc:
            self._trouble(action, exc)
            return None

    def _trouble(self, action: str, exc: sqlite3.DatabaseError) -> None:
        # One warning per store: a full disk would otherwise print a line per package.
        if self._warned:
            log.debug("cache %s failed: %s", action, exc)
            return
        self._warned = True
        log.warning("cache %s failed, going on without it: %s (%s)", action, exc, self.path)


def _configure(conn: sqlite3.Connection) -> None:
    # WAL: readers do not block the one writer and the writer does not block readers, so a
    # pre-commit hook, an editor and CI jobs can use the same file at once. This first statement
    # to read the file is also where "file is not a database" shows up.
    conn.execute("PRAGMA journal_mode = WAL")
    # In WAL mode, NORMAL skips the fsync per commit: a power cut may lose the latest answers
    # but cannot corrupt the file, the right trade for a cache.
    conn.execute("PRAGMA synchronous = NORMAL")
    _ensure_schema(conn)


def _ensure_schema(conn: sqlite3.Connection) -> None:
    """Make the file hold our table at SCHEMA_VERSION; raise `_ForeignFile` if it is not ours."""
    if _is_current(conn):
        return  # the common case: no write lock taken
    # Under the write lock, look again: another process may have just built the schema.
    conn.execute("BEGIN IMMEDIATE")
    try:
        if not _is_current(conn):
            objects = conn.execute(
                "SELECT name FROM sqlite_master WHERE name NOT LIKE 'sqlite~_%' ESCAPE '~'"
            ).fetchall()
            if {name for (name,) in objects} - _TABLES:
                raise _ForeignFile("the file holds tables phantom-guard did not create")
            # An older (or newer) layout of our own tables: the cache is rebuilt, not migrated.
            for table in _TABLES:
                conn.execute(f"DROP TABLE IF EXISTS {table}")
            conn.execute(_CREATE)
            conn.execute(_CREATE_FINDINGS)
            conn.execute(f"PRAGMA user_version = {SCHEMA_VERSION}")
        conn.execute("COMMIT")
    except BaseException:
        if conn.in_transaction:
            conn.execute("ROLLBACK")
        raise


def _is_current(conn: sqlite3.Connection) -> bool:
    (version,) = conn.execute("PRAGMA user_version").fetchone()
    if version != SCHEMA_VERSION:
        return False
    try:
        for probe in _PROBES:
            conn.execute(probe)
    except sqlite3.OperationalError as exc:
        if exc.sqlite_errorcode & 0xFF != sqlite3.SQLITE_ERROR:
            raise  # busy, I/O: not an answer about the schema
        return False  # no such table or column: the version number lies
    return True


def _identity(path: str) -> tuple[int, int] | None:
    try:
        st = os.stat(path)
    except OSError:
        return None
    return st.st_dev, st.st_ino


def _live_findings(payload: Any, stored_at: Any, ttl: Any, now: float) -> bool:
    """Whether a findings row holds bytes stored less than its time-to-live ago."""
    if not isinstance(payload, bytes) or type(stored_at) is not float:
        return False
    return isinstance(ttl, float) and -_CLOCK_SLACK_S < now - stored_at < ttl
