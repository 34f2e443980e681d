"""Metadata signals: what a registry's answer says about an existing package."""

from __future__ import annotations

from datetime import timedelta

import pytest

from phantom_guard.detect.metadata import ESTABLISHED_AFTER, metadata_signals
from phantom_guard.detect.score import WEIGHTS
from phantom_guard.model import PackageMetadata, Registry, Signal, SignalKind
from tests.detect import NOW, ago, established, fresh

K = SignalKind


def kinds(signals: list[Signal]) -> set[SignalKind]:
    return {s.kind for s in signals}


def by_kind(signals: list[Signal], kind: SignalKind) -> Signal:
    (found,) = [s for s in signals if s.kind is kind]
    return found


def test_established_package_has_only_trust_signals() -> None:
    signals = metadata_signals(established(), NOW)
    assert kinds(signals) == {K.ESTABLISHED, K.WIDELY_USED}
    assert all(s.weight < 0 for s in signals)


def test_fresh_package_has_every_risk_signal() -> None:
    signals = metadata_signals(fresh(), NOW)
    assert kinds(signals) == {
        K.RECENTLY_CREATED,
        K.FEW_RELEASES,
        K.NO_DESCRIPTION,
        K.NO_REPOSITORY,
        K.NO_MAINTAINER,
    }
    assert by_kind(signals, K.RECENTLY_CREATED).weight == WEIGHTS[K.RECENTLY_CREATED]
    assert by_kind(signals, K.RECENTLY_CREATED).evidence["age_days"] == 3
    assert by_kind(signals, K.FEW_RELEASES).evidence["releases"] == 1


@pytest.mark.parametrize(
    ("days", "recent"),
    [(0, True), (3, True), (20, True), (60, True), (1000, False)],
)
def test_recently_created_bands(days: float, recent: bool) -> None:
    signals = metadata_signals(established(created=ago(days), release_times=()), NOW)
    assert (K.RECENTLY_CREATED in kinds(signals)) is recent


def test_younger_is_riskier() -> None:
    weights = [
        by_kind(metadata_signals(fresh(created=ago(d)), NOW), K.RECENTLY_CREATED).weight
        for d in (1, 20, 60, 200)
    ]
    assert weights == sorted(weights, reverse=True)
    assert weights[0] > weights[-1] > 0


def test_created_in_the_future_counts_as_brand_new() -> None:
    signal = by_kind(
        metadata_signals(fresh(created=NOW + timedelta(hours=5)), NOW), K.RECENTLY_CREATED
    )
    assert signal.weight == WEIGHTS[K.RECENTLY_CREATED]
    assert signal.evidence["age_days"] == 0


@pytest.mark.parametrize(("margin", "old"), [(-1, False), (1, True), (3000, True)])
def test_established_after_two_years(margin: float, old: bool) -> None:
    days = ESTABLISHED_AFTER.days + margin
    signals = metadata_signals(established(created=ago(days), release_times=()), NOW)
    assert (K.ESTABLISHED in kinds(signals)) is old
    assert K.RECENTLY_CREATED not in kinds(signals)


def test_security_holding_says_it_all() -> None:
    signals = metadata_signals(fresh(security_holding=True, latest_version="0.0.1-security"), NOW)
    assert [s.kind for s in signals] == [K.SECURITY_HOLDING]
    assert signals[0].evidence["version"] == "0.0.1-security"


def test_unpublished_says_it_all() -> None:
    meta = PackageMetadata("gone", Registry.NPM, created=ago(14), release_count=0, unpublished=True)
    assert [s.kind for s in metadata_signals(meta, NOW)] == [K.UNPUBLISHED]


def test_no_releases() -> None:
    signals = metadata_signals(established(release_count=0, release_times=()), NOW)
    assert K.NO_RELEASES in kinds(signals)
    assert K.FEW_RELEASES not in kinds(signals)


def test_all_yanked() -> None:
    signals = metadata_signals(established(all_yanked=True), NOW)
    assert K.ALL_YANKED in kinds(signals)


def test_no_releases_wins_over_all_yanked() -> None:
    signals = metadata_signals(established(release_count=0, release_times=(), all_yanked=True), NOW)
    assert K.NO_RELEASES in kinds(signals)
    assert K.ALL_YANKED not in kinds(signals)


@pytest.mark.parametrize(("count", "few"), [(1, True), (2, True), (3, False), (40, False)])
def test_few_releases(count: int, few: bool) -> None:
    signals = metadata_signals(established(release_count=count, release_times=()), NOW)
    assert (K.FEW_RELEASES in kinds(signals)) is few


def test_release_burst() -> None:
    burst = tuple(ago(10) + timedelta(hours=h) for h in range(5))
    signals = metadata_signals(fresh(release_count=5, release_times=burst, created=ago(10)), NOW)
    assert K.RELEASE_BURST in kinds(signals)
    assert by_kind(signals, K.RELEASE_BURST).evidence["releases"] == 5
    spread = tuple(ago(10 + 30 * i) for i in range(5))
    signals = metadata_signals(
        established(release_count=5, release_times=tuple(sorted(spread))), NOW
    )
    assert K.RELEASE_BURST not in kinds(signals)
    three = burst[:3]
    signals = metadata_signals(established(release_count=3, release_times=three), NOW)
    assert K.RELEASE_BURST not in kinds(signals)


@pytest.mark.parametrize(
    ("summary", "expected"),
    [
        (None, K.NO_DESCRIPTION),
        ("tbd", K.SHORT_DESCRIPTION),
        ("A longer, real description.", None),
    ],
)
def test_description(summary: str | None, expected: SignalKind | None) -> None:
    found = kinds(metadata_signals(established(summary=summary), NOW))
    assert found & {K.NO_DESCRIPTION, K.SHORT_DESCRIPTION} == ({expected} if expected else set())


def test_maintainers_unknown_is_neutral_but_empty_is_a_signal() -> None:
    assert K.NO_MAINTAINER not in kinds(metadata_signals(established(maintainers=None), NOW))
    assert K.NO_MAINTAINER in kinds(metadata_signals(established(maintainers=()), NOW))


def test_deprecated() -> None:
    signal = by_kind(metadata_signals(established(deprecated="use other-lib"), NOW), K.DEPRECATED)
    # the publisher's note is registry text in the evidence, never part of the tool's message
    assert signal.evidence["registry_text"] == "use other-lib"
    assert "use other-lib" not in signal.message


def test_deprecation_message_is_cut() -> None:
    signal = by_kind(metadata_signals(established(deprecated="x" * 5000), NOW), K.DEPRECATED)
    assert len(signal.message) < 200


@pytest.mark.parametrize(
    ("downloads", "expected"),
    [
        (None, set()),
        (0, {K.LOW_DOWNLOADS}),
        (3, {K.LOW_DOWNLOADS}),
        (5_000_000, {K.WIDELY_USED}),
    ],
)
def test_downloads(downloads: int | None, expected: set[SignalKind]) -> None:
    found = kinds(metadata_signals(established(monthly_downloads=downloads), NOW))
    assert found & {K.LOW_DOWNLOADS, K.WIDELY_USED} == expected


def test_more_downloads_are_never_riskier() -> None:
    counts = [0, 10, 49, 50, 100, 999, 1_000, 5_000, 9_999, 10_000, 100_000, 10**9]
    totals = [
        sum(s.weight for s in metadata_signals(established(monthly_downloads=c), NOW))
        for c in counts
    ]
    assert totals == sorted(totals, reverse=True)


def test_unknown_fields_add_no_age_release_people_or_download_signals() -> None:
    # Only name and registry: the registry said nothing. Age, releases, maintainers and
    # downloads are unknown and neutral; the absent description and repository are what
    # the mapping reports for a document without them, so they remain (weak) signals.
    signals = metadata_signals(PackageMetadata("quiet", Registry.PYPI), NOW)
    assert kinds(signals) == {K.NO_DESCRIPTION, K.NO_REPOSITORY}


def test_weights_come_from_the_table() -> None:
    metas = [
        established(),
        fresh(),
        fresh(deprecated="old", monthly_downloads=3, summary="tiny"),
        established(all_yanked=True),
    ]
    for meta in metas:
        for signal in metadata_signals(meta, NOW):
            table = WEIGHTS[signal.kind]
            assert abs(signal.weight) <= abs(table) + 1e-9
            assert (signal.weight >= 0) == (table >= 0) or signal.weight == 0
