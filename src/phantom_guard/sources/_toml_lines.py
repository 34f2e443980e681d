"""Line numbers for TOML documents, which `tomllib` does not report.

`value_lines` maps each key path (``("project", "dependencies", 0)``; arrays and arrays of
tables are indexed from 0, as in the parsed data) to the 1-based line where that key or array
element starts; the parsers look their entries up in it. `toml_key_lines` keeps only the keys
written as keys, `table_spans` gives the lines each ``[table]`` header covers and `find_line`
searches a span for a literal (no parser uses these three; their tests pin how they behave).
All are for text `tomllib` accepted: on other text they never raise, but may be partial.
"""

from __future__ import annotations

import contextlib
import re

from phantom_guard.sources._keypath import KeyPath

#: A key that needs no quotes.
BARE_KEY = re.compile(r"[A-Za-z0-9_-]+")
_SCALAR_END = re.compile(r"[,\]}\s#]")
# One-line strings: a basic string's backslash escapes the next character (not a newline).
_BASIC_STRING = re.compile(r'"(?:[^"\\\n]|\\[^\n])*"')
_LITERAL_STRING = re.compile(r"'[^'\n]*'")
_BLANK = re.compile(r"(?:[ \t\r]+|#[^\n]*)+")
_BLANK_LINES = re.compile(r"(?:[ \t\r\n]+|#[^\n]*)+")
_DATE_SPACE = re.compile(r"\d{4}-\d\d-\d\d \d")
_SIMPLE_ESCAPES = {"b": "\b", "t": "\t", "n": "\n", "f": "\f", "r": "\r", '"': '"', "\\": "\\"}
#: Nesting deeper than this is given up on (tomllib accepts it; no dependency file needs it).
_MAX_DEPTH = 200


class _GiveUp(Exception):
    """The text stopped looking like TOML; keep what was found so far."""


def value_lines(text: str) -> dict[KeyPath, int]:
    """The line where each key path of the TOML document `text` is declared."""
    return _Scanner(text).run().lines


def toml_key_lines(text: str) -> dict[KeyPath, int]:
    """Like `value_lines`, but only for keys written as keys: ``[headers]`` and the parts of
    ``dotted.key = value`` below their table; no array elements, no keys inside inline values,
    no tables a header only implies (``[a.b]`` declares ``("a", "b")``, not ``("a",)``).
    """
    scanner = _Scanner(text).run()
    return {path: scanner.lines[path] for path in scanner.declared}


def table_spans(text: str) -> dict[KeyPath, tuple[int, int]]:
    """The (first, last) lines of each table: its header line up to the line before the next one.

    The root table is ``()``; an array-of-tables element is ``("package", 3)``.
    """
    scanner = _Scanner(text).run()
    last_line = text.count("\n") + 1
    spans: dict[KeyPath, tuple[int, int]] = {}
    starts = [((), 1), *scanner.headers]
    for index, (path, start) in enumerate(starts):
        end = starts[index + 1][1] - 1 if index + 1 < len(starts) else last_line
        spans[path] = (start, end)
    return spans


def find_line(text: str, span: tuple[int, int], needle: str) -> int | None:
    """The first line within `span` (inclusive, 1-based) that contains `needle`, or None."""
    start, end = span
    for number, line in enumerate(text.split("\n")[start - 1 : end], start=start):
        if needle in line:
            return number
    return None


class _Scanner:
    """A lenient single pass over TOML text that records where keys and values start."""

    def __init__(self, text: str) -> None:
        self.text = text.removeprefix("\ufeff")
        self.pos = 0
        self.line = 1
        self.lines: dict[KeyPath, int] = {}
        self.headers: list[tuple[KeyPath, int]] = []
        #: Paths written as keys: ``[headers]`` and the parts of ``dotted.key = value`` below
        #: the current table (not array elements, keys inside values, or implied tables).
        self.declared: set[KeyPath] = set()
        self._array_tables: dict[KeyPath, int] = {}

    def run(self) -> _Scanner:
        with contextlib.suppress(_GiveUp, IndexError, RecursionError):
            self._document()
        return self

    def _record(self, path: KeyPath, line: int) -> None:
        """Note `path` at `line`; its parent tables keep the line they were first seen at."""
        for end in range(1, len(path)):
            self.lines.setdefault(path[:end], line)
        self.lines[path] = line

    # -- statements ------------------------------------------------------------------------

    def _document(self) -> None:
        table: KeyPath = ()
        text = self.text
        while True:
            self._skip_space(newlines=True)
            if self.pos >= len(text):
                return
            start_line = self.line
            if text[self.pos] == "[":
                table = self._header(start_line)
            else:
                keys = self._key()
                self._skip_space(newlines=False)
                if not text.startswith("=", self.pos):
                    raise _GiveUp
                self.pos += 1
                path = table + keys
                self._record(path, start_line)
                self.declared.update(path[:end] for end in range(len(table) + 1, len(path) + 1))
                self._value(path, depth=0)
            self._skip_space(newlines=False)
            if self.pos < len(text) and text[self.pos] != "\n":
                raise _GiveUp

    def _header(self, line: int) -> KeyPath:
        text = self.text
        is_array = text.startswith("[[", self.pos)
        self.pos += 2 if is_array else 1
        self._skip_space(newlines=False)
        keys = self._key()
        self._skip_space(newlines=False)
        closing = "]]" if is_array else "]"
        if not text.startswith(closing, self.pos):
            raise _GiveUp
        self.pos += len(closing)
        # Earlier parts that name an array of tables refer to its latest element.
        path: KeyPath = ()
        for index, key in enumerate(keys):
            path = (*path, key)
            is_last = index == len(keys) - 1
            if path in self._array_tables and not (is_array and is_last):
                path = (*path, self._array_tables[path])
        if is_array:
            element = self._array_tables.get(path, -1) + 1
            self._array_tables[path] = element
            if path not in self.lines:
                self._record(path, line)
            self.declared.add(path)
            path = (*path, element)
        self._record(path, line)
        self.declared.add(path)
        self.headers.append((path, line))
        return path

    def _key(self) -> KeyPath:
        """A dotted key: bare or quoted parts separated by dots."""
        text = self.text
        parts: list[str | int] = []
        while True:
            self._skip_space(newlines=False)
            if self.pos >= len(text):
                raise _GiveUp
            char = text[self.pos]
            if char in "\"'":
                start = self.pos
                self._string()
                parts.append(_unquote(text[start : self.pos]))
            else:
                match = BARE_KEY.match(text, self.pos)
                if match is None:
                    raise _GiveUp
                parts.append(match.group())
                self.pos = match.end()
            self._skip_space(newlines=False)
            if not text.startswith(".", self.pos):
                return tuple(parts)
            self.pos += 1

    # -- values ----------------------------------------------------------------------------

    def _value(self, path: KeyPath, depth: int) -> None:
        if depth > _MAX_DEPTH:
            raise _GiveUp
        self._skip_space(newlines=False)
        text = self.text
        if self.pos >= len(text):
            raise _GiveUp
        char = text[self.pos]
        if char == "[":
            self._array(path, depth)
        elif char == "{":
            self._inline_table(path, depth)
        elif char in "\"'":
            self._string()
        else:
            match = _SCALAR_END.search(text, self.pos)
            end = len(text) if match is None else match.start()
            if end == self.pos:
                raise _GiveUp
            # Dates may hold one space ("1979-05-27 07:32:00"): take it when a time follows.
            if text.startswith(" ", end) and _DATE_SPACE.match(text, self.pos):
                match = _SCALAR_END.search(text, end + 1)
                end = len(text) if match is None else match.start()
            self.pos = end

    def _array(self, path: KeyPath, depth: int) -> None:
        text = self.text
        self.pos += 1
        index = 0
        while True:
            self._skip_space(newlines=True)
            if self.pos >= len(text):
                raise _GiveUp
            if text[self.pos] == "]":
                self.pos += 1
                return
            element = (*path, index)
            self.lines[element] = self.line
            self._value(element, depth + 1)
            index += 1
            self._skip_space(newlines=True)
            if text.startswith(",", self.pos):
                self.pos += 1
            elif not text.startswith("]", self.pos):
                raise _GiveUp

    def _inline_table(self, path: KeyPath, depth: int) -> None:
        text = self.text
        self.pos += 1
        while True:
            self._skip_space(newlines=True)
            if self.pos >= len(text):
                raise _GiveUp
            if text[self.pos] == "}":
                self.pos += 1
                return
            line = self.line
            keys = self._key()
            self._skip_space(newlines=False)
            if not text.startswith("=", self.pos):
                raise _GiveUp
            self.pos += 1
            self._record(path + keys, line)
            self._value(path + keys, depth + 1)
            self._skip_space(newlines=True)
            if text.startswith(",", self.pos):
                self.pos += 1
            elif not text.startswith("}", self.pos):
                raise _GiveUp

    def _string(self) -> None:
        """Step over a basic, literal or multi-line string, counting the newlines inside."""
        text = self.text
        quote = text[self.pos]
        if text.startswith(quote * 3, self.pos):
            end = self._multiline_end(quote)
            # Up to two quotes of content may sit right before the closing delimiter.
            run = 3
            while run < 5 and text.startswith(quote, end + run):
                run += 1
            end += run
        else:
            match = (_BASIC_STRING if quote == '"' else _LITERAL_STRING).match(text, self.pos)
            if match is None:
                raise _GiveUp
            self.pos = match.end()
            return
        self.line += text.count("\n", self.pos, end)
        self.pos = end

    def _multiline_end(self, quote: str) -> int:
        """Where the closing triple quote of the multi-line string at `pos` starts."""
        text = self.text
        end = self.pos + 3
        while True:
            found = text.find(quote * 3, end)
            if found < 0:
                raise _GiveUp
            if quote == "'":
                return found
            # A run of backslashes before the quote escapes it when the run is odd.
            run = 0
            while text[found - 1 - run] == "\\":
                run += 1
            if run % 2 == 0:
                return found
            end = found + 1

    def _skip_space(self, *, newlines: bool) -> None:
        """Skip blanks and comments; newlines too when `newlines` is set."""
        pattern = _BLANK_LINES if newlines else _BLANK
        match = pattern.match(self.text, self.pos)
        if match is not None and match.end() > self.pos:
            if newlines:
                self.line += self.text.count("\n", self.pos, match.end())
            self.pos = match.end()


def _unquote(raw: str) -> str:
    """The value of a quoted key (``"a\\tb"`` or ``'a b'``)."""
    body = raw[1:-1]
    if raw.startswith("'") or "\\" not in body:
        return body
    out: list[str] = []
    index = 0
    while index < len(body):
        char = body[index]
        if char != "\\":
            out.append(char)
            index += 1
            continue
        escape = body[index + 1 : index + 2]
        if escape in _SIMPLE_ESCAPES:
            out.append(_SIMPLE_ESCAPES[escape])
            index += 2
        elif escape in ("u", "U"):
            width = 4 if escape == "u" else 8
            digits = body[index + 2 : index + 2 + width]
            try:
                out.append(chr(int(digits, 16)))
            except ValueError:
                return body
            index += 2 + width
        else:
            return body
    return "".join(out)
