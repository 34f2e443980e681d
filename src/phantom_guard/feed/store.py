"""The feed's SQLite file: written once into a temporary file by `FeedWriter`, read by `FeedStore`.

The file is never changed in place by an import: a new one is built beside it and renamed over
it (`os.replace` is atomic), so readers need no journal, no WAL and no locks — they open it
read-only and see one complete feed for as long as they hold it.
"""

from __future__ import annotations

import os

from phantom_guard.errors import FeedError
from phantom_guard.feed import ECOSYSTEMS
from phantom_guard.feed.status import FeedStatus
from phantom_guard.model import NormalizedName, Registry
from phantom_guard.stand_ins import sqlite3

TYPE_CHECKING = False  # typing.TYPE_CHECKING, without importing typing on the start-up path
if TYPE_CHECKING:
    from collections.abc import Iterable, Sequence
    from pathlib import Path

    # Imported where used: the warm path opens the feed for names that are almost never listed.
    from phantom_guard.feed.match import Listing, Range
    from phantom_guard.feed.osv import Record
    from phantom_guard.settings import StrPath

# Bump when the tables change: a feed with another version is refused ("run feed update").
SCHEMA_VERSION = 1
_CREATE = (
    "CREATE TABLE meta (key TEXT PRIMARY KEY, value TEXT NOT NULL) WITHOUT ROWID",
    # One row per (record, package): the record's ranges as JSON ("" when it has none).
    "CREATE TABLE listings (registry TEXT NOT NULL, name TEXT NOT NULL, advisory TEXT NOT NULL,"
    " ranges TEXT NOT NULL)",
    "CREATE TABLE versions (registry TEXT NOT NULL, name TEXT NOT NULL, version TEXT NOT NULL,"
    " advisory TEXT NOT NULL)",
    "CREATE TABLE records (registry TEXT NOT NULL, id TEXT NOT NULL, modified TEXT NOT NULL)",
)
# Built after the rows are in: one sort instead of a b-tree insert per row.
_INDEXES = (
    "CREATE INDEX listings_by_name ON listings (registry, name)",
    "CREATE INDEX versions_by_name ON versions (registry, name, version)",
    "CREATE UNIQUE INDEX records_by_id ON records (registry, id)",
)
_BATCH = 5000
# Indexed lookups of many names at once: the listings, each joined to the versions it names.
_LOOKUP = (
    "SELECT l.name, l.advisory, l.ranges, v.version FROM listings AS l LEFT JOIN versions AS v"
    " ON v.registry = l.registry AND v.name = l.name AND v.advisory = l.advisory"
    " WHERE l.registry = ? AND l.name"
)
_NAMES_PER_QUERY = 500  # well below SQLite's limit on bound parameters


def _uri_path(path: str) -> str:
    """`path` as the path of an SQLite ``file:`` URI: ``%`` escapes are decoded there, and
    ``?`` and ``#`` would end the path (what urllib.parse.quote would do, without `re`).
    """
    return path.replace("%", "%25").replace("?", "%3f").replace("#", "%23")


class FeedStore:
    """A feed file opened read-only for lookups."""

    def __init__(self, path: StrPath) -> None:
        self.path = path = os.fspath(path)
        try:
            self._conn = sqlite3.connect(
                f"file:{_uri_path(path)}?mode=ro", uri=True, check_same_thread=False
            )
            # Mapped, not read: a lookup touches a few pages of a file of tens of megabytes.
            self._conn.execute("PRAGMA mmap_size = 268435456")
            rows = self._conn.execute("SELECT key, value FROM meta").fetchall()
        except sqlite3.Error as exc:
            raise FeedError(f"{path}: not a readable feed ({exc}); run 'feed update'") from None
        self._meta = dict(rows)
        if self._meta.get("schema") != str(SCHEMA_VERSION):
            self._conn.close()
            raise FeedError(f"{path}: written by another version; run 'feed update'")

    def meta(self, key: str) -> str | None:
        """One value of the feed's metadata (``etag:npm``, ``fetched_at``, …)."""
        return self._meta.get(key)

    def status(self) -> FeedStatus:
        """The feed's date, fetch time and counts."""
        return FeedStatus(
            path=self.path,
            data_as_of=self._meta.get("data_as_of") or None,
            fetched_at=self._meta.get("fetched_at") or None,
            records=int(self._meta.get("records", "0")),
            ecosystems={
                name: int(self._meta.get(f"count:{registry.value}", "0"))
                for registry, name in ECOSYSTEMS.items()
            },
        )

    def listings(self, registry: Registry, name: NormalizedName) -> tuple[Listing, ...]:
        """Every record listing this package (an indexed lookup; empty when not listed)."""
        return self.listings_of(registry, [name]).get(name, ())

    def listings_of(
        self, registry: Registry, names: Sequence[NormalizedName]
    ) -> dict[NormalizedName, tuple[Listing, ...]]:
        """The listings of every listed name among `names` (unlisted names are absent), a few
        hundred names per statement: a lock file's names cost a handful of queries, not one each.
        """
        found: dict[str, dict[str, tuple[str, list[str]]]] = {}
        unique = list(dict.fromkeys(names))
        try:
            for start in range(0, len(unique), _NAMES_PER_QUERY):
                chunk = unique[start : start + _NAMES_PER_QUERY]
                marks = ",".join("?" * len(chunk))
                rows = self._conn.execute(
                    f"{_LOOKUP} IN ({marks})", (registry.value, *chunk)
                ).fetchall()
                for name, advisory, ranges, version in rows:
                    versions = found.setdefault(name, {}).setdefault(advisory, (ranges, []))[1]
                    if version is not None:
                        versions.append(version)
        except sqlite3.Error as exc:
            raise FeedError(f"{self.path}: cannot read the feed: {exc}") from None
        if not found:
            return {}
        from phantom_guard.feed.match import Listing

        return {
            NormalizedName(name): tuple(
                Listing(advisory, tuple(versions), _ranges(ranges))
                for advisory, (ranges, versions) in advisories.items()
            )
            for name, advisories in found.items()
        }

    def close(self) -> None:
        """Release the file."""
        self._conn.close()


def _ranges(text: str) -> tuple[Range, ...]:
    if not text:
        return ()
    import json

    from phantom_guard.feed.match import Range

    return tuple(Range(kind, tuple((k, v) for k, v in events)) for kind, events in json.loads(text))


class FeedWriter:
    """Builds a new feed file at `path` (a temporary name; the caller renames it into place)."""

    def __init__(self, path: Path) -> None:
        self.path = path
        path.unlink(missing_ok=True)
        self._conn = sqlite3.connect(path)
        # A half-written temporary file is thrown away, never read: no journal needed.
        self._conn.execute("PRAGMA journal_mode = OFF")
        self._conn.execute("PRAGMA synchronous = OFF")
        for statement in _CREATE:
            self._conn.execute(statement)
        self._listings: list[tuple[str, str, str, str]] = []
        self._versions: list[tuple[str, str, str, str]] = []
        self._records: list[tuple[str, str, str]] = []
        self._seen: set[tuple[str, str]] = set()

    def add(self, record: Record) -> None:
        """Keep one record's packages (a record already added for that ecosystem is skipped)."""
        import orjson  # the writer only: a reader on the warm path does not pay for it

        merged: dict[tuple[Registry, NormalizedName], tuple[list[str], list[Range]]] = {}
        for entry in record.entries:
            versions, ranges = merged.setdefault((entry.registry, entry.name), ([], []))
            versions += entry.listing.versions
            ranges += entry.listing.ranges
        for (registry, name), (versions, ranges) in merged.items():
            key = (registry.value, record.id)
            if key in self._seen:
                continue
            self._seen.add(key)
            self._records.append((registry.value, record.id, record.modified))
            encoded = orjson.dumps([[r.kind, r.events] for r in ranges]).decode() if ranges else ""
            self._listings.append((registry.value, name, record.id, encoded))
            self._versions += [
                (registry.value, name, v, record.id) for v in dict.fromkeys(versions)
            ]
        if len(self._listings) >= _BATCH:
            self._flush()

    def keep(self, old: Path, registries: Iterable[Registry]) -> None:
        """Copy `registries`' rows from the feed at `old` (ecosystems this update leaves alone)."""
        values = [r.value for r in registries]
        if not values or not old.exists():
            return
        self._flush()
        marks = ",".join("?" * len(values))
        try:
            self._conn.execute("ATTACH DATABASE ? AS old", (f"file:{_uri_path(str(old))}?mode=ro",))
        except sqlite3.Error:
            return
        try:
            for table in ("listings", "versions", "records"):
                self._conn.execute(
                    f"INSERT INTO {table} SELECT * FROM old.{table} WHERE registry IN ({marks})",
                    values,
                )
            for registry in values:
                self._seen.update(
                    (registry, row[0])
                    for row in self._conn.execute(
                        "SELECT id FROM old.records WHERE registry = ?", (registry,)
                    )
                )
            self._conn.commit()
        except sqlite3.Error as exc:
            raise FeedError(f"{old}: cannot copy from the old feed: {exc}") from None
        finally:
            self._conn.execute("DETACH DATABASE old")

    def finish(self, meta: dict[str, str]) -> FeedStatus:
        """Index the rows, write the metadata (counts and date computed here) and close."""
        self._flush()
        for statement in _INDEXES:
            self._conn.execute(statement)
        counts = dict(
            self._conn.execute("SELECT registry, count(*) FROM records GROUP BY registry")
        )
        (total,) = self._conn.execute("SELECT count(DISTINCT id) FROM records").fetchone()
        (newest,) = self._conn.execute(
            "SELECT max(modified) FROM records WHERE modified != ''"
        ).fetchone()
        values = {
            **meta,
            "schema": str(SCHEMA_VERSION),
            "records": str(total),
            "data_as_of": newest or "",
        }
        values.update({f"count:{r.value}": str(counts.get(r.value, 0)) for r in Registry})
        self._conn.executemany("INSERT INTO meta VALUES (?, ?)", sorted(values.items()))
        self._conn.commit()
        self._conn.execute("ANALYZE")
        self._conn.close()
        store = FeedStore(self.path)
        try:
            return store.status()
        finally:
            store.close()

    def abandon(self) -> None:
        """Close and delete the unfinished file."""
        try:
            self._conn.close()
        finally:
            self.path.unlink(missing_ok=True)

    def _flush(self) -> None:
        self._conn.executemany("INSERT INTO listings VALUES (?, ?, ?, ?)", self._listings)
        self._conn.executemany("INSERT INTO versions VALUES (?, ?, ?, ?)", self._versions)
        self._conn.executemany("INSERT INTO records VALUES (?, ?, ?)", self._records)
        self._listings.clear()
        self._versions.clear()
        self._records.clear()


def touch(path: Path, meta: dict[str, str]) -> None:
    """Update metadata of the feed at `path` in place (a re-check that found nothing new)."""
    try:
        conn = sqlite3.connect(path)
        try:
            with conn:
                conn.executemany("INSERT OR REPLACE INTO meta VALUES (?, ?)", meta.items())
        finally:
            conn.close()
    except sqlite3.Error as exc:
        raise FeedError(f"{path}: cannot update the feed: {exc}") from None
