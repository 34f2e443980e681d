"""The Detector: the per-name pipeline, allow list -> popular list -> cached fetch -> analysis.

It owns the run's parts (settings, name analysis, cache, the client factory) and builds the
network side only when a lookup actually needs it, so answers from the popular lists or the
cache never import the HTTP client. Input planning is `plan.py`'s; client construction is
`registry/factory.py`'s; the run's view of the known-malicious feed is `feed/run.py`'s.
"""

from __future__ import annotations

from phantom_guard import log, stand_ins
from phantom_guard.detect.name_signals import NameAnalyzer, NameFindings
from phantom_guard.detect.score import recommend, signal
from phantom_guard.errors import InputError, LookupFailed
from phantom_guard.model import (
    PackageMetadata,
    PackageRef,
    PackageRisk,
    Recommendation,
    Registry,
    Report,
    Signal,
    SignalKind,
)
from phantom_guard.names import normalize
from phantom_guard.plan import NameSet, Plan, Target, make_ref, plan
from phantom_guard.settings import Settings

TYPE_CHECKING = False  # typing.TYPE_CHECKING, without importing typing on the start-up path
if TYPE_CHECKING:
    from collections.abc import Callable, Iterable, Mapping, Sequence
    from types import TracebackType
    from typing import Self

    from phantom_guard.cache import CacheEntry, Store
    from phantom_guard.cache.cached import CachedClient
    from phantom_guard.cache.names import CachedNames
    from phantom_guard.feed import NoFeed
    from phantom_guard.feed.match import Assessment
    from phantom_guard.feed.run import RunFeed
    from phantom_guard.model import NormalizedName
    from phantom_guard.registry import RegistryClient
    from phantom_guard.registry.factory import ClientFactory
    from phantom_guard.runner import ProgressCallback
    from phantom_guard.stand_ins import datetime

__all__ = ["Detector", "make_ref"]


def _utc_now() -> datetime:
    # Read from the module, not imported at the top: a popular name's answer needs no clock
    # (the first read imports it), and a verdict asks for the time once per name.
    return stand_ins.datetime.now(stand_ins.UTC)


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
        self._clock = clock or _utc_now
        self._names = names or NameAnalyzer(extra_patterns=self.settings.patterns)
        self._factory: ClientFactory | None = None  # made by the first lookup
        self._cached: dict[Registry, CachedClient] = {}
        self._cached_names: CachedNames | None = None
        self._allow = NameSet(self.settings.allow)
        self._ignore = NameSet(self.settings.ignore)
        self._feed: RunFeed | NoFeed | None = None
        self._one_signal: dict[tuple[SignalKind, float], tuple[Recommendation, float]] = {}

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
        if self._factory is not None:
            await self._factory.close()
        self.close_store()

    def close_store(self) -> None:
        """Release the cache; enough after `answer_local`, which never opens the network."""
        self._cached_names = None
        if self._store is not None:
            self._store.close()
            self._store = None
        if self._feed is not None:
            self._feed.close()  # what it reported stays for `finish`; a lookup reopens it

    def plan(self, refs: Sequence[PackageRef], *, honour_ignore: bool = True) -> Plan:
        """The distinct names of `refs` to check (ignored names dropped unless told not to).

        Raises `InputError` for more distinct names than `Settings.max_names`.
        """
        planned = plan(refs, self._ignore if honour_ignore else None)
        limit = self.settings.max_names
        if len(planned.targets) > limit:
            raise InputError(
                f"{len(planned.targets)} distinct names to check, more than --max-names {limit}; "
                "raise the limit to check them all"
            )
        self._open_feed().prefetch(planned.targets)
        return planned

    def answer_local(self, target: Target) -> PackageRisk | None:
        """The verdict on `target` from the allow list, the popular list or the cache, else None.

        Synchronous: no event loop, no HTTP client; the typosquat index is built only for a
        cached name whose name findings are not stored yet.
        """
        return self._answer_locally([target])[0]

    def answer_from_feed(self, refs: Sequence[PackageRef]) -> Report:
        """Feed lookups only: a HIGH_RISK result for each name the known-malicious feed lists
        decisively (every version, or the version declared); no cache, no network, no limit
        on the number of names.
        """
        planned = plan(refs, self._ignore)
        feed = self._open_feed()
        feed.prefetch(planned.targets)
        results = []
        for target in planned.targets:
            listed = feed.assess(target)
            if listed is not None and listed.decisive:
                results.append(_listed(target, listed.decisive))
        return self.finish(Report(tuple(results)))

    def finish(self, report: Report) -> Report:
        """`report` naming the feed this run used; under ``--feed require`` without a usable
        feed, a result that would be SAFE is ERROR instead (never a silent pass).
        """
        return self._open_feed().finish(report)

    def answer_locally(
        self, refs: Sequence[PackageRef], *, honour_ignore: bool = True
    ) -> Report | None:
        """The report for `refs` if every name is answered without the network, else None.

        ``honour_ignore=False`` checks a name even when the ignore list names it (`validate`).
        """
        planned, local, remote = self.answer_what_is_local(refs, honour_ignore=honour_ignore)
        if remote:
            return None
        results = tuple(risk for risk in local if risk is not None)
        return self.finish(Report(results, input_errors=tuple(planned.errors)))

    def answer_what_is_local(
        self, refs: Sequence[PackageRef], *, honour_ignore: bool = True
    ) -> tuple[Plan, list[PackageRisk | None], list[Target]]:
        """Plan `refs` and answer every target the allow list, popular list or cache can: the
        plan, one answer or None per target, and the targets left for the network.
        """
        planned = self.plan(refs, honour_ignore=honour_ignore)
        local = self._answer_locally(planned.targets)
        remote = [t for t, risk in zip(planned.targets, local, strict=True) if risk is None]
        return planned, local, remote

    def _answer_locally(self, targets: Sequence[Target]) -> list[PackageRisk | None]:
        """`answer_local` for each target; the cache is read for all the names the lists leave
        open at once (a query per registry, not two per name).
        """
        feed = self._open_feed()
        answers: list[PackageRisk | None] = []
        open_names: list[tuple[int, Target, NameFindings | None, Assessment | None]] = []
        # Looked up once: this loop runs once per name of a lock file.
        assess = None if feed.absent else feed.assess
        if assess is None and not self._allow.entries and not self.settings.verify_popular:
            # Nothing but the popular list can answer a name here (no feed, no allow list):
            # a popular name's verdict is its one signal's, without its findings or the checks
            # `_name_verdict` makes of them.
            answers = [None] * len(targets)
            for registry, members in _by_registry(targets).items():
                names = [target.normalized for _, target in members]
                signals = self._names.popular_signals(names, registry)
                # Every popular signal has the same kind and weight, so one verdict for all.
                verdict: Recommendation | None = None
                score = 0.0
                for (at, target), popularity in zip(members, signals, strict=True):
                    if popularity is None:
                        open_names.append((at, target, None, None))
                        continue
                    if verdict is None:
                        verdict, score = self._one_signal_verdict(popularity)
                    answers[at] = target.risk(verdict, score, exists=True, signals=(popularity,))
        else:
            popular_of, name_verdict = self._names.popular, self._name_verdict
            for target in targets:
                listed = assess(target) if assess is not None else None
                if listed is not None and listed.decisive:
                    answers.append(_listed(target, listed.decisive))
                    continue
                popular = popular_of(target.normalized, target.registry)
                answers.append(name_verdict(target, popular, listed))
                if answers[-1] is None:
                    open_names.append((len(answers) - 1, target, popular, listed))
        if not open_names:
            return answers
        store = self._open_store()
        by_registry: dict[Registry, list[NormalizedName]] = {}
        for _, target, _, _ in open_names:
            by_registry.setdefault(target.registry, []).append(target.normalized)
        entries: dict[tuple[Registry, NormalizedName], CacheEntry] = {}
        for registry, names in by_registry.items():
            found = store.get_many(registry, names, self.settings.origin(registry))
            entries.update(((registry, name), entry) for name, entry in found.items())
        unanalysed: dict[Registry, list[NormalizedName]] = {}
        for _, target, popular, _ in open_names:
            if popular is None and (target.registry, target.normalized) in entries:
                unanalysed.setdefault(target.registry, []).append(target.normalized)
        for registry, names in unanalysed.items():
            self._cached_names_of().prefetch(registry, names)
        for index, target, popular, listed in open_names:
            entry = entries.get((target.registry, target.normalized))
            if entry is not None:
                findings = popular or self._findings(target)
                answers[index] = self._verdict(
                    target, findings, entry.metadata, cached=True, listed=listed
                )
        return answers

    async def assess(
        self,
        targets: Sequence[Target],
        *,
        on_progress: ProgressCallback | None = None,
        fail_fast: bool = False,
    ) -> list[PackageRisk]:
        """Verdicts for planned targets through the full pipeline, in order, concurrently."""
        from phantom_guard.runner import run_batch  # asyncio: not needed by answer_local

        deadline = self.settings.deadline
        return await run_batch(
            targets,
            self._assess,
            concurrency=self.settings.concurrency,
            skipped=Target.not_checked,
            on_progress=on_progress,
            fail_fast=self.settings.fail_on if fail_fast else None,
            deadline=deadline,
            expired=lambda target: target.unverified(f"deadline reached ({deadline:g} s)"),
        )

    def name_verdict(self, ref: PackageRef) -> PackageRisk | None:
        """The verdict on `ref` from the allow list and the popular list alone (no cache, no
        network), else None; an ignored or invalid name is None too. The feed is not opened:
        its listings do not change whether the name alone answers.
        """
        targets = plan([ref], self._ignore).targets
        if not targets:
            return None
        target = targets[0]
        return self._name_verdict(target, self._names.popular(target.normalized, target.registry))

    def is_popular(self, ref: PackageRef) -> bool:
        """Whether `ref` names a package on the shipped popular list."""
        try:
            normalized = normalize(ref.name, ref.registry)
        except InputError:
            return False
        return self._names.popular(normalized, ref.registry) is not None

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
        planned = self.plan(refs, honour_ignore=False)
        results = await self.assess(planned.targets, on_progress=on_progress, fail_fast=fail_fast)
        by_key = {(r.registry, r.normalized_name): r for r in results}
        return [by_key[ref.registry, normalize(ref.name, ref.registry)] for ref in refs]

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
        planned = self.plan(refs, honour_ignore=honour_ignore)
        results = await self.assess(planned.targets, on_progress=on_progress, fail_fast=fail_fast)
        return self.finish(Report(tuple(results), input_errors=tuple(planned.errors)))

    async def _assess(self, target: Target) -> PackageRisk:
        try:
            return await self._assess_target(target)
        except Exception as exc:  # a bug costs this name its verdict, not the batch its results
            log.debug("unexpected error while checking %s", target.name, exc_info=True)
            return target.unverified(f"unexpected error: {type(exc).__name__}: {exc}")

    async def _assess_target(self, target: Target) -> PackageRisk:
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
        self, target: Target, popular: NameFindings | None, listed: Assessment | None = None
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
        if listed is None and len(popular.signals) == 1:
            verdict, score = self._one_signal_verdict(popular.signals[0])
            return target.risk(verdict, score, exists=True, signals=popular.signals)
        signals = (*popular.signals, *_trusted(listed))
        recommendation, score = recommend(signals, exists=True)
        return target.risk(recommendation, score, exists=True, signals=signals)

    def _one_signal_verdict(self, only: Signal) -> tuple[Recommendation, float]:
        """The verdict on an existing package with this one signal: a popular name's findings
        are one POPULAR_PACKAGE signal, and the verdict depends on its kind and weight alone,
        so it is worked out once a run, not per name.
        """
        verdict = self._one_signal.get((only.kind, only.weight))
        if verdict is None:
            verdict = self._one_signal[only.kind, only.weight] = recommend((only,), exists=True)
        return verdict

    def _findings(self, target: Target) -> NameFindings:
        """Name analysis of a name not on the popular list, read from the cache when an earlier
        run stored it for these lists (`CachedNames`).
        """
        return self._cached_names_of().analyze(target.normalized, target.registry)

    def _cached_names_of(self) -> CachedNames:
        if self._cached_names is None:
            from phantom_guard.cache import findings_store
            from phantom_guard.cache.names import CachedNames

            self._cached_names = CachedNames(self._names, findings_store(self._open_store()))
        return self._cached_names

    def _verdict(
        self,
        target: Target,
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
        from phantom_guard.detect.analysis import analyze  # not needed by local answers

        recommendation, score, signals = analyze(metadata, name_signals, now)
        return target.risk(
            recommendation,
            score,
            exists=metadata is not None,
            signals=signals,
            suggestion=findings.suggestion if recommendation is not Recommendation.SAFE else None,
            cached=cached,
        )

    def _open_feed(self) -> RunFeed | NoFeed:
        """The known-malicious feed of this run, opened once (nothing to open with --feed off)."""
        if self._feed is None:
            from phantom_guard.feed import run_feed

            self._feed = run_feed(self.settings, self._clock)
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

            if self._factory is None:
                from phantom_guard.registry.factory import ClientFactory

                self._factory = ClientFactory(self.settings)
            client: RegistryClient = self._given_clients.get(registry) or self._factory.deferred(
                registry
            )
            cached = CachedClient(
                client,
                self._open_store(),
                origin=self.settings.origin(registry),
                offline=self.settings.offline,
            )
            self._cached[registry] = cached
        return cached


def _trusted(listed: Assessment | None) -> tuple[Signal, ...]:
    """The feed's signals for a popular or allow-listed name (an established one)."""
    return listed.signals(established=True) if listed is not None else ()


def _by_registry(targets: Sequence[Target]) -> dict[Registry, list[tuple[int, Target]]]:
    """Each target with its place in `targets`, by registry, in the order given."""
    found: dict[Registry, list[tuple[int, Target]]] = {}
    for at, target in enumerate(targets):
        found.setdefault(target.registry, []).append((at, target))
    return found


def _listed(target: Target, signals: tuple[Signal, ...]) -> PackageRisk:
    """HIGH_RISK from the feed alone: no registry answer is needed, or could change it."""
    recommendation, score = recommend(signals, exists=True)
    return target.risk(recommendation, score, exists=None, signals=signals)
