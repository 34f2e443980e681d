"""Warm `check` of big lock files in fresh processes, beside a fresh process that only decodes them.

Run: ``python benchmarks/bench_check_warm.py [REPEATS]``. Prints numbers; asserts nothing.

A 1,500-entry ``package-lock.json`` (v3) and a 300-entry ``uv.lock``: most names from the shipped
popular lists, the last 100 of each unknown names that one warm-up run looked up on the fake
registry (127.0.0.1) and cached, so the timed runs make no request. The references are
``python -c`` processes that ``json.load`` / ``tomllib.load`` the same file, measured in the
same run, interleaved round-robin with the checks. Then an in-process breakdown of one run.
"""

from __future__ import annotations

import json
import os
import statistics
import subprocess
import sys
import tempfile
import time
from datetime import UTC, datetime
from pathlib import Path

REPO = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(REPO))

from benchmarks._entry import installed_command, interleaved, with_bytecode  # noqa: E402
from tests.fakeregistry import FakeRegistry, documents  # noqa: E402

from phantom_guard.detect.popular import popular_list  # noqa: E402
from phantom_guard.model import Registry  # noqa: E402
from phantom_guard.registry import endpoints  # noqa: E402

REPEATS = int(sys.argv[1]) if len(sys.argv) > 1 else 11
NPM_ENTRIES = 1500
UV_ENTRIES = 300
CACHED = 100
SHA = "0" * 64
# Entries name the public index's hosts (from endpoints, the one module that spells them), as real
# lock files do: a made-up host would make every entry a FOREIGN_SOURCE finding, and the run would
# time a 1,500-finding report instead of the warm path.
NPM_HOST = endpoints.NPM_INDEX_URLS[0]
PYPI_INDEX, PYPI_FILES = endpoints.PYPI_INDEX_URLS
JSON_LOAD = "import json, sys; json.load(open(sys.argv[1], 'rb'))"
TOML_LOAD = "import sys, tomllib; tomllib.load(open(sys.argv[1], 'rb'))"


def run(command: list[str], env: dict[str, str], cwd: Path) -> subprocess.CompletedProcess[bytes]:
    return subprocess.run(command, env=env, cwd=cwd, capture_output=True, check=False)


OLD = [(f"1.{i}.0", datetime(2016 + i, 3, 1, tzinfo=UTC)) for i in range(5)]


def npm_lock(names: list[str]) -> str:
    packages: dict[str, object] = {"": {"name": "bench", "version": "1.0.0"}}
    for name in names:
        packages[f"node_modules/{name}"] = {
            "version": "1.0.0",
            "resolved": f"{NPM_HOST}{name}/-/{name}-1.0.0.tgz",
            "integrity": f"sha512-{SHA}",
            "license": "MIT",
            "dependencies": {"left-pad": "^1.0.0"},
        }
    lock = {"name": "bench", "version": "1.0.0", "lockfileVersion": 3, "requires": True}
    return json.dumps({**lock, "packages": packages}, indent=2) + "\n"


def uv_lock(names: list[str]) -> str:
    parts = ['version = 1\nrequires-python = ">=3.11"\n']
    for name in names:
        parts.append(
            f'\n[[package]]\nname = "{name}"\nversion = "1.0.0"\n'
            f'source = {{ registry = "{PYPI_INDEX}simple" }}\n'
            f'dependencies = [\n    {{ name = "six" }},\n]\n'
            f'sdist = {{ url = "{PYPI_FILES}{name}-1.0.0.tar.gz", '
            f'hash = "sha256:{SHA}", size = 1000 }}\n'
            f'wheels = [\n    {{ url = "{PYPI_FILES}{name}-1.0.0-py3-none-any.whl", '
            f'hash = "sha256:{SHA}", size = 1000 }},\n]\n'
        )
    return "".join(parts)


def main() -> int:
    """Write the files, warm the cache, measure, print."""
    python = sys.executable
    npm_names = [n for n in popular_list(Registry.NPM).names if not n.startswith("@")]
    npm_names = npm_names[: NPM_ENTRIES - CACHED] + [f"zz-warm-npm-{i}" for i in range(CACHED)]
    pypi_names = list(popular_list(Registry.PYPI).names[: UV_ENTRIES - CACHED])
    pypi_names += [f"zz-warm-pypi-{i}" for i in range(CACHED)]
    registry = FakeRegistry().start()
    try:
        for i in range(CACHED):
            registry.add_npm(f"zz-warm-npm-{i}", documents.npm_document(f"zz-warm-npm-{i}", OLD))
            registry.add_pypi(
                f"zz-warm-pypi-{i}", documents.pypi_document(f"zz-warm-pypi-{i}", OLD)
            )
        with tempfile.TemporaryDirectory(prefix="pg-bench-") as tmp:
            folder = Path(tmp)
            (folder / ".git").mkdir()
            (folder / "npm").mkdir()
            (folder / "uv").mkdir()
            lock = folder / "npm" / "package-lock.json"
            lock.write_text(npm_lock(npm_names), encoding="utf-8")
            uv = folder / "uv" / "uv.lock"
            uv.write_text(uv_lock(pypi_names), encoding="utf-8")
            env = os.environ | registry.env() | {"PHANTOM_GUARD_CACHE_DIR": str(folder / "cache")}
            env.pop("NO_COLOR", None)
            env = with_bytecode(env, folder)
            check = [*installed_command(python), "check"]
            warmups = [run([*check, str(f)], env, folder) for f in (lock, uv)]
            warm_requests = registry.request_count()
            registry.reset_log()
            cases = [
                ("REFERENCE json.load package-lock.json", [python, "-c", JSON_LOAD, str(lock)]),
                ("check package-lock.json", [*check, str(lock)]),
                ("check package-lock.json -o json", [*check, str(lock), "-o", "json"]),
                ("REFERENCE tomllib.load uv.lock", [python, "-c", TOML_LOAD, str(uv)]),
                ("check uv.lock", [*check, str(uv)]),
                ("check uv.lock -o json", [*check, str(uv), "-o", "json"]),
            ]
            timings = interleaved([(*case, folder, None) for case in cases], env, REPEATS)
            timed_requests = registry.request_count()
            breakdown = in_process(lock, uv, env)
    finally:
        registry.stop()

    print(
        f"Python {sys.version.split()[0]}; {os.cpu_count()} CPUs; {REPEATS} fresh processes a row; "
        f"load average {os.getloadavg()[0]:.1f}; command {' '.join(check)}"
    )
    print(
        f"package-lock.json: {NPM_ENTRIES} entries, {lock_size(npm_names)} bytes; uv.lock: "
        f"{UV_ENTRIES} entries; the last {CACHED} of each cached by a warm-up run "
        f"(exits {[w.returncode for w in warmups]}, {warm_requests} requests); "
        f"requests during the timed runs: {timed_requests}"
    )
    print(f"  {'command':<42}{'wall ms':>9}{'× ref':>7}{'CPU ms':>9}{'× ref':>7}{'exit':>6}")
    reference = cpu_reference = 0.0
    for label, _ in cases:
        timing = timings[label]
        median, cpu = statistics.median(timing.walls), statistics.median(timing.cpus)
        code = timing.last.returncode if timing.last else -1
        if label.startswith("REFERENCE"):
            reference, cpu_reference = median, cpu
        print(
            f"  {label:<42}{median * 1000:>9.1f}{median / reference:>7.2f}"
            f"{cpu * 1000:>9.1f}{cpu / cpu_reference:>7.2f}{code:>6}"
        )
    print()
    print("in-process, one warm run each (ms):")
    for line in breakdown:
        print(f"  {line}")
    return 0


def lock_size(names: list[str]) -> int:
    return len(npm_lock(names).encode())


def in_process(lock: Path, uv: Path, env: dict[str, str]) -> list[str]:
    """Parse, check and render times of one warm run per file, in this process."""
    os.environ.update({k: v for k, v in env.items() if k.startswith("PHANTOM_GUARD")})
    from phantom_guard.api import check_refs, collect_refs
    from phantom_guard.report import Format, render

    lines = []
    for path in (lock, uv):
        start = time.perf_counter()
        refs, _, _ = collect_refs([path])
        parsed = time.perf_counter()
        report = check_refs(refs)
        checked = time.perf_counter()
        render(report, Format.TEXT)
        rendered = time.perf_counter()
        render(report, Format.JSON)
        done = time.perf_counter()
        ms = [(b - a) * 1000 for a, b in ((start, parsed), (parsed, checked), (checked, rendered))]
        ms.append((done - rendered) * 1000)
        lines.append(
            f"{path.name:<18} parse {ms[0]:6.1f}  check {ms[1]:6.1f}  render text {ms[2]:5.1f}"
            f"  json {ms[3]:5.1f}  ({len(refs)} refs)"
        )
    return lines


if __name__ == "__main__":
    raise SystemExit(main())
