"""files.py's path helpers: `normal_path` spells a path exactly as pathlib does."""

from __future__ import annotations

import os
from pathlib import Path, PurePosixPath

import pytest
from hypothesis import given
from hypothesis import strategies as st

from phantom_guard.files import normal_path, scan_root
from phantom_guard.sources import format_of

posix_only = pytest.mark.skipif(os.name != "posix", reason="POSIX path spelling")

# Paths built from the parts pathlib treats specially: slashes, dots, names with dots.
_PATHS = st.builds(
    "".join,
    st.lists(
        st.sampled_from(
            ["/", "//", ".", "..", "a", "b.txt", "requirements", ".in", "-", "package-lock.json"]
        ),
        max_size=8,
    ),
)


@posix_only
@given(st.one_of(_PATHS, st.text(alphabet="/.ab ", max_size=12)))
def test_normal_path_is_pathlib_str(path: str) -> None:
    assert normal_path(path) == str(PurePosixPath(path))
    assert normal_path(Path(path)) == str(Path(path))


@posix_only
@given(_PATHS)
def test_format_of_a_string_is_format_of_its_path(path: str) -> None:
    """Files named on the command line stay strings: their format is judged the same."""
    for explicit in (True, False):
        assert format_of(path, explicit=explicit) == format_of(Path(path), explicit=explicit)


def test_scan_root_is_the_repository_else_the_folder(tmp_path: Path) -> None:
    (tmp_path / "repo" / ".git").mkdir(parents=True)
    lock = tmp_path / "repo" / "web" / "package-lock.json"
    lock.parent.mkdir()
    lock.write_text("{}", encoding="utf-8")
    assert scan_root(lock) == str(tmp_path / "repo")
    outside = tmp_path / "loose" / "requirements.txt"
    outside.parent.mkdir()
    assert scan_root(outside) == str(tmp_path / "loose")
