"""Shims: tiny POSIX ``sh`` scripts named ``pip``, ``npm``, … that run ``phantom-guard <pm>``.

A directory of shims put first on PATH reaches every shell, interactive or not, and every agent;
shell functions and aliases reach only interactive shells. Each shim carries `MARKER`, so the
guard can find the real package manager behind it (the first match on PATH that is no shim).
"""

from __future__ import annotations

import os
import shlex
import shutil
import sys
from collections.abc import Iterable, Mapping, Sequence
from pathlib import Path

from phantom_guard.guard import SHIM_MARKER as MARKER
from phantom_guard.guard import find_real, is_shim
from phantom_guard.records import record

__all__ = [
    "MARKER",
    "ShimStatus",
    "add_to_rc",
    "default_dir",
    "find_real",
    "first_on_path",
    "guard_command",
    "install",
    "is_shim",
    "path_line",
    "rc_files",
    "remove_from_rc",
    "shim_text",
    "status",
    "uninstall",
]

_RC_MARKER = "# added by phantom-guard shims install"


def default_dir() -> Path:
    """Where shims go unless ``--dir`` says otherwise: the user's data dir."""
    from phantom_guard.userdirs import user_data_dir

    return Path(user_data_dir(), "shims")


def first_on_path(program: str, env: Mapping[str, str] | None = None) -> str | None:
    """What a shell finds for `program` (shim or not)."""
    env = os.environ if env is None else env
    return shutil.which(program, path=env.get("PATH", os.defpath))


def guard_command() -> list[str]:
    """How a shim starts phantom-guard: the installed command if on PATH, else this Python."""
    found = shutil.which("phantom-guard")
    if found is not None and not is_shim(found):
        return [os.path.abspath(found)]
    return [sys.executable, "-m", "phantom_guard"]


def shim_text(manager: str, command: Sequence[str]) -> str:
    """The shim for `manager`: ``exec phantom-guard <manager> "$@"``."""
    runner = " ".join(shlex.quote(part) for part in command)
    return (
        "#!/bin/sh\n"
        f"{MARKER}: checks what `{manager}` would install, then runs the real {manager}.\n"
        f'exec {runner} {shlex.quote(manager)} "$@"\n'
    )


@record
class ShimStatus:
    """One package manager: its shim file (if any), what PATH finds first, the real one."""

    manager: str
    shim: Path | None
    first: str | None
    real: str | None

    @property
    def active(self) -> bool:
        """Whether a shell running this manager reaches a phantom-guard shim first."""
        return self.first is not None and is_shim(self.first)


def install(folder: Path, managers: Iterable[str], command: Sequence[str]) -> list[Path]:
    """Write one shim per manager into `folder` (created); returns the files written."""
    folder.mkdir(parents=True, exist_ok=True)
    written = []
    for manager in managers:
        path = folder / manager
        if path.exists() and not is_shim(path):
            raise FileExistsError(f"{path} exists and is not a phantom-guard shim; not replaced")
        path.write_text(shim_text(manager, command), encoding="utf-8")
        path.chmod(0o755)
        written.append(path)
    return written


def uninstall(folder: Path) -> list[Path]:
    """Remove our shims from `folder` (other files stay); the folder goes if left empty."""
    removed = []
    if folder.is_dir():
        for path in sorted(folder.iterdir()):
            if path.is_file() and is_shim(path):
                path.unlink()
                removed.append(path)
        if not any(folder.iterdir()):
            folder.rmdir()
    return removed


def status(
    folder: Path, managers: Iterable[str], env: Mapping[str, str] | None = None
) -> list[ShimStatus]:
    """Per manager: its shim in `folder`, the first match on PATH, and the real one."""
    rows = []
    for manager in managers:
        shim = folder / manager
        rows.append(
            ShimStatus(
                manager,
                shim if shim.is_file() and is_shim(shim) else None,
                first_on_path(manager, env),
                find_real(manager, env),
            )
        )
    return rows


def path_line(folder: Path) -> str:
    """The shell line that puts `folder` first on PATH."""
    return f'export PATH={shlex.quote(str(folder))}:"$PATH"'


def rc_files(home: Path) -> list[Path]:
    """The shell start-up files an ``--rc`` install edits: those of bash, zsh and sh that exist."""
    return [home / name for name in (".bashrc", ".zshrc", ".profile") if (home / name).is_file()]


def add_to_rc(rc: Path, folder: Path) -> bool:
    """Append the PATH line to `rc` unless it is there; True when the file changed."""
    text = rc.read_text(encoding="utf-8", errors="replace")
    if _RC_MARKER in text:
        return False
    separator = "" if not text or text.endswith("\n") else "\n"
    with rc.open("a", encoding="utf-8") as handle:
        handle.write(f"{separator}{path_line(folder)}  {_RC_MARKER}\n")
    return True


def remove_from_rc(rc: Path) -> bool:
    """Remove the line `add_to_rc` wrote; True when the file changed."""
    text = rc.read_text(encoding="utf-8", errors="replace")
    kept = [line for line in text.splitlines(keepends=True) if _RC_MARKER not in line]
    if len(kept) == len(text.splitlines(keepends=True)):
        return False
    rc.write_text("".join(kept), encoding="utf-8")
    return True
