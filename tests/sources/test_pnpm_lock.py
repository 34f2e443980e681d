"""pnpm-lock.yaml v5, v6 and v9: package keys, peer suffixes, importers, one ref per name."""

from __future__ import annotations

from pathlib import Path
from typing import Any

import pytest
import yaml
from hypothesis import given, settings
from hypothesis import strategies as st

from phantom_guard.errors import SourceError
from phantom_guard.model import Registry
from phantom_guard.sources import ParseResult
from phantom_guard.sources.pnpm_lock import parse, split_key
from tests.sources import (
    JSON,
    KEYS,
    LEAVES,
    assert_crlf_gives_the_same_result,
    assert_deduplicated,
    assert_every_source_has_a_line,
    parse_fixture,
    parse_or_source_error,
    refs,
    skipped,
)

FIXTURES = Path(__file__).parent.parent / "fixtures" / "sources" / "npm" / "pnpm_lock"


def _parse(name: str, *, crlf: bool = False) -> ParseResult:
    return parse_fixture(parse, FIXTURES / name, Registry.NPM, crlf=crlf, deduplicated=True)


def test_v5_single_project() -> None:
    result = _parse("v5.yaml")
    assert refs(result) == [
        ("@emotion/react", 14),
        ("lodash", 16),
        ("react", 17),
        ("react-dom", 18),
        ("string-width", 19),  # string-width-cjs: /string-width/4.2.3
        ("typescript", 23),
        ("@babel/runtime", 27),
        ("regenerator-runtime", 68),
    ]
    assert skipped(result) == [
        (15, "local link: local-lib@link:../local-lib"),
        (20, "local path: vendored@file:../vendored"),  # also the packages key at 81
    ]


def test_v6_workspace() -> None:
    result = _parse("v6-workspace.yaml")
    assert refs(result) == [
        ("prettier", 11),
        ("typescript", 14),
        ("react", 20),
        ("@types/react", 24),
        ("react-dom", 39),
        ("@preact/compat", 42),  # react-compat: /@preact/compat@17.1.2(preact@10.20.1)
        ("@types/prop-types", 56),
        ("preact", 66),
    ]
    assert skipped(result) == [
        (30, "workspace link: @acme/ui@workspace:*"),
        (33, "git dependency: my-fork@github:acme/my-fork#v2.0.0"),  # and its package at 94
    ]


def test_v9_importers_packages_snapshots() -> None:
    result = _parse("v9.yaml")
    assert refs(result) == [
        ("@babel/core", 17),
        ("string-width", 29),
        ("zod", 32),  # specifier 'catalog:'
        ("@types/react-dom", 36),
        ("react-dom", 39),
        ("react", 64),  # only in packages and snapshots
    ]
    assert skipped(result) == [
        (20, "local path: local-pkg@file:packages/local-pkg"),
        (23, "git dependency: my-fork@git+https://github.com/acme/my-fork.git#v2.0.0"),
        (26, "tarball URL: remote-tarball@https://example.com/files/remote-tarball-1.0.0.tgz"),
    ]


def test_packages_not_from_a_registry() -> None:
    text = """lockfileVersion: '6.0'

packages:

  github.com/acme/my-fork/0f3c9b4e:
    resolution: {tarball: https://codeload.example/acme/my-fork/tar.gz/0f3c9b4e}
    name: my-fork
    version: 2.0.0

  file:packages/local:
    resolution: {directory: packages/local, type: directory}
    name: local

  /git-dep@git+https://example.com/g.git#abc:
    resolution: {commit: abc, repo: https://example.com/g.git, type: git}

  /odd@latest: {}
"""
    result = parse(Path("pnpm-lock.yaml"), text)
    assert result.refs == ()
    assert skipped(result) == [
        (5, "tarball URL: my-fork@github.com/acme/my-fork/0f3c9b4e"),
        (10, "local path: local@file:packages/local"),
        (14, "git dependency: git-dep@git+https://example.com/g.git#abc"),
        (17, "not a registry version: odd@latest"),
    ]


@pytest.mark.parametrize(
    ("key", "expected"),
    [
        ("/lodash/4.17.21", ("lodash", "4.17.21")),
        ("/@babel/core/7.21.0", ("@babel/core", "7.21.0")),
        ("/react-dom/18.2.0_react@18.2.0", ("react-dom", "18.2.0_react@18.2.0")),
        ("/@s/n@1.0.0(@types/react@18.0.0)", ("@s/n", "1.0.0(@types/react@18.0.0)")),
        ("react-dom@18.2.0(react@18.2.0)", ("react-dom", "18.2.0(react@18.2.0)")),
        ("@types/react@18.0.0", ("@types/react", "18.0.0")),
        ("foo@https://example.com/f.tgz", ("foo", "https://example.com/f.tgz")),
        ("github.com/acme/x/abc", ("", "github.com/acme/x/abc")),
        ("file:packages/foo", ("", "file:packages/foo")),
        ("@scope", ("", "@scope")),
        ("@s/n", ("", "@s/n")),
        ("", ("", "")),
    ],
)
def test_split_key(key: str, expected: tuple[str, str]) -> None:
    assert split_key(key) == expected


@pytest.mark.parametrize("name", sorted(p.name for p in FIXTURES.glob("*.yaml")))
def test_crlf_gives_the_same_result(name: str) -> None:
    assert_crlf_gives_the_same_result(_parse, name)


@pytest.mark.parametrize(
    ("name", "line", "reason"),
    [
        ("bad-indent.yaml", 8, "did not find expected key"),
        ("list.yaml", 1, "pnpm-lock.yaml must be a mapping"),
        ("bad-importer.yaml", 6, "dependencies must be a mapping"),
    ],
)
def test_errors(name: str, line: int, reason: str) -> None:
    with pytest.raises(SourceError) as caught:
        _parse(name)
    assert caught.value.line == line
    assert reason in caught.value.reason


def test_two_documents_are_both_read() -> None:
    """pnpm 11 writes its own config dependencies in a first document, the project in a second."""
    result = _parse("two-documents.yaml")
    assert [(r.name, r.source.line if r.source else None, r.version) for r in result.refs] == [
        ("pnpm", 8, "11.0.0"),
        ("lodash", 19, "4.17.21"),
        ("@acme/tool", 22, "1.2.0"),
    ]


@pytest.mark.parametrize(
    ("text", "line", "reason"),
    [
        ("packages:\n  ? [a, b]\n  : {}\n", 2, "packages has a key that is not a string"),
        ("importers:\n  .:\n    dependencies:\n      a: [1]\n", 4, "version of a must be a string"),
        ("[" * 5000 + "]" * 5000, None, "nested more than 200 deep"),
        ("a: *nowhere\n", 1, "found undefined alias"),
        ("a: b\x00\n", None, "invalid YAML"),
    ],
)
def test_bad_input(text: str, line: int | None, reason: str) -> None:
    with pytest.raises(SourceError) as caught:
        parse(Path("pnpm-lock.yaml"), text)
    assert caught.value.line == line
    assert reason in caught.value.reason


def test_aliases_are_read_once_and_empty_file() -> None:
    deps = "".join(f"      dep{i}: 1.0.{i}\n" for i in range(50))
    importers = "".join(f"  p{i}:\n    dependencies: *deps\n" for i in range(1, 200))
    text = f"importers:\n  p0:\n    dependencies: &deps\n{deps}{importers}"
    result = parse(Path("pnpm-lock.yaml"), text)
    assert [r.name for r in result.refs] == [f"dep{i}" for i in range(50)]
    assert parse(Path("pnpm-lock.yaml"), "") == ParseResult()


def test_alias_with_a_bare_version_keeps_the_real_name() -> None:
    text = "dependencies:\n  compat:\n    specifier: npm:@preact/compat@^17\n    version: 17.1.2\n"
    assert refs(parse(Path("pnpm-lock.yaml"), text)) == [("@preact/compat", 2)]


# --- properties ---------------------------------------------------------------------------------

DUMPER = getattr(yaml, "CSafeDumper", yaml.SafeDumper)

PACKAGE_KEYS = st.sampled_from(
    ["/a/1.0.0", "/@s/b/1.0.0_p@1", "/a@1.0.0(p@1)", "@s/b@2.0.0", "file:x", "x@https://h/x"]
)
VERSIONS = st.sampled_from(["1.0.0", "link:../x", "file:x", "/real/1.0.0", "real@1.0.0", "h/x/y"])
DEPS = st.dictionaries(
    KEYS,
    VERSIONS | st.fixed_dictionaries({}, optional={"specifier": KEYS, "version": VERSIONS}) | JSON,
    max_size=3,
)
IMPORTER = st.fixed_dictionaries(
    {}, optional={"specifiers": st.dictionaries(KEYS, KEYS), "dependencies": DEPS}
)
LOCKS = st.fixed_dictionaries(
    {"lockfileVersion": st.sampled_from(["5.4", "6.0", "9.0", 5.4])},
    optional={
        "importers": st.dictionaries(KEYS, IMPORTER | JSON, max_size=3),
        "dependencies": DEPS,
        "packages": st.dictionaries(
            PACKAGE_KEYS | KEYS,
            st.fixed_dictionaries(
                {}, optional={"resolution": JSON, "name": LEAVES, "version": LEAVES}
            )
            | JSON,
            max_size=3,
        ),
        "snapshots": st.dictionaries(PACKAGE_KEYS | KEYS, JSON, max_size=3),
    },
)


@settings(max_examples=300, deadline=None)
@given(st.text())
def test_any_text_parses_or_raises_source_error(text: str) -> None:
    parse_or_source_error(parse, Path("pnpm-lock.yaml"), text)


@settings(max_examples=100, deadline=None)
@given(st.one_of(LOCKS, LOCKS, JSON), st.booleans())
def test_any_yaml_parses_or_raises_source_error(data: Any, flow: bool) -> None:
    text = yaml.dump(data, Dumper=DUMPER, default_flow_style=flow)
    result = parse_or_source_error(parse, Path("pnpm-lock.yaml"), text)
    if result is None:
        return
    assert_deduplicated(result)
    assert_every_source_has_a_line(result, refs_only=True, within=text)
