"""Pipfile.lock: names in every category but _meta, at the line of their key."""

from __future__ import annotations

import json
import random
from pathlib import Path

import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

from phantom_guard.errors import SourceError
from phantom_guard.sources import parse_file, read_text
from phantom_guard.sources._json import json_key_lines as key_lines
from phantom_guard.sources.pipfile_lock import parse
from tests.sources import (
    assert_every_source_has_a_line,
    json_key_paths,
    parse_or_source_error,
    refs,
    skipped,
)
from tests.sources.toml_documents import SEEDS, mutate_document, random_table

FIXTURE = (
    Path(__file__).parent.parent
    / "fixtures"
    / "sources"
    / "python"
    / "pipfile_lock"
    / "Pipfile.lock"
)


def test_pipfile_lock() -> None:
    result = parse_file(FIXTURE)
    assert refs(result) == [
        ("certifi", 19),
        ("requests", 27),
        ("zope.interface", 43),
        ("pytest", 46),
        ("certifi", 50),  # develop lists it again, at its own line
        ("sphinx", 56),
    ]
    assert skipped(result) == [
        (35, "path dependency local-lib: ./libs/local-lib"),
        (39, "git dependency forked: https://git.example.org/acme/forked.git"),
        (60, "file dependency archive: https://downloads.example.org/archive-1.0.tar.gz"),
    ]


def test_compact_json_and_byte_order_mark() -> None:
    text = '\ufeff{"_meta": {"default": {"no": {}}}, "default": {"a": {}, "b": {"version": "*"}}}'
    assert refs(parse(Path("Pipfile.lock"), text)) == [("a", 1), ("b", 1)]


def test_escaped_and_duplicate_keys() -> None:
    text = '{\n"default": {\n"caf\\u00e9": {},\n"x": {"path": "."},\n"x": {}\n}\n}'
    # json keeps the last of duplicate keys; so does the line map.
    assert refs(parse(Path("Pipfile.lock"), text)) == [("café", 3), ("x", 5)]


@pytest.mark.parametrize(
    ("text", "line", "reason"),
    [
        ("", 1, "invalid JSON: Expecting value"),
        (
            '{\n  "default": {,}\n}',
            2,
            "invalid JSON: Expecting property name enclosed in double quotes",
        ),
        ("[]", 1, "expected a JSON object at the top level"),
        ('{\n"default": []}', 2, "category 'default': expected an object"),
        ('{"default": {\n"a": "==1.0"}}', 2, "default.a: expected an object"),
        ("[" * 100_000 + "]" * 100_000, None, "invalid JSON: nested too deeply"),
        ('{"n": ' + "1" * 5000 + "}", None, "invalid JSON: Exceeds the limit"),
    ],
)
def test_errors(text: str, line: int | None, reason: str) -> None:
    with pytest.raises(SourceError) as caught:
        parse(Path("Pipfile.lock"), text)
    assert caught.value.line == line
    assert caught.value.reason.startswith(reason)


TEMPLATE = json.loads(read_text(FIXTURE))


@settings(max_examples=300, deadline=None)
@given(SEEDS)
def test_mutated_documents(seed: int) -> None:
    rng = random.Random(seed)
    document = mutate_document(rng, TEMPLATE) if rng.random() < 0.7 else random_table(rng)
    if rng.random() < 0.3:
        document[rng.choice(["default", "develop"])] = random_table(rng)
    ascii_only = rng.random() < 0.5
    text = json.dumps(document, indent=rng.choice([None, 0, 2, 4]), ensure_ascii=ascii_only)
    lines = key_lines(text)
    physical = text.split("\n")
    for path in json_key_paths(document):
        assert json.dumps(path[-1], ensure_ascii=ascii_only) + ":" in physical[lines[path] - 1]
    result = parse_or_source_error(parse, Path("Pipfile.lock"), text)
    if result is not None:
        assert_every_source_has_a_line(result)


@settings(max_examples=300, deadline=None)
@given(st.text())
def test_arbitrary_text_parses_or_raises_source_error(text: str) -> None:
    key_lines(text)
    parse_or_source_error(parse, Path("Pipfile.lock"), text)
