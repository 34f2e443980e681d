"""``Pipfile.lock``: Pipenv's JSON lock file.

Every top-level key but ``_meta`` is a package category (``default``, ``develop``, custom ones)
mapping names to ``{"version": ..., "hashes": [...]}``. Entries with ``path``, ``git`` or
``file`` (and other VCS keys) install from elsewhere than an index and are skipped.
"""

from __future__ import annotations

import json
import re
from dataclasses import dataclass
from pathlib import Path

from phantom_guard.errors import SourceError
from phantom_guard.model import PackageRef, Registry, Source
from phantom_guard.sources import ParseResult

# Lock entry keys that mean "not from an index", in the order they are reported.
_NON_REGISTRY = {
    "path": "path dependency",
    "file": "file dependency",
    "git": "git dependency",
    "hg": "hg dependency",
    "svn": "svn dependency",
    "bzr": "bzr dependency",
}
_TOKEN = re.compile(r'[{}\[\]",:\n]')
_STRING = re.compile(r'"(?:[^"\\\n]|\\.)*"')

JsonPath = tuple[str | int, ...]


def parse(path: Path, text: str) -> ParseResult:
    """Parse a ``Pipfile.lock``: the names in each category, at the line of ``"name": {``."""
    file = str(path)
    text = text.removeprefix("\ufeff")
    try:
        data = json.loads(text)
    except json.JSONDecodeError as exc:
        raise SourceError(file, f"invalid JSON: {exc.msg}", exc.lineno) from None
    except RecursionError:
        raise SourceError(file, "invalid JSON: nested too deeply") from None
    except ValueError as exc:  # int() refusing a 5000-digit number
        raise SourceError(file, f"invalid JSON: {exc}") from None
    if not isinstance(data, dict):
        raise SourceError(file, "expected a JSON object at the top level", 1)
    lines = key_lines(text)
    refs: list[PackageRef] = []
    skipped: list[tuple[Source, str]] = []
    for category, packages in data.items():
        if category == "_meta":
            continue
        if not isinstance(packages, dict):
            raise SourceError(
                file, f"category {category!r}: expected an object", lines.get((category,))
            )
        for name, entry in packages.items():
            source = Source(file, lines.get((category, name)))
            if not isinstance(entry, dict):
                raise SourceError(file, f"{category}.{name}: expected an object", source.line)
            reason = next(
                (
                    f"{label} {name}: {entry[key]}"
                    for key, label in _NON_REGISTRY.items()
                    if key in entry
                ),
                None,
            )
            if reason is None:
                refs.append(PackageRef(name, Registry.PYPI, source))
            else:
                skipped.append((source, reason))
    return ParseResult(refs=tuple(refs), skipped=tuple(skipped))


def key_lines(text: str) -> dict[JsonPath, int]:
    """The 1-based line of each object key in the JSON document `text`, by key path.

    For text `json.loads` accepted; on other text it never raises but may be partial.
    """
    lines: dict[JsonPath, int] = {}
    stack: list[_Container] = []
    expect_key = False
    line = 1
    pos = 0
    while (match := _TOKEN.search(text, pos)) is not None:
        char = match.group()
        pos = match.end()
        if char == "\n":
            line += 1
        elif char in "{[":
            path: JsonPath = (*stack[-1].path, stack[-1].slot) if stack else ()
            stack.append(_Container(path, 0 if char == "[" else ""))
            expect_key = char == "{"
        elif char in "}]":
            if stack:
                stack.pop()
            expect_key = False
        elif char == ",":
            if stack and isinstance(stack[-1].slot, int):
                stack[-1].slot += 1
            else:
                expect_key = True
        elif char == ":":
            expect_key = False
        else:  # a string
            string = _STRING.match(text, match.start())
            if string is None:
                break
            pos = string.end()
            if expect_key and stack:
                try:
                    key = json.loads(string.group())
                except ValueError:
                    key = string.group()[1:-1]
                stack[-1].slot = key
                lines[(*stack[-1].path, key)] = line
    return lines


@dataclass(slots=True)
class _Container:
    """An open object or array: its path, and the key or index its next value goes to."""

    path: JsonPath
    slot: str | int
