"""Input planning: refs -> the distinct names to check, each ref normalized exactly once.

A ref's name is validated and normalized here; what follows (the local answers, the network
pipeline, the report) works on `Target`s and never normalizes again.
"""

from __future__ import annotations

from phantom_guard.detect.score import risk_score, signal
from phantom_guard.errors import InputError
from phantom_guard.model import (
    NormalizedName,
    PackageRef,
    PackageRisk,
    Recommendation,
    Registry,
    Signal,
    SignalKind,
    Source,
)
from phantom_guard.names import (
    normalize,
    normalize_each,
    parse_purl,
    parse_registry,
    purl_version,
)
from phantom_guard.records import field, record

TYPE_CHECKING = False  # typing.TYPE_CHECKING, without importing typing on the start-up path
if TYPE_CHECKING:
    from collections.abc import Iterable, Sequence


@record(frozen=False)
class Target:
    """One distinct (registry, normalized name) and every place it was declared."""

    registry: Registry
    name: str
    normalized: NormalizedName
    sources: list[Source] = field(default_factory=list)
    #: The declarations with their versions, for the feed, once one differs from its source
    #: (a command-line pin has no file); None while they are `sources`, as in a lock file.
    uses: dict[Source, None] | None = None

    def declarations(self) -> tuple[Source, ...]:
        """Every declaration with the version it pins, in the order first seen."""
        return tuple(self.sources if self.uses is None else self.uses)

    def risk(
        self,
        recommendation: Recommendation,
        score: float,
        *,
        exists: bool | None,
        signals: tuple[Signal, ...],
        suggestion: str | None = None,
        cached: bool = False,
        error: str | None = None,
    ) -> PackageRisk:
        """The `PackageRisk` of this target with the given verdict."""
        # Positional: one result per name of a 10,000-entry lock file, and keywords bind slower.
        return PackageRisk(
            self.name,  # name
            self.normalized,  # normalized_name
            self.registry,  # registry
            recommendation,
            score,  # risk_score
            exists,
            signals,
            suggestion,
            tuple(self.sources),  # sources
            cached,
            error,
        )

    def unverified(self, reason: str, name_signals: tuple[Signal, ...] = ()) -> PackageRisk:
        """An ERROR result: the reason, and whatever the name alone says."""
        failed = signal(SignalKind.LOOKUP_FAILED, f"could not verify: {reason}")
        return self.risk(
            Recommendation.ERROR,
            risk_score(name_signals),
            exists=None,
            signals=(failed, *name_signals),
            error=reason,
        )

    def not_checked(self) -> PackageRisk:
        """The ERROR result of a name --fail-fast left unchecked: never a silent pass."""
        return self.unverified("not checked: --fail-fast stopped the run at an earlier finding")


@record
class Plan:
    """The distinct names to check, in input order, and one message per invalid name."""

    targets: list[Target]
    errors: list[str]


class NameSet:
    """Allow/ignore entries: bare names match on every registry, Package URLs on theirs."""

    def __init__(self, entries: Iterable[str]) -> None:
        self._raw = tuple(entries)
        self._cache: dict[Registry, frozenset[NormalizedName]] = {}

    @property
    def entries(self) -> tuple[str, ...]:
        """The entries as given."""
        return self._raw

    def contains(self, registry: Registry, name: NormalizedName) -> bool:
        """Whether an entry names this (registry, normalized name)."""
        if not self._raw:
            return False
        names = self._cache.get(registry)
        if names is None:
            names = self._cache[registry] = frozenset(self._normalized(registry))
        return name in names

    def _normalized(self, registry: Registry) -> Iterable[NormalizedName]:
        for entry in self._raw:
            try:
                if entry.startswith("pkg:"):
                    entry_registry, entry_name = parse_purl(entry)
                    if entry_registry is registry:
                        yield normalize(entry_name, registry)
                else:
                    yield normalize(entry, registry)
            except InputError:
                continue  # a bare name another registry's rules forbid


def plan(refs: Sequence[PackageRef], ignore: NameSet | None = None) -> Plan:
    """Group `refs` by (registry, normalized name) in first-seen order, dropping ignored names;
    a name its registry forbids becomes an error message naming where it was declared.
    """
    targets: dict[tuple[Registry, NormalizedName], Target] = {}
    errors: list[str] = []
    # Every (target, source) pair already listed, so a name declared on 80,000 lines costs
    # linear time, not quadratic; one set for the plan, not one per target kept for the run.
    # A target's first source enters it only when a second declaration of the name comes:
    # in a lock file most names are declared once, and a Source is hashed field by field.
    seen: set[tuple[tuple[Registry, NormalizedName], Source]] = set()
    repeated: set[tuple[Registry, NormalizedName]] = set()
    if ignore is not None and not ignore.entries:
        ignore = None
    for ref, normalized in zip(refs, _normalized_names(refs), strict=True):
        registry, name, source = ref.registry, ref.name, ref.source
        if normalized is None:
            try:
                normalize(name, registry)
            except InputError as exc:  # what makes the name invalid, in its own words
                errors.append(f"{where(source)}{exc}")
            continue
        if ignore is not None and ignore.contains(registry, normalized):
            continue
        key = (registry, normalized)
        target = targets.get(key)
        added = False  # whether this ref's source is new to the target
        if target is None:
            declared = [] if source is None else [source]
            target = targets[key] = Target(registry, name, normalized, declared)
            added = source is not None
        elif source is not None:
            if key not in repeated:
                repeated.add(key)
                seen.update((key, listed) for listed in target.sources)
            if (listed := (key, source)) not in seen:
                seen.add(listed)
                target.sources.append(source)
                added = True
        # The declaration with its version, for the feed. The usual one pins it in its source:
        # while every one does, the declarations are the sources, and `uses` stays unwritten.
        if ref.version is not None and (source is None or source.version is None):
            if target.uses is None:
                earlier = target.sources[:-1] if added else target.sources
                target.uses = dict.fromkeys(earlier)
            target.uses[_with_version(ref, ref.version)] = None
        elif target.uses is not None and source is not None:
            target.uses[source] = None
    return Plan(list(targets.values()), errors)


def _normalized_names(refs: Sequence[PackageRef]) -> list[NormalizedName | None]:
    """Each ref's normalized name (None: invalid), a registry's names at once."""
    registries = {ref.registry for ref in refs}
    if len(registries) == 1:  # a lock file's
        return normalize_each([ref.name for ref in refs], registries.pop())
    return [normalize_each((ref.name,), ref.registry)[0] for ref in refs]


def _with_version(ref: PackageRef, version: str) -> Source:
    """`ref`'s declaration with the `version` its source does not record (a command-line pin
    has no file).
    """
    source = ref.source
    if source is None:
        return Source("command line", version=version)
    return Source(source.file, source.line, version, source.constraint)


def make_ref(name: str, registry: Registry | str = Registry.PYPI) -> PackageRef:
    """A `PackageRef` from a command-line style name: a bare name of `registry`, or a purl.

    Raises `InvalidPackageName` or `UnknownRegistry` for what no registry would accept.
    """
    if name.startswith("pkg:"):
        purl_registry, purl_name = parse_purl(name)
        return PackageRef(purl_name, purl_registry, version=purl_version(name))
    chosen = registry if isinstance(registry, Registry) else parse_registry(registry)
    normalize(name, chosen)
    return PackageRef(name, chosen)


def where(source: Source | None) -> str:
    """``file:line: `` (or ``file: ``) to prefix a message about a declaration."""
    if source is None:
        return ""
    return f"{source.file}:{source.line}: " if source.line else f"{source.file}: "
