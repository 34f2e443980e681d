"""uv.lock: registry packages are refs; the project itself is left out; others are skipped."""

from __future__ import annotations

import tomllib
from pathlib import Path

import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

from phantom_guard.errors import SourceError
from phantom_guard.sources import parse_file, read_text
from phantom_guard.sources.uv_lock import parse
from tests.sources import (
    assert_every_source_has_a_line,
    mutated_toml,
    parse_or_source_error,
    refs,
    skipped,
)
from tests.sources.toml_documents import SEEDS

FIXTURE = Path(__file__).parent.parent / "fixtures" / "sources" / "python" / "uv_lock" / "uv.lock"


def test_uv_lock() -> None:
    result = parse_file(FIXTURE)
    # acme (editable) and acme-core (virtual) are the user's own project: not listed at all.
    assert refs(result) == [
        ("anyio", 33),
        ("idna", 51),
        ("numpy", 61),  # two locked versions, two entries
        ("numpy", 69),
        ("sniffio", 82),
    ]
    assert skipped(result) == [
        (
            46,
            "git source forked: https://git.example.org/acme/forked.git"
            "?rev=main#0123456789abcdef0123456789abcdef01234567",
        ),
        (56, "path source local-wheel: wheels/local_wheel-1.0-py3-none-any.whl"),
        (77, "directory source sibling: ../sibling"),
        (87, "url source remote-archive: https://downloads.example.org/remote_archive-1.0.tar.gz"),
    ]


def test_source_table_forms() -> None:
    text = (
        "[[package]]\n"
        'name = "a"\n'
        "[package.source]\n"
        'registry = "https://packages.example.org/simple"\n'
        "[[package]]\n"
        'name = "b"\n'
        "[[package]]\n"
        'name = "c"\n'
        "source = {}\n"
    )
    result = parse(Path("uv.lock"), text)
    assert refs(result) == [("a", 2)]
    assert skipped(result) == [
        (6, "no registry source for b"),
        (8, "no registry source for c"),
    ]


@pytest.mark.parametrize(
    ("text", "line", "reason"),
    [
        ("version = 1\npackage = {}", 2, "package: expected an array, found a table"),
        ("package = ['a']", 1, "package[0]: expected a table"),
        ("[[package]]\nname = ['a']", 2, "package[0].name: expected a string, found an array"),
        (
            "[[package]]\nname = 'a'\nsource = 'registry'",
            3,
            "package[0].source: expected a table, found a string",
        ),
        ("version = 1\nversion = 2", 2, "invalid TOML: Cannot overwrite a value"),
    ],
)
def test_errors(text: str, line: int, reason: str) -> None:
    with pytest.raises(SourceError) as caught:
        parse(Path("uv.lock"), text)
    assert (caught.value.line, caught.value.reason) == (line, reason)


TEMPLATE = tomllib.loads(read_text(FIXTURE))


@settings(max_examples=300, deadline=None)
@given(SEEDS)
def test_mutated_documents_parse_or_raise_source_error(seed: int) -> None:
    result = parse_or_source_error(parse, Path("uv.lock"), mutated_toml(seed, TEMPLATE))
    if result is not None:
        assert_every_source_has_a_line(result)


@settings(max_examples=300, deadline=None)
@given(st.text())
def test_arbitrary_text_parses_or_raises_source_error(text: str) -> None:
    parse_or_source_error(parse, Path("uv.lock"), text)
