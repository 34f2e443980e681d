"""One pull-request comment per action run, edited in place: created only when there are
findings, updated on every run, edited to "resolved" when the findings are gone; never on forks.

Standard library only (it runs before and apart from phantom-guard's own environment). The REST
API base comes from GITHUB_API_URL, which the runner sets (GitHub Enterprise included) and the
tests point at a fake on 127.0.0.1.

Environment: GITHUB_TOKEN, GITHUB_REPOSITORY, GITHUB_EVENT_PATH, GITHUB_API_URL, PG_COMMENT
(on-findings | always | never), PG_FINDINGS (count), PG_MARKDOWN (file), PG_RUN_URL (optional).
Exit status is 0 unless the inputs are wrong: a comment that cannot be posted is a warning,
never a reason to hide the check's own result.
"""

from __future__ import annotations

import json
import os
import sys
import urllib.error
import urllib.request
from pathlib import Path
from typing import Any

#: Marks the one comment this action owns in a pull request; invisible in rendered Markdown.
MARKER = "<!-- phantom-guard:pr-comment -->"
#: GitHub rejects an issue comment body longer than this many characters.
MAX_BODY = 65_536
MODES = ("on-findings", "always", "never")
_TIMEOUT = 30
_PAGE = 100
_MAX_PAGES = 50


class GitHub:
    """The three issue-comment endpoints this script needs, on one REST API base URL."""

    def __init__(self, api_url: str, token: str, repository: str) -> None:
        self.base = api_url.rstrip("/")
        self.token = token
        self.repository = repository

    def request(self, method: str, path: str, body: dict[str, Any] | None = None) -> Any:
        data = json.dumps(body).encode() if body is not None else None
        request = urllib.request.Request(
            f"{self.base}{path}",
            data=data,
            method=method,
            headers={
                "Accept": "application/vnd.github+json",
                "Authorization": f"Bearer {self.token}",
                "X-GitHub-Api-Version": "2022-11-28",
                "User-Agent": "phantom-guard-action",
                **({"Content-Type": "application/json"} if data is not None else {}),
            },
        )
        with urllib.request.urlopen(request, timeout=_TIMEOUT) as response:
            payload = response.read()
        return json.loads(payload) if payload else None

    def find_comment(self, number: int) -> dict[str, Any] | None:
        """This action's comment on pull request `number` (the first one carrying the marker)."""
        for page in range(1, _MAX_PAGES + 1):
            comments = self.request(
                "GET",
                f"/repos/{self.repository}/issues/{number}/comments?per_page={_PAGE}&page={page}",
            )
            for comment in comments:
                if str(comment.get("body") or "").startswith(MARKER):
                    return dict(comment)
            if len(comments) < _PAGE:
                return None
        return None

    def create(self, number: int, body: str) -> None:
        self.request("POST", f"/repos/{self.repository}/issues/{number}/comments", {"body": body})

    def update(self, comment_id: int, body: str) -> None:
        self.request(
            "PATCH", f"/repos/{self.repository}/issues/comments/{comment_id}", {"body": body}
        )


def pull_request(event: dict[str, Any], repository: str) -> tuple[int | None, bool]:
    """The pull request number of this event (None: not a pull request) and whether it comes
    from a fork (its token cannot write, and its comments would come from someone else's code).
    """
    pr = event.get("pull_request")
    if not isinstance(pr, dict) or not isinstance(pr.get("number"), int):
        return None, False
    head_repo = (pr.get("head") or {}).get("repo") or {}  # null when the fork was deleted
    base_repo = (pr.get("base") or {}).get("repo") or {}
    home = base_repo.get("full_name") or repository
    return pr["number"], head_repo.get("full_name") != home


def body_for(markdown: str, run_url: str | None) -> str:
    """The comment: marker, the report, a link to the run; cut to GitHub's limit with a note."""
    footer = f"\n\n[Workflow run]({run_url})" if run_url else ""
    text = f"{MARKER}\n{markdown.rstrip()}{footer}\n"
    if len(text) <= MAX_BODY:
        return text
    note = (
        f"\n\n> **Truncated:** the report is {len(markdown):,} characters and a comment holds "
        f"{MAX_BODY:,}. The full report is in the job summary and the SARIF results.{footer}\n"
    )
    room = MAX_BODY - len(MARKER) - 1 - len(note)
    kept = markdown[:room]
    if "\n" in kept:
        kept = kept[: kept.rindex("\n")]  # whole lines only: never half a table row
    return f"{MARKER}\n{kept}{note}"


def resolved_body(run_url: str | None) -> str:
    """What the comment becomes once a later run finds nothing."""
    link = f" ([workflow run]({run_url}))" if run_url else ""
    return (
        f"{MARKER}\n### phantom-guard: resolved\n\n"
        f"The latest run found no packages that need attention{link}.\n"
    )


def main(environ: dict[str, str]) -> int:
    """Post, update or resolve the comment; returns the process exit status."""
    mode = environ.get("PG_COMMENT", "on-findings").strip() or "on-findings"
    if mode not in MODES:
        print(f"::error::comment must be one of {', '.join(MODES)}, not {mode!r}")
        return 2
    if mode == "never":
        return 0
    event_path = environ.get("GITHUB_EVENT_PATH", "")
    try:
        event = json.loads(Path(event_path).read_text(encoding="utf-8")) if event_path else {}
    except (OSError, ValueError) as exc:
        print(f"::warning::phantom-guard: no comment, cannot read the event payload: {exc}")
        return 0
    repository = environ.get("GITHUB_REPOSITORY", "")
    number, fork = pull_request(event, repository)
    if number is None:
        return 0
    if fork:
        print("phantom-guard: pull request from a fork: no comment (its token cannot write).")
        return 0
    findings = int(environ.get("PG_FINDINGS", "0") or 0)
    run_url = environ.get("PG_RUN_URL") or None
    github = GitHub(
        environ.get("GITHUB_API_URL", "https://api.github.com"),
        environ.get("GITHUB_TOKEN", ""),
        repository,
    )
    try:
        existing = github.find_comment(number)
        if findings or mode == "always":
            markdown = Path(environ["PG_MARKDOWN"]).read_text(encoding="utf-8")
            body = body_for(markdown, run_url)
        elif existing is not None:
            body = resolved_body(run_url)
        else:
            return 0  # nothing found and nothing said before: stay quiet
        if existing is None:
            github.create(number, body)
            print(f"phantom-guard: commented on pull request #{number}.")
        elif existing.get("body") != body:
            github.update(int(existing["id"]), body)
            print(f"phantom-guard: updated the comment on pull request #{number}.")
    except (urllib.error.URLError, OSError, ValueError, KeyError) as exc:
        print(f"::warning::phantom-guard: could not comment on pull request #{number}: {exc}")
    return 0


if __name__ == "__main__":
    sys.exit(main(dict(os.environ)))
