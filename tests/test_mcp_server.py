"""The MCP server's contract, through the SDK's own in-memory client (needs the extra)."""

from __future__ import annotations

import asyncio
import json
import subprocess
import sys
from collections.abc import Awaitable, Callable
from pathlib import Path
from typing import IO, Any, TypeVar

import pytest

from tests.fakeregistry import FakeRegistry

pytest.importorskip("mcp")

from mcp import Client

from phantom_guard.mcp_server import INSTRUCTIONS, build

T = TypeVar("T")
RESULT_KEYS = {
    "name", "normalized_name", "registry", "purl", "recommendation", "risk_score", "exists",
    "signals", "suggestion", "sources", "cached", "error",
}  # fmt: skip


def _session(work: Callable[[Client], Awaitable[T]]) -> T:
    async def go() -> T:
        async with Client(build(Path.cwd())) as client:
            return await work(client)

    return asyncio.run(go())


def _call(name: str, arguments: dict[str, Any]) -> tuple[bool, Any]:
    async def work(client: Client) -> tuple[bool, Any]:
        result = await client.call_tool(name, arguments)
        return result.is_error, result.structured_content

    return _session(work)


def test_tools_publish_input_and_output_schemas(project_env: FakeRegistry) -> None:
    async def work(client: Client) -> Any:
        return (await client.list_tools()).tools

    tools = {tool.name: tool for tool in _session(work)}
    assert set(tools) == {"check_packages", "check_install_command", "check_dependency_file"}
    for tool in tools.values():
        assert tool.output_schema is not None
        assert tool.description
    packages = tools["check_packages"].input_schema["properties"]["packages"]
    assert (packages["minItems"], packages["maxItems"]) == (1, 100)
    result = tools["check_packages"].output_schema["properties"]["results"]
    assert "items" in result
    assert "check_install_command" in INSTRUCTIONS


def test_instructions_reach_the_client(project_env: FakeRegistry) -> None:
    async def work(client: Client) -> str | None:
        return client.instructions

    assert _session(work) == INSTRUCTIONS


def test_check_packages_one_result_per_input(project_env: FakeRegistry) -> None:
    packages = [
        {"name": "requests", "registry": "pypi"},
        {"name": "reqeusts", "registry": "pypi"},
        {"name": "Requests", "registry": "pypi"},
        {"name": "express", "registry": "npm", "version": "4.19.2"},
        {"name": "not a valid name!", "registry": "pypi"},
    ]
    is_error, content = _call("check_packages", {"packages": packages})
    assert not is_error
    results = content["results"]
    assert [r["recommendation"] for r in results] == ["SAFE", "NOT_FOUND", "SAFE", "SAFE", "ERROR"]
    assert all(set(r) == RESULT_KEYS for r in results)
    assert results[1]["suggestion"] == "requests"
    assert "invalid" in results[4]["error"]


def test_check_packages_unreachable_registry_is_an_error_result(
    project_env: FakeRegistry, monkeypatch: pytest.MonkeyPatch
) -> None:
    monkeypatch.setenv("PHANTOM_GUARD_PYPI_URL", "http://127.0.0.1:9")
    monkeypatch.setenv("PHANTOM_GUARD_TIMEOUT", "0.5")
    is_error, content = _call(
        "check_packages", {"packages": [{"name": "some-unknown-name", "registry": "pypi"}]}
    )
    assert not is_error
    (result,) = content["results"]
    assert result["recommendation"] == "ERROR"
    assert result["exists"] is None


@pytest.mark.parametrize("count", [0, 101])
def test_check_packages_takes_1_to_100(project_env: FakeRegistry, count: int) -> None:
    packages = [{"name": f"name-{i}", "registry": "pypi"} for i in range(count)]
    is_error, _ = _call("check_packages", {"packages": packages})
    assert is_error


def test_check_install_command_is_the_hook_engine(project_env: FakeRegistry) -> None:
    is_error, content = _call(
        "check_install_command", {"command": "cd . && sudo -E pip install flask-gpt-helper"}
    )
    assert not is_error
    assert content["decision"] == "block"
    assert "did you mean flask?" in content["reason"]
    assert [r["name"] for r in content["results"]] == ["flask-gpt-helper"]
    _, quiet = _call("check_install_command", {"command": "git status"})
    assert quiet == {"decision": "nothing", "reason": "", "results": [], "problems": []}
    _, dynamic = _call("check_install_command", {"command": "pip install $PKG"})
    assert dynamic["decision"] == "error"
    _, outside = _call("check_install_command", {"command": "ls", "cwd": "/"})
    assert outside["decision"] == "error"


def test_check_dependency_file_is_confined_to_the_working_directory(
    project_env: FakeRegistry,
) -> None:
    Path("requirements.txt").write_text("requests\nreqeusts\n-e ./local\n")
    is_error, content = _call("check_dependency_file", {"path": "requirements.txt"})
    assert not is_error
    assert [(r["name"], r["recommendation"]) for r in content["results"]] == [
        ("requests", "SAFE"),
        ("reqeusts", "NOT_FOUND"),
    ]
    assert content["skipped"][0]["line"] == 3
    _, outside = _call("check_dependency_file", {"path": "../../etc/passwd"})
    assert outside["results"] == [] and "outside the working directory" in outside["errors"][0]


def test_mcp_command_serves_on_stdio(project_env: FakeRegistry) -> None:
    messages = [
        {
            "jsonrpc": "2.0",
            "id": 1,
            "method": "initialize",
            "params": {
                "protocolVersion": "2025-06-18",
                "capabilities": {},
                "clientInfo": {"name": "test", "version": "0"},
            },
        },
        {"jsonrpc": "2.0", "method": "notifications/initialized"},
        {"jsonrpc": "2.0", "id": 2, "method": "tools/list"},
    ]
    # One message at a time, each answer read before the next is sent: with all of stdin
    # written at once the server may see end-of-input before it answers tools/list.
    process = subprocess.Popen(
        [sys.executable, "-m", "phantom_guard", "mcp"],
        stdin=subprocess.PIPE,
        stdout=subprocess.PIPE,
        stderr=subprocess.PIPE,
        text=True,
    )
    assert process.stdin is not None and process.stdout is not None
    answers = []
    try:
        for message in messages:
            process.stdin.write(json.dumps(message) + "\n")
            process.stdin.flush()
            if "id" in message:
                answers.append(_read_answer(process.stdout, message["id"]))
    finally:
        process.stdin.close()
        process.wait(timeout=60)
        process.stdout.close()
        assert process.stderr is not None
        process.stderr.close()
    by_id = {a.get("id"): a for a in answers}
    assert by_id[1]["result"]["serverInfo"]["name"] == "phantom-guard"
    assert by_id[1]["result"]["instructions"] == INSTRUCTIONS
    assert {t["name"] for t in by_id[2]["result"]["tools"]} == {
        "check_packages",
        "check_install_command",
        "check_dependency_file",
    }


def _read_answer(stdout: IO[str], wanted: int) -> dict[str, Any]:
    """The next JSON-RPC answer with id `wanted` (notifications and other lines skipped)."""
    while True:
        line = stdout.readline()
        assert line, "the server closed stdout before answering"
        if line.strip():
            answer: dict[str, Any] = json.loads(line)
            if answer.get("id") == wanted:
                return answer
