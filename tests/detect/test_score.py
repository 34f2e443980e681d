"""The scoring table and the verdict thresholds."""

from __future__ import annotations

import pytest

from phantom_guard.detect.score import (
    HIGH_RISK_AT,
    SUSPICIOUS_AT,
    WEIGHTS,
    recommend,
    risk_score,
    signal,
)
from phantom_guard.model import Recommendation, Signal, SignalKind

K = SignalKind
TRUST = {K.ESTABLISHED, K.WIDELY_USED, K.POPULAR_PACKAGE, K.ALLOWLISTED}


def test_every_signal_kind_has_a_weight() -> None:
    assert set(WEIGHTS) == set(SignalKind)


@pytest.mark.parametrize("kind", list(SignalKind))
def test_weights_are_in_range_and_trust_is_negative(kind: SignalKind) -> None:
    weight = WEIGHTS[kind]
    assert -1.0 <= weight <= 1.0
    if kind in TRUST:
        assert weight < 0
    elif kind is not K.LOOKUP_FAILED:
        assert weight > 0


def test_lookup_failed_weighs_nothing() -> None:
    assert WEIGHTS[K.LOOKUP_FAILED] == 0.0


def test_thresholds_are_ordered() -> None:
    assert 0.0 < SUSPICIOUS_AT < HIGH_RISK_AT <= 1.0


def test_verdict_signals_reach_their_verdict_alone() -> None:
    assert WEIGHTS[K.SECURITY_HOLDING] >= HIGH_RISK_AT
    assert WEIGHTS[K.NOT_FOUND] >= HIGH_RISK_AT
    assert WEIGHTS[K.UNPUBLISHED] >= HIGH_RISK_AT
    assert WEIGHTS[K.TYPOSQUAT] >= SUSPICIOUS_AT


def test_signal_scales_by_strength_and_keeps_evidence() -> None:
    full = signal(K.TYPOSQUAT, "typo", target="requests")
    assert full.weight == WEIGHTS[K.TYPOSQUAT]
    assert full.evidence == {"target": "requests"}
    assert signal(K.TYPOSQUAT, "typo", strength=0.5).weight == round(WEIGHTS[K.TYPOSQUAT] / 2, 3)
    assert signal(K.TYPOSQUAT, "typo", strength=7).weight == WEIGHTS[K.TYPOSQUAT]
    assert signal(K.TYPOSQUAT, "typo", strength=-1).weight == 0.0
    assert signal(K.ESTABLISHED, "old", strength=0.5).weight == WEIGHTS[K.ESTABLISHED] / 2


def _s(weight: float, kind: SignalKind = K.FEW_RELEASES) -> Signal:
    return Signal(kind, weight, "test signal")


@pytest.mark.parametrize(
    ("weights", "expected"),
    [
        ([], 0.0),
        ([0.2, 0.3], 0.5),
        ([0.9, 0.9], 1.0),
        ([-1.0, 0.3], 0.0),
        ([0.1, 0.2], 0.3),
    ],
)
def test_risk_score_is_a_clamped_sum(weights: list[float], expected: float) -> None:
    assert risk_score(_s(w) for w in weights) == expected


@pytest.mark.parametrize(
    ("score", "expected"),
    [
        (0.0, Recommendation.SAFE),
        (SUSPICIOUS_AT - 0.01, Recommendation.SAFE),
        (SUSPICIOUS_AT, Recommendation.SUSPICIOUS),
        (HIGH_RISK_AT - 0.01, Recommendation.SUSPICIOUS),
        (HIGH_RISK_AT, Recommendation.HIGH_RISK),
        (1.0, Recommendation.HIGH_RISK),
    ],
)
def test_thresholds(score: float, expected: Recommendation) -> None:
    recommendation, result = recommend((_s(score),), exists=True)
    assert recommendation is expected
    assert result == round(score, 3)


def test_missing_is_not_found_with_at_least_its_weight() -> None:
    assert recommend((), exists=False) == (Recommendation.NOT_FOUND, WEIGHTS[K.NOT_FOUND])
    recommendation, score = recommend((_s(0.9, K.NOT_FOUND), _s(0.5, K.TYPOSQUAT)), exists=False)
    assert recommendation is Recommendation.NOT_FOUND
    assert score == 1.0


@pytest.mark.parametrize("trusted", [K.POPULAR_PACKAGE, K.ALLOWLISTED])
def test_popular_and_allowlisted_are_safe_whatever_else(trusted: SignalKind) -> None:
    signals = (_s(WEIGHTS[trusted], trusted), _s(1.0, K.TYPOSQUAT), _s(1.0, K.RECENTLY_CREATED))
    assert recommend(signals, exists=True) == (Recommendation.SAFE, 0.0)


def test_security_holding_is_high_risk_whatever_else() -> None:
    signals = (_s(1.0, K.SECURITY_HOLDING), _s(-1.0, K.WIDELY_USED), _s(-1.0, K.ESTABLISHED))
    assert recommend(signals, exists=True) == (Recommendation.HIGH_RISK, 1.0)
