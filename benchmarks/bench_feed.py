"""The known-malicious feed at realistic size: import, file size, lookups, and what it adds to runs.

Run: ``python benchmarks/bench_feed.py [RECORDS]``. Prints numbers; asserts nothing.

A generated OSV ``all.zip`` of RECORDS (default 250,000) ``MAL-*`` records, mostly npm as the
real feed is (92% npm, 6% PyPI, 2% crates.io; 85% whole-package, 15% listed by version), plus
one listed version for each of the 1,500 packages of the lock file below, so `check` does real
matching work. Measured in fresh processes, medians, with the reference of the same run:

- ``feed update --from all.zip``: wall time and the feed file's size;
- per-name lookup cost in process (indexed queries on the file), listed and unlisted names;
- ``check package-lock.json`` (1,500 popular npm entries, no request) with the feed vs without:
  a lock none of whose packages is listed (the usual case), and one whose every package has a
  listed version (each answer goes through matching);
- ``validate flask -o json`` (popular, the warm path) with the feed vs without, beside
  ``python -c pass``.
Nothing leaves the machine: registry URLs point at a closed port on 127.0.0.1 and the popular
names need no lookup.
"""

from __future__ import annotations

import json
import os
import statistics
import subprocess
import sys
import tempfile
import time
import zipfile
from pathlib import Path

REPO = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(REPO / "src"))
sys.path.insert(0, str(REPO))

from benchmarks._entry import with_bytecode  # noqa: E402

from phantom_guard.detect.popular import popular_list  # noqa: E402
from phantom_guard.model import NormalizedName, Registry  # noqa: E402

RECORDS = int(sys.argv[1]) if len(sys.argv) > 1 else 250_000
LOCK_ENTRIES = 1500
REPEATS = int(os.environ.get("BENCH_REPEATS", "11"))
LOOKUPS = 20_000
CLOSED = "http://127.0.0.1:9"


def record(i: int) -> dict[str, object]:
    """Record number `i`: the ecosystem mix and listing shapes of the real feed, roughly."""
    share = i % 100
    ecosystem = "npm" if share < 92 else "PyPI" if share < 98 else "crates.io"
    name = f"zz-mal-{i}-helper" if ecosystem != "npm" or i % 7 else f"@zz-scope{i % 500}/pkg-{i}"
    affected: dict[str, object] = {"package": {"ecosystem": ecosystem, "name": name}}
    if i % 20 < 17:
        affected["ranges"] = [{"type": "SEMVER", "events": [{"introduced": "0"}]}]
    else:
        affected["versions"] = [f"1.0.{i % 5}"]
    return {
        "id": f"MAL-2025-{i}",
        "modified": f"2025-{1 + i % 12:02d}-{1 + i % 28:02d}T10:00:00Z",
        "summary": f"Malicious code in {name} ({ecosystem})",
        "details": "---\n_-= Per source details. Do not edit below this line.=-_\n",
        "affected": [affected],
        "database_specific": {"malicious-packages-origins": [{"source": "bench"}]},
    }


def write_archive(path: Path, lock_names: list[str]) -> None:
    with zipfile.ZipFile(path, "w", compression=zipfile.ZIP_DEFLATED) as archive:
        for i in range(RECORDS):
            item = record(i)
            archive.writestr(f"{item['id']}.json", json.dumps(item))
        # A compromised version of every package in the lock file (not the version it pins).
        for j, name in enumerate(lock_names):
            item = {
                "id": f"MAL-2024-{j}",
                "modified": "2024-06-01T00:00:00Z",
                "affected": [
                    {"package": {"ecosystem": "npm", "name": name}, "versions": ["0.0.1"]}
                ],
            }
            archive.writestr(f"{item['id']}.json", json.dumps(item))


def write_lock(path: Path, names: list[str]) -> None:
    packages: dict[str, object] = {"": {"name": "bench", "version": "1.0.0"}}
    for name in names:
        packages[f"node_modules/{name}"] = {"version": "1.0.0"}
    path.write_text(json.dumps({"name": "bench", "lockfileVersion": 3, "packages": packages}))


def _summary(stdout: str) -> str:
    try:
        document = json.loads(stdout)
    except json.JSONDecodeError:
        return stdout.strip()[:80]
    counts = ", ".join(f"{k} {v}" for k, v in document["summary"].items() if v)
    return f"{counts}; feeds {[f['records'] for f in document['feeds']]}"


def lookup_cost(cache: Path) -> tuple[float, float, float]:
    """Microseconds per name: one lookup per listed name, per unlisted name, and unlisted names
    looked up in batches (as a run does), in process.
    """
    from phantom_guard.feed import open_feed

    store = open_feed(cache)
    assert store is not None
    try:
        listed = [NormalizedName(f"zz-mal-{i}-helper") for i in range(1, LOOKUPS * 7, 7)][:LOOKUPS]
        unlisted = [NormalizedName(f"zz-clean-{i}") for i in range(LOOKUPS)]
        costs = []
        for names in (listed, unlisted):
            start = time.perf_counter()
            for name in names:
                store.listings(Registry.NPM, name)
            costs.append((time.perf_counter() - start) / len(names) * 1e6)
        start = time.perf_counter()
        store.listings_of(Registry.NPM, unlisted)
        costs.append((time.perf_counter() - start) / len(unlisted) * 1e6)
        return costs[0], costs[1], costs[2]
    finally:
        store.close()


# The feed's own part of the warm path, timed inside a fresh process that has already imported
# what `validate` imports anyway: sqlite3 and the feed modules, open, metadata, one lookup.
_FEED_PART = """
import sys, time
import phantom_guard.cli.scan, phantom_guard.detector
start = time.perf_counter()
from phantom_guard.feed import open_feed
from phantom_guard.model import Registry
from phantom_guard.model import NormalizedName
store = open_feed(__import__("pathlib").Path(sys.argv[1]))
store.status()
store.listings_of(Registry.PYPI, [NormalizedName("flask")])
store.close()
print((time.perf_counter() - start) * 1000)
"""


def main() -> int:
    python = sys.executable
    lock_names = list(popular_list(Registry.NPM).names[:LOCK_ENTRIES])
    with tempfile.TemporaryDirectory(prefix="pg-bench-feed-") as tmp:
        folder = Path(tmp)
        archive = folder / "all.zip"
        start = time.perf_counter()
        write_archive(archive, lock_names)
        generate_s = time.perf_counter() - start
        archive_mb = archive.stat().st_size / 1e6
        with_feed, without = folder / "with", folder / "without"
        without.mkdir()
        base = os.environ | {
            "PHANTOM_GUARD_PYPI_URL": CLOSED,
            "PHANTOM_GUARD_NPM_URL": CLOSED,
            "PHANTOM_GUARD_NPM_DOWNLOADS_URL": CLOSED,
            "PHANTOM_GUARD_CRATES_URL": CLOSED,
            "PHANTOM_GUARD_FEED_URL": CLOSED,
        }
        base.pop("NO_COLOR", None)
        base = with_bytecode(base, folder)  # written by the warm-up round below
        env_with = base | {"PHANTOM_GUARD_CACHE_DIR": str(with_feed)}
        env_without = base | {"PHANTOM_GUARD_CACHE_DIR": str(without)}
        start = time.perf_counter()
        done = subprocess.run(
            [python, "-m", "phantom_guard", "feed", "update", "--from", str(archive)],
            env=env_with,
            cwd=folder,
            capture_output=True,
            text=True,
            check=False,
        )
        import_s = time.perf_counter() - start
        feed_mb = (with_feed / "malicious.sqlite3").stat().st_size / 1e6
        listed_us, unlisted_us, batch_us = lookup_cost(with_feed)
        lock = folder / "listed" / "package-lock.json"
        lock.parent.mkdir()
        write_lock(lock, lock_names)
        clean = folder / "clean" / "package-lock.json"
        clean.parent.mkdir()
        write_lock(clean, list(popular_list(Registry.NPM).names[LOCK_ENTRIES : 2 * LOCK_ENTRIES]))
        run = [python, "-m", "phantom_guard"]
        flags = ["-o", "json", "--offline", "--feed-max-age", "100000"]
        cases = [
            ("REFERENCE python -c pass", [python, "-c", "pass"], base),
            ("validate flask, no feed", [*run, "validate", "flask", *flags], env_without),
            ("validate flask, with feed", [*run, "validate", "flask", *flags], env_with),
            ("check lock, no feed", [*run, "check", str(clean), *flags], env_without),
            ("check lock, with feed", [*run, "check", str(clean), *flags], env_with),
            ("check listed lock, no feed", [*run, "check", str(lock), *flags], env_without),
            ("check listed lock, with feed", [*run, "check", str(lock), *flags], env_with),
        ]
        # Interleaved rounds, so drift on a shared machine hits every case alike.
        times: dict[str, list[float]] = {label: [] for label, _, _ in cases}
        outcome: dict[str, str] = {}
        for _, command, env in cases:  # warm-up: bytecode, page cache
            subprocess.run(command, env=env, cwd=folder, capture_output=True, check=False)
        for _ in range(REPEATS):
            for label, command, env in cases:
                start = time.perf_counter()
                ran = subprocess.run(
                    command, env=env, cwd=folder, capture_output=True, text=True, check=False
                )
                times[label].append(time.perf_counter() - start)
                outcome[label] = f"exit {ran.returncode}; " + _summary(ran.stdout)

        part = []
        for _ in range(REPEATS):
            ran = subprocess.run(
                [python, "-c", _FEED_PART, str(with_feed)],
                env=env_with,
                capture_output=True,
                text=True,
                check=True,
            )
            part.append(float(ran.stdout))

    median = {label: statistics.median(values) for label, values in times.items()}
    print(f"Python {sys.version.split()[0]}; {os.cpu_count()} CPUs; {REPEATS} fresh processes each")
    print(
        f"feed: {RECORDS:,} generated records + {LOCK_ENTRIES:,} listing the lock's packages; "
        f"all.zip {archive_mb:.1f} MB (generated in {generate_s:.0f} s)"
    )
    print(f"  feed update --from all.zip: {import_s:.1f} s wall ({done.returncode=})")
    print("    " + " | ".join(done.stdout.strip().splitlines()))
    print(f"  feed file: {feed_mb:.1f} MB")
    print(
        f"  lookup per name (in process): listed {listed_us:.1f} µs, unlisted {unlisted_us:.1f} µs,"
        f" unlisted in batches of 500 {batch_us:.1f} µs"
    )
    reference = median["REFERENCE python -c pass"]
    print(f"  {'command':<28}{'median ms':>10}{'− pass ms':>11}")
    for label, _, _ in cases:
        print(
            f"  {label:<28}{median[label] * 1000:>10.0f}{(median[label] - reference) * 1000:>11.0f}"
        )
    print(
        "  validate flask: with feed − without = "
        f"{(median['validate flask, with feed'] - median['validate flask, no feed']) * 1000:.1f} ms"
    )
    print(
        "  the feed's part of that start-up (import sqlite3 and the reader, open, one lookup),"
        f" timed in process: median {statistics.median(part):.1f} ms, min {min(part):.1f} ms"
    )
    for lock_label in ("check lock", "check listed lock"):
        ratio = median[f"{lock_label}, with feed"] / median[f"{lock_label}, no feed"]
        print(f"  {lock_label}: with feed / without = {ratio:.2f}×")
    for label, _, _ in cases[1:]:
        print(f"  {label}: {outcome[label]}")
    return 0


if __name__ == "__main__":
    raise SystemExit(main())
