"""`CachedNames`: the name analyzer behind a findings store, the way `CachedClient` wraps a client.

Name analysis of a name off the popular lists costs ~0.1 s the first time in a process (the
typosquat index); a later process reads the findings instead. A cache file is not trusted
like the analyzer: a row may only make a name look *riskier than nothing*, never trusted. Rows
holding a trust signal, a popular flag, or a weight outside the scoring table are unreadable
and the name is analysed again.
"""

from __future__ import annotations

from phantom_guard.detect.name_signals import NameAnalyzer, NameFindings
from phantom_guard.detect.score import WEIGHTS
from phantom_guard.model import NormalizedName, Registry, SignalKind

TYPE_CHECKING = False  # typing.TYPE_CHECKING, without importing typing on the start-up path
if TYPE_CHECKING:
    from collections.abc import Sequence

    from phantom_guard.cache.protocols import FindingsStore

#: Signals that make a package look trustworthy: only ever computed, never read from a row.
TRUST_SIGNALS = frozenset(
    {
        SignalKind.POPULAR_PACKAGE,
        SignalKind.ALLOWLISTED,
        SignalKind.ESTABLISHED,
        SignalKind.WIDELY_USED,
    }
)


class CachedNames:
    """`NameAnalyzer.analyze` answered from `store` when a live, plausible row exists."""

    def __init__(self, analyzer: NameAnalyzer, store: FindingsStore | None) -> None:
        self._analyzer = analyzer
        self._store = store
        # Rows read ahead by `prefetch` (None: none stored), each used once by `analyze`.
        self._read: dict[tuple[Registry, NormalizedName], bytes | None] = {}

    def prefetch(self, registry: Registry, names: Sequence[NormalizedName]) -> None:
        """Read the stored findings of `names` at once, for the `analyze` calls that follow."""
        if self._store is None or not names:
            return
        rows = self._store.get_findings_many(registry, names, self._analyzer.fingerprint(registry))
        self._read.update(((registry, name), rows.get(name)) for name in names)

    def analyze(self, name: NormalizedName, registry: Registry) -> NameFindings:
        """The findings for a name off the popular lists, stored for the next process."""
        if self._store is None:
            return self._analyzer.analyze(name, registry)
        fingerprint = self._analyzer.fingerprint(registry)
        key = (registry, name)
        if key in self._read:
            stored = self._read.pop(key)
        else:
            stored = self._store.get_findings(registry, name, fingerprint)
        if stored is not None:
            try:
                return plausible(NameFindings.from_bytes(stored))
            except ValueError:
                pass  # unreadable or implausible: analyse again and overwrite it
        findings = self._analyzer.analyze(name, registry)
        if not findings.popular:
            self._store.put_findings(registry, name, fingerprint, findings.to_bytes())
        return findings


def plausible(findings: NameFindings) -> NameFindings:
    """`findings` if a stored row could hold it; ValueError for a trust claim or a bad weight."""
    if findings.popular:
        raise ValueError("a stored row claims the name is popular")
    for found in findings.signals:
        if found.kind in TRUST_SIGNALS:
            raise ValueError(f"a stored row holds the trust signal {found.kind.value}")
        if not 0.0 <= found.weight <= WEIGHTS.get(found.kind, 0.0):
            raise ValueError(f"a stored row holds {found.kind.value} at weight {found.weight}")
    return findings
