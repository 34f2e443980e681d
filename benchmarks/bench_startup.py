"""Start-up: warm answers in fresh processes beside ``python -c pass``, measured in the same run.

Run: ``python benchmarks/bench_startup.py [REPEATS]``. Prints numbers; asserts nothing.

Rows: a popular name (in a repository with no config file, the common case, and in one whose
``.phantom-guard.toml`` must be read), an allow-listed name, a cached name (all ``-o json``),
``--version``, and the same popular name through the click application (what the entry's fast
path saves). The command is the installed ``phantom-guard`` script beside this interpreter, as a
shell or hook runs it (``python -m phantom_guard`` when there is none, which adds runpy). A second
reference imports what a JSON answer cannot skip (json, pathlib), the floor of any design. Runs
are interleaved round-robin, so load on the machine hits every row alike; the table shows
medians. The cache lives in a temporary directory filled by one warm-up lookup against the fake
registry on 127.0.0.1, so nothing leaves the machine. Bytecode is written to a private prefix by
the warm-up run, as an installed package has it. Then ``-X importtime`` lists what the popular
and cached answers import.
"""

from __future__ import annotations

import os
import re
import statistics
import subprocess
import sys
import tempfile
from pathlib import Path

REPO = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(REPO))

from benchmarks._entry import installed_command, interleaved, with_bytecode  # noqa: E402
from tests.fakeregistry import FakeRegistry, documents  # noqa: E402

REPEATS = int(sys.argv[1]) if len(sys.argv) > 1 else 21
TOP = 12
CACHED = "zz-startup-cached-pkg"
ALLOWED = "our-internal-tool"
WATCHED = (
    "click",
    "asyncio",
    "aiohttp",
    "rich",
    "packaging",
    "orjson",
    "sqlite3",
    "_sqlite3",  # what a cached answer reads the cache with (`phantom_guard.stand_ins`)
    "datetime",  # the pure-Python module; `stand_ins` takes the classes from `_datetime`
    "logging",
    "dataclasses",
    "typing",
    "platformdirs",
    "tomllib",
)
_IMPORT_LINE = re.compile(r"import time:\s+(\d+)\s*\|\s*(\d+)\s*\|(\s*)(\S+)")
_CLICK = "import sys; from phantom_guard.cli import main; main(sys.argv[1:])"


def _importtime(command: list[str], env: dict[str, str], cwd: Path) -> list[tuple[str, int, int]]:
    """(module, cumulative µs, depth) for every import ``-X importtime`` reports."""
    done = subprocess.run(
        [command[0], "-X", "importtime", *command[1:]],
        env=env,
        cwd=cwd,
        capture_output=True,
        text=True,
        check=False,
    )
    rows = []
    for match in filter(None, map(_IMPORT_LINE.match, done.stderr.splitlines())):
        _own, total, indent, module = match.groups()
        rows.append((module, int(total), (len(indent) - 1) // 2))
    return rows


def import_profile(command: list[str], env: dict[str, str], cwd: Path) -> list[tuple[str, int]]:
    """(module, cumulative µs) for the modules ``-X importtime`` reports at depth 0."""
    return [(module, total) for module, total, depth in _importtime(command, env, cwd) if not depth]


def imported(command: list[str], env: dict[str, str], cwd: Path) -> set[str]:
    """Which WATCHED packages the command imported."""
    names = {module for module, _, _ in _importtime(command, env, cwd)}
    return {w for w in WATCHED if any(n == w or n.startswith(w + ".") for n in names)}


def main() -> int:
    """Measure and print the tables."""
    python = sys.executable
    registry = FakeRegistry().start()
    try:
        registry.add_pypi(CACHED, documents.pypi_document(CACHED))
        with tempfile.TemporaryDirectory(prefix="pg-bench-") as tmp:
            folder = Path(tmp) / "configured"
            (folder / ".git").mkdir(parents=True)
            (folder / ".phantom-guard.toml").write_text(f'allow = ["{ALLOWED}"]\n')
            bare = Path(tmp) / "bare"
            (bare / ".git").mkdir(parents=True)
            env = os.environ | registry.env() | {"PHANTOM_GUARD_CACHE_DIR": str(folder / "cache")}
            env.pop("NO_COLOR", None)
            env = with_bytecode(env, folder)
            entry = installed_command(python)
            warm = subprocess.run(
                [*entry, "validate", CACHED], env=env, cwd=folder, capture_output=True, check=False
            )
            subprocess.run([python, "-c", _CLICK, "--version"], env=env, cwd=folder, check=False)
            warm_requests = registry.request_count()
            registry.reset_log()
            validate = [*entry, "validate", "-o", "json"]
            clicked = [python, "-c", _CLICK, "validate", "-o", "json"]
            floor = "import json, pathlib"
            cases = [
                ("REFERENCE python -c pass", [python, "-c", "pass"], bare),
                (f"REFERENCE python -c '{floor}'", [python, "-c", floor], bare),
                ("validate flask -o json (popular)", [*validate, "flask"], bare),
                ("validate flask -o json (popular, config file)", [*validate, "flask"], folder),
                (f"validate {ALLOWED} -o json (allow list)", [*validate, ALLOWED], folder),
                (f"validate {CACHED} -o json (cached)", [*validate, CACHED], bare),
                ("--version", [*entry, "--version"], bare),
                ("validate flask -o json through click", [*clicked, "flask"], bare),
            ]
            results = interleaved([(*case, None) for case in cases], env, REPEATS)
            timed_requests = registry.request_count()
            popular_profile = import_profile(cases[2][1], env, bare)
            popular_imports = imported(cases[2][1], env, bare)
            configured_imports = imported(cases[3][1], env, folder)
            cached_imports = imported(cases[5][1], env, bare)
            version_imports = imported(cases[6][1], env, bare)
    finally:
        registry.stop()

    reference = statistics.median(results[cases[0][0]].walls)
    cpu_reference = statistics.median(results[cases[0][0]].cpus)
    print(
        f"Python {sys.version.split()[0]}; {os.cpu_count()} CPUs; {REPEATS} fresh processes a row; "
        f"load average {os.getloadavg()[0]:.1f}"
    )
    print(
        f"warm-up lookup of {CACHED}: exit {warm.returncode}, {warm_requests} request(s); "
        f"requests during the timed runs: {timed_requests}"
    )
    print(f"command: {' '.join(entry)}")
    print(
        f"  {'command':<48}{'wall ms':>9}{'− ref':>8}{'× ref':>7}"
        f"{'CPU ms':>9}{'− ref':>8}{'exit':>6}"
    )
    for label, timing in results.items():
        median, cpu = statistics.median(timing.walls), statistics.median(timing.cpus)
        code = timing.last.returncode if timing.last else -1
        print(
            f"  {label:<48}{median * 1000:>9.1f}{(median - reference) * 1000:>8.1f}"
            f"{median / reference:>7.2f}{cpu * 1000:>9.1f}{(cpu - cpu_reference) * 1000:>8.1f}"
            f"{code:>6}"
        )
    print()
    print(f"imports of validate flask -o json, top {TOP} at depth 0 by cumulative time (µs)")
    for module, total in sorted(popular_profile, key=lambda row: -row[1])[:TOP]:
        print(f"  {module:<48}{total:>10}")
    print()
    print(f"  {'imported?':<16}{'popular':>10}{'+config':>10}{'cached':>10}{'--version':>11}")
    for top in WATCHED:
        row = [
            ("yes" if top in s else "no")
            for s in (popular_imports, configured_imports, cached_imports, version_imports)
        ]
        print(f"  {top:<16}{row[0]:>10}{row[1]:>10}{row[2]:>10}{row[3]:>11}")
    return 0


if __name__ == "__main__":
    raise SystemExit(main())
