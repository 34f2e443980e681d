"""names.py: each registry's validity rules, normalization, Package URLs, hostile input."""

from __future__ import annotations

import unicodedata

import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

from phantom_guard import names as names_module
from phantom_guard.errors import InputError, InvalidPackageName, UnknownRegistry
from phantom_guard.model import Registry
from phantom_guard.names import (
    NormalizedName,
    normalize,
    parse_purl,
    parse_registry,
    to_purl,
    validate,
)

PYPI, NPM, CRATES = Registry.PYPI, Registry.NPM, Registry.CRATES

# ------------------------------------------------------------------------------------ validity

# PEP 508: "A name ... MUST start and end with a letter or digit", inner '-', '_', '.'.
PYPI_VALID = [
    "requests",
    "Flask",
    "a",
    "7",
    "A1",
    "zope.interface",
    "python-dateutil",
    "my_pkg",
    "backports.zoneinfo",
    "Foo.Bar_baz",
    "x" * 200,
]
PYPI_INVALID = [
    "",
    "-leading-dash",
    "trailing-dash-",
    ".dotted",
    "dotted.",
    "_under",
    "under_",
    "with space",
    "bang!",
    "slash/name",
    "@scope/name",
    "caf\u00e9",
    "name==1.0",
    "name[extra]",
]

NPM_VALID = [
    "express",
    "left-pad",
    "lodash.merge",
    "under_score",
    "@types/node",
    "@babel/core",
    "@scope/name.with.dots",
    "JSONStream",  # legacy mixed-case names still install
    "Base64",
    "a",
    "a" * 214,
]
NPM_INVALID = [
    "",
    ".hidden",
    "_private",
    "@scope/.hidden",
    "@scope/_private",
    "@.scope/name",
    "with space",
    "@scope/with space",
    "a" * 215,
    "@scope/" + "a" * 208,  # 215 characters in all
    "node_modules",
    "favicon.ico",
    "@scope",
    "@scope/",
    "@/name",
    "caf\u00e9",
    "a/b",
    "name:colon",
]

CRATES_VALID = ["serde", "serde_json", "tokio-util", "A", "Inflector", "a" * 64, "x86_64"]
CRATES_INVALID = [
    "",
    "1password",
    "9",
    "_leading",
    "-leading",
    "a" * 65,
    "dotted.name",
    "with space",
    "caf\u00e9",
    "plus+sign",
]


@pytest.mark.parametrize(
    ("registry", "name"),
    [(PYPI, n) for n in PYPI_VALID]
    + [(NPM, n) for n in NPM_VALID]
    + [(CRATES, n) for n in CRATES_VALID],
)
def test_valid_names(registry: Registry, name: str) -> None:
    validate(name, registry)
    assert normalize(name, registry)


@pytest.mark.parametrize(
    ("registry", "name"),
    [(PYPI, n) for n in PYPI_INVALID]
    + [(NPM, n) for n in NPM_INVALID]
    + [(CRATES, n) for n in CRATES_INVALID],
)
def test_invalid_names(registry: Registry, name: str) -> None:
    with pytest.raises(InvalidPackageName) as caught:
        normalize(name, registry)
    assert isinstance(caught.value, InputError)
    assert isinstance(caught.value, ValueError)
    assert caught.value.registry == registry


def test_npm_length_limit_counts_the_scope() -> None:
    validate("@scope/" + "a" * 207, NPM)  # exactly 214
    with pytest.raises(InvalidPackageName, match="214"):
        validate("@scope/" + "a" * 208, NPM)


# ------------------------------------------------------------------------------- normalization


@pytest.mark.parametrize(
    ("name", "expected"),
    [
        ("Foo.Bar_baz", "foo-bar-baz"),
        ("requests", "requests"),
        ("Flask", "flask"),
        ("Django", "django"),
        ("zope.interface", "zope-interface"),
        ("Foo__Bar", "foo-bar"),
        ("a-_.-b", "a-b"),
        ("PyYAML", "pyyaml"),
        ("python_dateutil", "python-dateutil"),
    ],
)
def test_pypi_normalization_is_pep503(name: str, expected: str) -> None:
    assert normalize(name, PYPI) == expected


@pytest.mark.parametrize(
    "name",
    ["JSONStream", "left_pad", "left-pad", "left.pad", "@types/node", "@Scope/Name", "Base64"],
)
def test_npm_normalization_keeps_the_name(name: str) -> None:
    assert normalize(name, NPM) == name


def test_npm_keeps_separators_and_case_distinct() -> None:
    spellings = ["left-pad", "left_pad", "left.pad", "Left-Pad"]
    assert len({normalize(s, NPM) for s in spellings}) == len(spellings)


@pytest.mark.parametrize(
    ("name", "expected"),
    [
        ("serde", "serde"),
        ("serde_json", "serde-json"),
        ("Serde_JSON", "serde-json"),
        ("tokio-util", "tokio-util"),
        ("Inflector", "inflector"),
    ],
)
def test_crates_normalization_folds_case_and_underscore(name: str, expected: str) -> None:
    assert normalize(name, CRATES) == expected


def test_crates_spellings_are_one_crate() -> None:
    assert normalize("serde_json", CRATES) == normalize("Serde-Json", CRATES)


@pytest.mark.parametrize(
    ("text", "expected"),
    [
        ("pypi", PYPI),
        ("PyPI", PYPI),
        (" npm ", NPM),
        ("crates", CRATES),
        ("cargo", CRATES),
    ],
)
def test_parse_registry(text: str, expected: Registry) -> None:
    assert parse_registry(text) is expected


@pytest.mark.parametrize("text", ["foo", "gem", "", "rubygems"])
def test_parse_registry_unknown(text: str) -> None:
    with pytest.raises(UnknownRegistry):
        parse_registry(text)


# ----------------------------------------------------------------------------------------- purl


@pytest.mark.parametrize(
    ("purl", "expected"),
    [
        ("pkg:pypi/flask", (PYPI, "flask")),
        ("pkg:pypi/Flask@3.1.2", (PYPI, "Flask")),
        ("pkg:npm/%40types/node", (NPM, "@types/node")),
        ("pkg:npm/@types/node", (NPM, "@types/node")),
        ("pkg:npm/types/node", (NPM, "@types/node")),  # purl namespaces carry no '@'
        ("pkg:npm/left-pad@1.3.0", (NPM, "left-pad")),
        ("pkg:npm/%40babel/core@7.24.0?arch=x64", (NPM, "@babel/core")),
        ("pkg:cargo/serde?x=y#sub", (CRATES, "serde")),
        ("pkg:cargo/serde_json@1.0.0", (CRATES, "serde_json")),
        ("pkg:PYPI/requests", (PYPI, "requests")),
    ],
)
def test_parse_purl(purl: str, expected: tuple[Registry, str]) -> None:
    assert parse_purl(purl) == expected


@pytest.mark.parametrize("purl", ["pkg:gem/rails", "pkg:maven/org.apache/commons", "pkg:foo/x"])
def test_parse_purl_unknown_type(purl: str) -> None:
    with pytest.raises(UnknownRegistry):
        parse_purl(purl)


@pytest.mark.parametrize(
    "purl", ["pkg:pypi", "pkg:pypi/", "pkg:npm/", "pkg:cargo/?x=y", "pkg:pypi/@1.0"]
)
def test_parse_purl_missing_name(purl: str) -> None:
    with pytest.raises(InvalidPackageName):
        parse_purl(purl)


@pytest.mark.parametrize(
    "purl",
    [
        "flask",  # not a purl at all
        "pkg:pypi/a/b",  # PyPI has no namespaces
        "pkg:pypi/with%20space",
        "pkg:cargo/1password",
    ],
)
def test_parse_purl_invalid(purl: str) -> None:
    with pytest.raises(InvalidPackageName):
        parse_purl(purl)


@pytest.mark.parametrize(
    ("registry", "name", "purl"),
    [
        (PYPI, "Foo.Bar_baz", "pkg:pypi/foo-bar-baz"),
        (NPM, "@types/node", "pkg:npm/%40types/node"),
        (NPM, "left-pad", "pkg:npm/left-pad"),
        (CRATES, "Serde_JSON", "pkg:cargo/serde-json"),
    ],
)
def test_to_purl(registry: Registry, name: str, purl: str) -> None:
    assert to_purl(registry, normalize(name, registry)) == purl


@pytest.mark.parametrize(
    ("registry", "name"),
    [
        (PYPI, "requests"),
        (PYPI, "zope.interface"),
        (NPM, "@types/node"),
        (NPM, "JSONStream"),
        (NPM, "lodash.merge"),
        (NPM, "@scope/name~tilde"),
        (CRATES, "serde_json"),
    ],
)
def test_to_purl_round_trip(registry: Registry, name: str) -> None:
    normalized = normalize(name, registry)
    parsed_registry, parsed_name = parse_purl(to_purl(registry, normalized))
    assert parsed_registry is registry
    assert normalize(parsed_name, parsed_registry) == normalized


# ------------------------------------------------------------------------------- hostile input

HOSTILE = [
    "flask\x1b[31m",
    "\x1b]0;pwned\x07evil",
    "evil\u202etxt.exe",
    "foo\nbar",
    "foo\r\nbar",
    "tab\tname",
    "nul\x00byte",
    "del\x7f",
    "zero\u200bwidth",
    "\ufeffbom",
]


def _has_control(text: str) -> bool:
    return any(unicodedata.category(c) in ("Cc", "Cf") for c in text)


@pytest.mark.parametrize("registry", list(Registry))
@pytest.mark.parametrize("name", HOSTILE)
def test_control_characters_are_rejected_safely(registry: Registry, name: str) -> None:
    with pytest.raises(InvalidPackageName) as caught:
        normalize(name, registry)
    assert not _has_control(str(caught.value))
    assert not _has_control(caught.value.name)


@pytest.mark.parametrize(
    "purl", ["pkg:pypi/foo%0Abar", "pkg:npm/%1B%5B31mred", "pkg:cargo/evil%E2%80%AEx"]
)
def test_control_characters_in_purls_are_rejected_safely(purl: str) -> None:
    with pytest.raises(InvalidPackageName) as caught:
        parse_purl(purl)
    assert not _has_control(str(caught.value))


def test_hostile_purl_prefix_is_escaped() -> None:
    with pytest.raises(InvalidPackageName) as caught:
        parse_purl("not-a-purl\x1b[2J")
    assert "\x1b" not in str(caught.value)


# ---------------------------------------------------------------------------------- properties

_NAMEISH = st.from_regex(r"@?[A-Za-z0-9][A-Za-z0-9._~/-]{0,40}", fullmatch=True)


@settings(max_examples=500, database=None, deadline=None)
@given(text=st.one_of(st.text(max_size=80), _NAMEISH), registry=st.sampled_from(list(Registry)))
def test_normalize_returns_or_raises_invalid_name(text: str, registry: Registry) -> None:
    try:
        result = normalize(text, registry)
    except InvalidPackageName as exc:
        assert not _has_control(str(exc))
        return
    assert isinstance(result, str)
    assert result


@settings(max_examples=300, database=None, deadline=None)
@given(text=_NAMEISH, registry=st.sampled_from(list(Registry)))
def test_normalization_is_idempotent(text: str, registry: Registry) -> None:
    try:
        once = normalize(text, registry)
    except InvalidPackageName:
        return
    assert normalize(once, registry) == once
    assert normalize(NormalizedName(once), registry) == once


PATH_LIKE = [
    "..",
    "../../etc/passwd",
    "/etc/passwd",
    "a/../b",
    "@x/../y",
    "@../x",
    "@scope/..",
    "%2e%2e%2f",
    "a\\b",
    "C:\\x",
    "~/x",
    "x/y",
    "file:x",
]


@pytest.mark.parametrize("registry", [PYPI, NPM, CRATES])
@pytest.mark.parametrize("name", PATH_LIKE)
def test_path_like_names_are_invalid_on_every_registry(name: str, registry: Registry) -> None:
    """Such a name is never normalized, so it never becomes part of a URL or a cache key."""
    with pytest.raises(InvalidPackageName):
        normalize(name, registry)


_PEP508_TEXT = st.from_regex(r"[A-Za-z0-9](?:[A-Za-z0-9._-]{0,30}[A-Za-z0-9])?", fullmatch=True)


@given(_PEP508_TEXT)
def test_pypi_normalize_agrees_with_packaging_canonicalize_name(name: str) -> None:
    # PEP 503 is one re.sub; names.py writes it with str methods; packaging's is the reference.
    from packaging.utils import canonicalize_name

    assert normalize(name, Registry.PYPI) == canonicalize_name(name)


@given(st.text(alphabet="aB9-_.~!*'()", min_size=1, max_size=20))
def test_purl_quoting_agrees_with_urllib(part: str) -> None:
    from urllib.parse import quote

    from phantom_guard.names import _quote

    assert _quote(part) == quote(part, safe="")


# The registries' rules as regular expressions: the reference the str-method checks in names.py
# (written without `re`, which a warm answer must not import) must agree with.
_RULES = {
    Registry.PYPI: r"[A-Za-z0-9](?:[A-Za-z0-9._-]*[A-Za-z0-9])?",
    Registry.CRATES: r"[A-Za-z][A-Za-z0-9_-]{0,63}",
}
_NPM_PART = r"[A-Za-z0-9-._~!*'()]+"
_RULE_TEXT = st.text(alphabet="aZ09-_.~!*'()@/ \té", max_size=70)


def _valid(name: str, registry: Registry) -> bool:
    try:
        validate(name, registry)
    except InvalidPackageName:
        return False
    return True


@settings(max_examples=1500, database=None, deadline=None)
@given(text=st.one_of(_RULE_TEXT, _NAMEISH), registry=st.sampled_from([PYPI, CRATES]))
def test_name_rules_agree_with_their_regular_expressions(text: str, registry: Registry) -> None:
    import re

    expected = bool(text) and text.isascii() and re.fullmatch(_RULES[registry], text) is not None
    assert _valid(text, registry) is expected


@settings(max_examples=1500, database=None, deadline=None)
@given(text=st.one_of(_RULE_TEXT, _NAMEISH))
def test_npm_parts_agree_with_their_regular_expression(text: str) -> None:
    import re

    parts = text[1:].split("/", 1) if text.startswith("@") else [text]
    expected = (
        bool(text)
        and text.isascii()
        and len(text) <= 214
        and (not text.startswith("@") or (len(parts) == 2 and all(parts)))
        and all(re.fullmatch(_NPM_PART, p) and not p.startswith((".", "_")) for p in parts)
        and text.lower() not in ("node_modules", "favicon.ico")
    )
    assert _valid(text, NPM) is bool(expected)


@settings(max_examples=300)
@given(
    st.text(alphabet=st.sampled_from("abcXYZ019-._~!*'()@/ \t\u00e9\x00"), min_size=0, max_size=12)
    | st.sampled_from(["node_modules", "Favicon.ICO", "a" * 214, "a" * 215, "_x", ".x"])
)
def test_npm_one_pass_check_agrees_with_validate(name: str) -> None:
    """`normalize`'s one-pass check of an unscoped npm name accepts exactly what `validate`
    accepts (the cache of normalized names cleared, so each call checks).
    """
    names_module._NORMALIZED.clear()
    try:
        validate(name, Registry.NPM)
    except InvalidPackageName:
        with pytest.raises(InvalidPackageName):
            normalize(name, Registry.NPM)
    else:
        assert normalize(name, Registry.NPM) == name


@settings(max_examples=300, database=None, deadline=None)
@given(
    texts=st.lists(
        st.one_of(st.text(max_size=30), _NAMEISH, st.sampled_from(["_x", "Favicon.ico"]))
    ),
    registry=st.sampled_from(list(Registry)),
)
def test_normalizing_names_at_once_is_normalizing_each(
    texts: list[str], registry: Registry
) -> None:
    expected: list[str | None] = []
    for text in texts:
        try:
            expected.append(normalize(text, registry))
        except InputError:
            expected.append(None)
    assert names_module.normalize_each(texts, registry) == expected
