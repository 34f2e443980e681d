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
) -> list[PackageRisk]:
    """Assess every item, at most `concurrency` at a time; results in input order.

    With `fail_fast`, the first result at or above that level stops new work: items not yet
    started get `skipped(item)` (an ERROR result), never a silent pass.
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

    async with asyncio.TaskGroup() as group:
        for _ in range(min(concurrency, total)):
            group.create_task(worker())
    return [risk if risk is not None else skipped(items[i]) for i, risk in enumerate(results)]
