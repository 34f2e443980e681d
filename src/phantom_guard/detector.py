"""The Detector: name check -> popular fast path -> cached fetch -> analysis -> `PackageRisk`.

It owns the run's parts (settings, name analysis, cache, the one pooled HTTP client) and builds
the network side only when a lookup actually needs it, so answers from the popular lists or the
cache never import the HTTP client.
"""

from __future__ import annotations

import logging
from collections.abc import Callable, Iterable, Mapping, Sequence
from dataclasses import dataclass, field
from datetime import UTC, datetime
from types import TracebackType
from typing import TYPE_CHECKING, Self

from phantom_guard.detect.analysis import analyze
from phantom_guard.detect.name_signals import NameAnalyzer, NameFindings
from phantom_guard.detect.score import recommend, risk_score, signal
from phantom_guard.errors import FeedError, InputError, LookupFailed
from phantom_guard.model import (
    FeedInfo,
    FeedMode,
    PackageMetadata,
    PackageRef,
    PackageRisk,
    Recommendation,
    Registry,
    Report,
    Signal,
    SignalKind,
    Source,
)
from phantom_guard.names import (
    NormalizedName,
    normalize,
    parse_purl,
    parse_registry,
    purl_version,
)
from phantom_guard.settings import Settings

if TYPE_CHECKING:
    from phantom_guard.cache import Store
    from phantom_guard.cache.cached import CachedClient
    from phantom_guard.cache.names import CachedNames
    from phantom_guard.feed.match import Assessment, Listing
    from phantom_guard.feed.store import FeedStore
    from phantom_guard.registry import RegistryClient
    from phantom_guard.registry._http import HttpClient
    from phantom_guard.runner import ProgressCallback

_log = logging.getLogger("phantom_guard")


@dataclass(slots=True)
class _Target:
    """One distinct (registry, normalized name) and every place it was declared."""

    registry: Registry
    name: str
    normalized: NormalizedName
    sources: list[Source] = field(default_factory=list)
    # Beside the list so a name declared on 80,000 lines costs linear time, not quadratic.
    seen: set[Source] = field(default_factory=set)
    #: The declarations with their versions, for the feed (a command-line pin has no file).
    uses: dict[Source, None] = field(default_factory=dict)

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
        return PackageRisk(
            name=self.name,
            normalized_name=self.normalized,
            registry=self.registry,
            recommendation=recommendation,
            risk_score=score,
            exists=exists,
            signals=signals,
            suggestion=suggestion,
            sources=tuple(self.sources),
            cached=cached,
            error=error,
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


class Detector:
    """Checks package names; use as ``async with Detector() as d: await d.validate("flask")``."""

    def __init__(
        self,
        settings: Settings | None = None,
        *,
        clients: Mapping[Registry, RegistryClient] | None = None,
        store: Store | None = None,
        clock: Callable[[], datetime] | None = None,
        names: NameAnalyzer | None = None,
    ) -> None:
        self.settings = settings if settings is not None else Settings.load()
        self._given_clients = dict(clients or {})
        self._store = store
        self._clock = clock or (lambda: datetime.now(UTC))
        self._names = names or NameAnalyzer(extra_patterns=self.settings.patterns)
        self._http: HttpClient | None = None
        self._cached: dict[Registry, CachedClient] = {}
        self._cached_names: CachedNames | None = None
        self._allow = _NameSet(self.settings.allow)
        self._ignore = _NameSet(self.settings.ignore)
        self._feed: _Feed | None = None

    async def __aenter__(self) -> Self:
        return self

    async def __aexit__(
        self,
        exc_type: type[BaseException] | None,
        exc: BaseException | None,
        tb: TracebackType | None,
    ) -> None:
        await self.close()

    async def close(self) -> None:
        """Release the HTTP session and the cache."""
        if self._http is not None:
            await self._http.close()
            self._http = None
        self.close_store()

    def close_store(self) -> None:
        """Release the cache and the feed; enough after `answer_locally` (no network opened)."""
        self._cached_names = None
        if self._store is not None:
            self._store.close()
            self._store = None
        if self._feed is not None:
            self._feed.close()
            self._feed = None

    def answer_locally(
        self, refs: Sequence[PackageRef], *, honour_ignore: bool = True
    ) -> Report | None:
        """The report for `refs` if every name is answered without the network, else None.

        Synchronous, so a command whose names are all allow-listed, popular or cached finishes
        without starting an event loop, loading the HTTP client, or (with findings cached)
        building the typosquat indexes. None means: run `check` (or `validate`, which like
        ``honour_ignore=False`` checks a name even when the ignore list names it).
        """
        targets, errors = self._targets(refs, honour_ignore=honour_ignore)
        feed = self._open_feed()
        feed.prefetch(targets)
        results: list[PackageRisk] = []
        for target in targets:
            listed = feed.assess(target)
            if listed is not None and listed.decisive:
                results.append(_listed(target, listed.decisive))
                continue
            popular = self._names.popular(target.normalized, target.registry)
            risk = self._name_verdict(target, popular, listed)
            if risk is None:
                origin = self.settings.origin(target.registry)
                entry = self._open_store().get(target.registry, target.normalized, origin)
                if entry is None:
                    return None
                findings = popular or self._findings(target)
                risk = self._verdict(target, findings, entry.metadata, cached=True, listed=listed)
            results.append(risk)
        return feed.report(results, errors)

    async def validate(self, name: str, registry: Registry | str = Registry.PYPI) -> PackageRisk:
        """The verdict on one name (a bare name of `registry`, or a Package URL)."""
        report = await self._check([make_ref(name, registry)], honour_ignore=False)
        if report.input_errors:
            raise InputError(report.input_errors[0])
        return report.results[0]

    async def validate_batch(
        self,
        names: Iterable[str],
        registry: Registry | str = Registry.PYPI,
        *,
        on_progress: ProgressCallback | None = None,
        fail_fast: bool = False,
    ) -> list[PackageRisk]:
        """One verdict per name, in input order (a repeated name repeats its verdict).

        Every name is validated first: an invalid one raises `InvalidPackageName` before any
        lookup is made.
        """
        refs = [make_ref(name, registry) for name in names]
        keys = [_key(ref) for ref in refs]
        report = await self._check(
            refs, on_progress=on_progress, fail_fast=fail_fast, honour_ignore=False
        )
        by_key = {(r.registry, r.normalized_name): r for r in report.results}
        return [by_key[key] for key in keys]

    async def check(
        self,
        refs: Sequence[PackageRef],
        *,
        on_progress: ProgressCallback | None = None,
        fail_fast: bool = False,
    ) -> Report:
        """Verdicts for declared dependencies: one per distinct (registry, normalized name).

        Names in the ignore list are dropped; a name its registry forbids becomes an input
        error of the report (exit 2) while the others are still checked.
        """
        return await self._check(refs, on_progress=on_progress, fail_fast=fail_fast)

    async def _check(
        self,
        refs: Sequence[PackageRef],
        *,
        on_progress: ProgressCallback | None = None,
        fail_fast: bool = False,
        honour_ignore: bool = True,
    ) -> Report:
        from phantom_guard.runner import run_batch  # asyncio: not needed by answer_locally

        targets, errors = self._targets(refs, honour_ignore=honour_ignore)
        limit = self.settings.max_names
        if len(targets) > limit:
            raise InputError(
                f"{len(targets)} distinct names to check, more than --max-names {limit}; "
                "raise the limit to check them all"
            )
        feed = self._open_feed()
        feed.prefetch(targets)
        deadline = self.settings.deadline
        results = await run_batch(
            targets,
            self._assess,
            concurrency=self.settings.concurrency,
            skipped=_not_checked,
            on_progress=on_progress,
            fail_fast=self.settings.fail_on if fail_fast else None,
            deadline=deadline,
            expired=lambda target: target.unverified(f"deadline reached ({deadline:g} s)"),
        )
        return feed.report(results, errors)

    def _targets(
        self, refs: Sequence[PackageRef], *, honour_ignore: bool
    ) -> tuple[list[_Target], list[str]]:
        """The distinct names to check, in input order, and one message per invalid name."""
        targets: dict[tuple[Registry, NormalizedName], _Target] = {}
        errors: list[str] = []
        known: dict[tuple[Registry, str], NormalizedName] = {}  # a name repeated is normalized once
        for ref in refs:
            try:
                normalized = known.get((ref.registry, ref.name)) or normalize(
                    ref.name, ref.registry
                )
                known[ref.registry, ref.name] = normalized
            except InputError as exc:
                where = _where(ref.source)
                errors.append(f"{where}{exc}")
                continue
            if honour_ignore and self._ignore.contains(ref.registry, normalized):
                continue
            target = targets.setdefault(
                (ref.registry, normalized), _Target(ref.registry, ref.name, normalized)
            )
            if ref.source is not None and ref.source not in target.seen:
                target.seen.add(ref.source)
                target.sources.append(ref.source)
            use = _use(ref)
            if use is not None:
                target.uses[use] = None
        return list(targets.values()), errors

    async def _assess(self, target: _Target) -> PackageRisk:
        try:
            return await self._assess_target(target)
        except Exception as exc:  # a bug costs this name its verdict, not the batch its results
            _log.debug("unexpected error while checking %s", target.name, exc_info=True)
            return target.unverified(f"unexpected error: {type(exc).__name__}: {exc}")

    async def _assess_target(self, target: _Target) -> PackageRisk:
        import asyncio  # here, not at the top: answer_locally runs without an event loop

        listed = self._open_feed().assess(target)
        if listed is not None and listed.decisive:
            return _listed(target, listed.decisive)
        popular = self._names.popular(target.normalized, target.registry)
        if (risk := self._name_verdict(target, popular, listed)) is not None:
            return risk
        # The request goes out first and the name is analysed while it is on the wire: the
        # first analysis in a process builds the typosquat index, ~0.1 s of CPU that would
        # otherwise hold back every request of the batch.
        pending = asyncio.ensure_future(self._client(target.registry).lookup(target.normalized))
        try:
            await asyncio.sleep(0)
            findings = popular or self._findings(target)
        except BaseException:
            pending.cancel()
            raise
        try:
            lookup = await pending
        except LookupFailed as exc:
            del pending  # it keeps the traceback, which holds this frame: see CachedClient
            if listed is not None:  # listed by version, and not shown to be established
                return _listed(target, listed.signals(established=False))
            return target.unverified(str(exc), findings.signals)
        return self._verdict(target, findings, lookup.metadata, cached=lookup.cached, listed=listed)

    def _name_verdict(
        self, target: _Target, popular: NameFindings | None, listed: Assessment | None = None
    ) -> PackageRisk | None:
        """SAFE for an allow-listed or (unless verify_popular) popular name; None: look it up.

        Feed notes ride along; a declared range admitting a listed version makes it SUSPICIOUS.
        """
        if self._allow.contains(target.registry, target.normalized):
            allowed = signal(SignalKind.ALLOWLISTED, "on the allow list in the configuration")
            signals = (allowed, *_trusted(listed))
            recommendation, score = recommend(signals, exists=True)
            return target.risk(recommendation, score, exists=None, signals=signals)
        if popular is None or self.settings.verify_popular:
            return None
        signals = (*popular.signals, *_trusted(listed))
        recommendation, score = recommend(signals, exists=True)
        return target.risk(recommendation, score, exists=True, signals=signals)

    def _findings(self, target: _Target) -> NameFindings:
        """Name analysis of a name not on the popular list, read from the cache when an earlier
        run stored it for these lists (`CachedNames`).
        """
        if self._cached_names is None:
            from phantom_guard.cache import findings_store
            from phantom_guard.cache.names import CachedNames

            self._cached_names = CachedNames(self._names, findings_store(self._open_store()))
        return self._cached_names.analyze(target.normalized, target.registry)

    def _verdict(
        self,
        target: _Target,
        findings: NameFindings,
        metadata: PackageMetadata | None,
        *,
        cached: bool,
        listed: Assessment | None = None,
    ) -> PackageRisk:
        now = self._clock()
        name_signals = findings.signals
        if listed is not None:
            from phantom_guard.feed.match import established

            known = findings.popular or established(metadata, now)
            name_signals = (*name_signals, *listed.signals(established=known))
        recommendation, score, signals = analyze(metadata, name_signals, now)
        return target.risk(
            recommendation,
            score,
            exists=metadata is not None,
            signals=signals,
            suggestion=findings.suggestion if recommendation is not Recommendation.SAFE else None,
            cached=cached,
        )

    def _open_feed(self) -> _Feed:
        """The known-malicious feed of this run, opened once (nothing to open with --feed off)."""
        if self._feed is None:
            self._feed = _Feed(self.settings, self._clock())
        return self._feed

    def _open_store(self) -> Store:
        if self._store is None:
            from phantom_guard.cache import open_store

            self._store = open_store(
                self.settings.resolved_cache_dir, enabled=self.settings.use_cache
            )
        return self._store

    def _client(self, registry: Registry) -> CachedClient:
        cached = self._cached.get(registry)
        if cached is None:
            from phantom_guard.cache.cached import CachedClient

            client: RegistryClient = self._given_clients.get(registry) or _DeferredClient(
                registry, self
            )
            cached = CachedClient(
                client,
                self._open_store(),
                origin=self.settings.origin(registry),
                offline=self.settings.offline,
            )
            self._cached[registry] = cached
        return cached

    def _network_client(self, registry: Registry) -> RegistryClient:
        from phantom_guard.registry._http import HttpClient

        if self._http is None:
            # One pooled connection per lookup in flight, so none waits for a free socket.
            self._http = HttpClient(
                timeout=self.settings.timeout,
                connections=max(100, self.settings.concurrency),
                budget_bytes=self.settings.body_budget_mb * 1024 * 1024,
                rates=self.settings.request_rates,
            )
        match registry:
            case Registry.PYPI:
                from phantom_guard.registry.pypi import PyPIClient

                return PyPIClient(self._http, self.settings.pypi_url)
            case Registry.NPM:
                from phantom_guard.registry.npm import NpmClient

                return NpmClient(self._http, self.settings.npm_url, self.settings.npm_downloads_url)
            case Registry.CRATES:
                from phantom_guard.registry.crates import CratesClient

                return CratesClient(self._http, self.settings.crates_url)


class _Feed:
    """The run's view of the known-malicious feed: lookups, its `FeedInfo`, and what a missing
    or stale feed means under ``--feed require`` (every result that would be SAFE is ERROR).
    """

    def __init__(self, settings: Settings, now: datetime) -> None:
        self._store: FeedStore | None = None
        self._info: FeedInfo | None = None
        self._problem: str | None = None
        self._known: dict[tuple[Registry, NormalizedName], tuple[Listing, ...]] = {}
        self._require = settings.feed is FeedMode.REQUIRE
        if settings.feed is FeedMode.OFF:
            return
        from phantom_guard.feed import open_feed

        try:
            self._store = open_feed(settings.resolved_cache_dir)
        except FeedError as exc:
            _log.warning("known-malicious feed not used: %s", exc)
            self._problem = f"known-malicious feed unreadable: {exc}"
            return
        if self._store is None:
            self._problem = "no known-malicious feed: run 'phantom-guard feed update'"
            return
        status = self._store.status()
        self._info = status.info(now, settings.feed_max_age)
        if self._info.stale:
            age = status.age_days(now)
            self._problem = (
                f"the known-malicious feed is stale: data as of {status.data_as_of or 'unknown'}"
                + (f" ({age:.0f} days old" if age is not None else " (")
                + f", more than --feed-max-age {settings.feed_max_age:g});"
                " run 'phantom-guard feed update'"
            )
            _log.warning("%s", self._problem)

    def prefetch(self, targets: Sequence[_Target]) -> None:
        """Look every target up at once (a few queries per run instead of one per name)."""
        if self._store is None:
            return
        by_registry: dict[Registry, list[NormalizedName]] = {}
        for target in targets:
            by_registry.setdefault(target.registry, []).append(target.normalized)
        for registry, names in by_registry.items():
            found = self._store.listings_of(registry, names)
            self._known.update(((registry, name), found.get(name, ())) for name in names)

    def assess(self, target: _Target) -> Assessment | None:
        """What the feed says about `target` (None: no feed, or not listed)."""
        if self._store is None:
            return None
        key = (target.registry, target.normalized)
        listings = self._known.get(key)
        if listings is None:
            listings = self._store.listings(target.registry, target.normalized)
        if not listings:
            return None
        from phantom_guard.feed.match import assess

        return assess(target.registry, listings, tuple(target.uses))

    def report(self, results: list[PackageRisk], errors: list[str]) -> Report:
        """The run's report, naming the feed it used; under ``--feed require`` without a usable
        feed, a result that would be SAFE is ERROR instead (never a silent pass).
        """
        if self._require and self._problem is not None:
            results = [_unverified_by_feed(r, self._problem) for r in results]
        feeds = (self._info,) if self._info is not None else ()
        return Report(tuple(results), input_errors=tuple(errors), feeds=feeds)

    def close(self) -> None:
        if self._store is not None:
            self._store.close()
            self._store = None


def _trusted(listed: Assessment | None) -> tuple[Signal, ...]:
    """The feed's signals for a popular or allow-listed name (an established one)."""
    return listed.signals(established=True) if listed is not None else ()


def _listed(target: _Target, signals: tuple[Signal, ...]) -> PackageRisk:
    """HIGH_RISK from the feed alone: no registry answer is needed, or could change it."""
    recommendation, score = recommend(signals, exists=True)
    return target.risk(recommendation, score, exists=None, signals=signals)


def _unverified_by_feed(risk: PackageRisk, reason: str) -> PackageRisk:
    if risk.recommendation is not Recommendation.SAFE:
        return risk
    failed = signal(SignalKind.LOOKUP_FAILED, f"could not verify: {reason}")
    return PackageRisk(
        name=risk.name,
        normalized_name=risk.normalized_name,
        registry=risk.registry,
        recommendation=Recommendation.ERROR,
        risk_score=risk.risk_score,
        exists=None,
        signals=(failed, *risk.signals),
        suggestion=risk.suggestion,
        sources=risk.sources,
        cached=risk.cached,
        error=reason,
    )


def _use(ref: PackageRef) -> Source | None:
    """The declaration of `ref` with its version, when one is known (for the feed)."""
    source = ref.source
    if ref.version is None or (source is not None and source.version is not None):
        return source
    if source is None:
        return Source("command line", version=ref.version)
    return Source(source.file, source.line, ref.version, source.constraint)


class _DeferredClient:
    """A registry client built on its first fetch, so cache hits never import aiohttp."""

    def __init__(self, registry: Registry, detector: Detector) -> None:
        self.registry = registry
        self._detector = detector
        self._client: RegistryClient | None = None

    async def fetch(self, name: NormalizedName) -> PackageMetadata | None:
        if self._client is None:
            self._client = self._detector._network_client(self.registry)
        return await self._client.fetch(name)


class _NameSet:
    """Allow/ignore entries: bare names match on every registry, Package URLs on theirs."""

    def __init__(self, entries: Iterable[str]) -> None:
        self._raw = tuple(entries)
        self._cache: dict[Registry, frozenset[NormalizedName]] = {}

    def contains(self, registry: Registry, name: NormalizedName) -> bool:
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


def make_ref(name: str, registry: Registry | str = Registry.PYPI) -> PackageRef:
    """A `PackageRef` from a command-line style name: a bare name of `registry`, or a purl."""
    if name.startswith("pkg:"):
        purl_registry, purl_name = parse_purl(name)
        return PackageRef(purl_name, purl_registry, version=purl_version(name))
    chosen = registry if isinstance(registry, Registry) else parse_registry(registry)
    normalize(name, chosen)
    return PackageRef(name, chosen)


def _key(ref: PackageRef) -> tuple[Registry, NormalizedName]:
    return ref.registry, normalize(ref.name, ref.registry)


def _where(source: Source | None) -> str:
    if source is None:
        return ""
    return f"{source.file}:{source.line}: " if source.line else f"{source.file}: "


def _not_checked(target: _Target) -> PackageRisk:
    return target.unverified("not checked: --fail-fast stopped the run at an earlier finding")
