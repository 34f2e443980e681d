"""Name analysis per name: `NameAnalyzer.analyze` vs a plain-Python Levenshtein scan.

Run: ``/work/venv/bin/python benchmarks/bench_names.py``. Prints numbers; asserts nothing.
``--per-name-only`` skips the fresh-process index figures (to compare two checkouts quickly).

The names are the corpus rows (benchmarks/corpus/corpus.tsv) whose category is not ``popular``,
both registries, cycled to a fixed mix of NAMES entries. The reference is what a naive checker
does: a classic dynamic-programming Levenshtein distance of the name against every name of the
same registry's popular list, in pure Python. It is slow, so it runs on a subsample. A second
reference is the same scan in C++: rapidfuzz's ``process.extractOne`` with the Levenshtein
distance over the whole popular list, on every distinct name.

The index cost of the first unknown name is measured in fresh processes (the prebuilt table is
read from the package, nothing is cached between runs): the median of PROCESSES runs of
``typosquat_index(registry)`` plus one ``match`` (after the popular-list look-up every name
gets first), beside, in the same run, what the per-process
design it replaced cost: building the same targets into dicts (buckets and spelling keys), and
``pickle.loads`` of that built index, and ``python -c pass``.
"""

from __future__ import annotations

import csv
import itertools
import pickle
import statistics
import subprocess
import sys
import time
from pathlib import Path

from rapidfuzz import process
from rapidfuzz.distance import Levenshtein

from phantom_guard.detect.name_signals import NameAnalyzer
from phantom_guard.detect.popular import popular_list
from phantom_guard.detect.typosquat import _keys, _squash
from phantom_guard.errors import InputError
from phantom_guard.model import NormalizedName, Registry
from phantom_guard.names import comparable, normalize

CORPUS = Path(__file__).resolve().parent / "corpus" / "corpus.tsv"
NAMES = 2000  # size of the timed mix (the corpus rows are cycled to reach it)
REPEATS = 5  # timed passes over the mix; the best is reported
REFERENCE_SAMPLE = 20  # names the slow reference runs on (half per registry)
PROCESSES = 11  # fresh processes per cold figure
# In-process figures are the benchmark thread's CPU time: on a machine shared with other work,
# wall time counts whatever else ran meanwhile. Fresh-process figures stay wall time.
_clock = time.thread_time_ns
# The popular list is consulted first for every name (as the CLI does), so its read and
# the data folder's first use are not the index's cost.
_COLD = (
    "import time; from phantom_guard.model import Registry; "
    "from phantom_guard.detect.popular import popular_list; "
    "popular_list(Registry({0!r})).rank('zz-first-call-probe'); "
    "from phantom_guard.detect.typosquat import typosquat_index; s = time.perf_counter(); "
    "typosquat_index(Registry({0!r})).match('zz-first-call-probe'); "
    "print((time.perf_counter() - s) * 1000)"
)


def load_names() -> list[tuple[NormalizedName, Registry]]:
    """Non-popular corpus names, normalized, in file order (invalid names are dropped)."""
    rows: list[tuple[NormalizedName, Registry]] = []
    with CORPUS.open(encoding="utf-8", newline="") as handle:
        for row in csv.DictReader(handle, delimiter="\t"):
            if row["category"] == "popular":
                continue
            registry = Registry(row["registry"])
            try:
                rows.append((normalize(row["name"], registry), registry))
            except InputError:
                continue
    return rows


def levenshtein(a: str, b: str) -> int:
    """Classic two-row dynamic-programming edit distance; no libraries."""
    if len(a) < len(b):
        a, b = b, a
    previous = list(range(len(b) + 1))
    for i, ca in enumerate(a, 1):
        current = [i]
        for j, cb in enumerate(b, 1):
            current.append(min(previous[j] + 1, current[j - 1] + 1, previous[j - 1] + (ca != cb)))
        previous = current
    return previous[-1]


def reference_scan(name: str, popular: tuple[str, ...]) -> tuple[int, str]:
    """The closest popular name by plain Levenshtein over the whole list."""
    best = (10**9, "")
    for candidate in popular:
        distance = levenshtein(name, candidate)
        if distance < best[0]:
            best = (distance, candidate)
    return best


def _median_process_ms(code: str) -> float:
    """Median of a figure printed by PROCESSES fresh interpreters."""
    found = []
    for _ in range(PROCESSES):
        argv = [sys.executable, "-c", code]
        out = subprocess.run(argv, check=True, capture_output=True, text=True)
        found.append(float(out.stdout.strip()))
    return statistics.median(found)


def _median_wall_ms(argv: list[str]) -> float:
    found = []
    for _ in range(PROCESSES):
        start = time.perf_counter()
        subprocess.run(argv, check=True)
        found.append((time.perf_counter() - start) * 1000)
    return statistics.median(found)


def dict_index(registry: Registry) -> object:
    """The replaced design: every target into per-process dicts (buckets and spelling keys)."""
    names = list(dict.fromkeys(_targets(registry)))
    buckets: dict[tuple[int, str, str], list[str]] = {}
    keys: dict[str, int] = {}
    for rank, name in enumerate(names):
        buckets.setdefault((len(name), "first", name[:2]), []).append(name)
        buckets.setdefault((len(name), "last", name[-2:]), []).append(name)
        keys.setdefault("s" + _squash(name), rank)
        for kind, key in _keys(name):
            keys.setdefault(kind + key, rank)
    return names, buckets, keys


def _targets(registry: Registry) -> list[str]:
    data = Path(__file__).resolve().parents[1] / "src" / "phantom_guard" / "detect" / "data"
    found = list(popular_list(registry).names)
    if registry is Registry.NPM:
        text = (data / "popular" / "npm-tier2.txt").read_text(encoding="utf-8")
        found += [line.split("\t")[0] for line in text.splitlines() if not line.startswith("#")]
    return found


def first_call_costs() -> list[tuple[str, int, float, float, float]]:
    """Per registry: targets, cold index cost (fresh processes), dict build, pickle.loads (ms)."""
    costs = []
    for registry in (Registry.PYPI, Registry.NPM, Registry.CRATES):
        cold = _median_process_ms(_COLD.format(registry.value))
        builds, loads = [], []
        for _ in range(3):
            start = time.perf_counter()
            built = dict_index(registry)
            builds.append((time.perf_counter() - start) * 1000)
            blob = pickle.dumps(built, protocol=pickle.HIGHEST_PROTOCOL)
            start = time.perf_counter()
            pickle.loads(blob)
            loads.append((time.perf_counter() - start) * 1000)
        size = len(built[0])  # type: ignore[index]
        costs.append(
            (registry.value, size, cold, statistics.median(builds), statistics.median(loads))
        )
    return costs


def main() -> int:
    """Measure and print the tables."""
    per_name_only = "--per-name-only" in sys.argv[1:]
    cold = [] if per_name_only else first_call_costs()
    bare = 0.0 if per_name_only else _median_wall_ms([sys.executable, "-c", "pass"])

    unique = load_names()
    mix = list(itertools.islice(itertools.cycle(unique), NAMES))
    per_registry = {r: sum(1 for _, reg in mix if reg is r) for r in Registry}

    analyzer = NameAnalyzer()
    for name, registry in unique:  # warm-up: indexes built, every code path touched once
        analyzer.analyze(name, registry)

    passes = []
    for _ in range(REPEATS):
        start = _clock()
        for name, registry in mix:
            analyzer.analyze(name, registry)
        passes.append((_clock() - start) / len(mix) / 1000)
    analyze_us = min(passes)

    sample = [pair for pair in unique if pair[1] is Registry.PYPI][: REFERENCE_SAMPLE // 2]
    sample += [pair for pair in unique if pair[1] is Registry.NPM][: REFERENCE_SAMPLE // 2]
    lists = {r: popular_list(r).names for r in (Registry.PYPI, Registry.NPM)}
    start = _clock()
    for name, registry in sample:
        reference_scan(comparable(name), lists[registry])
    reference_us = (_clock() - start) / len(sample) / 1000

    sample_passes = []
    for _ in range(REPEATS):
        start = _clock()
        for name, registry in sample:
            analyzer.analyze(name, registry)
        sample_passes.append((_clock() - start) / len(sample) / 1000)
    sample_us = min(sample_passes)

    fuzz_passes = []
    for _ in range(3):
        start = _clock()
        for name, registry in unique:
            process.extractOne(comparable(name), lists[registry], scorer=Levenshtein.distance)
        fuzz_passes.append((_clock() - start) / len(unique) / 1000)
    fuzz_us = min(fuzz_passes)

    sizes = {r: len(popular_list(r).names) for r in Registry}

    print(f"Python {sys.version.split()[0]}")
    print()
    print("popular lists (distinct names)")
    for registry in Registry:
        print(f"  {registry.value:<8}{sizes[registry]:>8,}")
    print(f"  {'total':<8}{sum(sizes.values()):>8,}")
    print()
    if not per_name_only:
        _print_cold(cold, bare)
    mix_desc = ", ".join(f"{r.value} {n}" for r, n in per_registry.items() if n)
    print(
        f"name analysis: {len(mix):,} names ({len(unique):,} distinct non-popular corpus names "
        f"cycled; {mix_desc}), best of {REPEATS} passes after warm-up"
    )
    print(
        f"  pass spread µs/name (thread CPU time): min {min(passes):.1f}  "
        f"median {statistics.median(passes):.1f}"
    )
    print(f"  {'implementation':<52}{'µs/name':>12}{'× analyze':>11}")
    rows = [
        ("NameAnalyzer.analyze (full mix)", analyze_us),
        (f"NameAnalyzer.analyze (same {len(sample)} names)", sample_us),
        (f"REFERENCE pure-Python Levenshtein ({len(sample)} names)", reference_us),
        (f"REFERENCE rapidfuzz extractOne, whole list ({len(unique):,})", fuzz_us),
    ]
    for label, value in rows:
        print(f"  {label:<52}{value:>12,.1f}{value / analyze_us:>11.1f}")
    print(
        f"  reference / analyze on the same {len(sample)} names: {reference_us / sample_us:,.0f}×"
    )
    return 0


def _print_cold(cold: list[tuple[str, int, float, float, float]], bare: float) -> None:
    print(
        f"first unknown name's index cost per registry, ms (median of {PROCESSES} fresh "
        "processes: prebuilt table read + one match)"
    )
    print(f"  {'registry':<10}{'targets':>9}{'prebuilt':>10}{'dict build':>12}{'pickle.loads':>14}")
    for label, size, first_ms, build_ms, load_ms in cold:
        print(f"  {label:<10}{size:>9,}{first_ms:>10.1f}{build_ms:>12.1f}{load_ms:>14.1f}")
    print(
        "  (dict build: the same targets into per-process dicts, as before the prebuilt table; "
        "pickle.loads: of that built index)"
    )
    print(f"  reference: python -c pass, wall, median of {PROCESSES}: {bare:.1f} ms")
    print()


if __name__ == "__main__":
    raise SystemExit(main())
