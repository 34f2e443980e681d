"""package-lock.json / npm-shrinkwrap.json: v1 trees, v2/v3 ``packages``, one ref per name."""

from __future__ import annotations

import json
from pathlib import Path
from typing import Any

import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

from phantom_guard.errors import SourceError
from phantom_guard.model import Registry
from phantom_guard.sources import ParseResult
from phantom_guard.sources._keypath import line_of
from phantom_guard.sources.package_lock import _KeysInOrder, _Lock, parse
from tests.sources import (
    JSON,
    KEYS,
    assert_crlf_gives_the_same_result,
    assert_deduplicated,
    assert_every_source_has_a_line,
    parse_fixture,
    parse_or_source_error,
    refs,
    skipped,
)

FIXTURES = Path(__file__).parent.parent / "fixtures" / "sources" / "npm" / "package_lock"


def _parse(name: str, *, crlf: bool = False) -> ParseResult:
    return parse_fixture(parse, FIXTURES / name, Registry.NPM, crlf=crlf, deduplicated=True)


def test_v3_workspaces() -> None:
    result = _parse("v3-workspaces.json")
    assert refs(result) == [
        ("@babel/core", 22),
        ("semver", 31),
        ("semver", 45),  # top-level, another version: each locked version is its own ref
        ("string-width", 53),  # "node_modules/string-width-cjs" has "name": "string-width"
        ("typescript", 64),
        ("lodash", 78),  # under the workspace folder packages/web
        ("react", 83),
    ]
    assert skipped(result) == [
        (18, "workspace link: @acme/web -> packages/web"),
        (
            40,
            "git dependency: my-fork@"
            "git+ssh://git@github.com/acme/my-fork.git#0f3c9b4e2d1a8f7c6b5a49382716e5d4c3b2a190",
        ),
        (59, "local path: vendored@file:vendor/vendored-1.0.0.tgz"),
        (91, "workspace link: local-utils -> ../local-utils"),
    ]


def test_v2_uses_packages_not_dependencies() -> None:
    result = _parse("v2.json")
    assert refs(result) == [("express", 15), ("wrap-ansi", 20)]
    assert skipped(result) == []


def test_v1_nested_tree() -> None:
    result = _parse("v1.json")
    assert refs(result) == [
        ("@babel/code-frame", 7),
        ("chalk", 16),
        ("supports-color", 25),  # nested under chalk, before the top-level one at 51
        ("string-width", 46),  # "string-width-cjs": {"version": "npm:string-width@4.2.3"}
        ("supports-color", 51),  # the top-level one, another version
    ]
    assert skipped(result) == [
        (35, "local path: local-lib@file:../local-lib"),
        (
            38,
            "git dependency: my-fork@"
            "git+https://github.com/acme/my-fork.git#0f3c9b4e2d1a8f7c6b5a49382716e5d4c3b2a190",
        ),
        (
            42,
            "git dependency: hosted-fork@"
            "github:acme/hosted-fork#4d5e6f7a8b9c0d1e2f3a4b5c6d7e8f9a0b1c2d3e",
        ),
    ]


def test_minified_shrinkwrap() -> None:
    result = _parse("shrinkwrap-minified.json")
    assert refs(result) == [("commander", 1), ("@inquirer/core", 1)]


@pytest.mark.parametrize("name", sorted(p.name for p in FIXTURES.glob("*.json")))
def test_crlf_gives_the_same_result(name: str) -> None:
    assert_crlf_gives_the_same_result(_parse, name)


@pytest.mark.parametrize(
    ("name", "line", "reason"),
    [
        ("truncated.json", 7, "invalid JSON: Expecting property name enclosed in double quotes"),
    ],
)
def test_errors(name: str, line: int, reason: str) -> None:
    with pytest.raises(SourceError) as caught:
        _parse(name)
    assert (caught.value.line, caught.value.reason) == (line, reason)


def test_odd_v1_entries_cost_those_entries() -> None:
    # npm 6 wrote "resolved": false for bundled dependencies.
    text = (
        '{"dependencies": {\n"a": {\n"version": 1},\n"b": {"version": "1.0.0", "resolved": false}}}'
    )
    result = parse(Path("package-lock.json"), text)
    assert refs(result) == [("b", 4)]
    # A field's line is its entry's: only entry keys are looked up in the text.
    assert skipped(result) == [
        (2, "unreadable lock entry 'dependencies/a': 'version' must be a string")
    ]


def test_one_odd_entry_costs_that_entry_not_the_file() -> None:
    result = _parse("bad-packages.json")
    assert skipped(result) == [
        (
            8,
            "unreadable lock entry 'node_modules/react':"
            " 'packages/node_modules/react' must be an object",
        )
    ]
    text = (
        '{"packages": {\n"node_modules/a": {"name": 7},\n'
        '"node_modules/": {},\n"node_modules/b": {}}}'
    )
    result = parse(Path("package-lock.json"), text)
    assert refs(result) == [("b", 4)]
    assert skipped(result) == [
        (2, "unreadable lock entry 'node_modules/a': 'name' must be a string"),
        (3, "unreadable lock entry 'node_modules/': no package name in 'node_modules/'"),
    ]


def test_https_entries_that_are_not_plain_refs() -> None:
    """Entries fetched over https (the usual case, read without the per-case checks) that are
    still links, nameless, oddly typed or versionless are read as the per-case checks read them.
    """
    url = "https://npm.acme.internal/x/-/x-1.0.0.tgz"
    packages = {
        "": {"name": "project"},
        "node_modules/linked": {"resolved": url, "version": "1.0.0", "link": True},
        "node_modules/": {"resolved": url, "version": "1.0.0"},
        "node_modules/odd": {"resolved": url, "version": "1.0.0", "name": 7},
        "node_modules/alias": {"resolved": url, "version": "2.0.0", "name": "real"},
        "node_modules/unversioned": {"resolved": url},
        "node_modules/plain": {"resolved": url, "version": "3.0.0"},
    }
    text = json.dumps({"lockfileVersion": 3, "packages": packages}, indent=2)
    result = parse(Path("package-lock.json"), text)
    assert [(r.name, r.version, r.index, r.source and r.source.line) for r in result.refs] == [
        ("real", "2.0.0", url, 21),
        ("unversioned", None, url, 26),
        ("plain", "3.0.0", url, 29),
    ]
    assert skipped(result) == [
        (7, f"workspace link: linked -> {url}"),
        (12, "unreadable lock entry 'node_modules/': no package name in 'node_modules/'"),
        (19, "unreadable lock entry 'node_modules/odd': 'name' must be a string"),  # its key
    ]


@pytest.mark.parametrize(
    ("text", "line", "reason"),
    [
        ("[]", 1, "a package-lock file must hold a JSON object"),
        ('{\n"packages": []}', 2, "'packages' must be an object"),
        ("[" * 100_000, None, "invalid JSON: nested too deeply"),
        ("1" * 5000, None, "invalid JSON: Exceeds the limit (4300 digits) for integer string"),
    ],
)
def test_bad_shapes(text: str, line: int | None, reason: str) -> None:
    with pytest.raises(SourceError) as caught:
        parse(Path("package-lock.json"), text)
    assert caught.value.line == line
    assert caught.value.reason.startswith(reason)


def test_deep_v1_tree_needs_no_recursion() -> None:
    tree: dict[str, Any] = {"leaf": {"version": "1.0.0"}}
    for depth in range(200):
        tree = {f"pkg{depth}": {"version": "1.0.0", "dependencies": tree}}
    result = parse(Path("package-lock.json"), json.dumps({"dependencies": tree}, indent=1))
    assert len(result.refs) == 201


# --- properties ---------------------------------------------------------------------------------

VERSIONS = st.sampled_from(["1.0.0", "file:../x", "npm:real@1.0.0", "github:a/b#c", ""]) | KEYS
PACKAGE_KEYS = st.sampled_from(
    ["", "node_modules/a", "node_modules/@s/b", "packages/w", "node_modules/a/node_modules/c"]
)
PACKAGES = st.dictionaries(
    PACKAGE_KEYS | KEYS,
    st.fixed_dictionaries(
        {},
        optional={
            "name": KEYS,
            "version": VERSIONS,
            "resolved": st.sampled_from(["file:x", "git+ssh://h/r.git", "https://r.example/a"]),
            "link": st.booleans(),
        },
    ),
    max_size=4,
)
TREES = st.recursive(
    st.fixed_dictionaries({}, optional={"version": VERSIONS}),
    lambda inner: st.fixed_dictionaries(
        {}, optional={"version": VERSIONS, "dependencies": st.dictionaries(KEYS, inner, max_size=3)}
    ),
    max_leaves=6,
)
LOCKS = st.fixed_dictionaries(
    {"lockfileVersion": st.sampled_from([1, 2, 3])},
    optional={"packages": PACKAGES, "dependencies": st.dictionaries(KEYS, TREES, max_size=3)},
)


@settings(max_examples=300, deadline=None)
@given(st.text())
def test_any_text_parses_or_raises_source_error(text: str) -> None:
    parse_or_source_error(parse, Path("package-lock.json"), text)


@settings(max_examples=100, deadline=None)
@given(st.one_of(LOCKS, LOCKS, JSON), st.sampled_from([None, 2]))
def test_any_json_parses_or_raises_source_error(data: Any, indent: int | None) -> None:
    text = json.dumps(data, indent=indent)
    result = parse_or_source_error(parse, Path("package-lock.json"), text)
    if result is None:
        return
    assert_deduplicated(result)
    assert_every_source_has_a_line(result, refs_only=True, within=text)


#: The pattern the install-path scan replaced: its matches are what `_install_path_lines` finds.
_INSTALL_PATH_KEY = r'\n[ \t\r]*"(node_modules/[^"\\\n]*)"[ \t]*:'


def _regex_lines(text: str) -> dict[str, int]:
    import re

    found: dict[str, int] = {}
    for match in re.finditer(_INSTALL_PATH_KEY, text):
        found.setdefault(match.group(1), text.count("\n", 0, match.start() + 1) + 1)
    return found


_LOCK_PIECES = st.sampled_from(
    [
        '"node_modules/',
        "node_modules/",
        '"node_modules/a": {',
        '"',
        "\\",
        ":",
        "\n",
        "\r",
        " ",
        "\t",
        "a",
        "@s/b",
        "/",
        "{",
        "}",
        ",",
        '"x": "node_modules/c"',
        "\u00e9",
    ]
)


@settings(max_examples=500, deadline=None)
@given(st.builds("".join, st.lists(_LOCK_PIECES, max_size=20)))
def test_install_path_lines_are_the_patterns_matches(text: str) -> None:
    assert _Lock("package-lock.json", text)._install_path_lines == _regex_lines(text)


def test_install_path_lines_of_a_lock_as_npm_writes_it() -> None:
    text = json.dumps(
        {
            "lockfileVersion": 3,
            "packages": {
                "": {"name": "p"},
                "node_modules/a": {"version": "1.0.0"},
                "node_modules/a/node_modules/@s/b": {"version": "2.0.0"},
                'node_modules/q"uote': {"version": "1.0.0"},
            },
        },
        indent=2,
    )
    lines = _Lock("package-lock.json", text)._install_path_lines
    assert (
        lines == _regex_lines(text) == {"node_modules/a": 7, "node_modules/a/node_modules/@s/b": 10}
    )


@settings(max_examples=200, deadline=None)
@given(LOCKS, st.sampled_from([None, 1, 2, "\t"]))
def test_keys_searched_in_order_are_on_the_lines_the_full_scan_finds(
    data: Any, indent: int | str | None
) -> None:
    text = json.dumps(data, indent=indent)
    lock = _Lock("package-lock.json", text, tuple(data))
    in_order = lock.package_keys()
    for key in data.get("packages", {}):
        line = in_order.line_of(key)
        if line is None or "node_modules/" not in key:
            continue  # the caller scans for it; only install paths are asked for
        # The line the full scan of the document finds, or what the lines were before: the
        # line of the key's first occurrence anywhere.
        scanned = line_of(lock.lines, ("packages", key))
        assert line in (scanned, lock._install_path_lines.get(key)), key


def test_keys_searched_in_order_skip_what_only_looks_like_them() -> None:
    text = (
        '{\n  "packages": {\n    "node_modules/a": {\n      "note": "node_modules/b"\n    },\n'
        '    "node_modules/b" : {},\n    "node_modules/c\\u0041": {}\n  }\n}\n'
    )
    in_order = _KeysInOrder(text)
    assert in_order.line_of("node_modules/a") == 3
    assert in_order.line_of("node_modules/b") == 6  # not the value on line 4
    assert in_order.line_of("node_modules/cA") is None  # escaped: the caller scans for it


def test_package_keys_are_searched_for_past_the_packages_key() -> None:
    document = {
        "lockfileVersion": 2,
        "dependencies": {"node_modules/a": {"version": "0.1.0"}},  # an odd v1 name, first
        "packages": {"node_modules/a": {"version": "1.0.0"}},
    }
    text = json.dumps(document, indent=2)
    lock = _Lock("package-lock.json", text, tuple(document))
    assert lock.package_keys().line_of("node_modules/a") == 9
    assert line_of(lock.lines, ("packages", "node_modules/a")) == 9


@settings(max_examples=200, deadline=None)
@given(LOCKS, st.sampled_from([None, 1, 2, 4, "\t"]))
def test_keys_in_npm_layout_are_where_the_search_per_key_finds_them(
    data: Any, indent: int | str | None
) -> None:
    text = json.dumps(data, indent=indent)
    keys = list(data.get("packages", {}))
    at_once = _Lock("package-lock.json", text, tuple(data)).package_keys()
    one_by_one = _Lock("package-lock.json", text, tuple(data)).package_keys()
    lines = at_once.as_npm_writes_them(keys)
    if indent != 2 or "packages" not in data:
        assert lines is None or not keys  # not npm's layout: a search per key
        return
    plain = all('"' not in k and "\\" not in k and k.isprintable() and k.isascii() for k in keys)
    if plain:
        assert lines is not None
    if lines is not None:
        assert lines == [one_by_one.line_of(key) for key in keys]


def test_keys_in_npm_layout_need_every_key_so() -> None:
    laid_out = '{\n  "packages": {\n    "node_modules/a": {},\n    "node_modules/b": {}\n  }\n}\n'
    searcher = _KeysInOrder(laid_out)
    searcher.line_of("packages")
    assert searcher.as_npm_writes_them(["node_modules/a", "node_modules/b"]) == [3, 4]
    for other in (
        laid_out.replace('"node_modules/b": {}', '"node_modules/b" : {}'),  # a space before ":"
        laid_out.replace('    "node_modules/b"', '     "node_modules/b"'),  # indented otherwise
        laid_out.replace('"node_modules/b"', '"node_modules/\\u0062"'),  # escaped
        laid_out.replace('  "packages"', '   "packages"'),  # packages indented otherwise
    ):
        searcher = _KeysInOrder(other)
        searcher.line_of("packages")
        assert searcher.as_npm_writes_them(["node_modules/a", "node_modules/b"]) is None
    # The keys in another order than the split finds them: not the packages keys.
    searcher = _KeysInOrder(laid_out)
    searcher.line_of("packages")
    assert searcher.as_npm_writes_them(["node_modules/b", "node_modules/a"]) is None
