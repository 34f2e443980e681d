"""Codex CLI's ``PreToolUse`` hook: Bash commands and ``apply_patch`` edits.

Blocking is exit 2 with the reason on stderr. Codex refuses ``permissionDecision: "ask"`` from a
hook, so ``--on-error ask`` blocks here; a SUSPICIOUS name is allowed with a ``systemMessage``
warning (the published output schema is vendored in tests/fixtures/hooks/codex-schema/).
"""

from __future__ import annotations

from phantom_guard.hooks.host import (
    EditCall,
    Outcome,
    ShellCall,
    blocked,
    cwd,
    dumps,
    text,
    tool_input,
)

TYPE_CHECKING = False
if TYPE_CHECKING:
    from collections.abc import Mapping
    from typing import Any

    from phantom_guard.hooks.host import OnError

DEFAULT_ON_ERROR: OnError = "deny"
MATCHER = "Bash|apply_patch"
_SHELL_TOOLS = frozenset({"Bash", "shell", "local_shell", "exec_command", "container.exec"})


def read(event: Mapping[str, Any]) -> ShellCall | EditCall | None:
    """The call a ``PreToolUse`` event describes, or None for tools we do not look at."""
    tool = text(event, "tool_name")
    given = tool_input(event)
    where = cwd(event)
    command = given.get("command")
    if isinstance(command, list) and all(isinstance(part, str) for part in command):
        import shlex

        command = shlex.join(command)  # an argv; read it back as the shell line it stands for
    if tool == "apply_patch":
        from phantom_guard.hooks.edits import parse_patch

        patch = command if isinstance(command, str) else text(given, "input")
        return EditCall(tuple(parse_patch(patch)), where) if patch else None
    if tool in _SHELL_TOOLS and isinstance(command, str) and command:
        if command.lstrip().startswith("apply_patch"):
            from phantom_guard.hooks.edits import parse_patch

            return EditCall(tuple(parse_patch(command)), where)
        return ShellCall(command, where)
    return None


def deny(reason: str) -> Outcome:
    """Block the tool call."""
    return blocked(reason)


def ask(reason: str) -> Outcome:
    """Codex has no "ask" for hooks: block."""
    return blocked(reason)


def suspicious(reason: str) -> Outcome:
    """Allowed, with a warning shown to the user."""
    return Outcome(0, dumps({"systemMessage": reason}), "")
