"""``hooks install|uninstall``: merge the hook into an agent host's settings file.

Idempotent (a second install changes nothing and writes nothing); the file's previous content is
kept beside it as ``<name>.bak`` before any change; entries other than ours are left as they were.
Ours are recognised by their command, which starts with ``phantom-guard hook``.
"""

from __future__ import annotations

import json
import os
import tempfile
from pathlib import Path
from typing import Any

from phantom_guard.errors import ConfigError
from phantom_guard.records import record
from phantom_guard.stand_ins import StrEnum

COMMAND = "phantom-guard hook"
_TIMEOUT = 10  # seconds the host waits for us; our own budget (8 s) ends first


class Scope(StrEnum):
    """Where the hook is installed: the user's settings, or the project's."""

    USER = "user"
    PROJECT = "project"


@record
class Change:
    """What an install or uninstall did: the file, whether it changed, and the backup made."""

    path: Path
    changed: bool
    backup: Path | None = None


_FILES = {
    "claude": ".claude/settings.json",
    "codex": ".codex/hooks.json",
    "gemini": ".gemini/settings.json",
    "cursor": ".cursor/hooks.json",
}


def settings_file(agent: str, scope: Scope, *, home: Path, project: Path) -> Path:
    """The host's settings file for `scope` (user: under `home`; project: under `project`)."""
    return (home if scope is Scope.USER else project) / _FILES[agent]


def snippet(agent: str) -> dict[str, Any]:
    """The settings fragment that runs the hook, in the host's documented layout."""
    command = f"{COMMAND} --agent {agent}"
    if agent == "cursor":
        return {"version": 1, "hooks": {"beforeShellExecution": [{"command": command}]}}
    handler: dict[str, str | int]
    if agent == "gemini":
        handler = {"name": "phantom-guard", "type": "command", "command": command}
        handler["timeout"] = _TIMEOUT * 1000  # milliseconds in Gemini CLI
        event, matcher = "BeforeTool", "run_shell_command|write_file|replace"
    else:
        handler = {"type": "command", "command": command, "timeout": _TIMEOUT}
        event = "PreToolUse"
        matcher = "Bash|Write|Edit|MultiEdit" if agent == "claude" else "Bash|apply_patch"
    return {"hooks": {event: [{"matcher": matcher, "hooks": [handler]}]}}


def install(agent: str, path: Path) -> Change:
    """Merge the hook into `path` (created when missing)."""
    document = _load(path)
    wanted = snippet(agent)
    merged = _without_ours(document)
    hooks = merged.setdefault("hooks", {})
    if not isinstance(hooks, dict):
        raise ConfigError(f"{path}: 'hooks' is not an object")
    for event, entries in wanted["hooks"].items():
        existing = hooks.setdefault(event, [])
        if not isinstance(existing, list):
            raise ConfigError(f"{path}: 'hooks.{event}' is not a list")
        existing.extend(entries)
    if agent == "cursor":
        merged.setdefault("version", 1)
    return _save(path, document, merged)


def uninstall(path: Path) -> Change:
    """Remove our entries from `path`; other entries stay."""
    if not path.exists():
        return Change(path, changed=False)
    document = _load(path)
    return _save(path, document, _without_ours(document))


def _is_ours(handler: object) -> bool:
    return isinstance(handler, dict) and str(handler.get("command", "")).startswith(COMMAND)


def _without_ours(document: dict[str, Any]) -> dict[str, Any]:
    """A copy of `document` without our handlers (and without groups left empty by that)."""
    copy: dict[str, Any] = json.loads(json.dumps(document))
    hooks = copy.get("hooks")
    if not isinstance(hooks, dict):
        return copy
    for event in list(hooks):
        entries = hooks[event]
        if not isinstance(entries, list):
            continue
        kept = []
        for entry in entries:
            if _is_ours(entry):
                continue  # cursor: the handler is the entry
            inner = entry.get("hooks") if isinstance(entry, dict) else None
            if isinstance(inner, list) and any(_is_ours(h) for h in inner):
                others = [h for h in inner if not _is_ours(h)]
                if others:
                    kept.append({**entry, "hooks": others})
                continue
            kept.append(entry)
        if kept:
            hooks[event] = kept
        else:
            del hooks[event]
    if not hooks:
        del copy["hooks"]
    return copy


def _load(path: Path) -> dict[str, Any]:
    if not path.exists():
        return {}
    try:
        document = json.loads(path.read_text(encoding="utf-8") or "{}")
    except (OSError, UnicodeDecodeError, ValueError) as exc:
        raise ConfigError(f"{path}: cannot read settings: {exc}") from None
    if not isinstance(document, dict):
        raise ConfigError(f"{path}: settings are not a JSON object")
    return document


def _save(path: Path, before: dict[str, Any], after: dict[str, Any]) -> Change:
    if after == before:
        return Change(path, changed=False)
    backup = None
    if path.exists():
        backup = path.with_name(path.name + ".bak")
        backup.write_bytes(path.read_bytes())
    path.parent.mkdir(parents=True, exist_ok=True)
    # Write beside the file and rename over it: the host never reads a half-written file.
    handle, temporary = tempfile.mkstemp(dir=path.parent, prefix=f".{path.name}.")
    with os.fdopen(handle, "w", encoding="utf-8") as out:
        out.write(json.dumps(after, indent=2) + "\n")
    os.chmod(temporary, path.stat().st_mode & 0o777 if path.exists() else 0o644)
    os.replace(temporary, path)
    return Change(path, changed=True, backup=backup)
