from __future__ import annotations

import contextlib
from datetime import UTC, datetime, timedelta, timezone

import orjson
import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

from phantom_guard.cache.codec import PayloadError, decode, encode
from phantom_guard.model import PackageMetadata, Registry
from tests.cache import metadata

# Any fixed UTC offset Python allows (strictly inside ±24 h) in whole seconds: Python 3.11's
# datetime.fromisoformat drops an offset's microseconds, and no registry writes such offsets.
_offsets = st.integers(min_value=-86_399, max_value=86_399).map(
    lambda seconds: timezone(timedelta(seconds=seconds))
)
_moments = st.datetimes(timezones=st.just(UTC) | _offsets)
_text = st.text(max_size=40)
_count = st.integers(min_value=0, max_value=2**63 - 1)

_metadata = st.builds(
    PackageMetadata,
    name=_text,
    registry=st.sampled_from(list(Registry)),
    latest_version=st.none() | _text,
    created=st.none() | _moments,
    latest_release=st.none() | _moments,
    release_count=st.none() | _count,
    release_times=st.lists(_moments, max_size=5).map(tuple),
    repository=st.none() | _text,
    homepage=st.none() | _text,
    maintainers=st.none() | st.lists(_text, max_size=4).map(tuple),
    summary=st.none() | _text,
    monthly_downloads=st.none() | _count,
    all_yanked=st.booleans(),
    deprecated=st.none() | _text,
    security_holding=st.booleans(),
    unpublished=st.booleans(),
)


@settings(database=None, max_examples=200)
@given(st.none() | _metadata)
def test_round_trip(value: PackageMetadata | None) -> None:
    decoded = decode(encode(value))
    assert decoded == value
    if value is not None and decoded is not None:
        # Aware datetimes compare as instants; the stored offset must survive as well.
        times = (value.created, value.latest_release, *value.release_times)
        back = (decoded.created, decoded.latest_release, *decoded.release_times)
        assert [t and t.utcoffset() for t in times] == [t and t.utcoffset() for t in back]


@settings(database=None)
@given(st.binary(max_size=200))
def test_any_bytes_decode_or_raise_payload_error(data: bytes) -> None:
    with contextlib.suppress(PayloadError):
        decode(data)


def test_payload_is_plain_json_with_iso_times() -> None:
    document = orjson.loads(encode(metadata()))
    assert document["registry"] == "pypi"
    assert document["created"] == "2010-04-06T01:04:05+00:00"
    assert document["maintainers"] == ["davidism", "pgjones"]
    assert encode(None) == b"null"


def _doc(**changes: object) -> bytes:
    document = orjson.loads(encode(metadata()))
    document.update(changes)
    return orjson.dumps(document)


def _without(key: str) -> bytes:
    document = orjson.loads(encode(metadata()))
    del document[key]
    return orjson.dumps(document)


@pytest.mark.parametrize(
    "payload",
    [
        pytest.param(b"", id="empty"),
        pytest.param(b"{", id="truncated"),
        pytest.param(b"[]", id="list"),
        pytest.param(b"1", id="number"),
        pytest.param(b'"flask"', id="string"),
        pytest.param(_without("summary"), id="missing-field"),
        pytest.param(_doc(stars=5), id="unknown-field"),
        pytest.param(_doc(registry="rubygems"), id="unknown-registry"),
        pytest.param(_doc(registry=1), id="registry-not-text"),
        pytest.param(_doc(name=None), id="name-null"),
        pytest.param(_doc(release_count="3"), id="count-as-text"),
        pytest.param(_doc(release_count=True), id="count-as-bool"),
        pytest.param(_doc(release_count=-1), id="negative-count"),
        pytest.param(_doc(all_yanked=1), id="flag-as-number"),
        pytest.param(_doc(created="2020-01-01T00:00:00"), id="naive-time"),
        pytest.param(_doc(created="yesterday"), id="not-a-time"),
        pytest.param(_doc(created=0), id="time-as-number"),
        pytest.param(_doc(release_times="2020-01-01T00:00:00+00:00"), id="times-not-a-list"),
        pytest.param(_doc(maintainers=[1]), id="maintainer-not-text"),
    ],
)
def test_unknown_shapes_raise_payload_error(payload: bytes) -> None:
    with pytest.raises(PayloadError):
        decode(payload)


def test_values_json_cannot_hold_raise_payload_error() -> None:
    huge = PackageMetadata(name="x", registry=Registry.NPM, monthly_downloads=2**64)
    with pytest.raises(PayloadError):
        encode(huge)


def test_decoded_times_are_datetimes() -> None:
    decoded = decode(encode(metadata()))
    assert decoded is not None
    assert isinstance(decoded.created, datetime)
    assert decoded.release_times[-1].microsecond == 123456
