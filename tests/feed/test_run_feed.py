"""Which view of the feed a run gets: none to consult, or the feed file's (`feed.run_feed`)."""

from __future__ import annotations

from pathlib import Path

import pytest

from phantom_guard.feed import NO_FEED, feed_path, run_feed
from phantom_guard.feed.run import RunFeed
from phantom_guard.model import FeedMode, Recommendation, Report
from phantom_guard.settings import Settings
from phantom_guard.stand_ins import UTC, datetime
from tests.report import risk


def _now() -> datetime:
    return datetime.now(UTC)


def _report() -> Report:
    return Report((risk("requests", Recommendation.SAFE),))


@pytest.mark.parametrize("mode", [FeedMode.AUTO, FeedMode.OFF])
def test_a_run_without_a_feed_file_consults_none_and_keeps_its_report(
    tmp_path: Path, mode: FeedMode
) -> None:
    feed = run_feed(Settings(cache_dir=str(tmp_path), feed=mode), _now)
    assert feed is NO_FEED
    assert feed.absent
    report = _report()
    assert feed.finish(report) is report


def test_a_required_feed_that_is_missing_fails_closed(tmp_path: Path) -> None:
    feed = run_feed(Settings(cache_dir=str(tmp_path), feed=FeedMode.REQUIRE), _now)
    assert isinstance(feed, RunFeed)
    finished = feed.finish(_report())
    assert [r.recommendation for r in finished.results] == [Recommendation.ERROR]


def test_a_feed_file_is_read_by_the_runs_view_of_it(tmp_path: Path) -> None:
    Path(feed_path(str(tmp_path))).write_bytes(b"not a feed")
    feed = run_feed(Settings(cache_dir=str(tmp_path)), _now)
    assert isinstance(feed, RunFeed)
    assert feed.absent  # unreadable: nothing to consult, and a warning said why
