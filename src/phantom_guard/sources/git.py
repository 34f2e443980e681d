"""Dependency files as they were at a git revision, for ``check --since REF``.

A pull request should be gated on the dependencies it introduces, not on old debt: the files'
content at REF is read with ``git show REF:path`` and parsed by the same parsers. ``HEAD`` of a
repository with no commits yet declared nothing, so everything in it is introduced.
"""

from __future__ import annotations

import subprocess
from pathlib import Path

from phantom_guard.errors import SourceError
from phantom_guard.model import PackageRef
from phantom_guard.sources import format_of, parse_text

_GIT_TIMEOUT = 30


def refs_at(revision: str, files: list[Path]) -> list[PackageRef]:
    """The dependencies `files` declared at `revision` (a file absent there declared none)."""
    if revision.startswith("-"):
        raise SourceError(revision, "a git revision cannot start with '-'")
    refs: list[PackageRef] = []
    tops: dict[Path, Path] = {}
    for file in files:
        if format_of(file) is None:
            continue
        folder = file.resolve().parent
        if folder not in tops:
            tops[folder] = _work_tree(folder, file)
        text = _show(revision, tops[folder], file)
        if text is None:
            continue
        try:
            refs.extend(parse_text(file, text).refs)
        except SourceError:
            continue  # unparsable at REF: everything in it now counts as introduced
    return refs


def _work_tree(folder: Path, file: Path) -> Path:
    try:
        top = subprocess.run(
            ["git", "rev-parse", "--show-toplevel"],
            cwd=folder,
            capture_output=True,
            text=True,
            timeout=_GIT_TIMEOUT,
            check=True,
        ).stdout.strip()
    except (OSError, subprocess.SubprocessError):
        raise SourceError(
            str(file), "--since needs the file to be inside a git work tree"
        ) from None
    return Path(top).resolve()


def _show(revision: str, top: Path, file: Path) -> str | None:
    relative = file.resolve().relative_to(top).as_posix()
    shown = subprocess.run(
        ["git", "show", f"{revision}:{relative}"],
        cwd=top,
        capture_output=True,
        timeout=_GIT_TIMEOUT,
        check=False,
    )
    if shown.returncode != 0:
        verify = subprocess.run(
            ["git", "rev-parse", "--verify", "--quiet", f"{revision}^{{commit}}"],
            cwd=top,
            capture_output=True,
            timeout=_GIT_TIMEOUT,
            check=False,
        )
        if verify.returncode != 0:
            if _unborn_head(revision, top):
                return None  # no commit yet: nothing was declared, everything is introduced
            raise SourceError(revision, "unknown git revision")
        return None  # the file did not exist at that revision
    return shown.stdout.decode("utf-8-sig", errors="replace")


def _unborn_head(revision: str, top: Path) -> bool:
    """Whether `revision` is HEAD of a branch with no commits yet (``git init`` then a first
    ``git commit``): a pre-commit hook's ``--since HEAD`` then means "everything is new".
    """
    if revision not in ("HEAD", "@"):
        return False
    symbolic = subprocess.run(
        ["git", "symbolic-ref", "--quiet", "HEAD"],
        cwd=top,
        capture_output=True,
        timeout=_GIT_TIMEOUT,
        check=False,
    )
    return symbolic.returncode == 0  # HEAD names a branch, and that branch has no commit
