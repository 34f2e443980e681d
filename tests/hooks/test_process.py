"""The hook as agent hosts run it: a fresh process, the event on stdin."""

from __future__ import annotations

import json
import subprocess
import sys
import time
from pathlib import Path

import pytest
from click.testing import CliRunner

from phantom_guard.cli import main
from tests.fakeregistry import FakeRegistry

DIRECT = "import sys; from phantom_guard.hooks import main; sys.exit(main(sys.argv[1:]))"


def _hook(args: list[str], event: object, *, direct: bool) -> subprocess.CompletedProcess[str]:
    command = [sys.executable, "-c", DIRECT] if direct else [sys.executable, "-m", "phantom_guard"]
    return subprocess.run(
        [*command, *args],
        input=json.dumps(event),
        capture_output=True,
        text=True,
        timeout=60,
        check=False,
    )


@pytest.mark.parametrize("direct", [True, False], ids=["hooks.main", "python -m phantom_guard"])
def test_block_and_silence_in_a_fresh_process(project_env: FakeRegistry, direct: bool) -> None:
    blocked = _hook(
        ["hook", "--agent", "gemini"],
        {"tool_name": "run_shell_command", "tool_input": {"command": "npm i expres"}},
        direct=direct,
    )
    assert (blocked.returncode, blocked.stdout) == (2, "")
    assert "expres (npm): NOT_FOUND" in blocked.stderr
    assert "did you mean express?" in blocked.stderr
    quiet = _hook(
        ["hook", "--agent", "gemini"],
        {"tool_name": "run_shell_command", "tool_input": {"command": "ls -la"}},
        direct=direct,
    )
    assert (quiet.returncode, quiet.stdout, quiet.stderr) == (0, "", "")


def test_the_budget_ends_the_process_without_waiting_for_the_lookup(
    project_env: FakeRegistry,
) -> None:
    project_env.latency = 20.0
    start = time.monotonic()
    done = _hook(
        ["hook", "--agent", "codex", "--timeout", "0.5"],
        {"tool_name": "Bash", "tool_input": {"command": "pip install slow-unknown-name"}},
        direct=True,
    )
    assert time.monotonic() - start < 15
    assert (done.returncode, done.stdout) == (2, "")
    assert "did not finish within 0.5 s" in done.stderr


@pytest.mark.parametrize(
    "args",
    [
        ["hook", "--agent", "vim"],
        ["hook", "--on-error", "maybe"],
        ["hook", "--timeout", "0"],
        ["hook", "--bogus"],
        ["hook", "--agent"],
    ],
)
def test_usage_errors_exit_2(args: list[str]) -> None:
    done = _hook(args, {}, direct=True)
    assert done.returncode == 2
    assert done.stdout == ""
    assert "usage: phantom-guard hook" in done.stderr


def test_click_command_matches(project_env: FakeRegistry) -> None:
    event = {"command": "pip install $PKG", "cwd": str(Path.cwd())}
    result = CliRunner().invoke(
        main, ["hook", "--agent", "cursor", "--on-error", "ask"], input=json.dumps(event)
    )
    assert result.exit_code == 0
    assert json.loads(result.stdout)["permission"] == "ask"
    result = CliRunner().invoke(main, ["hook", "--agent", "vim"], input="{}")
    assert result.exit_code == 2


def test_mcp_without_the_extra_exits_2_with_the_install_line(
    monkeypatch: pytest.MonkeyPatch,
) -> None:
    for name in [n for n in sys.modules if n == "mcp" or n.startswith("mcp.")] + ["mcp"]:
        monkeypatch.setitem(sys.modules, name, None)  # as if the SDK were not installed
    monkeypatch.delitem(sys.modules, "phantom_guard.mcp_server", raising=False)
    result = CliRunner().invoke(main, ["mcp"])
    assert result.exit_code == 2
    assert "pip install 'phantom-guard[mcp]'" in result.stderr


def test_the_entry_table_answers_hook_without_click() -> None:
    done = subprocess.run(
        [sys.executable, "-X", "importtime", "-m", "phantom_guard", "hook", "--agent", "cursor"],
        input=json.dumps({"command": "git status && pytest -k install"}),
        capture_output=True,
        text=True,
        timeout=60,
        check=False,
    )
    assert (done.returncode, done.stdout) == (0, "")
    imported = {line.split("|")[-1].strip() for line in done.stderr.splitlines() if "|" in line}
    assert "phantom_guard.hooks.shell" in imported
    assert not {"click", "phantom_guard.commands", "asyncio"} & imported
