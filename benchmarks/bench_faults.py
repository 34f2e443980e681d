"""A large batch against a fake registry that fails a random fraction of requests (issue #6).

Run: ``/work/venv/bin/python benchmarks/bench_faults.py [--names 10000] [--rate 0.10]``. Prints
numbers and checks the fail-closed invariants; exits 1 if one is broken (it never judges a time).

N distinct, deterministic, plausible names that are on no shipped popular list (``mixed``: PyPI,
npm and crates in turn; a few npm names scoped) go through ``phantom_guard.validate_many`` (the
library's batch call; ``validate`` on the command line runs the same ``Detector`` path) with the
cache off, in a fresh child process. The fake registry runs in this (parent) process on
127.0.0.1 and serves every other name (nine in ten an established package, one in ten a fresh
placeholder); the rest answer 404. ``fail_rate(rate, seed, fault)`` replaces a seeded-random
fraction of all its answers (the npm downloads API included) with ``--fault``.

The client retries transient failures, so a name is "all-failed" when every request the fake
registry saw for it was faulted, and that - not "had a fault" - is what must give ERROR. The
invariants (exit 1 if broken): one result per name in input order; every ERROR carries a reason;
every name was requested; all-failed names are exactly ERROR, never another verdict; a name
with a normal answer gets the verdict its served data implies (exists / NOT_FOUND); peak RSS at
N is at most ``--max-rss-ratio`` times the peak at N/10 (each in a fresh child). ERROR results
for names that did get a normal answer are counted and printed.

Peak RSS is VmHWM of the child (ru_maxrss printed beside it; see README: on Linux ru_maxrss
survives exec, so a child of this large parent reports at least the parent's size).
"""

from __future__ import annotations

import argparse
import json
import os
import random
import resource
import subprocess
import sys
import tempfile
import time
from collections import Counter
from datetime import UTC, datetime, timedelta
from pathlib import Path
from typing import TYPE_CHECKING, Any

REPO = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(REPO))

if TYPE_CHECKING:  # imported at run time only by the parent: the child stays a plain client
    from tests.fakeregistry import FakeRegistry

DEFAULT_SEED = 6
REGISTRIES = ("pypi", "npm", "crates")
VERDICTS = ("SAFE", "SUSPICIOUS", "HIGH_RISK", "NOT_FOUND", "ERROR")
# Fault kinds that make sense for a whole batch (no 30 s hangs, no 20 MB bodies per fault).
FAULTS = ("status_500", "reset", "truncated", "rate_limit", "malformed_json", "html")

_PREFIXES = (
    "amber", "arctic", "basalt", "birch", "cobalt", "comet", "copper", "coral", "cosmic", "dapper",
    "delta", "ember", "fable", "fennel", "fjord", "gentle", "glacier", "granite", "harbor", "hazel",
    "indigo", "juniper", "kestrel", "lagoon", "lunar", "maple", "meadow", "nimbus", "obsidian",
    "orchid", "pebble", "quartz", "quill", "raven", "saffron", "sierra", "tundra", "velvet",
    "willow", "zephyr",
)  # fmt: skip
_TOPICS = (
    "auth", "batch", "cache", "config", "cron", "csv", "dag", "diff", "dns", "feed", "form", "geo",
    "graph", "hash", "i18n", "image", "ini", "jwt", "ledger", "lint", "log", "mail", "markdown",
    "metric", "oauth", "pdf", "queue", "retry", "route", "schema", "search", "shard", "sitemap",
    "slug", "socket", "span", "sql", "table", "token", "vector",
)  # fmt: skip
_SUFFIXES = (
    "adapter", "bridge", "builder", "client", "core", "engine", "forge", "helper", "hub", "kit",
    "lab", "lens", "loader", "mapper", "mesh", "parser", "pilot", "probe", "relay", "runner",
    "sdk", "shim", "sink", "smith", "suite", "sync", "tools", "utils", "watch", "works",
)  # fmt: skip

_REPO_BASE = "https://github.com/janedoe"
# The first positional argument that makes this script the measured child.
_CHILD = "child"


# ------------------------------------------------------------------------------------ names


def bench_names(count: int, registry: str, seed: int = DEFAULT_SEED) -> list[tuple[str, str]]:
    """``count`` distinct ``(registry, name)``, deterministic in ``seed``, on no popular list.

    ``mixed`` cycles PyPI, npm, crates; every 20th npm name is scoped (``@prefix/name``).
    """
    from phantom_guard.detect.popular import popular_list
    from phantom_guard.model import Registry
    from phantom_guard.names import comparable, normalize

    popular = [popular_list(Registry(r)) for r in REGISTRIES]
    combos = len(_PREFIXES) * len(_TOPICS) * len(_SUFFIXES)
    rng = random.Random(seed)
    picked: list[tuple[str, str]] = []
    for number in rng.sample(range(combos), combos):
        rest, suffix = divmod(number, len(_SUFFIXES))
        prefix, topic = divmod(rest, len(_TOPICS))
        name = f"{_PREFIXES[prefix]}-{_TOPICS[topic]}-{_SUFFIXES[suffix]}"
        if any(comparable(normalize(name, p.registry)) in p for p in popular):
            continue
        index = len(picked)
        kind = registry if registry != "mixed" else REGISTRIES[index % len(REGISTRIES)]
        if kind == "npm" and index % 20 == 1:
            name = f"@{_PREFIXES[(prefix + 7) % len(_PREFIXES)]}/{name}"
        picked.append((kind, name))
        if len(picked) == count:
            return picked
    raise SystemExit(f"only {combos} names can be generated; asked for {count}")


def serve(registry: FakeRegistry, names: list[tuple[str, str]]) -> int:
    """Serve every other name: nine in ten established, one in ten a fresh placeholder."""
    from tests.fakeregistry import documents

    now = datetime.now(UTC)
    old = [("1.0.0", now - timedelta(days=700)), ("1.4.2", now - timedelta(days=200))]
    fresh = [("0.0.1", now - timedelta(days=2))]
    served = 0
    for index, (kind, name) in enumerate(names):
        if index % 2:
            continue
        placeholder = (index // 2) % 10 == 9
        releases = fresh if placeholder else old
        bare: dict[str, Any] = {"description": None, "repository": None} if placeholder else {}
        if kind == "pypi":
            extra: dict[str, Any] = {"project_urls": {"Source": f"{_REPO_BASE}/{name}"}}
            if placeholder:
                extra = {"summary": None, "author": None, "author_email": None}
            registry.add_pypi(name, documents.pypi_document(name, releases, **extra))
        elif kind == "npm":
            document = documents.npm_document(name, releases, **bare)
            registry.add_npm(name, document, downloads=3 if placeholder else 48_000)
        else:
            downloads = 10 if placeholder else 125_000
            document = documents.crates_document(name, releases, downloads=downloads, **bare)
            registry.add_crate(name, document)
        served += 1
    return served


def purl(kind: str, name: str) -> str:
    """The Package URL the batch is given (so one call mixes registries, as the CLI allows)."""
    if kind == "npm" and name.startswith("@"):
        scope, bare = name.split("/", 1)
        return f"pkg:npm/%40{scope[1:]}/{bare}"
    return f"pkg:{'cargo' if kind == 'crates' else kind}/{name}"


# ------------------------------------------------------------------------------------ child


def _memory() -> tuple[int, int]:
    """(VmHWM, VmRSS) of this process in kB."""
    fields = {}
    with open("/proc/self/status", encoding="ascii") as status:
        for line in status:
            if line.startswith(("VmHWM:", "VmRSS:")):
                fields[line.split(":")[0]] = int(line.split()[1])
    return fields["VmHWM"], fields["VmRSS"]


def child(args: argparse.Namespace) -> int:
    """Run one batch of the purls in ``--input``; write results as JSON lines; print memory."""
    import asyncio

    import phantom_guard
    from phantom_guard.settings import Settings

    purls = args.input.read_text(encoding="utf-8").split()
    settings = Settings.load(cwd=Path.cwd()).with_overrides(
        use_cache=False, concurrency=args.concurrency
    )
    checkpoints: list[tuple[int, int, int]] = [(0, *_memory())]
    step = max(len(purls) // 10, 1)

    def progress(done: int, total: int) -> None:
        if done % step == 0 or done == total:
            checkpoints.append((done, *_memory()))

    start = time.perf_counter()
    results = asyncio.run(
        phantom_guard.validate_many(purls, settings=settings, on_progress=progress)
    )
    wall = time.perf_counter() - start
    hwm, _ = _memory()
    with open(args.out, "w", encoding="utf-8") as out:
        for risk in results:
            row = [
                risk.registry.value,
                risk.name,
                risk.normalized_name,
                risk.recommendation.value,
                risk.exists,
                risk.error,
            ]
            out.write(json.dumps(row) + "\n")
    ru_maxrss = resource.getrusage(resource.RUSAGE_SELF).ru_maxrss
    print(
        json.dumps({"wall": wall, "hwm": hwm, "ru_maxrss": ru_maxrss, "checkpoints": checkpoints})
    )
    return 0


# ----------------------------------------------------------------------------------- parent


def run_child(
    registry: FakeRegistry, args: argparse.Namespace, names: list[tuple[str, str]], folder: Path
) -> dict[str, Any]:
    """One batch of ``names`` in a fresh child; the registry's log is reset first."""
    count = len(names)
    given = folder / f"names-{count}.txt"
    given.write_text("".join(purl(kind, name) + "\n" for kind, name in names), encoding="utf-8")
    out = folder / f"results-{count}.jsonl"
    command = [
        sys.executable,
        __file__,
        _CHILD,
        f"--concurrency={args.concurrency}",
        f"--input={given}",
        f"--out={out}",
    ]
    env = os.environ | registry.env() | {"PHANTOM_GUARD_CACHE_DIR": str(folder / "cache")}
    env.pop("PHANTOM_GUARD_OFFLINE", None)
    registry.reset_log()
    start_fail_rate(registry, args)  # the same random sequence for every run
    start = time.perf_counter()
    done = subprocess.run(command, env=env, cwd=folder, capture_output=True, text=True, check=False)
    process_wall = time.perf_counter() - start
    registry.clear_faults()
    if done.returncode != 0:
        raise SystemExit(f"child for N={count} failed ({done.returncode}):\n{done.stderr[-2000:]}")
    stats: dict[str, Any] = json.loads(done.stdout.strip().splitlines()[-1])
    with out.open(encoding="utf-8") as lines:
        stats["results"] = [json.loads(line) for line in lines]
    stats["process_wall"] = process_wall
    stats["outcomes"] = {r: registry.outcomes(r) for r in REGISTRIES}
    stats["requests"] = registry.requests
    return stats


def start_fail_rate(registry: FakeRegistry, args: argparse.Namespace) -> None:
    from tests.fakeregistry import Fault

    fault = Fault(args.fault)
    params = {"retry_after": "0"} if fault is Fault.RATE_LIMIT else {}
    registry.fail_rate(args.rate, args.seed, fault, **params)


def check(
    names: list[tuple[str, str]], stats: dict[str, Any], fault: str
) -> tuple[list[str], list[str]]:
    """Print the figures of one run; return (broken invariants, notes).

    A TRUNCATED fault on a 404 still delivers the whole status line (only the body is cut), and
    404 is the answer, so for the names that are not served it counts as answered.
    """
    from tests.fakeregistry import Outcome

    results = stats["results"]
    outcomes: dict[str, dict[str, Outcome]] = stats["outcomes"]
    broken: list[str] = []
    notes: list[str] = []
    verdicts = Counter(row[3] for row in results)
    order_ok = len(results) == len(names) and all(
        (row[0], row[1]) == name for row, name in zip(results, names, strict=False)
    )
    faulted = all_failed = all_failed_error = all_failed_other = 0
    error_answered = error_no_reason = never_requested = contradicts = retried_ok = 0
    for index, row in enumerate(results):
        kind, _, normalized, verdict, exists, error = row
        outcome = outcomes[kind].get(normalized, Outcome(0, 0))
        served = index % 2 == 0
        if fault == "truncated" and not served:
            outcome = Outcome(0, outcome.faulted + outcome.answered)
        if verdict == "ERROR" and not error:
            error_no_reason += 1
        if outcome.faulted + outcome.answered == 0:
            never_requested += 1
            continue
        if outcome.faulted:
            faulted += 1
        if outcome.answered == 0:
            all_failed += 1
            if verdict == "ERROR":
                all_failed_error += 1
            else:
                all_failed_other += 1
            continue
        if verdict == "ERROR":
            error_answered += 1
            continue
        retried_ok += outcome.faulted > 0
        if exists is not served or (verdict == "NOT_FOUND") == served:
            contradicts += 1
    requests = stats["requests"]
    faulted_requests = sum(1 for r in requests if r.fault is not None)
    per_registry = Counter(r.registry for r in requests)
    print(f"  names in / results out       {len(names)} / {len(results)}"
          f"  (same names, input order: {'yes' if order_ok else 'NO'})")  # fmt: skip
    print("  verdicts                     " + ", ".join(f"{v} {verdicts[v]}" for v in VERDICTS))
    print(f"  requests served              {len(requests)} ({faulted_requests} faulted); "
          + ", ".join(f"{k} {per_registry[k]}" for k in sorted(per_registry)))  # fmt: skip
    print(f"  names with >=1 faulted request            {faulted}")
    print(f"    ... then answered normally (retried)    {retried_ok} non-ERROR verdicts")
    print(f"  names whose every attempt faulted         {all_failed}")
    print(f"    ... that got ERROR (must equal)         {all_failed_error}")
    print(f"    ... that got another verdict (must be 0) {all_failed_other}")
    print(f"  ERROR for a name with a normal answer     {error_answered}")
    print(f"  ERROR without a reason (must be 0)        {error_no_reason}")
    print(f"  names never requested (must be 0)         {never_requested}")
    print(f"  verdict contradicts served data (must be 0) {contradicts}")
    if not order_ok:
        broken.append("results are not one per name in input order")
    if all_failed_error != all_failed or all_failed_other:
        broken.append(f"{all_failed_other} all-failed name(s) did not get ERROR")
    for count, what in (
        (error_no_reason, "ERROR result(s) without a reason"),
        (never_requested, "name(s) never requested"),
        (contradicts, "verdict(s) contradicting the served data"),
    ):
        if count:
            broken.append(f"{count} {what}")
    if error_answered:
        notes.append(f"{error_answered} ERROR result(s) for names that had a normal answer")
    return broken, notes


def parent(args: argparse.Namespace) -> int:
    """Serve, run N and N/10 in fresh children, print the figures, check the invariants."""
    from tests.fakeregistry import FakeRegistry

    started = time.perf_counter()
    small = max(args.names // 10, 1)
    names = bench_names(args.names, args.registry, args.seed)
    registry = FakeRegistry().start()
    try:
        served = serve(registry, names)
        with tempfile.TemporaryDirectory(prefix="pg-bench-") as tmp:
            folder = Path(tmp)
            (folder / ".git").mkdir()  # no config file above the temp dir is read
            big_stats = run_child(registry, args, names, folder)
            small_stats = run_child(registry, args, names[:small], folder)
    finally:
        registry.stop()

    print(f"Python {sys.version.split()[0]}; {os.cpu_count()} CPUs; fake registry in-process")
    print(
        f"batch: phantom_guard.validate_many(<{args.names} purls>), use_cache=False, "
        f"concurrency {args.concurrency}; registry {args.registry}; served {served} "
        f"(1 in 10 a fresh placeholder), {args.names - served} 404"
    )
    print(f"faults: fail_rate({args.rate}, seed={args.seed}, Fault.{args.fault.upper()})")
    broken: list[str] = []
    notes: list[str] = []
    for count, stats in ((args.names, big_stats), (small, small_stats)):
        print(
            f"\nN = {count}: wall {stats['wall']:.2f} s in the child "
            f"({stats['process_wall']:.2f} s for the whole child process)"
        )
        run_broken, run_notes = check(names[:count], stats, args.fault)
        broken += [f"N={count}: {b}" for b in run_broken]
        notes += [f"N={count}: {n}" for n in run_notes]

    big_mb, small_mb = big_stats["hwm"] / 1024, small_stats["hwm"] / 1024
    ratio = big_mb / small_mb
    per_name = (big_stats["hwm"] - small_stats["hwm"]) / (args.names - small)
    print("\npeak RSS (VmHWM of the child; ru_maxrss in brackets)")
    print(
        f"  N = {args.names:>6}  {big_mb:7.1f} MB  [{big_stats['ru_maxrss'] / 1024:.1f}]\n"
        f"  N = {small:>6}  {small_mb:7.1f} MB  [{small_stats['ru_maxrss'] / 1024:.1f}]\n"
        f"  ratio {ratio:.2f} for {args.names / small:.0f}x the names; "
        f"{per_name:.2f} kB per extra name (limit: ratio <= {args.max_rss_ratio})"
    )
    print(f"  checkpoints at N = {args.names} (done: VmHWM / VmRSS MB):")
    marks = [f"{d}: {h / 1024:.1f}/{r / 1024:.1f}" for d, h, r in big_stats["checkpoints"]]
    for start in range(0, len(marks), 4):
        print("    " + "   ".join(marks[start : start + 4]))
    if ratio > args.max_rss_ratio:
        broken.append(f"peak RSS ratio {ratio:.2f} > {args.max_rss_ratio}")

    print()
    for note in notes:
        print(f"note: {note}")
    for problem in broken:
        print(f"BROKEN: {problem}")
    print(f"invariants: {'all hold' if not broken else f'{len(broken)} BROKEN'}")
    print(f"(total benchmark time {time.perf_counter() - started:.1f} s)")
    return 1 if broken else 0


def main() -> int:
    """Parse the options and run as parent (default) or as the measured child."""
    from phantom_guard.settings import DEFAULT_CONCURRENCY

    parser = argparse.ArgumentParser(description=__doc__.split("\n", 1)[0])
    parser.add_argument("mode", nargs="?", choices=[_CHILD], help=argparse.SUPPRESS)
    parser.add_argument("--names", type=int, default=10_000, help="batch size N (default 10000)")
    parser.add_argument("--rate", type=float, default=0.10, help="fault rate (default 0.10)")
    parser.add_argument("--seed", type=int, default=DEFAULT_SEED, help="names and fault seed")
    parser.add_argument("--registry", choices=["pypi", "npm", "crates", "mixed"], default="mixed")
    parser.add_argument("--concurrency", type=int, default=DEFAULT_CONCURRENCY)
    parser.add_argument(
        "--fault",
        choices=FAULTS,
        default="status_500",
        help="what a failed request gets (rate_limit: 429 with Retry-After: 0)",
    )
    parser.add_argument("--max-rss-ratio", type=float, default=2.0)
    parser.add_argument("--input", type=Path, help=argparse.SUPPRESS)
    parser.add_argument("--out", type=Path, help=argparse.SUPPRESS)
    args = parser.parse_args()
    if args.names < 10:
        parser.error("--names must be at least 10")
    return child(args) if args.mode == _CHILD else parent(args)


if __name__ == "__main__":
    raise SystemExit(main())
