"""Pipfile: every package category, with path, git, file and editable entries skipped."""

from __future__ import annotations

import tomllib
from pathlib import Path

import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

from phantom_guard.errors import SourceError
from phantom_guard.sources import ParseResult, parse_file, read_text
from phantom_guard.sources.pipfile import parse
from tests.sources import (
    assert_every_source_has_a_line,
    mutated_toml,
    parse_or_source_error,
    refs,
    skipped,
)
from tests.sources.toml_documents import SEEDS

FIXTURE = Path(__file__).parent.parent / "fixtures" / "sources" / "python" / "pipfile" / "Pipfile"


def test_pipfile_categories() -> None:
    result = parse_file(FIXTURE)
    assert refs(result) == [
        ("requests", 7),
        ("Django", 8),
        ("zope.interface", 9),
        ("celery", 10),
        ("pywin32", 11),
        ("private-tool", 12),  # from a named index: still a name to check
        ("not-editable", 17),
        ("pytest", 20),
        ("black", 21),
        ("sphinx", 24),  # a custom category
    ]
    assert skipped(result) == [
        (13, "path dependency local-lib: ./libs/local-lib"),
        (14, "git dependency forked: https://git.example.org/acme/forked.git"),
        (15, "file dependency archive: https://downloads.example.org/archive-1.0.tar.gz"),
        (16, "editable install dev-mode"),
    ]
    assert {r.source.file for r in result.refs if r.source} == {str(FIXTURE)}


def test_inline_and_dotted_forms() -> None:
    text = 'packages = { requests = "*" }\n[dev-packages]\npytest.version = "*"\n'
    assert refs(parse(Path("Pipfile"), text)) == [("requests", 1), ("pytest", 3)]


@pytest.mark.parametrize(
    ("text", "line", "reason"),
    [
        (
            "[packages]\nrequests = 1\n",
            2,
            "packages.requests: expected a version string or a table, found a number",
        ),
        (
            "[packages]\nrequests = ['*']\n",
            2,
            "packages.requests: expected a version string or a table, found an array",
        ),
        ("[packages\n", 1, "invalid TOML: Expected ']' at the end of a table declaration"),
    ],
)
def test_errors(text: str, line: int, reason: str) -> None:
    with pytest.raises(SourceError) as caught:
        parse(Path("Pipfile"), text)
    assert (caught.value.line, caught.value.reason) == (line, reason)


def test_non_category_tables_are_ignored() -> None:
    text = '[[source]]\nname = "x"\n[requires]\npython_version = "3"\n[scripts]\nx = "y"\n'
    text += '[pipenv]\nallow_prereleases = true\ntop = "level value"\n'
    assert parse(Path("Pipfile"), text) == ParseResult()


TEMPLATE = tomllib.loads(read_text(FIXTURE))


@settings(max_examples=300, deadline=None)
@given(SEEDS)
def test_mutated_documents_parse_or_raise_source_error(seed: int) -> None:
    result = parse_or_source_error(parse, Path("Pipfile"), mutated_toml(seed, TEMPLATE))
    if result is not None:
        assert_every_source_has_a_line(result)


@settings(max_examples=300, deadline=None)
@given(st.text())
def test_arbitrary_text_parses_or_raises_source_error(text: str) -> None:
    parse_or_source_error(parse, Path("Pipfile"), text)
