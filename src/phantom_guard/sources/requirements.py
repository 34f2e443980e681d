"""pip requirements files (``requirements*.txt``, ``*.in``, constraints files).

pip's requirements file format: "A line ending in an unescaped \\ is treated as a line
continuation", "Whitespace followed by a # causes the # and the remainder of the line to be
treated as a comment", and ``-r``/``-c`` paths are relative to the file naming them. Each
requirement is PEP 508, or an editable, path or URL (no registry package: skipped).
"""

from __future__ import annotations

import functools
import os
import re
from pathlib import Path
from urllib.parse import urlsplit
from urllib.request import url2pathname

from packaging.requirements import InvalidRequirement, Requirement

from phantom_guard.errors import SourceError
from phantom_guard.model import PackageRef, Registry, Skipped, Source
from phantom_guard.records import field, record
from phantom_guard.sources import IndexOption, ParseResult, read_text
from phantom_guard.sources._comments import cut_comment

TYPE_CHECKING = False  # typing.TYPE_CHECKING, without importing typing
if TYPE_CHECKING:
    from phantom_guard.settings import StrPath

# pip: COMMENT_RE = re.compile(r"(^|\s+)#.*$"); anchored by match() it is linear, and its
# sub() is done by cut_comment.
_COMMENT = re.compile(r"(^|\s+)#.*$")
# Options start at the first whitespace-separated token beginning with "-".
_OPTIONS_START = re.compile(r"(?:^|[ \t])-")
_LINE_BREAK = re.compile(r"\r\n|\r|\n")
_URL_SCHEME = re.compile(r"[A-Za-z][A-Za-z0-9+.-]*://|file:", re.ASCII)
_VCS_SCHEME = re.compile(r"(git|hg|svn|bzr)\+", re.IGNORECASE)
_WINDOWS_DRIVE = re.compile(r"[A-Za-z]:[\\/]")
# What pip treats as an archive file name (pip._internal.utils.filetypes.ARCHIVE_EXTENSIONS).
_ARCHIVE_SUFFIXES = (
    ".whl",
    ".zip",
    ".tar.gz",
    ".tgz",
    ".tar",
    ".tar.bz2",
    ".tbz",
    ".tar.xz",
    ".txz",
    ".tlz",
    ".tar.lz",
    ".tar.lzma",
)
# PEP 508: "identifier ::= letterOrDigit identifier_end*", ending in a letter or digit.
_BARE_NAME = re.compile(r"[A-Za-z0-9](?:[A-Za-z0-9._-]*[A-Za-z0-9])?")
# The head of a pip requirement line: what comes before extras, a version, a marker or " @ ".
_HEAD = re.compile(r"[^\s\[;<>=!~@(]+")

# pip's requirements-file options. The value says whether the option takes an argument.
_LONG_OPTIONS = {
    "requirement": True,
    "constraint": True,
    "editable": True,
    "index-url": True,
    "extra-index-url": True,
    "no-index": False,
    "find-links": True,
    "no-binary": True,
    "only-binary": True,
    "prefer-binary": False,
    "require-hashes": False,
    "pre": False,
    "trusted-host": True,
    "use-feature": True,
    # Per-requirement options.
    "hash": True,
    "global-option": True,
    "config-settings": True,
}
_SHORT_OPTIONS = {
    "r": "requirement",
    "c": "constraint",
    "e": "editable",
    "i": "index-url",
    "f": "find-links",
    "C": "config-settings",
}
# The options that say which index pip installs from (reported for private-index awareness).
_INDEX_OPTIONS = ("index-url", "extra-index-url", "no-index")
#: Deeper ``-r`` chains than this are refused rather than followed.
_MAX_INCLUDE_DEPTH = 64
#: An option token longer than this is refused: a hash is ~70 characters, a URL a few hundred.
MAX_TOKEN_CHARS = 64 * 1024
#: The options of one line, together: a thousand hashes fit many times over.
MAX_OPTIONS_CHARS = 1024 * 1024
# One shell-style word: runs of plain characters, 'single-quoted', "double-quoted" (backslash
# escapes) and backslash-escaped characters. Matched by the regex engine in one pass.
_WORD = re.compile(r"""(?:[^\s'"\\]+|'[^']*'|"[^"\\]*(?:\\.[^"\\]*)*"|\\.)+""", re.DOTALL)
_LONG_RUN = re.compile(rf"\S{{{MAX_TOKEN_CHARS + 1}}}")
_UNQUOTE = re.compile(r"""'([^']*)'|"((?:[^"\\]|\\.)*)"|\\(.?)""", re.DOTALL)
_DQ_ESCAPE = re.compile(r'\\([\\"])')


@record
class Skip:
    """A requirement that names no registry package, and why."""

    reason: str


def pep508_name(text: str) -> str | Skip:
    """The name a PEP 508 dependency specifier declares, or `Skip` for ``name @ URL``.

    Raises `ValueError` with a one-line message when `text` is not a PEP 508 specifier.
    """
    named = pep508_pin(text)
    return named if isinstance(named, Skip) else named[0]


def pep508_pin(text: str) -> tuple[str, str | None] | Skip:
    """The name a PEP 508 specifier declares and the exact version it pins (``==1.2`` or
    ``===1.2``; a wildcard or any other operator pins none), or `Skip` for ``name @ URL``.

    Raises `ValueError` with a one-line message when `text` is not a PEP 508 specifier.
    """
    try:
        requirement = Requirement(text)
    except InvalidRequirement as exc:
        message = str(exc).split("\n", 1)[0]
        raise ValueError(f"invalid requirement {_shorten(text.strip())!r}: {message}") from None
    if requirement.url is not None:
        return Skip(f"direct URL reference: {requirement.name} @ {requirement.url}")
    specs = list(requirement.specifier)
    version = None
    if len(specs) == 1 and specs[0].operator in ("==", "===") and "*" not in specs[0].version:
        version = specs[0].version
    return requirement.name, version


def pip_requirement_name(text: str) -> str | Skip:
    """The name a pip requirement names: a PEP 508 specifier, or a path or URL (skipped).

    pip also accepts "a local path or URL to an archive or project directory" in place of a
    specifier; those name no registry package. Raises `ValueError` for anything else.
    """
    named = pip_requirement(text)
    return named if isinstance(named, Skip) else named[0]


def pip_requirement(text: str) -> tuple[str, str | None] | Skip:
    """`pip_requirement_name`, with the exact version the requirement pins (see `pep508_pin`)."""
    text = text.strip()
    if _BARE_NAME.fullmatch(text) and not text.lower().endswith(_ARCHIVE_SUFFIXES):
        return text, None  # the common case, answered without the full PEP 508 parser
    return _pip_requirement(text)


@functools.lru_cache(maxsize=4096)
def _pip_requirement(text: str) -> tuple[str, str | None] | Skip:
    # Cached: a file repeating one line 80,000 times parses it once.
    if _URL_SCHEME.match(text) or _VCS_SCHEME.match(text):
        return _url_skip(text)
    head_match = _HEAD.match(text)
    head = head_match.group() if head_match else ""
    if (
        text.startswith((".", "~", "/", "\\"))
        or "/" in head
        or "\\" in head
        or _WINDOWS_DRIVE.match(text)
        or head.lower().endswith(_ARCHIVE_SUFFIXES)
    ):
        return Skip(f"local path: {text}")
    try:
        return pep508_pin(text)
    except ValueError:
        if "${" in text:
            return Skip(f"unexpanded environment variable: {text}")
        raise


def _shorten(text: str, limit: int = 120) -> str:
    """`text`, cut to `limit` characters for an error message."""
    return text if len(text) <= limit else text[: limit - 1] + "…"


def _url_skip(target: str) -> Skip:
    if _VCS_SCHEME.match(target):
        return Skip(f"VCS reference: {target}")
    if target.lower().startswith("file:"):
        return Skip(f"local path: {target}")
    return Skip(f"direct URL: {target}")


def parse(path: StrPath, text: str) -> ParseResult:
    """Parse a requirements file in pip's requirements file format, following ``-r``/``-c``.

    Included files are read from disk relative to the including file; an include already on
    the include stack is reported as a cycle, not followed again.
    """
    path = Path(path)
    state = _State()
    display = str(path)
    state.stack.append((_identity(path), display))
    state.seen.add(_identity(path))
    _parse_into(state, path, display, text)
    return ParseResult(
        refs=tuple(state.refs),
        skipped=tuple(state.skipped),
        includes=tuple(state.includes),
        index_options=tuple(state.index_options),
    )


@record(frozen=False)
class _State:
    refs: list[PackageRef] = field(default_factory=list)
    skipped: list[Skipped] = field(default_factory=list)
    index_options: list[IndexOption] = field(default_factory=list)
    includes: list[str] = field(default_factory=list)
    # (identity, display name) of each file being parsed, outermost first.
    stack: list[tuple[str, str]] = field(default_factory=list)
    # Files parsed already: a second -r to one of them adds nothing new.
    seen: set[str] = field(default_factory=set)


def _identity(path: Path) -> str:
    """One name per file, whatever the path: symlinks and ``..`` resolved."""
    return os.path.normcase(os.path.realpath(path))


def _parse_into(state: _State, path: Path, display: str, text: str) -> None:
    text = text.removeprefix("\ufeff")
    for line_number, line in _logical_lines(text):
        source = Source(display, line_number)
        match = _OPTIONS_START.search(line)
        if match is None:
            requirement, options_text = line, ""
        else:
            requirement, options_text = line[: match.start()], line[match.start() :]
        requirement = requirement.strip()
        options = _parse_options(options_text, display, line_number)
        for option in _INDEX_OPTIONS:
            for value in options.get(option, []):
                state.index_options.append(IndexOption(option, value, source))
        if requirement:
            _add(state, source, requirement)
            continue
        # pip: a line is a requirement if it has one or an -e; other options apply file-wide.
        editables = options.get("editable", [])
        for target in editables:
            state.skipped.append(Skipped(f"-e {target}", f"editable install: {target}", source))
        if editables:
            continue
        for target in options.get("requirement", []):
            _include(state, path, source, target)
        for target in options.get("constraint", []):
            _include(state, path, source, target)


def _add(state: _State, source: Source, requirement: str) -> None:
    try:
        named = pip_requirement(requirement)
    except ValueError as exc:
        raise SourceError(source.file, str(exc), source.line) from None
    if isinstance(named, Skip):
        state.skipped.append(Skipped(requirement, named.reason, source))
    else:
        name, version = named
        if version is not None:
            source = Source(source.file, source.line, version)
        state.refs.append(PackageRef(name, Registry.PYPI, source, version=version))


def _logical_lines(text: str) -> list[tuple[int, str]]:
    """pip's join_lines and ignore_comments: (first physical line number, logical line)."""
    joined: list[tuple[int, str]] = []
    pending: list[str] = []
    first = 0
    for number, line in enumerate(_LINE_BREAK.split(text), start=1):
        is_comment = _COMMENT.match(line) is not None
        if line.endswith("\\") and not is_comment:
            if not pending:
                first = number
            pending.append(line.strip("\\"))
            continue
        # pip prefixes a comment with a space so that it is still removed once joined.
        physical = " " + line if is_comment else line
        if pending:
            pending.append(physical)
            joined.append((first, "".join(pending)))
            pending = []
        else:
            joined.append((number, physical))
    if pending:
        joined.append((first, "".join(pending)))
    logical: list[tuple[int, str]] = []
    for number, line in joined:
        stripped = cut_comment(line, at_start=True).strip()
        if stripped:
            logical.append((number, stripped))
    return logical


def _parse_options(text: str, file: str, line: int) -> dict[str, list[str]]:
    """The options of one logical line, as pip's option parser reads them."""
    if not text.strip():
        return {}
    tokens = _split_words(text, file, line)
    options: dict[str, list[str]] = {}
    index = 0
    while index < len(tokens):
        token = tokens[index]
        index += 1
        value: str | None
        if token.startswith("--"):
            given, equals, value = token[2:].partition("=")
            name = _long_option(given, file, line)
            if not equals:
                value = None
        elif token.startswith("-") and len(token) > 1:
            name_or_none = _SHORT_OPTIONS.get(token[1])
            if name_or_none is None:
                raise SourceError(file, f"no such option: {token[:2]}", line)
            name = name_or_none
            value = token[2:].removeprefix("=") or None
        else:
            # pip ignores stray arguments after options.
            continue
        if _LONG_OPTIONS[name] and value is None:
            if index >= len(tokens):
                raise SourceError(file, f"option --{name} requires an argument", line)
            value = tokens[index]
            index += 1
        options.setdefault(name, []).append(value or "")
    return options


def _split_words(text: str, file: str, line: int) -> list[str]:
    """POSIX shell words as ``shlex.split`` reads them, in linear time, each length-capped."""
    if len(text) > MAX_OPTIONS_CHARS:
        raise SourceError(file, f"options longer than {MAX_OPTIONS_CHARS:,} characters", line)
    if _LONG_RUN.search(text):
        raise SourceError(
            file, f"an option value is longer than {MAX_TOKEN_CHARS:,} characters", line
        )
    words: list[str] = []
    position = 0
    for match in _WORD.finditer(text):
        gap = text[position : match.start()]
        if gap.strip():
            raise SourceError(file, "cannot split options: No closing quotation", line)
        position = match.end()
        if match.end() - match.start() > MAX_TOKEN_CHARS:
            raise SourceError(
                file, f"an option value is longer than {MAX_TOKEN_CHARS:,} characters", line
            )
        words.append(_UNQUOTE.sub(_unquoted, match.group()))
    if text[position:].strip():
        raise SourceError(file, "cannot split options: No closing quotation", line)
    return words


def _unquoted(match: re.Match[str]) -> str:
    single, double, escaped = match.groups()
    if single is not None:
        return single
    if double is not None:
        return _DQ_ESCAPE.sub(r"\1", double)
    return escaped or ""


def _long_option(given: str, file: str, line: int) -> str:
    """pip's option parser accepts any unambiguous prefix of a long option."""
    if given in _LONG_OPTIONS:
        return given
    matches = [name for name in _LONG_OPTIONS if name.startswith(given)] if given else []
    if len(matches) == 1:
        return matches[0]
    raise SourceError(file, f"no such option: --{given}", line)


def _include(state: _State, including: Path, source: Source, target: str) -> None:
    if _URL_SCHEME.match(target) and not target.lower().startswith("file:"):
        state.skipped.append(Skipped(target, f"include of a URL is not fetched: {target}", source))
        return
    if "${" in target:
        state.skipped.append(
            Skipped(target, f"include path has an environment variable: {target}", source)
        )
        return
    if target.lower().startswith("file:"):
        target = url2pathname(urlsplit(target).path)
    if "\x00" in target:
        raise SourceError(source.file, "include path contains a NUL character", source.line)
    included = including.parent / target
    display = os.path.normpath(included)
    identity = _identity(included)
    starts = [index for index, (ident, _) in enumerate(state.stack) if ident == identity]
    if starts:
        chain = [name for _, name in state.stack[starts[0] :]] + [display]
        state.skipped.append(Skipped(target, "include cycle: " + " -> ".join(chain), source))
        return
    if display not in state.includes:
        state.includes.append(display)
    if identity in state.seen:
        return
    if len(state.stack) >= _MAX_INCLUDE_DEPTH:
        raise SourceError(
            source.file, f"includes nested more than {_MAX_INCLUDE_DEPTH} deep", source.line
        )
    # The reader refuses what is not a regular file inside the scanned tree (-r /dev/zero,
    # -r ../../secrets.txt) and, under --since, reads the include at the revision.
    try:
        text = read_text(included)
    except SourceError as exc:
        reason = "not found" if "No such file" in exc.reason else exc.reason
        raise SourceError(source.file, f"included file {reason}: {display}", source.line) from None
    state.seen.add(identity)
    state.stack.append((identity, display))
    try:
        _parse_into(state, included, display, text)
    finally:
        state.stack.pop()
