"""Dependency files -> `PackageRef`s: one parser module per format, chosen by file name.

Each parser module exposes ``parse(path: str, text: str) -> ParseResult`` (`path` as
`files.normal_path` spells it: what reports show). Entries that name no
registry package (editable installs, paths, URLs, git, workspace links) are reported as skipped
with the reason, never guessed at.
"""

from __future__ import annotations

import os
from contextvars import ContextVar

from phantom_guard.errors import SourceError, UnsupportedFile
from phantom_guard.model import PackageRef, Registry, Skipped, Source
from phantom_guard.records import field, record

TYPE_CHECKING = False  # typing.TYPE_CHECKING, without importing typing on the check path
if TYPE_CHECKING:
    from collections.abc import Iterator, Sequence
    from contextvars import Token
    from pathlib import Path
    from typing import Protocol

    from phantom_guard.settings import StrPath

    class Parser(Protocol):
        """What every module in this package provides."""

        def __call__(self, path: str, text: str) -> ParseResult: ...

    class Reader(Protocol):
        """Where dependency files come from: the working tree (`DiskReader`) or a git revision."""

        def read(self, path: StrPath) -> bytes:
            """The file's bytes, at most `MAX_FILE_BYTES`; raises `SourceError`."""
            ...


_BOM = b"\xef\xbb\xbf"
#: Files larger than this are refused: no real dependency file comes close.
MAX_FILE_BYTES = 50 * 1024 * 1024


@record
class IndexOption:
    """An index option a dependency file sets (pip's ``--index-url``, ``--extra-index-url``,
    ``--no-index``; `url` is empty for the last), and where.
    """

    option: str
    url: str
    source: Source


@record
class ParseResult:
    """The dependencies a file declares, and the entries it declares that are not looked up."""

    refs: tuple[PackageRef, ...] = ()
    skipped: tuple[Skipped, ...] = ()
    #: Other files this one pulled in (requirements ``-r``/``-c``), for reporting.
    includes: tuple[str, ...] = field(default=())
    #: Index options the file sets (requirements files), for private-index awareness.
    index_options: tuple[IndexOption, ...] = ()


@record
class Format:
    """A dependency file format: the file names it matches, its registry and its parser module."""

    name: str
    patterns: tuple[str, ...]
    registry: Registry
    module: str


FORMATS: tuple[Format, ...] = (
    Format(
        "requirements",
        (
            "requirements*.txt",
            "requirements*.in",
            "*requirements.txt",
            "*-requirements.in",
            "*_requirements.in",
            "constraints*.txt",
            "requirements/*.txt",
            "requirements/*.in",
        ),
        Registry.PYPI,
        "requirements",
    ),
    Format("pylock.toml", ("pylock.toml", "pylock.*.toml"), Registry.PYPI, "pylock"),
    Format("pyproject.toml", ("pyproject.toml",), Registry.PYPI, "pyproject"),
    Format("Pipfile", ("Pipfile",), Registry.PYPI, "pipfile"),
    Format("Pipfile.lock", ("Pipfile.lock",), Registry.PYPI, "pipfile_lock"),
    Format("poetry.lock", ("poetry.lock",), Registry.PYPI, "poetry_lock"),
    Format("uv.lock", ("uv.lock",), Registry.PYPI, "uv_lock"),
    Format("setup.cfg", ("setup.cfg",), Registry.PYPI, "setup_cfg"),
    Format("package.json", ("package.json",), Registry.NPM, "package_json"),
    Format(
        "package-lock.json",
        ("package-lock.json", "npm-shrinkwrap.json"),
        Registry.NPM,
        "package_lock",
    ),
    Format("yarn.lock", ("yarn.lock",), Registry.NPM, "yarn_lock"),
    Format("pnpm-lock.yaml", ("pnpm-lock.yaml",), Registry.NPM, "pnpm_lock"),
    Format("Cargo.toml", ("Cargo.toml",), Registry.CRATES, "cargo_toml"),
    Format("Cargo.lock", ("Cargo.lock",), Registry.CRATES, "cargo_lock"),
)

# Folders that hold installed or generated code, not a project's own declarations.
SKIP_DIRS = frozenset(
    {
        ".git",
        ".hg",
        ".svn",
        "node_modules",
        ".venv",
        "venv",
        "env",
        ".env",
        ".tox",
        ".nox",
        "__pycache__",
        ".mypy_cache",
        ".pytest_cache",
        ".ruff_cache",
        "site-packages",
        "target",
        "build",
        "dist",
        ".next",
        ".nuxt",
        "bower_components",
        ".yarn",
        ".pnpm-store",
        ".cargo",
    }
)


#: A file named on the command line with one of these suffixes is a requirements file: pip
#: reads any file given to ``-r``, whatever its name.
_REQUIREMENTS_SUFFIXES = (".txt", ".in")


def format_of(path: StrPath, *, explicit: bool = True) -> Format | None:
    """The format a file belongs to by its name (and its folder: ``requirements/dev.in``), or
    None. A file named `explicit`ly is also judged by its content type: ``*.txt``/``*.in`` are
    requirements files.
    """
    name, folder = _name_and_folder(path)
    where = f"{folder}/{name}"
    for fmt in FORMATS:
        for pattern in fmt.patterns:
            if _matches(where if "/" in pattern else name, pattern):
                return fmt
    # pathlib's suffix: from the last dot, unless the name starts or ends with it.
    dot = name.rfind(".")
    suffix = name[dot:].lower() if 0 < dot < len(name) - 1 else ""
    if explicit and suffix in _REQUIREMENTS_SUFFIXES:
        return FORMATS[0]
    return None


def _name_and_folder(path: StrPath) -> tuple[str, str]:
    """pathlib's ``path.name`` and ``path.parent.name``, from the path as a string."""
    from phantom_guard.files import normal_path

    text = normal_path(path)
    if text == ".":
        return "", ""  # pathlib's "." has no name
    parent = os.path.dirname(text)
    return os.path.basename(text), "" if parent == "." else os.path.basename(parent)


def _matches(text: str, pattern: str) -> bool:
    """`fnmatch.fnmatchcase`, with the patterns' literal parts tried first: most names match
    no pattern and need no pattern compiled.
    """
    if not any(c in pattern for c in "*?["):
        return text == pattern
    if "[" not in pattern and not all(part in text for part in _literals(pattern)):
        return False  # every literal run of a ``*``/``?`` pattern appears in what it matches
    import fnmatch

    return fnmatch.fnmatchcase(text, pattern)


def _literals(pattern: str) -> list[str]:
    return pattern.replace("?", "*").split("*")


def supported_names() -> str:
    """The supported file names, for error messages."""
    return ", ".join(p for fmt in FORMATS for p in fmt.patterns)


@record
class DiskReader:
    """Regular files under `root` only (None: anywhere), unless `follow_outside`."""

    root: StrPath | None = None
    follow_outside: bool = False

    def read(self, path: StrPath) -> bytes:
        """The file's bytes through `files.read_confined`."""
        from phantom_guard.files import read_confined

        return read_confined(
            path, root=self.root, limit=MAX_FILE_BYTES, follow_outside=self.follow_outside
        )


_reader: ContextVar[Reader | None] = ContextVar("phantom_guard_reader", default=None)


class reading_from:  # lowercase: used as the function it was, ``with reading_from(reader):``
    """Every `read_text` inside the block (includes too) goes through `reader`.

    A class rather than a `contextlib.contextmanager`: `check` imports nothing else of contextlib.
    """

    def __init__(self, reader: Reader) -> None:
        self._given = reader
        self._tokens: list[Token[Reader | None]] = []

    def __enter__(self) -> None:
        self._tokens.append(_reader.set(self._given))

    def __exit__(self, *exc: object) -> None:
        _reader.reset(self._tokens.pop())


def read_text(path: StrPath) -> str:
    """A dependency file's text: size-capped, UTF-8 (a BOM is dropped), errors as SourceError.

    Read through the current `Reader` (`reading_from`), so a scan never leaves its tree and
    ``--since`` reads includes at the revision too.
    """
    from phantom_guard.files import shown

    data = (_reader.get() or DiskReader()).read(path)
    # What decode("utf-8-sig") does, without importing that codec's module.
    if data.startswith(_BOM):
        data = data[len(_BOM) :]
    try:
        return data.decode()
    except UnicodeDecodeError as exc:
        line = data[: exc.start].count(b"\n") + 1
        raise SourceError(shown(path), "file is not valid UTF-8", line) from None


def parse_file(path: StrPath) -> ParseResult:
    """Parse one dependency file, choosing the parser by its name."""
    return parse_text(path, None)


def parse_text(path: StrPath, text: str | None) -> ParseResult:
    """Parse `text` as the file `path` names (read from disk when `text` is None)."""
    from phantom_guard.files import normal_path

    path = normal_path(path)
    fmt = format_of(path)
    if fmt is None:
        raise UnsupportedFile(
            path, f"unsupported file type; supported files are: {supported_names()}"
        )
    # __import__, not importlib.import_module: the same module, without importing importlib.
    module = __import__(f"phantom_guard.sources.{fmt.module}", fromlist=["parse"])
    parser: Parser = module.parse
    return parser(path, read_text(path) if text is None else text)


def discover(root: StrPath, *, exclude: Sequence[str] = ()) -> Iterator[Path]:
    """Every supported dependency file under `root`, in a stable order, skipping SKIP_DIRS,
    paths matching an `exclude` glob and, in a git work tree, files git ignores.

    The walk keeps its own stack (no recursion): a tree of any depth is walked.
    """
    from pathlib import Path  # a folder to walk: files named one by one need no pathlib

    root = Path(root)
    patterns = tuple(_pattern(p) for p in exclude if _pattern(p))
    found: list[Path] = []
    stack: list[tuple[Path, str]] = [(root, "")]
    while stack:
        folder, relative = stack.pop()
        try:
            with os.scandir(folder) as entries:
                listed = sorted(entries, key=lambda entry: entry.name)
        except OSError:
            continue  # unreadable or vanished: os.walk skips it too
        subfolders: list[tuple[Path, str]] = []
        for entry in listed:
            rel = f"{relative}/{entry.name}" if relative else entry.name
            try:
                is_dir = entry.is_dir(follow_symlinks=False)
            except OSError:
                continue
            if is_dir:
                name = entry.name
                if name in SKIP_DIRS or name.endswith(".egg-info") or _excluded(rel, patterns):
                    continue
                subfolders.append((Path(entry.path), rel))
            elif not _excluded(rel, patterns):
                path = Path(folder, entry.name)
                if format_of(path, explicit=False) is not None:
                    found.append(path)
        stack.extend(reversed(subfolders))
        # Files first, then sub-folders in name order: the order os.walk gave.
    ignored = _git_ignored(root, found)
    for path in found:
        if path not in ignored:
            yield path


def _pattern(glob: str) -> str:
    return glob.strip().removeprefix("./").strip("/")


def _excluded(relative: str, patterns: Sequence[str]) -> bool:
    """Whether a path (relative to the scanned root, with ``/``) matches an exclude glob: a glob
    without ``/`` matches any one path component (as in .gitignore), one with ``/`` the path
    from the root or any folder above it.
    """
    if not patterns:
        return False
    import fnmatch

    parts = relative.split("/")
    for pattern in patterns:
        if "/" not in pattern:
            if any(fnmatch.fnmatchcase(part, pattern) for part in parts):
                return True
        elif any(
            fnmatch.fnmatchcase("/".join(parts[:end]), pattern) for end in range(1, len(parts) + 1)
        ):
            return True
    return False


#: Folder names that hold test data and examples rather than a project's own dependencies.
_FIXTURE_FOLDERS = frozenset(
    {
        "test",
        "tests",
        "testing",
        "testdata",
        "test-data",
        "fixtures",
        "__fixtures__",
        "__tests__",
        "examples",
        "example",
        "spec",
    }
)


def exclude_hint(file: StrPath, root: StrPath) -> str | None:
    """The ``--exclude`` value that would leave `file` (found under `root`) out of a scan: its
    first run of fixture-like folders (``tests/fixtures``), else the file itself.
    """
    import shlex
    from pathlib import Path

    try:
        parts = Path(file).relative_to(root).parts
    except ValueError:
        return None
    folders = parts[:-1]
    for start, part in enumerate(folders):
        if part.lower() in _FIXTURE_FOLDERS:
            end = start + 1
            while end < len(folders) and folders[end].lower() in _FIXTURE_FOLDERS:
                end += 1
            return shlex.quote("/".join(parts[:end]))
    return shlex.quote("/".join(parts))


def _git_ignored(root: Path, files: Sequence[Path]) -> set[Path]:
    """The files git ignores, when `root` is in a git work tree (else none)."""
    import subprocess

    if not files:
        return set()
    try:
        shown = subprocess.run(
            ["git", "check-ignore", "-z", "--stdin"],
            cwd=root,
            input=b"".join(os.fsencode(path.resolve()) + b"\0" for path in files),
            capture_output=True,
            timeout=30,
            check=False,
        )
    except (OSError, subprocess.SubprocessError):
        return set()
    if shown.returncode not in (0, 1):  # 128: not a git work tree, or git failed
        return set()
    ignored = {os.fsdecode(item) for item in shown.stdout.split(b"\0") if item}
    return {path for path in files if str(path.resolve()) in ignored}
