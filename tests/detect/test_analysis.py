"""analyze(): name signals and metadata combined into one verdict, with a fixed clock."""

from __future__ import annotations

from phantom_guard.detect.analysis import analyze
from phantom_guard.detect.score import HIGH_RISK_AT, SUSPICIOUS_AT, WEIGHTS, signal
from phantom_guard.model import PackageMetadata, Recommendation, Registry, Signal, SignalKind
from tests.detect import NOW, ago, established, fresh

K = SignalKind
R = Recommendation


def typosquat() -> Signal:
    return signal(K.TYPOSQUAT, "looks like a typo of 'requests'", target="requests")


def pattern() -> Signal:
    return signal(K.HALLUCINATION_PATTERN, "'flask' joined with generic words", base="flask")


def test_old_established_described_package_is_safe() -> None:
    recommendation, score, signals = analyze(established(), (), NOW)
    assert recommendation is R.SAFE
    assert score < SUSPICIOUS_AT
    assert score == 0.0
    assert {s.kind for s in signals} == {K.ESTABLISHED, K.WIDELY_USED}


def test_fresh_single_release_undescribed_package_is_at_least_suspicious() -> None:
    recommendation, score, _ = analyze(fresh(), (), NOW)
    assert recommendation.severity >= R.SUSPICIOUS.severity
    assert recommendation in (R.SUSPICIOUS, R.HIGH_RISK)
    assert score >= SUSPICIOUS_AT


def test_fresh_package_with_a_suspicious_name_is_high_risk() -> None:
    recommendation, score, signals = analyze(fresh(), (typosquat(),), NOW)
    assert recommendation is R.HIGH_RISK
    assert score >= HIGH_RISK_AT
    assert K.PLACEHOLDER_SHAPE in {s.kind for s in signals}


def test_security_holding_is_high_risk_with_full_score() -> None:
    meta = established(security_holding=True, latest_version="0.0.1-security")
    assert analyze(meta, (), NOW)[:2] == (R.HIGH_RISK, 1.0)


def test_unpublished_is_high_risk() -> None:
    meta = PackageMetadata("gone", Registry.NPM, created=ago(14), release_count=0, unpublished=True)
    recommendation, score, signals = analyze(meta, (), NOW)
    assert recommendation is R.HIGH_RISK
    assert score >= HIGH_RISK_AT
    assert K.UNPUBLISHED in {s.kind for s in signals}


def test_missing_package_is_not_found_and_keeps_name_signals() -> None:
    recommendation, score, signals = analyze(None, (typosquat(),), NOW)
    assert recommendation is R.NOT_FOUND
    assert score >= WEIGHTS[K.NOT_FOUND]
    assert [s.kind for s in signals] == [K.NOT_FOUND, K.TYPOSQUAT]


def test_missing_package_without_name_signals() -> None:
    recommendation, score, signals = analyze(None, (), NOW)
    assert (recommendation, score) == (R.NOT_FOUND, WEIGHTS[K.NOT_FOUND])
    assert [s.kind for s in signals] == [K.NOT_FOUND]


def test_unknown_fields_do_not_make_a_package_risky() -> None:
    recommendation, score, signals = analyze(PackageMetadata("quiet", Registry.PYPI), (), NOW)
    assert recommendation is R.SAFE
    assert score < SUSPICIOUS_AT
    unknown_driven = {
        K.RECENTLY_CREATED,
        K.FEW_RELEASES,
        K.NO_RELEASES,
        K.NO_MAINTAINER,
        K.LOW_DOWNLOADS,
        K.PLACEHOLDER_SHAPE,
    }
    assert not unknown_driven & {s.kind for s in signals}


def test_placeholder_shape_needs_a_name_signal() -> None:
    _, _, plain = analyze(fresh(), (), NOW)
    assert K.PLACEHOLDER_SHAPE not in {s.kind for s in plain}
    for name_signal in (typosquat(), pattern(), signal(K.BRAND_NAMESPACE, "uses 'openai'")):
        _, _, named = analyze(fresh(), (name_signal,), NOW)
        assert K.PLACEHOLDER_SHAPE in {s.kind for s in named}


def test_placeholder_shape_needs_young_and_few_releases() -> None:
    many = fresh(release_count=30, release_times=())
    old = fresh(created=ago(3000), release_times=())
    unknown = fresh(created=None, release_count=None, release_times=())
    for meta in (many, old, unknown):
        _, _, signals = analyze(meta, (typosquat(),), NOW)
        assert K.PLACEHOLDER_SHAPE not in {s.kind for s in signals}


def test_trust_absorbs_a_weak_name_match() -> None:
    recommendation, _, signals = analyze(established(), (pattern(),), NOW)
    assert recommendation is R.SAFE
    assert signals[0].kind is K.HALLUCINATION_PATTERN  # name signals come first


def test_score_is_always_in_range() -> None:
    metas = [
        established(),
        fresh(),
        fresh(security_holding=True),
        PackageMetadata("x", Registry.NPM),
    ]
    for meta in [*metas, None]:
        for names in ((), (typosquat(),), (typosquat(), pattern())):
            _, score, _ = analyze(meta, names, NOW)
            assert 0.0 <= score <= 1.0
