"""action.yml: parsed and checked, then its steps run locally with a recorded `pull_request`
event, the fake registry, a fake GitHub REST API and stubbed `uses:` steps (SARIF upload,
artifact, setup-python) and install step.
"""

from __future__ import annotations

import json
import re
import subprocess
import sys
from collections.abc import Iterator
from pathlib import Path
from typing import Any

import pytest

from tests.action.fake_github import TOKEN, FakeGitHub
from tests.action.runner import ACTION, EXPRESSION, Run, Runner, base_env
from tests.action.scripts import EVENTS, load
from tests.fakeregistry import FakeRegistry
from tests.report.sarif_checks import assert_valid

REPO = "acme/webapp"
STEPS = ACTION["runs"]["steps"]
run_check = load("run_check")
pr_comment = load("pr_comment")


# ------------------------------------------------------------------------ action.yml, statically


def test_inputs_and_outputs_are_the_documented_ones() -> None:
    assert ACTION["runs"]["using"] == "composite"
    assert list(ACTION["inputs"]) == [
        "paths",
        "since",
        "fail-on",
        "sarif",
        "comment",
        "version",
        "token",
    ]
    defaults = {name: spec.get("default") for name, spec in ACTION["inputs"].items()}
    assert defaults["since"] == "auto"
    assert defaults["sarif"] == "auto"
    assert defaults["comment"] == "on-findings"
    assert defaults["fail-on"] == "high_risk"
    assert set(ACTION["outputs"]) == {"exit-code", "findings", "sarif-file", "report"}
    for spec in ACTION["inputs"].values():
        assert spec["description"]


def test_no_expression_inside_any_run_and_every_input_reaches_a_step() -> None:
    used: set[str] = set()
    for step in STEPS:
        if "run" in step:
            assert "${{" not in step["run"], f"step {step['id']}: expression inside run:"
            assert step["shell"] == "bash"
        for value in [*step.get("env", {}).values(), *step.get("with", {}).values()]:
            used.update(re.findall(r"inputs\.([A-Za-z0-9_-]+)", str(value)))
    assert used == set(ACTION["inputs"])


def test_step_order_upload_tolerance_and_the_exit_last() -> None:
    ids = [step["id"] for step in STEPS]
    assert ids.index("check") < ids.index("upload") < ids.index("comment") < ids.index("exit")
    assert ids[-1] == "exit"
    by_id = {step["id"]: step for step in STEPS}
    upload = by_id["upload"]
    assert upload["uses"].startswith("github/codeql-action/upload-sarif@")
    assert upload["with"]["category"] == "phantom-guard"
    assert upload["continue-on-error"] is True
    assert by_id["artifact"]["continue-on-error"] is True
    assert "PG_EXIT_CODE" in by_id["exit"]["run"]


def test_every_script_a_step_runs_exists() -> None:
    for step in STEPS:
        for script in re.findall(r"\$GITHUB_ACTION_PATH/([\w/.]+)", step.get("run", "")):
            assert (EVENTS.parents[2] / script).is_file(), script


# ------------------------------------------------------------------------------ the steps, run


@pytest.fixture
def github() -> Iterator[FakeGitHub]:
    with FakeGitHub() as fake:
        yield fake


def _git(repo: Path, *args: str) -> str:
    return subprocess.run(
        ["git", "-c", "user.email=ci@example.test", "-c", "user.name=ci", *args],
        cwd=repo,
        capture_output=True,
        text=True,
        check=True,
        timeout=30,
    ).stdout.strip()


@pytest.fixture
def workspace(registry_env: FakeRegistry, tmp_path: Path) -> Path:
    """A checkout whose base commit declares old debt; the pull request adds names on top."""
    repo = tmp_path / "workspace"
    repo.mkdir()
    _git(repo, "init", "-q", "-b", "main")
    (repo / "requirements.txt").write_text("requests\nzz-old-debt-missing\n", encoding="utf-8")
    (repo / "README.md").write_text("flask-gpt-helper in prose is not a dependency\n")
    _git(repo, "add", ".")
    _git(repo, "commit", "-qm", "base")
    return repo


def _event(tmp_path: Path, repo: Path, *, fork: bool = False) -> Path:
    payload = json.loads((EVENTS / "pull_request.json").read_text(encoding="utf-8"))
    payload["pull_request"]["base"]["sha"] = _git(repo, "rev-parse", "HEAD")
    if fork:
        payload["pull_request"]["head"]["repo"] = {"full_name": "stranger/webapp", "fork": True}
    path = tmp_path / "event.json"
    path.write_text(json.dumps(payload), encoding="utf-8")
    return path


def _act(
    repo: Path,
    github: FakeGitHub,
    tmp_path: Path,
    *,
    fork: bool = False,
    upload: str = "success",
    inputs: dict[str, str] | None = None,
) -> Run:
    temp = tmp_path / "runner-temp"
    temp.mkdir(exist_ok=True)
    event = _event(tmp_path, repo, fork=fork)
    runner = Runner(
        workdir=repo,
        temp=temp,
        github={
            "token": TOKEN,
            "action_path": str(EVENTS.parents[2]),
            "server_url": "https://github.example.test",
            "repository": REPO,
            "run_id": "7",
        },
        env={
            **base_env(),
            "GITHUB_EVENT_NAME": "pull_request",
            "GITHUB_EVENT_PATH": str(event),
            "GITHUB_REPOSITORY": REPO,
            "GITHUB_API_URL": github.url,
            "GITHUB_ACTOR": "contributor",
            "GITHUB_JOB": "deps",
            "GITHUB_RUN_ATTEMPT": "1",
        },
        stubs={
            "python": {"outputs": {"python-path": sys.executable}},
            "install": {"outputs": {"python": sys.executable}},
            "upload": {"outcome": upload},
        },
    )
    return runner.run(inputs or {})


def _outputs(run: Run) -> dict[str, str]:
    """The action's outputs, evaluated as the runner would."""
    return {
        name: EXPRESSION.sub(
            lambda m: run.output(*re.findall(r"steps\.([\w-]+)\.outputs\.([\w-]+)", m.group(0))[0]),
            spec["value"],
        )
        for name, spec in ACTION["outputs"].items()
    }


def _add(repo: Path, text: str) -> None:
    (repo / "requirements.txt").write_text(text, encoding="utf-8")


def test_a_pull_request_that_adds_a_hallucinated_name(
    workspace: Path, github: FakeGitHub, tmp_path: Path
) -> None:
    # A first push adds a popular name only: the job passes, nothing is posted, and the SARIF is
    # still uploaded (an empty one closes earlier alerts).
    _add(workspace, "requests\nzz-old-debt-missing\nflask\n")
    clean = _act(workspace, github, tmp_path)
    assert clean.exit_code == 0, clean.log
    assert "upload" in clean.order
    assert github.log == [("GET", f"/repos/{REPO}/issues/42/comments")]

    _add(workspace, "requests\nzz-old-debt-missing\nflask-gpt-helper\n")
    run = _act(workspace, github, tmp_path)
    assert run.exit_code == 1, run.log
    assert run.order[-1] == "exit"
    assert run.order == ["python", "install", "check", "upload", "upload-note", "comment", "exit"]
    outputs = _outputs(run)
    assert outputs["exit-code"] == "1"
    assert outputs["findings"] == "1"  # the old debt is not this pull request's
    report = json.loads(Path(outputs["report"]).read_text(encoding="utf-8"))
    assert [r["name"] for r in report["results"]] == ["flask-gpt-helper"]
    sarif = json.loads(Path(outputs["sarif-file"]).read_text(encoding="utf-8"))
    assert_valid(sarif)
    (result,) = sarif["runs"][0]["results"]
    assert result["ruleId"] == "NOT_FOUND"
    location = result["locations"][0]["physicalLocation"]
    assert location["artifactLocation"]["uri"] == "requirements.txt"
    assert location["region"]["startLine"] == 3
    assert run.uses["upload"] == {"sarif_file": outputs["sarif-file"], "category": "phantom-guard"}
    assert "flask-gpt-helper" in run.summary
    assert "names this pull request adds" in run.summary
    assert "uploaded to code scanning" in run.summary
    (comment,) = github.comments[(REPO, 42)]
    assert comment["body"].startswith(pr_comment.MARKER)
    assert "flask-gpt-helper" in comment["body"]
    assert "zz-old-debt-missing" not in comment["body"]

    # The next push removes the name: the same comment now says resolved, and the job passes.
    _add(workspace, "requests\nzz-old-debt-missing\nflask\n")
    again = _act(workspace, github, tmp_path)
    assert again.exit_code == 0, again.log
    assert _outputs(again)["findings"] == "0"
    (comment,) = github.comments[(REPO, 42)]
    assert "resolved" in comment["body"]
    assert [m for m, _ in github.log] == ["GET", "GET", "POST", "GET", "PATCH"]


def test_a_fork_gets_no_comment_and_no_upload_but_an_artifact(
    workspace: Path, github: FakeGitHub, tmp_path: Path
) -> None:
    _add(workspace, "requests\nzz-old-debt-missing\nflask-gpt-helper\n")
    run = _act(workspace, github, tmp_path, fork=True)
    assert run.exit_code == 1, run.log
    assert "upload" not in run.order
    assert "artifact" in run.order
    artifact = run.uses["artifact"]
    assert artifact["name"].startswith("phantom-guard-deps-1-")
    assert artifact["path"].split() == [_outputs(run)["sarif-file"], _outputs(run)["report"]]
    assert "fork" in run.summary
    assert "workflow artifact" in run.summary
    assert github.log == []


def test_a_failed_upload_keeps_the_artifact_and_the_checks_exit_code(
    workspace: Path, github: FakeGitHub, tmp_path: Path
) -> None:
    _add(workspace, "requests\nzz-old-debt-missing\nflask-gpt-helper\n")
    run = _act(workspace, github, tmp_path, upload="failure")
    assert run.exit_code == 1, run.log
    assert run.order.index("upload") < run.order.index("artifact") < run.order.index("exit")
    assert "upload failed" in run.summary
    assert "::warning::" in run.log


def test_inputs_reach_the_check(workspace: Path, github: FakeGitHub, tmp_path: Path) -> None:
    (workspace / "sub").mkdir()
    (workspace / "sub" / "requirements.txt").write_text("zz-in-sub-missing\n", encoding="utf-8")
    run = _act(
        workspace,
        github,
        tmp_path,
        inputs={"paths": "sub", "since": "", "comment": "never", "sarif": "off"},
    )
    assert run.exit_code == 1, run.log
    report = json.loads(Path(_outputs(run)["report"]).read_text(encoding="utf-8"))
    assert [r["name"] for r in report["results"]] == ["zz-in-sub-missing"]
    assert "upload" not in run.order and "artifact" not in run.order
    assert github.log == []
    assert "every name" in run.summary


def test_an_input_error_is_exit_2_and_shown(
    workspace: Path, github: FakeGitHub, tmp_path: Path
) -> None:
    run = _act(workspace, github, tmp_path, inputs={"paths": "no-such-file.txt"})
    assert run.exit_code == 2, run.log
    assert run.order[-1] == "exit"
    assert "no-such-file.txt: no such file or directory" in run.summary


def test_wrong_input_values_fail_the_step(
    workspace: Path, github: FakeGitHub, tmp_path: Path
) -> None:
    run = _act(workspace, github, tmp_path, inputs={"fail-on": "everything"})
    assert run.exit_code != 0
    assert "fail-on must be one of" in run.log


# --------------------------------------------------------------------------- run_check, as code


@pytest.mark.parametrize(
    ("since", "event_name", "event", "expected"),
    [
        ("auto", "pull_request", {"pull_request": {"base": {"sha": "b" * 40}}}, "b" * 40),
        ("auto", "pull_request_target", {"pull_request": {"base": {"sha": "c" * 40}}}, "c" * 40),
        ("auto", "push", {"before": "d" * 40}, "d" * 40),
        ("auto", "push", {"before": "0" * 40}, None),  # a new branch: everything
        ("auto", "schedule", {}, None),
        ("auto", "workflow_dispatch", {}, None),
        ("HEAD~3", "push", {"before": "d" * 40}, "HEAD~3"),
        ("", "pull_request", {"pull_request": {"base": {"sha": "b" * 40}}}, None),
    ],
)
def test_since_auto(since: str, event_name: str, event: dict[str, Any], expected: str) -> None:
    assert run_check.since_revision(since, event_name, event)[0] == expected


def test_upload_decision() -> None:
    fork = {"pull_request": {"head": {"repo": {"full_name": "x/y"}}, "base": {"repo": {}}}}
    same = {
        "pull_request": {
            "head": {"repo": {"full_name": "a/b"}},
            "base": {"repo": {"full_name": "a/b"}},
        }
    }
    assert run_check.upload_decision("auto", same, "dev")[0] is True
    assert run_check.upload_decision("auto", fork, "dev")[0] is False
    assert run_check.upload_decision("auto", same, "dependabot[bot]")[0] is False
    assert run_check.upload_decision("upload", fork, "dev")[0] is True
    assert run_check.upload_decision("artifact", same, "dev")[0] is False
    assert run_check.upload_decision("off", same, "dev")[0] is False


def test_install_script_installs_a_version_or_the_actions_own_checkout(tmp_path: Path) -> None:
    log = tmp_path / "pip.log"
    fake_python = tmp_path / "python3"
    # A stand-in interpreter: `-m venv DIR` makes DIR/bin/python, itself a stand-in that logs.
    fake_python.write_text(
        "#!/usr/bin/env bash\n"
        'if [ "$1 $2" = "-m venv" ]; then mkdir -p "$3/bin"; cp "$0" "$3/bin/python"; exit 0; fi\n'
        f'echo "$*" >> "{log}"\n',
        encoding="utf-8",
    )
    fake_python.chmod(0o755)
    script = EVENTS.parents[2] / "action" / "install.sh"

    def install(version: str) -> subprocess.CompletedProcess[str]:
        output = tmp_path / "output"
        output.write_text("", encoding="utf-8")
        return subprocess.run(
            ["bash", str(script)],
            env={
                **base_env(),
                "PG_BASE_PYTHON": str(fake_python),
                "PG_VENV": str(tmp_path / "venv"),
                "PG_VERSION": version,
                "PG_ACTION_PATH": "/actions/phantom-guard",
                "GITHUB_OUTPUT": str(output),
            },
            capture_output=True,
            text=True,
            check=False,
        )

    assert install("v0.2.0").returncode == 0
    assert install("").returncode == 0
    written = (tmp_path / "output").read_text(encoding="utf-8")
    assert written == f"python={tmp_path}/venv/bin/python\n"
    bad = install("1.0; curl evil")
    assert bad.returncode == 2 and "::error::" in bad.stdout
    lines = log.read_text(encoding="utf-8").splitlines()
    assert lines[0].endswith("install --quiet --disable-pip-version-check phantom-guard==0.2.0")
    assert lines[2].endswith("install --quiet --disable-pip-version-check /actions/phantom-guard")
