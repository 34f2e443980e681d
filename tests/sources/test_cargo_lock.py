"""Cargo.lock: registry packages only, one ref per name on its ``name =`` line."""

from __future__ import annotations

from pathlib import Path
from typing import Any

import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

from phantom_guard.errors import SourceError
from phantom_guard.model import Registry
from phantom_guard.sources import ParseResult, read_text
from phantom_guard.sources.cargo_lock import parse
from tests.sources import (
    assert_crlf_gives_the_same_result,
    parse_fixture,
    parse_or_source_error,
    refs,
    skipped,
)
from tests.sources.test_cargo_toml import TOML, quote, write_toml

FIXTURES = Path(__file__).parent.parent / "fixtures" / "sources" / "rust" / "cargo_lock"


def _parse(name: str, *, crlf: bool = False) -> ParseResult:
    return parse_fixture(parse, FIXTURES / name, Registry.CRATES, crlf=crlf, deduplicated=True)


def test_v4_workspace() -> None:
    result = _parse("v4.lock")
    # acme-cli and acme-core have no source: the workspace's own crates, not dependencies.
    assert refs(result) == [
        ("anyhow", 23),
        ("clap", 29),  # a sparse+ index
        ("internal-auth", 38),  # another registry's index: still a ref (the host is not judged)
        ("serde", 49),
        ("syn", 58),  # 1.0.109
        ("syn", 64),  # 2.0.53: each locked version is its own ref
    ]
    assert skipped(result) == [
        (
            44,
            "git dependency: patched-fork (git+https://github.com/acme/patched-fork"
            "?branch=main#0f3c9b4e2d1a8f7c6b5a49382716e5d4c3b2a190)",
        )
    ]


def test_v1_with_metadata_table() -> None:
    assert refs(_parse("v1-metadata.lock")) == [("libc", 9)]


def test_bom_and_crlf() -> None:
    assert refs(_parse("bom-crlf.lock")) == [("itoa", 13)]
    path = FIXTURES / "bom-crlf.lock"
    assert refs(parse(path, read_text(path))) == [("itoa", 13)]


@pytest.mark.parametrize("name", sorted(p.name for p in FIXTURES.glob("*.lock")))
def test_crlf_gives_the_same_result(name: str) -> None:
    assert_crlf_gives_the_same_result(_parse, name, same_reason=False)


@pytest.mark.parametrize(
    ("name", "line", "reason"),
    [
        ("invalid.lock", 6, "invalid TOML: Invalid value (column 10)"),
        ("not-array.lock", 3, "'package' must be an array of tables"),
        ("nameless.lock", 8, "a [[package]] without a name"),
    ],
)
def test_errors(name: str, line: int, reason: str) -> None:
    with pytest.raises(SourceError) as caught:
        _parse(name)
    assert (caught.value.line, caught.value.reason) == (line, reason)


@pytest.mark.parametrize(
    ("text", "line", "reason"),
    [
        ("package = [1]\n", 1, "'package' must be an array of tables"),
        ('[[package]]\nname = "a"\nsource = 1\n', 2, "a: 'source' must be a string"),
        ('[[package]]\nname = ""\n', 2, "a [[package]] without a name"),
    ],
)
def test_bad_input(text: str, line: int, reason: str) -> None:
    with pytest.raises(SourceError) as caught:
        parse(Path("Cargo.lock"), text)
    assert (caught.value.line, caught.value.reason) == (line, reason)


def test_other_sources() -> None:
    text = (
        '[[package]]\nname = "vendored"\nversion = "1.0.0"\nsource = "directory+/opt/vendor"\n'
        '\n[[package]]\nname = "sparse-one"\nversion = "0.1.0"\n'
        'source = "sparse+https://index.example/"\n'
    )
    result = parse(Path("Cargo.lock"), text)
    assert refs(result) == [("sparse-one", 7)]
    assert skipped(result) == [(2, "unsupported source: vendored (directory+/opt/vendor)")]


# --- properties ---------------------------------------------------------------------------------

KEYS = st.text(max_size=6)
SOURCES = st.sampled_from(
    ["registry+https://index.example/", "sparse+https://index.example/", "git+https://g/r#a"]
)
PACKAGE = st.fixed_dictionaries(
    {"name": st.text(min_size=1, max_size=6)},
    optional={"version": KEYS, "source": SOURCES | KEYS, "extra": TOML},
)
LOCKS = st.fixed_dictionaries(
    {"version": st.integers(1, 4)},
    optional={"package": st.lists(PACKAGE, min_size=1, max_size=5), "metadata": TOML},
)


@settings(max_examples=300, deadline=None)
@given(st.text())
def test_any_text_parses_or_raises_source_error(text: str) -> None:
    parse_or_source_error(parse, Path("Cargo.lock"), text)


@settings(max_examples=100, deadline=None)
@given(
    st.one_of(LOCKS, LOCKS, st.dictionaries(KEYS, TOML, max_size=4)),
    st.sampled_from(["headers", "dotted"]),
)
def test_any_toml_parses_or_raises_source_error(data: dict[str, Any], style: str) -> None:
    text = write_toml(data, style)
    result = parse_or_source_error(parse, Path("Cargo.lock"), text)
    if result is None:
        return
    rows = text.split("\n")
    for ref in result.refs:
        assert ref.source is not None and ref.source.line is not None
        # Each ref sits on the `name = ` line of its own [[package]] block.
        assert rows[ref.source.line - 1] == f'"name" = {quote(ref.name)}'
