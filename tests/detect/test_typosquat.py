"""Typosquats: tables of real near-miss pairs, and names that must not match."""

from __future__ import annotations

import pytest

from phantom_guard.detect.name_signals import NameAnalyzer
from phantom_guard.detect.popular import popular_list
from phantom_guard.detect.typosquat import describe_edit, typosquat_index
from phantom_guard.model import Registry, SignalKind
from phantom_guard.names import normalize

PYPI, NPM, CRATES = Registry.PYPI, Registry.NPM, Registry.CRATES
ANALYZER = NameAnalyzer()

# (registry, name as typed, the popular package it imitates)
SQUATS = [
    (PYPI, "reqeusts", "requests"),  # swapped letters
    (PYPI, "requsts", "requests"),  # dropped letter
    (PYPI, "dateutil-python", "python-dateutil"),  # word order
    (PYPI, "c1ick", "click"),  # confusable character
    (PYPI, "pyspaark", "pyspark"),  # doubled letter
    (PYPI, "scikit-learm", "scikit-learn"),  # keyboard neighbour
    (PYPI, "djnago", "django"),
    (PYPI, "python-requests", "requests"),  # added affix
    (NPM, "expres", "express"),  # dropped double letter
    (NPM, "lodahs", "lodash"),
    (NPM, "reacts", "react"),
    (NPM, "types-node", "@types/node"),  # scope dropped
    (CRATES, "serde-jsn", "serde-json"),  # the crate serde_json; '-' and '_' are one crate
    (CRATES, "serde_jsn", "serde-json"),
    (CRATES, "serdejson", "serde-json"),
    (CRATES, "toklo", "tokio"),
]


def test_the_targets_are_on_the_popular_lists() -> None:
    for registry, _, target in SQUATS:
        assert target in popular_list(registry), target
    assert "serde-json" in popular_list(CRATES)  # listed as serde_json


@pytest.mark.parametrize(("registry", "name", "target"), SQUATS)
def test_real_typosquats_are_found(registry: Registry, name: str, target: str) -> None:
    findings = ANALYZER.analyze(normalize(name, registry), registry)
    assert not findings.popular
    squats = [s for s in findings.signals if s.kind is SignalKind.TYPOSQUAT]
    assert len(squats) == 1
    assert squats[0].evidence["target"] == target
    assert squats[0].weight > 0
    assert findings.suggestion == target


@pytest.mark.parametrize(
    ("name", "technique"),
    [
        ("reqeusts", "swapped letters"),
        ("dateutil-python", "word order"),
        ("pyspaark", "doubled letter"),
        ("requsts", "dropped letter"),
    ],
)
def test_the_technique_is_named(name: str, technique: str) -> None:
    findings = ANALYZER.analyze(normalize(name, PYPI), PYPI)
    assert findings.signals[0].evidence["technique"] == technique


@pytest.mark.parametrize(
    ("registry", "name"),
    [
        (PYPI, "requests"),
        (PYPI, "Requests"),
        (PYPI, "numpy"),
        (PYPI, "NumPy"),
        (PYPI, "python_dateutil"),  # another spelling of the popular name itself
        (PYPI, "Scikit_Learn"),
        (NPM, "express"),
        (NPM, "@types/node"),
        (CRATES, "serde_json"),
        (CRATES, "Serde-JSON"),
        (CRATES, "tokio"),
    ],
)
def test_popular_names_in_any_spelling_are_popular_not_squats(
    registry: Registry, name: str
) -> None:
    findings = ANALYZER.analyze(normalize(name, registry), registry)
    assert findings.popular
    assert [s.kind for s in findings.signals] == [SignalKind.POPULAR_PACKAGE]
    assert findings.suggestion is None


@pytest.mark.parametrize(
    ("registry", "name"),
    [
        (PYPI, "nmp"),  # very short: one edit from too many names
        (PYPI, "abc"),
        (PYPI, "xq"),
        (PYPI, "zebrafish-tools-xyz"),
        (PYPI, "my-unique-project-name"),
        (PYPI, "quantum-lattice-simulator"),
        (NPM, "zebrafish-tools-xyz"),
        (CRATES, "zebrafish-tools-xyz"),
    ],
)
def test_unrelated_and_short_names_are_not_squats(registry: Registry, name: str) -> None:
    findings = ANALYZER.analyze(normalize(name, registry), registry)
    assert not findings.popular
    assert SignalKind.TYPOSQUAT not in {s.kind for s in findings.signals}


def test_index_matches_directly() -> None:
    index = typosquat_index(PYPI)
    match = index.match("reqeusts")
    assert match is not None
    assert (match.target, match.distance) == ("requests", 1)
    assert match.target_rank == popular_list(PYPI).rank("requests")
    assert index.match("requests") is None
    assert index.match("zebrafish-tools-xyz") is None


def test_closer_to_a_top_package_is_stronger() -> None:
    top = ANALYZER.analyze(normalize("reqeusts", PYPI), PYPI).signals[0]
    assert top.evidence["target_rank"] <= 1000
    assert top.weight == max(
        s.weight
        for name in ("reqeusts", "pyspaark", "djnago")
        for s in ANALYZER.analyze(normalize(name, PYPI), PYPI).signals
    )


@pytest.mark.parametrize(
    ("name", "target", "technique"),
    [
        ("reqeusts", "requests", "swapped letters"),
        ("requsts", "requests", "dropped letter"),
        ("requestss", "requests", "doubled letter"),
        ("requestsx", "requests", "added letter"),
        ("expres", "express", "dropped double letter"),
        ("requesrs", "requests", "keyboard neighbour"),
        ("c1ick", "click", "confusable character"),
        ("requepts", "requests", "substituted letter"),
        ("python_dateutil", "python-dateutil", "separator"),
        ("boto4", "boto3", "changed digit"),
        ("request", "requests", "plural or singular"),
        ("requestses", "requestse", "plural or singular"),
    ],
)
def test_describe_edit(name: str, target: str, technique: str) -> None:
    assert describe_edit(name, target) == technique


def test_the_written_out_spelling_keys_equal_their_tables() -> None:
    """`_squash` and `_skeleton_of_squashed` are chains of replacements for speed; they equal
    the separator pattern and the confusables table applied as one translation."""
    import random
    import re

    from phantom_guard.detect.typosquat import _CONFUSABLES, _skeleton_of_squashed, _squash

    singles = str.maketrans({a: b for a, b in _CONFUSABLES if len(a) == 1})
    pairs = [(a, b) for a, b in _CONFUSABLES if len(a) == 2]
    rng = random.Random(18)
    for _ in range(3000):
        text = "".join(rng.choice("rnvwcldoil013547ts-_.@/ab") for _ in range(rng.randrange(12)))
        assert _squash(text) == re.sub(r"[-_.@/]+", "", text)
        squashed = _squash(text)
        expected = squashed
        for pair, single in pairs:
            expected = expected.replace(pair, single)
        assert _skeleton_of_squashed(squashed) == expected.translate(singles)
