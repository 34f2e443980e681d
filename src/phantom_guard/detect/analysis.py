"""Combine name and metadata signals into one verdict. Pure: literal objects in, verdict out."""

from __future__ import annotations

from phantom_guard.detect.metadata import metadata_signals
from phantom_guard.detect.score import recommend, signal
from phantom_guard.model import PackageMetadata, Recommendation, Signal, SignalKind
from phantom_guard.stand_ins import datetime, timedelta

# A name signal on a package this young, with this few releases, is how registered slopsquats
# look: the attacker registers the hallucinated name and publishes once.
_PLACEHOLDER_AGE = timedelta(days=365)
_PLACEHOLDER_RELEASES = 2
# A name signal weakened below this (a one-edit match that is an English word) does not make
# the shape: the name has an ordinary explanation.
_PLACEHOLDER_NAME_WEIGHT = 0.1
_NAME_KINDS = frozenset(
    {SignalKind.TYPOSQUAT, SignalKind.HALLUCINATION_PATTERN, SignalKind.BRAND_NAMESPACE}
)


def analyze(
    metadata: PackageMetadata | None,
    name_signals: tuple[Signal, ...],
    now: datetime,
) -> tuple[Recommendation, float, tuple[Signal, ...]]:
    """Verdict, score and the signals behind them; `metadata` None means "does not exist"."""
    if metadata is None:
        missing = signal(SignalKind.NOT_FOUND, "not found on the registry")
        signals = (missing, *name_signals)
        recommendation, score = recommend(signals, exists=False)
        return recommendation, score, signals
    found = metadata_signals(metadata, now)
    if _placeholder_shape(metadata, name_signals, now):
        found.append(
            signal(
                SignalKind.PLACEHOLDER_SHAPE,
                "new, with few releases, and a suspicious name: the shape of a registered "
                "slopsquat",
            )
        )
    signals = (*name_signals, *found)
    recommendation, score = recommend(signals, exists=True)
    return recommendation, score, signals


def _placeholder_shape(
    metadata: PackageMetadata, name_signals: tuple[Signal, ...], now: datetime
) -> bool:
    if sum(s.weight for s in name_signals if s.kind in _NAME_KINDS) < _PLACEHOLDER_NAME_WEIGHT:
        return False
    young = metadata.created is not None and now - metadata.created < _PLACEHOLDER_AGE
    few = metadata.release_count is not None and metadata.release_count <= _PLACEHOLDER_RELEASES
    return young and few
