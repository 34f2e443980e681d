"""Claude Code's ``PreToolUse`` hook: Bash commands and Write/Edit/MultiEdit of files.

Blocking is exit 2 with the reason on stderr (Claude shows it to the model); asking is
``{"hookSpecificOutput": {"hookEventName": "PreToolUse", "permissionDecision": "ask",
"permissionDecisionReason": …}}`` on stdout with exit 0.
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

    from phantom_guard.hooks.edits import Replacement
    from phantom_guard.hooks.host import OnError

DEFAULT_ON_ERROR: OnError = "ask"
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
    if path is None or tool not in ("Write", "Edit", "MultiEdit"):
        return None
    from phantom_guard.hooks.edits import FileEdit

    if tool == "Write":
        return EditCall((FileEdit(path, content=text(given, "content") or ""),), where)
    if tool == "Edit":
        step = _replacement(given)
        return EditCall((FileEdit(path, replacements=(step,)),), where) if step else None
    if tool == "MultiEdit":
        raw = given.get("edits")
        items = raw if isinstance(raw, list) else []
        steps = [_replacement(e) for e in items if isinstance(e, dict)]
        return EditCall((FileEdit(path, replacements=tuple(s for s in steps if s)),), where)
    return None


def _replacement(given: Mapping[str, Any]) -> Replacement | None:
    from phantom_guard.hooks.edits import Replacement

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
    return Outcome(0, dumps(document), "")


def suspicious(reason: str) -> Outcome:
    """SUSPICIOUS names: the user decides."""
    return ask(reason)
