"""Several `phantom-guard check` processes at once, overlapping names, one SQLite cache: no
errors, no warnings, no lost entries, and a follow-up run answered wholly from the cache.
The larger run with figures is ``benchmarks/bench_cache_processes.py``.
"""

from __future__ import annotations

import json
import os
import sqlite3
import subprocess
import sys
from contextlib import closing
from pathlib import Path

from tests.fakeregistry import PYPI, FakeRegistry, documents

PROCESSES = 3
PER_PROCESS = 60
STRIDE = PER_PROCESS // 2
DISTINCT = (PROCESSES - 1) * STRIDE + PER_PROCESS


def _name(k: int) -> str:
    return f"zq-proc-test-{k:04d}-pkg"


def _start(folder: Path, names: list[str]) -> subprocess.Popen[str]:
    folder.mkdir(parents=True)
    (folder / "requirements.txt").write_text("".join(n + "\n" for n in names), encoding="utf-8")
    return subprocess.Popen(
        [sys.executable, "-m", "phantom_guard", "check", "-o", "json", str(folder)],
        env=dict(os.environ),
        stdout=subprocess.PIPE,
        stderr=subprocess.PIPE,
        text=True,
    )


def test_processes_share_one_cache_without_losing_entries(
    registry_env: FakeRegistry, tmp_path: Path
) -> None:
    for k in range(0, DISTINCT, 2):
        registry_env.add_pypi(_name(k), documents.pypi_document(_name(k)))
    registry_env.latency = 0.01
    running = [
        _start(tmp_path / f"p{k}", [_name(k * STRIDE + i) for i in range(PER_PROCESS)])
        for k in range(PROCESSES)
    ]
    for process in running:
        out, err = process.communicate(timeout=120)
        assert process.returncode == 1, err  # the 404 names are NOT_FOUND findings
        assert err == ""  # no cache warning: no lock errors, no file set aside
        results = json.loads(out)["results"]
        assert len(results) == PER_PROCESS
        assert {r["recommendation"] for r in results} == {"SAFE", "NOT_FOUND"}

    cache = Path(os.environ["PHANTOM_GUARD_CACHE_DIR"]) / "cache.sqlite3"
    with closing(sqlite3.connect(cache)) as conn:
        assert conn.execute("SELECT count(*) FROM packages").fetchone() == (DISTINCT,)
        assert conn.execute("SELECT count(*) FROM findings").fetchone() == (DISTINCT,)
    assert not list(cache.parent.glob("*.corrupt-*"))

    registry_env.reset_log()
    follow_up = _start(tmp_path / "all", [_name(k) for k in range(DISTINCT)])
    out, err = follow_up.communicate(timeout=120)
    results = json.loads(out)["results"]
    assert len(results) == DISTINCT
    assert all(r["cached"] for r in results)
    assert registry_env.request_count(PYPI) == 0
