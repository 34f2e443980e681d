"""Hallucination patterns: name shapes LLMs invent, and names that must not match."""

from __future__ import annotations

import pytest

from phantom_guard.detect.name_signals import NameAnalyzer, NameFindings
from phantom_guard.detect.patterns import match_patterns, shipped_vocabulary, vocabulary
from phantom_guard.detect.popular import popular_list
from phantom_guard.model import Registry, SignalKind
from phantom_guard.names import normalize

PYPI, NPM = Registry.PYPI, Registry.NPM
K = SignalKind
NAME_KINDS = {K.HALLUCINATION_PATTERN, K.BRAND_NAMESPACE, K.TYPOSQUAT}
ANALYZER = NameAnalyzer()


def analyze(
    name: str, registry: Registry = PYPI, analyzer: NameAnalyzer = ANALYZER
) -> NameFindings:
    return analyzer.analyze(normalize(name, registry), registry)


def rules(name: str, registry: Registry = PYPI) -> set[str]:
    comparable = normalize(name, registry).lower()
    found = match_patterns(comparable, popular_list(registry), shipped_vocabulary())
    return {m.rule for m in found}


def test_popular_package_plus_generic_words() -> None:
    findings = analyze("flask-gpt-helper")
    assert K.HALLUCINATION_PATTERN in {s.kind for s in findings.signals}
    assert "popular package + generic words" in rules("flask-gpt-helper")
    assert findings.suggestion == "flask"


def test_popular_packages_glued_together() -> None:
    findings = analyze("fastapi-graphql-lightning")
    assert K.HALLUCINATION_PATTERN in {s.kind for s in findings.signals}
    assert "popular packages glued together" in rules("fastapi-graphql-lightning")
    assert findings.suggestion == "fastapi"


def test_brand_namespace() -> None:
    findings = analyze("openai-secrets-manager")
    brand = [s for s in findings.signals if s.kind is K.BRAND_NAMESPACE]
    assert len(brand) == 1
    assert "openai" in brand[0].message


def test_npm_scope_plus_generic_word() -> None:
    findings = analyze("@sinclair/typebox-plugin", NPM)
    kinds = {s.kind for s in findings.signals}
    assert K.HALLUCINATION_PATTERN in kinds
    assert findings.suggestion == "@sinclair/typebox"


def test_a_big_scope_is_a_naming_convention() -> None:
    # Only the scope's owner publishes under @sentry: one more word there is the owner's.
    assert not analyze("@sentry/react-darwin", NPM).signals
    # ... unless the name carries a word LLMs pad names with.
    assert "popular package + generic words" in {
        s.evidence.get("rule") for s in analyze("@sentry/react-ai-helper", NPM).signals
    }


@pytest.mark.parametrize(
    ("name", "registry"),
    [
        ("numpy", PYPI),
        ("flask", PYPI),
        ("openai", PYPI),  # a brand's own popular package
        ("@sentry/react", NPM),
        ("my-unique-project-name", PYPI),
        ("zebrafish-tools-xyz", PYPI),
        ("quantum-lattice-simulator", PYPI),
        ("flask-zebra", PYPI),  # a popular name and a word that is not generic
        ("aws", PYPI),  # one word: no compound
    ],
)
def test_negatives(name: str, registry: Registry) -> None:
    findings = analyze(name, registry)
    assert not {K.HALLUCINATION_PATTERN, K.BRAND_NAMESPACE} & {s.kind for s in findings.signals}


def test_extra_patterns_make_a_word_generic() -> None:
    assert not analyze("flask-zebra").signals
    custom = NameAnalyzer(extra_patterns=("Zebra ", ""))
    findings = analyze("flask-zebra", analyzer=custom)
    assert K.HALLUCINATION_PATTERN in {s.kind for s in findings.signals}
    assert findings.suggestion == "flask"


def test_vocabulary_merges_extra_words() -> None:
    shipped = shipped_vocabulary()
    merged = vocabulary((" Zebra", "  "))
    assert "zebra" in merged.generic_words
    assert "zebra" not in shipped.generic_words
    assert shipped.generic_words < merged.generic_words
    assert merged.brands == shipped.brands
    assert vocabulary(()) is shipped


def test_pattern_weights_are_positive_and_carry_the_rule() -> None:
    for name in ("flask-gpt-helper", "fastapi-graphql-lightning", "openai-secrets-manager"):
        for s in analyze(name).signals:
            assert s.kind in NAME_KINDS
            assert s.weight > 0
            if s.kind is not K.TYPOSQUAT:
                assert s.evidence["rule"]
