"""Recorded events per agent host -> exit code, stdout, stderr (tests/fixtures/hooks/<host>/).

Each fixture holds the host's event (``$PROJECT`` stands for the project directory), the files
the project has before the call, the hook's options, and what the host must receive. Every JSON
document the Codex hook prints is validated against Codex's published output schema.
"""

from __future__ import annotations

import json
from datetime import UTC, datetime, timedelta
from pathlib import Path
from typing import Any

import jsonschema
import pytest

from phantom_guard import hooks
from tests.fakeregistry import FakeRegistry, documents

FIXTURES = Path(__file__).parent.parent / "fixtures" / "hooks"
CODEX_SCHEMA = json.loads(
    (FIXTURES / "codex-schema" / "pre-tool-use.command.output.schema.json").read_text()
)
CASES = sorted((host, path) for host in hooks.AGENTS for path in (FIXTURES / host).glob("*.json"))


def _substitute(value: Any, project: str) -> Any:
    if isinstance(value, str):
        return value.replace("$PROJECT", project)
    if isinstance(value, list):
        return [_substitute(v, project) for v in value]
    if isinstance(value, dict):
        return {k: _substitute(v, project) for k, v in value.items()}
    return value


@pytest.fixture
def hook_env(project_env: FakeRegistry) -> FakeRegistry:
    """The fake registry with a package that is worth a look and no more (SUSPICIOUS)."""
    now = datetime.now(UTC)
    project_env.add_pypi(
        "quiet-harbor",
        documents.pypi_document(
            "quiet-harbor",
            [(f"0.{i}.0", now - timedelta(days=60 - 10 * i)) for i in range(3)],
            summary=None,
        ),
    )
    return project_env


def test_every_host_has_fixtures() -> None:
    assert {host for host, _ in CASES} == set(hooks.AGENTS)
    assert len(CASES) >= 30


@pytest.mark.parametrize(("host", "path"), CASES, ids=[f"{h}/{p.stem}" for h, p in CASES])
def test_recorded_event(hook_env: FakeRegistry, host: str, path: Path) -> None:
    project = Path.cwd()
    case = _substitute(json.loads(path.read_text()), str(project))
    for name, text in case.get("files", {}).items():
        (project / name).parent.mkdir(parents=True, exist_ok=True)
        (project / name).write_text(text, encoding="utf-8")
    parsed = hooks._parse(list(case.get("options", [])))
    assert not isinstance(parsed, str), parsed
    _, on_error, budget = parsed
    outcome = hooks.run(host, json.dumps(case["event"]), on_error=on_error, budget=budget)

    expect = case["expect"]
    assert outcome.exit_code == expect["exit_code"], outcome
    if "stdout" in expect:
        assert outcome.stdout == expect["stdout"]
    if "stderr" in expect:
        assert outcome.stderr == expect["stderr"]
    for needle in expect.get("stderr_contains", []):
        assert needle in outcome.stderr
    for needle in expect.get("stdout_contains", []):
        assert needle in outcome.stdout
    if "stdout_json" in expect:
        document = json.loads(outcome.stdout)
        assert _contains(document, expect["stdout_json"]), document
    # Never a JSON answer together with a block by exit code; never an "allow".
    if outcome.exit_code == 2:
        assert outcome.stdout == ""
        assert outcome.stderr.strip()
    assert '"allow"' not in outcome.stdout
    if host == "codex" and outcome.stdout:
        jsonschema.validate(json.loads(outcome.stdout), CODEX_SCHEMA)


def _contains(document: Any, expected: Any) -> bool:
    if isinstance(expected, dict):
        return isinstance(document, dict) and all(
            k in document and _contains(document[k], v) for k, v in expected.items()
        )
    return bool(document == expected)


@pytest.mark.parametrize("host", hooks.AGENTS)
@pytest.mark.parametrize("raw", [b"", b"not json", b"[1, 2]"])
def test_unreadable_event_is_an_error_never_silence(
    project_env: FakeRegistry, host: str, raw: bytes
) -> None:
    outcome = hooks.run(host, raw)
    if host == "claude":
        assert json.loads(outcome.stdout)["hookSpecificOutput"]["permissionDecision"] == "ask"
    elif host == "cursor":
        assert json.loads(outcome.stdout)["permission"] == "deny"
    else:
        assert (outcome.exit_code, outcome.stdout) == (2, "")
        assert "could not read the hook event" in outcome.stderr


def test_time_budget_ends_in_error(project_env: FakeRegistry) -> None:
    project_env.latency = 3.0
    event = {"tool_name": "Bash", "tool_input": {"command": "pip install slow-unknown-name"}}
    outcome = hooks.run("codex", json.dumps(event), budget=0.3)
    assert outcome.exit_code == 2
    assert "did not finish within 0.3 s" in outcome.stderr
    assert hooks.engine.gave_up()
    hooks.engine.abandoned = False


def test_unreachable_registry_is_an_error_never_silence(
    project_env: FakeRegistry, monkeypatch: pytest.MonkeyPatch
) -> None:
    monkeypatch.setenv("PHANTOM_GUARD_PYPI_URL", "http://127.0.0.1:9")
    monkeypatch.setenv("PHANTOM_GUARD_TIMEOUT", "0.5")
    event = {"tool_name": "Bash", "tool_input": {"command": "pip install some-unknown-name"}}
    outcome = hooks.run("claude", json.dumps(event))
    decision = json.loads(outcome.stdout)["hookSpecificOutput"]
    assert decision["permissionDecision"] == "ask"
    assert "some-unknown-name (pypi): ERROR" in decision["permissionDecisionReason"]


def test_a_crash_is_an_error_never_silence(
    project_env: FakeRegistry, monkeypatch: pytest.MonkeyPatch
) -> None:
    from phantom_guard.hooks import engine

    def broken(*args: object, **kwargs: object) -> None:
        raise RuntimeError("boom")

    monkeypatch.setattr(engine, "judge_command", broken)
    event = {"tool_name": "run_shell_command", "tool_input": {"command": "ls"}}
    outcome = hooks.run("gemini", json.dumps(event))
    assert (outcome.exit_code, outcome.stdout) == (2, "")
    assert "RuntimeError: boom" in outcome.stderr
