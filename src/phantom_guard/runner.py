"""Run one lookup per distinct package with bounded concurrency, keeping input order.

Structured concurrency: a `TaskGroup` of at most `concurrency` workers pulls items in order, so
memory stays flat however many names there are, and every item gets exactly one result.
"""

from __future__ import annotations

import asyncio
from collections.abc import Awaitable, Callable, Sequence
from typing import TypeVar

from phantom_guard.model import FailOn, PackageRisk

T = TypeVar("T")
ProgressCallback = Callable[[int, int], None]


async def run_batch(
    items: Sequence[T],
    assess: Callable[[T], Awaitable[PackageRisk]],
    *,
    concurrency: int,
    skipped: Callable[[T], PackageRisk],
    on_progress: ProgressCallback | None = None,
    fail_fast: FailOn | None = None,
    deadline: float | None = None,
    expired: Callable[[T], PackageRisk] | None = None,
) -> list[PackageRisk]:
    """Assess every item, at most `concurrency` at a time; results in input order.

    With `fail_fast`, the first result at or above that level stops new work: items not yet
    started get `skipped(item)` (an ERROR result), never a silent pass. With `deadline`
    (seconds), lookups still running then are cancelled and every item without a result gets
    `expired(item)`: the report stays complete, one result per item.
    """
    total = len(items)
    results: list[PackageRisk | None] = [None] * total
    next_index = 0
    done = 0
    stop = asyncio.Event()

    async def worker() -> None:
        nonlocal next_index, done
        while next_index < total and not stop.is_set():
            index = next_index
            next_index += 1
            risk = await assess(items[index])
            results[index] = risk
            done += 1
            if on_progress is not None:
                on_progress(done, total)
            if fail_fast is not None and risk.recommendation.severity >= fail_fast.threshold:
                stop.set()

    late = skipped
    try:
        async with asyncio.timeout(deadline), asyncio.TaskGroup() as group:
            for _ in range(min(concurrency, total)):
                group.create_task(worker())
    except TimeoutError:
        if expired is None:
            raise
        late = expired
    return [risk if risk is not None else late(items[i]) for i, risk in enumerate(results)]
