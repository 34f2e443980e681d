"""Tests of detection: pure functions over literal metadata and names, with a fixed clock."""

from __future__ import annotations

from datetime import UTC, datetime, timedelta
from typing import Any

from phantom_guard.model import PackageMetadata, Registry

#: The fixed "now" of every detection test.
NOW = datetime(2026, 11, 24, 12, 0, tzinfo=UTC)


def ago(days: float) -> datetime:
    """The instant `days` before NOW."""
    return NOW - timedelta(days=days)


def established(**changes: Any) -> PackageMetadata:
    """An old, described, widely used package with a repository and maintainers."""
    fields: dict[str, Any] = {
        "name": "sturdy-lib",
        "registry": Registry.PYPI,
        "latest_version": "4.2.0",
        "created": ago(12 * 365),
        "latest_release": ago(40),
        "release_count": 48,
        "release_times": tuple(ago(12 * 365 - 90 * i) for i in range(48)),
        "repository": "https://github.com/acme/sturdy-lib",
        "homepage": "https://sturdy.example",
        "maintainers": ("Jane Doe",),
        "summary": "Parse, validate and format sturdy things.",
        "monthly_downloads": 2_500_000,
    }
    fields.update(changes)
    fields["release_times"] = tuple(sorted(fields["release_times"]))
    return PackageMetadata(**fields)


def fresh(**changes: Any) -> PackageMetadata:
    """A 3-day-old package with one release, no description, repository or maintainer."""
    fields: dict[str, Any] = {
        "name": "fresh-thing",
        "registry": Registry.PYPI,
        "latest_version": "0.0.1",
        "created": ago(3),
        "latest_release": ago(3),
        "release_count": 1,
        "release_times": (ago(3),),
        "repository": None,
        "maintainers": (),
        "summary": None,
    }
    fields.update(changes)
    return PackageMetadata(**fields)
