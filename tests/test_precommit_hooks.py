"""`.pre-commit-hooks.yaml`: its `files:` regex stays the parsers' file-name table, and the hook's
command run the way pre-commit runs it (staged files filtered by `files:`, passed as arguments).

`pre-commit try-repo` is not used: it pip-installs the hook into a fresh environment, which needs
a package index, and these tests run without network. The hook is emulated instead.
"""

from __future__ import annotations

import os
import re
import shlex
import subprocess
import sys
from pathlib import Path
from typing import Any

import pytest
import yaml

from phantom_guard.sources import FORMATS, format_of
from tests.fakeregistry import FakeRegistry

ROOT = Path(__file__).resolve().parents[1]
HOOKS: list[dict[str, Any]] = yaml.safe_load(
    (ROOT / ".pre-commit-hooks.yaml").read_text(encoding="utf-8")
)
BY_ID = {hook["id"]: hook for hook in HOOKS}


def regex_from_formats() -> str:
    """The `files:` regex the parsers' FORMATS table implies (fnmatch ``*`` never crosses ``/``)."""

    def translate(pattern: str) -> str:
        return "".join("[^/]*" if c == "*" else "\\." if c == "." else c for c in pattern)

    names = [translate(p) for fmt in FORMATS for p in fmt.patterns]
    return f"(^|/)({'|'.join(names)})$"


def test_both_hooks_exist_with_the_documented_settings() -> None:
    assert set(BY_ID) == {"phantom-guard", "phantom-guard-offline"}
    for hook in HOOKS:
        assert hook["language"] == "python"
        assert hook["pass_filenames"] is True
        assert hook["require_serial"] is True
        assert hook["entry"].startswith("phantom-guard check")
    assert shlex.split(BY_ID["phantom-guard"]["entry"])[2:] == ["--since", "HEAD"]
    offline = shlex.split(BY_ID["phantom-guard-offline"]["entry"])[2:]
    assert offline == ["--offline", "--allow-unverified"]


@pytest.mark.parametrize("hook_id", ["phantom-guard", "phantom-guard-offline"])
def test_files_regex_is_derived_from_the_parsers_table(hook_id: str) -> None:
    assert BY_ID[hook_id]["files"] == regex_from_formats()


PATHS = [
    ("requirements.txt", True),
    ("requirements-dev.txt", True),
    ("requirements/base.txt", True),  # a folder named requirements
    ("requirements/dev.in", True),
    ("dev-requirements.in", True),
    ("pylock.toml", True),
    ("pylock.dev.toml", True),
    ("docs/base.txt", False),
    ("dev-requirements.txt", True),
    ("requirements.in", True),
    ("constraints.txt", True),
    ("backend/requirements-prod.txt", True),
    ("pyproject.toml", True),
    ("sub/pyproject.toml", True),
    ("Pipfile", True),
    ("Pipfile.lock", True),
    ("poetry.lock", True),
    ("uv.lock", True),
    ("setup.cfg", True),
    ("package.json", True),
    ("web/package-lock.json", True),
    ("npm-shrinkwrap.json", True),
    ("yarn.lock", True),
    ("pnpm-lock.yaml", True),
    ("crates/x/Cargo.toml", True),
    ("Cargo.lock", True),
    ("README.md", False),
    ("setup.py", False),
    ("src/app.py", False),
    ("package.json.bak", False),
    ("mypackage.json", False),
    ("pyproject.toml.orig", False),
    ("notrequirements.txt.old", False),
    ("Cargo.toml/notes", False),
    ("docs/requirements.md", False),
    ("xpoetry.lock", False),
    ("pipfile", False),  # the parsers match names case-sensitively, and so does pre-commit
]


@pytest.mark.parametrize(("path", "expected"), PATHS)
def test_files_regex_matches_exactly_the_files_a_parser_reads(path: str, expected: bool) -> None:
    files = re.compile(BY_ID["phantom-guard"]["files"])
    assert bool(files.search(path)) is expected
    assert (format_of(Path(path), explicit=False) is not None) is expected


# ------------------------------------------------------------------- the hook, run as pre-commit


def _git(repo: Path, *args: str) -> str:
    return subprocess.run(
        ["git", *args], cwd=repo, capture_output=True, text=True, check=True, timeout=30
    ).stdout


def _run_hook(repo: Path, hook_id: str) -> int | None:
    """What `pre-commit run <hook_id>` does: filter the staged files by `files:`, then run the
    entry once with them (require_serial); None when no staged file matches (hook skipped).
    """
    hook = BY_ID[hook_id]
    staged = _git(repo, "diff", "--cached", "--name-only", "--diff-filter=ACMR").split()
    files = [f for f in staged if re.search(hook["files"], f)]
    if not files:
        return None
    entry = shlex.split(hook["entry"])
    done = subprocess.run(
        [sys.executable, "-m", "phantom_guard", *entry[1:], *files],
        cwd=repo,
        capture_output=True,
        text=True,
        timeout=60,
        check=False,
        env={**os.environ},
    )
    assert "Traceback" not in done.stderr
    return done.returncode


@pytest.fixture
def repo(registry_env: FakeRegistry, tmp_path: Path) -> Path:
    repo = tmp_path / "repo"
    repo.mkdir()
    _git(repo, "init", "-q", "-b", "main")
    _git(repo, "config", "user.email", "dev@example.test")
    _git(repo, "config", "user.name", "dev")
    _git(repo, "config", "commit.gpgsign", "false")
    return repo


def test_hallucinated_name_in_a_staged_requirements_file_fails(repo: Path) -> None:
    (repo / "requirements.txt").write_text("requests\nflask-gpt-helper\n", encoding="utf-8")
    _git(repo, "add", "requirements.txt")
    assert _run_hook(repo, "phantom-guard") == 1  # no commits yet: everything is new


def test_a_name_in_an_unrelated_file_does_not_start_the_hook(repo: Path) -> None:
    (repo / "notes.txt").write_text("flask-gpt-helper\n", encoding="utf-8")
    _git(repo, "add", "notes.txt")
    assert _run_hook(repo, "phantom-guard") is None


def test_only_names_the_commit_adds_are_judged(repo: Path) -> None:
    (repo / "requirements.txt").write_text("requests\nzz-old-debt-missing\n", encoding="utf-8")
    _git(repo, "add", "requirements.txt")
    _git(repo, "commit", "-qm", "old debt")
    (repo / "requirements.txt").write_text(
        "requests\nzz-old-debt-missing\nflask\n", encoding="utf-8"
    )
    _git(repo, "add", "requirements.txt")
    assert _run_hook(repo, "phantom-guard") == 0  # the old missing name is not this commit's
    (repo / "requirements.txt").write_text(
        "requests\nzz-old-debt-missing\nflask\nzz-new-missing\n", encoding="utf-8"
    )
    _git(repo, "add", "requirements.txt")
    assert _run_hook(repo, "phantom-guard") == 1


def test_offline_hook_fails_only_on_what_it_can_judge_offline(
    repo: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    monkeypatch.setenv("PHANTOM_GUARD_PYPI_URL", "http://127.0.0.1:9/pypi")  # any lookup fails
    (repo / "requirements.txt").write_text("requests\nzz-unknown-name\n", encoding="utf-8")
    _git(repo, "add", "requirements.txt")
    assert _run_hook(repo, "phantom-guard-offline") == 0  # unknown is unverified, not a finding
