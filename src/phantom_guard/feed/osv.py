"""OSV records (the Open Source Vulnerability format) -> the listings the feed keeps. Pure.

Only the OpenSSF malicious-packages records are kept: ids ``MAL-YYYY-N``. "MAL-0000-*" files are
the project's transient ingest names, not published records, and a record with ``withdrawn`` set
is one its publishers took back; both are dropped.
"""

from __future__ import annotations

from collections.abc import Iterator
from typing import Any

from phantom_guard.errors import InputError
from phantom_guard.feed import ECOSYSTEMS
from phantom_guard.feed.match import Listing, Range
from phantom_guard.model import NormalizedName, Registry
from phantom_guard.names import normalize
from phantom_guard.records import record

_BY_ECOSYSTEM = {name: registry for registry, name in ECOSYSTEMS.items()}
_RANGE_TYPES = frozenset({"SEMVER", "ECOSYSTEM"})  # GIT ranges name commits, not releases


@record
class Entry:
    """One package a record lists: where, under which name, and the listing itself."""

    registry: Registry
    name: NormalizedName
    listing: Listing


@record
class Record:
    """A kept record: its id, its ``modified`` time (RFC 3339 text) and the packages it lists."""

    id: str
    modified: str
    entries: tuple[Entry, ...]


def wanted(member: str) -> bool:
    """Whether an archive member may hold a kept record (``MAL-2024-1.json``); others are skipped
    unread, which matters in archives where most records are something else.
    """
    base = member.rsplit("/", 1)[-1]
    return (
        base.endswith(".json")
        and not base.startswith("MAL-0000-")
        and (base.startswith("MAL-") or not _looks_like_id(base))
    )


def _looks_like_id(base: str) -> bool:
    prefix, dash, _ = base.partition("-")
    return bool(dash) and prefix.isalpha() and prefix.isupper()


def read_record(document: Any, registries: frozenset[Registry]) -> Record | None:
    """The record in one decoded OSV document, keeping `registries`' packages; None when it is
    not a published malicious-packages record or lists none of them.
    """
    if not isinstance(document, dict):
        return None
    record_id = document.get("id")
    if not isinstance(record_id, str) or not record_id.startswith("MAL-"):
        return None
    if record_id.startswith("MAL-0000-") or document.get("withdrawn"):
        return None
    modified = document.get("modified")
    entries = tuple(_entries(record_id, document.get("affected"), registries))
    if not entries:
        return None
    return Record(record_id, modified if isinstance(modified, str) else "", entries)


def _entries(record_id: str, affected: Any, registries: frozenset[Registry]) -> Iterator[Entry]:
    if not isinstance(affected, list):
        return
    for item in affected:
        if not isinstance(item, dict):
            continue
        package = item.get("package")
        if not isinstance(package, dict):
            continue
        registry = _BY_ECOSYSTEM.get(str(package.get("ecosystem")))
        name = package.get("name")
        if registry is None or registry not in registries or not isinstance(name, str):
            continue
        try:
            normalized = normalize(name, registry)
        except InputError:
            continue  # a name its registry cannot serve: no query can ever match it
        versions = tuple(v for v in item.get("versions") or () if isinstance(v, str))
        ranges = tuple(_ranges(item.get("ranges")))
        yield Entry(registry, normalized, Listing(record_id, versions, ranges))


def _ranges(ranges: Any) -> Iterator[Range]:
    if not isinstance(ranges, list):
        return
    for item in ranges:
        if not isinstance(item, dict) or item.get("type") not in _RANGE_TYPES:
            continue
        events: list[tuple[str, str]] = []
        for event in item.get("events") or ():
            if isinstance(event, dict):
                events += [
                    (kind, value)
                    for kind, value in event.items()
                    if kind in ("introduced", "fixed", "last_affected") and isinstance(value, str)
                ]
        if events:
            yield Range(str(item["type"]), tuple(events))
