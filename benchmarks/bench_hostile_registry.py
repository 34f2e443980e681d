"""A hostile registry against the command line: memory under huge bodies, the deadline, Ctrl-C.

Run: ``python benchmarks/bench_hostile_registry.py [--names 200] [--size-mb 60]``. Prints
numbers and checks the fail-closed invariants; exits 1 if one is broken (it judges no time
against a fixed figure: the issue's targets are printed beside each row for the reader).

1. ``--names`` unknown names against a registry that answers every lookup with a ``--size-mb``
   JSON body, at ``--concurrency 100``: peak RSS of the child (VmHWM) beside the run's body
   budget and ``python -c pass``'s own peak in the same run (target: <= 500 MB).
2. 50 names against a registry that drips every answer a few bytes at a time, ``--deadline 10``:
   wall time (target <= 12 s) and one result per name.
3. A slow run (every lookup hangs), SIGINT 2 s in: exit code (130) and seconds to exit
   (target <= 2 s).

The fake registry runs in this process on 127.0.0.1; each measured run is a fresh child.
"""

from __future__ import annotations

import argparse
import json
import os
import signal
import subprocess
import sys
import tempfile
import time
from pathlib import Path

REPO = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(REPO))

from tests.fakeregistry import PYPI, FakeRegistry, Fault, documents  # noqa: E402

# Runs the CLI and reports this process's own peak RSS (VmHWM) on stderr at exit.
_WITH_PEAK = (
    "import atexit, sys\n"
    "def _peak():\n"
    "    for line in open('/proc/self/status'):\n"
    "        if line.startswith('VmHWM:'):\n"
    '            sys.stderr.write(f"\\nVMHWM {int(line.split()[1]) / 1024:.1f}\\n")\n'
    "atexit.register(_peak)\n"
    "sys.argv[0] = 'phantom-guard'\n"
    "from phantom_guard.cli import main\n"
    "main()\n"
)


def _names(count: int) -> list[str]:
    return [f"unheard-of-lib-{i}" for i in range(count)]


def _env(registry: FakeRegistry, cache: Path) -> dict[str, str]:
    env = {**os.environ, **registry.env()}
    env["PHANTOM_GUARD_CACHE_DIR"] = str(cache)
    env["PHANTOM_GUARD_TIMEOUT"] = "60"
    env.pop("PHANTOM_GUARD_OFFLINE", None)
    return env


def _peak(stderr: str) -> float | None:
    for line in stderr.splitlines():
        if line.startswith("VMHWM "):
            return float(line.split()[1])
    return None


def huge_bodies(registry: FakeRegistry, cache: Path, names: int, size_mb: int) -> bool:
    registry.set_fault(Fault.OVERSIZED, registry=PYPI, size=size_mb * 1024 * 1024)
    env = _env(registry, cache)
    reference = subprocess.run(
        [sys.executable, "-c", _WITH_PEAK.replace("main()\n", ""), "--version"],
        capture_output=True,
        text=True,
        env=env,
        check=False,
    )
    started = time.monotonic()
    done = subprocess.run(
        [
            sys.executable,
            "-c",
            _WITH_PEAK,
            "validate",
            "-o",
            "json",
            "--no-cache",
            "--concurrency",
            "100",
            "--deadline",  # measure the budget, not the default deadline
            "600",
            *_names(names),
        ],
        capture_output=True,
        text=True,
        env=env,
        check=False,
    )
    elapsed = time.monotonic() - started
    registry.clear_faults()
    peak, base = _peak(done.stderr), _peak(reference.stderr)
    rows = json.loads(done.stdout)["results"] if done.stdout else []
    complete = len(rows) == names and all(r["recommendation"] == "ERROR" for r in rows)
    print(
        f"1. {names} names x {size_mb} MB bodies, --concurrency 100: peak RSS {peak} MB "
        f"(import-only reference {base} MB; body budget 192 MiB; target <= 500 MB), "
        f"{elapsed:.1f} s, exit {done.returncode}, one ERROR per name: {complete}"
    )
    return complete and done.returncode == 3 and peak is not None and peak <= 500


def deadline(registry: FakeRegistry, cache: Path) -> bool:
    for name in _names(50):  # documents of a few KB, so that dripping them takes minutes
        registry.add_pypi(name, documents.pypi_document(name))
    registry.set_fault(Fault.SLOW_DRIP, registry=PYPI, interval=0.5, chunk_size=8)
    started = time.monotonic()
    done = subprocess.run(
        [
            sys.executable,
            "-m",
            "phantom_guard",
            "validate",
            "-o",
            "json",
            "--no-cache",
            "--deadline",
            "10",
            *_names(50),
        ],
        capture_output=True,
        text=True,
        env=_env(registry, cache),
        check=False,
    )
    elapsed = time.monotonic() - started
    registry.clear_faults()
    rows = json.loads(done.stdout)["results"] if done.stdout else []
    complete = [r["name"] for r in rows] == _names(50)
    late = sum(1 for r in rows if r["error"] and "deadline reached" in r["error"])
    print(
        f"2. 50 names, drip-fed answers, --deadline 10: {elapsed:.1f} s (target <= 12 s), "
        f"exit {done.returncode}, one result per name: {complete}, {late} 'deadline reached'"
    )
    return complete and done.returncode == 3 and elapsed <= 12


def interrupt(registry: FakeRegistry, cache: Path) -> bool:
    registry.set_fault(Fault.HANG, registry=PYPI, seconds=60)
    process = subprocess.Popen(
        [
            sys.executable,
            "-m",
            "phantom_guard",
            "validate",
            "-o",
            "json",
            "--no-cache",
            *_names(20),
        ],
        stdout=subprocess.PIPE,
        stderr=subprocess.PIPE,
        text=True,
        env=_env(registry, cache),
    )
    time.sleep(2)
    sent = time.monotonic()
    process.send_signal(signal.SIGINT)
    out, _ = process.communicate(timeout=60)
    took = time.monotonic() - sent
    registry.clear_faults()
    print(
        f"3. SIGINT 2 s into a 20-name hanging run: exit {process.returncode} in {took:.2f} s "
        f"(target 130 within 2 s), stdout {'empty' if not out else 'NOT EMPTY'}"
    )
    return process.returncode == 130 and not out


def main() -> int:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--names", type=int, default=200)
    parser.add_argument("--size-mb", type=int, default=60)
    args = parser.parse_args()
    with tempfile.TemporaryDirectory() as tmp, FakeRegistry() as registry:
        registry.load_fixtures()
        cache = Path(tmp) / "cache"
        results = [
            huge_bodies(registry, cache, args.names, args.size_mb),
            deadline(registry, cache),
            interrupt(registry, cache),
        ]
    return 0 if all(results) else 1


if __name__ == "__main__":
    raise SystemExit(main())
