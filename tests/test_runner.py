"""run_batch: input order, bounded concurrency, fail-fast, progress."""

from __future__ import annotations

import asyncio
import random

import pytest

from phantom_guard.model import FailOn, NormalizedName, PackageRisk, Recommendation, Registry
from phantom_guard.runner import run_batch


def risk(item: int, recommendation: Recommendation = Recommendation.SAFE) -> PackageRisk:
    error = "not checked" if recommendation is Recommendation.ERROR else None
    exists: bool | None = None if recommendation is Recommendation.ERROR else True
    if recommendation is Recommendation.NOT_FOUND:
        exists = False
    return PackageRisk(
        name=f"pkg-{item}",
        normalized_name=NormalizedName(f"pkg-{item}"),
        registry=Registry.PYPI,
        recommendation=recommendation,
        risk_score=0.9 if recommendation.severity >= 2 else 0.0,
        exists=exists,
        error=error,
    )


def skipped(item: int) -> PackageRisk:
    return risk(item, Recommendation.ERROR)


class Tracker:
    """An assess function with seeded random delays that records what ran and how much at once."""

    def __init__(self, seed: int = 7, findings: frozenset[int] = frozenset()) -> None:
        self._rng = random.Random(seed)
        self.findings = findings
        self.in_flight = 0
        self.max_in_flight = 0
        self.started: list[int] = []

    async def __call__(self, item: int) -> PackageRisk:
        self.started.append(item)
        self.in_flight += 1
        self.max_in_flight = max(self.max_in_flight, self.in_flight)
        try:
            await asyncio.sleep(self._rng.uniform(0, 0.004))
        finally:
            self.in_flight -= 1
        verdict = Recommendation.HIGH_RISK if item in self.findings else Recommendation.SAFE
        return risk(item, verdict)


@pytest.mark.parametrize("concurrency", [1, 3, 8, 64])
def test_keeps_input_order_and_bounds_concurrency(concurrency: int) -> None:
    items = list(range(40))
    tracker = Tracker()
    results = asyncio.run(run_batch(items, tracker, concurrency=concurrency, skipped=skipped))
    assert [r.name for r in results] == [f"pkg-{i}" for i in items]
    assert tracker.max_in_flight <= concurrency
    assert sorted(tracker.started) == items
    if concurrency > 1:
        assert tracker.max_in_flight > 1  # it does run things at once


def test_empty_batch() -> None:
    calls: list[tuple[int, int]] = []
    results = asyncio.run(
        run_batch(
            [], Tracker(), concurrency=5, skipped=skipped, on_progress=lambda *a: calls.append(a)
        )
    )
    assert results == []
    assert calls == []


def test_progress_is_reported_once_per_item() -> None:
    calls: list[tuple[int, int]] = []
    items = list(range(25))
    asyncio.run(
        run_batch(
            items,
            Tracker(),
            concurrency=4,
            skipped=skipped,
            on_progress=lambda done, total: calls.append((done, total)),
        )
    )
    assert len(calls) == len(items)
    assert [done for done, _ in calls] == list(range(1, 26))
    assert {total for _, total in calls} == {25}


def test_fail_fast_stops_new_work_and_reports_skipped_as_errors() -> None:
    items = list(range(10))
    tracker = Tracker(findings=frozenset({2}))
    results = asyncio.run(
        run_batch(items, tracker, concurrency=1, skipped=skipped, fail_fast=FailOn.HIGH_RISK)
    )
    assert tracker.started == [0, 1, 2]
    assert [r.recommendation for r in results[:3]] == [
        Recommendation.SAFE,
        Recommendation.SAFE,
        Recommendation.HIGH_RISK,
    ]
    assert all(r.recommendation is Recommendation.ERROR for r in results[3:])
    assert all(r.error for r in results[3:])
    assert [r.name for r in results] == [f"pkg-{i}" for i in items]


def test_fail_fast_with_concurrency_finishes_started_work_only() -> None:
    items = list(range(30))
    tracker = Tracker(findings=frozenset({0}))
    results = asyncio.run(
        run_batch(items, tracker, concurrency=4, skipped=skipped, fail_fast=FailOn.HIGH_RISK)
    )
    assert len(results) == len(items)
    started = set(tracker.started)
    assert len(started) < len(items)
    for index, result in enumerate(results):
        expected_error = index not in started
        assert (result.recommendation is Recommendation.ERROR) is expected_error


def test_fail_fast_threshold_ignores_lower_verdicts() -> None:
    items = list(range(6))

    async def assess(item: int) -> PackageRisk:
        await asyncio.sleep(0)
        return risk(item, Recommendation.SUSPICIOUS if item == 1 else Recommendation.SAFE)

    high = asyncio.run(
        run_batch(items, assess, concurrency=1, skipped=skipped, fail_fast=FailOn.HIGH_RISK)
    )
    assert Recommendation.ERROR not in {r.recommendation for r in high}
    low = asyncio.run(
        run_batch(items, assess, concurrency=1, skipped=skipped, fail_fast=FailOn.SUSPICIOUS)
    )
    assert [r.recommendation for r in low][2:] == [Recommendation.ERROR] * 4


def test_without_fail_fast_findings_do_not_stop_the_run() -> None:
    tracker = Tracker(findings=frozenset({0, 1}))
    results = asyncio.run(run_batch(list(range(8)), tracker, concurrency=2, skipped=skipped))
    assert Recommendation.ERROR not in {r.recommendation for r in results}
    assert sorted(tracker.started) == list(range(8))
