"""Feed matching with literal listings: which versions a listing covers, and the signals."""

from __future__ import annotations

from datetime import UTC, datetime, timedelta

import pytest

from phantom_guard.detect.score import recommend
from phantom_guard.feed.match import Listing, Range, affects, assess, established
from phantom_guard.model import PackageMetadata, Recommendation, Registry, SignalKind, Source

NOW = datetime(2026, 1, 1, tzinfo=UTC)
WHOLE = Listing("MAL-1", ranges=(Range("SEMVER", (("introduced", "0"),)),))
BY_VERSION = Listing("MAL-2", versions=("5.6.1",))
FIXED = Listing("MAL-3", ranges=(Range("SEMVER", (("introduced", "1.2.0"), ("fixed", "1.2.3"))),))
LAST = Listing(
    "MAL-4", ranges=(Range("ECOSYSTEM", (("introduced", "2.0"), ("last_affected", "2.1"))),)
)


def test_whole_package_listings() -> None:
    assert WHOLE.whole
    assert Listing("MAL-5").whole  # OSV: no versions and no ranges = every version
    assert not BY_VERSION.whole
    assert not FIXED.whole


@pytest.mark.parametrize(
    ("listing", "registry", "version", "expected"),
    [
        (BY_VERSION, Registry.NPM, "5.6.1", True),
        (BY_VERSION, Registry.NPM, "5.6.2", False),
        (BY_VERSION, Registry.NPM, "v5.6.1", True),
        (FIXED, Registry.NPM, "1.1.9", False),
        (FIXED, Registry.NPM, "1.2.0", True),
        (FIXED, Registry.NPM, "1.2.2", True),
        (FIXED, Registry.NPM, "1.2.3", False),
        (FIXED, Registry.NPM, "1.2.3-rc.1", True),
        (LAST, Registry.PYPI, "2.1", True),
        (LAST, Registry.PYPI, "2.1.0", True),  # PEP 440: 2.1 == 2.1.0
        (LAST, Registry.PYPI, "2.1.post1", False),
        (LAST, Registry.PYPI, "1.9", False),
        (Listing("MAL-6", versions=("1.0",)), Registry.PYPI, "1.0.0", True),
        (WHOLE, Registry.CRATES, "0.0.1", True),
        (FIXED, Registry.NPM, "not-a-version", False),
    ],
)
def test_affects(listing: Listing, registry: Registry, version: str, expected: bool) -> None:
    assert affects(listing, version, registry) is expected


def test_unplaceable_event_makes_the_range_unusable() -> None:
    odd = Listing("MAL-7", ranges=(Range("SEMVER", (("introduced", "zzz"),)),))
    assert not affects(odd, "1.0.0", Registry.NPM)


def _verdict(signals: tuple) -> Recommendation:  # type: ignore[type-arg]
    return recommend(signals, exists=True)[0]


def test_whole_listing_is_decisive_with_the_advisory() -> None:
    found = assess(Registry.NPM, [WHOLE], [])
    assert found is not None
    (known,) = found.decisive
    assert known.kind is SignalKind.KNOWN_MALICIOUS
    assert known.evidence["advisories"] == "MAL-1"


def test_exact_version_is_decisive_and_names_file_and_line() -> None:
    lock = Source("package-lock.json", 12, "5.6.1")
    found = assess(Registry.NPM, [BY_VERSION], [lock])
    assert found is not None
    (hit,) = found.decisive
    assert hit.kind is SignalKind.MALICIOUS_VERSION
    assert hit.evidence == {
        "version": "5.6.1",
        "advisories": "MAL-2",
        "file": "package-lock.json",
        "line": 12,
    }
    assert "package-lock.json:12" in hit.message


def test_other_version_of_an_established_package_is_a_note() -> None:
    found = assess(Registry.NPM, [BY_VERSION], [Source("package-lock.json", 3, "5.6.2")])
    assert found is not None and not found.decisive and found.pending
    signals = found.signals(established=True)
    assert [s.kind for s in signals] == [SignalKind.MALICIOUS_VERSION]
    assert signals[0].weight == 0.0
    assert _verdict(signals) is Recommendation.SAFE


def test_range_admitting_a_listed_version_is_suspicious_even_when_popular() -> None:
    manifest = Source("package.json", 7, constraint="^5.6.0")
    found = assess(Registry.NPM, [BY_VERSION], [manifest])
    assert found is not None
    signals = found.signals(established=True)
    kinds = [s.kind for s in signals]
    assert SignalKind.MALICIOUS_VERSION_IN_RANGE in kinds
    in_range = signals[kinds.index(SignalKind.MALICIOUS_VERSION_IN_RANGE)]
    assert "5.6.1" in in_range.message and "pin" in in_range.message
    from phantom_guard.detect.score import signal

    popular = signal(SignalKind.POPULAR_PACKAGE, "popular")
    assert _verdict((popular, *signals)) is Recommendation.SUSPICIOUS


def test_range_not_admitting_a_listed_version_is_only_a_note() -> None:
    found = assess(Registry.NPM, [BY_VERSION], [Source("package.json", 7, constraint="^4.0.0")])
    assert found is not None
    assert [s.kind for s in found.signals(established=True)] == [SignalKind.MALICIOUS_VERSION]


def test_version_only_listing_of_an_unestablished_package_is_known_malicious() -> None:
    found = assess(Registry.NPM, [Listing("MAL-8", versions=("1.0.0",))], [])
    assert found is not None
    (known,) = found.signals(established=False)
    assert known.kind is SignalKind.KNOWN_MALICIOUS
    assert _verdict((known,)) is Recommendation.HIGH_RISK


def test_known_malicious_beats_the_popular_list_and_a_missing_package() -> None:
    from phantom_guard.detect.score import signal

    known = signal(SignalKind.KNOWN_MALICIOUS, "listed")
    popular = signal(SignalKind.POPULAR_PACKAGE, "popular")
    assert recommend((popular, known), exists=True) == (Recommendation.HIGH_RISK, 1.0)
    assert recommend((known,), exists=False) == (Recommendation.HIGH_RISK, 1.0)


def test_not_listed_is_none() -> None:
    assert assess(Registry.NPM, [], []) is None


@pytest.mark.parametrize(
    ("created_days", "releases", "downloads", "expected"),
    [
        (3000, 40, None, True),
        (3000, 2, None, False),
        (30, 40, None, False),
        (30, 1, 50_000, True),
    ],
)
def test_established(
    created_days: int, releases: int, downloads: int | None, expected: bool
) -> None:
    meta = PackageMetadata(
        "x",
        Registry.NPM,
        created=NOW - timedelta(days=created_days),
        release_count=releases,
        monthly_downloads=downloads,
    )
    assert established(meta, NOW) is expected
    assert established(None, NOW) is False
