"""Decoding, line-finding and deduplication shared by the npm and Rust parsers.

The standard decoders give data but no positions, so each format has a small scanner here that
runs over text the decoder already accepted and maps key paths to 1-based line numbers. The
scanners never raise: on text they do not understand they return fewer lines, never an error.
"""

from __future__ import annotations

import json
import re
import tomllib
from collections.abc import Callable, Mapping
from typing import Any

import yaml

from phantom_guard.errors import SourceError
from phantom_guard.model import PackageRef, Registry, Source
from phantom_guard.sources import ParseResult

#: A key path: object keys, with list indexes (JSON arrays, TOML arrays of tables) as ints.
KeyPath = tuple[str | int, ...]

_YAML_LOADER: type[yaml.SafeLoader] | type[yaml.CSafeLoader] = getattr(
    yaml, "CSafeLoader", yaml.SafeLoader
)
_YAML_NULL = "tag:yaml.org,2002:null"
_YAML_MERGE = "tag:yaml.org,2002:merge"
_TOML_LINE = re.compile(r"at line (\d+)")


class Collector:
    """Refs and skip notes of one lockfile, deduplicated: each name keeps its first line."""

    def __init__(self, file: str, registry: Registry) -> None:
        self.file = file
        self.registry = registry
        self._refs: dict[str, Source] = {}
        self._skipped: dict[str, tuple[Source, str]] = {}

    def ref(self, name: str, line: int | None) -> None:
        """Record `name`, declared on `line`."""
        _keep_first(self._refs, name, Source(self.file, line))

    def skip(self, name: str, line: int | None, reason: str) -> None:
        """Record an entry that is not looked up, and why (the first note on a name wins)."""
        source = Source(self.file, line)
        old = self._skipped.get(name)
        if old is None or _order(source) < _order(old[0]):
            self._skipped[name] = (source, reason)

    def result(self) -> ParseResult:
        """Everything recorded, in line order."""
        refs = sorted(self._refs.items(), key=lambda item: _order(item[1]))
        skipped = sorted(self._skipped.values(), key=lambda note: _order(note[0]))
        return ParseResult(
            refs=tuple(PackageRef(name, self.registry, source) for name, source in refs),
            skipped=tuple(skipped),
        )


def _keep_first(seen: dict[str, Source], key: str, source: Source) -> None:
    old = seen.get(key)
    if old is None or _order(source) < _order(old):
        seen[key] = source


def _order(source: Source) -> int:
    return source.line if source.line is not None else 1 << 62


def line_of(lines: Mapping[KeyPath, int], path: KeyPath) -> int | None:
    """The line of `path`, else of its longest recorded prefix (a key inside an inline value)."""
    for end in range(len(path), 0, -1):
        line = lines.get(path[:end])
        if line is not None:
            return line
    return None


def strip_bom(text: str) -> str:
    """`text` without a leading byte order mark (`read_text` drops it; direct callers may not)."""
    return text[1:] if text.startswith("\ufeff") else text


# --- JSON ---------------------------------------------------------------------------------------


def load_json(file: str, text: str) -> Any:
    """Decode JSON; every failure (syntax, absurd nesting, huge numbers) is a `SourceError`."""
    try:
        return json.loads(strip_bom(text))
    except json.JSONDecodeError as exc:
        raise SourceError(file, f"invalid JSON: {exc.msg}", exc.lineno) from None
    except RecursionError:
        raise SourceError(file, "invalid JSON: nested too deeply") from None
    except ValueError as exc:  # e.g. an integer literal longer than Python converts
        raise SourceError(file, f"invalid JSON: {exc}") from None


_JSON_TOKEN = re.compile(r'"(?:[^"\\]|\\.)*"|[{}\[\],]')


def _json_key(token: str) -> str:
    if "\\" not in token:
        return token[1:-1]
    try:
        return str(json.loads(token))
    except ValueError:
        return token[1:-1]


def json_key_lines(text: str, keep: Callable[[KeyPath], bool]) -> dict[KeyPath, int]:
    """The line of every object key whose path `keep` accepts, for JSON that `json` accepted.

    Array elements appear in paths as their index. A key given twice keeps its last line, as
    `json` keeps its last value.
    """
    lines: dict[KeyPath, int] = {}
    path: list[str | int] = []  # how each open container was reached from its parent
    is_object: list[bool] = []  # one per open container
    current: list[str | int] = []  # per open container: last key, or index of current element
    expect_key = False
    line, pos = 1, 0
    for match in _JSON_TOKEN.finditer(text):
        token = match.group()
        first = token[0]
        if first == '"':
            if expect_key and current:
                start = match.start()
                line += text.count("\n", pos, start)
                pos = start
                key = _json_key(token)
                current[-1] = key
                key_path = (*path, key)
                if keep(key_path):
                    lines[key_path] = line
                expect_key = False
        elif first in "{[":
            if current:
                path.append(current[-1])
            opens_object = first == "{"
            is_object.append(opens_object)
            current.append("" if opens_object else 0)
            expect_key = opens_object
        elif first in "}]":
            if is_object:
                is_object.pop()
                current.pop()
            if path:
                path.pop()
            expect_key = False
        elif is_object:  # a comma
            if is_object[-1]:
                expect_key = True
            else:
                index = current[-1]
                current[-1] = index + 1 if isinstance(index, int) else 0
    return lines


# --- YAML ---------------------------------------------------------------------------------------


def compose_yaml(file: str, text: str) -> yaml.Node | None:
    """The YAML node tree of `text` (None when empty): safe, as it constructs no objects.

    Nodes carry their line, which `yaml.safe_load` would throw away.
    """
    try:
        node: yaml.Node | None = yaml.compose(strip_bom(text), Loader=_YAML_LOADER)
    except yaml.MarkedYAMLError as exc:
        mark = exc.problem_mark or exc.context_mark
        line = mark.line + 1 if mark is not None else None
        what = ", ".join(part for part in (exc.context, exc.problem) if part) or str(exc)
        raise SourceError(file, f"invalid YAML: {what}", line) from None
    except yaml.YAMLError as exc:
        raise SourceError(file, f"invalid YAML: {exc}") from None
    except RecursionError:
        raise SourceError(file, "invalid YAML: nested too deeply") from None
    except UnicodeError as exc:
        raise SourceError(file, f"invalid YAML: {exc}") from None
    return node


def yaml_line(node: yaml.Node) -> int:
    """The 1-based line a node starts on."""
    return int(node.start_mark.line) + 1


def yaml_items(file: str, node: yaml.Node | None, what: str) -> list[tuple[str, yaml.Node, int]]:
    """(key, value, key line) of a mapping node; a missing or null node is an empty mapping."""
    if node is None or (isinstance(node, yaml.ScalarNode) and node.tag == _YAML_NULL):
        return []
    if not isinstance(node, yaml.MappingNode):
        raise SourceError(file, f"{what} must be a mapping", yaml_line(node))
    items = []
    for key, value in node.value:
        if not isinstance(key, yaml.ScalarNode):
            raise SourceError(file, f"{what} has a key that is not a string", yaml_line(key))
        if key.tag == _YAML_MERGE:
            continue
        items.append((str(key.value), value, yaml_line(key)))
    return items


def yaml_get(node: yaml.Node | None, key: str) -> yaml.Node | None:
    """The value node under `key` in a mapping node (the last one if repeated), else None."""
    found = None
    if isinstance(node, yaml.MappingNode):
        for key_node, value in node.value:
            if isinstance(key_node, yaml.ScalarNode) and key_node.value == key:
                found = value
    return found


def yaml_str(file: str, node: yaml.Node | None, what: str) -> str | None:
    """The text of a scalar node (None when missing or null); a list or mapping is an error."""
    if node is None:
        return None
    if not isinstance(node, yaml.ScalarNode):
        raise SourceError(file, f"{what} must be a string", yaml_line(node))
    if node.tag == _YAML_NULL:
        return None
    return str(node.value)


# --- TOML ---------------------------------------------------------------------------------------


def load_toml(file: str, text: str) -> dict[str, Any]:
    """Decode TOML; every failure is a `SourceError` with the line `tomllib` names."""
    try:
        return tomllib.loads(strip_bom(text))
    except tomllib.TOMLDecodeError as exc:
        message = str(exc)
        found = _TOML_LINE.search(message)
        reason = _TOML_LINE.sub("", message).replace("(, column", "(column").strip()
        line = int(found.group(1)) if found else None
        raise SourceError(file, f"invalid TOML: {reason}", line) from None
    except RecursionError:
        raise SourceError(file, "invalid TOML: nested too deeply") from None
    except ValueError as exc:  # e.g. an integer literal longer than Python converts
        raise SourceError(file, f"invalid TOML: {exc}") from None


_TOML_BARE_KEY_END = frozenset(" \t\r\n.=]#[\"'{},")
_TOML_ESCAPES = {"b": "\b", "t": "\t", "n": "\n", "f": "\f", "r": "\r", "e": "\x1b"}


class _TomlScanner:
    """Walks TOML text statement by statement, recording where each key is defined."""

    def __init__(self, text: str) -> None:
        self.text = text
        self.i = 0
        self.line = 1
        self.lines: dict[KeyPath, int] = {}
        self.array_tables: dict[KeyPath, int] = {}  # path -> index of its last [[table]]

    def run(self) -> dict[KeyPath, int]:
        text, size = self.text, len(self.text)
        table: KeyPath = ()
        while self.i < size:
            char = text[self.i]
            if char == "\n":
                self.line += 1
                self.i += 1
            elif char in " \t\r":
                self.i += 1
            elif char == "#":
                self._skip_comment()
            elif char == "[":
                table = self._header()
            else:
                start = self.i
                keys = self._key()
                if keys:
                    full = self._resolve(table, keys)
                    for end in range(len(table) + 1, len(full) + 1):
                        self.lines.setdefault(full[:end], self.line)
                self._skip_spaces()
                if self.i < size and text[self.i] == "=":
                    self.i += 1
                    self._skip_value()
                elif self.i == start:
                    self.i += 1  # not a statement: step over it
        return self.lines

    def _header(self) -> KeyPath:
        line = self.line
        array = self.text.startswith("[[", self.i)
        self.i += 2 if array else 1
        keys = self._key()
        self._skip_spaces()
        self.i += 2 if array and self.text.startswith("]]", self.i) else 1
        full = self._resolve((), keys)
        if array:
            index = self.array_tables.get(full, -1) + 1
            self.array_tables[full] = index
            self.lines.setdefault(full, line)
            full = (*full, index)
        self.lines.setdefault(full, line)
        return full

    def _resolve(self, table: KeyPath, keys: tuple[str, ...]) -> KeyPath:
        """`table` + `keys`, with the current index after each array of tables on the way."""
        path: list[str | int] = list(table)
        for key in keys:
            path.append(key)
            index = self.array_tables.get(tuple(path))
            if index is not None:
                path.append(index)
        if keys and isinstance(path[-1], int):
            path.pop()  # the last key names the array itself (a [[header]] or a key = [...])
        return tuple(path)

    def _key(self) -> tuple[str, ...]:
        keys: list[str] = []
        text, size = self.text, len(self.text)
        while True:
            self._skip_spaces()
            if self.i >= size:
                break
            char = text[self.i]
            if char == '"':
                keys.append(self._basic_string())
            elif char == "'":
                end = text.find("'", self.i + 1)
                end = size if end == -1 else end
                keys.append(text[self.i + 1 : end])
                self.i = end + 1
            else:
                start = self.i
                while self.i < size and text[self.i] not in _TOML_BARE_KEY_END:
                    self.i += 1
                if self.i == start:
                    break
                keys.append(text[start : self.i])
            self._skip_spaces()
            if self.i < size and text[self.i] == ".":
                self.i += 1
            else:
                break
        return tuple(keys)

    def _basic_string(self) -> str:
        """A one-line basic string starting at the quote under the cursor, unescaped."""
        text, size = self.text, len(self.text)
        self.i += 1
        out: list[str] = []
        while self.i < size and text[self.i] not in '"\n':
            char = text[self.i]
            if char == "\\" and self.i + 1 < size:
                code = text[self.i + 1]
                if code in "uU":
                    width = 4 if code == "u" else 8
                    digits = text[self.i + 2 : self.i + 2 + width]
                    try:
                        out.append(chr(int(digits, 16)))
                    except ValueError:
                        out.append(digits)
                    self.i += 2 + width
                    continue
                out.append(_TOML_ESCAPES.get(code, code))
                self.i += 2
                continue
            out.append(char)
            self.i += 1
        self.i += 1
        return "".join(out)

    def _skip_spaces(self) -> None:
        while self.i < len(self.text) and self.text[self.i] in " \t":
            self.i += 1

    def _skip_comment(self) -> None:
        end = self.text.find("\n", self.i)
        self.i = len(self.text) if end == -1 else end

    def _skip_value(self) -> None:
        """Step over a value, which may span lines inside brackets or multi-line strings."""
        text, size = self.text, len(self.text)
        depth = 0
        while self.i < size:
            char = text[self.i]
            if char == "\n":
                if depth <= 0:
                    return
                self.line += 1
                self.i += 1
            elif char in "\"'":
                self._skip_string(char)
            elif char == "#":
                self._skip_comment()
            elif char in "[{":
                depth += 1
                self.i += 1
            elif char in "]}":
                depth -= 1
                self.i += 1
            else:
                self.i += 1

    def _skip_string(self, quote: str) -> None:
        text, size = self.text, len(self.text)
        triple = quote * 3
        if text.startswith(triple, self.i):
            self.i += 3
            while self.i < size:
                if quote == '"' and text[self.i] == "\\":
                    if self.i + 1 < size and text[self.i + 1] == "\n":
                        self.line += 1
                    self.i += 2
                elif text.startswith(triple, self.i):
                    self.i += 3
                    while self.i < size and text[self.i] == quote:  # up to two quotes of content
                        self.i += 1
                    return
                else:
                    if text[self.i] == "\n":
                        self.line += 1
                    self.i += 1
            return
        self.i += 1
        while self.i < size and text[self.i] != "\n":
            char = text[self.i]
            if quote == '"' and char == "\\":
                self.i += 2
                continue
            self.i += 1
            if char == quote:
                return


def toml_key_lines(text: str) -> dict[KeyPath, int]:
    """The line where each table and key of TOML text is defined (first definition wins).

    Tables of an array of tables get their index in the path: ``("package", 3, "name")``.
    Keys inside inline tables are not recorded; `line_of` falls back to the enclosing key.
    """
    return _TomlScanner(strip_bom(text)).run()
