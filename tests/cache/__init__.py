"""Tests of the cache: stores, codec and the caching client; shared sample data below."""

from __future__ import annotations

from datetime import UTC, datetime

from phantom_guard.model import NormalizedName, PackageMetadata, Registry


class FakeClock:
    """A clock that moves only when told to."""

    def __init__(self, now: float = 1_700_000_000.0) -> None:
        self.now = now

    def __call__(self) -> float:
        return self.now

    def advance(self, seconds: float) -> None:
        self.now += seconds


def metadata(name: str = "flask", registry: Registry = Registry.PYPI) -> PackageMetadata:
    """A found package with every field set, so a round trip exercises all of them."""
    return PackageMetadata(
        name=name,
        registry=registry,
        latest_version="3.0.3",
        created=datetime(2010, 4, 6, 1, 4, 5, tzinfo=UTC),
        latest_release=datetime(2024, 4, 7, 18, 17, 2, 123456, tzinfo=UTC),
        release_count=3,
        release_times=(
            datetime(2010, 4, 6, 1, 4, 5, tzinfo=UTC),
            datetime(2023, 9, 30, 12, 0, tzinfo=UTC),
            datetime(2024, 4, 7, 18, 17, 2, 123456, tzinfo=UTC),
        ),
        repository="https://example.invalid/pallets/flask",
        homepage=None,
        maintainers=("davidism", "pgjones"),
        summary="A simple framework for building complex web applications.",
        monthly_downloads=90_000_000,
    )


def n(name: str) -> NormalizedName:
    """A name the tests already wrote in normalized form."""
    return NormalizedName(name)
