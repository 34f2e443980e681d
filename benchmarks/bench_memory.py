"""Peak memory (max RSS) of checking many unknown names, vs processes that only import.

Run: ``/work/venv/bin/python benchmarks/bench_memory.py``. Prints numbers; asserts nothing.

Every row is a fresh child process that reports its own peak RSS (VmHWM; ru_maxrss beside it).
The names ``zz-mem-NNNNN-pkg`` go to the fake registry on 127.0.0.1 (latency 0), which runs in
this (parent) process and serves every other one as an existing PyPI project; the rest are 404.
"""

from __future__ import annotations

import os
import subprocess
import sys
import tempfile
import time
from pathlib import Path

REPO = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(REPO))

from tests.fakeregistry import FakeRegistry, documents  # noqa: E402

SIZES = (500, 5000)

# VmHWM (the high-water mark of this process's own memory map) rather than ru_maxrss alone: on
# Linux, ru_maxrss survives exec, so a child forked from this (large) parent reports at least the
# parent's size. Both are printed; VmHWM is the number compared.
_REPORT = (
    "import resource, sys\n"
    "def _report():\n"
    "    hwm = next(l.split()[1] for l in open('/proc/self/status') if l.startswith('VmHWM:'))\n"
    "    ru = resource.getrusage(resource.RUSAGE_SELF).ru_maxrss\n"
    "    sys.stderr.write(f'\\nMAXRSS {hwm} {ru}\\n')\n"
)
_NOW = _REPORT + "_report()\n"
IMPORT_ONLY = "import phantom_guard\n" + _NOW
IMPORT_ALL = (
    "import phantom_guard, aiohttp, orjson\n"
    "import phantom_guard.cli, phantom_guard.detector, phantom_guard.registry.pypi\n"
    "import phantom_guard.registry._http, phantom_guard.report.json\n" + _NOW
)
IMPORT_AND_LISTS = (
    IMPORT_ALL.replace(_NOW, "")
    + "from phantom_guard.detect.name_signals import NameAnalyzer\n"
    + "from phantom_guard.model import Registry\n"
    + "NameAnalyzer().analyze('zz-probe', Registry.PYPI)\n"
    + _NOW
)
CHECK = (
    "import asyncio, os, sys\n"
    "from phantom_guard.detector import Detector\n"
    "from phantom_guard.model import PackageRef, Registry\n"
    "from phantom_guard.settings import Settings\n"
    "names = sys.stdin.read().split()\n"
    "settings = Settings(pypi_url=os.environ['PHANTOM_GUARD_PYPI_URL'], use_cache=False)\n"
    "async def main():\n"
    "    async with Detector(settings) as detector:\n"
    "        return await detector.check([PackageRef(n, Registry.PYPI) for n in names])\n"
    "report = asyncio.run(main())\n"
    "print('RESULTS', len(report.results))\n" + _NOW
)


def names(count: int) -> list[str]:
    return [f"zz-mem-{i:05d}-pkg" for i in range(count)]


def run(
    command: list[str], env: dict[str, str], cwd: Path, stdin: str = ""
) -> tuple[float | None, float, str]:
    """(max RSS in MB or None, wall seconds, note) of one child process."""
    start = time.perf_counter()
    done = subprocess.run(
        command, input=stdin, env=env, cwd=cwd, capture_output=True, text=True, check=False
    )
    wall = time.perf_counter() - start
    rss = None
    note = f"exit {done.returncode}"
    inherited = None
    for line in done.stderr.splitlines():
        if line.startswith("MAXRSS "):
            rss = int(line.split()[1]) / 1024  # kB
            inherited = int(line.split()[2]) / 1024  # Linux reports KiB
    for line in done.stdout.splitlines():
        if line.startswith("RESULTS "):
            note += f", {line.split()[1]} results"
    if rss is None:
        note += f"; {done.stderr.strip()[-200:]}"
    if inherited is not None:
        note += f"; ru_maxrss {inherited:.1f} MB"
    return rss, wall, note


def main() -> int:
    """Measure and print the table."""
    python = sys.executable
    registry = FakeRegistry().start()
    rows = []
    try:
        for name in names(max(SIZES))[::2]:
            registry.add_pypi(name, documents.pypi_document(name))
        with tempfile.TemporaryDirectory(prefix="pg-bench-") as tmp:
            folder = Path(tmp)
            env = os.environ | registry.env() | {"PHANTOM_GUARD_CACHE_DIR": str(folder / "c")}
            cases: list[tuple[str, list[str], str]] = [
                ("python -c pass", [python, "-c", _NOW], ""),
                ("REFERENCE import phantom_guard", [python, "-c", IMPORT_ONLY], ""),
                ("import cli+detector+aiohttp+report", [python, "-c", IMPORT_ALL], ""),
                ("  + PyPI popular list and index built", [python, "-c", IMPORT_AND_LISTS], ""),
            ]
            for size in SIZES:
                cases.append(
                    (
                        f"Detector.check {size:,} unknown names",
                        [python, "-c", CHECK],
                        "\n".join(names(size)),
                    )
                )
            # The CLI itself, run in-process by a child that reports at exit: it ends in
            # sys.exit (click) or os._exit (the entry's fast path, which skips atexit).
            cli = (
                _REPORT
                + "import atexit, os, runpy\n"
                + "atexit.register(_report)\n"
                + "_exit = os._exit\n"
                + "os._exit = lambda code: (_report(), _exit(code))\n"
                + "sys.argv = ['phantom-guard', 'validate', '--no-cache', '-o', 'json',"
                + " *sys.stdin.read().split()]\n"
                + "runpy.run_module('phantom_guard', run_name='__main__', alter_sys=True)\n"
            )
            cli_names = "\n".join(names(max(SIZES)))
            label = f"CLI validate {max(SIZES):,} names -o json"
            cases.append((label, [python, "-c", cli], cli_names))
            for label, command, stdin in cases:
                registry.reset_log()
                rss, wall, note = run(command, env, folder, stdin)
                rows.append((label, rss, wall, note, registry.request_count()))
    finally:
        registry.stop()

    reference = next(rss for label, rss, *_ in rows if label.startswith("REFERENCE"))
    print(f"Python {sys.version.split()[0]}; {os.cpu_count()} CPUs; fake registry latency 0")
    print("peak RSS of one fresh child process per row (VmHWM; ru_maxrss in the note)")
    print(
        f"  {'process':<42}{'max RSS MB':>11}{'− ref MB':>10}{'× ref':>7}"
        f"{'wall s':>8}{'requests':>10}  note"
    )
    for label, rss, wall, note, requests in rows:
        if rss is None or reference is None:
            print(f"  {label:<42}{'n/a':>11}{'':>10}{'':>7}{wall:>8.2f}{requests:>10}  {note}")
            continue
        print(
            f"  {label:<42}{rss:>11.1f}{rss - reference:>10.1f}{rss / reference:>7.2f}"
            f"{wall:>8.2f}{requests:>10}  {note}"
        )
    return 0


if __name__ == "__main__":
    raise SystemExit(main())
