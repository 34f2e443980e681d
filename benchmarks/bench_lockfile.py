"""A 2,000-line requirements.txt checked by the CLI in a fresh process, against the fake registry.

Run: ``/work/venv/bin/python benchmarks/bench_lockfile.py``. Prints numbers; asserts nothing.

The file is the first 1,950 names of the shipped PyPI popular list (``name==1.0``), answered from
the list with no request, plus 50 unknown names that the fake registry on 127.0.0.1 serves
(latency 0.05 s). The reference is ``python -c pass``: the interpreter's own start-up, measured in
the same run. A popular-only file shows the cost of the part that needs no network.
"""

from __future__ import annotations

import json
import os
import subprocess
import sys
import tempfile
import time
from pathlib import Path

REPO = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(REPO))

from tests.fakeregistry import FakeRegistry, documents  # noqa: E402

from phantom_guard.api import collect_refs  # noqa: E402
from phantom_guard.detect.popular import popular_list  # noqa: E402
from phantom_guard.model import Registry  # noqa: E402

POPULAR = 1950
UNKNOWN = 50
LATENCY = 0.05
REPEATS = 5


def unknown_names() -> list[str]:
    return [f"zz-lockfile-{i:04d}-pkg" for i in range(UNKNOWN)]


def write_files(folder: Path) -> tuple[Path, Path]:
    """The 2,000-line file and a popular-only one, in their own directories."""
    popular = popular_list(Registry.PYPI).names[:POPULAR]
    lines = [f"{name}==1.0" for name in popular]
    mixed = folder / "mixed" / "requirements.txt"
    only = folder / "popular" / "requirements.txt"
    for path, body in ((mixed, lines + [f"{n}==1.0" for n in unknown_names()]), (only, lines)):
        path.parent.mkdir()
        path.write_text("\n".join(body) + "\n", encoding="utf-8")
    return mixed, only


def timed(command: list[str], env: dict[str, str], cwd: Path) -> tuple[float, subprocess.Popen]:
    start = time.perf_counter()
    done = subprocess.run(command, env=env, cwd=cwd, capture_output=True, text=True, check=False)
    return time.perf_counter() - start, done  # type: ignore[return-value]


def describe(done: subprocess.CompletedProcess[str]) -> str:
    try:
        document = json.loads(done.stdout)
        summary = document["summary"]
    except (json.JSONDecodeError, KeyError, TypeError):
        tail = (done.stderr or done.stdout).strip().splitlines()[-3:]
        return f"exit {done.returncode}; no JSON report: {' | '.join(tail)}"
    counts = ", ".join(f"{k} {v}" for k, v in summary.items() if v)
    return f"exit {done.returncode}; {counts}"


def main() -> int:
    """Measure and print the table."""
    registry = FakeRegistry().start()
    try:
        for name in unknown_names():
            registry.add_pypi(name, documents.pypi_document(name))
        registry.latency = LATENCY
        with tempfile.TemporaryDirectory(prefix="pg-bench-") as tmp:
            folder = Path(tmp)
            mixed, only = write_files(folder)
            env = os.environ | registry.env() | {"PHANTOM_GUARD_CACHE_DIR": str(folder / "c")}
            env.pop("NO_COLOR", None)
            python = sys.executable
            check = [python, "-m", "phantom_guard", "check", "-o", "json", "--no-cache"]
            cases = [
                ("REFERENCE python -c pass", [python, "-c", "pass"]),
                (f"check {POPULAR + UNKNOWN} lines ({UNKNOWN} unknown)", [*check, str(mixed)]),
                (f"check {POPULAR} popular-only lines", [*check, str(only)]),
            ]
            results = []
            for label, command in cases:
                walls = []
                requests = []
                done = None
                for _ in range(REPEATS):
                    registry.reset_log()
                    wall, done = timed(command, env, folder)
                    walls.append(wall)
                    requests.append(registry.request_count())
                results.append((label, walls, requests, done))

            start = time.perf_counter()
            refs, skipped, errors = collect_refs([mixed])
            parse_ms = (time.perf_counter() - start) * 1000
    finally:
        registry.stop()

    reference = min(results[0][1])
    print(
        f"Python {sys.version.split()[0]}; {os.cpu_count()} CPUs; fake registry latency {LATENCY} s"
    )
    print(f"requirements.txt: {POPULAR} popular PyPI names + {UNKNOWN} unknown, `name==1.0`")
    print(f"best of {REPEATS} fresh processes")
    header = f"{'best s':>8}{'median s':>10}{'× ref':>7}{'− ref ms':>10}{'requests':>10}"
    print(f"  {'command':<40}{header}")
    for label, walls, requests, _ in results:
        best = min(walls)
        median = sorted(walls)[len(walls) // 2]
        print(
            f"  {label:<40}{best:>8.3f}{median:>10.3f}{best / reference:>7.1f}"
            f"{(best - reference) * 1000:>10.0f}{max(requests):>10}"
        )
    for label, _, _, done in results[1:]:
        print(f"  {label}: {describe(done)}")
    print(
        f"  in-process parse of the 2,000-line file (collect_refs): {parse_ms:.1f} ms, "
        f"{len(refs)} refs, {len(skipped)} skipped, {len(errors)} errors"
    )
    print(
        f"  ideal network part for {UNKNOWN} names at C=50: 1 round × {LATENCY} s = "
        f"{LATENCY * 1000:.0f} ms"
    )
    return 0


if __name__ == "__main__":
    raise SystemExit(main())
