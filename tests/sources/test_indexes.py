"""sources/indexes.py on its own: public-index matching, the pip config chain, .npmrc values,
and the triage of refs, with a made-up HOME and system folder per test.
"""

from __future__ import annotations

import os
import sys
from pathlib import Path

import pytest
from hypothesis import given
from hypothesis import strategies as st

from phantom_guard.model import PackageRef, Registry, Source
from phantom_guard.sources import IndexOption
from phantom_guard.sources.indexes import (
    Environment,
    IndexPolicy,
    _parts,
    _plain_parts,
    _under,
    host_of,
    load,
    note_requirements_options,
    public_bases,
)

PUBLIC = public_bases(
    "http://127.0.0.1:9/pypi", "http://127.0.0.1:9/npm", "http://127.0.0.1:9/api/v1"
)


def _env(tmp_path: Path, **variables: str) -> Environment:
    return Environment(variables, tmp_path / "home", etc=tmp_path / "etc")


def _write(path: Path, text: str) -> Path:
    path.parent.mkdir(parents=True, exist_ok=True)
    path.write_text(text, encoding="utf-8")
    return path


def test_host_of() -> None:
    assert host_of("sparse+https://Crates.ACME.internal/index/") == "crates.acme.internal"
    assert host_of("https://user:secret@pypi.acme.internal:8443/simple") == (
        "pypi.acme.internal:8443"
    )
    assert host_of("file:///opt/wheels") == "file:/opt/wheels"


def test_the_settings_registry_host_is_public() -> None:
    policy = IndexPolicy(public=PUBLIC)
    assert policy.is_public("http://127.0.0.1:9/simple/", Registry.PYPI)
    assert not policy.is_public("https://pypi.acme.internal/simple", Registry.PYPI)


# URLs near the public bases: other case, credentials, ports, queries, prefixes, look-alikes.
_NEAR = st.builds(
    "".join,
    st.lists(
        st.sampled_from(
            [
                "http://127.0.0.1:9",
                "HTTP://127.0.0.1:9",
                "https://",
                "sparse+",
                " ",
                "u@",
                "/",
                "/simple",
                "/SIMPLE",
                "?q",
                "#f",
                "\t",
                ".evil",
                ":8080",
                "x",
                "github.com/rust-lang/crates.io-index",
            ]
        ),
        max_size=6,
    ),
)


@given(_NEAR)
def test_is_public_agrees_with_parsing_every_url(url: str) -> None:
    """The prefix shortcut answers exactly what comparing parsed URLs answers."""
    policy = IndexPolicy(public=PUBLIC)
    for registry, bases in PUBLIC.items():
        parsed = _parts(url)
        expected = any(_under(parsed, _parts(base)) for base in bases)
        assert policy.is_public(url, registry) is expected
        assert policy.is_public("http://127.0.0.1:9" + url, registry) is any(
            _under(_parts("http://127.0.0.1:9" + url), _parts(base)) for base in bases
        )


def test_pip_chain_later_files_and_variables_win(tmp_path: Path) -> None:
    env = _env(tmp_path)
    _write(env.etc / "pip.conf", "[global]\nindex-url = https://pypi.one.internal/simple\n")
    _write(env.home / ".config/pip/pip.conf", "[install]\nindex-url = https://pypi.two.internal/\n")
    policy = load([], env, public=PUBLIC)
    assert policy.primary[Registry.PYPI].host == "pypi.two.internal"
    policy = load([], _env(tmp_path, PIP_INDEX_URL="https://pypi.three.internal/"), public=PUBLIC)
    assert policy.primary[Registry.PYPI].origin == "PIP_INDEX_URL"
    devnull = _env(tmp_path, PIP_CONFIG_FILE=os.devnull)
    assert Registry.PYPI not in load([], devnull, public=PUBLIC).primary


def test_pip_extra_index_beside_the_public_one_is_exposed(tmp_path: Path) -> None:
    env = _env(tmp_path, PIP_EXTRA_INDEX_URL="https://pypi.acme.internal/simple")
    policy = load([], env, public=PUBLIC)
    index = policy.hosts["pypi.acme.internal"]
    assert index.exposure is not None and "--extra-index-url" in index.exposure
    ref = PackageRef(
        "acme-lib", Registry.PYPI, Source("uv.lock", 3), index="https://pypi.acme.internal/simple"
    )
    triage = policy.triage([ref])
    assert [e.ref.name for e in triage.exposed] == ["acme-lib"]
    assert triage.check == [] and triage.foreign == []


def test_npmrc_expands_variables_and_reads_scopes(tmp_path: Path) -> None:
    project = tmp_path / "web"
    package = _write(project / "package.json", "{}")
    _write(project / ".npmrc", "@acme:registry=${ACME_REGISTRY}\n; comment\n")
    env = _env(tmp_path, ACME_REGISTRY="https://npm.acme.internal/")
    policy = load([package], env, public=PUBLIC)
    assert policy.scopes["@acme"].host == "npm.acme.internal"
    triage = policy.triage(
        [
            PackageRef("@ACME/x", Registry.NPM, Source("package.json", 2)),
            PackageRef("y", Registry.NPM),
        ]
    )
    assert [s.reason for s in triage.skipped] == [
        f"private: @ACME -> npm.acme.internal (.npmrc {os.path.relpath(project / '.npmrc')})"
    ]
    assert [r.name for r in triage.check] == ["y"]


def test_requirements_index_options_apply_to_their_file(tmp_path: Path) -> None:
    policy = load([], _env(tmp_path), public=PUBLIC)
    option = IndexOption("index-url", "https://pypi.acme.internal/", Source("a.txt", 1))
    note_requirements_options(policy, [option])
    in_a = PackageRef("x", Registry.PYPI, Source("a.txt", 2))
    in_b = PackageRef("z", Registry.PYPI, Source("b.txt", 1))
    triage = policy.triage([in_a, in_b], {"a.txt": (option,)})
    assert [r.name for r, _ in triage.local_only] == ["x"]
    assert [r.name for r in triage.check] == ["z"]


def test_lock_entry_from_an_unnamed_host_is_foreign(tmp_path: Path) -> None:
    policy = load([], _env(tmp_path), public=PUBLIC)
    ref = PackageRef("x", Registry.CRATES, index="registry+https://git.evil.test/index")
    public_ref = PackageRef("y", Registry.CRATES, index="sparse+http://127.0.0.1:9/index/")
    triage = policy.triage([ref, public_ref])
    assert [(f.ref.name, f.host) for f in triage.foreign] == [("x", "git.evil.test")]
    assert [r.name for r in triage.check] == ["y"]


def _urlsplit_parts(url: str) -> tuple[str, str, str]:
    """What `_parts` answered before it split plain URLs itself: urlsplit's."""
    from urllib.parse import urlsplit

    url = url.strip()
    for prefix in ("registry+", "sparse+"):
        url = url.removeprefix(prefix)
    split = urlsplit(url)
    return split.scheme.lower(), split.netloc.rpartition("@")[2].lower(), split.path.rstrip("/")


# Pieces of index URLs, and of URLs crafted to be read differently by a hand-made splitter:
# credentials, escapes, backslashes, IPv6 brackets, controls, non-ASCII look-alikes, odd schemes.
_URL_PIECES = st.sampled_from(
    [
        "https://",
        "http://",
        "file://",
        "HTTPS://",
        "https:",
        "https:/",
        "ftp://",
        "git+https://",
        "sparse+",
        "registry+",
        "npm.acme.internal",
        "PyPI.Example.Test",
        ":8443",
        "/",
        "//",
        "/simple/",
        "?q=1",
        "#frag",
        "@",
        "user:pw@",
        "%2F",
        "%40",
        "\\",
        "[::1]",
        "[",
        "]",
        " ",
        "\t",
        "\n",
        "\r",
        "\x00",
        "\x7f",
        "\u00e9",
        "\uff0f",
        "\u2100",
        ".",
        "..",
        ";",
        "x",
    ]
)
_URLS = st.one_of(
    st.builds("".join, st.lists(_URL_PIECES, max_size=8)),
    st.text(max_size=30),
    st.builds(
        lambda host, rest: f"https://{host}{rest}", st.text(max_size=12), st.text(max_size=12)
    ),
)


@given(_URLS)
def test_parts_is_urlsplit(url: str) -> None:
    """The hand-made split of plain URLs answers exactly what urlsplit answers: whether a lock
    entry's URL is on the public index rests on it.
    """
    try:
        expected: tuple[str, str, str] | type[ValueError] = _urlsplit_parts(url)
    except ValueError:  # urlsplit refuses some netlocs (unbalanced brackets, NFKC tricks)
        expected = ValueError
    try:
        found: tuple[str, str, str] | type[ValueError] = _parts(url)
    except ValueError:
        found = ValueError
    assert found == expected


def test_plain_urls_are_split_without_urllib() -> None:
    """The URLs of public indexes and lock entries, and file: indexes, never reach urlsplit;
    anything unusual does.
    """
    for url in (
        "https://npm.acme.internal/left-pad/-/left-pad-1.3.0.tgz",
        "http://127.0.0.1:9/simple/",
        "sparse+https://crates.acme.internal/index/",
        "file:///opt/wheels/simple",
        "https://PyPI.Example.Test:8443/a?b#c",
    ):
        assert _plain_parts(url.removeprefix("sparse+")) == _urlsplit_parts(url)
    for url in (
        "https://user:pw@npm.acme.internal/",
        "https://npm.acme.internal%2F@evil.test/",
        "https://npm.acme.internal\\@evil.test/",
        "https://[::1]/",
        "HTTPS://npm.acme.internal/",
        "https://npm.acme.internal/\u00e9",
        "https://npm.acme.internal/a b",
        "git+https://npm.acme.internal/",
    ):
        assert _plain_parts(url) is None


def test_a_symlink_loop_among_the_files_is_no_crash(tmp_path: Path) -> None:
    """Its read fails as a per-file error; the configuration of its folder is still read (it
    once raised RuntimeError from pathlib's resolve()).
    """
    loop = tmp_path / "web" / "package-lock.json"
    loop.parent.mkdir()
    loop.symlink_to(loop.name)
    _write(loop.parent / ".npmrc", "registry=https://npm.acme.internal/\n")
    policy = load([loop], _env(tmp_path), public=PUBLIC)
    assert policy.primary[Registry.NPM].host == "npm.acme.internal"


def test_a_pip_conf_is_parsed_once_then_remembered(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    """A warm run takes pip.conf's values from the memo, without configparser; an edited file
    (or one the memo lacks) is parsed again, by configparser as pip parses it.
    """
    env = _env(tmp_path)
    conf = _write(
        env.etc / "pip.conf",
        "[DEFAULT]\nextra-index-url = https://pypi.extra.internal/simple\n"
        "[install]\nindex-url = https://pypi.one.internal/simple\nno-index = off\n",
    )
    broken = _write(env.home / ".pip" / "pip.conf", "index-url = no section header\n")
    first = load([], env, public=PUBLIC)
    monkeypatch.setitem(sys.modules, "configparser", None)  # importing it now fails
    again = load([], env, public=PUBLIC)
    for policy in (first, again):
        assert policy.primary[Registry.PYPI].host == "pypi.one.internal"
        assert policy.hosts["pypi.extra.internal"].origin == f"pip.conf {os.path.relpath(conf)}"
        assert policy.read == [str(conf), str(broken)]
    conf.write_text("[global]\nindex-url = https://pypi.two.internal/\n", encoding="utf-8")
    with pytest.raises(ImportError):
        load([], env, public=PUBLIC)
    monkeypatch.delitem(sys.modules, "configparser")
    assert load([], env, public=PUBLIC).primary[Registry.PYPI].host == "pypi.two.internal"


# The regular expression .npmrc lines were read with before `npmrc_setting`.
_NPMRC_LINE = r"^\s*([^=;#\s][^=]*?)\s*=\s*(.*?)\s*$"


@given(st.text(alphabet=" \t\u3000\x0b\x1fa=;#@:/._\"'${}é", max_size=24))
def test_an_npmrc_line_reads_as_the_regular_expression_read_it(text: str) -> None:
    import re

    from phantom_guard.sources.indexes import npmrc_setting

    for line in text.splitlines() or [text]:
        match = re.match(_NPMRC_LINE, line)
        expected = (match.group(1), match.group(2)) if match else None
        assert npmrc_setting(line) == expected, repr(line)


@pytest.mark.parametrize(
    ("line", "expected"),
    [
        ("registry=https://npm.acme.internal/", ("registry", "https://npm.acme.internal/")),
        (
            "  @acme:registry = https://npm.acme.internal/  ",
            ("@acme:registry", "https://npm.acme.internal/"),
        ),
        ("; registry=https://npm.acme.internal/", None),
        ("# registry=x", None),
        ("=x", None),
        ("no equals sign", None),
        ("key=", ("key", "")),
        ("a;b = c=d", ("a;b", "c=d")),
    ],
)
def test_npmrc_lines(line: str, expected: tuple[str, str] | None) -> None:
    from phantom_guard.sources.indexes import npmrc_setting

    assert npmrc_setting(line) == expected
