"""`phantom-guard check` end to end: repository trees, --since, mixed results, exit codes."""

from __future__ import annotations

import json
import subprocess
import sys
from pathlib import Path

import pytest
from click.testing import CliRunner

from phantom_guard.cli import main
from tests.fakeregistry import FakeRegistry
from tests.report.sarif_checks import assert_valid

REPO_FILES = {
    "backend/requirements.txt": (
        "# backend deps\nrequests>=2.31\nreqeusts==2.31.0\n-e ./local-pkg\n"
    ),
    "web/package.json": (
        '{\n  "name": "web",\n  "dependencies": {\n    "express": "^4.19.2",\n'
        '    "expres": "1.0.0"\n  },\n  "devDependencies": {\n'
        '    "local": "file:../local"\n  }\n}\n'
    ),
    "web/node_modules/leftpad/package.json": '{"dependencies": {"inside-node-modules": "1"}}\n',
    "crates/engine/Cargo.toml": (
        '[package]\nname = "engine"\nversion = "0.1.0"\n\n[dependencies]\n'
        'serde = { version = "1", features = ["derive"] }\ninternal = { path = "../internal" }\n'
    ),
    ".venv/lib/requirements.txt": "inside-a-virtualenv\n",
    "target/debug/Cargo.toml": '[dependencies]\ninside-target = "1"\n',
    "docs/notes.txt": "not a dependency file\n",
}


def _tree(root: Path, files: dict[str, str]) -> Path:
    for name, text in files.items():
        path = root / name
        path.parent.mkdir(parents=True, exist_ok=True)
        path.write_text(text, encoding="utf-8")
    return root


def _run(*args: str) -> tuple[int, str, str]:
    result = CliRunner().invoke(main, list(args))
    return result.exit_code, result.stdout, result.stderr


def test_repository_tree_is_searched_and_build_dirs_skipped(
    registry_env: FakeRegistry, tmp_path: Path
) -> None:
    root = _tree(tmp_path / "repo", REPO_FILES)
    code, out, _ = _run("check", str(root), "-o", "json", "-v")
    document = json.loads(out)
    found = {(r["registry"], r["name"]): r for r in document["results"]}
    assert set(found) == {
        ("pypi", "requests"),
        ("pypi", "reqeusts"),
        ("npm", "express"),
        ("npm", "expres"),
        ("crates", "serde"),
    }
    assert found[("pypi", "reqeusts")]["recommendation"] == "NOT_FOUND"
    assert found[("pypi", "reqeusts")]["suggestion"] == "requests"
    assert found[("pypi", "reqeusts")]["sources"] == [
        {"file": str(root / "backend/requirements.txt"), "line": 3, "version": "2.31.0"}
    ]
    assert found[("npm", "expres")]["sources"][0]["line"] == 5
    assert found[("crates", "serde")]["recommendation"] == "SAFE"
    assert code == 1


def test_duplicates_across_files_are_one_lookup_with_every_source(
    registry_env: FakeRegistry, tmp_path: Path
) -> None:
    root = _tree(
        tmp_path,
        {"a/requirements.txt": "zz-unknown-dup\n", "b/requirements.txt": "\nZZ_Unknown.Dup\n"},
    )
    code, out, _ = _run("check", str(root), "-o", "json")
    (result,) = json.loads(out)["results"]
    assert [s["line"] for s in result["sources"]] == [1, 2]
    assert registry_env.request_count(registry="pypi", name="zz-unknown-dup") == 1
    assert code == 1


def test_broken_file_is_exit_2_and_the_others_are_still_checked(
    registry_env: FakeRegistry, tmp_path: Path
) -> None:
    root = _tree(
        tmp_path,
        {"good/requirements.txt": "requests\n", "bad/pyproject.toml": "[project\nname = 1\n"},
    )
    code, out, err = _run("check", str(root), "-o", "json")
    assert [r["name"] for r in json.loads(out)["results"]] == ["requests"]
    assert "pyproject.toml:1: invalid TOML" in err
    assert code == 2


def test_unsupported_file_given_explicitly_names_the_supported_ones(
    registry_env: FakeRegistry, tmp_path: Path
) -> None:
    notes = _tree(tmp_path, {"notes.md": "hello\n"}) / "notes.md"
    code, _, err = _run("check", str(notes))
    assert code == 2
    assert "unsupported file type" in err and "package.json" in err


def test_ignore_option_and_registry_override(registry_env: FakeRegistry, tmp_path: Path) -> None:
    root = _tree(tmp_path, {"requirements.txt": "zz-ignored-name\nrequests\n"})
    code, out, _ = _run("check", str(root), "-o", "json", "--ignore", "zz_ignored_name")
    assert [r["name"] for r in json.loads(out)["results"]] == ["requests"]
    assert code == 0


def test_since_checks_only_what_the_working_tree_adds(
    registry_env: FakeRegistry, tmp_path: Path
) -> None:
    def git(*args: str) -> None:
        subprocess.run(
            ["git", "-c", "user.email=ci@example.org", "-c", "user.name=ci", *args],
            cwd=tmp_path,
            check=True,
            capture_output=True,
        )

    git("init", "-q")
    requirements = tmp_path / "requirements.txt"
    requirements.write_text("requests\nzz-old-debt-missing\n", encoding="utf-8")
    git("add", ".")
    git("commit", "-qm", "base")
    requirements.write_text("requests\nzz-old-debt-missing\nzz-newly-added\n", encoding="utf-8")
    code, out, _ = _run("check", str(tmp_path), "--since", "HEAD", "-o", "json")
    assert [r["name"] for r in json.loads(out)["results"]] == ["zz-newly-added"]
    assert code == 1
    code, _, err = _run("check", str(tmp_path), "--since", "no-such-revision")
    assert code == 2 and "unknown git revision" in err


def test_since_head_without_commits_checks_everything(
    registry_env: FakeRegistry, tmp_path: Path
) -> None:
    subprocess.run(["git", "init", "-q", "-b", "main"], cwd=tmp_path, check=True)
    (tmp_path / "requirements.txt").write_text("requests\nzz-missing-one\n", encoding="utf-8")
    code, out, err = _run("check", str(tmp_path), "--since", "HEAD", "-o", "json")
    assert [r["name"] for r in json.loads(out)["results"]] == ["requests", "zz-missing-one"]
    assert (code, err) == (1, "")
    # Only HEAD of an unborn branch means "nothing yet"; any other unknown name is an error.
    code, _, err = _run("check", str(tmp_path), "--since", "main")
    assert code == 2 and "unknown git revision" in err


@pytest.mark.parametrize("output", ["text", "json", "sarif", "markdown"])
def test_every_format_renders_a_check(
    registry_env: FakeRegistry, tmp_path: Path, output: str
) -> None:
    root = _tree(tmp_path, {"requirements.txt": "requests\nzz-missing-one\n"})
    code, out, _ = _run("check", str(root), "-o", output)
    assert code == 1
    assert "zz-missing-one" in out
    if output == "sarif":
        assert_valid(json.loads(out), locations=False)  # absolute paths: file: URIs


def test_check_in_a_fresh_process_exits_with_the_findings_code(
    registry_env: FakeRegistry, tmp_path: Path
) -> None:
    root = _tree(tmp_path, {"requirements.txt": "requests\n"})
    done = subprocess.run(
        [sys.executable, "-m", "phantom_guard", "check", str(root)],
        capture_output=True,
        text=True,
        timeout=60,
        check=False,
    )
    assert done.returncode == 0, done.stderr
    assert "1 packages: 1 SAFE" in done.stdout
