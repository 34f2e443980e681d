"""Tests of the dependency file parsers; the helpers their modules share are below.

The parsers are tested alike: fixtures parsed as stored and again with CRLF line endings, results
compared as ``(name, line)`` and ``(line, reason)`` lists, and property tests in which any input
either parses, with a line for what was found, or raises `SourceError` and nothing else.
"""

from __future__ import annotations

import random
from pathlib import Path
from typing import TYPE_CHECKING, Any, Protocol

import pytest
from hypothesis import strategies as st

from phantom_guard.errors import SourceError
from phantom_guard.model import Registry, Source
from phantom_guard.sources import ParseResult
from tests.sources.toml_documents import mutate_document, write_toml

if TYPE_CHECKING:
    from phantom_guard.sources import Parser  # a Protocol for type checkers only

#: A path into a JSON document: object keys and array indexes.
JsonPath = tuple[str | int, ...]

# Strategies for the JSON and YAML property tests: small documents of any shape.
KEYS = st.text(max_size=8)
LEAVES = st.none() | st.booleans() | st.integers() | KEYS
JSON = st.recursive(
    LEAVES,
    lambda inner: st.lists(inner, max_size=3) | st.dictionaries(KEYS, inner, max_size=3),
    max_leaves=6,
)


class FixtureParser(Protocol):
    """A test module's ``_parse``: one of its fixtures by file name, optionally made CRLF."""

    def __call__(self, name: str, *, crlf: bool = False) -> ParseResult: ...


def refs(result: ParseResult) -> list[tuple[str, int | None]]:
    """Each ref as ``(name, line)``, in the parser's order."""
    return [(r.name, r.source.line if r.source else None) for r in result.refs]


def skipped(result: ParseResult) -> list[tuple[int | None, str]]:
    """Each skipped entry as ``(line, reason)``, in the parser's order."""
    return [(s.source.line if s.source else None, s.reason) for s in result.skipped]


def parse_fixture(
    parse: Parser,
    path: Path,
    registry: Registry,
    *,
    crlf: bool = False,
    deduplicated: bool = False,
) -> ParseResult:
    """Parse the file at `path` as stored (BOM and line endings kept), or with every newline CRLF.

    Checks what holds for any file: every ref is on `registry` and was found in `path`; with
    `deduplicated`, no name is listed twice.
    """
    text = path.read_bytes().decode("utf-8")
    if crlf:
        text = text.replace("\r\n", "\n").replace("\n", "\r\n")
    result = parse(path, text)
    assert all(r.registry is registry for r in result.refs)
    assert all(r.source is not None and r.source.file == str(path) for r in result.refs)
    if deduplicated:
        assert_deduplicated(result)
    return result


def assert_deduplicated(result: ParseResult) -> None:
    """No package name and version is listed twice."""
    assert len({(r.name, r.version) for r in result.refs}) == len(result.refs)


def assert_crlf_gives_the_same_result(
    parse: FixtureParser, name: str, *, same_reason: bool = True
) -> None:
    """Fixture `name` parses to the same result with CRLF line endings, or fails on the same line.

    With `same_reason`, a failure must also give the same reason.
    """
    try:
        expected = parse(name)
    except SourceError as exc:
        with pytest.raises(SourceError) as crlf:
            parse(name, crlf=True)
        if same_reason:
            assert (crlf.value.line, crlf.value.reason) == (exc.line, exc.reason)
        else:
            assert crlf.value.line == exc.line
    else:
        assert parse(name, crlf=True) == expected


def parse_or_source_error(parse: Parser, path: Path, text: str) -> ParseResult | None:
    """``parse(path, text)``, or None if it raised `SourceError`; any other error fails the test."""
    try:
        return parse(path, text)
    except SourceError:
        return None


def assert_every_source_has_a_line(
    result: ParseResult, *, refs_only: bool = False, within: str | None = None
) -> None:
    """Every ref and skipped entry (every ref, if `refs_only`) has a source with a line.

    With `within`, that line is one of the lines of the text `within`.
    """
    sources: list[Source | None] = [r.source for r in result.refs]
    if not refs_only:
        sources += [s.source for s in result.skipped]
    last = None if within is None else within.count("\n") + 1
    for source in sources:
        assert source is not None and source.line is not None
        if last is not None:
            assert 1 <= source.line <= last


def mutated_toml(seed: int, template: dict[str, Any]) -> str:
    """`template` with a few parts dropped, replaced or added, written as TOML.

    `seed` draws both the changes and the writing style.
    """
    rng = random.Random(seed)
    return write_toml(mutate_document(rng, template), rng.randrange(6))


def json_key_paths(value: Any, prefix: JsonPath = ()) -> list[JsonPath]:
    """The path of every object key in the decoded JSON `value`, depth first."""
    found: list[JsonPath] = []
    if isinstance(value, dict):
        for key, inner in value.items():
            found += [(*prefix, key), *json_key_paths(inner, (*prefix, key))]
    elif isinstance(value, list):
        for index, inner in enumerate(value):
            found += json_key_paths(inner, (*prefix, index))
    return found
