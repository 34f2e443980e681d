"""SemVer precedence and the npm / Cargo range grammars, as tables."""

from __future__ import annotations

import pytest

from phantom_guard.feed.semver import cargo_requirement_admits, npm_range_admits, parse


@pytest.mark.parametrize(
    "ordered",
    [
        # SemVer §11's own example, then numeric (not text) comparison.
        [
            "1.0.0-alpha",
            "1.0.0-alpha.1",
            "1.0.0-alpha.beta",
            "1.0.0-beta",
            "1.0.0-beta.2",
            "1.0.0-beta.11",
            "1.0.0-rc.1",
            "1.0.0",
        ],
        ["1.9.0", "1.10.0", "1.11.0", "2.0.0"],
        ["0.0.9", "0.1.0", "0.10.0", "10.0.0"],
    ],
)
def test_precedence(ordered: list[str]) -> None:
    versions = [parse(v) for v in ordered]
    assert all(v is not None for v in versions)
    assert versions == sorted(versions)  # type: ignore[type-var]
    assert len(set(versions)) == len(versions)


def test_build_metadata_is_ignored_and_prefixes_allowed() -> None:
    assert parse("1.2.3+build.5") == parse("1.2.3") == parse("v1.2.3") == parse("=1.2.3")


@pytest.mark.parametrize("text", ["", "1", "1.2", "01.2.3", "1.2.3.4", "latest", "1.2.3-"])
def test_not_versions(text: str) -> None:
    assert parse(text) is None


@pytest.mark.parametrize(
    ("spec", "version", "admits"),
    [
        ("^5.6.0", "5.6.1", True),
        ("^5.6.0", "6.0.0", False),
        ("^5.6.0", "5.5.9", False),
        ("^0.2.3", "0.2.9", True),
        ("^0.2.3", "0.3.0", False),
        ("^0.0.3", "0.0.4", False),
        ("~1.2.3", "1.2.9", True),
        ("~1.2.3", "1.3.0", False),
        ("~1", "1.9.9", True),
        ("1.x", "1.4.0", True),
        ("1.2.*", "1.3.0", False),
        ("*", "9.9.9", True),
        ("", "0.0.1", True),
        ("1.2.3", "1.2.3", True),
        ("=1.2.3", "1.2.4", False),
        (">=1.0.0 <2", "1.9.0", True),
        (">=1.0.0 <2", "2.0.0", False),
        (">= 1.0.0", "1.0.0", True),
        ("1.0.0 - 1.2", "1.2.9", True),
        ("1.0.0 - 1.2", "1.3.0", False),
        ("<1.2", "1.1.9", True),
        ("<1.2", "1.2.0", False),
        (">1.2", "1.2.9", False),
        (">1.2", "1.3.0", True),
        ("<=1.2", "1.2.7", True),
        ("1.x || >=3", "2.0.0", False),
        ("1.x || >=3", "3.1.0", True),
        # node-semver: a pre-release only satisfies ranges naming one of the same release line.
        ("^1.0.0", "1.2.0-beta.1", False),
        (">=1.2.0-beta.0 <2", "1.2.0-beta.1", True),
    ],
)
def test_npm_ranges(spec: str, version: str, admits: bool) -> None:
    parsed = parse(version)
    assert parsed is not None
    assert npm_range_admits(spec, parsed) is admits


@pytest.mark.parametrize("spec", ["latest", "next", "github:user/repo"])
def test_npm_specs_that_are_not_ranges(spec: str) -> None:
    parsed = parse("1.0.0")
    assert parsed is not None
    assert npm_range_admits(spec, parsed) is None


@pytest.mark.parametrize(
    ("spec", "version", "admits"),
    [
        ("1.2.3", "1.9.0", True),  # a bare version is a caret requirement
        ("1.2.3", "2.0.0", False),
        ("=1.2.3", "1.2.4", False),
        (">=1.2, <1.5", "1.4.9", True),
        (">=1.2, <1.5", "1.5.0", False),
        ("~1.2", "1.2.7", True),
        ("*", "0.1.0", True),
        ("0.1", "0.1.9", True),
        ("0.1", "0.2.0", False),
    ],
)
def test_cargo_requirements(spec: str, version: str, admits: bool) -> None:
    parsed = parse(version)
    assert parsed is not None
    assert cargo_requirement_admits(spec, parsed) is admits
