"""Dependency files -> `PackageRef`s: one parser module per format, chosen by file name.

Each parser module exposes ``parse(path: Path, text: str) -> ParseResult``. Entries that name no
registry package (editable installs, paths, URLs, git, workspace links) are reported as skipped
with the reason, never guessed at.
"""

from __future__ import annotations

import fnmatch
import importlib
import os
from collections.abc import Iterator
from contextlib import contextmanager
from contextvars import ContextVar
from dataclasses import dataclass, field
from pathlib import Path
from typing import Protocol

from phantom_guard.errors import SourceError, UnsupportedFile
from phantom_guard.model import PackageRef, Registry, Source

#: Files larger than this are refused: no real dependency file comes close.
MAX_FILE_BYTES = 50 * 1024 * 1024


@dataclass(frozen=True, slots=True)
class ParseResult:
    """The dependencies a file declares, and the entries it declares that are not looked up."""

    refs: tuple[PackageRef, ...] = ()
    skipped: tuple[tuple[Source, str], ...] = ()
    #: Other files this one pulled in (requirements ``-r``/``-c``), for reporting.
    includes: tuple[str, ...] = field(default=())


class Parser(Protocol):
    """What every module in this package provides."""

    def __call__(self, path: Path, text: str) -> ParseResult: ...


@dataclass(frozen=True, slots=True)
class Format:
    """A dependency file format: the file names it matches, its registry and its parser module."""

    name: str
    patterns: tuple[str, ...]
    registry: Registry
    module: str


FORMATS: tuple[Format, ...] = (
    Format(
        "requirements",
        ("requirements*.txt", "requirements*.in", "*requirements.txt", "constraints*.txt"),
        Registry.PYPI,
        "requirements",
    ),
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


def format_of(path: Path) -> Format | None:
    """The format a file name belongs to, or None."""
    for fmt in FORMATS:
        if any(fnmatch.fnmatchcase(path.name, pattern) for pattern in fmt.patterns):
            return fmt
    return None


def supported_names() -> str:
    """The supported file names, for error messages."""
    return ", ".join(p for fmt in FORMATS for p in fmt.patterns)


class Reader(Protocol):
    """Where dependency files come from: the working tree (`DiskReader`) or a git revision."""

    def read(self, path: Path) -> bytes:
        """The file's bytes, at most `MAX_FILE_BYTES`; raises `SourceError`."""
        ...


@dataclass(frozen=True, slots=True)
class DiskReader:
    """Regular files under `root` only (None: anywhere), unless `follow_outside`."""

    root: Path | None = None
    follow_outside: bool = False

    def read(self, path: Path) -> bytes:
        """The file's bytes through `files.read_confined`."""
        from phantom_guard.files import read_confined

        return read_confined(
            path, root=self.root, limit=MAX_FILE_BYTES, follow_outside=self.follow_outside
        )


_reader: ContextVar[Reader | None] = ContextVar("phantom_guard_reader", default=None)


@contextmanager
def reading_from(reader: Reader) -> Iterator[None]:
    """Every `read_text` inside the block (includes too) goes through `reader`."""
    token = _reader.set(reader)
    try:
        yield
    finally:
        _reader.reset(token)


def read_text(path: Path) -> str:
    """A dependency file's text: size-capped, UTF-8 (a BOM is dropped), errors as SourceError.

    Read through the current `Reader` (`reading_from`), so a scan never leaves its tree and
    ``--since`` reads includes at the revision too.
    """
    from phantom_guard.files import shown

    data = (_reader.get() or DiskReader()).read(path)
    try:
        return data.decode("utf-8-sig")
    except UnicodeDecodeError as exc:
        line = data[: exc.start].count(b"\n") + 1
        raise SourceError(shown(path), "file is not valid UTF-8", line) from None


def parse_file(path: Path) -> ParseResult:
    """Parse one dependency file, choosing the parser by its name."""
    return parse_text(path, None)


def parse_text(path: Path, text: str | None) -> ParseResult:
    """Parse `text` as the file `path` names (read from disk when `text` is None)."""
    fmt = format_of(path)
    if fmt is None:
        raise UnsupportedFile(
            str(path), f"unsupported file type; supported files are: {supported_names()}"
        )
    module = importlib.import_module(f"phantom_guard.sources.{fmt.module}")
    parser: Parser = module.parse
    return parser(path, read_text(path) if text is None else text)


def discover(root: Path) -> Iterator[Path]:
    """Every supported dependency file under `root`, in a stable order, skipping SKIP_DIRS."""
    for folder, dirs, files in os.walk(root):
        dirs[:] = sorted(d for d in dirs if d not in SKIP_DIRS and not d.endswith(".egg-info"))
        for file in sorted(files):
            path = Path(folder, file)
            if format_of(path) is not None:
                yield path
