"""crates.io: crate documents mapped to PackageMetadata, and the client end to end."""

from __future__ import annotations

from typing import Any

import pytest

from phantom_guard.errors import BadResponse
from phantom_guard.model import PackageMetadata, Registry
from phantom_guard.registry.crates import CratesClient, parse_document
from tests.fakeregistry import CRATES, FIXTURES_DIR, FakeRegistry, documents
from tests.registry import assert_metadata, fetch, fixture, utc

# monthly_downloads = round(recent_downloads * 30 / 90): crates.io counts the last 90 days.
EXPECTED: dict[str, dict[str, Any]] = {
    "serde": {
        "name": "serde",
        "latest_version": "1.0.229",
        "release_count": 13,
        "created": utc(2014, 12, 5, 20, 20, 39, 487502),
        "latest_release": utc(2026, 7, 20, 12, 34, 56, 402215),
        "repository": "https://github.com/serde-rs/serde",
        "homepage": "https://serde.rs",
        "maintainers": ("dtolnay",),
        "summary": "A generic serialization/deserialization framework",
        "monthly_downloads": round(97_311_284 * 30 / 90),
        "all_yanked": False,
    },
    "tokio": {
        "name": "tokio",
        "latest_version": "1.51.0",
        "release_count": 12,
        "created": utc(2016, 7, 1, 17, 23, 49, 301217),
        "latest_release": utc(2026, 10, 29, 15, 17, 2, 503117),
        "repository": "https://github.com/tokio-rs/tokio",
        "homepage": "https://tokio.rs",
        "maintainers": ("Darksonn",),
        "monthly_downloads": round(71_004_918 * 30 / 90),
        "all_yanked": False,
    },
    "fresh-crate": {
        "name": "fresh-crate",
        "latest_version": "0.1.0",
        "release_count": 1,
        "created": utc(2026, 11, 20, 2, 18, 44, 770351),
        "latest_release": utc(2026, 11, 20, 2, 18, 44, 770351),
        "repository": None,
        "homepage": None,
        "maintainers": ("rs-newacct-77",),
        "summary": None,
        "monthly_downloads": 3,  # 9 in 90 days
        "all_yanked": False,
    },
    "yanked-crate": {
        "name": "yanked-crate",
        "release_count": 3,
        "created": utc(2022, 4, 2, 8, 0, 12, 100200),
        "latest_release": utc(2023, 1, 15, 17, 45, 1, 300400),
        "repository": "https://github.com/janedoe/yanked-crate",
        "maintainers": ("janedoe",),
        "summary": "Bindings that are no longer maintained",
        "monthly_downloads": 8,  # round(23 * 30 / 90)
        "all_yanked": True,
    },
}


def test_every_fixture_has_expectations() -> None:
    assert {p.stem for p in (FIXTURES_DIR / "crates").glob("*.json")} == set(EXPECTED)


@pytest.mark.parametrize("stem", sorted(EXPECTED))
def test_parse_fixture(stem: str) -> None:
    meta = parse_document(stem, fixture("crates", stem))
    assert_metadata(meta, Registry.CRATES, EXPECTED[stem])
    assert meta.deprecated is None
    assert meta.security_holding is False
    assert meta.unpublished is False


def test_crate_created_at_is_the_creation_date() -> None:
    releases = [("0.1.0", utc(2020, 1, 1)), ("0.2.0", utc(2021, 6, 1))]
    meta = parse_document("c", documents.crates_document("c", releases))
    assert meta.created == utc(2020, 1, 1)
    assert meta.latest_release == utc(2021, 6, 1)
    assert meta.latest_version == "0.2.0"


def test_prerelease_only_crate_falls_back_to_max_version() -> None:
    meta = parse_document(
        "pre", documents.crates_document("pre", [("0.1.0-alpha.1", utc(2025, 1, 1))])
    )
    assert meta.latest_version == "0.1.0-alpha.1"


def test_homepage_on_a_code_host_stands_for_the_repository() -> None:
    doc = documents.crates_document(
        "h", [("1.0.0", utc(2020, 1, 1))], repository=None, homepage="https://github.com/acme/h"
    )
    assert parse_document("h", doc).repository == "https://github.com/acme/h"
    doc = documents.crates_document(
        "h", [("1.0.0", utc(2020, 1, 1))], repository=None, homepage="https://h.example"
    )
    assert parse_document("h", doc).repository is None


def test_partially_yanked_is_not_all_yanked() -> None:
    releases = [("1.0.0", utc(2020, 1, 1)), ("1.0.1", utc(2020, 2, 1))]
    doc = documents.crates_document("y", releases, yanked_versions=["1.0.1"])
    meta = parse_document("y", doc)
    assert meta.all_yanked is False
    assert meta.latest_version == "1.0.0"


def test_without_versions_list_release_count_is_unknown() -> None:
    doc = documents.crates_document("nv", [("1.0.0", utc(2020, 1, 1))])
    del doc["versions"]
    meta = parse_document("nv", doc)
    assert meta.release_count is None
    assert meta.maintainers is None
    assert meta.created == utc(2020, 1, 1)  # from the crate object


def test_missing_fields_are_unknown() -> None:
    meta = parse_document("bare", {"crate": {"name": "bare"}})
    assert meta.name == "bare"
    assert meta.latest_version is None
    assert meta.created is None
    assert meta.release_count is None
    assert meta.monthly_downloads is None
    assert meta.summary is None
    assert meta.all_yanked is False


def test_odd_values_are_tolerated() -> None:
    doc = {
        "crate": {"name": "odd", "recent_downloads": -1, "description": 5},
        "versions": ["x", {"yanked": True, "created_at": "not a date"}],
    }
    meta = parse_document("odd", doc)
    assert meta.monthly_downloads is None
    assert meta.summary is None
    assert meta.release_count == 1
    assert meta.all_yanked is True
    assert meta.created is None


@pytest.mark.parametrize(
    "document",
    [
        [1, 2, 3],
        "text",
        None,
        {},
        {"crate": None},
        {"crate": [1]},
        {"crate": "serde"},
        {"crate": {}},  # names no crate
        {"crate": {"name": 5}},
        {"crate": {"name": "serde"}, "versions": 7},
        {"crate": {"name": "serde"}, "versions": {"1.0.0": {}}},
    ],
)
def test_wrong_shapes_are_bad_responses(document: Any) -> None:
    with pytest.raises(BadResponse):
        parse_document("serde", document)


# ---------------------------------------------------------------------------- client, end to end


def _fetch(registry: FakeRegistry, name: str) -> PackageMetadata | None:
    return fetch(lambda http: CratesClient(http, registry.crates_url), name)


def test_fetch_found(fake_registry: FakeRegistry) -> None:
    meta = _fetch(fake_registry, "serde")
    assert meta == parse_document("serde", fixture("crates", "serde"))
    assert [r.path for r in fake_registry.requests] == ["/crates/api/v1/crates/serde"]


@pytest.mark.parametrize("spelling", ["Fresh_Crate", "FRESH-CRATE", "fresh_crate"])
def test_fetch_folds_case_and_underscores(fake_registry: FakeRegistry, spelling: str) -> None:
    meta = _fetch(fake_registry, spelling)
    assert meta is not None
    assert meta.name == "fresh-crate"
    assert fake_registry.requests[-1].path == "/crates/api/v1/crates/fresh-crate"


def test_fetch_missing_is_none(fake_registry: FakeRegistry) -> None:
    assert _fetch(fake_registry, "serde_jsn") is None
    assert fake_registry.request_count(CRATES) == 1


def test_all_yanked_has_no_latest_version() -> None:
    """crates.io reports max_version "0.0.0" when nothing is installable: that is no release."""
    releases = [("1.0.0", utc(2020, 1, 1)), ("1.0.1", utc(2020, 2, 1))]
    doc = documents.crates_document("y", releases, yanked_versions=["1.0.0", "1.0.1"])
    assert doc["crate"]["max_version"] == "0.0.0"
    meta = parse_document("y", doc)
    assert meta.all_yanked is True
    assert meta.latest_version is None
