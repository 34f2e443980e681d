"""``setup.cfg``: setuptools' declarative configuration, read as INI with `configparser`.

``[options]`` ``install_requires``, ``setup_requires`` and ``tests_require``, and each key of
``[options.extras_require]``, hold PEP 508 strings. As setuptools splits them, a value that
spans lines holds one requirement per line, and a one-line value is split on ``;``.
"""

from __future__ import annotations

import configparser
import re

from phantom_guard.errors import SourceError
from phantom_guard.model import Registry
from phantom_guard.sources import ParseResult
from phantom_guard.sources._collect import Collector
from phantom_guard.sources._comments import cut_comment
from phantom_guard.sources.requirements import Skip, pep508_name

TYPE_CHECKING = False  # typing.TYPE_CHECKING, without importing typing on the check path
if TYPE_CHECKING:
    from phantom_guard.settings import StrPath

_OPTION_KEYS = ("install_requires", "setup_requires", "tests_require")
_EXTRAS = "options.extras_require"
# configparser's section header and "key = value" / "key: value" line shapes.
_SECTION = re.compile(r"\[(?P<header>.+)\]")
_OPTION = re.compile(r"(?P<key>.*?)\s*[=:]\s*(?P<value>.*)$")
# Runs of blanks inside a line: configparser's option regex, ``(.*?)\s*[=:]``, backtracks over
# each one, so a line with a long run takes seconds. No requirement or key depends on how many
# blanks separate its words, so they are squeezed to one before anything reads the text.
_INNER_BLANKS = re.compile(r"(?<=\S)[^\S\n]{2,}")


def parse(path: StrPath, text: str) -> ParseResult:
    """Parse ``setup.cfg``: setuptools' requirement options, each entry a PEP 508 string."""
    file = str(path)
    text = _INNER_BLANKS.sub(" ", text.removeprefix("\ufeff"))
    parser = configparser.ConfigParser(interpolation=None)
    parser.optionxform = str  # type: ignore[assignment,method-assign]
    try:
        parser.read_string(text, source=file)
    except configparser.Error as exc:
        raise SourceError(file, _error_message(exc), _error_line(exc)) from None
    lines = _value_lines(text)
    found = Collector(file, Registry.PYPI)
    wanted = [("options", key) for key in _OPTION_KEYS]
    if parser.has_section(_EXTRAS):
        wanted += [(_EXTRAS, key) for key in parser.options(_EXTRAS)]
    for section, key in wanted:
        if not parser.has_option(section, key):
            continue
        value = parser.get(section, key)
        for line, requirement in _entries(value, lines.get((section, key), [])):
            if requirement.startswith("file:"):
                found.skip(requirement, line, f"{key} reads its list from a file ({requirement})")
                continue
            try:
                named = pep508_name(requirement)
            except ValueError as exc:
                raise SourceError(file, str(exc), line) from None
            if isinstance(named, Skip):
                found.skip(requirement, line, named.reason)
            else:
                found.ref(named, line)
    return found.result()


def _entries(value: str, value_lines: list[tuple[int, str]]) -> list[tuple[int | None, str]]:
    """setuptools' list parsing: one entry per line, or split on ";" for a one-line value.

    Each entry is paired with its line, found among the option's physical lines in order.
    """
    if "\n" not in value:
        line = value_lines[0][0] if value_lines else None
        chunks = cut_comment(value, at_start=False).split(";")
        return [(line, chunk.strip()) for chunk in chunks if chunk.strip()]
    out: list[tuple[int | None, str]] = []
    cursor = 0
    for chunk in value.splitlines():
        entry = cut_comment(chunk, at_start=False).strip()
        # setuptools drops comment lines from requirement lists.
        if not entry or entry.startswith("#"):
            continue
        line = None
        for index in range(cursor, len(value_lines)):
            if value_lines[index][1] == chunk.strip():
                line = value_lines[index][0]
                cursor = index + 1
                break
        out.append((line, entry))
    return out


def _value_lines(text: str) -> dict[tuple[str, str], list[tuple[int, str]]]:
    """Each option's physical value lines, (line number, stripped text), by (section, key).

    Follows configparser's reading: comment lines are dropped, and a line indented deeper
    than its option's key continues that option's value.
    """
    found: dict[tuple[str, str], list[tuple[int, str]]] = {}
    section: str | None = None
    current: list[tuple[int, str]] | None = None
    key_indent = 0
    # configparser splits lines on "\n" only (a lone "\r" does not end a line).
    for number, raw in enumerate(text.split("\n"), start=1):
        stripped = raw.strip()
        if stripped.startswith(("#", ";")):
            continue
        indent = len(raw) - len(raw.lstrip())
        if not stripped:
            continue
        if current is not None and indent > key_indent:
            current.append((number, stripped))
            continue
        header = _SECTION.match(stripped)
        if header is not None:
            section = header.group("header")
            current = None
            continue
        option = _OPTION.match(stripped)
        if option is None or section is None:
            current = None
            continue
        current = found.setdefault((section, option.group("key")), [])
        current.clear()
        key_indent = indent
        current.append((number, option.group("value").strip()))
    return found


def _error_message(exc: configparser.Error) -> str:
    if isinstance(exc, configparser.MissingSectionHeaderError):
        return "invalid INI: a line before the first [section] header"
    if isinstance(exc, configparser.ParsingError):
        return "invalid INI: a line that is neither a [section], a key = value, nor a comment"
    if isinstance(exc, configparser.DuplicateSectionError):
        return f"invalid INI: section [{exc.section}] appears twice"
    if isinstance(exc, configparser.DuplicateOptionError):
        return f"invalid INI: option {exc.option!r} appears twice in [{exc.section}]"
    return f"invalid INI: {exc.message}"


def _error_line(exc: configparser.Error) -> int | None:
    line = getattr(exc, "lineno", None)
    errors = getattr(exc, "errors", None)  # ParsingError: [(line, text), ...]
    if line is None and errors:
        line = errors[0][0]
    return line if isinstance(line, int) and line >= 1 else None
