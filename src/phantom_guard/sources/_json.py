"""Reading JSON: `load_json` decodes with errors as `SourceError`s, `json_key_lines` finds lines.

`json` gives data but no positions, so `json_key_lines` runs over text `json` already accepted
and maps key paths to 1-based lines. It never raises: on other text its answer may be partial.
"""

from __future__ import annotations

from phantom_guard import jsontext
from phantom_guard.errors import SourceError

TYPE_CHECKING = False  # typing.TYPE_CHECKING, without importing typing on the check path
if TYPE_CHECKING:
    from collections.abc import Callable
    from typing import Any

    from phantom_guard.sources._keypath import KeyPath

# The tokens `json_key_lines` walks; compiled on its first use (most runs never scan keys).
_TOKEN = r'"(?:[^"\\]|\\.)*"|[{}\[\],]'


def load_json(file: str, text: str) -> Any:
    """Decode JSON; every failure (syntax, absurd nesting, huge numbers) is a `SourceError`."""
    text = text.removeprefix("\ufeff")
    try:
        # json's own C scanner without importing json (~3 ms of a check's start-up)...
        return jsontext.loads(text)
    except ValueError:
        pass
    # ...and json itself for a document that fails, for its message and line.
    import json

    try:
        return json.loads(text)
    except json.JSONDecodeError as exc:
        raise SourceError(file, f"invalid JSON: {exc.msg}", exc.lineno) from None
    except RecursionError:
        raise SourceError(file, "invalid JSON: nested too deeply") from None
    except ValueError as exc:  # e.g. an integer literal longer than Python converts
        raise SourceError(file, f"invalid JSON: {exc}") from None


def json_key_lines(text: str, keep: Callable[[KeyPath], bool] | None = None) -> dict[KeyPath, int]:
    """The line of every object key (or of those whose path `keep` accepts).

    Array elements appear in paths as their index. A key given twice keeps its last line, as
    `json` keeps its last value.
    """
    lines: dict[KeyPath, int] = {}
    path: list[str | int] = []  # how each open container was reached from its parent
    is_object: list[bool] = []  # one per open container
    current: list[str | int] = []  # per open container: last key, or index of current element
    expect_key = False
    line, pos = 1, 0
    import re

    for match in re.finditer(_TOKEN, text):
        token = match.group()
        first = token[0]
        if first == '"':
            if expect_key and current:
                start = match.start()
                line += text.count("\n", pos, start)
                pos = start
                key = _key(token)
                current[-1] = key
                key_path = (*path, key)
                if keep is None or keep(key_path):
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


def _key(token: str) -> str:
    """The text of a quoted key, unescaped (as written, if its escapes are broken)."""
    if "\\" not in token:
        return token[1:-1]
    try:
        return str(jsontext.loads(token))
    except ValueError:
        return token[1:-1]
