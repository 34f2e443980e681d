"""Name analysis: popular fast path, typosquats and hallucination patterns -> signals. Pure.

The popular lists and indexes are built on first use per registry and reused for every name,
so a batch pays for them once and a run that needs no analysis never loads them.
"""

from __future__ import annotations

from dataclasses import dataclass
from typing import TYPE_CHECKING

from phantom_guard import names
from phantom_guard.detect.patterns import PatternMatch, Vocabulary, match_patterns, vocabulary
from phantom_guard.detect.popular import popular_list
from phantom_guard.detect.score import signal
from phantom_guard.model import Registry, Signal, SignalKind
from phantom_guard.names import NormalizedName

if TYPE_CHECKING:
    from phantom_guard.detect.typosquat import TyposquatIndex, TyposquatMatch

# A near-miss of a top package is a stronger signal than one of a package ranked 10,000th.
_TOP_RANK = 1000
_MID_RANK = 5000
_SHORT_NAME = 5


@dataclass(frozen=True, slots=True)
class NameFindings:
    """What the name alone says: whether it is popular, the signals, and a "did you mean"."""

    popular: bool
    signals: tuple[Signal, ...] = ()
    suggestion: str | None = None


class NameAnalyzer:
    """Analyzes names against the popular lists; one instance serves a whole run."""

    def __init__(self, extra_patterns: tuple[str, ...] = ()) -> None:
        self._extra_patterns = extra_patterns
        self._vocabulary: Vocabulary | None = None

    def analyze(self, name: NormalizedName, registry: Registry) -> NameFindings:
        """Signals from the name of a package on `registry`."""
        popular = popular_list(registry)
        comparable = names.comparable(name)
        if (rank := popular.rank(comparable)) is not None:
            return NameFindings(
                popular=True,
                signals=(
                    signal(
                        SignalKind.POPULAR_PACKAGE,
                        f"among the most downloaded {registry.value} packages (rank {rank:,})",
                        rank=rank,
                    ),
                ),
            )
        signals: list[Signal] = []
        suggestion: str | None = None
        squat = self._index(registry).match(comparable)
        if squat is not None:
            signals.append(_typosquat_signal(squat, comparable))
            suggestion = squat.target
        for pattern in match_patterns(comparable, popular, self._words()):
            if squat is not None and pattern.base == squat.target:
                continue  # "gulp-concat-js" is one finding about gulp-concat, not two
            # Further shapes of the same name add evidence, not independent risk.
            strength = 0.5 if any(s.kind is not SignalKind.TYPOSQUAT for s in signals) else 1.0
            signals.append(_pattern_signal(pattern, strength))
            suggestion = suggestion or pattern.base
        return NameFindings(popular=False, signals=tuple(signals), suggestion=suggestion)

    def _index(self, registry: Registry) -> TyposquatIndex:
        # Imported here: a run whose names are all popular never needs rapidfuzz.
        from phantom_guard.detect.typosquat import typosquat_index

        return typosquat_index(registry)

    def _words(self) -> Vocabulary:
        if self._vocabulary is None:
            self._vocabulary = vocabulary(self._extra_patterns)
        return self._vocabulary


def _typosquat_signal(squat: TyposquatMatch, name: str) -> Signal:
    strength = (
        1.0 if squat.target_rank <= _TOP_RANK else 0.8 if squat.target_rank <= _MID_RANK else 0.6
    )
    if len(name) <= _SHORT_NAME and squat.distance > 0:
        strength *= 0.8  # short names collide with popular ones by chance more often
    if squat.technique == "added digit":
        strength *= 0.6  # "mime2", "uuid4": a version in the name is a common honest choice
    return signal(
        SignalKind.TYPOSQUAT,
        f"looks like a typo of the popular package '{squat.target}' ({squat.technique})",
        strength=strength,
        target=squat.target,
        target_rank=squat.target_rank,
        technique=squat.technique,
    )


def _pattern_signal(pattern: PatternMatch, strength: float) -> Signal:
    kind = SignalKind.HALLUCINATION_PATTERN
    if pattern.rule == "brand namespace":
        kind = SignalKind.BRAND_NAMESPACE
    if pattern.rule == "compound of stock words":
        strength *= 0.7  # the weakest shape: real projects name themselves like this too
    return signal(kind, pattern.detail, strength=strength, rule=pattern.rule, base=pattern.base)
