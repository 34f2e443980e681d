"""The TOML line scanner: every key path `tomllib` sees gets the line it is written on."""

from __future__ import annotations

import random
import tomllib
from typing import Any

import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

from phantom_guard.errors import SourceError
from phantom_guard.sources._keypath import KeyPath
from phantom_guard.sources._toml import describe
from phantom_guard.sources._toml import load_toml as load
from phantom_guard.sources._toml_lines import find_line, table_spans, value_lines
from tests.sources.toml_documents import SEEDS, random_table, toml_key, write_toml

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
            assert toml_key(last) in physical[lines[path] - 1], (path, lines[path])


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
