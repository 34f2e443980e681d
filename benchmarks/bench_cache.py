"""How long a cache hit takes: memory store, SQLite store, and a plain dict, all in the same run.

Run: ``PYTHONPATH=src python benchmarks/bench_cache.py``. Prints numbers; asserts nothing.
The SQLite row is read through `SqliteStore.get` itself, so every hit is a query and a decode.
"""

from __future__ import annotations

import sys
import tempfile
import time
from collections.abc import Callable
from datetime import UTC, datetime, timedelta
from pathlib import Path

from phantom_guard.cache.codec import decode, encode
from phantom_guard.cache.memory import MemoryStore
from phantom_guard.cache.sqlite import SqliteStore
from phantom_guard.model import NormalizedName, PackageMetadata, Registry

MEMORY_LOOPS = 200_000
DISK_LOOPS = 20_000
REPEATS = 5
RELEASES = 40  # a typical established package; the payload grows with its release history


def sample() -> PackageMetadata:
    """Metadata shaped like a real, established package."""
    first = datetime(2015, 3, 1, tzinfo=UTC)
    times = tuple(first + timedelta(days=60 * i) for i in range(RELEASES))
    return PackageMetadata(
        name="example-package",
        registry=Registry.PYPI,
        latest_version=f"1.{RELEASES - 1}.0",
        created=times[0],
        latest_release=times[-1],
        release_count=RELEASES,
        release_times=times,
        repository="https://example.invalid/org/example-package",
        homepage="https://example.invalid/example-package",
        maintainers=("alice", "bob"),
        summary="An example package used to size cache payloads realistically.",
        monthly_downloads=1_234_567,
    )


def best_ns_per_op(body: Callable[[int], None], loops: int) -> float:
    """The fastest of REPEATS runs of `body(loops)`, in nanoseconds per iteration."""
    best = float("inf")
    for _ in range(REPEATS):
        start = time.perf_counter_ns()
        body(loops)
        best = min(best, (time.perf_counter_ns() - start) / loops)
    return best


def main() -> int:
    """Measure and print the table."""
    registry, name = Registry.PYPI, NormalizedName("example-package")
    metadata = sample()
    payload = encode(metadata)

    reference = {(registry, name): metadata}

    def dict_hits(loops: int) -> None:
        get = reference.get
        for _ in range(loops):
            get((registry, name))

    memory = MemoryStore()
    memory.put(registry, name, metadata)

    def memory_hits(loops: int) -> None:
        get = memory.get
        for _ in range(loops):
            get(registry, name)

    def decodes(loops: int) -> None:
        for _ in range(loops):
            decode(payload)

    with tempfile.TemporaryDirectory() as folder:
        disk = SqliteStore(Path(folder) / "cache.sqlite3")
        try:
            disk.put(registry, name, metadata)
            assert disk.get(registry, name) is not None

            def disk_hits(loops: int) -> None:
                get = disk.get
                for _ in range(loops):
                    get(registry, name)

            rows = [
                ("dict.get (reference)", best_ns_per_op(dict_hits, MEMORY_LOOPS)),
                ("MemoryStore.get hit", best_ns_per_op(memory_hits, MEMORY_LOOPS)),
                ("codec.decode alone", best_ns_per_op(decodes, DISK_LOOPS)),
                ("SqliteStore.get hit", best_ns_per_op(disk_hits, DISK_LOOPS)),
            ]
        finally:
            disk.close()

    base = rows[0][1]
    print(f"cache hit, best of {REPEATS}; payload {len(payload)} bytes ({RELEASES} releases)")
    print(f"Python {sys.version.split()[0]}")
    print(f"{'operation':<24}{'µs per op':>12}{'× dict':>10}")
    for label, ns in rows:
        print(f"{label:<24}{ns / 1000:>12.3f}{ns / base:>10.1f}")
    return 0


if __name__ == "__main__":
    raise SystemExit(main())
