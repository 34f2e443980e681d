"""poetry.lock: each [[package]] name at its own line; non-index sources skipped."""

from __future__ import annotations

import tomllib
from pathlib import Path

import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

from phantom_guard.errors import SourceError
from phantom_guard.sources import ParseResult, parse_file, read_text
from phantom_guard.sources.poetry_lock import parse
from tests.sources import (
    assert_every_source_has_a_line,
    mutated_toml,
    parse_or_source_error,
    refs,
    skipped,
)
from tests.sources.toml_documents import SEEDS

FIXTURE = (
    Path(__file__).parent.parent / "fixtures" / "sources" / "python" / "poetry_lock" / "poetry.lock"
)


def test_poetry_lock() -> None:
    result = parse_file(FIXTURE)
    # private-lib's multi-line description holds a 'name = "not-a-package"' line (34).
    assert refs(result) == [("certifi", 4), ("private-lib", 30), ("requests", 59)]
    assert skipped(result) == [
        (15, "git source forked: https://git.example.org/acme/forked.git"),
        (46, "directory source my-local: ../my-local"),
        (74, "file source vendored: vendor/vendored-1.0.tar.gz"),
        (86, "url source wheelurl: https://downloads.example.org/wheelurl-1.0-py3-none-any.whl"),
    ]
    assert {r.source.file for r in result.refs if r.source} == {str(FIXTURE)}


def test_inline_package_array_and_crlf() -> None:
    text = (
        "package = [\r\n"
        '  { name = "a", version = "1" },\r\n'
        '  { name = "b", source = { type = "git" } },\r\n'
        "]\r\n"
    )
    result = parse(Path("poetry.lock"), text)
    assert refs(result) == [("a", 2)]
    assert skipped(result) == [(3, "git source b")]


def test_empty_lock() -> None:
    assert parse(Path("poetry.lock"), '[metadata]\nlock-version = "2.0"\n') == ParseResult()


@pytest.mark.parametrize(
    ("text", "line", "reason"),
    [
        ('package = "x"', 1, "package: expected an array, found a string"),
        ("package = [1]", 1, "package[0]: expected a table"),
        ("[[package]]\nversion = '1'", None, "package[0].name: expected a string, found nothing"),
        ("[[package]]\nname = 1", 2, "package[0].name: expected a string, found a number"),
        (
            "[[package]]\nname = 'a'\nsource = 'git'",
            3,
            "package[0].source: expected a table, found a string",
        ),
        (
            "[[package]\nname = 'a'",
            1,
            "invalid TOML: Expected ']]' at the end of an array declaration",
        ),
    ],
)
def test_errors(text: str, line: int | None, reason: str) -> None:
    with pytest.raises(SourceError) as caught:
        parse(Path("poetry.lock"), text)
    assert (caught.value.line, caught.value.reason) == (line, reason)


TEMPLATE = tomllib.loads(read_text(FIXTURE))


@settings(max_examples=300, deadline=None)
@given(SEEDS)
def test_mutated_documents_parse_or_raise_source_error(seed: int) -> None:
    result = parse_or_source_error(parse, Path("poetry.lock"), mutated_toml(seed, TEMPLATE))
    if result is not None:
        assert_every_source_has_a_line(result)


@settings(max_examples=300, deadline=None)
@given(st.text())
def test_arbitrary_text_parses_or_raises_source_error(text: str) -> None:
    parse_or_source_error(parse, Path("poetry.lock"), text)
