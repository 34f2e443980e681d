"""Install guard on a bare project install: ``phantom-guard npm ci`` in a git work tree whose
manifest and lock are committed and unchanged, beside the stub npm run directly.

Run: ``python benchmarks/bench_guard_project.py [REPEATS]``. Prints numbers; asserts nothing.

What the guard does there (issue 15): no registry request (nothing changed), the known-malicious
feed over every lock entry. Rows: without a feed file (the guard says so and parses nothing), and
with a small feed (every entry parsed and looked up in it). The lock is a real one when
``/work/shared/realworld-deps/files`` holds it (npm's own, ~590 KB), else a generated
1,500-entry lock. The stub npm is first on PATH; registry URLs point at a
closed port on 127.0.0.1, so a case that reached for the network would fail (exit shown).
"""

from __future__ import annotations

import json
import os
import shutil
import statistics
import subprocess
import sys
import tempfile
import time
from pathlib import Path

REPO = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(REPO))

from benchmarks._entry import with_bytecode  # noqa: E402

BIN = REPO / "tests" / "bin"
REAL_LOCK = Path("/work/shared/realworld-deps/files/npm__cli@780afc50e3")
CLOSED = "http://127.0.0.1:9"


def main() -> int:
    """Measure and print the table."""
    repeats = int(sys.argv[1]) if len(sys.argv) > 1 else 11
    python = sys.executable
    with tempfile.TemporaryDirectory(prefix="pg-bench-project-") as tmp:
        root = Path(tmp)
        project = root / "project"
        project.mkdir()
        entries = _project(project)
        _git(project, "init", "-q")
        _git(project, "add", ".")
        _git(project, "commit", "-qm", "init")
        env = dict(os.environ)
        env |= {
            "PHANTOM_GUARD_PYPI_URL": CLOSED,
            "PHANTOM_GUARD_NPM_URL": CLOSED,
            "PHANTOM_GUARD_NPM_DOWNLOADS_URL": CLOSED,
            "PHANTOM_GUARD_CRATES_URL": CLOSED,
            "PATH": os.pathsep.join([str(BIN), os.environ.get("PATH", "")]),
            "STUB_LOG": str(root / "stub.jsonl"),
            "STUB_PYTHON": python,
            "STUB_DIR": str(BIN),
        }
        for name in ("VIRTUAL_ENV", "PHANTOM_GUARD_BYPASS", "PHANTOM_GUARD_EXEC"):
            env.pop(name, None)
        env = with_bytecode(env, root)
        no_feed = env | {"PHANTOM_GUARD_CACHE_DIR": str(root / "cache-empty")}
        with_feed = env | {"PHANTOM_GUARD_CACHE_DIR": str(root / "cache-feed")}
        _feed(root / "cache-feed", root)
        guard = [python, "-m", "phantom_guard", "npm", "ci"]
        rows = {
            "python -c pass": ([python, "-c", "pass"], env),
            "stub: npm ci": ([str(BIN / "npm"), "ci"], env),
            "guard: npm ci, no feed": (guard, no_feed),
            "guard: npm ci, feed": (guard, with_feed),
        }
        for command, row_env in rows.values():  # warm-up: bytecode written
            subprocess.run(command, env=row_env, cwd=project, capture_output=True, check=False)
        walls: dict[str, list[float]] = {label: [] for label in rows}
        codes: dict[str, int] = {}
        for _ in range(repeats):
            for label, (command, row_env) in rows.items():
                start = time.perf_counter()
                done = subprocess.run(
                    command, env=row_env, cwd=project, capture_output=True, check=False
                )
                walls[label].append(time.perf_counter() - start)
                codes[label] = done.returncode
    median = {label: statistics.median(times) * 1000 for label, times in walls.items()}
    print(f"lock: {entries} entries; fresh processes, median of {repeats}, interleaved (ms)")
    for label, value in median.items():
        print(f"  {label:28} {value:7.1f}   (last exit {codes[label]})")
    stub = median["stub: npm ci"]
    base = median["python -c pass"]
    for label in ("guard: npm ci, no feed", "guard: npm ci, feed"):
        overhead = median[label] - stub
        print(f"  {label:28} guard - stub = {overhead:6.1f} ms (= pass {overhead - base:+6.1f} ms)")
    return 0


def _project(project: Path) -> int:
    """package.json and package-lock.json in `project`; the number of lock entries."""
    if (REAL_LOCK / "package-lock.json").is_file():
        shutil.copy(REAL_LOCK / "package-lock.json", project)
        shutil.copy(REAL_LOCK / "package.json", project)
        lock = json.loads((project / "package-lock.json").read_text())
        return len(lock.get("packages", {})) - 1
    names = [f"bench-pkg-{i}" for i in range(1500)]  # unchanged names: never looked up
    packages: dict[str, object] = {"": {"name": "app"}}
    packages |= {f"node_modules/{n}": {"version": "1.0.0"} for n in names}
    (project / "package.json").write_text(json.dumps({"name": "app"}))
    lock = {"name": "app", "lockfileVersion": 3, "packages": packages}
    (project / "package-lock.json").write_text(json.dumps(lock))
    return len(names)


def _feed(cache: Path, root: Path) -> None:
    from tests.feed.archives import CASES, write_zip

    from phantom_guard.feed.update import update

    archive = write_zip(root / "osv" / "all.zip", CASES)
    update(cache, base_url="http://feed.example.test", source=str(archive))


def _git(project: Path, *args: str) -> None:
    subprocess.run(
        ["git", "-c", "user.name=b", "-c", "user.email=b@example.test", *args],
        cwd=project,
        check=True,
        capture_output=True,
    )


if __name__ == "__main__":
    raise SystemExit(main())
