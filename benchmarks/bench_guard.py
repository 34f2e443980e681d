"""Install guard overhead: ``phantom-guard pip install <popular>`` and ``phantom-guard npm test``
against the stub package manager run directly, in fresh processes, beside ``python -c pass``.

Run: ``python benchmarks/bench_guard.py [REPEATS]``. Prints numbers; asserts nothing.

The package managers are the test stubs (tests/bin: they record their argv and exit), first on
PATH; registry URLs point at the fake registry on 127.0.0.1, so nothing leaves the machine
(``requests`` is on the shipped popular list and needs no lookup anyway). The target (issue 15):
guard minus stub <= (python -c pass) + 30 ms, median of fresh processes. Rows run interleaved, so
load on the machine falls on all of them alike.
"""

from __future__ import annotations

import os
import statistics
import subprocess
import sys
import tempfile
from pathlib import Path

REPO = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(REPO))

from benchmarks._entry import installed_command, interleaved, with_bytecode  # noqa: E402
from tests.fakeregistry import FakeRegistry  # noqa: E402

BIN = REPO / "tests" / "bin"
FAST_ENTRY = "import sys; from phantom_guard.guard import main; sys.exit(main(sys.argv[1:]))"


def main() -> int:
    """Measure and print the table."""
    repeats = int(sys.argv[1]) if len(sys.argv) > 1 else 15
    python = sys.executable
    registry = FakeRegistry().start()
    try:
        with tempfile.TemporaryDirectory(prefix="pg-bench-guard-") as tmp:
            env = os.environ | registry.env()
            env |= {
                "PHANTOM_GUARD_CACHE_DIR": str(Path(tmp) / "cache"),
                "PATH": os.pathsep.join([str(BIN), os.environ.get("PATH", "")]),
                "STUB_LOG": str(Path(tmp) / "stub.jsonl"),
                "STUB_PYTHON": python,
                "STUB_DIR": str(BIN),
            }
            for name in ("VIRTUAL_ENV", "PHANTOM_GUARD_BYPASS", "PHANTOM_GUARD_EXEC"):
                env.pop(name, None)
            env = with_bytecode(env, Path(tmp))
            pip = ["pip", "install", "requests"]
            npm = ["npm", "test"]
            rows = {
                "python -c pass": [python, "-c", "pass"],
                "stub: pip install requests": [str(BIN / "pip"), *pip[1:]],
                "stub: npm test": [str(BIN / "npm"), *npm[1:]],
                "guard.main: pip install requests": [python, "-c", FAST_ENTRY, *pip],
                "guard.main: npm test": [python, "-c", FAST_ENTRY, *npm],
                "phantom-guard: pip install requests": [*installed_command(python), *pip],
                "phantom-guard: npm test": [*installed_command(python), *npm],
            }
            # More managers' popular installs (not targets of the issue; shown beside them).
            for line in MORE_LINES:
                words = line.split()
                rows[f"stub: {line}"] = [str(BIN / words[0]), *words[1:]]
                rows[f"phantom-guard: {line}"] = [*installed_command(python), *words]
            for command in rows.values():  # warm-up: bytecode written, caches filled
                subprocess.run(command, env=env, capture_output=True, check=False)
            profile = _import_profile([python, "-X", "importtime", "-c", FAST_ENTRY, *pip], env)
            timings = interleaved(
                [(label, command, None, None) for label, command in rows.items()], env, repeats
            )
            for label, timing in timings.items():
                done = timing.last
                if done is not None and done.returncode != 0:
                    print(f"{label}: exit {done.returncode}: {done.stderr.decode()[-300:]}")
                    return 1
    finally:
        registry.stop()
    load = os.getloadavg()[0]
    for unit in ("wall", "CPU"):
        median = {
            label: statistics.median(t.walls if unit == "wall" else t.cpus) * 1000
            for label, t in timings.items()
        }
        print(f"{unit} time of fresh processes, median of {repeats}, interleaved (ms)")
        for label, value in median.items():
            print(f"  {label:48} {value:7.1f}")
        base = median["python -c pass"]
        print(f"target: guard - stub <= python -c pass + 30 ms = {base + 30:.1f} ms ({unit})")
        for entry in ("guard.main", "phantom-guard"):
            for line in ("pip install requests", "npm test", *MORE_LINES):
                if f"{entry}: {line}" not in median:
                    continue
                overhead = median[f"{entry}: {line}"] - median[f"stub: {line}"]
                verdict = "within" if overhead <= base + 30 else "OVER"
                print(
                    f"  {entry:24} {line:22} guard - stub = {overhead:6.1f} ms "
                    f"(= pass {overhead - base:+6.1f} ms) {verdict}"
                )
        print()
    print(f"phantom-guard is {' '.join(installed_command(python))}; load average {load:.1f}")
    print(
        "\nwhere guard.main: pip install requests spends its import time (one run, cumulative ms)"
    )
    for module, cumulative in profile:
        print(f"  {module:40} {cumulative / 1000:7.1f}")
    return 0


MORE_LINES = ("npm install express", "uv add requests", "yarn add react", "cargo add serde")

_WATCHED = (
    "phantom_guard",
    "phantom_guard.guard",
    "phantom_guard.commands",
    "phantom_guard.commands.pip",
    "phantom_guard.commands._options",
    "phantom_guard.commands._plan",
    "phantom_guard.model",
    "phantom_guard.settings",
    "phantom_guard.api",
    "phantom_guard.detector",
    "dataclasses",
    "typing",
    "asyncio",
    "packaging.utils",
)


def _import_profile(command: list[str], env: dict[str, str]) -> list[tuple[str, int]]:
    """(module, cumulative µs) for the watched modules, from ``python -X importtime``."""
    done = subprocess.run(command, env=env, capture_output=True, text=True, check=False)
    found: dict[str, int] = {}
    for line in done.stderr.splitlines():
        parts = line.removeprefix("import time:").split("|")
        if len(parts) == 3 and parts[2].strip() in _WATCHED:
            found.setdefault(parts[2].strip(), int(parts[1]))
    return [(module, found[module]) for module in _WATCHED if module in found]


if __name__ == "__main__":
    raise SystemExit(main())
