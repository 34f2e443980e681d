"""`hooks install|uninstall`: merged into each host's settings file, idempotent, with a backup."""

from __future__ import annotations

import json
from pathlib import Path

import pytest
from click.testing import CliRunner

from phantom_guard.cli import main
from phantom_guard.hooks import AGENTS
from phantom_guard.hooks.install import Scope, install, settings_file, snippet, uninstall


@pytest.fixture
def home(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> Path:
    home = tmp_path / "home"
    home.mkdir()
    monkeypatch.setenv("HOME", str(home))
    project = tmp_path / "project"
    project.mkdir()
    monkeypatch.chdir(project)
    return home


def _run(*args: str) -> tuple[int, str, str]:
    result = CliRunner().invoke(main, list(args))
    return result.exit_code, result.stdout, result.stderr


@pytest.mark.parametrize("agent", AGENTS)
def test_install_is_idempotent_and_keeps_other_hooks(home: Path, agent: str) -> None:
    path = settings_file(agent, Scope.USER, home=home, project=Path.cwd())
    path.parent.mkdir(parents=True)
    other = {"type": "command", "command": "./audit.sh"}
    existing: dict[str, object] = {"theme": "dark"}
    if agent == "cursor":
        existing |= {"version": 1, "hooks": {"beforeShellExecution": [other]}}
    else:
        event = "BeforeTool" if agent == "gemini" else "PreToolUse"
        existing |= {"hooks": {event: [{"matcher": "Bash", "hooks": [other]}]}}
    path.write_text(json.dumps(existing))

    first = install(agent, path)
    assert first.changed
    assert first.backup is not None and json.loads(first.backup.read_text()) == existing
    after = json.loads(path.read_text())
    assert after["theme"] == "dark"
    text = json.dumps(after)
    assert "./audit.sh" in text
    assert f"phantom-guard hook --agent {agent}" in text

    again = install(agent, path)
    assert not again.changed
    assert json.loads(path.read_text()) == after

    removed = uninstall(path)
    assert removed.changed
    assert json.loads(path.read_text()) == existing
    assert not uninstall(path).changed


@pytest.mark.parametrize("agent", AGENTS)
def test_snippet_names_the_host_events(agent: str) -> None:
    hooks = snippet(agent)["hooks"]
    expected = {
        "claude": "PreToolUse",
        "codex": "PreToolUse",
        "gemini": "BeforeTool",
        "cursor": "beforeShellExecution",
    }[agent]
    assert list(hooks) == [expected]


def test_cli_install_project_scope_then_print(home: Path) -> None:
    code, out, _ = _run("hooks", "install", "--agent", "claude", "--scope", "project")
    assert code == 0
    path = Path.cwd() / ".claude" / "settings.json"
    assert str(path) in out
    document = json.loads(path.read_text())
    group = document["hooks"]["PreToolUse"][0]
    assert group["matcher"] == "Bash|Write|Edit|MultiEdit"
    assert group["hooks"][0]["command"] == "phantom-guard hook --agent claude"
    code, out, _ = _run("hooks", "install", "--agent", "claude", "--scope", "project")
    assert code == 0 and "already up to date" in out

    code, out, _ = _run("hooks", "install", "--agent", "gemini", "--print")
    assert code == 0
    assert not (home / ".gemini").exists()
    assert json.loads(out.split("\n", 1)[1])["hooks"]["BeforeTool"][0]["matcher"] == (
        "run_shell_command|write_file|replace"
    )

    code, out, _ = _run("hooks", "uninstall", "--agent", "claude", "--scope", "project")
    assert code == 0 and "removed" in out
    assert json.loads(path.read_text()) == {}


def test_unreadable_settings_are_exit_2(home: Path) -> None:
    path = home / ".codex" / "hooks.json"
    path.parent.mkdir()
    path.write_text("{not json")
    code, _, err = _run("hooks", "install", "--agent", "codex")
    assert code == 2
    assert "cannot read settings" in err
    assert path.read_text() == "{not json"
