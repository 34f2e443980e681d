"""A run's view of the known-malicious feed: the listings of the names it checks, looked up at
once, its `FeedInfo` for the report, and what a missing or stale feed means under
``--feed require`` (every result that would be SAFE is ERROR: never a silent pass).
"""

from __future__ import annotations

from phantom_guard import log
from phantom_guard.detect.score import signal
from phantom_guard.errors import FeedError
from phantom_guard.model import FeedMode, Recommendation, SignalKind

TYPE_CHECKING = False  # typing.TYPE_CHECKING, without importing typing on the start-up path
if TYPE_CHECKING:
    from collections.abc import Callable, Sequence

    from phantom_guard.feed.match import Assessment, Listing
    from phantom_guard.feed.store import FeedStore
    from phantom_guard.model import FeedInfo, NormalizedName, PackageRisk, Registry, Report
    from phantom_guard.plan import Target
    from phantom_guard.settings import Settings
    from phantom_guard.stand_ins import datetime


class RunFeed:
    """The run's view of the known-malicious feed: lookups, its `FeedInfo`, and what a missing
    or stale feed means under ``--feed require`` (every result that would be SAFE is ERROR).
    """

    def __init__(self, settings: Settings, clock: Callable[[], datetime]) -> None:
        self._store: FeedStore | None = None
        self._path: str | None = None
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
            log.warning("known-malicious feed not used: %s", exc)
            self._problem = f"known-malicious feed unreadable: {exc}"
            return
        if self._store is None:
            self._problem = "no known-malicious feed: run 'phantom-guard feed update'"
            return
        self._path = self._store.path
        status = self._store.status()
        now = clock()
        self._info = status.info(now, settings.feed_max_age)
        if self._info.stale:
            age = status.age_days(now)
            self._problem = (
                f"the known-malicious feed is stale: data as of {status.data_as_of or 'unknown'}"
                + (f" ({age:.0f} days old" if age is not None else " (")
                + f", more than --feed-max-age {settings.feed_max_age:g});"
                " run 'phantom-guard feed update'"
            )
            log.warning("%s", self._problem)

    def _opened(self) -> FeedStore | None:
        if self._store is None and self._path is not None:
            from phantom_guard.feed.store import FeedStore

            self._store = FeedStore(self._path)
        return self._store

    def prefetch(self, targets: Sequence[Target]) -> None:
        """Look every target up at once (a few queries per run instead of one per name)."""
        store = self._opened()
        if store is None:
            return
        by_registry: dict[Registry, list[NormalizedName]] = {}
        for target in targets:
            by_registry.setdefault(target.registry, []).append(target.normalized)
        for registry, names in by_registry.items():
            found = store.listings_of(registry, names)
            self._known.update(((registry, name), found.get(name, ())) for name in names)

    @property
    def absent(self) -> bool:
        """Whether there is no feed to consult: `assess` answers None for every target."""
        return self._path is None and self._store is None and not self._known

    def assess(self, target: Target) -> Assessment | None:
        """What the feed says about `target` (None: no feed, or not listed)."""
        listings = self._known.get((target.registry, target.normalized))
        if listings is None:
            store = self._opened()
            if store is None:
                return None
            listings = store.listings(target.registry, target.normalized)
        if not listings:
            return None
        from phantom_guard.feed.match import assess

        return assess(target.registry, listings, target.declarations())

    def finish(self, report: Report) -> Report:
        """`report` with this feed's `FeedInfo`; under ``--feed require`` without a usable
        feed, a result that would be SAFE is ERROR instead.
        """
        results = report.results
        if self._require and self._problem is not None:
            results = tuple(_unverified(r, self._problem) for r in results)
        feeds = (self._info,) if self._info is not None else ()
        if not feeds and results is report.results:
            return report
        from phantom_guard.records import replace

        return replace(report, results=results, feeds=feeds)

    def close(self) -> None:
        if self._store is not None:
            self._store.close()
            self._store = None


def _unverified(risk: PackageRisk, reason: str) -> PackageRisk:
    if risk.recommendation is not Recommendation.SAFE:
        return risk
    from phantom_guard.records import replace

    failed = signal(SignalKind.LOOKUP_FAILED, f"could not verify: {reason}")
    return replace(
        risk,
        recommendation=Recommendation.ERROR,
        exists=None,
        signals=(failed, *risk.signals),
        error=reason,
    )
