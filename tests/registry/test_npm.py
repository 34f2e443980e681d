"""npm: packuments mapped to PackageMetadata, and the client against the fake registry."""

from __future__ import annotations

from typing import Any

import pytest

from phantom_guard.errors import BadResponse
from phantom_guard.model import PackageMetadata, Registry
from phantom_guard.registry.npm import NpmClient, package_url, parse_document
from tests.fakeregistry import FIXTURES_DIR, NPM, NPM_DOWNLOADS, FakeRegistry, Fault, documents
from tests.registry import assert_metadata, fetch, fixture, utc

EXPECTED: dict[str, dict[str, Any]] = {
    "express": {
        "name": "express",
        "latest_version": "5.2.1",
        "release_count": 20,
        "created": utc(2010, 12, 29, 19, 38, 25, 450000),
        "latest_release": utc(2025, 12, 1, 20, 49, 43, 268000),
        "repository": "https://github.com/expressjs/express",
        "homepage": "https://expressjs.com/",
        "maintainers": ("wesleytodd", "jonchurch", "ctcpip", "sheplu"),
        "summary": "Fast, unopinionated, minimalist web framework",
        "deprecated": None,
        "security_holding": False,
        "unpublished": False,
    },
    "@types__node": {
        "name": "@types/node",
        "latest_version": "25.6.0",
        "release_count": 14,
        "created": utc(2016, 5, 17, 4, 51, 58, 613000),
        "latest_release": utc(2026, 11, 18, 22, 4, 43, 913000),
        "repository": "https://github.com/DefinitelyTyped/DefinitelyTyped",
        "maintainers": ("types",),
        "summary": "TypeScript definitions for node",
        "deprecated": None,
        "security_holding": False,
        "unpublished": False,
    },
    "left-pad": {
        "name": "left-pad",
        "latest_version": "1.3.0",
        "release_count": 12,
        "created": utc(2014, 3, 14, 4, 23, 0, 17000),
        "latest_release": utc(2018, 4, 9, 1, 33, 19, 217000),
        "repository": "https://github.com/stevemao/left-pad",
        "homepage": "https://github.com/stevemao/left-pad#readme",
        "maintainers": ("stevemao",),
        "summary": "String left pad",
        "deprecated": "use String.prototype.padStart()",
        "security_holding": False,
        "unpublished": False,
    },
    "fresh-npm-placeholder": {
        "name": "fresh-npm-placeholder",
        "latest_version": "1.0.0",
        "release_count": 1,
        "created": utc(2026, 11, 21, 6, 33, 11, 447000),
        "latest_release": utc(2026, 11, 21, 6, 33, 12, 447000),
        "repository": None,
        "homepage": None,
        "maintainers": ("fresh-acct-8841",),
        "summary": None,
        "deprecated": None,
        "security_holding": False,
        "unpublished": False,
    },
    "security-holder-pkg": {
        "name": "security-holder-pkg",
        "latest_version": "0.0.1-security",
        "release_count": 1,
        "repository": "https://github.com/npm/security-holder",
        "maintainers": ("npm",),
        "summary": "security holding package",
        "security_holding": True,
        "unpublished": False,
    },
    "unpublished-pkg": {
        "name": "unpublished-pkg",
        "latest_version": None,
        "release_count": 0,
        "created": utc(2026, 11, 10, 14, 2, 11, 581000),
        "latest_release": None,
        "release_times": (),
        "repository": None,
        "maintainers": None,  # the packument no longer says
        "summary": None,
        "security_holding": False,
        "unpublished": True,
    },
}


def test_every_fixture_has_expectations() -> None:
    stems = {p.stem for p in (FIXTURES_DIR / "npm").glob("*.json")} - {"_downloads"}
    assert stems == set(EXPECTED)


@pytest.mark.parametrize("stem", sorted(EXPECTED))
def test_parse_fixture(stem: str) -> None:
    meta = parse_document(stem.replace("__", "/"), fixture("npm", stem))
    assert_metadata(meta, Registry.NPM, EXPECTED[stem])
    assert meta.monthly_downloads is None  # only the downloads API says
    assert meta.all_yanked is False  # npm has no yanking


def test_downloads_are_passed_through() -> None:
    meta = parse_document("express", fixture("npm", "express"), downloads=1234)
    assert meta.monthly_downloads == 1234


def test_security_holding_built_document() -> None:
    doc = documents.npm_security_holding_document("evil-pkg")
    meta = parse_document("evil-pkg", doc)
    assert meta.security_holding is True
    assert meta.latest_version == "0.0.1-security"


def test_unpublished_built_document() -> None:
    doc = documents.npm_unpublished_document("gone-pkg", utc(2026, 1, 1), utc(2026, 1, 2))
    meta = parse_document("gone-pkg", doc)
    assert meta.unpublished is True
    assert meta.release_count == 0
    assert meta.created == utc(2026, 1, 1)


def test_deprecated_only_when_the_latest_version_is() -> None:
    releases = [("1.0.0", utc(2020, 1, 1)), ("2.0.0", utc(2021, 1, 1))]
    old_only = documents.npm_document("dep", releases, deprecated={"1.0.0": "use 2.x"})
    assert parse_document("dep", old_only).deprecated is None
    everywhere = documents.npm_document("dep", releases, deprecated="moved to @acme/dep")
    assert parse_document("dep", everywhere).deprecated == "moved to @acme/dep"


def test_repository_forms() -> None:
    releases = [("1.0.0", utc(2020, 1, 1))]
    as_object = documents.npm_document("r", releases, repository="https://github.com/acme/r")
    assert parse_document("r", as_object).repository == "https://github.com/acme/r"
    as_git = documents.npm_document(
        "r", releases, repository={"type": "git", "url": "git://github.com/acme/r.git"}
    )
    assert parse_document("r", as_git).repository == "https://github.com/acme/r"
    doc = documents.npm_document("r", releases, repository=None)
    doc["repository"] = "git+https://gitlab.com/acme/r.git"
    assert parse_document("r", doc).repository == "https://gitlab.com/acme/r"
    none = documents.npm_document("r", releases, repository=None)
    assert parse_document("r", none).repository is None


def test_maintainers_as_strings_and_garbage() -> None:
    doc = documents.npm_document("m", [("1.0.0", utc(2020, 1, 1))])
    doc["maintainers"] = ["alice <a@example.org>", {"name": "bob"}, {"email": "x"}, 7]
    assert parse_document("m", doc).maintainers == ("alice <a@example.org>", "bob")
    doc["maintainers"] = "not a list"
    assert parse_document("m", doc).maintainers == ()
    del doc["maintainers"]
    assert parse_document("m", doc).maintainers is None


def test_missing_fields_are_unknown() -> None:
    meta = parse_document("bare", {"name": "bare"})
    assert meta.name == "bare"
    assert meta.release_count == 0
    assert meta.created is None
    assert meta.latest_version is None
    assert meta.maintainers is None
    assert meta.summary is None
    assert meta.unpublished is False  # nothing says it was unpublished


def test_wrong_shapes_inside_are_tolerated() -> None:
    doc = {"name": "odd", "versions": [1, 2], "time": "yesterday", "dist-tags": ["latest"]}
    meta = parse_document("odd", doc)
    assert meta.release_count == 0
    assert meta.latest_version is None


@pytest.mark.parametrize(
    "document", [[1, 2, 3], "text", None, 42, True, {}, {"error": "Not found"}, {"name": 42}]
)
def test_wrong_shapes_are_bad_responses(document: Any) -> None:
    with pytest.raises(BadResponse):
        parse_document("express", document)


@pytest.mark.parametrize(
    ("name", "url"),
    [
        ("express", "http://r.example/express"),
        ("@types/node", "http://r.example/@types%2Fnode"),
        ("lodash.merge", "http://r.example/lodash.merge"),
    ],
)
def test_package_url(name: str, url: str) -> None:
    assert package_url("http://r.example", name) == url


# ---------------------------------------------------------------------------- client, end to end


def _fetch(registry: FakeRegistry, name: str) -> PackageMetadata | None:
    return fetch(lambda http: NpmClient(http, registry.npm_url, registry.npm_downloads_url), name)


def test_fetch_merges_downloads(fake_registry: FakeRegistry) -> None:
    meta = _fetch(fake_registry, "express")
    assert meta is not None
    assert meta.monthly_downloads == 186_452_031
    assert meta == parse_document("express", fixture("npm", "express"), downloads=186_452_031)
    assert fake_registry.request_count(NPM, "express") == 1
    assert fake_registry.request_count(NPM_DOWNLOADS, "express") == 1


def test_fetch_scoped_name_is_url_encoded(fake_registry: FakeRegistry) -> None:
    meta = _fetch(fake_registry, "@types/node")
    assert meta is not None
    assert meta.name == "@types/node"
    assert meta.monthly_downloads == 612_300_442
    packument = [r for r in fake_registry.requests if r.registry == NPM]
    assert [r.path for r in packument] == ["/npm/@types%2Fnode"]


def test_fetch_missing_is_none(fake_registry: FakeRegistry) -> None:
    assert _fetch(fake_registry, "no-such-npm-package-xyz") is None
    assert fake_registry.request_count(NPM) == 1


def test_fetch_is_case_sensitive(fake_registry: FakeRegistry) -> None:
    assert _fetch(fake_registry, "Express") is None


def test_failing_downloads_api_leaves_downloads_unknown(fake_registry: FakeRegistry) -> None:
    fake_registry.set_fault(Fault.STATUS, registry=NPM_DOWNLOADS, status=503)
    meta = _fetch(fake_registry, "express")
    assert meta is not None
    assert meta.name == "express"
    assert meta.monthly_downloads is None


def test_garbage_downloads_answer_is_unknown(fake_registry: FakeRegistry) -> None:
    fake_registry.set_fault(Fault.WRONG_SHAPE, registry=NPM_DOWNLOADS, body={"downloads": "many"})
    meta = _fetch(fake_registry, "left-pad")
    assert meta is not None
    assert meta.monthly_downloads is None


def test_failing_packument_is_an_error_even_if_downloads_work(
    fake_registry: FakeRegistry,
) -> None:
    fake_registry.set_fault(Fault.MALFORMED_JSON, registry=NPM)
    with pytest.raises(BadResponse):
        _fetch(fake_registry, "express")
