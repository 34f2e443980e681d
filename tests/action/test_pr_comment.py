"""action/pr_comment.py against a fake GitHub REST API: create -> update -> resolved, one
comment per pull request, nothing on forks, bodies cut to GitHub's 65,536 characters.
"""

from __future__ import annotations

import json
from collections.abc import Iterator
from pathlib import Path
from typing import Any

import pytest

from tests.action.fake_github import TOKEN, FakeGitHub
from tests.action.scripts import EVENTS, load

pr_comment = load("pr_comment")
REPO = "acme/webapp"


@pytest.fixture
def github() -> Iterator[FakeGitHub]:
    with FakeGitHub() as fake:
        yield fake


def event(tmp_path: Path, *, fork: bool = False) -> Path:
    payload = json.loads((EVENTS / "pull_request.json").read_text(encoding="utf-8"))
    if fork:
        payload["pull_request"]["head"]["repo"] = {"full_name": "stranger/webapp", "fork": True}
    path = tmp_path / ("fork.json" if fork else "event.json")
    path.write_text(json.dumps(payload), encoding="utf-8")
    return path


def run(github: FakeGitHub, tmp_path: Path, markdown: str, findings: int, **env: Any) -> int:
    report = tmp_path / "report.md"
    report.write_text(markdown, encoding="utf-8")
    environ = {
        "GITHUB_API_URL": github.url,
        "GITHUB_TOKEN": TOKEN,
        "GITHUB_REPOSITORY": REPO,
        "GITHUB_EVENT_PATH": str(event(tmp_path)),
        "PG_COMMENT": "on-findings",
        "PG_FINDINGS": str(findings),
        "PG_MARKDOWN": str(report),
        "PG_RUN_URL": "https://github.example.test/acme/webapp/actions/runs/7",
        **{k: str(v) for k, v in env.items()},
    }
    return int(pr_comment.main(environ))


def bodies(github: FakeGitHub) -> list[str]:
    return [c["body"] for c in github.comments.get((REPO, 42), [])]


def test_create_then_update_then_resolved(github: FakeGitHub, tmp_path: Path) -> None:
    assert run(github, tmp_path, "### phantom-guard: 1 of 3\n| flask-gpt-helper |", 1) == 0
    (first,) = bodies(github)
    assert first.startswith(pr_comment.MARKER)
    assert "flask-gpt-helper" in first
    assert "actions/runs/7" in first
    assert [m for m, _ in github.log] == ["GET", "POST"]

    assert run(github, tmp_path, "### phantom-guard: 2 of 4\n| reqeusts |", 2) == 0
    (second,) = bodies(github)  # the same comment, edited in place
    assert "reqeusts" in second and "flask-gpt-helper" not in second
    assert [m for m, _ in github.log][-2:] == ["GET", "PATCH"]

    assert run(github, tmp_path, "### phantom-guard: 0 of 4", 0) == 0
    (third,) = bodies(github)
    assert third.startswith(pr_comment.MARKER)
    assert "resolved" in third
    assert [m for m, _ in github.log][-2:] == ["GET", "PATCH"]

    calls = len(github.log)
    assert run(github, tmp_path, "### phantom-guard: 0 of 4", 0) == 0
    assert len(github.log) == calls + 1  # already resolved: looked, did not edit


def test_no_findings_and_no_earlier_comment_posts_nothing(
    github: FakeGitHub, tmp_path: Path
) -> None:
    assert run(github, tmp_path, "### phantom-guard: 0 of 3", 0) == 0
    assert bodies(github) == []
    assert [m for m, _ in github.log] == ["GET"]


def test_always_posts_a_clean_report(github: FakeGitHub, tmp_path: Path) -> None:
    assert run(github, tmp_path, "### phantom-guard: 0 of 3", 0, PG_COMMENT="always") == 0
    (body,) = bodies(github)
    assert "0 of 3" in body


def test_never_and_fork_make_no_call(github: FakeGitHub, tmp_path: Path) -> None:
    assert run(github, tmp_path, "| x |", 3, PG_COMMENT="never") == 0
    assert run(github, tmp_path, "| x |", 3, GITHUB_EVENT_PATH=event(tmp_path, fork=True)) == 0
    deleted = json.loads(event(tmp_path).read_text(encoding="utf-8"))
    deleted["pull_request"]["head"]["repo"] = None  # the fork was deleted
    gone = tmp_path / "gone.json"
    gone.write_text(json.dumps(deleted), encoding="utf-8")
    assert run(github, tmp_path, "| x |", 3, GITHUB_EVENT_PATH=gone) == 0
    push = tmp_path / "push.json"
    push.write_text(json.dumps({"ref": "refs/heads/main", "before": "a" * 40}), encoding="utf-8")
    assert run(github, tmp_path, "| x |", 3, GITHUB_EVENT_PATH=push) == 0
    assert github.log == []


def test_our_comment_is_found_among_many_and_others_are_left_alone(
    github: FakeGitHub, tmp_path: Path
) -> None:
    for i in range(150):  # two pages of other people's comments first
        github.add(REPO, 42, f"comment {i}")
    github.add(REPO, 42, f"quoting you: {pr_comment.MARKER}")  # the marker, but not at the start
    ours = github.add(REPO, 42, f"{pr_comment.MARKER}\nold report")
    assert run(github, tmp_path, "### new report", 1) == 0
    assert len(bodies(github)) == 152
    edited = [c for c in github.comments[(REPO, 42)] if c["id"] == ours]
    assert "new report" in edited[0]["body"]
    assert ("PATCH", f"/repos/{REPO}/issues/comments/{ours}") in github.log
    assert not any(b.startswith("comment") and "new report" in b for b in bodies(github))


def test_a_long_report_is_cut_to_the_limit_with_a_note(github: FakeGitHub, tmp_path: Path) -> None:
    row = "| 🔴 | HIGH_RISK | some-package-name | pypi | requirements.txt:1 | why |\n"
    markdown = "### phantom-guard: many\n\n" + row * 2000
    assert len(markdown) > pr_comment.MAX_BODY
    assert run(github, tmp_path, markdown, 2000) == 0
    (body,) = bodies(github)  # the fake answers 422 above the limit, as GitHub does
    assert len(body) <= pr_comment.MAX_BODY
    assert "Truncated" in body
    assert f"{len(markdown):,} characters" in body
    table = body.split("> **Truncated")[0].rstrip("\n").splitlines()
    assert table[-1] == row.rstrip("\n")  # whole rows only


def test_body_for_at_the_exact_limit() -> None:
    fits = "x" * (pr_comment.MAX_BODY - len(pr_comment.MARKER) - 2)
    assert len(pr_comment.body_for(fits, None)) == pr_comment.MAX_BODY
    assert "Truncated" not in pr_comment.body_for(fits, None)
    over = pr_comment.body_for(fits + "\n" + "y" * 10, None)
    assert len(over) <= pr_comment.MAX_BODY and "Truncated" in over


def test_api_errors_are_warnings_not_failures(
    github: FakeGitHub, tmp_path: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    github.fail_with = 403
    assert run(github, tmp_path, "| x |", 1) == 0
    assert "::warning::" in capsys.readouterr().out
    assert run(github, tmp_path, "| x |", 1, GITHUB_API_URL="http://127.0.0.1:9/api") == 0


def test_a_wrong_mode_is_an_error(github: FakeGitHub, tmp_path: Path) -> None:
    assert run(github, tmp_path, "| x |", 1, PG_COMMENT="sometimes") == 2
    assert github.log == []
