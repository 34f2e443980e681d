"""PyPI: JSON API documents mapped to PackageMetadata, and the client against the fake registry."""

from __future__ import annotations

from typing import Any

import pytest

from phantom_guard.errors import BadResponse
from phantom_guard.model import PackageMetadata, Registry
from phantom_guard.registry.pypi import PyPIClient, parse_document
from tests.fakeregistry import FIXTURES_DIR, PYPI, FakeRegistry, documents
from tests.registry import assert_metadata, fetch, fixture, utc

EXPECTED: dict[str, dict[str, Any]] = {
    "flask": {
        "name": "Flask",
        "latest_version": "3.1.2",
        "release_count": 14,
        "created": utc(2010, 4, 16, 12, 0, 2),
        "latest_release": utc(2025, 8, 19, 21, 3, 19, 628472),
        "repository": "https://github.com/pallets/flask/",
        "homepage": None,
        "maintainers": ("Pallets <contact@palletsprojects.com>",),
        "summary": "A simple framework for building complex web applications.",
        "all_yanked": False,
    },
    "requests": {
        "name": "requests",
        "latest_version": "2.32.5",
        "release_count": 27,
        "created": utc(2011, 2, 14, 0, 49, 52, 453432),
        "latest_release": utc(2025, 8, 18, 20, 46, 0, 542304),
        "repository": "https://github.com/psf/requests",
        "homepage": "https://requests.readthedocs.io",
        "maintainers": ("Kenneth Reitz", "me@kennethreitz.org"),
        "summary": "Python HTTP for Humans.",
        "all_yanked": False,  # one yanked release (2.32.0) among many
    },
    "all-yanked": {
        "name": "all-yanked",
        "latest_version": "0.3.0",
        "release_count": 3,
        "created": utc(2023, 2, 3, 11, 22, 33, 123456),
        "latest_release": utc(2023, 5, 6, 13, 24, 35, 345678),
        "repository": "https://github.com/amoreau/all-yanked",
        "maintainers": ("Alex Moreau", "alex.moreau@example.org"),
        "summary": "Utilities that turned out to be broken.",
        "all_yanked": True,
    },
    "fresh-placeholder": {
        "name": "fresh-placeholder",
        "latest_version": "0.0.0",
        "release_count": 1,
        "created": utc(2026, 11, 19, 3, 12, 9, 417220),
        "latest_release": utc(2026, 11, 19, 3, 12, 9, 417220),
        "repository": None,
        "maintainers": (),
        "summary": None,
        "all_yanked": False,
    },
    "missing-fields": {
        "name": "missing-fields",
        "latest_version": "1.0",
        "release_count": 1,
        # only the naive "upload_time" is present: read as UTC
        "created": utc(2014, 8, 21, 7, 45, 10),
        "latest_release": utc(2014, 8, 21, 7, 45, 10),
        "repository": None,
        "homepage": None,
        "maintainers": (),
        "summary": None,
        "all_yanked": False,
    },
    "no-files": {
        "name": "no-files",
        "latest_version": "0.1.0",
        "release_count": 0,  # a version whose files were all deleted is no release
        "created": None,
        "latest_release": None,
        "release_times": (),
        "repository": None,
        "maintainers": ("Sam Lee", "sam@example.org"),
        "summary": "Every uploaded file was deleted.",
        "all_yanked": False,
    },
    "no-releases": {
        "name": "no-releases",
        "latest_version": "0.1.0",
        "release_count": 0,
        "created": None,
        "latest_release": None,
        "release_times": (),
        "repository": None,
        "summary": "Reserved.",
        "all_yanked": False,
    },
    "tiny-old-lib": {
        "name": "tiny-old-lib",
        "latest_version": "1.0.0",
        "release_count": 3,
        "created": utc(2016, 3, 2, 9, 14, 27, 118204),
        "latest_release": utc(2019, 2, 11, 21, 5, 44, 902117),
        "repository": None,
        "maintainers": ("Marta Kowalska", "marta.kowalska@example.org"),
        "summary": "Parse and format ISO week dates.",
        "all_yanked": False,
    },
}


def test_every_fixture_has_expectations() -> None:
    assert {p.stem for p in (FIXTURES_DIR / "pypi").glob("*.json")} == set(EXPECTED)


@pytest.mark.parametrize("stem", sorted(EXPECTED))
def test_parse_fixture(stem: str) -> None:
    meta = parse_document(stem, fixture("pypi", stem))
    assert_metadata(meta, Registry.PYPI, EXPECTED[stem])
    # PyPI never reports downloads, deprecation, takedowns or unpublishing in this API.
    assert meta.monthly_downloads is None
    assert meta.deprecated is None
    assert meta.security_holding is False
    assert meta.unpublished is False
    if meta.release_times:
        assert meta.created == meta.release_times[0]
        assert meta.latest_release == meta.release_times[-1]


def test_release_time_is_the_first_upload_of_a_version() -> None:
    doc = documents.pypi_document("two-files", [("1.0", utc(2020, 1, 1))])
    meta = parse_document("two-files", doc)
    # the sdist is uploaded 2 seconds after the wheel: the release counts from the first file
    assert meta.release_times == (utc(2020, 1, 1),)


def test_partially_yanked_is_not_all_yanked() -> None:
    doc = documents.pypi_document(
        "half", [("1.0", utc(2020, 1, 1)), ("1.1", utc(2020, 2, 1))], yanked_versions=["1.1"]
    )
    assert parse_document("half", doc).all_yanked is False


def test_repository_from_project_urls_label_then_code_host() -> None:
    labelled = documents.pypi_document(
        "labelled",
        project_urls={"Docs": "https://docs.example", "Source": "https://code.example/x"},
    )
    assert parse_document("labelled", labelled).repository == "https://code.example/x"
    hosted = documents.pypi_document(
        "hosted",
        project_urls={"Homepage": "https://gitlab.com/acme/hosted"},
        home_page="https://hosted.example",
    )
    assert parse_document("hosted", hosted).repository == "https://gitlab.com/acme/hosted"
    homepage_only = documents.pypi_document("homepage", home_page="https://github.com/acme/hp")
    assert parse_document("homepage", homepage_only).repository == "https://github.com/acme/hp"
    nowhere = documents.pypi_document("nowhere", home_page="https://nowhere.example")
    assert parse_document("nowhere", nowhere).repository is None


def test_unknown_people_are_dropped() -> None:
    doc = documents.pypi_document("anon", author="UNKNOWN", author_email="None")
    assert parse_document("anon", doc).maintainers == ()


def test_blank_summary_is_no_summary() -> None:
    doc = documents.pypi_document("blank", summary="   ")
    assert parse_document("blank", doc).summary is None


def test_odd_shapes_inside_a_valid_document_are_ignored() -> None:
    doc: dict[str, Any] = {
        "info": {"name": "Odd", "version": ["1"], "summary": {"x": 1}, "project_urls": "nope"},
        "releases": {"1.0": "not a list", "1.1": [None, "x"], "1.2": []},
    }
    meta = parse_document("odd", doc)
    assert meta.name == "Odd"
    assert meta.latest_version is None
    assert meta.summary is None
    assert meta.repository is None
    assert meta.release_count == 1  # "1.1" has entries, though without times
    assert meta.created is None
    assert meta.all_yanked is False


@pytest.mark.parametrize(
    "document",
    [
        [1, 2, 3],
        "text",
        None,
        42,
        {},
        {"info": None},
        {"info": "flask"},
        {"info": [1]},
        {"info": {}},  # no project name: not a project document
        {"info": {"name": 42}},
        {"info": {"name": "flask"}, "releases": [1]},
    ],
)
def test_wrong_shapes_are_bad_responses(document: Any) -> None:
    with pytest.raises(BadResponse):
        parse_document("flask", document)


# ---------------------------------------------------------------------------- client, end to end


def _fetch(registry: FakeRegistry, name: str) -> PackageMetadata | None:
    return fetch(lambda http: PyPIClient(http, registry.pypi_url), name)


def test_fetch_found(fake_registry: FakeRegistry) -> None:
    meta = _fetch(fake_registry, "requests")
    assert meta == parse_document("requests", fixture("pypi", "requests"))
    assert [r.path for r in fake_registry.requests] == ["/pypi/requests/json"]


def test_fetch_normalized_spelling(fake_registry: FakeRegistry) -> None:
    meta = _fetch(fake_registry, "Tiny_Old.Lib")
    assert meta is not None
    assert meta.name == "tiny-old-lib"
    assert fake_registry.requests[0].path == "/pypi/tiny-old-lib/json"


def test_fetch_missing_is_none(fake_registry: FakeRegistry) -> None:
    assert _fetch(fake_registry, "flask-gpt-helper") is None
    assert fake_registry.request_count(PYPI) == 1  # a 404 is an answer, not retried


def test_fetch_added_document(fake_registry: FakeRegistry) -> None:
    fake_registry.add_pypi("brand-new", documents.pypi_document("brand-new", summary=None))
    meta = _fetch(fake_registry, "brand-new")
    assert meta is not None
    assert meta.release_count == 2
    assert meta.summary is None
