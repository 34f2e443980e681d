"""The name rules of issue 18, guarddog-style: tables of squat shapes aimed at real targets, each
beside a table of the same size of real legitimate packages (published, in the registry
snapshots) that must not fire."""

from __future__ import annotations

from datetime import UTC, datetime, timedelta

import pytest

from phantom_guard.detect.analysis import analyze as verdict
from phantom_guard.detect.name_signals import NameAnalyzer, NameFindings
from phantom_guard.model import PackageMetadata, Recommendation, Registry, SignalKind
from phantom_guard.names import normalize

PYPI, NPM = Registry.PYPI, Registry.NPM
NOW = datetime(2026, 1, 10, tzinfo=UTC)
K = SignalKind
ANALYZER = NameAnalyzer()


def analyze(name: str, registry: Registry) -> NameFindings:
    return ANALYZER.analyze(normalize(name, registry), registry)


def squat(name: str, registry: Registry) -> dict[str, object] | None:
    found = [s for s in analyze(name, registry).signals if s.kind is K.TYPOSQUAT]
    return dict(found[0].evidence) if found else None


def strong(findings: NameFindings) -> list[str]:
    """Name signals strong enough to count (a discounted English-word match does not)."""
    return [s.message for s in findings.signals if s.weight >= 0.1]


# -- two edits, long targets: a letter moved and one doubled, a spelling and a letter ---------
TWO_EDITS = [
    (PYPI, "matplotilbb", "matplotlib"),
    (PYPI, "reqeustss", "requests"),
    (PYPI, "colouramma", "colorama"),
    (NPM, "typescirptt", "typescript"),
    (NPM, "nodemaielr", "nodemailer"),
    (PYPI, "setuptoolz", "setuptools"),
]
# Real PyPI projects two edits from a top-1,000 name, not typing slips (a new syllable).
TWO_EDITS_LEGIT = ["jpysocket", "hgfinance", "entrypointer", "tensorfox", "pymoments", "selenious"]


@pytest.mark.parametrize(("registry", "name", "target"), TWO_EDITS)
def test_two_edit_squats(registry: Registry, name: str, target: str) -> None:
    evidence = squat(name, registry)
    assert evidence is not None and evidence["target"] == target
    assert evidence["edits"] in (1, 2)


@pytest.mark.parametrize("name", TWO_EDITS_LEGIT)
def test_two_edit_legit_names_do_not_fire(name: str) -> None:
    assert squat(name, PYPI) is None


# Real PyPI projects (package snapshot, unranked) that are a top-1,000 name with two letters of
# their own before or after it, or one less its first two: an affix, not two slips. The same
# number of two-edit squats above still fire.
TWO_LETTER_AFFIX = [
    "gcwebsockets",
    "argparsemd",
    "nosqlalchemy",
    "mudatasets",
    "cycloudpickle",
    "codestyle",
]


@pytest.mark.parametrize("name", TWO_LETTER_AFFIX)
def test_two_letters_glued_to_one_end_are_no_typo(name: str) -> None:
    assert squat(name, PYPI) is None


# -- a popular name + attack word or version -------------------------------------------------
ATTACK = [
    (PYPI, "requests-install", "requests", "added 'install'"),
    (PYPI, "pandas-installer", "pandas", "added 'installer'"),
    (PYPI, "numpy-latest", "numpy", "added 'latest'"),
    (NPM, "axios-loader", "axios", "added 'loader'"),
    (NPM, "react-dom-18", "react-dom", "added '18'"),
    (NPM, "lodash-1.45", "lodash", "added '1.45'"),
]
# Real packages that extend a popular one with an ordinary word or a version of their own.
ATTACK_LEGIT = [
    (NPM, "react-18-image-lightbox"),
    (NPM, "chalk-animation"),
    (NPM, "react-icons-kit"),
    (NPM, "jsonwebtoken-promisified"),
    (PYPI, "seaborn-image"),
    (PYPI, "black-macchiato"),
]


@pytest.mark.parametrize(("registry", "name", "target", "technique"), ATTACK)
def test_attack_words_and_versions(
    registry: Registry, name: str, target: str, technique: str
) -> None:
    evidence = squat(name, registry)
    assert evidence is not None
    assert (evidence["target"], evidence["technique"]) == (target, technique)


@pytest.mark.parametrize(("registry", "name"), ATTACK_LEGIT)
def test_ordinary_extensions_do_not_fire(registry: Registry, name: str) -> None:
    assert not analyze(name, registry).signals


# -- mistyped first word of a compound --------------------------------------------------------
FIRST_WORD = [
    (NPM, "expresss-cli", "express"),
    (NPM, "webpakc-cli", "webpack"),
    (NPM, "lodahs-utils", "lodash"),
    (PYPI, "djangoo-rest", "django"),
    (PYPI, "flaks-login-helper", "flask"),
    (PYPI, "pandsa-tools", "pandas"),
]
FIRST_WORD_LEGIT = [
    (PYPI, "uninstaller"),
    (PYPI, "iocparser"),
    (PYPI, "linkpython"),
    (PYPI, "calclopts"),
    (PYPI, "urequest"),
    (PYPI, "fastconf"),
]


@pytest.mark.parametrize(("registry", "name", "target"), FIRST_WORD)
def test_mistyped_first_word(registry: Registry, name: str, target: str) -> None:
    evidence = squat(name, registry)
    assert evidence is not None and evidence["target"] == target


@pytest.mark.parametrize(("registry", "name"), FIRST_WORD_LEGIT)
def test_names_near_a_popular_word_do_not_fire(registry: Registry, name: str) -> None:
    assert squat(name, registry) is None


# -- English words one edit from a popular name ---------------------------------------------
# Beyond the top 1,000: the word explains the name; discounted, never the slopsquat shape.
ENGLISH = [
    (NPM, "archive"),  # archiver
    (NPM, "binding"),  # bindings
    (NPM, "promises"),  # promise
    (PYPI, "diagram"),  # diagrams
    (PYPI, "culture"),  # vulture
    (PYPI, "article"),  # particle
]
# A typing slip of a top-1,000 name that is also a word: the target's installs outweigh the word.
ENGLISH_TOP = [
    (NPM, "reach", "react"),
    (NPM, "method", "methods"),
    (NPM, "pirate", "pirates"),
    (PYPI, "flak", "flask"),
    (PYPI, "jumpy", "numpy"),
    (PYPI, "hatching", "hatchling"),
]
NOT_ENGLISH = [
    (NPM, "reacct", "react"),
    (NPM, "methdos", "methods"),
    (NPM, "redentt", "redent"),
    (PYPI, "fakerr", "faker"),
    (PYPI, "wraptt", "wrapt"),
    (PYPI, "responsess", "responses"),
]


def _fresh(name: str, registry: Registry) -> PackageMetadata:
    return PackageMetadata(
        name=name,
        registry=registry,
        created=NOW - timedelta(days=2),
        release_count=1,
        maintainers=("someone",),
        summary="Helpers for reading and writing configuration files.",
    )


@pytest.mark.parametrize(("registry", "name"), ENGLISH)
def test_an_english_word_is_discounted(registry: Registry, name: str) -> None:
    findings = analyze(name, registry)
    assert findings.signals and not strong(findings)
    assert "itself an English word" in findings.signals[0].message
    assert findings.signals[0].evidence["target_rank"] > 1000  # type: ignore[operator]
    assert verdict(_fresh(name, registry), findings.signals, NOW)[0] is not Recommendation.HIGH_RISK


@pytest.mark.parametrize(("registry", "name", "target"), ENGLISH_TOP)
def test_an_english_word_slip_of_a_top_name_counts(
    registry: Registry, name: str, target: str
) -> None:
    findings = analyze(name, registry)
    evidence = squat(name, registry)
    assert evidence is not None and evidence["target"] == target
    assert evidence["english_word"] is True and strong(findings)
    assert "English word, but the target is a top package" in findings.signals[0].message
    assert verdict(_fresh(name, registry), findings.signals, NOW)[0] is Recommendation.HIGH_RISK


@pytest.mark.parametrize(("registry", "name", "target"), NOT_ENGLISH)
def test_the_same_targets_mistyped_are_not_discounted(
    registry: Registry, name: str, target: str
) -> None:
    evidence = squat(name, registry)
    assert evidence is not None and evidence["target"] == target
    assert evidence["english_word"] is False


# -- naming conventions: a compound inside one is ordinary -----------------------------------
CONVENTION = [
    (NPM, "eslint-config-acme"),
    (NPM, "gulp-acme-tasks"),
    (NPM, "@types/acme-widgets"),
    (NPM, "babel-plugin-transform-acme"),
    (PYPI, "odoo14-addon-sale-report"),
    (PYPI, "flask-settings"),
]
OUTSIDE_CONVENTION = [
    (NPM, "zephyr-gpt-helper-kit"),
    (NPM, "quartz-ai-wrapper-utils"),
    (PYPI, "zephyr-llm-toolkit-client"),
    (PYPI, "flask-gpt-helper"),
    (NPM, "@sentry/react-ai-helper"),
    (PYPI, "django-magic-ai-utils"),
]


@pytest.mark.parametrize(("registry", "name"), CONVENTION)
def test_a_naming_convention_is_not_a_hallucination_shape(registry: Registry, name: str) -> None:
    assert not analyze(name, registry).signals


@pytest.mark.parametrize(("registry", "name"), OUTSIDE_CONVENTION)
def test_hallucination_prone_words_still_fire(registry: Registry, name: str) -> None:
    kinds = {s.kind for s in analyze(name, registry).signals}
    assert K.HALLUCINATION_PATTERN in kinds


# -- plugin hosts: in the biggest families only a hallucination-prone word tells ---------------
GENERIC_RULE = "popular package + generic words"
# Unpublished: a prone word inside a host's family, and a stack of stock words in a family
# that is not a host (fastapi).
HOST_PROMPTED = [
    (PYPI, "django-gpt-cache-helper"),
    (PYPI, "pytest-llm-fixture-utils"),
    (PYPI, "flask-ai-session-manager"),
    (NPM, "react-ai-hooks-helper"),
    (NPM, "eslint-config-gpt-rules-kit"),
    (PYPI, "fastapi-cache-helper-utils"),
]
# Published members of django-*, flask-*, pytest-*, react-*, eslint-config-* with two words
# after the family's own, each a stack of stock words.
HOST_MEMBERS = [
    (PYPI, "django-cognito-jwt"),
    (PYPI, "flask-prometheus-metrics"),
    (PYPI, "pytest-typing-runner"),
    (NPM, "react-hooks-sse"),
    (NPM, "react-preview-file"),
    (NPM, "eslint-config-adidas-react"),
]


@pytest.mark.parametrize(("registry", "name"), HOST_PROMPTED)
def test_a_prone_word_in_a_host_or_a_stack_elsewhere_fires(registry: Registry, name: str) -> None:
    assert GENERIC_RULE in {s.evidence.get("rule") for s in analyze(name, registry).signals}


@pytest.mark.parametrize(("registry", "name"), HOST_MEMBERS)
def test_a_stack_of_stock_words_in_a_plugin_host_is_a_member(registry: Registry, name: str) -> None:
    assert not strong(analyze(name, registry))


# -- a brand word followed by a product or feature names what the package works with ---------
# Published: a brand word, then mostly words of the brand's products or the package's feature.
BRAND_PRODUCT = [
    (PYPI, "google-ngram-downloader"),
    (PYPI, "aws-ecr-cleanup"),
    (PYPI, "openai-otel"),
    (NPM, "aws-svg-icons"),
    (NPM, "stripe-pwa-elements"),
    (NPM, "azure-gallery"),
]
# Unpublished: a brand word, then stock words, as an SDK of the brand's would be named.
BRAND_STOCK = [
    (PYPI, "openai-helper-utils"),
    (PYPI, "google-ai-sdk"),
    (PYPI, "gemini-sdk-helper"),
    (NPM, "github-api-toolkit"),
    (NPM, "slack-sdk-helper"),
    (NPM, "openai-agent-utils"),
]


@pytest.mark.parametrize(("registry", "name"), BRAND_PRODUCT)
def test_a_brand_word_before_a_product_is_not_brand_namespace(
    registry: Registry, name: str
) -> None:
    assert K.BRAND_NAMESPACE not in {s.kind for s in analyze(name, registry).signals}


@pytest.mark.parametrize(("registry", "name"), BRAND_STOCK)
def test_a_brand_word_before_stock_words_is(registry: Registry, name: str) -> None:
    assert K.BRAND_NAMESPACE in {s.kind for s in analyze(name, registry).signals}


# -- a language word first is an affix: the compound is the rest --------------------------------
COMPOUND_RULE = "compound of stock words"
# Published: a language word, then two words.
LANGUAGE_FIRST = [
    (PYPI, "python-markdown-generator"),
    (PYPI, "python-serverless-runner"),
    (PYPI, "python-table-converter"),
    (NPM, "node-sass-utils"),
    (NPM, "node-http-error"),
    (NPM, "node-xml-stream"),
]
# Unpublished: a language word, then a compound of three stock or coined words.
LANGUAGE_COMPOUND = [
    (PYPI, "python-graphql-stardb-helper"),
    (PYPI, "python-telemetry-wavesocket-client"),
    (PYPI, "python-graphql-redisgraph-client"),
    (NPM, "node-graphql-stardb-helper"),
    (NPM, "js-llm-cache-toolkit"),
    (NPM, "node-agentic-stream-utils"),
]


@pytest.mark.parametrize(("registry", "name"), LANGUAGE_FIRST)
def test_a_language_word_and_two_words_is_no_compound(registry: Registry, name: str) -> None:
    assert COMPOUND_RULE not in {s.evidence.get("rule") for s in analyze(name, registry).signals}


@pytest.mark.parametrize(("registry", "name"), LANGUAGE_COMPOUND)
def test_a_language_word_and_a_compound_is_one(registry: Registry, name: str) -> None:
    assert COMPOUND_RULE in {s.evidence.get("rule") for s in analyze(name, registry).signals}


# -- a made-up word: stock words glued, not a proper name ----------------------------------------
# Published: the only word no list knows is a person's, a product's or a tool's own name.
PROPER_NAME_COMPOUND = [
    (PYPI, "datetime-utils-sribandi"),
    (PYPI, "xml-generator-seobaeksol"),
    (PYPI, "api-helper-saurabh"),
    (NPM, "pinia-plugin-unistorage"),
    (NPM, "less-plugin-remcalc"),
    (NPM, "danger-plugin-todos"),
]
# Unpublished: stock words glued into one ("graph" + "stream", "cache" + "graph"), or a brand.
GLUED_WORD_COMPOUND = [
    (PYPI, "uvicorn-telemetry-graphstream"),
    (PYPI, "starlette-proxy-cachegraph"),
    (PYPI, "httpx-metrics-streamsocket"),
    (NPM, "ws-claude-loader-kit"),
    (NPM, "undici-proxy-cachegraph"),
    (NPM, "undici-telemetry-graphstream"),
]


@pytest.mark.parametrize(("registry", "name"), PROPER_NAME_COMPOUND)
def test_a_proper_name_is_not_a_made_up_word(registry: Registry, name: str) -> None:
    assert COMPOUND_RULE not in {s.evidence.get("rule") for s in analyze(name, registry).signals}


@pytest.mark.parametrize(("registry", "name"), GLUED_WORD_COMPOUND)
def test_stock_words_glued_into_one_are(registry: Registry, name: str) -> None:
    assert strong(analyze(name, registry))


# -- product lines: two words many published names share ------------------------------------
# Published members of two-word prefixes that 150+ PyPI / 60+ npm names share, whose first
# word is no listed package (an organization's line, a framework's plugins).
PRODUCT_LINE_MEMBERS = [
    (PYPI, "aliyun-python-sdk-config"),
    (PYPI, "wix-protos-prime-example-hello-prime"),
    (PYPI, "cdk-cloudformation-datadog-dashboards-dashboard"),
    (PYPI, "odoo11-addon-base-location-geonames-import"),
    (PYPI, "certora-cli-alpha-uri-eradicate-certora-dir"),
    (NPM, "node-red-contrib-simple-message-queue"),
]
# Unpublished: the same first words outside the line, padded with stock words.
OUTSIDE_PRODUCT_LINE = [
    (PYPI, "wix-graphql-stardb-client"),
    (PYPI, "aliyun-llm-api-helper"),
    (PYPI, "cdk-graphql-redisgraph-utils"),
    (PYPI, "nonebot-ai-chat-helper"),
    (NPM, "node-gpt-api-wrapper"),
    (NPM, "node-graphql-stardb-client"),
]


@pytest.mark.parametrize(("registry", "name"), PRODUCT_LINE_MEMBERS)
def test_a_product_line_member_is_not_a_compound(registry: Registry, name: str) -> None:
    assert not strong(analyze(name, registry))


@pytest.mark.parametrize(("registry", "name"), OUTSIDE_PRODUCT_LINE)
def test_the_same_first_word_outside_its_line_still_fires(registry: Registry, name: str) -> None:
    assert strong(analyze(name, registry))


# -- a top package of the other registry --------------------------------------------------------
OTHER = [
    (NPM, "pygsheets"),
    (NPM, "sentry-sdk"),
    (NPM, "sqlalchemy"),
    (NPM, "ruamel.yaml"),  # PyPI's ruamel-yaml: one project under PEP 503
    (PYPI, "chownr"),
    (PYPI, "lodash"),
    (PYPI, "p-cancelable"),
    (PYPI, "lodash.merge"),
]
OTHER_LEGIT = [
    (PYPI, "commander"),  # an English word, published in both
    (PYPI, "clsx"),  # too short to tell
    (NPM, "JSONStream"),
    (NPM, "redux-devtools"),
    (PYPI, "seaborn-image"),
    (PYPI, "black-macchiato"),
    # Published names spelled with other separators than a top package of the other registry
    # (npm's geojson-vt, PyPI's configobj): names of their own, not the other one copied.
    (PYPI, "geojsonvt"),
    (NPM, "config-obj"),
]
# An npm scope is its owner's: the vendor's own package for the same service as its PyPI one.
OTHER_SCOPED = ["@google-cloud/dataform", "@langchain/protocol"]


@pytest.mark.parametrize(("registry", "name"), OTHER)
def test_a_name_from_the_other_ecosystem(registry: Registry, name: str) -> None:
    rules = {s.evidence.get("rule") for s in analyze(name, registry).signals}
    assert "name from another ecosystem" in rules


@pytest.mark.parametrize(("registry", "name"), OTHER_LEGIT)
def test_names_of_both_ecosystems_do_not_fire(registry: Registry, name: str) -> None:
    rules = {s.evidence.get("rule") for s in analyze(name, registry).signals}
    assert "name from another ecosystem" not in rules


@pytest.mark.parametrize("name", OTHER_SCOPED)
def test_a_scoped_npm_name_is_not_the_other_registrys_package(name: str) -> None:
    rules = {s.evidence.get("rule") for s in analyze(name, NPM).signals}
    assert "name from another ecosystem" not in rules


def test_the_other_ecosystem_evidence_names_the_package_and_its_popularity() -> None:
    found = next(s for s in analyze("p-cancelable", PYPI).signals)
    assert found.evidence["rule"] == "name from another ecosystem"
    assert found.evidence["target"] == "p-cancelable"
    assert found.evidence["target_registry"] == "npm"
    assert isinstance(found.evidence["target_rank"], int)
    assert isinstance(found.evidence["target_downloads"], int)
    assert found.message.startswith("name from another ecosystem: the npm package 'p-cancelable'")
    assert "downloads a month there" in found.message
    pypi = next(s for s in analyze("pygsheets", NPM).signals)
    assert pypi.evidence["target_registry"] == "pypi" and "rank" in pypi.message
    assert "target_downloads" not in pypi.evidence


# -- npm letter case --------------------------------------------------------------------------


@pytest.mark.parametrize(("name", "target"), [("LODASH", "lodash"), ("Express", "express")])
def test_npm_names_are_case_sensitive(name: str, target: str) -> None:
    normalized = normalize(name, NPM)
    assert ANALYZER.popular(normalized, NPM) is None  # looked up, never SAFE by the list
    evidence = squat(name, NPM)
    assert evidence is not None
    assert (evidence["target"], evidence["technique"]) == (target, "letter case")


def test_pypi_names_stay_case_insensitive() -> None:
    assert ANALYZER.popular(normalize("Requests", PYPI), PYPI) is not None


# -- evidence ---------------------------------------------------------------------------------


def test_the_evidence_names_the_rule_target_popularity_and_edit() -> None:
    found = next(s for s in analyze("lodahs", NPM).signals if s.kind is K.TYPOSQUAT)
    assert found.evidence["rule"] == "typosquat"
    assert found.evidence["target"] == "lodash"
    assert isinstance(found.evidence["target_downloads"], int)
    assert found.evidence["technique"] == "swapped letters"
    assert "'lodash'" in found.message and "downloads a month" in found.message
    pypi = next(s for s in analyze("reqeusts", PYPI).signals if s.kind is K.TYPOSQUAT)
    assert "rank" in pypi.message and pypi.evidence["target_rank"] == 6


def test_second_tier_targets_weigh_less() -> None:
    top = next(s for s in analyze("lodahs", NPM).signals if s.kind is K.TYPOSQUAT)
    second = next(s for s in analyze("gulp-babbel", NPM).signals if s.kind is K.TYPOSQUAT)
    assert second.evidence["tier"] == 2 and second.evidence["target"] == "gulp-babel"
    assert second.weight < top.weight


# -- @types: the typings of a known package are not a typo of another's ------------------------
# Real DefinitelyTyped packages one edit from a top @types name, each typing a listed package.
TYPES_LEGIT = [
    "@types/args",  # args, not yargs
    "@types/accept",  # accept, not accepts
    "@types/astring",  # astring, not string
    "@types/echarts",  # echarts, not recharts
    "@types/colors",  # colors, not color
    "@types/callsites",  # callsites, not callsite
]
TYPES_SQUATS = [
    ("@types/reacct", "@types/react"),
    ("@types/lodahs", "@types/lodash"),
    ("@types/yargz", "@types/yargs"),
    ("@types/expresss", "@types/express"),
    ("@types/babel__cor", "@types/babel__core"),
    ("@types/nodee", "@types/node"),
]


@pytest.mark.parametrize("name", TYPES_LEGIT)
def test_types_of_a_known_package_do_not_fire(name: str) -> None:
    assert squat(name, NPM) is None


@pytest.mark.parametrize(("name", "target"), TYPES_SQUATS)
def test_types_of_no_known_package_are_compared(name: str, target: str) -> None:
    evidence = squat(name, NPM)
    assert evidence is not None and evidence["target"] == target


# -- a top library few names extend, plus one word ---------------------------------------------
# Unpublished: the libraries (chalk, globals, ws, six, certifi) have few add-ons on the registry.
LIBRARY_WORD = [
    (NPM, "chalk-extra", "chalk"),
    (NPM, "globals-list", "globals"),
    (NPM, "ws-pool", "ws"),
    (NPM, "clone-function", "clone"),
    (PYPI, "six-compat", "six"),
    (PYPI, "certifi-bundle", "certifi"),
]
# Published add-ons: established ones (the npm second tier) and plugin hosts' (hundreds of
# "chai-…", "koa-…" names). A cost measured, not hidden: the shape fires on about 0.1% of the
# long tail below the tiers (e.g. the real "chalk-scripts").
LIBRARY_WORD_LEGIT = [
    (NPM, "chalk-animation"),
    (NPM, "chalk-string"),
    (NPM, "chai-shape"),
    (NPM, "koa-cluster"),
    (NPM, "esbuild-config"),
    (PYPI, "django-activeurl"),
]


@pytest.mark.parametrize(("registry", "name", "base"), LIBRARY_WORD)
def test_a_top_library_plus_one_word(registry: Registry, name: str, base: str) -> None:
    found = [s for s in analyze(name, registry).signals if s.evidence.get("rule") == LIB_RULE]
    assert found and found[0].evidence["base"] == base
    assert found[0].weight >= 0.1  # counts: HIGH_RISK on a fresh package
    assert verdict(_fresh(name, registry), (found[0],), NOW)[0] is Recommendation.HIGH_RISK


@pytest.mark.parametrize(("registry", "name"), LIBRARY_WORD_LEGIT)
def test_add_ons_of_hosts_and_established_add_ons_do_not_fire(
    registry: Registry, name: str
) -> None:
    assert LIB_RULE not in {s.evidence.get("rule") for s in analyze(name, registry).signals}


LIB_RULE = "top library + one word"


# -- a brand's own product lines are not its namespace misused ---------------------------------
# Real packages under a brand word + a word several listed packages share (azure-mgmt-…).
BRAND_LINES = [
    (NPM, "aws-lambda-router"),
    (NPM, "aws-cdk-migration"),
    (NPM, "amazon-cognito-passwordless-auth"),
    (PYPI, "amazon-braket-ocean-plugin"),
    (PYPI, "amazon-textract-helper"),
    (PYPI, "azure-mgmt-confluent"),
]
BRAND_ELSEWHERE = [
    (NPM, "aws-mailer-helper"),
    (NPM, "azure-quickstart-tool"),
    (NPM, "github-stats-tool"),
    (PYPI, "azure-quickstart-tool"),
    (PYPI, "aws-mailer-helper"),
    (PYPI, "github-stats-tool"),
]


@pytest.mark.parametrize(("registry", "name"), BRAND_LINES)
def test_a_brand_product_line_is_not_brand_namespace(registry: Registry, name: str) -> None:
    assert K.BRAND_NAMESPACE not in {s.kind for s in analyze(name, registry).signals}


@pytest.mark.parametrize(("registry", "name"), BRAND_ELSEWHERE)
def test_a_brand_word_outside_its_lines_still_is(registry: Registry, name: str) -> None:
    assert K.BRAND_NAMESPACE in {s.kind for s in analyze(name, registry).signals}


# -- inside a naming family, another package's name is an add-on -------------------------------
# Real add-ons: a family ("async-", "aiohttp-") naming another package, at most one word more.
FAMILY_ADD_ONS = [
    (NPM, "apollo-storybook-react"),
    (NPM, "astro-react-i18next"),
    (NPM, "async-child-process"),
    (PYPI, "aiohttp-apispec"),
    (PYPI, "aiohttp-datadog"),
    (PYPI, "aiohttp-devtools"),
]
# Still glued: a top library few names extend (nobody builds on it), or a stack of words more.
FAMILY_GLUED = [
    (NPM, "vite-picocolors"),
    (NPM, "jest-picomatch"),
    (NPM, "react-wrap-ansi"),
    (PYPI, "flask-idna"),
    (PYPI, "django-certifi"),
    (PYPI, "fastapi-aioredis-cache-stack"),
]
GLUED = "popular packages glued together"


@pytest.mark.parametrize(("registry", "name"), FAMILY_ADD_ONS)
def test_a_family_add_on_for_another_package_is_not_glued(registry: Registry, name: str) -> None:
    assert GLUED not in {s.evidence.get("rule") for s in analyze(name, registry).signals}


@pytest.mark.parametrize(("registry", "name"), FAMILY_GLUED)
def test_a_family_with_a_library_or_a_stack_is_glued(registry: Registry, name: str) -> None:
    assert GLUED in {s.evidence.get("rule") for s in analyze(name, registry).signals}


# -- a hallucination marker: a word beginning or ending almost no published name has -----------
MARKER_RULE = "hallucination marker"
# Unpublished names of the shape LLMs write when asked for a new or future library.
MARKED = [
    (PYPI, "futurecharts", "futur"),
    (PYPI, "futuristic-orm", "futur"),
    (PYPI, "graphkit2025", "2025"),
    (PYPI, "hypothetical-orm", "hypothetical"),
    (NPM, "nextgen-router", "nextgen"),
    (NPM, "tabular-future", "futur"),
    (NPM, "plotkit-2024", "2024"),
]
# Published names near the shape: an ECMAScript edition, established packages (the npm second
# tier), a marker inside a word, and a prefix LLMs use that many published names share too. A
# cost measured, not hidden: the markers sit on at most 0.03% each of the long-tail names in the
# package snapshots (scripts/measure_name_markers.py), e.g. the real "aoc2024".
MARKED_LEGIT = [
    (NPM, "@better-typescript-lib/es2023"),
    (PYPI, "jesse-ftx-futures"),
    (NPM, "fast-future"),
    (NPM, "lint-to-the-future"),
    (NPM, "nextgen-events"),
    (PYPI, "pyfuture"),
    (PYPI, "modernize"),
]


@pytest.mark.parametrize(("registry", "name", "marker"), MARKED)
def test_a_hallucination_marker(registry: Registry, name: str, marker: str) -> None:
    found = [s for s in analyze(name, registry).signals if s.evidence.get("rule") == MARKER_RULE]
    assert found and f"'{marker}'" in found[0].message
    assert verdict(_fresh(name, registry), (found[0],), NOW)[0] is Recommendation.HIGH_RISK


@pytest.mark.parametrize(("registry", "name"), MARKED_LEGIT)
def test_published_names_near_a_marker_do_not_fire(registry: Registry, name: str) -> None:
    assert MARKER_RULE not in {s.evidence.get("rule") for s in analyze(name, registry).signals}


# -- a hallucination-prone word put before a popular package ----------------------------------
PRONE_RULE = "hallucination-prone word + popular package"
# Unpublished: a stock word before a top package (inside the "mcp-*" family, a library few
# names extend: certifi).
PRONE_BEFORE = [
    (PYPI, "mcp-certifi", "certifi"),
    (PYPI, "ultra-attrs", "attrs"),
    (PYPI, "agentic-pyyaml", "pyyaml"),
    (NPM, "turbo-semver", "semver"),
    (NPM, "magic-chalk", "chalk"),
    (NPM, "smart-dotenv", "dotenv"),
]
# Published: members of the "mcp-*" family named after the service they serve, and packages
# whose second part is popular but below the top 2,000. A cost measured, not hidden: the shape
# fires on 0.022% of the npm and 0.028% of the PyPI long-tail names (e.g. the real "fast-url").
PRONE_BEFORE_LEGIT = [
    (PYPI, "mcp-django"),
    (PYPI, "mcp-jupyter"),
    (PYPI, "mcp-celery"),
    (PYPI, "agent-deepeval"),
    (NPM, "modern-isomorphic-ws"),
    (NPM, "easy-pbkdf2"),
]


@pytest.mark.parametrize(("registry", "name", "base"), PRONE_BEFORE)
def test_a_prone_word_before_a_popular_package(registry: Registry, name: str, base: str) -> None:
    found = [s for s in analyze(name, registry).signals if s.evidence.get("rule") == PRONE_RULE]
    assert found and found[0].evidence["base"] == base
    assert verdict(_fresh(name, registry), (found[0],), NOW)[0] is Recommendation.HIGH_RISK


@pytest.mark.parametrize(("registry", "name"), PRONE_BEFORE_LEGIT)
def test_family_members_and_lesser_packages_after_a_prone_word_do_not_fire(
    registry: Registry, name: str
) -> None:
    assert PRONE_RULE not in {s.evidence.get("rule") for s in analyze(name, registry).signals}


# -- a family plus a package of several words: that package, not its first word ---------------
GLUED_RULE = "popular packages glued together"
# Unpublished: a family's name plus a top library few names extend, whose name has two words
# ("supports-color" is one package, not "supports" + "color").
FAMILY_LIBRARY = [
    (NPM, "rollup-supports-color"),
    (NPM, "vite-safe-buffer"),
    (NPM, "webpack-color-convert"),
    (NPM, "express-content-type"),
    (NPM, "webpack-ansi-regex"),
]
# Published add-ons that name a package of several words that hosts build on.
FAMILY_PACKAGE_LEGIT = [
    (NPM, "express-cls-hooked"),
    (NPM, "fastify-http-proxy"),
    (NPM, "postcss-strip-comments"),
    (NPM, "storybook-styled-components"),
    (NPM, "react-pretty-bytes"),
]


@pytest.mark.parametrize(("registry", "name"), FAMILY_LIBRARY)
def test_a_family_plus_a_library_of_several_words_is_glued(registry: Registry, name: str) -> None:
    assert GLUED_RULE in {s.evidence.get("rule") for s in analyze(name, registry).signals}


@pytest.mark.parametrize(("registry", "name"), FAMILY_PACKAGE_LEGIT)
def test_a_family_plus_a_package_hosts_build_on_is_not_glued(registry: Registry, name: str) -> None:
    assert GLUED_RULE not in {s.evidence.get("rule") for s in analyze(name, registry).signals}


# -- an edit no slipped key explains, against a target below the top 1,000: a note -----------
# Published packages (package snapshots) that name themselves after a lesser package with a
# letter added or changed, an affix, a version digit, a plural, another first word.
LOOSE_LESSER = [
    (PYPI, "schemdule", "schedule", "added letter"),
    (PYPI, "damster", "dagster", "substituted letter"),
    (PYPI, "graphwar", "graphrag", "two edits"),
    (PYPI, "pyhaversine", "haversine", "added or dropped affix"),
    (PYPI, "geocode-lite", "geocoder", "mistyped first word 'geocode'"),
    (PYPI, "graphql-flask", "flask-graphql", "word order"),
    (PYPI, "business-rules2", "business-rules", "added digit"),
    (NPM, "nanostore", "nanostores", "plural or singular"),
    (NPM, "base26", "base16", "changed digit"),
]
# The same edits aimed at top-1,000 packages: how squats look, still strong.
LOOSE_TOP = [
    (PYPI, "numpyx", "numpy", "added letter"),
    (PYPI, "matplotlab", "matplotlib", "substituted letter"),
    (PYPI, "matplotilbb", "matplotlib", "two edits"),
    (PYPI, "pyrequests", "requests", "added or dropped affix"),
    (PYPI, "djangoo-rest", "django", "mistyped first word 'djangoo'"),
    (PYPI, "extensions-typing", "typing-extensions", "word order"),
    (PYPI, "pandas3", "pandas", "added digit"),
    (NPM, "lodashs", "lodash", "plural or singular"),
    (PYPI, "boto4", "boto3", "changed digit"),
]


@pytest.mark.parametrize(("registry", "name", "target", "technique"), LOOSE_LESSER)
def test_a_loose_edit_of_a_lesser_package_is_a_note(
    registry: Registry, name: str, target: str, technique: str
) -> None:
    findings = analyze(name, registry)
    evidence = squat(name, registry)
    assert evidence is not None and (evidence["target"], evidence["technique"]) == (
        target,
        technique,
    )
    assert evidence["target_rank"] > 1000  # type: ignore[operator]
    assert not strong(findings)
    assert "not a slip of one key" in findings.signals[0].message
    assert verdict(_fresh(name, registry), findings.signals, NOW)[0] is Recommendation.SUSPICIOUS


@pytest.mark.parametrize(("registry", "name", "target", "technique"), LOOSE_TOP)
def test_the_same_edits_of_a_top_package_count(
    registry: Registry, name: str, target: str, technique: str
) -> None:
    findings = analyze(name, registry)
    evidence = squat(name, registry)
    assert evidence is not None and (evidence["target"], evidence["technique"]) == (
        target,
        technique,
    )
    assert strong(findings)
    assert verdict(_fresh(name, registry), findings.signals, NOW)[0] is Recommendation.HIGH_RISK


# Typing slips (a neighbouring key, swapped or dropped letters) count against lesser targets too.
SLIP_LESSER = [
    (PYPI, "pyrasitee", "pyrasite"),
    (PYPI, "dagtser", "dagster"),
    (PYPI, "hvaersine", "haversine"),
]


@pytest.mark.parametrize(("registry", "name", "target"), SLIP_LESSER)
def test_a_slip_of_a_lesser_package_still_counts(
    registry: Registry, name: str, target: str
) -> None:
    evidence = squat(name, registry)
    assert evidence is not None and evidence["target"] == target
    assert evidence["target_rank"] > 1000  # type: ignore[operator]
    assert strong(analyze(name, registry))


# -- a brand word inside an npm scope is the scope owner's description ------------------------
# Published scoped packages (npm snapshot) for a brand's service, by their scope's owner.
BRAND_IN_SCOPE = [
    "@serwist/google-analytics",
    "@auth/azure-tables-adapter",
    "@stream-io/openai-realtime-api",
    "@profullstack/stripe-config",
    "@askelephant/firebase-tools",
    "@veterancrowd/aws-cli",
]
BRAND_UNSCOPED = [
    "openai-secure-client",
    "aws-credentials-helper",
    "azure-blob-turbo",
    "stripe-payments-sdk",
    "firebase-auth-tools",
    "github-token-manager",
]


@pytest.mark.parametrize("name", BRAND_IN_SCOPE)
def test_a_brand_word_in_an_owners_scope_does_not_fire(name: str) -> None:
    assert K.BRAND_NAMESPACE not in {s.kind for s in analyze(name, NPM).signals}


@pytest.mark.parametrize("name", BRAND_UNSCOPED)
def test_a_brand_word_outside_a_scope_still_fires(name: str) -> None:
    assert K.BRAND_NAMESPACE in {s.kind for s in analyze(name, NPM).signals}


# -- a generic word that is a popular package with a family of its own (vue-*, angular-*) ----
# Published npm packages of those families (package snapshot).
GENERIC_FAMILY = [
    "vue-cli-plugin-typescript",
    "vue-bulma-progress-tracker",
    "vue-error-boundary",
    "angular-translate-csv-to-json",
    "angular-ui-router-default",
    "angular-object-diff",
]
# In those families a hallucination-prone word or popular packages glued still fire.
GENERIC_FAMILY_PADDED = [
    "vue-ai-helper",
    "vue-smart-form-builder-pro",
    "angular-llm-toolkit",
    "vue-openai-chat-2025",
    "vue-axios-lodash-helper",
    "angular-gpt-assistant",
]


@pytest.mark.parametrize("name", GENERIC_FAMILY)
def test_a_popular_generic_word_with_a_family_is_a_convention(name: str) -> None:
    assert not analyze(name, NPM).signals


@pytest.mark.parametrize("name", GENERIC_FAMILY_PADDED)
def test_padded_names_in_such_a_family_still_fire(name: str) -> None:
    assert K.HALLUCINATION_PATTERN in {s.kind for s in analyze(name, NPM).signals}


# -- a language word first ("py-") is an affix, not a popular package padded ------------------
LANGUAGE_FIRST = [
    "py-synology-api",
    "py-messenger-client",
    "py-spring-config",
    "py-async-tls",
    "py-serial-rs",
    "py-logs-newrelic",
]
# The same stock words after a popular package that is not a language word still pad it.
PADDED_PACKAGE = [
    "flask-gpt-helper",
    "requests-ai-client",
    "numpy-smart-utils",
    "pandas-ai-helper",
    "django-llm-toolkit-pro",
    "fastapi-agent-helper",
]


@pytest.mark.parametrize("name", LANGUAGE_FIRST)
def test_a_language_word_first_is_not_a_padded_package(name: str) -> None:
    assert not [p for p in analyze(name, PYPI).signals if p.evidence.get("base") == "py"]
    assert not strong(analyze(name, PYPI))


@pytest.mark.parametrize("name", PADDED_PACKAGE)
def test_a_popular_package_padded_with_stock_words_still_fires(name: str) -> None:
    assert K.HALLUCINATION_PATTERN in {s.kind for s in analyze(name, PYPI).signals}


# -- a made-up tail: a word and a short stock word glued, which no popular name has ----------
# Unpublished: one stock word, then a made-up last word ("star" + "db", "wave" + "db").
MADE_UP_TAIL = [
    (PYPI, "graph-client-stardb"),
    (PYPI, "weather-client-wavedb"),
    (PYPI, "report-engine-stardb"),
    (PYPI, "fastapi-metrics-stardb"),
    (PYPI, "pandas-report-stardb"),
    (PYPI, "redis-stream-wavedb"),
]
# Published (package snapshots): the last word is a product that popular names have too, or
# a word and a language word (a port's name).
MADE_UP_TAIL_LEGIT = [
    (PYPI, "cabot-check-influxdb"),
    (PYPI, "deep-utils-dynamodb"),
    (PYPI, "chocs-middleware-openapi"),
    (PYPI, "hawk-server-asyncio"),
    (PYPI, "social-auth-app-webpy"),
    (NPM, "admin-bro-expressjs"),
]


@pytest.mark.parametrize(("registry", "name"), MADE_UP_TAIL)
def test_a_made_up_tail_makes_a_compound(registry: Registry, name: str) -> None:
    findings = analyze(name, registry)
    messages = [s.message for s in findings.signals if s.weight >= 0.1]
    assert any("made-up word" in m for m in messages), messages
    assert verdict(_fresh(name, registry), findings.signals, NOW)[0] is Recommendation.HIGH_RISK


@pytest.mark.parametrize(("registry", "name"), MADE_UP_TAIL_LEGIT)
def test_a_product_word_of_popular_names_is_no_made_up_tail(registry: Registry, name: str) -> None:
    assert not strong(analyze(name, registry))


# -- a stock word put before a top library few names extend -----------------------------------
# Unpublished: the libraries (joblib, dacite, humanize, croniter...) have few add-ons.
WORD_LIBRARY = [
    (PYPI, "cloud-joblib", "joblib"),
    (PYPI, "stream-dacite", "dacite"),
    (PYPI, "serverless-humanize", "humanize"),
    (PYPI, "async-jmespath", "jmespath"),
    (PYPI, "cloud-backoff", "backoff"),
    (PYPI, "stream-isodate", "isodate"),
]
# Published: a language word first is an affix, a family's first word is its convention,
# typeshed names its stubs types-<package>.
WORD_LIBRARY_LEGIT = [
    (PYPI, "python-babel"),
    (PYPI, "python-bcrypt"),
    (NPM, "node-semver"),
    (PYPI, "mcp-toolz"),
    (PYPI, "types-jsonpatch"),
    (PYPI, "types-xxhash"),
]


@pytest.mark.parametrize(("registry", "name", "base"), WORD_LIBRARY)
def test_a_stock_word_before_a_top_library(registry: Registry, name: str, base: str) -> None:
    found = [s for s in analyze(name, registry).signals if s.evidence.get("rule") == LIB_RULE]
    assert found and found[0].evidence["base"] == base
    assert "put before it" in found[0].message
    assert verdict(_fresh(name, registry), (found[0],), NOW)[0] is Recommendation.HIGH_RISK


@pytest.mark.parametrize(("registry", "name"), WORD_LIBRARY_LEGIT)
def test_a_language_word_or_a_family_before_a_library_is_not(registry: Registry, name: str) -> None:
    assert LIB_RULE not in {s.evidence.get("rule") for s in analyze(name, registry).signals}
