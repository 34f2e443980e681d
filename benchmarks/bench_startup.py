"""Start-up: a popular name and a cached name answered in a fresh process, vs ``python -c pass``.

Run: ``/work/venv/bin/python benchmarks/bench_startup.py``. Prints numbers; asserts nothing.

The cache lives in a temporary directory (PHANTOM_GUARD_CACHE_DIR) and is filled by one warm-up
lookup against the fake registry on 127.0.0.1 (PHANTOM_GUARD_PYPI_URL), so nothing leaves the
machine. Then ``python -X importtime`` shows where the import time of ``validate flask`` goes.
"""

from __future__ import annotations

import os
import re
import subprocess
import sys
import tempfile
import time
from pathlib import Path

REPO = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(REPO))

from tests.fakeregistry import FakeRegistry, documents  # noqa: E402

REPEATS = 10
TOP = 15
CACHED = "zz-startup-cached-pkg"
WATCHED = ("aiohttp", "rich", "sqlite3")
_IMPORT_LINE = re.compile(r"import time:\s+(\d+)\s*\|\s*(\d+)\s*\|(\s*)(\S+)")


def best_of(command: list[str], env: dict[str, str], cwd: Path) -> tuple[float, list[float], int]:
    """Best and all wall times of REPEATS fresh processes, and the last exit code."""
    walls = []
    code = 0
    for _ in range(REPEATS):
        start = time.perf_counter()
        done = subprocess.run(command, env=env, cwd=cwd, capture_output=True, check=False)
        walls.append(time.perf_counter() - start)
        code = done.returncode
    return min(walls), walls, code


def import_profile(
    command: list[str], env: dict[str, str], cwd: Path
) -> list[tuple[str, int, int, int]]:
    """(module, self µs, cumulative µs, depth) for every import ``-X importtime`` reports."""
    done = subprocess.run(
        [command[0], "-X", "importtime", *command[1:]],
        env=env,
        cwd=cwd,
        capture_output=True,
        text=True,
        check=False,
    )
    rows = []
    for line in done.stderr.splitlines():
        match = _IMPORT_LINE.match(line)
        if match:
            own, total, indent, module = match.groups()
            rows.append((module, int(own), int(total), (len(indent) - 1) // 2))
    return rows


def imported(rows: list[tuple[str, int, int, int]], top: str) -> str:
    names = {module for module, *_ in rows}
    hit = any(m == top or m.startswith(top + ".") or m == "_" + top for m in names)
    return "yes" if hit else "no"


def main() -> int:
    """Measure and print the tables."""
    python = sys.executable
    registry = FakeRegistry().start()
    try:
        registry.add_pypi(CACHED, documents.pypi_document(CACHED))
        with tempfile.TemporaryDirectory(prefix="pg-bench-") as tmp:
            folder = Path(tmp)
            env = os.environ | registry.env() | {"PHANTOM_GUARD_CACHE_DIR": str(folder / "cache")}
            env.pop("NO_COLOR", None)
            # An installed package has bytecode (pip compiles it); a checkout run with
            # PYTHONDONTWRITEBYTECODE=1, as this sandbox sets, compiles phantom-guard's modules
            # on every run. The bytecode goes to a private prefix, written by the warm-up run.
            source_env = env | {"PYTHONDONTWRITEBYTECODE": "1"}
            source_env.pop("PYTHONPYCACHEPREFIX", None)
            env.pop("PYTHONDONTWRITEBYTECODE", None)
            env["PYTHONPYCACHEPREFIX"] = str(folder / "bytecode")
            validate = [python, "-m", "phantom_guard", "validate"]
            warm = subprocess.run(
                [*validate, CACHED], env=env, cwd=folder, capture_output=True, check=False
            )
            warm_requests = registry.request_count()
            registry.reset_log()

            cases = [
                ("REFERENCE python -c pass", [python, "-c", "pass"], env),
                ("validate flask (popular list)", [*validate, "flask"], env),
                ("validate flask -o json", [*validate, "flask", "-o", "json"], env),
                (f"validate {CACHED} (cached)", [*validate, CACHED], env),
                ("validate flask, sources compiled", [*validate, "flask"], source_env),
                (f"validate {CACHED}, sources compiled", [*validate, CACHED], source_env),
            ]
            results = [
                (label, *best_of(command, case_env, folder)) for label, command, case_env in cases
            ]
            timed_requests = registry.request_count()

            flask_imports = import_profile(cases[1][1], env, folder)
            cached_imports = import_profile(cases[3][1], env, folder)
            bare_imports = import_profile([python, "-c", "pass"], env, folder)
    finally:
        registry.stop()

    reference = results[0][1]
    print(f"Python {sys.version.split()[0]}; {os.cpu_count()} CPUs; best of {REPEATS} processes")
    print("bytecode present, as installed; 'sources compiled': phantom-guard's, on each run")
    print(
        f"warm-up lookup of {CACHED}: exit {warm.returncode}, {warm_requests} request(s); "
        f"requests during the timed runs: {timed_requests}"
    )
    print(
        f"  {'command':<52}{'best ms':>9}{'median ms':>11}{'− ref ms':>10}{'× ref':>7}{'exit':>6}"
    )
    for label, best, walls, code in results:
        median = sorted(walls)[len(walls) // 2]
        print(
            f"  {label:<52}{best * 1000:>9.1f}{median * 1000:>11.1f}"
            f"{(best - reference) * 1000:>10.1f}{best / reference:>7.1f}{code:>6}"
        )
    print()

    def total_ms(rows: list[tuple[str, int, int, int]]) -> float:
        return sum(own for _, own, _, _ in rows) / 1000

    print(
        f"python -X importtime -m phantom_guard validate flask: {len(flask_imports)} modules, "
        f"{total_ms(flask_imports):.1f} ms of imports (REFERENCE python -c pass: "
        f"{len(bare_imports)} modules, {total_ms(bare_imports):.1f} ms)"
    )
    print(
        f"top {TOP} by cumulative import time (cumulative includes the module's own imports; "
        "depth 0 = imported by the entry point; -X importtime itself inflates the numbers)"
    )
    print(f"  {'module':<44}{'depth':>6}{'cumulative ms':>14}{'self ms':>9}")
    ranked = sorted(flask_imports, key=lambda row: row[2], reverse=True)[:TOP]
    for module, own, total, depth in ranked:
        print(f"  {module:<44}{depth:>6}{total / 1000:>14.1f}{own / 1000:>9.1f}")
    print()
    print(f"  {'imported?':<44}{'validate flask':>16}{'validate cached':>17}")
    for top in WATCHED:
        flask, cached = imported(flask_imports, top), imported(cached_imports, top)
        print(f"  {top:<44}{flask:>16}{cached:>17}")
    return 0


if __name__ == "__main__":
    raise SystemExit(main())
