"""The one scoring table: every signal's weight and the thresholds, readable in a minute.

The risk score is the sum of the weights of a package's signals, clamped to [0, 1]. Trust
signals have negative weights, so an old, widely used package absorbs a weak name match instead
of being flagged for it. Fixed offsets are deliberately absent: a package with no risk signals
scores 0 and is SAFE.
"""

from __future__ import annotations

from phantom_guard.model import Recommendation, Signal, SignalKind

TYPE_CHECKING = False  # typing.TYPE_CHECKING, without importing typing on the start-up path
if TYPE_CHECKING:
    from collections.abc import Iterable

#: Maximum weight of each signal; detectors scale some (typosquat closeness, age) below it.
WEIGHTS: dict[SignalKind, float] = {
    # Verdicts on their own.
    SignalKind.SECURITY_HOLDING: 1.0,  # the registry removed it for malware
    SignalKind.KNOWN_MALICIOUS: 1.0,  # listed in the known-malicious feed (feed/match.py)
    SignalKind.MALICIOUS_VERSION: 1.0,  # the exact version pinned is listed as malicious
    SignalKind.NOT_FOUND: 0.9,
    SignalKind.UNPUBLISHED: 0.7,  # the name is free to be re-registered by anyone
    SignalKind.NO_RELEASES: 0.5,  # a name registered with nothing uploaded
    # Name shape (see detect/patterns.py, detect/typosquat.py).
    SignalKind.TYPOSQUAT: 0.5,
    SignalKind.HALLUCINATION_PATTERN: 0.3,
    SignalKind.BRAND_NAMESPACE: 0.3,
    # New + few releases + a suspicious name: the shape of a registered slopsquat.
    SignalKind.PLACEHOLDER_SHAPE: 0.25,
    # Where it comes from and how the project is configured.
    SignalKind.MALICIOUS_VERSION_IN_RANGE: 0.3,  # a declared range admits a listed version
    SignalKind.CONFIG_WEAKENED: 0.3,  # a change adds to allow/ignore/private
    SignalKind.FOREIGN_SOURCE: 0.3,  # fetched from a host no configuration names
    SignalKind.DEPENDENCY_CONFUSION_EXPOSURE: 0.3,  # a private name the public index could serve
    # Metadata.
    SignalKind.ALL_YANKED: 0.6,  # pip will not install it by name
    SignalKind.RECENTLY_CREATED: 0.3,
    SignalKind.NO_DESCRIPTION: 0.15,
    SignalKind.FEW_RELEASES: 0.1,
    SignalKind.RELEASE_BURST: 0.1,
    SignalKind.NO_REPOSITORY: 0.1,
    SignalKind.LOW_DOWNLOADS: 0.1,
    SignalKind.DEPRECATED: 0.1,
    SignalKind.SHORT_DESCRIPTION: 0.05,
    SignalKind.NO_MAINTAINER: 0.05,
    # Trust.
    SignalKind.ESTABLISHED: -0.3,  # first release two or more years ago
    SignalKind.WIDELY_USED: -0.4,  # many downloads a month
    SignalKind.POPULAR_PACKAGE: -1.0,  # on the shipped popular list
    SignalKind.ALLOWLISTED: -1.0,  # on the user's allow list
    SignalKind.LOOKUP_FAILED: 0.0,  # carries the reason of an ERROR result
}

#: Lowest score of each verdict.
SUSPICIOUS_AT = 0.3
HIGH_RISK_AT = 0.6

# These decide the verdict whatever the other signals add up to.
_ALWAYS_SAFE = frozenset({SignalKind.POPULAR_PACKAGE, SignalKind.ALLOWLISTED})
_ALWAYS_HIGH = frozenset({SignalKind.SECURITY_HOLDING})
# Known malware wins over everything, even the popular list and a registry that deleted it: a
# compromised release of a popular package is exactly what the feed is for. (With weight 0, a
# MALICIOUS_VERSION signal is a note: other versions are listed, not the one in use.)
_FEED_HIGH = frozenset({SignalKind.KNOWN_MALICIOUS, SignalKind.MALICIOUS_VERSION})


def signal(
    kind: SignalKind,
    message: str,
    *,
    strength: float = 1.0,
    **evidence: str | int | float | bool | None,
) -> Signal:
    """A `Signal` whose weight is the table's weight for `kind`, scaled by `strength` in [0, 1]."""
    strength = min(1.0, max(0.0, strength))
    return Signal(kind, round(WEIGHTS[kind] * strength, 3), message, evidence)


def risk_score(signals: Iterable[Signal]) -> float:
    """The sum of the signals' weights, clamped to [0, 1]."""
    return round(min(1.0, max(0.0, sum(s.weight for s in signals))), 3)


def recommend(signals: tuple[Signal, ...], *, exists: bool) -> tuple[Recommendation, float]:
    """The verdict and score for an existing or missing package."""
    kinds = {s.kind for s in signals}
    if kinds & _FEED_HIGH and any(s.kind in _FEED_HIGH and s.weight > 0 for s in signals):
        return Recommendation.HIGH_RISK, 1.0
    if not exists:
        return Recommendation.NOT_FOUND, max(risk_score(signals), WEIGHTS[SignalKind.NOT_FOUND])
    # A declared range that admits a listed malicious version is worth a look even on a
    # popular or allow-listed package: the next install may resolve to it.
    in_range = SignalKind.MALICIOUS_VERSION_IN_RANGE in kinds
    if kinds & _ALWAYS_SAFE:
        if in_range:
            return Recommendation.SUSPICIOUS, WEIGHTS[SignalKind.MALICIOUS_VERSION_IN_RANGE]
        return Recommendation.SAFE, 0.0
    if kinds & _ALWAYS_HIGH:
        return Recommendation.HIGH_RISK, 1.0
    score = risk_score(signals)  # only now: a popular or allow-listed name never needs it
    if score >= HIGH_RISK_AT:
        return Recommendation.HIGH_RISK, score
    if score >= SUSPICIOUS_AT or in_range:
        return Recommendation.SUSPICIOUS, max(score, SUSPICIOUS_AT)
    return Recommendation.SAFE, score
