"""Name analysis per name: `NameAnalyzer.analyze` vs a plain-Python Levenshtein scan.

Run: ``/work/venv/bin/python benchmarks/bench_names.py``. Prints numbers; asserts nothing.

The names are the corpus rows (benchmarks/corpus/corpus.tsv) whose category is not ``popular``,
both registries, cycled to a fixed mix of NAMES entries. The reference is what a naive checker
does: a classic dynamic-programming Levenshtein distance of the name against every name of the
same registry's popular list, in pure Python. It is slow, so it runs on a subsample.
"""

from __future__ import annotations

import csv
import itertools
import statistics
import sys
import time
from pathlib import Path

from phantom_guard.detect.name_signals import NameAnalyzer
from phantom_guard.detect.patterns import shipped_vocabulary
from phantom_guard.detect.popular import popular_list
from phantom_guard.detect.typosquat import TyposquatIndex
from phantom_guard.errors import InputError
from phantom_guard.model import NormalizedName, Registry
from phantom_guard.names import comparable, normalize

CORPUS = Path(__file__).resolve().parent / "corpus" / "corpus.tsv"
NAMES = 2000  # size of the timed mix (the corpus rows are cycled to reach it)
REPEATS = 5  # timed passes over the mix; the best is reported
REFERENCE_SAMPLE = 20  # names the slow reference runs on (half per registry)


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


def first_call_costs() -> list[tuple[str, float, float, float]]:
    """Per registry: list load, index build, first analyze (ms), all on a cold process."""
    costs = []
    vocab_start = time.perf_counter()
    shipped_vocabulary()
    vocab_ms = (time.perf_counter() - vocab_start) * 1000
    for registry in (Registry.PYPI, Registry.NPM, Registry.CRATES):
        start = time.perf_counter()
        popular = popular_list(registry)
        loaded = time.perf_counter()
        TyposquatIndex(popular)
        built = time.perf_counter()
        # The list and the index are cached per process: a fresh analyzer reuses both.
        analyzer = NameAnalyzer()
        probe = NormalizedName("zz-first-call-probe")
        analyzer.analyze(probe, registry)
        analyzed = time.perf_counter()
        costs.append(
            (
                registry.value,
                (loaded - start) * 1000,
                (built - loaded) * 1000,
                (analyzed - built) * 1000,
            )
        )
    costs.append(("patterns.json", vocab_ms, 0.0, 0.0))
    return costs


def main() -> int:
    """Measure and print the tables."""
    cold = first_call_costs()  # first: nothing may have touched the lists before this

    unique = load_names()
    mix = list(itertools.islice(itertools.cycle(unique), NAMES))
    per_registry = {r: sum(1 for _, reg in mix if reg is r) for r in Registry}

    analyzer = NameAnalyzer()
    for name, registry in unique:  # warm-up: indexes built, every code path touched once
        analyzer.analyze(name, registry)

    passes = []
    for _ in range(REPEATS):
        start = time.perf_counter_ns()
        for name, registry in mix:
            analyzer.analyze(name, registry)
        passes.append((time.perf_counter_ns() - start) / len(mix) / 1000)
    analyze_us = min(passes)

    sample = [pair for pair in unique if pair[1] is Registry.PYPI][: REFERENCE_SAMPLE // 2]
    sample += [pair for pair in unique if pair[1] is Registry.NPM][: REFERENCE_SAMPLE // 2]
    lists = {r: popular_list(r).names for r in (Registry.PYPI, Registry.NPM)}
    start = time.perf_counter_ns()
    for name, registry in sample:
        reference_scan(comparable(name), lists[registry])
    reference_us = (time.perf_counter_ns() - start) / len(sample) / 1000

    sample_passes = []
    for _ in range(REPEATS):
        start = time.perf_counter_ns()
        for name, registry in sample:
            analyzer.analyze(name, registry)
        sample_passes.append((time.perf_counter_ns() - start) / len(sample) / 1000)
    sample_us = min(sample_passes)

    sizes = {r: len(popular_list(r).names) for r in Registry}

    print(f"Python {sys.version.split()[0]}")
    print()
    print("popular lists (distinct names)")
    for registry in Registry:
        print(f"  {registry.value:<8}{sizes[registry]:>8,}")
    print(f"  {'total':<8}{sum(sizes.values()):>8,}")
    print()
    print("first call per registry, ms (cold process; list load is cached per process)")
    print(f"  {'registry':<14}{'load list':>11}{'build index':>13}{'1st analyze':>13}")
    for label, load_ms, build_ms, first_ms in cold:
        print(f"  {label:<14}{load_ms:>11.1f}{build_ms:>13.1f}{first_ms:>13.1f}")
    print("  (1st analyze = a fresh NameAnalyzer's first name; the index is cached per process)")
    print()
    mix_desc = ", ".join(f"{r.value} {n}" for r, n in per_registry.items() if n)
    print(
        f"name analysis: {len(mix):,} names ({len(unique):,} distinct non-popular corpus names "
        f"cycled; {mix_desc}), best of {REPEATS} passes after warm-up"
    )
    print(f"  pass spread µs/name: min {min(passes):.1f}  median {statistics.median(passes):.1f}")
    print(f"  {'implementation':<52}{'µs/name':>12}{'× analyze':>11}")
    rows = [
        ("NameAnalyzer.analyze (full mix)", analyze_us),
        (f"NameAnalyzer.analyze (same {len(sample)} names)", sample_us),
        (f"REFERENCE pure-Python Levenshtein ({len(sample)} names)", reference_us),
    ]
    for label, value in rows:
        print(f"  {label:<52}{value:>12,.1f}{value / analyze_us:>11.1f}")
    print(
        f"  reference / analyze on the same {len(sample)} names: {reference_us / sample_us:,.0f}×"
    )
    return 0


if __name__ == "__main__":
    raise SystemExit(main())
