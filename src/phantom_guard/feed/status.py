"""What a feed file holds (`FeedStatus`), and the RFC 3339 times it is dated with.

Imported only where there is a feed file (or one is being written), so datetime's classes are
imported at the top: `parse_time` runs once per record of a feed update.
"""

from __future__ import annotations

from phantom_guard.feed import FEED_NAME
from phantom_guard.model import FeedInfo
from phantom_guard.records import record
from phantom_guard.stand_ins import UTC, datetime


@record
class FeedStatus:
    """What a feed file holds: its data's date, when it was fetched, and records per ecosystem.

    `data_as_of` is the newest ``modified`` among the imported records (RFC 3339, UTC).
    """

    path: str
    data_as_of: str | None
    fetched_at: str | None
    records: int
    ecosystems: dict[str, int]

    def age_days(self, now: datetime) -> float | None:
        """Days from `data_as_of` to `now`; None when the feed has no dated record."""
        moment = parse_time(self.data_as_of or "")
        if moment is None:
            return None
        return max(0.0, (now - moment).total_seconds() / 86400)

    def stale(self, now: datetime, max_age_days: float) -> bool:
        """Older than `max_age_days` (an undated feed is stale: its age cannot be shown)."""
        age = self.age_days(now)
        return age is None or age > max_age_days

    def info(self, now: datetime, max_age_days: float) -> FeedInfo:
        """The report's `FeedInfo` for this feed."""
        return FeedInfo(FEED_NAME, self.data_as_of, self.records, self.stale(now, max_age_days))


def parse_time(text: str) -> datetime | None:
    """An RFC 3339 time (``2024-05-01T12:00:00.123456789Z``) as an aware UTC datetime, or None."""
    if not text:
        return None
    head, dot, tail = text.partition(".")
    if dot:  # Python reads at most 6 fractional digits; OSV records may carry 9
        digits = len(tail) - len(tail.lstrip("0123456789"))
        text = f"{head}.{tail[: min(digits, 6)]}{tail[digits:]}" if digits else head + tail
    try:
        moment = datetime.fromisoformat(text.replace("Z", "+00:00").replace("z", "+00:00"))
    except ValueError:
        return None
    if moment.tzinfo is None:
        moment = moment.replace(tzinfo=UTC)
    return moment.astimezone(UTC)


def format_time(moment: datetime) -> str:
    """`moment` as RFC 3339 UTC text to the second, which sorts as text in time order."""
    return moment.astimezone(UTC).strftime("%Y-%m-%dT%H:%M:%SZ")
