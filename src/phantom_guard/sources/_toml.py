"""Reading TOML: `load_toml` decodes with errors that name the line, and `TomlDocument` pairs
the decoded data with the line of every key path (from `_toml_lines`), so a parser that finds
a wrong-shaped value can say where it is.
"""

from __future__ import annotations

import re
import tomllib
from collections.abc import Iterator
from typing import Any

from phantom_guard.errors import SourceError
from phantom_guard.sources._keypath import KeyPath
from phantom_guard.sources._toml_lines import BARE_KEY, value_lines
from phantom_guard.stand_ins import cached_property

# Where `tomllib` says an error is, at the end of its message.
_ERROR_AT = re.compile(r"\s*\((?:at line (\d+), column (\d+)|at end of document)\)\s*$")


def load_toml(file: str, text: str, *, column: bool = False) -> dict[str, Any]:
    """Decode TOML; every failure is a `SourceError`, with the line when `tomllib` gives one
    (the last line that has anything on it for an error at the end of the document). With
    `column`, the reason ends with `tomllib`'s column: ``Illegal character '\\n' (column 13)``.
    """
    try:
        return tomllib.loads(text.removeprefix("\ufeff"))
    except RecursionError:
        raise SourceError(file, "invalid TOML: nested too deeply") from None
    except ValueError as exc:  # TOMLDecodeError, and int() refusing a 5000-digit number
        message = str(exc)
        found = _ERROR_AT.search(message)
        if found is None:
            raise SourceError(file, f"invalid TOML: {message}") from None
        reason = message[: found.start()]
        line_at, column_at = found.groups()
        if line_at is None:  # "at end of document"
            line = text.rstrip().count("\n") + 1
        else:
            line = int(line_at)
            reason += f" (column {column_at})" if column else ""
        raise SourceError(file, f"invalid TOML: {reason}", line) from None


class TomlDocument:
    """A decoded TOML file (`data`) and the line of each of its key paths (`lines`).

    Its accessors check a value's shape and raise a `SourceError` that names the key path and
    its line: ``package[0].name: expected a string, found a number``.
    """

    def __init__(self, file: str, text: str) -> None:
        self.file = file
        self.text = text
        self.data = load_toml(file, text)

    @cached_property
    def lines(self) -> dict[KeyPath, int]:
        """The line of every key path: a per-key scan of the whole document, made only when a
        line is asked for that the quick pass of `packages` did not find.
        """
        return value_lines(self.text)

    def line(self, path: KeyPath) -> int | None:
        """The line where `path` is declared (None if it cannot be told)."""
        return self.lines.get(path)

    def fail(self, path: KeyPath, reason: str) -> SourceError:
        """The error for a wrong-shaped value at `path` (to raise)."""
        return SourceError(self.file, f"{describe(path)}: {reason}", self.lines.get(path))

    def table(self, parent: dict[str, Any], path: KeyPath) -> dict[str, Any]:
        """``parent[path[-1]]`` if it is a table, ``{}`` if absent; otherwise a SourceError."""
        value = parent.get(str(path[-1]))
        if value is None:
            return {}
        if not isinstance(value, dict):
            raise self.fail(path, f"expected a table, found {kind(value)}")
        return value

    def array(self, parent: dict[str, Any], path: KeyPath) -> list[Any]:
        """``parent[path[-1]]`` if it is an array, ``[]`` if absent; otherwise a SourceError."""
        value = parent.get(str(path[-1]))
        if value is None:
            return []
        if not isinstance(value, list):
            raise self.fail(path, f"expected an array, found {kind(value)}")
        return value

    def string(self, value: object, path: KeyPath) -> str:
        """`value` if it is a string; otherwise a SourceError."""
        if not isinstance(value, str):
            raise self.fail(path, f"expected a string, found {kind(value)}")
        return value

    def packages(self) -> Iterator[tuple[str, int | None, dict[str, Any]]]:
        """Each ``[[package]]`` of a lock file: its name, the line of ``name =``, its source."""
        for name, line, source, _ in self.package_entries():
            yield name, line, source

    def package_entries(
        self,
    ) -> Iterator[tuple[str, int | None, dict[str, Any], str | None]]:
        """Each ``[[package]]``: name, line of ``name =``, source table, version (if a string)."""
        packages = self.array(self.data, ("package",))
        quick = _package_name_lines(self.text)
        for index, package in enumerate(packages):
            package_path = ("package", index)
            if not isinstance(package, dict):
                raise self.fail(package_path, "expected a table")
            name_path = (*package_path, "name")
            name = self.string(package.get("name"), name_path)
            source = self.table(package, (*package_path, "source"))
            # The quick pass is trusted only where it agrees with the decoder: same count of
            # packages, same name; anything else is answered by the full scan.
            hint = quick[index] if len(quick) == len(packages) else None
            line = hint[1] if hint is not None and hint[0] == name else self.line(name_path)
            version = package.get("version")
            yield name, line, source, version if isinstance(version, str) else None


# One pass over a lock file's lines: a ``[[package]]`` header, a plain ``name = "..."`` line,
# or any other table header (which ends the search for the current package's name).
_PACKAGE_LINES = re.compile(
    r'^[ \t]*(?:(\[\[[ \t]*package[ \t]*\]\])|name[ \t]*=[ \t]*"([^"\\\n]*)"|(\[))',
    re.MULTILINE,
)


def _package_name_lines(text: str) -> list[tuple[str, int] | None]:
    """Per ``[[package]]`` header in order, the name and line of its ``name = "..."``, or None
    where that is not written plainly before the next header (the full scan then answers).
    """
    found: list[tuple[str, int] | None] = []
    expecting = False
    line, pos = 1, 0
    for match in _PACKAGE_LINES.finditer(text):
        header, name, other = match.groups()
        if header is not None:
            found.append(None)
            expecting = True
        elif other is not None:
            expecting = False
        elif expecting:
            line += text.count("\n", pos, match.start())
            pos = match.start()
            found[-1] = (name, line)
            expecting = False
    return found


def describe(path: KeyPath) -> str:
    """A key path as a TOML reader writes it: ``tool.poetry.dependencies.requests``, ``a[0]``."""
    out = ""
    for part in path:
        if isinstance(part, int):
            out += f"[{part}]"
        else:
            key = part if BARE_KEY.fullmatch(part) else '"' + part.replace('"', '\\"') + '"'
            out += f".{key}" if out else key
    return out


def kind(value: object) -> str:
    """The TOML name of a parsed value's type, for error messages."""
    if value is None:
        return "nothing"
    if isinstance(value, bool):
        return "a boolean"
    if isinstance(value, dict):
        return "a table"
    if isinstance(value, list):
        return "an array"
    if isinstance(value, str):
        return "a string"
    if isinstance(value, int | float):
        return "a number"
    return "a date or time"
