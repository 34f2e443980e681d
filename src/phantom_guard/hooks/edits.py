"""File edits an agent is about to make, applied to a dependency file to see what they add.

Claude Code's Write/Edit/MultiEdit, Gemini CLI's write_file/replace and Codex's apply_patch all
come down to: a path, and either the whole new content or replacements of old text by new. The
edit is applied to the file's current content, both versions are parsed by the `check` parsers,
and only the names the edit adds are judged (the comparison ``check --since`` makes).
"""

from __future__ import annotations

from collections.abc import Sequence
from pathlib import Path
from typing import TYPE_CHECKING

from phantom_guard.hooks.engine import DEFAULT_BUDGET, QUIET, Judgement, judge_refs
from phantom_guard.records import record

if TYPE_CHECKING:
    from phantom_guard.model import PackageRef
    from phantom_guard.settings import Settings


@record
class Replacement:
    """Replace `old` by `new`: the first occurrence, or every one with `replace_all`."""

    old: str
    new: str
    replace_all: bool = False


@record
class FileEdit:
    """One file's edit: its whole new `content`, or `replacements` applied in order."""

    path: str
    content: str | None = None
    replacements: tuple[Replacement, ...] = ()
    deleted: bool = False

    def apply(self, current: str) -> str:
        """The file's text after the edit. A replacement whose old text is absent changes
        nothing: the host's tool refuses such an edit too.
        """
        if self.deleted:
            return ""
        text = current if self.content is None else self.content
        for step in self.replacements:
            if step.old == "" and text == "":
                text = step.new  # creating a file through an edit
            elif step.old in text:
                text = text.replace(step.old, step.new, -1 if step.replace_all else 1)
        return text


def judge_edits(
    edits: Sequence[FileEdit],
    cwd: str | Path,
    *,
    settings: Settings | None = None,
    budget: float = DEFAULT_BUDGET,
) -> Judgement:
    """Judge the names that `edits` add to dependency files; other files are not looked at."""
    from phantom_guard.sources import format_of

    relevant = [e for e in edits if not e.deleted and format_of(Path(e.path)) is not None]
    if not relevant:
        return QUIET
    refs: list[PackageRef] = []
    problems: list[str] = []
    for edit in relevant:
        refs.extend(_added(edit, cwd, problems))
    if not refs and not problems:
        return QUIET
    return judge_refs(refs, problems, cwd, settings=settings, budget=budget, what="edit")


def _added(edit: FileEdit, cwd: str | Path, problems: list[str]) -> list[PackageRef]:
    from phantom_guard.api import added_refs
    from phantom_guard.errors import SourceError
    from phantom_guard.sources import parse_text, read_text

    path = Path(cwd, edit.path)  # an absolute edit.path wins
    current = ""
    if path.is_file():
        try:
            current = read_text(path)
        except SourceError as exc:
            problems.append(str(exc))
            return []
    new = edit.apply(current)
    if new == current:
        return []
    try:
        before = parse_text(path, current).refs if current.strip() else ()
    except SourceError:
        before = ()  # unparsable before the edit: everything in it now counts as added
    try:
        after = parse_text(path, new).refs
    except SourceError as exc:
        problems.append(f"the edited file cannot be parsed: {exc}")
        return []
    return added_refs(after, before)


def parse_patch(text: str) -> list[FileEdit]:
    """Codex's apply_patch format: ``*** Begin Patch``, then per file ``*** Add File: P`` (lines
    prefixed ``+``), ``*** Delete File: P`` or ``*** Update File: P`` (optionally ``*** Move to:``)
    with ``@@`` hunks of `` ``/``-``/``+`` lines, then ``*** End Patch``.
    """
    reader = _PatchReader()
    for line in text.splitlines():
        reader.line(line)
    reader.close_file()
    return reader.edits


class _PatchReader:
    def __init__(self) -> None:
        self.edits: list[FileEdit] = []
        self.path: str | None = None
        self.mode = ""
        self.added: list[str] = []
        self.hunks: list[Replacement] = []
        self.old: list[str] = []
        self.new: list[str] = []

    def line(self, line: str) -> None:
        for marker, mode in (("*** Add File: ", "add"), ("*** Update File: ", "update")):
            if line.startswith(marker):
                self.close_file()
                self.path, self.mode = line[len(marker) :].strip(), mode
                return
        if line.startswith("*** Delete File: "):
            self.close_file()
            self.edits.append(FileEdit(line[len("*** Delete File: ") :].strip(), deleted=True))
        elif line.startswith("*** Move to: ") and self.path is not None:
            self.path = line[len("*** Move to: ") :].strip()
        elif line.startswith("*** "):
            if line.startswith("*** End Patch"):
                self.close_file()
        elif self.path is None:
            return
        elif self.mode == "add":
            if line.startswith("+"):
                self.added.append(line[1:])
        elif line.startswith("@@"):
            self.close_hunk()
        elif line.startswith("+"):
            self.new.append(line[1:])
        elif line.startswith("-"):
            self.old.append(line[1:])
        elif line.startswith(" ") or line == "":
            self.old.append(line[1:])
            self.new.append(line[1:])

    def close_hunk(self) -> None:
        if self.old or self.new:
            self.hunks.append(Replacement("\n".join(self.old), "\n".join(self.new)))
        self.old, self.new = [], []

    def close_file(self) -> None:
        self.close_hunk()
        if self.path is not None and self.mode == "add":
            content = "\n".join(self.added) + ("\n" if self.added else "")
            self.edits.append(FileEdit(self.path, content=content))
        elif self.path is not None and self.mode == "update":
            self.edits.append(FileEdit(self.path, replacements=tuple(self.hunks)))
        self.path, self.mode, self.added, self.hunks = None, "", [], []
