"""The user directories worked out by hand are the ones platformdirs gives."""

from __future__ import annotations

import sys
from pathlib import Path

import platformdirs
import pytest

from phantom_guard import userdirs

KINDS = [
    (userdirs.user_config_dir, "user_config_dir"),
    (userdirs.user_cache_dir, "user_cache_dir"),
    (userdirs.user_data_dir, "user_data_dir"),
]
ENVIRONMENTS = [
    {},
    {"XDG_CONFIG_HOME": "/srv/cfg", "XDG_CACHE_HOME": "/srv/cache", "XDG_DATA_HOME": "/srv/data"},
    {"XDG_CONFIG_HOME": "", "XDG_CACHE_HOME": "  ", "XDG_DATA_HOME": ""},
    {"XDG_CONFIG_HOME": "relative/cfg", "XDG_CACHE_HOME": "rel", "XDG_DATA_HOME": "x"},
]


@pytest.mark.parametrize("env", ENVIRONMENTS)
@pytest.mark.parametrize(("ours", "theirs"), KINDS)
def test_the_same_directory_as_platformdirs(
    env: dict[str, str], ours: object, theirs: str, tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    monkeypatch.setenv("HOME", str(tmp_path))
    for variable in ("XDG_CONFIG_HOME", "XDG_CACHE_HOME", "XDG_DATA_HOME"):
        monkeypatch.delenv(variable, raising=False)
    for variable, value in env.items():
        monkeypatch.setenv(variable, value)
    expected = getattr(platformdirs, theirs)("phantom-guard", appauthor=False)
    assert ours() == expected  # type: ignore[operator]


@pytest.mark.skipif(not sys.platform.startswith("linux"), reason="the hand-worked rule is Linux's")
def test_linux_needs_no_platformdirs(monkeypatch: pytest.MonkeyPatch, tmp_path: Path) -> None:
    monkeypatch.setenv("HOME", str(tmp_path))
    monkeypatch.delenv("XDG_CONFIG_HOME", raising=False)
    monkeypatch.setitem(sys.modules, "platformdirs", None)  # importing it would now fail
    assert userdirs.user_config_dir() == str(tmp_path / ".config" / "phantom-guard")
