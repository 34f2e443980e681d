"""poetry.lock: each [[package]] name at its own line; non-index sources skipped."""

from __future__ import annotations

import contextlib
import random
import tomllib
from pathlib import Path

import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

from phantom_guard.errors import SourceError
from phantom_guard.sources import ParseResult, parse_file, read_text
from phantom_guard.sources.poetry_lock import parse
from tests.sources.test_toml_lines import SEEDS, mutate_document, write_toml

FIXTURE = (
    Path(__file__).parent.parent / "fixtures" / "sources" / "python" / "poetry_lock" / "poetry.lock"
)


def _refs(result: ParseResult) -> list[tuple[str, int | None]]:
    return [(r.name, r.source.line if r.source else None) for r in result.refs]


def test_poetry_lock() -> None:
    result = parse_file(FIXTURE)
    # private-lib's multi-line description holds a 'name = "not-a-package"' line (34).
    assert _refs(result) == [("certifi", 4), ("private-lib", 30), ("requests", 59)]
    assert [(s.line, reason) for s, reason in result.skipped] == [
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
    assert _refs(result) == [("a", 2)]
    assert [(s.line, reason) for s, reason in result.skipped] == [(3, "git source b")]


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
    rng = random.Random(seed)
    text = write_toml(mutate_document(rng, TEMPLATE), rng.randrange(6))
    try:
        result = parse(Path("poetry.lock"), text)
    except SourceError:
        return
    sources = [r.source for r in result.refs] + [s for s, _ in result.skipped]
    assert all(s is not None and s.line is not None for s in sources)


@settings(max_examples=300, deadline=None)
@given(st.text())
def test_arbitrary_text_parses_or_raises_source_error(text: str) -> None:
    with contextlib.suppress(SourceError):
        parse(Path("poetry.lock"), text)
