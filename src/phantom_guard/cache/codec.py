"""`PackageMetadata` to bytes and back, for the disk cache.

The payload is a JSON object with exactly the record's fields: datetimes as ISO 8601 strings,
tuples as lists, the registry as its value. ``None`` (not found) is JSON ``null``. A payload of any
other shape raises `PayloadError`, which the store treats as a miss.
"""

from __future__ import annotations

from phantom_guard import jsontext
from phantom_guard.model import PackageMetadata, Registry
from phantom_guard.records import fields
from phantom_guard.stand_ins import datetime

TYPE_CHECKING = False  # typing.TYPE_CHECKING, without importing typing on the start-up path
if TYPE_CHECKING:
    from typing import Any

_FIELDS = frozenset(f.name for f in fields(PackageMetadata))


class PayloadError(ValueError):
    """A payload that is not an encoded `PackageMetadata` (damaged, or from another version).

    Also raised for metadata JSON cannot hold (an integer beyond 64 bits, a lone surrogate).
    Internal to the cache: stores turn it into a miss or a skipped write, never into an error.
    """


def encode(metadata: PackageMetadata | None) -> bytes:
    """The payload for one answer; `decode` gives back an equal value."""
    import orjson  # a write follows a lookup: the HTTP client has loaded it already

    if metadata is None:
        return b"null"
    m = metadata
    document = {
        "name": m.name,
        "registry": m.registry.value,
        "latest_version": m.latest_version,
        # isoformat(), not orjson's own datetime output: orjson rounds sub-minute UTC offsets.
        "created": None if m.created is None else m.created.isoformat(),
        "latest_release": None if m.latest_release is None else m.latest_release.isoformat(),
        "release_count": m.release_count,
        "release_times": [t.isoformat() for t in m.release_times],
        "repository": m.repository,
        "homepage": m.homepage,
        "maintainers": None if m.maintainers is None else list(m.maintainers),
        "summary": m.summary,
        "monthly_downloads": m.monthly_downloads,
        "all_yanked": m.all_yanked,
        "deprecated": m.deprecated,
        "security_holding": m.security_holding,
        "unpublished": m.unpublished,
    }
    try:
        return orjson.dumps(document)
    except orjson.JSONEncodeError as exc:
        raise PayloadError(f"cannot encode: {exc}") from None


def decode(data: bytes) -> PackageMetadata | None:
    """The answer `encode` stored; raises `PayloadError` for anything else.

    Read with the standard library's parser: a warm run answered from the cache then never
    imports orjson, whose import costs more than decoding a thousand payloads. Escaped
    surrogates, the one input the two parsers treat differently, go to orjson, which refuses
    lone ones as `encode` would have.
    """
    if b"\\ud" in data or b"\\uD" in data:
        import orjson

        try:
            document = orjson.loads(data)
        except orjson.JSONDecodeError as exc:
            raise PayloadError(f"not JSON: {exc}") from None
    else:
        try:
            document = jsontext.loads(data)  # json.loads's reading, without importing json
        except ValueError as exc:  # not JSON, or bytes that are not UTF-8
            raise PayloadError(f"not JSON: {exc}") from None
    if document is None:
        return None
    if type(document) is not dict or document.keys() != _FIELDS:
        raise PayloadError("not a PackageMetadata object")
    d = document
    try:
        maintainers = d["maintainers"]
        # Positional, in the record's field order: a warm check reads one payload per cached
        # name, and keyword arguments bind slower.
        return PackageMetadata(
            _str(d["name"]),
            Registry(_str(d["registry"])),
            _opt_str(d["latest_version"]),
            _opt_time(d["created"]),
            _opt_time(d["latest_release"]),
            _opt_int(d["release_count"]),
            _times(d["release_times"]),
            _opt_str(d["repository"]),
            _opt_str(d["homepage"]),
            None if maintainers is None else tuple(map(_str, _list(maintainers))),
            _opt_str(d["summary"]),
            _opt_int(d["monthly_downloads"]),
            _bool(d["all_yanked"]),
            _opt_str(d["deprecated"]),
            _bool(d["security_holding"]),
            _bool(d["unpublished"]),
        )
    except (ValueError, TypeError) as exc:  # a wrong type, a bad time, or a broken invariant
        raise PayloadError(str(exc)) from None


def _str(value: Any) -> str:
    if type(value) is not str:
        raise ValueError(f"expected a string, got {type(value).__name__}")
    return value


def _opt_str(value: Any) -> str | None:
    return None if value is None else _str(value)


def _opt_int(value: Any) -> int | None:
    if value is None:
        return None
    if type(value) is not int:
        raise ValueError(f"expected an integer, got {type(value).__name__}")
    return value


def _bool(value: Any) -> bool:
    if type(value) is not bool:
        raise ValueError(f"expected true or false, got {type(value).__name__}")
    return value


def _list(value: Any) -> list[Any]:
    if type(value) is not list:
        raise ValueError(f"expected a list, got {type(value).__name__}")
    return value


def _time(value: Any) -> datetime:
    return datetime.fromisoformat(_str(value))


def _times(value: Any) -> tuple[datetime, ...]:
    # The hot part of a disk hit (one per release): map() over the C parser, which itself
    # raises TypeError for anything that is not a str.
    return tuple(map(datetime.fromisoformat, _list(value)))


def _opt_time(value: Any) -> datetime | None:
    return None if value is None else _time(value)
