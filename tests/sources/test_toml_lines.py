"""The TOML line scanner: every key path `tomllib` sees gets the line it is written on."""

from __future__ import annotations

import random
import tomllib
from typing import Any

import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

from phantom_guard.errors import SourceError
from phantom_guard.sources._toml_lines import (
    KeyPath,
    describe,
    find_line,
    load,
    table_spans,
    value_lines,
)

TRICKY = """\
# [not.a.table] in a comment
title = "a # not a comment"   # but this is
[tool.poetry.dependencies]
requests = "^2"
"quoted.name" = { version = "1", extras = ["a", "b"] }
'literal\\key' = "x"
"esc\\u0061ped" = "y"
dotted . key = 1
multi = \"\"\"
[not.a.table]
name = "not-a-key"
\"\"\"
after-multi = '''two quotes before the end''''
date = 1979-05-27 07:32:00Z
nested = [[1, 2], [
  3,
  4]]
escaped-quote = "quote \\" inside"
multi-escaped = \"\"\"ends with an escaped quote \\\"\"\"\"
[[package]]
name = "first"
[package.source]
type = "git"
[[package]]
name = "second"
deps = [
    { name = "x" },  # comment ]
    { name = "y" },
]
[[package.wheels]]
url = "u"
"""


def test_tricky_document_lines() -> None:
    data = tomllib.loads(TRICKY)
    lines = value_lines(TRICKY)
    poetry: KeyPath = ("tool", "poetry", "dependencies")
    assert data["tool"]["poetry"]["dependencies"]["esc\u0061ped"] == "y"
    expected: dict[KeyPath, int] = {
        ("title",): 2,
        ("tool",): 3,
        poetry: 3,
        (*poetry, "requests"): 4,
        (*poetry, "quoted.name"): 5,
        (*poetry, "quoted.name", "extras", 1): 5,
        (*poetry, "literal\\key"): 6,
        (*poetry, "escaped"): 7,
        (*poetry, "dotted"): 8,
        (*poetry, "dotted", "key"): 8,
        (*poetry, "multi"): 9,
        (*poetry, "after-multi"): 13,
        (*poetry, "date"): 14,
        (*poetry, "nested"): 15,
        (*poetry, "nested", 1, 1): 17,
        (*poetry, "escaped-quote"): 18,
        (*poetry, "multi-escaped"): 19,
        ("package",): 20,
        ("package", 0): 20,
        ("package", 0, "name"): 21,
        ("package", 0, "source", "type"): 23,
        ("package", 1): 24,
        ("package", 1, "name"): 25,
        ("package", 1, "deps", 0, "name"): 27,
        ("package", 1, "deps", 1, "name"): 28,
        ("package", 1, "wheels", 0, "url"): 31,
    }
    assert {path: lines.get(path) for path in expected} == expected
    assert ("tool", "poetry", "dependencies", "name") not in lines


def test_table_spans_and_find_line() -> None:
    spans = table_spans(TRICKY)
    assert spans[()] == (1, 2)
    assert spans[("tool", "poetry", "dependencies")] == (3, 19)
    assert spans[("package", 0)] == (20, 21)
    assert spans[("package", 0, "source")] == (22, 23)
    assert spans[("package", 1, "wheels", 0)] == (30, 32)
    assert find_line(TRICKY, spans[("package", 1)], 'name = "second"') == 25
    assert find_line(TRICKY, spans[("package", 0)], 'name = "second"') is None


def test_crlf() -> None:
    text = TRICKY.replace("\n", "\r\n")
    assert value_lines(text) == value_lines(TRICKY)


@pytest.mark.parametrize(
    ("text", "line", "reason"),
    [
        ("a = 1\nb = [\n\n", 2, "invalid TOML: Invalid value"),  # at end of document
        ("a = 1\nb = ?\n", 2, "invalid TOML: Invalid value"),
        ("a = 1\na = 2\n", 2, "invalid TOML: Cannot overwrite a value"),
        ("x = " + "[" * 5000 + "]" * 5000, None, "invalid TOML: nested too deeply"),
        ("n = " + "1" * 5000, None, "invalid TOML: Exceeds the limit"),
        ("a = 1\r\nb = 2\r\na = 3", 3, "invalid TOML: Cannot overwrite a value"),
    ],
)
def test_load_errors(text: str, line: int | None, reason: str) -> None:
    with pytest.raises(SourceError) as caught:
        load("f.toml", text)
    assert caught.value.line == line
    assert caught.value.reason.startswith(reason)
    assert "(at " not in caught.value.reason


def test_load_drops_a_byte_order_mark() -> None:
    assert load("f.toml", "\ufeffa = 1") == {"a": 1}


def test_describe() -> None:
    assert describe(("tool", "poetry", "dependencies", "ruamel.yaml")) == (
        'tool.poetry.dependencies."ruamel.yaml"'
    )
    assert describe(("package", 3, "name")) == "package[3].name"


# -- property tests --------------------------------------------------------------------------
#
# Structured documents come from a seeded `random.Random`: drawing them through hypothesis
# strategies costs ~50x more time, and these tests must stay fast. A failure prints the seed.

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


def _key(key: str) -> str:
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
    pairs = ", ".join(f"{_key(k)} = {_inline(v, style + 1, indent)}" for k, v in value.items())
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
            lines.append(f"{_key(key)} = {_inline(value, style)}")
    for key, value in tables:
        path = (*prefix, key)
        lines += [
            "",
            "[" + ".".join(_key(k) for k in path) + "]",
            write_toml(value, style + 1, path),
        ]
    for key, elements in array_tables:
        path = (*prefix, key)
        for element in elements:
            header = "[[" + ".".join(_key(k) for k in path) + "]]"
            lines += ["", header, write_toml(element, style + 1, path)]
    return "\n".join(lines)


def _paths(value: Any, prefix: KeyPath = ()) -> list[KeyPath]:
    found: list[KeyPath] = []
    if isinstance(value, dict):
        for key, inner in value.items():
            found.append((*prefix, key))
            found += _paths(inner, (*prefix, key))
    elif isinstance(value, list):
        for index, inner in enumerate(value):
            found.append((*prefix, index))
            found += _paths(inner, (*prefix, index))
    return found


@settings(max_examples=300, deadline=None)
@given(SEEDS)
def test_every_key_path_gets_its_line(seed: int) -> None:
    rng = random.Random(seed)
    document = random_table(rng)
    text = write_toml(document, rng.randrange(6))
    assert tomllib.loads(text) == document
    lines = value_lines(text)
    physical = text.split("\n")
    for path in _paths(document):
        assert path in lines, path
        last = path[-1]
        if isinstance(last, str) and not any(isinstance(p, int) for p in path):
            # The key itself is written on that line (or it is a [header] naming it).
            assert _key(last) in physical[lines[path] - 1], (path, lines[path])


@settings(max_examples=300, deadline=None)
@given(st.text())
def test_scanner_never_raises(text: str) -> None:
    value_lines(text)
    spans = table_spans(text)
    for start, end in spans.values():
        assert start >= 1 and end >= start - 1
        find_line(text, (start, end), "x")


@settings(max_examples=300, deadline=None)
@given(st.text(alphabet="\"'[]{}=a.\n#,\\ 1", max_size=40))
def test_load_raises_only_source_error(text: str) -> None:
    try:
        load("f.toml", text)
    except SourceError:
        return
    value_lines(text)
