"""yarn.lock: classic v1 headers and berry YAML, aliases and patches resolved, one ref per name."""

from __future__ import annotations

import json
from pathlib import Path
from typing import Any

import pytest
import yaml
from hypothesis import given, settings
from hypothesis import strategies as st

from phantom_guard.errors import SourceError
from phantom_guard.model import Registry
from phantom_guard.sources import ParseResult, read_text
from phantom_guard.sources.yarn_lock import parse
from tests.sources import (
    JSON,
    KEYS,
    assert_crlf_gives_the_same_result,
    assert_every_source_has_a_line,
    parse_fixture,
    parse_or_source_error,
    refs,
    skipped,
)

FIXTURES = Path(__file__).parent.parent / "fixtures" / "sources" / "npm" / "yarn_lock"


def _parse(name: str, *, crlf: bool = False) -> ParseResult:
    return parse_fixture(parse, FIXTURES / name, Registry.NPM, crlf=crlf, deduplicated=True)


def test_classic() -> None:
    result = _parse("classic.lock")
    assert refs(result) == [
        ("@babel/code-frame", 5),
        ("@babel/highlight", 13),
        ("chalk", 18),
        ("chalk", 27),  # ^4: another locked version, its own ref
        ("string-width", 43),  # "string-width-cjs@npm:string-width@^4.2.0" and plain specs
        ("@preact/compat", 52),  # "react-compat@npm:@preact/compat@^17.1.2"
    ]
    assert skipped(result) == [
        (32, "local path: local-lib@file:../local-lib"),
        (35, "git dependency: my-fork@git+https://github.com/acme/my-fork.git#v2.0.0"),
        (39, "tarball URL: remote-tarball@https://example.com/files/remote-tarball-1.0.0.tgz"),
    ]


def test_classic_bom_and_crlf() -> None:
    expected = [("@types/node", 5), ("undici-types", 12)]
    assert refs(_parse("classic-bom-crlf.lock")) == expected
    path = FIXTURES / "classic-bom-crlf.lock"
    assert refs(parse(path, read_text(path))) == expected


def test_berry() -> None:
    result = _parse("berry.lock")
    assert refs(result) == [
        ("@babel/core", 16),
        ("lodash", 41),
        ("resolve", 61),  # and its builtin patch at 68
        ("semver", 75),
        ("string-width", 81),  # resolution "string-width@npm:4.2.3" of an alias
        ("typescript", 87),  # only a patch: resolved to the patched package
    ]
    # The root workspace "acme-monorepo@workspace:." is the project itself: not even a note.
    assert skipped(result) == [
        (8, "workspace link: @acme/utils@workspace:packages/utils"),
        (35, "local link: linked-tool@link:../linked-tool"),
        (
            48,
            "git dependency: my-fork@"
            "https://github.com/acme/my-fork.git#commit=0f3c9b4e2d1a8f7c6b5a49382716e5d4c3b2a190",
        ),
        (55, "local portal: portal-pkg@portal:../portal-pkg"),
        (93, "local path: vendored@file:./vendor/vendored-1.0.0.tgz#./vendor/vendored-1.0.0.tgz"),
    ]


@pytest.mark.parametrize("name", sorted(p.name for p in FIXTURES.glob("*.lock")))
def test_crlf_gives_the_same_result(name: str) -> None:
    assert_crlf_gives_the_same_result(_parse, name)


@pytest.mark.parametrize(
    ("name", "line", "reason"),
    [
        ("classic-garbage.lock", 7, "expected an entry header like `name@range:`"),
        ("berry-invalid.lock", 7, "mapping values are not allowed"),
    ],
)
def test_errors(name: str, line: int, reason: str) -> None:
    with pytest.raises(SourceError) as caught:
        _parse(name)
    assert caught.value.line == line
    assert reason in caught.value.reason


@pytest.mark.parametrize(
    ("text", "line", "reason"),
    [
        ('"lodash@^4", "@:\n', 1, 'cannot read the entry header \'"lodash@^4", "@\''),
        ('"bad\\qescape@1":\n', 1, "bad escape in '\"bad\\\\qescape@1\"'"),
        ('"":\n', 1, "an entry without a package name"),
        ("__metadata:\n  version: 8\n- a\n", 3, None),
        ("__metadata:\n  version: 8\n\n'x@npm:1':\n  resolution: [1]\n", 5, None),
        ("__metadata:\n  version: 8\n\n'x@npm:1': 7\n", 4, "entry 'x@npm:1' must be a mapping"),
    ],
)
def test_bad_input(text: str, line: int, reason: str | None) -> None:
    with pytest.raises(SourceError) as caught:
        parse(Path("yarn.lock"), text)
    assert caught.value.line == line
    if reason is not None:
        assert caught.value.reason == reason


def test_unquoted_classic_header_and_empty_file() -> None:
    text = 'lodash@^4.17.15, lodash@^4.17.21:\n  version "4.17.21"\n'
    assert refs(parse(Path("yarn.lock"), text)) == [("lodash", 1)]
    assert parse(Path("yarn.lock"), "") == ParseResult()


# --- properties ---------------------------------------------------------------------------------

DUMPER = getattr(yaml, "CSafeDumper", yaml.SafeDumper)

NAMES = st.sampled_from(["lodash", "@babel/core", "string-width-cjs", "a"]) | st.text(max_size=6)
RANGES = st.sampled_from(
    ["^1.0.0", "npm:real@^1", "npm:@s/real@2", "file:../x", "github:a/b", "workspace:.", "*"]
) | st.text(max_size=6)
SPECS = st.builds(lambda name, range_: f"{name}@{range_}", NAMES, RANGES)
BERRY = st.builds(
    lambda metadata, entries: {"__metadata": metadata, **entries},
    st.fixed_dictionaries({"version": st.integers(4, 8)}),
    st.dictionaries(
        st.lists(SPECS, min_size=1, max_size=3).map(", ".join) | KEYS,
        st.fixed_dictionaries({}, optional={"version": KEYS, "resolution": SPECS | KEYS}),
        max_size=4,
    ),
)


@settings(max_examples=300, deadline=None)
@given(st.text())
def test_any_text_parses_or_raises_source_error(text: str) -> None:
    parse_or_source_error(parse, Path("yarn.lock"), text)


@settings(max_examples=100, deadline=None)
@given(st.one_of(BERRY, BERRY, JSON))
def test_any_berry_yaml_parses_or_raises_source_error(data: Any) -> None:
    text = yaml.dump(data, Dumper=DUMPER)
    result = parse_or_source_error(parse, Path("yarn.lock"), text)
    if result is not None:
        assert_every_source_has_a_line(result, refs_only=True, within=text)


@settings(max_examples=100, deadline=None)
@given(st.lists(st.lists(SPECS, min_size=1, max_size=3), max_size=5))
def test_classic_refs_sit_on_their_header(entries: list[list[str]]) -> None:
    lines = ["# yarn lockfile v1", ""]
    for specs in entries:
        lines += [", ".join(json.dumps(spec) for spec in specs) + ":", '  version "1.0.0"', ""]
    text = "\n".join(lines)
    result = parse_or_source_error(parse, Path("yarn.lock"), text)
    if result is None:
        return
    rows = text.split("\n")
    for ref in result.refs:
        assert ref.source is not None and ref.source.line is not None
        assert rows[ref.source.line - 1].endswith(":")
