"""Gemini CLI's ``BeforeTool`` hook: run_shell_command, write_file and replace.

Blocking is exit 2 with the reason on stderr; a SUSPICIOUS name is allowed with a
``systemMessage`` warning. ``--on-error ask`` blocks: the hook has no ask of its own.
"""

from __future__ import annotations

import os

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
MATCHER = "run_shell_command|write_file|replace"


def read(event: Mapping[str, Any]) -> ShellCall | EditCall | None:
    """The call a ``BeforeTool`` event describes, or None for tools we do not look at."""
    tool = text(event, "tool_name")
    given = tool_input(event)
    where = cwd(event)
    if tool == "run_shell_command":
        command = text(given, "command")
        folder = text(given, "dir_path") or text(given, "directory")
        if folder:
            where = os.path.join(where, folder)
        return ShellCall(command, where) if command else None
    path = text(given, "file_path") or text(given, "absolute_path")
    if path is None or tool not in ("write_file", "replace"):
        return None
    from phantom_guard.hooks.edits import FileEdit, Replacement

    if tool == "write_file":
        return EditCall((FileEdit(path, content=text(given, "content") or ""),), where)
    if tool == "replace":
        old, new = text(given, "old_string"), text(given, "new_string")
        if old is None or new is None:
            return None
        expected = given.get("expected_replacements")
        every = given.get("allow_multiple") is True or (isinstance(expected, int) and expected > 1)
        return EditCall((FileEdit(path, replacements=(Replacement(old, new, every),)),), where)
    return None


def deny(reason: str) -> Outcome:
    """Block the tool call."""
    return blocked(reason)


def ask(reason: str) -> Outcome:
    """No ask for hooks: block."""
    return blocked(reason)


def suspicious(reason: str) -> Outcome:
    """Allowed, with a warning shown to the user."""
    return Outcome(0, dumps({"systemMessage": reason}), "")
