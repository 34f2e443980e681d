"""`phantom-guard doctor`: shims first on PATH, version managers' shims after, the feed's age."""

from __future__ import annotations

import os
import sys
import types
from datetime import UTC, datetime, timedelta
from pathlib import Path

import pytest

from phantom_guard import doctor, shims

BIN = Path(__file__).parent / "bin"


@pytest.fixture
def shim_dir(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> Path:
    monkeypatch.setenv("PHANTOM_GUARD_CACHE_DIR", str(tmp_path / "cache"))
    monkeypatch.chdir(tmp_path)
    folder = tmp_path / "shims"
    shims.install(folder, ["pip", "npm"], ["phantom-guard"])
    return folder


def _texts(checks: list[doctor.Check]) -> list[tuple[bool, str]]:
    return [(check.ok, check.text) for check in checks]


def test_a_version_managers_shims_before_ours_are_something_to_fix(shim_dir: Path) -> None:
    nvm = "/home/u/.nvm/versions/node/v20/bin"
    env = {"PATH": os.pathsep.join([nvm, str(shim_dir), str(BIN)])}
    checks = _texts(doctor.run(env, shim_dir))
    assert (False, f"nvm shims ({nvm}) come BEFORE phantom-guard's") in checks
    assert (True, f"pip: {shim_dir / 'pip'} -> {BIN / 'pip'}") in checks
    assert (False, f"uv: {BIN / 'uv'} (not guarded: runs without phantom-guard)") in checks


def test_shims_not_on_path_are_reported(shim_dir: Path) -> None:
    checks = _texts(doctor.run({"PATH": str(BIN)}, shim_dir))
    assert checks[0] == (False, f"shims: {shim_dir} is not on PATH (phantom-guard shims install)")


class _Status:
    def __init__(self, days: float) -> None:
        self.records = 42
        self.path = Path("feed.sqlite3")
        self.days = days

    def age_days(self, now: datetime) -> float:
        assert now - datetime.now(UTC) < timedelta(seconds=5)
        return self.days


class _Store:
    def __init__(self, days: float) -> None:
        self.days = days

    def status(self) -> _Status:
        return _Status(self.days)

    def close(self) -> None:
        pass


@pytest.mark.parametrize(("days", "ok"), [(1.0, True), (30.0, False)])
def test_the_feeds_age_when_a_feed_exists(
    shim_dir: Path, monkeypatch: pytest.MonkeyPatch, days: float, ok: bool
) -> None:
    feed = types.ModuleType("phantom_guard.feed")
    feed.open_feed = lambda cache_dir: _Store(days)  # type: ignore[attr-defined]
    monkeypatch.setitem(sys.modules, "phantom_guard.feed", feed)
    checks = _texts(doctor.run({"PATH": str(shim_dir)}, shim_dir))
    assert (ok, f"feed: 42 records, data {days:.1f} days old (feed.sqlite3)") in checks
