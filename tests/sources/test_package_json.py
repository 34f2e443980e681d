"""package.json: the four dependency sections, npm spec kinds, lines found by scanning the JSON."""

from __future__ import annotations

import json
from pathlib import Path
from typing import Any

import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

from phantom_guard.errors import SourceError
from phantom_guard.model import Registry
from phantom_guard.npm_specs import spec_target
from phantom_guard.sources import ParseResult, read_text
from phantom_guard.sources._json import json_key_lines
from phantom_guard.sources.package_json import parse
from tests.sources import (
    KEYS,
    assert_crlf_gives_the_same_result,
    assert_every_source_has_a_line,
    json_key_paths,
    parse_fixture,
    parse_or_source_error,
    refs,
    skipped,
)

FIXTURES = Path(__file__).parent.parent / "fixtures" / "sources" / "npm" / "package_json"


def _parse(name: str, *, crlf: bool = False) -> ParseResult:
    """`parse_fixture` for one of FIXTURES; its skipped entries, too, must name that file."""
    path = FIXTURES / name
    result = parse_fixture(parse, path, Registry.NPM, crlf=crlf)
    assert all(s.source is not None and s.source.file == str(path) for s in result.skipped)
    return result


def _refs(result: ParseResult) -> list[tuple[str, int | None]]:
    """`refs`, sorted by name."""
    return sorted(refs(result))


def test_app_sections_and_decoys() -> None:
    result = _parse("app.json")
    assert _refs(result) == [
        ("@tanstack/react-query", 13),
        ("@types/react", 20),
        ("@types/react-dom", 21),
        ("@vitejs/plugin-react", 22),
        ("axios", 14),
        ("eslint", 23),
        ("fsevents", 28),
        ("react", 15),
        ("react-dom", 16),
        ("typescript", 24),
        ("vite", 25),
        ("zod", 17),
    ]
    assert skipped(result) == []


def test_workspace_package_spec_kinds() -> None:
    result = _parse("workspace-package.json")
    assert _refs(result) == [
        ("@preact/compat", 19),
        ("is-even", 23),
        ("left-pad", 22),
        ("lodash", 20),
        ("next", 21),
        ("react", 30),
        ("string-width", 18),
        ("typescript", 27),
    ]
    assert skipped(result) == [
        (6, "workspace link: @acme/ui@workspace:*"),
        (7, "workspace link: @acme/config@workspace:^"),
        (8, "local path: shared@file:../shared"),
        (9, "local link: linked-tool@link:../linked-tool"),
        (10, "local portal: portal-pkg@portal:../portal-pkg"),
        (11, "local path: vendored@./vendor/vendored-1.0.0.tgz"),
        (12, "git dependency: fork-https@git+https://github.com/acme/fork-https.git#v1.2.0"),
        (13, "git dependency: fork-ssh@git+ssh://git@github.com/acme/fork-ssh.git#semver:^2.0.0"),
        (14, "git dependency: fork-git@git://github.com/acme/fork-git.git"),
        (15, "git dependency: hosted@github:acme/hosted#main"),
        (16, "git dependency: shorthand@acme/shorthand#a1b2c3d"),
        (17, "tarball URL: remote-tarball@https://example.com/files/remote-tarball-1.0.0.tgz"),
        (24, "JSR package, not on the npm registry: @std/path@jsr:^1.0.0"),
    ]


def test_library_keeps_every_declaration() -> None:
    # react is both a peer and a dev dependency: two declarations, two refs.
    assert _refs(_parse("library.json")) == [
        ("clsx", 12),
        ("react", 8),
        ("react", 19),
        ("react-dom", 9),
        ("react-dom", 20),
        ("tiny-invariant", 13),
        ("tsup", 21),
    ]


def test_minified_json_is_all_line_one() -> None:
    result = _parse("minified.json")
    assert _refs(result) == [("@types/express", 1), ("cors", 1), ("express", 1), ("nodemon", 1)]
    assert skipped(result) == [(1, "local path: local@file:../local")]


def test_bom_and_crlf() -> None:
    expected = [("@inquirer/prompts", 6), ("chalk", 5), ("vitest", 9)]
    assert _refs(_parse("bom-crlf.json")) == expected
    path = FIXTURES / "bom-crlf.json"
    assert _refs(parse(path, read_text(path))) == expected  # read_text drops the BOM
    assert read_text(FIXTURES / "bom-crlf.json").startswith("{")


@pytest.mark.parametrize(
    "name", sorted(p.name for p in FIXTURES.glob("*.json") if p.name != "minified.json")
)
def test_crlf_gives_the_same_result(name: str) -> None:
    assert_crlf_gives_the_same_result(_parse, name)


@pytest.mark.parametrize(
    ("name", "line", "reason"),
    [
        ("invalid.json", 5, "invalid JSON: Expecting property name enclosed in double quotes"),
        ("array.json", 1, "package.json must hold a JSON object"),
        ("bad-section.json", 3, "'dependencies' must be an object"),
        ("bad-spec.json", 5, "dependencies.react-dom: the version must be a string"),
    ],
)
def test_errors(name: str, line: int, reason: str) -> None:
    with pytest.raises(SourceError) as caught:
        _parse(name)
    assert (caught.value.file, caught.value.line, caught.value.reason) == (
        str(FIXTURES / name),
        line,
        reason,
    )


@pytest.mark.parametrize(
    ("spec", "expected"),
    [
        ("^1.2.3", ("pkg", None)),
        ("", ("pkg", None)),
        ("latest", ("pkg", None)),
        ("catalog:", ("pkg", None)),
        ("1.x || >=2.5.0 <3", ("pkg", None)),
        ("npm:real@^1", ("real", None)),
        ("npm:@scope/real@2", ("@scope/real", None)),
        ("npm:real", ("real", None)),
        ("npm:2-thenable@1", ("2-thenable", None)),
        ("npm:^4.17.21", ("pkg", None)),  # yarn berry: a range for the entry's own name
        ("patch:lodash@npm%3A4.17.21#./patches/lodash.patch", ("lodash", None)),
        ("patch:fork@github:acme/fork#./p.patch", (None, "git dependency")),
        ("NPM:Real@1", ("Real", None)),
        ("workspace:~", (None, "workspace link")),
        ("FILE:../x", (None, "local path")),
        ("..", (None, "local path")),
        ("~/src/pkg", (None, "local path")),
        ("/opt/pkg", (None, "local path")),
        ("C:\\pkg", (None, "local path")),
        ("git@github.com:acme/x.git", (None, "git dependency")),
        ("gitlab:acme/x", (None, "git dependency")),
        ("https://example.com/x.git#v1", (None, "git dependency")),
        ("http://example.com/x.tgz", (None, "tarball URL")),
        ("acme/x", (None, "git dependency")),
        ("exec:./build.js", (None, "built by a script")),
    ],
)
def test_spec_target(spec: str, expected: tuple[str | None, str | None]) -> None:
    assert spec_target("pkg", spec) == expected


# --- properties ---------------------------------------------------------------------------------

JSON_LEAVES = st.none() | st.booleans() | st.integers() | st.floats(allow_nan=False) | KEYS
JSON = st.recursive(
    JSON_LEAVES,
    lambda inner: st.lists(inner, max_size=3) | st.dictionaries(KEYS, inner, max_size=3),
    max_leaves=6,
)
SPECS = st.sampled_from(
    ["^1.0.0", "workspace:*", "file:../x", "npm:real@1", "npm:@s/real@1", "github:a/b", "a/b", ""]
)
SECTION = st.dictionaries(KEYS, SPECS | KEYS, max_size=4)
MANIFESTS = st.fixed_dictionaries(
    {},
    optional={
        "name": KEYS,
        "dependencies": SECTION,
        "devDependencies": SECTION | JSON_LEAVES,  # sometimes the wrong shape
        "peerDependencies": SECTION,
        "optionalDependencies": SECTION,
        "overrides": JSON,
    },
)


@settings(max_examples=300, deadline=None)
@given(st.text())
def test_any_text_parses_or_raises_source_error(text: str) -> None:
    result = parse_or_source_error(parse, Path("package.json"), text)
    if result is not None:
        assert_every_source_has_a_line(result, within=text)


@settings(max_examples=100, deadline=None)
@given(st.one_of(MANIFESTS, MANIFESTS, JSON), st.sampled_from([None, 0, 2, "\t"]))
def test_any_json_parses_or_raises_source_error(data: Any, indent: int | str | None) -> None:
    text = json.dumps(data, indent=indent, ensure_ascii=indent == 0)
    result = parse_or_source_error(parse, Path("package.json"), text)
    if result is not None:
        assert_every_source_has_a_line(result, within=text)
    # The scanner behind the lines finds every key of any JSON, on the line that holds it.
    lines = json_key_lines(text, lambda path: True)
    rows = text.split("\n")
    paths = json_key_paths(data)
    assert set(lines) == set(paths)
    for path in paths:
        quoted = json.dumps(path[-1], ensure_ascii=indent == 0) + ":"
        assert rows[lines[path] - 1].lstrip().startswith(quoted) or indent is None
