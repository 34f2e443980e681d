"""``feed update``: OSV archives or a folder of OSV JSON -> a new feed file, swapped in whole.

Downloads go to ``{base}/{PyPI|npm|crates.io}/all.zip`` (the OSV data dump's layout) and are
conditional (RFC 9110 §13.1: ``If-None-Match`` with the stored ETag, ``If-Modified-Since`` with
the stored Last-Modified); a 304 keeps that ecosystem's rows. Archives are streamed to a file
and read one member at a time, so memory does not grow with the archive. The new feed is built
in a temporary file and renamed over the old one only when complete.
"""

from __future__ import annotations

import os
import re
import shutil
from collections.abc import Callable, Iterator, Sequence
from pathlib import Path
from typing import Any

from phantom_guard._version import __version__
from phantom_guard.errors import FeedError, InputError
from phantom_guard.feed import ECOSYSTEMS, feed_path, open_feed
from phantom_guard.feed.osv import Record, read_record, wanted
from phantom_guard.feed.status import FeedStatus, format_time, parse_time
from phantom_guard.model import Registry
from phantom_guard.records import field, record
from phantom_guard.stand_ins import UTC, datetime

_CHUNK = 1 << 20
_CANONICAL_TIME = re.compile(r"\d{4}-\d\d-\d\dT\d\d:\d\d:\d\dZ")


@record
class UpdateResult:
    """What an update did: the new feed's status, ecosystems a 304 left unchanged, and how many
    archive members could not be read.
    """

    status: FeedStatus
    imported: dict[str, int] = field(default_factory=dict)
    unchanged: tuple[Registry, ...] = ()
    unreadable: int = 0


@record(frozen=False)
class _Download:
    registry: Registry
    url: str
    file: Path | None  # None: not modified
    etag: str | None = None
    last_modified: str | None = None


def update(
    cache_dir: str | os.PathLike[str],
    *,
    base_url: str,
    source: str | None = None,
    registries: Sequence[Registry] = tuple(Registry),
    timeout: float = 60.0,
    clock: Callable[[], datetime] = lambda: datetime.now(UTC),
) -> UpdateResult:
    """Refresh the feed in `cache_dir` for `registries` from `source` (a zip file, a folder of
    OSV JSON files, an archive URL or a base URL; default `base_url`). Ecosystems not selected
    keep their rows. Raises `FeedError` (download or archive trouble) or `InputError` (no such
    path); the old feed is untouched then.
    """
    cache_dir = Path(cache_dir)
    cache_dir.mkdir(parents=True, exist_ok=True)
    target = Path(feed_path(cache_dir))
    selected = frozenset(registries)
    temp = target.with_name(f"{target.name}.tmp-{os.getpid()}")
    downloads: list[_Download] = []
    now = format_time(clock())
    try:
        old_meta = _old_meta(target)
        location = source or base_url
        if location.startswith(("http://", "https://")):
            downloads = _download_all(location, selected, cache_dir, old_meta, timeout)
            changed = [d for d in downloads if d.file is not None]
            unchanged = tuple(d.registry for d in downloads if d.file is None)
            if not changed and target.exists():
                from phantom_guard.feed.store import touch

                touch(target, {"fetched_at": now})
                return UpdateResult(_status(target), unchanged=unchanged)
            inputs: list[tuple[Path, frozenset[Registry]]] = [
                (d.file, frozenset({d.registry})) for d in changed if d.file is not None
            ]
        else:
            path = Path(location)
            if not path.exists():
                raise InputError(f"{path}: no such file or directory")
            inputs, unchanged = [(path, selected)], ()
        return _build(target, temp, inputs, selected, unchanged, downloads, now)
    finally:
        temp.unlink(missing_ok=True)
        for download in downloads:
            if download.file is not None:
                download.file.unlink(missing_ok=True)


def _build(  # noqa: PLR0917 - one call site, every argument distinct
    target: Path,
    temp: Path,
    inputs: list[tuple[Path, frozenset[Registry]]],
    selected: frozenset[Registry],
    unchanged: tuple[Registry, ...],
    downloads: list[_Download],
    now: str,
) -> UpdateResult:
    from phantom_guard.feed.store import FeedWriter

    writer = FeedWriter(temp)
    try:
        imported: dict[str, int] = {}
        unreadable = 0
        for path, registries in inputs:
            for record in _records(path, registries):
                if record is None:
                    unreadable += 1
                    continue
                writer.add(record)
                for registry in {e.registry for e in record.entries}:
                    name = ECOSYSTEMS[registry]
                    imported[name] = imported.get(name, 0) + 1
        writer.keep(target, [r for r in Registry if r not in selected or r in unchanged])
        meta = {"fetched_at": now}
        old = _old_meta(target)
        for registry in Registry:
            for key in ("url", "etag", "last_modified"):
                name = f"{key}:{registry.value}"
                if name in old and (registry not in selected or registry in unchanged):
                    meta[name] = old[name]
        for download in downloads:
            if download.file is not None:
                meta[f"url:{download.registry.value}"] = download.url
                if download.etag:
                    meta[f"etag:{download.registry.value}"] = download.etag
                if download.last_modified:
                    meta[f"last_modified:{download.registry.value}"] = download.last_modified
        status = writer.finish(meta)
    except BaseException:
        writer.abandon()
        raise
    os.replace(temp, target)
    return UpdateResult(
        FeedStatus(
            str(target), status.data_as_of, status.fetched_at, status.records, status.ecosystems
        ),
        imported=imported,
        unchanged=unchanged,
        unreadable=unreadable,
    )


def _status(target: Path) -> FeedStatus:
    store = open_feed(target.parent)
    if store is None:
        raise FeedError(f"{target}: the feed disappeared during the update")
    try:
        return store.status()
    finally:
        store.close()


def _old_meta(target: Path) -> dict[str, str]:
    """The current feed's metadata, or nothing when there is no readable feed."""
    try:
        store = open_feed(target.parent)
    except FeedError:
        return {}
    if store is None:
        return {}
    try:
        return {
            key: value
            for key in ("fetched_at", *(f"{k}:{r.value}" for r in Registry for k in _REMEMBERED))
            if (value := store.meta(key)) is not None
        }
    finally:
        store.close()


_REMEMBERED = ("url", "etag", "last_modified")


def _records(path: Path, registries: frozenset[Registry]) -> Iterator[Record | None]:
    """The kept records of a zip archive or a folder of OSV JSON files; None per unreadable one."""
    if path.is_dir():
        for file in sorted(path.rglob("*.json")):
            if wanted(file.name):
                yield from _decode(file.read_bytes(), registries)
        return
    import zipfile

    try:
        with zipfile.ZipFile(path) as archive:
            for info in archive.infolist():
                if info.is_dir() or not wanted(info.filename):
                    continue
                try:
                    data = archive.read(info)
                except (zipfile.BadZipFile, OSError, EOFError) as exc:
                    raise FeedError(f"{path}: damaged archive: {exc}") from None
                yield from _decode(data, registries)
    except zipfile.BadZipFile as exc:
        raise FeedError(f"{path}: not a zip archive: {exc}") from None


def _decode(data: bytes, registries: frozenset[Registry]) -> Iterator[Record | None]:
    """The record in one file, nothing for a record that is not kept, None if unreadable."""
    import orjson

    try:
        document: Any = orjson.loads(data)
    except orjson.JSONDecodeError:
        yield None
        return
    record = read_record(document, registries)
    if record is None:
        return
    if not _CANONICAL_TIME.fullmatch(record.modified):  # most records: already in this form
        moment = parse_time(record.modified)
        record = Record(record.id, format_time(moment) if moment else "", record.entries)
    yield record


def _download_all(
    location: str,
    selected: frozenset[Registry],
    cache_dir: Path,
    old_meta: dict[str, str],
    timeout: float,
) -> list[_Download]:
    base = location.rstrip("/")
    downloads = []
    for registry in Registry:
        if registry not in selected:
            continue
        url = base if base.endswith(".zip") else f"{base}/{ECOSYSTEMS[registry]}/all.zip"
        known = old_meta.get(f"url:{registry.value}") == url
        downloads.append(
            _download(
                registry,
                url,
                cache_dir / f"{ECOSYSTEMS[registry]}.zip.part-{os.getpid()}",
                etag=old_meta.get(f"etag:{registry.value}") if known else None,
                last_modified=old_meta.get(f"last_modified:{registry.value}") if known else None,
                timeout=timeout,
            )
        )
    return downloads


def _download(
    registry: Registry,
    url: str,
    file: Path,
    *,
    etag: str | None,
    last_modified: str | None,
    timeout: float,
) -> _Download:
    # urllib, not the aiohttp client: one sequential download per ecosystem needs no event loop.
    import urllib.error
    import urllib.request

    headers = {"User-Agent": f"phantom-guard/{__version__}"}
    if etag:
        headers["If-None-Match"] = etag
    if last_modified:
        headers["If-Modified-Since"] = last_modified
    request = urllib.request.Request(url, headers=headers)
    try:
        with urllib.request.urlopen(request, timeout=timeout) as response, file.open("wb") as out:
            shutil.copyfileobj(response, out, _CHUNK)
            return _Download(
                registry,
                url,
                file,
                etag=response.headers.get("ETag"),
                last_modified=response.headers.get("Last-Modified"),
            )
    except urllib.error.HTTPError as exc:
        exc.close()  # it holds the response's socket
        file.unlink(missing_ok=True)
        if exc.code == 304:
            return _Download(registry, url, None)
        raise FeedError(f"{url}: HTTP {exc.code} {exc.reason}") from None
    except (urllib.error.URLError, OSError, TimeoutError) as exc:
        file.unlink(missing_ok=True)
        reason = getattr(exc, "reason", exc)
        raise FeedError(f"{url}: download failed: {reason}") from None
