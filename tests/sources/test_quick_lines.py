"""The one-pass line finders of the big lock files agree with the full per-key scanners."""

from __future__ import annotations

import json
from pathlib import Path

import pytest

from phantom_guard.sources._json import json_key_lines
from phantom_guard.sources._toml import TomlDocument, _package_name_lines
from phantom_guard.sources._toml_lines import value_lines
from phantom_guard.sources.package_lock import _Lock

FIXTURES = Path(__file__).parent.parent / "fixtures" / "sources"
TOML_LOCKS = [
    FIXTURES / "python" / "uv_lock" / "uv.lock",
    FIXTURES / "python" / "poetry_lock" / "poetry.lock",
]
NPM_LOCKS = [FIXTURES / "npm" / "package_lock" / f"{n}.json" for n in ("v2", "v3-workspaces")]


@pytest.mark.parametrize("path", TOML_LOCKS, ids=lambda p: p.name)
def test_package_name_lines_match_the_full_scan(path: Path) -> None:
    text = path.read_text(encoding="utf-8")
    packages = TomlDocument(str(path), text).data["package"]
    quick = _package_name_lines(text)
    full = value_lines(text)
    assert len(quick) == len(packages)
    for index, (package, hint) in enumerate(zip(packages, quick, strict=True)):
        assert hint == (package["name"], full[("package", index, "name")])


def test_a_name_not_written_plainly_is_left_to_the_full_scan() -> None:
    text = '[[package]]\n"name" = "quoted-key"\n\n[[package]]\nversion = "1"\nname = "late"\n'
    assert _package_name_lines(text) == [None, ("late", 6)]
    doc = TomlDocument("uv.lock", text)
    assert [(name, line) for name, line, _ in doc.packages()] == [("quoted-key", 2), ("late", 6)]


@pytest.mark.parametrize("path", NPM_LOCKS, ids=lambda p: p.name)
def test_package_lock_entry_lines_match_the_full_scan(path: Path) -> None:
    text = path.read_text(encoding="utf-8")
    full = json_key_lines(text)
    lock = _Lock(str(path), text)
    for key in json.loads(text)["packages"]:
        assert lock._entry_line(key) == full[("packages", key)], key


def test_a_minified_package_lock_falls_back_to_the_full_scan() -> None:
    text = json.dumps({"packages": {"": {}, "node_modules/a": {}, "node_modules/b": {}}})
    lock = _Lock("package-lock.json", text)
    assert lock._entry_line("node_modules/b") == 1
