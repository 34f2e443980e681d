"""Reading a file from a scanned repository: the one place such a read happens.

A repository is untrusted input. A file in it may be a symlink to ``/proc/self/environ``, a FIFO
that never ends, a directory named ``requirements.txt`` or a 3 GB sparse file. `read_confined`
refuses each of those before reading a byte it should not, and every message it raises quotes
the path escaped (`report.clean`), never the content.
"""

from __future__ import annotations

import os
import stat

from phantom_guard.errors import SourceError

TYPE_CHECKING = False  # typing.TYPE_CHECKING, without importing typing on the start-up path
if TYPE_CHECKING:
    from collections.abc import Iterator

    from phantom_guard.settings import StrPath


def shown(path: str | os.PathLike[str]) -> str:
    """A path as a message may show it: control characters and newlines escaped, length capped."""
    from phantom_guard.report import clean

    return clean(os.fspath(path), limit=200)


def read_confined(
    path: StrPath, *, root: StrPath | None, limit: int, follow_outside: bool = False
) -> bytes:
    """The bytes of `path`, which must be a regular file whose real location is under `root`.

    `root` None means any location (a file the user named on purpose). Raises `SourceError`:
    outside the root (a symlink or ``..`` leading out; ``follow_outside`` allows it), not a
    regular file (FIFO, device, socket, directory: checked before opening), larger than `limit`
    bytes (checked before reading and again while reading, so a file that grows is cut off).
    """
    name = shown(path)
    try:
        real = os.path.realpath(path)
        if root is not None and not follow_outside and not _within(real, os.path.realpath(root)):
            raise SourceError(
                name,
                "refused: it resolves outside the scanned tree "
                f"(to {shown(real)}); --follow-outside reads it anyway",
            )
        info = os.stat(real)
        if not stat.S_ISREG(info.st_mode):
            raise SourceError(name, f"refused: not a regular file ({_kind(info.st_mode)})")
        if info.st_size > limit:
            raise SourceError(name, f"file is {info.st_size:,} bytes; the limit is {limit:,} bytes")
        # O_NONBLOCK: should the file be swapped for a FIFO after the check, open() still
        # returns at once instead of waiting for a writer.
        flags = os.O_RDONLY | getattr(os, "O_NONBLOCK", 0) | getattr(os, "O_NOFOLLOW", 0)
        fd = os.open(real, flags)
        with os.fdopen(fd, "rb") as handle:
            if not stat.S_ISREG(os.fstat(handle.fileno()).st_mode):
                raise SourceError(name, "refused: not a regular file")
            data = handle.read(limit + 1)
    except OSError as exc:
        raise SourceError(name, f"cannot read file: {exc.strerror or type(exc).__name__}") from None
    if len(data) > limit:
        raise SourceError(name, f"file exceeds the limit of {limit:,} bytes")
    return data


def _within(path: str, folder: str) -> bool:
    """Whether the real path `path` is `folder` or lies under it."""
    return path == folder or path.startswith(folder if folder.endswith(os.sep) else folder + os.sep)


def _kind(mode: int) -> str:
    if stat.S_ISDIR(mode):
        return "a directory"
    if stat.S_ISFIFO(mode):
        return "a FIFO"
    if stat.S_ISCHR(mode) or stat.S_ISBLK(mode):
        return "a device"
    if stat.S_ISSOCK(mode):
        return "a socket"
    return "not a file"


def folders_up(folder: str) -> Iterator[str]:
    """`folder` (absolute) and each folder above it, up to the root."""
    while True:
        yield folder
        parent = os.path.dirname(folder)
        if parent == folder:
            return
        folder = parent


def repository_root(start: StrPath) -> str | None:
    """The nearest folder at or above `start` holding ``.git`` (a directory or a file), or None."""
    for folder in folders_up(os.path.abspath(start)):
        if os.path.lexists(os.path.join(folder, ".git")):
            return folder
    return None


def scan_root(path: StrPath) -> str:
    """The tree a scan of `path` may read in: its repository, else the folder it names or is in."""
    absolute = os.path.abspath(path)
    folder = absolute if os.path.isdir(absolute) else os.path.dirname(absolute)
    return repository_root(folder) or folder


def normal_path(path: StrPath) -> str:
    """``str(pathlib.Path(path))`` without importing pathlib (~10 ms with the `re`, `urllib` and
    `fnmatch` it brings): on POSIX, ``.`` parts and repeated or trailing slashes dropped, exactly
    two leading slashes kept (POSIX leaves their meaning to the system), nothing left is ``.``.
    Reports show a file as the user named it, normalized this way.
    """
    text = os.fspath(path)
    if os.name != "posix":
        from pathlib import Path

        return str(Path(text))
    relative = text.lstrip("/")
    slashes = len(text) - len(relative)
    root = "" if not slashes else "//" if slashes == 2 else "/"
    return root + "/".join(part for part in relative.split("/") if part and part != ".") or "."
