"""What every agent host module provides, and the one decision table they share.

A host module turns the host's event JSON into a `ShellCall` or an `EditCall` (or None: nothing
to check) and renders a judgement in the host's documented form. The table (DESIGN.md §2,
"Agent hook"): block -> deny; SUSPICIOUS -> the host's ask (Claude) or its non-blocking warning;
ERROR -> ``--on-error``; nothing -> exit 0 with empty stdout and stderr. Never "allow": that
would skip the user's own permission rules.
"""

from __future__ import annotations

from collections.abc import Mapping
from dataclasses import dataclass
from enum import StrEnum
from pathlib import Path
from typing import TYPE_CHECKING, Any, Protocol

if TYPE_CHECKING:
    from phantom_guard.hooks.edits import FileEdit
    from phantom_guard.hooks.engine import Judgement


class OnError(StrEnum):
    """What to do when a tool call cannot be verified."""

    ASK = "ask"
    DENY = "deny"
    ALLOW = "allow"


@dataclass(frozen=True, slots=True)
class Outcome:
    """The hook process's answer: exit code, stdout, stderr."""

    exit_code: int = 0
    stdout: str = ""
    stderr: str = ""


SILENT = Outcome()


@dataclass(frozen=True, slots=True)
class ShellCall:
    """The agent wants to run `command` (a shell script) in `cwd`."""

    command: str
    cwd: Path


@dataclass(frozen=True, slots=True)
class EditCall:
    """The agent wants to write or edit files, relative to `cwd`."""

    edits: tuple[FileEdit, ...]
    cwd: Path


class Host(Protocol):
    """The functions of one host module (claude, codex, gemini, cursor)."""

    DEFAULT_ON_ERROR: OnError

    def read(self, event: Mapping[str, Any]) -> ShellCall | EditCall | None: ...

    def deny(self, reason: str) -> Outcome: ...

    def ask(self, reason: str) -> Outcome: ...

    def suspicious(self, reason: str) -> Outcome: ...


def answer(host: Host, judgement: Judgement, on_error: OnError | None) -> Outcome:
    """The host's answer to a judgement."""
    from phantom_guard.hooks.engine import Verdict

    match judgement.verdict:
        case Verdict.NOTHING:
            return SILENT
        case Verdict.BLOCK:
            return host.deny(judgement.reason)
        case Verdict.SUSPICIOUS:
            return host.suspicious(judgement.reason)
        case Verdict.ERROR:
            choice = on_error or host.DEFAULT_ON_ERROR
            if choice is OnError.ALLOW:
                return SILENT
            if choice is OnError.ASK:
                return host.ask(judgement.reason)
            return host.deny(judgement.reason)
    raise AssertionError(judgement.verdict)  # pragma: no cover


def blocked(reason: str) -> Outcome:
    """Exit 2 with the reason on stderr and nothing on stdout: Claude Code, Codex, Gemini CLI."""
    return Outcome(2, "", reason.rstrip("\n") + "\n")


def text(event: Mapping[str, Any], key: str) -> str | None:
    """A string field of an event or tool input, None when absent or not a string."""
    value = event.get(key)
    return value if isinstance(value, str) else None


def tool_input(event: Mapping[str, Any]) -> Mapping[str, Any]:
    """The event's ``tool_input`` object ({} when absent or not an object)."""
    value = event.get("tool_input")
    return value if isinstance(value, Mapping) else {}


def cwd(event: Mapping[str, Any]) -> Path:
    """The directory the tool runs in: the event's ``cwd``, else the hook's own."""
    given = text(event, "cwd")
    if not given:
        roots = event.get("workspace_roots")
        if isinstance(roots, list) and roots and isinstance(roots[0], str):
            given = roots[0]
    return Path(given) if given else Path.cwd()
