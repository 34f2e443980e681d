"""A scanned repository is untrusted input (issue 11): each test is an attack and the fail-closed
answer it must get. Numbers in the test names are the finding numbers of the issue.
"""

from __future__ import annotations

import json
import os
import subprocess
from pathlib import Path

import pytest
from click.testing import CliRunner

from phantom_guard.cli import main
from tests.fakeregistry import FakeRegistry


def _run(*args: str) -> tuple[int, str, str]:
    result = CliRunner().invoke(main, list(args))
    return result.exit_code, result.stdout, result.stderr


def _write(path: Path, text: str) -> Path:
    path.parent.mkdir(parents=True, exist_ok=True)
    path.write_text(text, encoding="utf-8")
    return path


def _git(repo: Path, *args: str) -> str:
    done = subprocess.run(
        ["git", "-c", "user.email=ci@example.org", "-c", "user.name=ci", *args],
        cwd=repo,
        check=True,
        capture_output=True,
        text=True,
    )
    return done.stdout


@pytest.fixture
def repo(registry_env: FakeRegistry, tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> Path:
    """A git repository with one commit (requests in requirements.txt), the working directory."""
    root = tmp_path / "repo"
    root.mkdir()
    _git(root, "init", "-q")
    _write(root / "requirements.txt", "requests\n")
    _git(root, "add", ".")
    _git(root, "commit", "-qm", "base")
    monkeypatch.chdir(root)
    return root


# --- 1. The repository's config is not trusted.


def test_1_repository_config_cannot_point_at_its_own_registry(repo: Path) -> None:
    _write(repo / ".phantom-guard.toml", 'pypi_url = "http://evil.example.test/pypi"\n')
    code, out, err = _run("check", "-o", "json")
    assert code == 2
    assert out == ""
    assert "pypi_url cannot be set in a repository's config" in err
    assert "PHANTOM_GUARD_PYPI_URL" in err


def test_1_repository_config_cannot_let_failures_pass(repo: Path) -> None:
    _write(repo / "pyproject.toml", "[tool.phantom-guard]\nallow_unverified = true\n")
    code, _, err = _run("check")
    assert code == 2
    assert "allow_unverified" in err and "--allow-unverified" in err


def test_1_the_config_files_used_are_named(repo: Path, user_config: Path) -> None:
    _write(user_config, "concurrency = 5\n")
    repo_config = _write(repo / ".phantom-guard.toml", "concurrency = 4\n")
    code, out, _ = _run("check", "-o", "json")
    assert code == 0
    assert json.loads(out)["config"] == [str(user_config), str(repo_config.resolve())]
    _, text, _ = _run("check")
    assert text.splitlines()[0] == f"config: {user_config}, {repo_config.resolve()}"
    _, isolated, _ = _run("check", "-o", "json", "--isolated")
    assert json.loads(isolated)["config"] == []


def test_1_a_bare_allow_entry_does_not_exempt_the_npm_package(repo: Path) -> None:
    _write(repo / ".phantom-guard.toml", 'allow = ["zz-private-name"]\n')
    _write(repo / "package.json", '{"dependencies": {"zz-private-name": "1.0.0"}}\n')
    code, out, _ = _run("check", "package.json", "-o", "json")
    result = json.loads(out)["results"][0]
    assert (result["registry"], result["recommendation"]) == ("npm", "NOT_FOUND")
    assert code == 1


# --- 2. --since checks something, and a change cannot approve itself.


@pytest.mark.parametrize(
    ("revision", "message"),
    [
        ("", "empty revision"),
        ("   ", "empty revision"),
        (":0", "not an index entry"),
        (":requirements.txt", "not an index entry"),
        ("HEAD:requirements.txt", "needs a commit"),
        ("HEAD^{tree}", "needs a commit"),
        ("no-such-revision", "unknown git revision"),
        ("--output=/tmp/x", "cannot start with '-'"),
    ],
)
def test_2_since_refuses_what_is_not_a_commit(repo: Path, revision: str, message: str) -> None:
    (repo / "requirements.txt").write_text("requests\nzz-newly-added\n", encoding="utf-8")
    code, out, err = _run("check", "--since", revision, "-o", "json")
    assert code == 2, (out, err)
    assert message in err


def test_2_includes_are_read_at_the_revision(repo: Path) -> None:
    _write(repo / "requirements.txt", "-r base.txt\n")
    _write(repo / "base.txt", "requests\n")
    _git(repo, "add", ".")
    _git(repo, "commit", "-qm", "split")
    _write(repo / "base.txt", "requests\nzz-added-in-include\n")
    code, out, _ = _run("check", "requirements.txt", "--since", "HEAD", "-o", "json")
    assert [r["name"] for r in json.loads(out)["results"]] == ["zz-added-in-include"]
    assert code == 1


def test_2_a_change_cannot_allow_what_it_adds(repo: Path) -> None:
    _write(repo / "requirements.txt", "requests\nzz-sneaky-missing\n")
    _write(
        repo / ".phantom-guard.toml",
        'allow = ["zz-sneaky-missing"]\nignore = ["zz-other"]\nprivate = ["acme-*"]\n',
    )
    code, out, _ = _run("check", "--since", "HEAD", "-o", "json")
    results = {r["name"]: r for r in json.loads(out)["results"]}
    sneaky = results["zz-sneaky-missing"]
    assert sneaky["recommendation"] == "NOT_FOUND"  # the allow entry at HEAD does not apply
    assert "CONFIG_WEAKENED" in [s["kind"] for s in sneaky["signals"]]
    other = results["zz-other"]
    assert other["recommendation"] == "SUSPICIOUS"
    assert other["signals"][0]["kind"] == "CONFIG_WEAKENED"
    assert other["sources"] == [{"file": ".phantom-guard.toml", "line": 2, "version": None}]
    assert results["acme-*"]["recommendation"] == "SUSPICIOUS"
    assert code == 1
    # Once committed (reviewed), the same entries are the base: nothing is reported.
    _git(repo, "add", ".")
    _git(repo, "commit", "-qm", "reviewed")
    code, out, _ = _run("check", "--since", "HEAD", "-o", "json")
    assert json.loads(out)["results"] == []
    assert code == 0


# --- 3. Nothing outside the tree is read, and nothing read is leaked.


def test_3_a_symlink_out_of_the_tree_is_refused_unread(repo: Path, tmp_path: Path) -> None:
    secret = _write(tmp_path / "secret.env", "TOKEN=ghp_zzzzSECRETzzzz\n")
    (repo / "requirements.txt").unlink()
    (repo / "requirements.txt").symlink_to(secret)
    code, out, err = _run("check", "-v")
    assert code == 2
    assert "outside the scanned tree" in err
    assert "SECRET" not in out + err
    code, _, err = _run("check", "--follow-outside", "-o", "json")
    assert "outside the scanned tree" not in err


def test_3_an_include_out_of_the_tree_is_refused(repo: Path, tmp_path: Path) -> None:
    _write(tmp_path / "secrets.txt", "ghp-zzzz-secret-token\n")
    _write(repo / "requirements.txt", "requests\n-r ../secrets.txt\n")
    code, out, err = _run("check", "-o", "json")
    assert code == 2
    assert "outside the scanned tree" in err
    assert "ghp-zzzz" not in out + err  # never looked up, never echoed


def test_3_proc_environ_is_never_echoed(repo: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.setenv("ZZ_CANARY_TOKEN", "canary-zzzz-value")
    (repo / "requirements.txt").unlink()
    (repo / "requirements.txt").symlink_to("/proc/self/environ")
    code, out, err = _run("check", "--follow-outside")
    assert code == 2
    assert "canary-zzzz" not in out + err


@pytest.mark.skipif(not hasattr(os, "mkfifo"), reason="needs FIFOs")
def test_3_a_fifo_named_like_a_dependency_file_is_refused(repo: Path) -> None:
    (repo / "requirements.txt").unlink()
    os.mkfifo(repo / "requirements.txt")
    code, _, err = _run("check", "requirements.txt")  # would block forever if opened
    assert code == 2
    assert "not a regular file (a FIFO)" in err


def test_3_a_directory_named_like_a_dependency_file_is_refused(repo: Path) -> None:
    (repo / "requirements.txt").unlink()
    (repo / "requirements.txt").mkdir()
    code, _, err = _run("check", "requirements.txt")
    assert code == 2
    assert "not a regular file (a directory)" in err


def test_3_a_device_include_is_refused(repo: Path) -> None:
    _write(repo / "requirements.txt", "-r /dev/zero\n")
    code, _, err = _run("check", "--follow-outside")
    assert code == 2
    assert "not a regular file" in err


def test_3_parse_errors_quote_a_short_excerpt_only(repo: Path) -> None:
    _write(repo / "requirements.txt", "flask ==" + "x" * 5000 + "\n")
    code, _, err = _run("check")
    assert code == 2
    assert len(err) < 1000


# --- 4. Linear time and bounded memory (benchmarks/bench_hostile.py prints the numbers).


def test_4_a_huge_option_token_is_refused(repo: Path) -> None:
    _write(repo / "requirements.txt", "flask --hash=sha256:" + "a" * 200_000 + "\n")
    code, _, err = _run("check")
    assert code == 2
    assert "longer than 65,536 characters" in err


def test_4_a_yaml_alias_bomb_is_refused(repo: Path) -> None:
    laughs = ["lockfileVersion: '9.0'", "a0: &a0 [x, x, x, x, x, x, x, x, x, x]"]
    laughs += [f"a{i}: &a{i} [" + ", ".join([f"*a{i - 1}"] * 10) + "]" for i in range(1, 9)]
    _write(repo / "pnpm-lock.yaml", "\n".join(laughs) + "\nimporters: *a8\n")
    code, _, err = _run("check", "pnpm-lock.yaml")
    assert code == 2
    assert "aliases expand it beyond" in err


def test_4_a_recursive_alias_is_refused(repo: Path) -> None:
    _write(repo / "pnpm-lock.yaml", "lockfileVersion: '9.0'\nimporters: &a\n  x: *a\n")
    code, _, err = _run("check", "pnpm-lock.yaml")
    assert code == 2
    assert "invalid YAML" in err


@pytest.mark.parametrize(
    "text",
    [
        "importers: " + "[" * 100_000 + "]" * 100_000 + "\n",
        "importers:\n" + "".join(" " * i + f"k{i}:\n" for i in range(1, 400)),
        "importers: " + "- " * 5_000 + "x\n",
    ],
)
def test_4_deep_yaml_never_reaches_libyaml(repo: Path, text: str) -> None:
    _write(repo / "pnpm-lock.yaml", text)
    code, _, err = _run("check", "pnpm-lock.yaml")
    assert code == 2
    assert "invalid YAML" in err


def test_4_a_sparse_3_gb_pyproject_is_never_read(repo: Path) -> None:
    with (repo / "pyproject.toml").open("wb") as handle:
        handle.truncate(3 * 1024**3)
    code, _, err = _run("validate", "flask")
    assert code == 2
    assert "limit" in err


def test_4_a_name_on_80000_lines_is_one_result(repo: Path) -> None:
    _write(repo / "requirements.txt", "requests\n" * 80_000)
    code, out, _ = _run("check", "-o", "json")
    (result,) = json.loads(out)["results"]
    assert len(result["sources"]) == 80_000
    assert code == 0


# --- 5 and 7. Tracebacks and raw control sequences.


@pytest.mark.parametrize("folder", ["[/bold]", "[link=https://evil.example.test]x[/link]"])
def test_5_a_folder_named_like_markup_is_shown_not_obeyed(repo: Path, folder: str) -> None:
    from phantom_guard.model import (
        NormalizedName,
        PackageRisk,
        Recommendation,
        Registry,
        Report,
        Source,
    )
    from phantom_guard.report import text

    risk = PackageRisk(
        name="zz",
        normalized_name=NormalizedName("zz"),
        registry=Registry.PYPI,
        recommendation=Recommendation.SAFE,
        risk_score=0.0,
        exists=True,
        sources=(Source(f"{folder}/requirements.txt", 1),),
    )
    drawn = text.render(Report((risk,)), color=True, width=200)
    assert f"{folder}/requirements.txt" in "".join(drawn.split())  # the title may wrap
    assert "\x1b]8;" not in drawn  # no live hyperlink


def test_5_a_corrupt_findings_row_is_reanalysed(repo: Path, registry_env: FakeRegistry) -> None:
    code, _, _ = _run("validate", "reqeusts", "-o", "json")
    import sqlite3
    from contextlib import closing

    cache = Path(os.environ["PHANTOM_GUARD_CACHE_DIR"]) / "cache.sqlite3"
    with closing(sqlite3.connect(cache)) as conn, conn:
        conn.execute("UPDATE findings SET payload = x'ff00', stored_at = 'soon', ttl = 'x'")
    again, out, err = _run("validate", "reqeusts", "-o", "json")
    assert (again, err) == (code, "")
    assert json.loads(out)["results"][0]["recommendation"] != "SAFE"


@pytest.mark.parametrize(
    "name",
    [
        "evil\n::add-mask::requests\nrequirements.txt",
        "evil\x1b]8;;https://evil.example.test\x07x\x1b]8;;\x07/requirements.txt",
        "evil\x1b[2Krequirements.txt",
    ],
)
def test_7_paths_on_stderr_are_escaped(repo: Path, name: str) -> None:
    folder = repo / name.rsplit("/", 1)[0] if "/" in name else repo
    folder.mkdir(parents=True, exist_ok=True)
    path = folder / (name.rsplit("/", 1)[-1] if "/" in name else name)
    path.write_text("flask ==\n", encoding="utf-8")  # a parse error quoting the path
    code, out, err = _run("check", "-o", "json")
    assert code == 2
    for line in (out + err).splitlines():
        assert not line.startswith("::")
    assert "\x1b" not in err
    assert "\x07" not in err


def test_2_a_newline_in_a_path_cannot_ask_git_about_another_file(repo: Path) -> None:
    _write(repo / "base.txt", "zz-listed-at-base\n")
    _git(repo, "add", ".")
    _git(repo, "commit", "-qm", "a list")
    _write(repo / "base.txt\n" / "requirements.txt", "zz-listed-at-base\n")
    code, out, _ = _run("check", "--since", "HEAD", "-o", "json")
    assert "zz-listed-at-base" in [r["name"] for r in json.loads(out)["results"]]
    assert code == 1
