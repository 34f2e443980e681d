"""End-to-end batch throughput through the fake registry on 127.0.0.1 (never a public one).

Run: ``/work/venv/bin/python benchmarks/bench_batch.py`` (all tables), or
``benchmarks/bench_batch.py --fresh-only [N]`` (the fresh-process row, N pairs). Prints numbers;
asserts nothing.

N unknown names ``zz-bench-NNNN-pkg``: half served as PyPI documents, half missing (404). Each
run is ``Detector(settings).check(refs)`` with ``use_cache=False``, so every name is a request.
The reference for a run is the ideal ``ceil(N / C) × latency`` (C requests in flight, each
taking exactly the injected latency); the fresh-process case is compared with a plain aiohttp
loop fetching the same URLs in a fresh process of its own.

The fake registry runs in a thread of this process: the in-process rows share one GIL between
client and server, which is why the latency-0 rows are a floor for both, not for the client.
"""

from __future__ import annotations

import asyncio
import json
import math
import os
import statistics
import subprocess
import sys
import tempfile
import time
from pathlib import Path

REPO = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(REPO))

from tests.fakeregistry import FakeRegistry, documents  # noqa: E402

from phantom_guard.detect.name_signals import NameAnalyzer  # noqa: E402
from phantom_guard.detector import Detector  # noqa: E402
from phantom_guard.model import PackageRef, Registry  # noqa: E402
from phantom_guard.settings import DEFAULT_CONCURRENCY, Settings  # noqa: E402

SIZES = (50, 500)
LATENCIES = (0.0, 0.05, 0.15)
SWEEP = (16, 32, 50, 64, 100, 200)  # 200: above the HTTP pool's 100 connections
SWEEP_N, SWEEP_LATENCY = 500, 0.05
FRESH_N, FRESH_LATENCY, FRESH_TARGET = 500, 0.15, 2.5
# Fresh-process pairs (CLI, reference), interleaved; ``--fresh-only N`` asks for N.
FRESH_REPEATS = 3
REPEATS = 3  # per in-process case; the best wall time is reported

REFERENCE_SCRIPT = """
import asyncio, sys, time
t0 = time.perf_counter()
import aiohttp

async def main(urls):
    sem = asyncio.Semaphore(50)
    async with aiohttp.ClientSession() as session:
        async def one(url):
            async with sem, session.get(url) as response:
                await response.read()
                return response.status
        return await asyncio.gather(*(one(u) for u in urls))

urls = sys.stdin.read().split()
t1 = time.perf_counter()
statuses = asyncio.run(main(urls))
t2 = time.perf_counter()
print(len(statuses), statuses.count(200), statuses.count(404), t1 - t0, t2 - t1)
"""


def bench_names(count: int) -> list[str]:
    """Names that are on no popular list."""
    return [f"zz-bench-{i:04d}-pkg" for i in range(count)]


def serve(registry: FakeRegistry, names: list[str]) -> None:
    """Serve every other name as an existing PyPI project; the rest answer 404."""
    for name in names[::2]:
        registry.add_pypi(name, documents.pypi_document(name))


async def run_check(
    settings: Settings, refs: list[PackageRef], names: NameAnalyzer | None
) -> tuple[float, int]:
    """Wall time of one fresh Detector's check, and how many results it returned."""
    start = time.perf_counter()
    async with Detector(settings, names=names) as detector:
        report = await detector.check(refs)
    return time.perf_counter() - start, len(report.results)


def measure(
    registry: FakeRegistry, count: int, latency: float, concurrency: int, warm: NameAnalyzer
) -> dict[str, float | int | bool]:
    """Best-of-REPEATS wall for a cold Detector, and for one sharing a warm NameAnalyzer."""
    names = bench_names(count)
    refs = [PackageRef(name, Registry.PYPI) for name in names]
    settings = Settings(pypi_url=registry.pypi_url, use_cache=False, concurrency=concurrency)
    registry.latency = latency
    cold: list[float] = []
    warm_walls: list[float] = []
    requests_ok = True
    requests = 0
    for _ in range(REPEATS):
        for shared, walls in ((None, cold), (warm, warm_walls)):
            registry.reset_log()
            wall, results = asyncio.run(run_check(settings, refs, shared))
            requests = registry.request_count()
            requests_ok = requests_ok and requests == count and results == count
            walls.append(wall)
    ideal = math.ceil(count / concurrency) * latency
    return {
        "wall": min(cold),
        "warm": min(warm_walls),
        "ideal": ideal,
        "requests": requests,
        "ok": requests_ok,
    }


def fmt_ratio(value: float, ideal: float) -> str:
    return f"{value / ideal:.2f}" if ideal > 0 else "—"


def fresh_process(registry: FakeRegistry, repeats: int = FRESH_REPEATS) -> None:
    """The CLI in a fresh process vs a plain aiohttp loop in a fresh process, same 500 URLs."""
    names = bench_names(FRESH_N)
    registry.latency = FRESH_LATENCY
    env = os.environ | registry.env()
    env.pop("NO_COLOR", None)
    urls = "\n".join(f"{registry.pypi_url}/{name}/json" for name in names)
    cli_walls: list[float] = []
    ref_walls: list[float] = []
    with tempfile.TemporaryDirectory(prefix="pg-bench-") as folder:
        env["PHANTOM_GUARD_CACHE_DIR"] = folder  # --no-cache anyway; keeps the user's cache out
        command = [sys.executable, "-m", "phantom_guard", "validate", "--no-cache", "-o", "json"]
        for _ in range(repeats):
            registry.reset_log()
            start = time.perf_counter()
            done = subprocess.run(
                [*command, *names],
                env=env,
                cwd=folder,
                capture_output=True,
                text=True,
                check=False,
            )
            cli_walls.append(time.perf_counter() - start)
            cli_requests = registry.request_count()

            registry.reset_log()
            start = time.perf_counter()
            ref = subprocess.run(
                [sys.executable, "-c", REFERENCE_SCRIPT],
                input=urls,
                cwd=folder,
                capture_output=True,
                text=True,
                check=False,
            )
            ref_walls.append(time.perf_counter() - start)
            ref_requests = registry.request_count()
    try:
        summary = json.loads(done.stdout)["summary"]
    except (json.JSONDecodeError, KeyError):
        summary = {"error": done.stderr.strip()[-300:]}
    # Medians of interleaved pairs: the load of a shared machine moves both alike.
    cli_wall, ref_wall = statistics.median(cli_walls), statistics.median(ref_walls)
    ratios = sorted(cli / ref for cli, ref in zip(cli_walls, ref_walls, strict=True))
    fields = ref.stdout.split()
    ideal = math.ceil(FRESH_N / DEFAULT_CONCURRENCY) * FRESH_LATENCY
    print(
        f"fresh process: {FRESH_N} names, latency {FRESH_LATENCY} s, "
        f"ideal ceil({FRESH_N}/{DEFAULT_CONCURRENCY})×{FRESH_LATENCY} = {ideal:.2f} s; "
        f"median of {len(cli_walls)} (CLI runs: {', '.join(f'{w:.2f}' for w in cli_walls)}; "
        f"reference runs: {', '.join(f'{w:.2f}' for w in ref_walls)})"
    )
    print(
        f"  per-pair ratios CLI/reference: {', '.join(f'{r:.2f}' for r in ratios)}; "
        f"median {statistics.median(ratios):.2f}"
    )
    print(f"  {'command':<52}{'wall s':>8}{'× ref':>7}{'requests':>10}")
    print(
        f"  {'REFERENCE plain aiohttp, Semaphore(50), fresh proc':<52}{ref_wall:>8.2f}"
        f"{1.0:>7.2f}{ref_requests:>10}"
    )
    print(
        f"  {'phantom_guard validate --no-cache -o json':<52}{cli_wall:>8.2f}"
        f"{cli_wall / ref_wall:>7.2f}{cli_requests:>10}"
    )
    verdict = "meets" if cli_wall <= FRESH_TARGET else "MISSES"
    print(f"  {'ideal (reference floor)':<52}{ideal:>8.2f}{ideal / ref_wall:>7.2f}")
    print(f"  CLI exit code {done.returncode}; summary {summary}")
    print(f"  target ≤ {FRESH_TARGET} s: {verdict} ({cli_wall:.2f} s)")
    if len(fields) == 5:
        print(
            f"  reference detail: {fields[0]} responses ({fields[1]} × 200, {fields[2]} × 404); "
            f"interpreter+aiohttp import {float(fields[3]):.2f} s, fetch loop "
            f"{float(fields[4]):.2f} s"
        )
    else:
        print(f"  reference failed: {ref.stderr.strip()[-300:]}")
    print(
        f"  requests (last run) match N={FRESH_N}: "
        f"CLI {'yes' if cli_requests == FRESH_N else 'NO'}, "
        f"reference {'yes' if ref_requests == FRESH_N else 'NO'}"
    )


def main() -> int:
    """Measure and print the tables."""
    started = time.perf_counter()
    registry = FakeRegistry().start()
    try:
        serve(registry, bench_names(max((*SIZES, SWEEP_N, FRESH_N))))
        if "--fresh-only" in sys.argv:  # just the fresh-process row (the issue-10 target)
            at = sys.argv.index("--fresh-only") + 1
            repeats = int(sys.argv[at]) if at < len(sys.argv) else FRESH_REPEATS
            fresh_process(registry, repeats)
            return 0
        warm = NameAnalyzer()
        warm.analyze(bench_names(1)[0], Registry.PYPI)  # builds the PyPI index once

        print(f"Python {sys.version.split()[0]}; {os.cpu_count()} CPUs; fake registry in-process")
        print(
            f"batch: Detector(settings).check(refs), use_cache=False, "
            f"C = DEFAULT_CONCURRENCY = {DEFAULT_CONCURRENCY}; best of {REPEATS}"
        )
        print("  wall = fresh Detector (builds its PyPI typosquat index, ~0.1 s, inside the run)")
        print("  warm = fresh Detector given an already-built NameAnalyzer (network path only)")
        header = (
            f"  {'N':>5}{'latency s':>11}{'wall s':>9}{'warm s':>9}{'ideal s':>9}"
            f"{'wall/ideal':>12}{'warm/ideal':>12}{'requests':>10}{'= N?':>6}"
        )
        print(header)
        for count in SIZES:
            for latency in LATENCIES:
                row = measure(registry, count, latency, DEFAULT_CONCURRENCY, warm)
                print(
                    f"  {count:>5}{latency:>11.2f}{row['wall']:>9.3f}{row['warm']:>9.3f}"
                    f"{row['ideal']:>9.2f}{fmt_ratio(row['wall'], row['ideal']):>12}"
                    f"{fmt_ratio(row['warm'], row['ideal']):>12}{row['requests']:>10}"
                    f"{'yes' if row['ok'] else 'NO':>6}"
                )
        print()
        print(f"concurrency sweep: N={SWEEP_N}, latency {SWEEP_LATENCY} s; best of {REPEATS}")
        print(header.replace("     N", "     C"))
        for concurrency in SWEEP:
            row = measure(registry, SWEEP_N, SWEEP_LATENCY, concurrency, warm)
            print(
                f"  {concurrency:>5}{SWEEP_LATENCY:>11.2f}{row['wall']:>9.3f}{row['warm']:>9.3f}"
                f"{row['ideal']:>9.2f}{fmt_ratio(row['wall'], row['ideal']):>12}"
                f"{fmt_ratio(row['warm'], row['ideal']):>12}{row['requests']:>10}"
                f"{'yes' if row['ok'] else 'NO':>6}"
            )
        print()
        fresh_process(registry)
    finally:
        registry.stop()
    print(f"\n(total benchmark time {time.perf_counter() - started:.1f} s)")
    return 0


if __name__ == "__main__":
    raise SystemExit(main())
