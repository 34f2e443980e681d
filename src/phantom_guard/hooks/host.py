"""What every agent host module provides, and the one decision table they share.

A host module turns the host's event JSON into a `ShellCall` or an `EditCall` (or None: nothing
to check) and renders a judgement in the host's documented form. The table (DESIGN.md §2,
"Agent hook"): block -> deny; SUSPICIOUS -> the host's ask (Claude) or its non-blocking warning;
ERROR -> ``--on-error``; nothing -> exit 0 with empty stdout and stderr. Never "allow": that
would skip the user's own permission rules.

This module is on the path of every shell command an agent runs, so it imports neither typing
nor dataclasses: its classes are small slotted ones written out.
"""

from __future__ import annotations

# typing.TYPE_CHECKING without importing typing (mypy treats any name TYPE_CHECKING the same).
TYPE_CHECKING = False
if TYPE_CHECKING:
    from collections.abc import Mapping
    from typing import Any, Literal, Protocol

    from phantom_guard.hooks.edits import FileEdit
    from phantom_guard.hooks.engine import Judgement

    OnError = Literal["ask", "deny", "allow"]

    class Host(Protocol):
        """The functions of one host module (claude, codex, gemini, cursor)."""

        DEFAULT_ON_ERROR: OnError

        def read(self, event: Mapping[str, Any]) -> ShellCall | EditCall | None: ...

        def deny(self, reason: str) -> Outcome: ...

        def ask(self, reason: str) -> Outcome: ...

        def suspicious(self, reason: str) -> Outcome: ...


#: The choices of ``--on-error``: what to do when a tool call cannot be verified.
ON_ERROR = ("ask", "deny", "allow")


class Outcome:
    """The hook process's answer: exit code, stdout, stderr."""

    __slots__ = ("exit_code", "stderr", "stdout")

    def __init__(self, exit_code: int = 0, stdout: str = "", stderr: str = "") -> None:
        self.exit_code = exit_code
        self.stdout = stdout
        self.stderr = stderr

    def __eq__(self, other: object) -> bool:
        if not isinstance(other, Outcome):
            return NotImplemented
        return (self.exit_code, self.stdout, self.stderr) == (
            other.exit_code,
            other.stdout,
            other.stderr,
        )

    def __hash__(self) -> int:
        return hash((self.exit_code, self.stdout, self.stderr))

    def __repr__(self) -> str:
        return f"Outcome({self.exit_code!r}, stdout={self.stdout!r}, stderr={self.stderr!r})"


SILENT = Outcome()


class ShellCall:
    """The agent wants to run `command` (a shell script) in the directory `cwd`."""

    __slots__ = ("command", "cwd")

    def __init__(self, command: str, cwd: str) -> None:
        self.command = command
        self.cwd = cwd


class EditCall:
    """The agent wants to write or edit files; relative paths are relative to `cwd`."""

    __slots__ = ("cwd", "edits")

    def __init__(self, edits: tuple[FileEdit, ...], cwd: str) -> None:
        self.edits = edits
        self.cwd = cwd


def answer(host: Host, judgement: Judgement, on_error: OnError | None) -> Outcome:
    """The host's answer to a judgement."""
    from phantom_guard.hooks import engine

    verdict = judgement.verdict
    if verdict == engine.BLOCK:
        return host.deny(judgement.reason)
    if verdict == engine.SUSPICIOUS:
        return host.suspicious(judgement.reason)
    if verdict == engine.ERROR:
        choice = on_error or host.DEFAULT_ON_ERROR
        if choice == "allow":
            return SILENT
        if choice == "ask":
            return host.ask(judgement.reason)
        return host.deny(judgement.reason)
    return SILENT


def blocked(reason: str) -> Outcome:
    """Exit 2 with the reason on stderr and nothing on stdout: Claude Code, Codex, Gemini CLI."""
    return Outcome(2, "", reason.rstrip("\n") + "\n")


def dumps(document: object) -> str:
    """One JSON document and a newline, for stdout."""
    import json  # the standard library's: orjson would import twice as many modules

    return json.dumps(document) + "\n"


def text(event: Mapping[str, Any], key: str) -> str | None:
    """A string field of an event or tool input, None when absent or not a string."""
    value = event.get(key)
    return value if isinstance(value, str) else None


def tool_input(event: Mapping[str, Any]) -> Mapping[str, Any]:
    """The event's ``tool_input`` object ({} when absent or not an object)."""
    value = event.get("tool_input")
    return value if isinstance(value, dict) else {}


def cwd(event: Mapping[str, Any]) -> str:
    """The directory the tool runs in: the event's ``cwd``, else the first workspace root, else
    the hook's own.
    """
    given = text(event, "cwd")
    if not given:
        roots = event.get("workspace_roots")
        if isinstance(roots, list) and roots and isinstance(roots[0], str):
            given = roots[0]
    if not given:
        import os

        given = os.getcwd()
    return given
