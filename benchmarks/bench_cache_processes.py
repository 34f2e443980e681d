"""Several `phantom-guard check` processes at once on overlapping names, one shared SQLite cache.

Run: ``/work/venv/bin/python benchmarks/bench_cache_processes.py [--processes 8] [--names 400]``.
Prints figures; exits 1 if an invariant breaks (an ERROR, a cache warning, a lost entry, or a
follow-up run that still needs the network).

Process k checks names ``[k * stride, k * stride + names)`` (stride = names / 2, so neighbours
share half their names) from a requirements file, all at the same moment, with one cache
directory. The fake registry (127.0.0.1, 20 ms latency, in this process) serves every other
name; the rest are 404. Afterwards one process checks every distinct name: all must come from
the cache, with no request made.
"""

from __future__ import annotations

import argparse
import json
import os
import sqlite3
import subprocess
import sys
import tempfile
import time
from contextlib import closing
from pathlib import Path

REPO = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(REPO))

from tests.fakeregistry import PYPI, FakeRegistry, documents  # noqa: E402


def name(k: int) -> str:
    return f"zq-shared-cache-{k:05d}-pkg"


def start(folder: Path, names: list[str], env: dict[str, str]) -> subprocess.Popen[str]:
    folder.mkdir(parents=True, exist_ok=True)
    (folder / "requirements.txt").write_text("".join(n + "\n" for n in names), encoding="utf-8")
    return subprocess.Popen(
        [sys.executable, "-m", "phantom_guard", "check", "-o", "json", str(folder)],
        env=env,
        stdout=subprocess.PIPE,
        stderr=subprocess.PIPE,
        text=True,
    )


def main() -> int:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--processes", type=int, default=8)
    parser.add_argument("--names", type=int, default=400, help="names per process")
    args = parser.parse_args()
    stride = max(1, args.names // 2)
    distinct = (args.processes - 1) * stride + args.names
    registry = FakeRegistry()
    for k in range(0, distinct, 2):
        registry.add_pypi(name(k), documents.pypi_document(name(k)))
    registry.latency = 0.02
    broken: list[str] = []
    with registry, tempfile.TemporaryDirectory(prefix="pg-procs-") as tmp:
        root = Path(tmp)
        cache = root / "cache"
        env = os.environ | registry.env() | {"PHANTOM_GUARD_CACHE_DIR": str(cache)}
        env.pop("PHANTOM_GUARD_OFFLINE", None)
        began = time.perf_counter()
        running = [
            start(root / f"p{k}", [name(k * stride + i) for i in range(args.names)], env)
            for k in range(args.processes)
        ]
        outcomes = [(p, *p.communicate(timeout=600)) for p in running]
        wall = time.perf_counter() - began
        requests = registry.request_count(PYPI)
        verdicts: dict[str, int] = {}
        for k, (process, out, err) in enumerate(outcomes):
            results = json.loads(out)["results"] if out else []
            for result in results:
                verdicts[result["recommendation"]] = verdicts.get(result["recommendation"], 0) + 1
            if process.returncode not in (0, 1) or len(results) != args.names:
                broken.append(f"process {k}: exit {process.returncode}, {len(results)} results")
            if err.strip():
                broken.append(f"process {k} wrote to stderr: {err.strip()[:200]}")
        with closing(sqlite3.connect(cache / "cache.sqlite3")) as conn:
            (rows,) = conn.execute("SELECT count(*) FROM packages").fetchone()
            (findings,) = conn.execute("SELECT count(*) FROM findings").fetchone()
        registry.reset_log()
        again = start(root / "all", [name(k) for k in range(distinct)], env)
        out, err = again.communicate(timeout=600)
        follow_up = json.loads(out)["results"]
        uncached = sum(1 for r in follow_up if not r["cached"])
        follow_requests = registry.request_count(PYPI)

    print(f"Python {sys.version.split()[0]}; {os.cpu_count()} CPUs; fake registry latency 20 ms")
    print(
        f"{args.processes} processes at once x {args.names} names (neighbours share {stride}); "
        f"{distinct} distinct names, half served, half 404"
    )
    print(f"  wall time, all processes         {wall:.2f} s")
    counts = dict(sorted(verdicts.items()))
    print(f"  results                          {sum(verdicts.values())} {counts}")
    print(f"  registry requests                {requests} (distinct names {distinct})")
    must = f"(must be {distinct} / {distinct})"
    print(f"  cache rows (answers / findings)  {rows} / {findings}  {must}")
    print(
        f"  follow-up over all names         {len(follow_up)} results, {uncached} not from the "
        f"cache, {follow_requests} requests (must be 0 and 0), exit {again.returncode}"
    )
    if verdicts.get("ERROR"):
        broken.append(f"{verdicts['ERROR']} ERROR results")
    if rows != distinct or findings != distinct:
        broken.append("cache rows lost")
    if uncached or follow_requests or err.strip():
        broken.append("the follow-up run needed the network or warned")
    print("invariants: " + ("all hold" if not broken else "BROKEN: " + "; ".join(broken)))
    return 1 if broken else 0


if __name__ == "__main__":
    raise SystemExit(main())
