"""The known-malicious feed: OSV ``MAL-*`` records, imported into a SQLite file of their own.

`feed.update` imports archives or a folder of OSV JSON files (``feed update``); `open_feed`
opens the file for lookups, `run_feed` gives a run its view of it (`feed.run`), and `feed.match`
turns a name's listings into signals; `feed.status` describes a feed file. The file sits beside
the lookup cache (``cache clear`` keeps it) and is replaced whole on every update, so a reader
sees the old feed or the new one, never half of one. Opening it is cheap: nothing is read until
a name is looked up, and without a file nothing (not even sqlite3, nor the rest of this package)
is imported.
"""

from __future__ import annotations

import os

from phantom_guard.model import FeedMode, Registry

TYPE_CHECKING = False  # typing.TYPE_CHECKING, without importing typing on the start-up path
if TYPE_CHECKING:
    from collections.abc import Callable, Sequence

    from phantom_guard.feed.match import Assessment
    from phantom_guard.feed.run import RunFeed
    from phantom_guard.feed.store import FeedStore
    from phantom_guard.model import Report
    from phantom_guard.plan import Target
    from phantom_guard.settings import Settings, StrPath
    from phantom_guard.stand_ins import datetime

#: The feed's name in reports (JSON ``feeds[].name``).
FEED_NAME = "osv-malicious"
#: The feed's file, in the cache directory.
FEED_FILE = "malicious.sqlite3"
#: OSV's ecosystem names (``affected[].package.ecosystem`` and the data dump's folders).
ECOSYSTEMS = {Registry.PYPI: "PyPI", Registry.NPM: "npm", Registry.CRATES: "crates.io"}


def feed_path(cache_dir: StrPath) -> str:
    """Where the feed file lives in `cache_dir`."""
    return os.path.join(cache_dir, FEED_FILE)


def open_feed(cache_dir: StrPath) -> FeedStore | None:
    """The feed in `cache_dir` opened read-only, or None when there is no feed file.

    Raises `FeedError` when the file exists but is not a readable feed.
    """
    path = feed_path(cache_dir)
    if not os.path.exists(path):
        return None
    from phantom_guard.feed.store import FeedStore

    return FeedStore(path)


def run_feed(settings: Settings, clock: Callable[[], datetime]) -> RunFeed | NoFeed:
    """The run's view of the feed: `NO_FEED` when it consults none (``--feed off``, or no feed
    file and a feed not required), else a `RunFeed` (which also says what a missing or stale
    feed means under ``--feed require``).
    """
    if settings.feed is FeedMode.OFF:
        return NO_FEED
    if settings.feed is not FeedMode.REQUIRE and not os.path.exists(
        feed_path(settings.resolved_cache_dir)
    ):
        return NO_FEED
    from phantom_guard.feed.run import RunFeed

    return RunFeed(settings, clock)


class NoFeed:
    """A run that consults no feed: nothing listed, and the report as it is (what a `RunFeed`
    without a feed file answers), without importing the feed's modules.
    """

    absent = True

    def prefetch(self, targets: Sequence[Target]) -> None:
        """Nothing to look up."""

    def assess(self, target: Target) -> Assessment | None:
        """Listed nowhere."""
        return None

    def finish(self, report: Report) -> Report:
        """`report` unchanged: no feed to name, none required."""
        return report

    def close(self) -> None:
        """Nothing opened."""


NO_FEED = NoFeed()
