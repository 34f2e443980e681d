"""Name analysis: popular fast path, typosquats and hallucination patterns -> signals. Pure.

The popular lists and indexes are built on first use per registry and reused for every name,
so a batch pays for them once and a run that needs no analysis never loads them.
"""

from __future__ import annotations

import zlib

from phantom_guard import names
from phantom_guard._version import __version__
from phantom_guard.detect.popular import popular_list
from phantom_guard.detect.score import signal
from phantom_guard.model import EvidenceValue, NormalizedName, Registry, Signal, SignalKind
from phantom_guard.records import record

TYPE_CHECKING = False  # typing.TYPE_CHECKING, without importing typing on the start-up path
if TYPE_CHECKING:
    from collections.abc import Sequence
    from typing import Any

    from phantom_guard.detect.patterns import PatternMatch, Vocabulary
    from phantom_guard.detect.popular import PopularList
    from phantom_guard.detect.typosquat import TyposquatIndex, TyposquatMatch

    # The popular list, the typosquat index, the naming conventions, brand lines, libraries,
    # plugin hosts.
    _Rules = tuple[
        PopularList, TyposquatIndex, frozenset[str], frozenset[str], frozenset[str], frozenset[str]
    ]

# A near-miss of a top package is a stronger signal than one of a package ranked 10,000th.
_TOP_RANK = 1000
_MID_RANK = 5000
_SHORT_NAME = 5
# The second tier (npm names ranked after the popular list) is aimed at, but less often.
_TIER2_STRENGTH = 0.5
# Brings a one-edit match of an English word below what a fresh package's metadata needs to
# become HIGH_RISK: the word explains the name at least as well as a typo does, unless the
# target is a top package. Measured on the npm and PyPI package lists: below the tier-2
# threshold, 28 of 138,904 npm names and 135 of 871,338 PyPI names are an English word one
# typing slip from a top-1,000 name ("reach"/"react", "flak"/"flask"), while the corpus's
# registered typosquats of top names are mostly such words; a top target's installs make the
# slip likelier than the word.
_ENGLISH_WORD_STRENGTH = 0.1
# Edits no single slipped key explains: a letter added or changed anywhere, two edits, an
# affix, a version digit, a plural, another first word, the words reordered. Against a
# top-1,000 target they are how squats look; against a lesser one they are how honest
# variants name themselves (a letter or "py" for a port, "<name>2" for a fork, a project's own
# family "<word>-*" one letter from a target). Measured on the package snapshots' long-tail
# names (npm under 10,000 downloads a month, unranked PyPI): this shape was 68% (PyPI) and 56%
# (npm) of their typosquat matches. Weighed like an English word: a note, not a verdict.
_LOOSE_EDITS = frozenset(
    {
        "added letter",
        "substituted letter",
        "two edits",
        "added or dropped affix",
        "word order",
        "plural or singular",
        "added digit",
        "dropped digit",
        "changed digit",
    }
)
_FIRST_WORD = "mistyped first word"
_LOOSE_EDIT_STRENGTH = 0.1
# A top package of the other registry; only long, unambiguous names, only the top of its list.
_OTHER_ECOSYSTEM = {Registry.PYPI: Registry.NPM, Registry.NPM: Registry.PYPI}
_OTHER_MIN_LENGTH = 5
_OTHER_TOP_RANK = 5000
_POPULAR = SignalKind.POPULAR_PACKAGE
_POPULAR_WEIGHT = signal(_POPULAR, "").weight
# The popular signal's message up to its rank, per registry, looked up: formatting a `str`
# subclass (a StrEnum member) looks up its `__format__`, ~1,000 instructions a lock entry.
_POPULAR_MESSAGES = {
    registry: f"among the most downloaded {registry.value} packages (rank " for registry in Registry
}
# Shapes that a name downloaded widely enough to be an index target has outgrown.
_ESTABLISHED_EXEMPT = frozenset({"top library + one word", "hallucination marker"})
# Bump when NameFindings' stored form changes.
_FINDINGS_FORMAT = 1


@record
class NameFindings:
    """What the name alone says: whether it is popular, the signals, and a "did you mean"."""

    popular: bool
    signals: tuple[Signal, ...] = ()
    suggestion: str | None = None

    def to_bytes(self) -> bytes:
        """A compact stored form (see `from_bytes`)."""
        import json  # here: a popular name's answer never stores findings

        signals = [[s.kind.value, s.weight, s.message, dict(s.evidence)] for s in self.signals]
        return json.dumps([self.popular, signals, self.suggestion]).encode()

    @classmethod
    def from_bytes(cls, data: bytes) -> NameFindings:
        """Read what `to_bytes` wrote; raises ValueError on anything else."""
        from phantom_guard import jsontext  # json.loads's reading, without importing json

        try:
            document: Any = jsontext.loads(data)
            popular, signals, suggestion = document
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
        self._indexes: dict[Registry, TyposquatIndex] = {}
        self._rules: dict[Registry, _Rules] = {}

    def fingerprint(self, registry: Registry) -> str:
        """Names the inputs of `analyze` for `registry`: the same fingerprint, the same findings.

        It covers the version, the shipped lists and patterns, the analysis code itself (so an
        edited rule in a development checkout is not answered from an old run) and the user's
        extra patterns.
        """
        extra = zlib.crc32("\0".join(self._extra_patterns).encode())
        return f"{_shipped_digest()}/{len(self._extra_patterns)}/{extra:08x}"

    def popular(self, name: NormalizedName, registry: Registry) -> NameFindings | None:
        """The findings of a name on the popular list (only the list is loaded), else None."""
        found = self.popular_signal(name, registry)
        return None if found is None else NameFindings(True, (found,))

    @staticmethod
    def popular_signal(name: NormalizedName, registry: Registry) -> Signal | None:
        """The one signal of a name on the popular list (`popular`'s findings hold only it)."""
        # npm names are case-sensitive: "LODASH" is another package (and unpublishable today).
        key = name if registry is Registry.NPM else names.comparable(name)
        return _popularity(popular_list(registry).rank(key), registry)

    @staticmethod
    def popular_signals(
        normalized: Sequence[NormalizedName], registry: Registry
    ) -> list[Signal | None]:
        """`popular_signal` of each name (a lock file's names at once)."""
        keys = normalized if registry is Registry.NPM else [names.comparable(n) for n in normalized]
        return [_popularity(rank, registry) for rank in popular_list(registry).ranks_of(keys)]

    def analyze(self, name: NormalizedName, registry: Registry) -> NameFindings:
        """Signals from the name of a package on `registry`."""
        if (findings := self.popular(name, registry)) is not None:
            return findings
        if (rules := self._rules.get(registry)) is None:
            rules = self._rules[registry] = self._load_rules(registry)
        popular, index, convention, brand_lines, libraries, plugin_hosts = rules
        # Here, not at the top: the pattern rules (and `re`) are for names off the popular list.
        from phantom_guard.detect.patterns import match_patterns

        comparable = names.comparable(name)
        signals: list[Signal] = []
        suggestion: str | None = None
        if comparable != name and (rank := popular.rank(comparable)) is not None:
            # Only npm keeps letter case; its popular names are lowercase.
            squat: TyposquatMatch | None = _case_match(comparable, rank, index)
        else:
            # A second-tier target itself is still compared with the others: mistyped names
            # collect downloads from the very typos they imitate.
            squat = index.match(comparable)
        if squat is not None:
            signals.append(_typosquat_signal(squat, comparable, registry))
            suggestion = squat.target
        found = match_patterns(
            comparable,
            popular,
            self._words(),
            convention,
            brand_lines=brand_lines,
            libraries=libraries,
            plugin_hosts=plugin_hosts,
        )
        if found and any(p.rule in _ESTABLISHED_EXEMPT for p in found) and index.target(comparable):
            # Downloaded widely enough to be on the second tier: an established add-on, or a
            # project that chose the marker long ago ("future-fstrings").
            found = [p for p in found if p.rule not in _ESTABLISHED_EXEMPT]
        if not signals and not found and (other := self._other_ecosystem(comparable, registry)):
            signals.append(other)
        for pattern in found:
            if squat is not None and pattern.base == squat.target:
                continue  # "gulp-concat-js" is one finding about gulp-concat, not two
            # Further shapes of the same name add evidence, not independent risk.
            strength = 0.5 if any(s.kind is not SignalKind.TYPOSQUAT for s in signals) else 1.0
            signals.append(_pattern_signal(pattern, strength))
            suggestion = suggestion or pattern.base
        return NameFindings(popular=False, signals=tuple(signals), suggestion=suggestion)

    def _other_ecosystem(self, comparable: str, registry: Registry) -> Signal | None:
        """A top package of the other registry asked for here, spelled as there (``pygsheets``
        on npm, ``boxen`` on PyPI): LLMs mix up ecosystems; the name is free for a squatter
        here. Another spelling (``css-utils`` for ``cssutils``) is a name of its own."""
        other = _OTHER_ECOSYSTEM.get(registry)
        if other is None or len(comparable) < _OTHER_MIN_LENGTH:
            return None
        theirs = self._index(other).exact_or_squashed(comparable)
        if theirs is None or theirs.rank > _OTHER_TOP_RANK:
            return None
        if names.pep503(theirs.name) != names.pep503(comparable):
            return None  # the same letters, other separators: "regexparser", "regex-parser"
        if self._index(registry).target(comparable) is not None:
            return None  # well known here too
        from phantom_guard.detect.words import english_words  # its table only when needed

        if comparable in english_words():
            # "commander", "hypothesis": words, published in both. Even a top-1,000 package
            # there ("boxen") fired as often on the dev corpus's legitimate names as on its
            # hallucinations.
            return None
        downloads = theirs.score if other is Registry.NPM else 0
        popularity = f"rank {theirs.rank:,}" + (
            f", {downloads:,} downloads a month" if downloads else ""
        )
        evidence = {"target_downloads": downloads} if downloads else {}
        return signal(
            SignalKind.HALLUCINATION_PATTERN,
            f"name from another ecosystem: the {other.value} package '{theirs.name}' "
            f"({popularity} there) asked for on {registry.value}",
            rule="name from another ecosystem",
            target=theirs.name,
            target_registry=other.value,
            target_rank=theirs.rank,
            **evidence,
        )

    def _load_rules(self, registry: Registry) -> _Rules:
        """What `analyze` consults for `registry`, looked up once rather than once a name."""
        from phantom_guard.detect.patterns import brand_families, conventions, hosts, unextended

        kind = registry.value
        return (
            popular_list(registry),
            self._index(registry),
            conventions(kind),
            brand_families(kind),
            unextended(kind),
            hosts(kind),
        )

    def _index(self, registry: Registry) -> TyposquatIndex:
        if (index := self._indexes.get(registry)) is None:
            # Imported here: a run whose names are all popular never needs rapidfuzz (and an
            # import statement costs microseconds each time it runs, so once per registry).
            from phantom_guard.detect.typosquat import typosquat_index

            index = self._indexes[registry] = typosquat_index(registry)
        return index

    def _words(self) -> Vocabulary:
        if self._vocabulary is None:
            from phantom_guard.detect.patterns import vocabulary

            self._vocabulary = vocabulary(self._extra_patterns)
        return self._vocabulary


_DIGEST: list[str] = []  # computed once a process


def _shipped_digest() -> str:
    """A digest of every shipped data file (all registries' lists: one registry's rules read the
    others') and every module of `phantom_guard.detect`, from each file's size and modification
    time, as a .pyc is checked against its source: reading and summing their ~0.7 MB was most
    of a warm run's first stored-findings read. Any install or edit of them gives another."""
    if not _DIGEST:
        import os

        from phantom_guard.detect.datafiles import data_path, package_path

        modules = package_path()
        checksum, size = 0, 0
        for folder in (data_path(), data_path("popular"), data_path("index"), modules):
            for entry in sorted(os.scandir(folder), key=lambda entry: entry.name):
                if entry.is_file() and (folder != modules or entry.name.endswith(".py")):
                    stat = entry.stat()
                    facts = f"{entry.path}:{stat.st_size}:{stat.st_mtime_ns}"
                    checksum = zlib.crc32(facts.encode(), checksum)
                    size += stat.st_size
        _DIGEST.append(f"{__version__}/{_FINDINGS_FORMAT}/{size}/{checksum:08x}")
    return _DIGEST[0]


def _popularity(rank: int | None, registry: Registry) -> Signal | None:
    """The popular signal of a name with this rank on `registry`'s list (None: not on it):
    `signal` at full strength, written out, as a lock file asks for one per entry.
    """
    if rank is None:
        return None
    return Signal(
        _POPULAR, _POPULAR_WEIGHT, f"{_POPULAR_MESSAGES[registry]}{rank:,})", {"rank": rank}
    )


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


def _case_match(comparable: str, rank: int, index: TyposquatIndex) -> TyposquatMatch:
    from phantom_guard.detect.typosquat import TyposquatMatch

    record = index.target(comparable)
    score = record.score if record is not None else 0
    return TyposquatMatch(comparable, rank, "letter case", 0, score, 1)


def _typosquat_signal(squat: TyposquatMatch, name: str, registry: Registry) -> Signal:
    """Weight by the target's popularity and the edit's kind (a coincidence grows likelier as
    the target gets less popular, the name shorter and the edit looser)."""
    if squat.tier == 2:
        strength, where = _TIER2_STRENGTH, "a widely used"
    elif squat.target_rank <= _TOP_RANK:
        strength, where = 1.0, "a top"
    else:
        strength = 0.8 if squat.target_rank <= _MID_RANK else 0.6
        where = "a popular"
    if len(name) <= _SHORT_NAME and squat.distance > 0:
        strength *= 0.8  # short names collide with popular ones by chance more often
    if squat.technique in ("added digit", "dropped digit", "changed digit"):
        strength *= 0.6  # "mime2", "uuid4": a version in the name is a common honest choice
    if squat.distance == 2:
        strength *= 0.8  # two edits: likelier a different name than one edit is
    top = squat.tier == 1 and squat.target_rank <= _TOP_RANK
    loose = squat.technique in _LOOSE_EDITS or squat.technique.startswith(_FIRST_WORD)
    notes = []
    if loose and not top:
        # "schemdule" is one added letter from "schedule": a name of its own, not a slip.
        strength *= _LOOSE_EDIT_STRENGTH
        notes.append("not a slip of one key, and the target is not a top package")
    if squat.english_word and not top:
        # "alter" is one edit from "later": an ordinary word, not a typo.
        strength *= 1.0 if loose else _ENGLISH_WORD_STRENGTH
        notes.append("the name is itself an English word")
    note = f"; but {'; and '.join(notes)}" if notes else ""
    if squat.english_word and top:
        note = "; the name is also an English word, but the target is a top package"
    popularity = (
        f"{squat.target_score:,} downloads a month"
        if registry is Registry.NPM and squat.target_score
        else f"rank {squat.target_rank:,}"
    )
    downloads = {"target_downloads": squat.target_score} if registry is Registry.NPM else {}
    return signal(
        SignalKind.TYPOSQUAT,
        f"typosquat ({squat.technique}) of {where} {registry.value} package "
        f"'{squat.target}' ({popularity}){note}",
        strength=strength,
        rule="typosquat",
        target=squat.target,
        target_rank=squat.target_rank,
        **downloads,
        tier=squat.tier,
        technique=squat.technique,
        edits=squat.distance,
        english_word=squat.english_word,
    )


def _pattern_signal(pattern: PatternMatch, strength: float) -> Signal:
    kind = SignalKind.HALLUCINATION_PATTERN
    if pattern.rule == "brand namespace":
        kind = SignalKind.BRAND_NAMESPACE
    if pattern.rule in ("compound of stock words", "top library + one word"):
        strength *= 0.7  # the weakest shapes: real projects name themselves like this too
    return signal(kind, pattern.detail, strength=strength, rule=pattern.rule, base=pattern.base)
