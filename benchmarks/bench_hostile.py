"""Issue 11: time and peak memory of each repository-side attack, in fresh processes.

Each attack is a small hostile repository; `phantom-guard` runs on it in a fresh child with
``--offline --no-cache`` (nothing leaves the machine) and an isolated HOME. Printed per attack:
the exit code, the median wall time and the median peak RSS (VmHWM) over the runs, and whether
both stay within the issue's bounds (5 s, 200 MB). Reference in the same run: ``python -c pass``
through the same wrapper.

    python benchmarks/bench_hostile.py [--runs 5]
"""

from __future__ import annotations

import argparse
import os
import resource
import statistics
import subprocess
import sys
import tempfile
import time
from collections.abc import Callable
from pathlib import Path

LIMIT_S = 5.0
LIMIT_MB = 200.0
# Runs the CLI (or nothing) and writes VmHWM in kB to fd $HWM_FD however it exits.
_WRAPPER = """
import os, sys
def hwm():
    for line in open("/proc/self/status"):
        if line.startswith("VmHWM:"):
            return line.split()[1]
    return "0"
try:
    if sys.argv[1:]:
        sys.argv = ["phantom-guard", *sys.argv[1:]]
        from phantom_guard.cli import main
        main()
finally:
    os.write(int(os.environ["HWM_FD"]), hwm().encode())
"""


def _repo(root: Path) -> Path:
    root.mkdir(parents=True)
    (root / ".git").mkdir()
    return root


def repeated_lines(root: Path) -> tuple[Path, list[str]]:
    repo = _repo(root)
    (repo / "requirements.txt").write_text("zz-repeated-name\n" * 80_000, encoding="utf-8")
    return repo, ["check", "requirements.txt"]


def long_token(root: Path) -> tuple[Path, list[str]]:
    repo = _repo(root)
    token = "--hash=sha256:" + "a" * (10 * 1024 * 1024)
    (repo / "requirements.txt").write_text(f"flask {token}\n", encoding="utf-8")
    return repo, ["check", "requirements.txt"]


def pnpm_aliases(root: Path) -> tuple[Path, list[str]]:
    repo = _repo(root)
    deps = "".join(
        f"      zz-dep-{i}:\n        specifier: 1.0.0\n        version: 1.0.0\n" for i in range(100)
    )
    aliases = "".join(f"  pkg{i}: *base\n" for i in range(8_000))
    text = f"lockfileVersion: '9.0'\nimporters:\n  .: &base\n    dependencies:\n{deps}{aliases}"
    (repo / "pnpm-lock.yaml").write_text(text, encoding="utf-8")
    return repo, ["check", "pnpm-lock.yaml"]


def pnpm_deep(root: Path) -> tuple[Path, list[str]]:
    repo = _repo(root)
    depth = 200_000
    text = "lockfileVersion: '9.0'\nimporters: " + "[" * depth + "]" * depth + "\n"
    (repo / "pnpm-lock.yaml").write_text(text, encoding="utf-8")
    return repo, ["check", "pnpm-lock.yaml"]


def sparse_pyproject(root: Path) -> tuple[Path, list[str]]:
    repo = _repo(root)
    with (repo / "pyproject.toml").open("wb") as handle:
        handle.truncate(3 * 1024**3)  # 3 GB of zeros, sparse: no disk used
    return repo, ["validate", "flask"]


def deep_tree(root: Path) -> tuple[Path, list[str]]:
    repo = _repo(root)
    folder = repo
    for _ in range(1_200):
        folder = folder / "d"
    # One mkdir per level from the top: a single path would exceed PATH_MAX.
    os.chdir(repo)
    for _ in range(1_200):
        os.mkdir("d")
        os.chdir("d")
    Path("requirements.txt").write_text("flask\n", encoding="utf-8")
    os.chdir(root.parent)
    return repo, ["check", "."]


ATTACKS: list[tuple[str, Callable[[Path], tuple[Path, list[str]]]]] = [
    ("80,000 repeated lines (requirements.txt)", repeated_lines),
    ("10 MB --hash token (requirements.txt)", long_token),
    ("8,000-alias pnpm-lock.yaml", pnpm_aliases),
    ("200,000-deep flow nesting (pnpm-lock.yaml)", pnpm_deep),
    ("3 GB sparse pyproject.toml, validate flask", sparse_pyproject),
    ("1,200-deep directory tree, check .", deep_tree),
]


def run_once(cwd: Path, arguments: list[str], home: Path) -> tuple[int, float, float, str, float]:
    env = {
        "PATH": os.environ.get("PATH", ""),
        "HOME": str(home),
        "XDG_CONFIG_HOME": str(home / ".config"),
        "XDG_CACHE_HOME": str(home / ".cache"),
        "PHANTOM_GUARD_OFFLINE": "1",
        "PHANTOM_GUARD_CACHE_DIR": str(home / "cache"),
    }
    read, write = os.pipe()
    env["HWM_FD"] = str(write)
    before = resource.getrusage(resource.RUSAGE_CHILDREN)
    start = time.perf_counter()
    done = subprocess.run(
        [sys.executable, "-c", _WRAPPER, *arguments, *(["--no-cache"] if arguments else [])],
        cwd=cwd,
        env=env,
        capture_output=True,
        pass_fds=(write,),
        check=False,
    )
    elapsed = time.perf_counter() - start
    after = resource.getrusage(resource.RUSAGE_CHILDREN)
    cpu = (after.ru_utime - before.ru_utime) + (after.ru_stime - before.ru_stime)
    os.close(write)
    hwm_kb = os.read(read, 64).decode() or "0"
    os.close(read)
    last = (done.stderr.decode(errors="replace").strip().splitlines() or [""])[-1]
    return done.returncode, elapsed, int(hwm_kb) / 1024, last[:110], cpu


def _flatten_deep_tree(repo: Path) -> None:
    """Remove the 1,200-deep chain bottom-up (shutil.rmtree recurses and would fail)."""
    if not (repo / "d").exists():
        return
    os.chdir(repo)
    depth = 0
    while os.path.isdir("d"):
        os.chdir("d")
        depth += 1
    for name in os.listdir("."):
        os.unlink(name)
    for _ in range(depth):
        os.chdir("..")
        os.rmdir("d")
    os.chdir("/")


def main() -> None:
    parser = argparse.ArgumentParser()
    parser.add_argument("--runs", type=int, default=5)
    runs = parser.parse_args().runs
    with tempfile.TemporaryDirectory() as temp:
        base = Path(temp)
        home = base / "home"
        home.mkdir()
        ref = [run_once(base, [], home) for _ in range(runs)]
        ref_s = statistics.median(r[1] for r in ref)
        ref_mb = statistics.median(r[2] for r in ref)
        ref_cpu = statistics.median(r[4] for r in ref)
        print(f"runs per row: {runs} fresh processes; medians. Bounds: {LIMIT_S} s, {LIMIT_MB} MB")
        print(
            f"REFERENCE python -c pass (same wrapper): {ref_s:.3f} s wall, {ref_cpu:.3f} s CPU, "
            f"{ref_mb:.1f} MB"
        )
        print()
        print(
            "| attack | exit | wall s | CPU s | Δ ref wall s | peak MB | within | stderr (last) |"
        )
        print("|---|---|---|---|---|---|---|---|")
        for title, build in ATTACKS:
            cwd, arguments = build(base / build.__name__)
            rows = [run_once(cwd, arguments, home) for _ in range(runs)]
            codes = sorted({r[0] for r in rows})
            seconds = statistics.median(r[1] for r in rows)
            megabytes = statistics.median(r[2] for r in rows)
            cpu = statistics.median(r[4] for r in rows)
            within = "yes" if seconds <= LIMIT_S and megabytes <= LIMIT_MB else "NO"
            print(
                f"| {title} | {','.join(map(str, codes))} | {seconds:.3f} | {cpu:.3f} | "
                f"{seconds - ref_s:+.3f} | {megabytes:.1f} | {within} | {rows[0][3]} |"
            )
        _flatten_deep_tree(base / "deep_tree")


if __name__ == "__main__":
    main()
