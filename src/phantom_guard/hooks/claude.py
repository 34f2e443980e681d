"""Claude Code's ``PreToolUse`` hook: Bash commands and Write/Edit/MultiEdit of files.

Blocking is exit 2 with the reason on stderr (Claude shows it to the model); asking is
``{"hookSpecificOutput": {"hookEventName": "PreToolUse", "permissionDecision": "ask",
"permissionDecisionReason": …}}`` on stdout with exit 0.
"""

from __future__ import annotations

import json
from collections.abc import Mapping
from typing import Any

from phantom_guard.hooks.edits import FileEdit, Replacement
from phantom_guard.hooks.host import (
    EditCall,
    OnError,
    Outcome,
    ShellCall,
    blocked,
    cwd,
    text,
    tool_input,
)

DEFAULT_ON_ERROR = OnError.ASK
MATCHER = "Bash|Write|Edit|MultiEdit"


def read(event: Mapping[str, Any]) -> ShellCall | EditCall | None:
    """The call a ``PreToolUse`` event describes, or None for tools we do not look at."""
    tool = text(event, "tool_name")
    given = tool_input(event)
    where = cwd(event)
    if tool == "Bash":
        command = text(given, "command")
        return ShellCall(command, where) if command else None
    path = text(given, "file_path")
    if path is None:
        return None
    if tool == "Write":
        return EditCall((FileEdit(path, content=text(given, "content") or ""),), where)
    if tool == "Edit":
        step = _replacement(given)
        return EditCall((FileEdit(path, replacements=(step,)),), where) if step else None
    if tool == "MultiEdit":
        raw = given.get("edits")
        items = raw if isinstance(raw, list) else []
        steps = [_replacement(e) for e in items if isinstance(e, Mapping)]
        return EditCall((FileEdit(path, replacements=tuple(s for s in steps if s)),), where)
    return None


def _replacement(given: Mapping[str, Any]) -> Replacement | None:
    old, new = text(given, "old_string"), text(given, "new_string")
    if old is None or new is None:
        return None
    return Replacement(old, new, replace_all=given.get("replace_all") is True)


def deny(reason: str) -> Outcome:
    """Block the tool call."""
    return blocked(reason)


def ask(reason: str) -> Outcome:
    """Ask the user, with the reason."""
    document = {
        "hookSpecificOutput": {
            "hookEventName": "PreToolUse",
            "permissionDecision": "ask",
            "permissionDecisionReason": reason,
        }
    }
    return Outcome(0, json.dumps(document) + "\n", "")


def suspicious(reason: str) -> Outcome:
    """SUSPICIOUS names: the user decides."""
    return ask(reason)
