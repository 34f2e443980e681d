"""The action's one lookup run: ``phantom-guard check ... -o json`` with its exit code kept, then
SARIF and Markdown rendered from that report, the job summary, and the step's outputs.

Standard library only; it runs with the Python phantom-guard was installed into (PG_PYTHON). It
never fails the step because of findings: the action's last step exits with the check's code, so
the SARIF upload and the comment always see the report first.

Environment: PG_PYTHON, PG_PATHS, PG_SINCE (auto | REF | empty), PG_FAIL_ON, PG_SARIF
(auto | upload | artifact | off), PG_OUT (folder for the files), and the runner's GITHUB_EVENT_NAME,
GITHUB_EVENT_PATH, GITHUB_REPOSITORY, GITHUB_ACTOR, GITHUB_OUTPUT, GITHUB_STEP_SUMMARY.
"""

from __future__ import annotations

import hashlib
import json
import os
import re
import shlex
import subprocess
import sys
import time
from pathlib import Path
from typing import Any

SARIF_MODES = ("auto", "upload", "artifact", "off")
FAIL_ON = ("suspicious", "high_risk")
#: GitHub keeps at most 1 MiB of a step's summary.
MAX_SUMMARY = 1024 * 1024 - 4096
_NO_COMMIT = re.compile(r"0{40}")
_GIT_TIMEOUT = 120
_FINDINGS = ("SUSPICIOUS", "HIGH_RISK", "NOT_FOUND")


def event_payload(environ: dict[str, str]) -> dict[str, Any]:
    """The webhook payload of the event that started the run ({} when there is none)."""
    path = environ.get("GITHUB_EVENT_PATH", "")
    if not path:
        return {}
    try:
        payload = json.loads(Path(path).read_text(encoding="utf-8"))
    except (OSError, ValueError):
        return {}
    return payload if isinstance(payload, dict) else {}


def is_fork(event: dict[str, Any]) -> bool:
    """A pull request whose head lives in another repository (or in a deleted one)."""
    pr = event.get("pull_request")
    if not isinstance(pr, dict):
        return False
    head = (pr.get("head") or {}).get("repo") or {}
    base = (pr.get("base") or {}).get("repo") or {}
    return bool(head.get("full_name") != base.get("full_name"))


def since_revision(since: str, event_name: str, event: dict[str, Any]) -> tuple[str | None, str]:
    """The git revision to compare with, and a sentence saying why.

    ``auto``: a pull request's base commit, a push's ``before``; anything else (a schedule, a
    manual run, a branch's first push) is a full scan.
    """
    if since != "auto":
        return (since or None), (f"names added since {since}" if since else "every name")
    if event_name.startswith("pull_request"):
        base = ((event.get("pull_request") or {}).get("base") or {}).get("sha")
        if isinstance(base, str) and base:
            return base, f"names this pull request adds (base {base[:12]})"
    if event_name == "push":
        before = event.get("before")
        if isinstance(before, str) and before and not _NO_COMMIT.fullmatch(before):
            return before, f"names this push adds (since {before[:12]})"
    return None, "every name (no base commit for this event)"


def ensure_commit(revision: str) -> bool:
    """Whether `revision` is in the clone, fetching just that commit when the checkout was
    shallow (actions/checkout fetches one commit by default).
    """

    def git(*args: str) -> int:
        try:
            done = subprocess.run(
                ["git", *args], capture_output=True, timeout=_GIT_TIMEOUT, check=False
            )
        except (OSError, subprocess.SubprocessError):
            return 1
        return done.returncode

    if git("cat-file", "-e", f"{revision}^{{commit}}") == 0:
        return True
    git("fetch", "--no-tags", "--quiet", "--depth=1", "origin", revision)
    return git("cat-file", "-e", f"{revision}^{{commit}}") == 0


def upload_decision(mode: str, event: dict[str, Any], actor: str) -> tuple[bool, str]:
    """Whether to upload the SARIF to code scanning, and a sentence saying why not."""
    if mode == "off":
        return False, "SARIF upload is off (sarif: off)."
    if mode == "artifact":
        return False, "SARIF kept as a workflow artifact (sarif: artifact)."
    if mode == "upload":
        return True, ""
    if is_fork(event):
        return False, "Pull request from a fork: its token cannot write security events."
    if actor == "dependabot[bot]":
        return False, "Dependabot's token cannot write security events."
    return True, ""


def findings(report: dict[str, Any]) -> int:
    """Results at SUSPICIOUS or above (what a comment is about)."""
    return sum(1 for r in report.get("results", []) if r.get("recommendation") in _FINDINGS)


def summary_text(markdown: str, scope: str, code: int, errors: list[str], note: str) -> str:
    """The job summary: the Markdown report, what was checked, stderr's errors, the upload note;
    cut below GitHub's 1 MiB limit for a step summary.
    """
    parts = [markdown.rstrip(), "", f"Checked: {scope}. Exit code of the check: {code}."]
    if errors:
        parts += ["", "**Errors**", "", "```", *errors, "```"]
    if note:
        parts += ["", note]
    text = "\n".join(parts) + "\n"
    if len(text.encode()) > MAX_SUMMARY:
        cut = text.encode()[:MAX_SUMMARY].decode(errors="ignore")
        text = cut[: cut.rfind("\n")] + "\n\n> **Truncated**: the full report is the JSON file.\n"
    return text


def artifact_name(environ: dict[str, str]) -> str:
    """A name no other use of the action in this run takes (artifact names are per run)."""
    unique = "\0".join(
        environ.get(k, "") for k in ("GITHUB_ACTION", "RUNNER_NAME", "PG_PATHS")
    ) + str(time.time_ns())
    job = re.sub(r"[^A-Za-z0-9_.-]", "-", environ.get("GITHUB_JOB", "job"))
    digest = hashlib.sha256(unique.encode()).hexdigest()[:8]
    return f"phantom-guard-{job}-{environ.get('GITHUB_RUN_ATTEMPT', '1')}-{digest}"


def set_outputs(environ: dict[str, str], values: dict[str, str]) -> None:
    """Append ``name=value`` lines to GITHUB_OUTPUT (stdout outside Actions)."""
    output = environ.get("GITHUB_OUTPUT")
    if not output:
        for key, value in values.items():
            print(f"{key}={value}")
        return
    with open(output, "a", encoding="utf-8") as handle:
        for key, value in values.items():
            handle.write(f"{key}={value}\n")


def main(environ: dict[str, str]) -> int:
    """Check, render, summarize; 0 whatever the verdicts (the action's last step exits with
    the check's code), 2 for an input value the action does not know, 1 if rendering fails.
    """
    python = environ.get("PG_PYTHON") or sys.executable
    fail_on = environ.get("PG_FAIL_ON", "high_risk").strip() or "high_risk"
    sarif_mode = environ.get("PG_SARIF", "auto").strip() or "auto"
    if fail_on not in FAIL_ON:
        print(f"::error::fail-on must be one of {', '.join(FAIL_ON)}, not {fail_on!r}")
        return 2
    if sarif_mode not in SARIF_MODES:
        print(f"::error::sarif must be one of {', '.join(SARIF_MODES)}, not {sarif_mode!r}")
        return 2
    out = Path(environ.get("PG_OUT") or ".").resolve()
    out.mkdir(parents=True, exist_ok=True)
    report_file, sarif_file, markdown_file = (
        out / "phantom-guard.json",
        out / "phantom-guard.sarif",
        out / "phantom-guard.md",
    )
    event = event_payload(environ)
    since, scope = since_revision(
        environ.get("PG_SINCE", "auto").strip(), environ.get("GITHUB_EVENT_NAME", ""), event
    )
    if since is not None and not ensure_commit(since):
        print(f"::notice::phantom-guard: commit {since} is not in the clone; checking every name.")
        since, scope = None, "every name (the base commit could not be fetched)"
    command = [python, "-m", "phantom_guard", "check", "--fail-on", fail_on, "-o", "json"]
    if since is not None:
        command += ["--since", since]
    command += ["--", *shlex.split(environ.get("PG_PATHS", ""))]
    print(f"phantom-guard: {shlex.join(command[1:])}", flush=True)
    with report_file.open("wb") as stdout:
        done = subprocess.run(command, stdout=stdout, stderr=subprocess.PIPE, check=False)
    errors = done.stderr.decode(errors="replace").splitlines()
    sys.stderr.write("".join(line + "\n" for line in errors))
    code = done.returncode
    try:
        report = json.loads(report_file.read_text(encoding="utf-8"))
    except (OSError, ValueError):
        report = None
    if not isinstance(report, dict):
        # A usage error ends check before any report exists: nothing to render or upload.
        print(f"::error::phantom-guard check wrote no report (exit code {code}).")
        set_outputs(environ, {"exit-code": str(code), "findings": "0", "upload": "false"})
        return 0
    for fmt, target in (("sarif", sarif_file), ("markdown", markdown_file)):
        rendered = subprocess.run(
            [python, "-m", "phantom_guard", "render", str(report_file), "-o", fmt]
            + (["--fail-on", fail_on] if fmt == "sarif" else []),
            capture_output=True,
            check=False,
        )
        if rendered.returncode != 0:
            print(f"::error::phantom-guard render -o {fmt}: {rendered.stderr.decode().strip()}")
            return 1
        target.write_bytes(rendered.stdout)
    upload, note = upload_decision(sarif_mode, event, environ.get("GITHUB_ACTOR", ""))
    summary = environ.get("GITHUB_STEP_SUMMARY")
    if summary:
        text = summary_text(markdown_file.read_text(encoding="utf-8"), scope, code, errors, note)
        with open(summary, "a", encoding="utf-8") as handle:
            handle.write(text)
    set_outputs(
        environ,
        {
            "exit-code": str(code),
            "findings": str(findings(report)),
            "report": str(report_file),
            "sarif-file": str(sarif_file),
            "markdown-file": str(markdown_file),
            "upload": "true" if upload else "false",
            "keep-artifact": "true" if (not upload and sarif_mode != "off") else "false",
            "artifact-name": artifact_name(environ),
        },
    )
    return 0


if __name__ == "__main__":
    sys.exit(main(dict(os.environ)))
