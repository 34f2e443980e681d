"""Every file read: requirements files by content type and folder, Cargo ``workspace = true``
members, pylock.toml, and what a directory scan leaves out (--exclude, .gitignore), walked
without recursion.
"""

from __future__ import annotations

import fnmatch
import json
import shutil
import subprocess
from pathlib import Path

import pytest
from click.testing import CliRunner
from hypothesis import given
from hypothesis import strategies as st

from phantom_guard.cli import main
from phantom_guard.sources import FORMATS, _matches, discover, exclude_hint, format_of, parse_file
from tests.fakeregistry import FakeRegistry
from tests.sources import refs, skipped

FIXTURES = Path(__file__).resolve().parents[1] / "fixtures" / "sources"


def _tree(root: Path, files: dict[str, str]) -> Path:
    for name, text in files.items():
        path = root / name
        path.parent.mkdir(parents=True, exist_ok=True)
        path.write_text(text, encoding="utf-8")
    return root


def test_requirements_folder_in_file() -> None:
    path = FIXTURES / "python" / "requirements" / "requirements" / "dev.in"
    result = parse_file(path)
    assert [(r.name, r.version) for r in result.refs] == [
        ("Django", "4.2.11"),  # from the -c constraints file
        ("celery", "5.3.6"),
        ("urllib3", "2.2.1"),
        ("pytest", None),
        ("ruff", "0.6.9"),
    ]


@pytest.mark.parametrize(
    ("name", "found"),
    [
        ("requirements/dev.in", True),
        ("requirements/prod.txt", True),
        ("dev-requirements.in", True),
        ("dev-requirements.txt", True),
        ("requirements-test.in", True),
        ("pylock.toml", True),
        ("pylock.dev.toml", True),
        ("docs/notes.txt", False),
        ("notes.in", False),
        ("requirements/README.md", False),
    ],
)
def test_discovery_names(tmp_path: Path, name: str, found: bool) -> None:
    _tree(tmp_path, {name: "idna\n"})
    assert [p.relative_to(tmp_path).as_posix() for p in discover(tmp_path)] == (
        [name] if found else []
    )


_PATTERNS = [pattern for fmt in FORMATS for pattern in fmt.patterns]
# Names built from the patterns' own pieces, so that near-misses are common.
_PIECES = st.sampled_from(
    ["requirements", "constraints", "pylock", "dev", "-", "_", ".", "/", "txt", "in", "toml"]
)


@given(st.lists(_PIECES, max_size=6).map("".join), st.sampled_from(_PATTERNS))
def test_file_name_matching_is_fnmatchcase(name: str, pattern: str) -> None:
    assert _matches(name, pattern) == fnmatch.fnmatchcase(name, pattern)


@pytest.mark.parametrize("pattern", _PATTERNS)
def test_each_pattern_matches_as_fnmatchcase(pattern: str) -> None:
    for name in (pattern, pattern.replace("*", "x"), pattern.replace("*", ""), "x" + pattern):
        assert _matches(name, pattern) == fnmatch.fnmatchcase(name, pattern)


def test_a_txt_or_in_file_named_explicitly_is_requirements() -> None:
    assert format_of(Path("deps/anything.txt")) is not None
    assert format_of(Path("deps/anything.in")) is not None
    assert format_of(Path("deps/anything.txt"), explicit=False) is None


def test_check_reads_an_explicit_txt(registry_env: FakeRegistry, tmp_path: Path) -> None:
    path = _tree(tmp_path, {"deps/base.txt": "requests==2.32.3\n"}) / "deps" / "base.txt"
    result = CliRunner().invoke(main, ["check", str(path), "-o", "json"])
    document = json.loads(result.stdout)
    assert [(r["name"], r["sources"][0]["version"]) for r in document["results"]] == [
        ("requests", "2.32.3")
    ]
    assert result.exit_code == 0


def test_cargo_workspace_member_inherits_from_the_root() -> None:
    result = parse_file(FIXTURES / "rust" / "workspace" / "crates" / "member" / "Cargo.toml")
    assert refs(result) == [("serde", 6), ("anyhow", 7), ("real-crate", 8), ("itoa", 11)]
    root = str(FIXTURES / "rust" / "workspace" / "Cargo.toml")
    assert skipped(result) == [
        (9, f"local path: sibling (path = crates/sibling, from {root})"),
        (10, "workspace dependency: undeclared (no workspace root declares it)"),
    ]


def test_cargo_member_without_its_root(tmp_path: Path) -> None:
    path = _tree(tmp_path, {"Cargo.toml": "[dependencies]\nserde.workspace = true\n"})
    result = parse_file(path / "Cargo.toml")
    assert refs(result) == []
    assert skipped(result) == [(2, "workspace dependency: serde (workspace root not found)")]


def test_pylock() -> None:
    result = parse_file(FIXTURES / "python" / "pylock" / "pylock.toml")
    assert [
        (r.name, r.source.line if r.source else None, r.version, r.index) for r in result.refs
    ] == [
        ("attrs", 6, "25.1.0", "https://pypi.example.test/simple"),
        ("idna", 32, "3.10", None),
    ]
    assert [(s.spec, s.reason) for s in result.skipped] == [
        ("local-tool==0.1.0", "directory source local-tool: ./tools/local-tool"),
        ("fork", "vcs source fork: https://git.example.test/fork.git"),
    ]


BROKEN = {
    "requirements.txt": "requests\n",
    "tests/fixtures/broken/package-lock.json": "{ not json\n",
    "tests/fixtures/ok/requirements.txt": "zz-fixture-only\n",
}


def test_broken_fixture_names_the_exclude_that_skips_it(
    registry_env: FakeRegistry, tmp_path: Path
) -> None:
    root = _tree(tmp_path / "repo", BROKEN)
    result = CliRunner().invoke(main, ["check", str(root), "-o", "json"])
    assert result.exit_code == 2
    assert "(to leave it out: --exclude tests/fixtures)" in result.stderr
    result = CliRunner().invoke(
        main, ["check", str(root), "-o", "json", "--exclude", "tests/fixtures"]
    )
    assert result.exit_code == 0
    assert [r["name"] for r in json.loads(result.stdout)["results"]] == ["requests"]


def test_exclude_config_key_and_repeated_option(
    registry_env: FakeRegistry, tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    root = _tree(
        tmp_path / "repo",
        {
            **BROKEN,
            ".git/HEAD": "",
            ".phantom-guard.toml": 'exclude = ["tests/fixtures/broken"]\n',
            "examples/requirements.txt": "zz-example-only\n",
        },
    )
    monkeypatch.chdir(root)
    result = CliRunner().invoke(main, ["check", ".", "-o", "json", "--exclude", "examples/*"])
    names = [r["name"] for r in json.loads(result.stdout)["results"]]
    assert names == ["requests", "zz-fixture-only"]


def test_exclude_hint_without_a_fixture_folder(tmp_path: Path) -> None:
    assert exclude_hint(tmp_path / "a b" / "package.json", tmp_path) == "'a b/package.json'"


@pytest.mark.skipif(shutil.which("git") is None, reason="needs git")
def test_files_git_ignores_are_not_discovered(tmp_path: Path) -> None:
    root = _tree(
        tmp_path,
        {
            ".gitignore": "generated/\n*.local.txt\n",
            "requirements.txt": "a\n",
            "generated/requirements.txt": "b\n",
            "requirements.local.txt": "c\n",
        },
    )
    subprocess.run(["git", "init", "-q", str(root)], check=True, capture_output=True)
    assert [p.relative_to(root).as_posix() for p in discover(root)] == ["requirements.txt"]


def test_a_very_deep_tree_is_walked_without_recursion(tmp_path: Path) -> None:
    folders = [tmp_path / "deep"]
    for _ in range(1200):
        folders.append(folders[-1] / "d")
    try:
        for folder in folders:
            folder.mkdir()  # one at a time: Path.mkdir(parents=True) recurses
        (folders[-1] / "requirements.txt").write_text("a\n", encoding="utf-8")
        found = list(discover(folders[0]))
        assert len(found) == 1 and found[0].name == "requirements.txt"
    finally:
        # Removed here, deepest first: shutil.rmtree (pytest's clean-up) recurses per level.
        (folders[-1] / "requirements.txt").unlink(missing_ok=True)
        for folder in reversed(folders):
            if folder.exists():
                folder.rmdir()
