"""Random TOML documents and their mutations, for the parsers' property tests.

`write_toml` renders a document in one of several equivalent TOML styles (tables, dotted keys,
inline tables), so the line scanner and the parsers are exercised on every way of writing it.
"""

from __future__ import annotations

import random
from typing import Any

from hypothesis import strategies as st

SEEDS = st.integers(min_value=0, max_value=2**32 - 1)
_KEYS = ["name", "dependencies", "a-b", "x_1", "", "1", "a.b", 'q"', "é", "version", "path"]
_KEYS += ["git", "url", "source", "registry", "editable", "virtual", "type", "python", "extras"]
_STRINGS = ["", "x", "'''", '"""', "a\nb", "[x]", "[[x]]", "k = v", "# c", "\\", "'", '"']
_STRINGS += ["é", "\x00", "\x7f", "\t", "requests", "Foo.Bar[x]>=1; python_version<'3'", "==1.0"]
_STRINGS += ["*", "-e .", "bad req", "x @ https://h.example.org/x.whl", "./local", "1979-05-27"]
_ALPHABET = "ab1 ._-[]{}=#,\"'\\\n\té"


def random_string(rng: random.Random) -> str:
    """A string from a palette of awkward ones, or random characters."""
    if rng.random() < 0.7:
        return rng.choice(_STRINGS)
    return "".join(rng.choice(_ALPHABET) for _ in range(rng.randrange(8)))


def random_value(rng: random.Random, depth: int = 0) -> Any:
    """Any TOML/JSON-ish value: a scalar, or a small nested array or table."""
    roll = rng.random()
    if depth >= 3 or roll < 0.45:
        return rng.choice([random_string(rng), rng.randrange(-9, 10**6), rng.random() < 0.5, 2.5])
    if roll < 0.7:
        return [random_value(rng, depth + 1) for _ in range(rng.randrange(4))]
    return random_table(rng, depth + 1)


def random_table(rng: random.Random, depth: int = 0) -> dict[str, Any]:
    """A table of `random_value`s."""
    keys = [rng.choice(_KEYS) if rng.random() < 0.8 else random_string(rng) for _ in range(4)]
    return {key: random_value(rng, depth) for key in keys[: rng.randrange(5)]}


def mutate_document(rng: random.Random, document: dict[str, Any]) -> dict[str, Any]:
    """`mutate` below the top level, which stays a table."""
    return {key: mutate(rng, value) for key, value in document.items()}


def mutate(rng: random.Random, value: Any, rate: float = 0.08) -> Any:
    """`value` with a few parts dropped, replaced by random values, or added."""
    if rng.random() < rate:
        return random_value(rng)
    if isinstance(value, dict):
        out = {k: mutate(rng, v, rate) for k, v in value.items() if rng.random() >= rate / 2}
        if rng.random() < rate:
            out[rng.choice(_KEYS)] = random_value(rng)
        return out
    if isinstance(value, list):
        if len(value) > 4:  # long lists (lock files' packages): a few, in order, keep it fast
            value = [value[i] for i in sorted(rng.sample(range(len(value)), 4))]
        out_list = [mutate(rng, v, rate) for v in value if rng.random() >= rate / 2]
        if rng.random() < rate:
            out_list.insert(rng.randrange(len(out_list) + 1), random_value(rng))
        return out_list
    return value


def toml_key(key: str) -> str:
    if key and all(c.isascii() and (c.isalnum() or c in "-_") for c in key):
        return key
    return _string(key, literal=False)


def _string(value: str, *, literal: bool) -> str:
    if literal and "'" not in value and all((c >= " " and c != "\x7f") or c == "\t" for c in value):
        return f"'{value}'"
    out = []
    for char in value:
        if char in '"\\':
            out.append("\\" + char)
        elif char < " " or char == "\x7f":
            out.append(f"\\u{ord(char):04x}")
        else:
            out.append(char)
    return '"' + "".join(out) + '"'


def _inline(value: Any, style: int, indent: str = "") -> str:
    if isinstance(value, bool):
        return "true" if value else "false"
    if isinstance(value, int | float):
        return repr(value)
    if isinstance(value, str):
        return _string(value, literal=style % 2 == 1)
    if isinstance(value, list):
        if style % 3 == 0 and value:
            inner = indent + "    "
            body = "".join(f"\n{inner}{_inline(v, style + 1, inner)},  # c" for v in value)
            return f"[{body}\n{indent}]"
        return "[" + ", ".join(_inline(v, style + 1, indent) for v in value) + "]"
    pairs = ", ".join(f"{toml_key(k)} = {_inline(v, style + 1, indent)}" for k, v in value.items())
    return "{ " + pairs + " }" if pairs else "{}"


def write_toml(document: dict[str, Any], style: int, prefix: tuple[str, ...] = ()) -> str:
    """`document` as TOML: tables as ``[headers]`` or inline, depending on `style`."""
    lines: list[str] = []
    tables: list[tuple[str, dict[str, Any]]] = []
    array_tables: list[tuple[str, list[dict[str, Any]]]] = []
    for key, value in document.items():
        if isinstance(value, dict) and (style + len(key)) % 2 == 0:
            tables.append((key, value))
        elif (
            isinstance(value, list)
            and value
            and all(isinstance(v, dict) for v in value)
            and style % 3 != 2
        ):
            array_tables.append((key, value))
        else:
            lines.append(f"{toml_key(key)} = {_inline(value, style)}")
    for key, value in tables:
        path = (*prefix, key)
        lines += [
            "",
            "[" + ".".join(toml_key(k) for k in path) + "]",
            write_toml(value, style + 1, path),
        ]
    for key, elements in array_tables:
        path = (*prefix, key)
        for element in elements:
            header = "[[" + ".".join(toml_key(k) for k in path) + "]]"
            lines += ["", header, write_toml(element, style + 1, path)]
    return "\n".join(lines)
