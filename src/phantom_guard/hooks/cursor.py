"""Cursor's ``beforeShellExecution`` hook: shell commands only (Cursor's file-edit hook runs
after the edit and cannot block it).

Every answer is a JSON document on stdout with exit 0: ``{"permission": "deny"|"ask",
"user_message": …, "agent_message": …}``. A SUSPICIOUS name is allowed without a word: the
only way to say something is a permission, and "allow" would skip the user's own rules.
"""

from __future__ import annotations

from phantom_guard.hooks.host import SILENT, EditCall, Outcome, ShellCall, cwd, dumps, text

TYPE_CHECKING = False
if TYPE_CHECKING:
    from collections.abc import Mapping
    from typing import Any

    from phantom_guard.hooks.host import OnError

DEFAULT_ON_ERROR: OnError = "deny"


def read(event: Mapping[str, Any]) -> ShellCall | EditCall | None:
    """The command a ``beforeShellExecution`` event carries."""
    command = text(event, "command")
    return ShellCall(command, cwd(event)) if command else None


def _permission(permission: str, reason: str) -> Outcome:
    document = {"permission": permission, "user_message": reason, "agent_message": reason}
    return Outcome(0, dumps(document), "")


def deny(reason: str) -> Outcome:
    """Block the command."""
    return _permission("deny", reason)


def ask(reason: str) -> Outcome:
    """Ask the user."""
    return _permission("ask", reason)


def suspicious(reason: str) -> Outcome:
    """Allowed, silently."""
    return SILENT
