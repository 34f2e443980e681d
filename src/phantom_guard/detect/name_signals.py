"""Name analysis: popular fast path, typosquats and hallucination patterns -> signals. Pure.

The popular lists and indexes are built on first use per registry and reused for every name,
so a batch pays for them once and a run that needs no analysis never loads them.
"""

from __future__ import annotations

import json
import zlib
from dataclasses import dataclass
from functools import cache
from importlib import resources
from typing import TYPE_CHECKING, Any

from phantom_guard import names
from phantom_guard._version import __version__
from phantom_guard.detect.patterns import PatternMatch, Vocabulary, match_patterns, vocabulary
from phantom_guard.detect.popular import popular_list
from phantom_guard.detect.score import signal
from phantom_guard.model import EvidenceValue, NormalizedName, Registry, Signal, SignalKind

if TYPE_CHECKING:
    from phantom_guard.detect.typosquat import TyposquatIndex, TyposquatMatch

# A near-miss of a top package is a stronger signal than one of a package ranked 10,000th.
_TOP_RANK = 1000
_MID_RANK = 5000
_SHORT_NAME = 5
# Bump when NameFindings' stored form changes.
_FINDINGS_FORMAT = 1


@dataclass(frozen=True, slots=True)
class NameFindings:
    """What the name alone says: whether it is popular, the signals, and a "did you mean"."""

    popular: bool
    signals: tuple[Signal, ...] = ()
    suggestion: str | None = None

    def to_bytes(self) -> bytes:
        """A compact stored form (see `from_bytes`)."""
        signals = [[s.kind.value, s.weight, s.message, dict(s.evidence)] for s in self.signals]
        return json.dumps([self.popular, signals, self.suggestion]).encode()

    @classmethod
    def from_bytes(cls, data: bytes) -> NameFindings:
        """Read what `to_bytes` wrote; raises ValueError on anything else."""
        try:
            popular, signals, suggestion = json.loads(data)
            return cls(
                popular=_typed(popular, bool),
                signals=tuple(
                    Signal(SignalKind(kind), float(weight), _typed(message, str), _evidence(ev))
                    for kind, weight, message, ev in signals
                ),
                suggestion=None if suggestion is None else _typed(suggestion, str),
            )
        except (TypeError, ValueError, UnicodeDecodeError) as exc:
            raise ValueError(f"unreadable name findings: {exc}") from exc


class NameAnalyzer:
    """Analyzes names against the popular lists; one instance serves a whole run."""

    def __init__(self, extra_patterns: tuple[str, ...] = ()) -> None:
        self._extra_patterns = extra_patterns
        self._vocabulary: Vocabulary | None = None

    def fingerprint(self, registry: Registry) -> str:
        """Names the inputs of `analyze` for `registry`: the same fingerprint, the same findings.

        It covers the version, the shipped lists and patterns, the analysis code itself (so an
        edited rule in a development checkout is not answered from an old run) and the user's
        extra patterns.
        """
        extra = zlib.crc32("\0".join(self._extra_patterns).encode())
        return f"{_shipped_digest(registry)}/{len(self._extra_patterns)}/{extra:08x}"

    def popular(self, name: NormalizedName, registry: Registry) -> NameFindings | None:
        """The findings of a name on the popular list (only the list is loaded), else None."""
        rank = popular_list(registry).rank(names.comparable(name))
        if rank is None:
            return None
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

    def analyze(self, name: NormalizedName, registry: Registry) -> NameFindings:
        """Signals from the name of a package on `registry`."""
        if (findings := self.popular(name, registry)) is not None:
            return findings
        popular = popular_list(registry)
        comparable = names.comparable(name)
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


@cache
def _shipped_digest(registry: Registry) -> str:
    # A checksum, not a cryptographic hash: it tells our own data versions apart, and
    # importing hashlib would cost more than the whole warm run it serves.
    package = resources.files("phantom_guard.detect")
    data = package.joinpath("data")
    parts = [
        data.joinpath("popular").joinpath(f"{registry.value}.txt"),
        data.joinpath("patterns.json"),
    ]
    parts += sorted((m for m in package.iterdir() if m.name.endswith(".py")), key=lambda m: m.name)
    checksum, size = 0, 0
    for part in parts:
        content = part.read_bytes()
        checksum = zlib.crc32(content, zlib.crc32(part.name.encode(), checksum))
        size += len(content)
    return f"{__version__}/{_FINDINGS_FORMAT}/{size}/{checksum:08x}"


def _typed(value: Any, kind: type[Any]) -> Any:
    if not isinstance(value, kind):
        raise TypeError(f"expected {kind.__name__}, got {type(value).__name__}")
    return value


def _evidence(value: Any) -> dict[str, EvidenceValue]:
    evidence: dict[str, EvidenceValue] = {}
    for key, item in _typed(value, dict).items():
        if item is not None and not isinstance(item, str | int | float):
            raise TypeError(f"evidence values are scalars, got {type(item).__name__}")
        evidence[key] = item
    return evidence


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
