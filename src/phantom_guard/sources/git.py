"""Dependency files and the repository config as they were at a git revision (``--since REF``).

A pull request should be gated on the dependencies it introduces, not on old debt: the files'
content at REF is read from git and parsed by the same parsers, their ``-r``/``-c`` includes
at REF too. REF must name a commit: an empty value (``$GITHUB_BASE_REF`` on a push) or an
index stage (``:0``) would compare against the index and find nothing new. The repository
config is read at REF as well, so a change cannot approve itself; what it adds to allow,
ignore or private is reported (`settings_at`). ``HEAD`` of a repository with no commits yet
declared nothing, so everything in it is introduced.
"""

from __future__ import annotations

import os
import subprocess
from pathlib import Path

from phantom_guard.errors import SourceError
from phantom_guard.files import shown
from phantom_guard.model import PackageRef
from phantom_guard.records import record
from phantom_guard.settings import (
    MAX_CONFIG_BYTES,
    Settings,
    Weakening,
    find_repository_config,
    weakened_entries,
)
from phantom_guard.sources import MAX_FILE_BYTES, format_of, parse_text, reading_from

TYPE_CHECKING = False  # typing.TYPE_CHECKING, without importing typing
if TYPE_CHECKING:
    from collections.abc import Sequence

    from phantom_guard.settings import StrPath

_GIT_TIMEOUT = 30


def resolve_commit(revision: str, cwd: Path) -> str | None:
    """The commit id `revision` names; `SourceError` for anything that is not a commit.

    None: `revision` is HEAD of a branch with no commits yet (nothing was declared there).
    """
    shown_rev = shown(revision) or "''"
    if not revision.strip():
        raise SourceError(
            "--since",
            "empty revision: it would compare against the git index and check nothing "
            "(on a push, $GITHUB_BASE_REF is empty; pass the commit to compare with)",
        )
    if revision.startswith("-"):
        raise SourceError(shown_rev, "a git revision cannot start with '-'")
    if revision.startswith(":") or "\x00" in revision:
        raise SourceError(shown_rev, "--since needs a commit, not an index entry or a path")
    try:
        done = subprocess.run(
            ["git", "rev-parse", "--verify", "--quiet", f"{revision}^{{commit}}"],
            cwd=cwd,
            capture_output=True,
            text=True,
            timeout=_GIT_TIMEOUT,
            check=False,
        )
    except (OSError, subprocess.SubprocessError):
        raise SourceError(shown_rev, "--since needs git") from None
    commit = done.stdout.strip()
    if done.returncode != 0 or len(commit) not in (40, 64):
        if _unborn_head(revision, cwd):
            return None
        raise SourceError(shown_rev, "unknown git revision: --since needs a commit")
    return commit


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


@record
class GitReader:
    """Files as they were at `commit` in the work tree `top`; a `sources.Reader`.

    `commit` None: an unborn branch, where no file exists yet.
    """

    top: Path
    commit: str | None
    limit: int = MAX_FILE_BYTES

    def read(self, path: StrPath) -> bytes:
        """The blob at `path` in `commit`; `SourceError` when absent, not a file, or too big."""
        data = self.read_or_none(path)
        if data is None:
            at = self.commit[:12] if self.commit else "HEAD (no commits yet)"
            raise SourceError(shown(path), f"cannot read file: No such file at {at}")
        return data

    def read_or_none(self, path: StrPath) -> bytes | None:
        """The blob's bytes, or None if `path` is not a file in `commit` (or is outside it)."""
        if self.commit is None:
            return None
        path = Path(path)
        real = Path(os.path.realpath(path.parent)) / path.name
        try:
            relative = real.relative_to(self.top).as_posix()
        except ValueError:
            return None  # not in this repository: it has no version at REF
        if "\n" in relative or "\r" in relative:
            # `cat-file --batch-check` reads one name per line: such a path would ask about
            # another file. Treated as new, so everything it declares is checked.
            return None
        spec = f"{self.commit}:{relative}"
        check = self._git(["cat-file", "--batch-check"], spec.encode() + b"\n")
        fields = check.split()
        if len(fields) != 3 or fields[1] != b"blob":
            return None  # missing, a directory, a submodule
        size = int(fields[2])
        if size > self.limit:
            raise SourceError(
                shown(path), f"file is {size:,} bytes at REF; the limit is {self.limit:,} bytes"
            )
        return self._git(["cat-file", "blob", fields[0].decode("ascii")], None)

    def _git(self, arguments: list[str], stdin: bytes | None) -> bytes:
        try:
            done = subprocess.run(
                ["git", *arguments],
                cwd=self.top,
                input=stdin,
                capture_output=True,
                timeout=_GIT_TIMEOUT,
                check=False,
            )
        except (OSError, subprocess.SubprocessError) as exc:
            raise SourceError(str(self.top), f"git failed: {type(exc).__name__}") from None
        return done.stdout


def work_tree(folder: Path) -> Path:
    """The top of the git work tree holding `folder`; `SourceError` outside one."""
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
        raise SourceError(shown(folder), "--since needs a git work tree") from None
    return Path(top).resolve()


class TextsAt:
    """Files' text at a git revision, read on demand through `GitReader` (None: absent there,
    unreadable, or outside a work tree). Raises `SourceError` for what is not a commit.
    """

    def __init__(self, revision: str) -> None:
        self.revision = revision
        self._readers: dict[Path, GitReader | None] = {}

    def __call__(self, file: StrPath) -> str | None:
        file = Path(file)
        folder = Path(os.path.realpath(file.parent))
        if folder not in self._readers:
            try:
                top = work_tree(folder) if folder.is_dir() else None
                reader = GitReader(top, resolve_commit(self.revision, top)) if top else None
            except SourceError:
                reader = None
            self._readers[folder] = reader
        reader = self._readers[folder]
        if reader is None:
            return None
        try:
            data = reader.read_or_none(file)
        except SourceError:
            return None
        return None if data is None else data.decode("utf-8-sig", errors="replace")


def refs_at(revision: str, files: Sequence[StrPath]) -> list[PackageRef]:
    """The dependencies `files` declared at `revision` (a file absent there declared none)."""
    refs: list[PackageRef] = []
    readers: dict[Path, GitReader] = {}
    for file in map(Path, files):
        if format_of(file) is None:
            continue
        folder = Path(os.path.realpath(file.parent))
        reader = readers.get(folder)
        if reader is None:
            top = work_tree(folder)
            reader = readers[folder] = GitReader(top, resolve_commit(revision, top))
        data = reader.read_or_none(file)
        if data is None:
            continue
        try:
            with reading_from(reader):
                refs.extend(parse_text(file, data.decode("utf-8-sig", errors="replace")).refs)
        except SourceError:
            continue  # unparsable at REF: everything in it now counts as introduced
    return refs


def settings_at(
    revision: str,
    *,
    cwd: Path | None = None,
    config: StrPath | None = None,
    isolated: bool = False,
) -> Settings:
    """Settings with the repository config read at `revision`, and what the change added.

    A config named with ``--config`` is the user's own, so it is read as it is now.
    """
    cwd = Path.cwd() if cwd is None else cwd
    if config is not None or isolated:
        return Settings.load(cwd, config=config, isolated=isolated)
    try:
        top = work_tree(cwd)
    except SourceError:
        # Run from outside a repository: the working directory's config has no history;
        # the scanned files' revision is checked when they are read.
        return Settings.load(cwd)
    commit = resolve_commit(revision, top)
    reader = GitReader(top, commit, limit=MAX_CONFIG_BYTES)
    settings = Settings.load(cwd, repository_text=reader.read_or_none)
    before = find_repository_config(cwd, read=reader.read_or_none)
    after = find_repository_config(cwd)
    return settings.with_overrides(config_weakened=tuple(weakened_entries(before, after)))


__all__ = ["GitReader", "Weakening", "refs_at", "resolve_commit", "settings_at", "work_tree"]
