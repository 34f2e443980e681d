"""Parse every real dependency file in ../shared/realworld-deps/files/ (skip when absent).

Prints, per file: the names found, skipped entries, and parse time (median of 5 in-process
parses); then runs ``phantom-guard check --offline --allow-unverified FILE`` in a fresh process
on each and reports every exit code other than 0 or 1 (exits 1 if there is one). Reference in
the same run: the median time of ``json.loads``/``tomllib.loads``/``yaml.compose`` of the same
text, so the parsers' cost is shown beside the bare decoder's.

    python benchmarks/bench_realworld.py [--no-cli]
"""

from __future__ import annotations

import json
import os
import statistics
import subprocess
import sys
import tempfile
import time
import tomllib
from pathlib import Path

import yaml

from phantom_guard.errors import SourceError
from phantom_guard.sources import format_of, parse_text, read_text

DATA = Path(__file__).resolve().parents[1] / ".." / ".." / "shared" / "realworld-deps" / "files"
FALLBACK = Path("/work/shared/realworld-deps/files")
REPEATS = 5


def _files(root: Path) -> list[Path]:
    return sorted(p for p in root.rglob("*") if p.is_file() and format_of(p) is not None)


def _median_time(work: object, repeats: int = REPEATS) -> float:
    times = []
    for _ in range(repeats):
        start = time.perf_counter()
        work()  # type: ignore[operator]
        times.append(time.perf_counter() - start)
    return statistics.median(times)


def _decoder(path: Path, text: str) -> object:
    if path.suffix == ".json" or path.name == "Pipfile.lock":
        return lambda: json.loads(text)
    if path.suffix == ".toml" or path.name in ("Pipfile", "uv.lock", "poetry.lock", "Cargo.lock"):
        return lambda: tomllib.loads(text)
    if path.suffix == ".yaml" or (path.name == "yarn.lock" and "__metadata" in text):
        loader = getattr(yaml, "CSafeLoader", yaml.SafeLoader)
        return lambda: list(yaml.compose_all(text, Loader=loader))
    return text.splitlines


def main() -> int:
    root = DATA if DATA.is_dir() else FALLBACK
    if not root.is_dir():
        print(f"skipped: {root} is absent")
        return 0
    files = _files(root)
    print(f"{len(files)} dependency files under {root}\n")
    print(f"{'file':70} {'names':>6} {'skips':>6} {'parse ms':>9} {'decode ms':>9}")
    failures = 0
    total_names = 0
    for path in files:
        text = read_text(path)
        try:
            result = parse_text(path, text)
        except SourceError as exc:
            print(f"{path.relative_to(root)!s:70} PARSE ERROR {exc}")
            failures += 1
            continue
        names = {(r.registry, r.name) for r in result.refs}
        total_names += len(names)
        parse_ms = _median_time(lambda p=path, t=text: parse_text(p, t)) * 1000
        decode_ms = _median_time(_decoder(path, text)) * 1000
        shown = str(path.relative_to(root))
        counts = f"{len(names):6} {len(result.skipped):6}"
        print(f"{shown[-70:]:70} {counts} {parse_ms:9.2f} {decode_ms:9.2f}")
    print(f"\n{total_names} distinct names in {len(files)} files; {failures} parse errors")
    if "--no-cli" in sys.argv:
        return 1 if failures else 0
    print("\nfresh-process check --offline --allow-unverified per file:")
    with tempfile.TemporaryDirectory() as scratch:
        env = {
            **os.environ,
            "PHANTOM_GUARD_CACHE_DIR": str(Path(scratch, "cache")),
            "HOME": scratch,
        }
        codes: dict[int, int] = {}
        for path in files:
            done = subprocess.run(
                [
                    sys.executable,
                    "-m",
                    "phantom_guard",
                    "check",
                    "--offline",
                    "--allow-unverified",
                    "-o",
                    "json",
                    str(path),
                ],
                capture_output=True,
                env=env,
                cwd=scratch,
                check=False,
            )
            codes[done.returncode] = codes.get(done.returncode, 0) + 1
            if done.returncode not in (0, 1):
                failures += 1
                print(f"  exit {done.returncode}: {path.relative_to(root)}: {done.stderr[:300]!r}")
        print(f"  exit codes: {dict(sorted(codes.items()))}")
    return 1 if failures else 0


if __name__ == "__main__":
    sys.exit(main())
