"""SARIF 2.1.0: parsed, checked against the vendored OASIS schema and GitHub's rules, findings at
their file and line under one rule per finding kind, fingerprints that survive an upgrade.
"""

from __future__ import annotations

import json
from typing import Any

import pytest

from phantom_guard import records
from phantom_guard._version import __version__
from phantom_guard.detect.score import signal
from phantom_guard.model import FailOn, Recommendation, Registry, Report, SignalKind, Source
from phantom_guard.report import sarif
from tests.report import HOSTILE_MARKERS, has_control, hostile_report, risk, sample_report
from tests.report.sarif_checks import SCHEMA, assert_valid, fingerprints


def render(report: Report, **options: Any) -> dict[str, Any]:
    return json.loads(sarif.render(report, **options))  # type: ignore[no-any-return]


def strings(value: Any) -> list[str]:
    """Every string (keys and values) in a decoded JSON document."""
    if isinstance(value, str):
        return [value]
    if isinstance(value, dict):
        return [s for k, v in value.items() for s in (k, *strings(v))]
    if isinstance(value, list):
        return [s for item in value for s in strings(item)]
    return []


def kinds_report() -> Report:
    """One finding of every kind, each declared in a file, plus an unverified name."""
    kinds = [
        (SignalKind.KNOWN_MALICIOUS, Recommendation.HIGH_RISK),
        (SignalKind.SECURITY_HOLDING, Recommendation.HIGH_RISK),
        (SignalKind.MALICIOUS_VERSION, Recommendation.HIGH_RISK),
        (SignalKind.MALICIOUS_VERSION_IN_RANGE, Recommendation.SUSPICIOUS),
        (SignalKind.NOT_FOUND, Recommendation.NOT_FOUND),
        (SignalKind.TYPOSQUAT, Recommendation.HIGH_RISK),
        (SignalKind.HALLUCINATION_PATTERN, Recommendation.SUSPICIOUS),
        (SignalKind.BRAND_NAMESPACE, Recommendation.SUSPICIOUS),
        (SignalKind.DEPENDENCY_CONFUSION_EXPOSURE, Recommendation.SUSPICIOUS),
        (SignalKind.FOREIGN_SOURCE, Recommendation.SUSPICIOUS),
        (SignalKind.CONFIG_WEAKENED, Recommendation.SUSPICIOUS),
        (SignalKind.PLACEHOLDER_SHAPE, Recommendation.SUSPICIOUS),
    ]
    results = []
    for line, (kind, verdict) in enumerate(kinds, start=1):
        base = risk(f"pkg-{kind.value.lower().replace('_', '-')}", verdict)
        results.append(
            records.replace(
                base,
                signals=(signal(kind, f"{kind.value} says so"),),
                sources=(Source("requirements.txt", line, "1.0"),),
            )
        )
    results.append(risk("@acme/widget", Recommendation.ERROR, registry=Registry.NPM))
    return Report(tuple(results))


def test_is_sarif_2_1_0_with_one_run_and_a_rule_per_finding_kind() -> None:
    log = render(sample_report())
    assert log["version"] == "2.1.0"
    assert log["$schema"].endswith("sarif-2.1.0.json")
    (run,) = log["runs"]
    driver = run["tool"]["driver"]
    assert driver["name"] == "phantom-guard"
    assert driver["version"] == __version__
    ids = [r["id"] for r in driver["rules"]]
    for kind in ("NOT_FOUND", "TYPOSQUAT", "HALLUCINATION_PATTERN", "KNOWN_MALICIOUS"):
        assert kind in ids
    assert "MALICIOUS_VERSION" in ids
    assert len(ids) == len(set(ids))


def test_every_finding_kind_has_its_rule() -> None:
    results = render(kinds_report())["runs"][0]["results"]
    assert [r["ruleId"] for r in results] == [
        "KNOWN_MALICIOUS",
        "KNOWN_MALICIOUS",  # the registry removed it for malware
        "MALICIOUS_VERSION",
        "MALICIOUS_VERSION_IN_RANGE",
        "NOT_FOUND",
        "TYPOSQUAT",
        "HALLUCINATION_PATTERN",
        "BRAND_NAMESPACE",
        "DEPENDENCY_CONFUSION_EXPOSURE",
        "FOREIGN_SOURCE",
        "CONFIG_WEAKENED",
        "RISKY_METADATA",
    ]


def test_the_strongest_kind_names_the_rule() -> None:
    both = records.replace(
        risk("reqeusts", Recommendation.HIGH_RISK),
        signals=(
            signal(SignalKind.TYPOSQUAT, "looks like a typo of 'requests'"),
            signal(SignalKind.KNOWN_MALICIOUS, "listed"),
        ),
    )
    assert sarif.rule_for(both).id == "KNOWN_MALICIOUS"
    missing = risk("flask-gpt-helper", Recommendation.NOT_FOUND)
    assert sarif.rule_for(missing).id == "NOT_FOUND"


def test_findings_have_locations_and_safe_and_error_results_are_left_out() -> None:
    results = render(sample_report())["runs"][0]["results"]
    located = [
        (
            r["properties"]["recommendation"],
            loc["physicalLocation"]["artifactLocation"]["uri"],
            loc["physicalLocation"].get("region", {}).get("startLine"),
        )
        for r in results
        for loc in r["locations"]
    ]
    assert located == [
        ("HIGH_RISK", "requirements.txt", 2),
        ("HIGH_RISK", "sub%20dir/requirements-dev.txt", 7),
        ("NOT_FOUND", "requirements.txt", 4),
        ("SUSPICIOUS", "pyproject.toml", 12),
    ]
    assert not any("package 'requests'" in r["message"]["text"] for r in results)


def test_error_rows_are_tool_notifications() -> None:
    run = render(sample_report())["runs"][0]
    (invocation,) = run["invocations"]
    assert invocation["executionSuccessful"] is True
    (note,) = invocation["toolExecutionNotifications"]
    assert note["level"] == "warning"
    assert note["descriptor"]["id"] == "LOOKUP_FAILED"
    descriptors = run["tool"]["driver"]["notifications"]
    assert descriptors[note["descriptor"]["index"]]["id"] == "LOOKUP_FAILED"
    assert "@acme/widget" in note["message"]["text"]
    assert "HTTP 503" in note["message"]["text"]
    assert note["properties"]["purl"] == "pkg:npm/%40acme/widget"


def test_input_errors_are_error_notifications_and_an_unsuccessful_run() -> None:
    report = Report((), input_errors=("requirements.txt:3: cannot parse",))
    (invocation,) = render(report)["runs"][0]["invocations"]
    assert invocation["executionSuccessful"] is False
    (note,) = invocation["toolExecutionNotifications"]
    assert note["level"] == "error"
    assert note["message"]["text"] == "requirements.txt:3: cannot parse"


def test_levels_follow_the_verdict_and_fail_on() -> None:
    results = render(sample_report())["runs"][0]["results"]
    by_verdict = {r["properties"]["recommendation"]: r["level"] for r in results}
    assert by_verdict == {"HIGH_RISK": "error", "NOT_FOUND": "error", "SUSPICIOUS": "warning"}
    strict = render(sample_report(), fail_on=FailOn.SUSPICIOUS)["runs"][0]["results"]
    assert {r["properties"]["recommendation"]: r["level"] for r in strict}["SUSPICIOUS"] == "error"
    malicious = render(kinds_report())["runs"][0]["results"][3]  # a SUSPICIOUS in-range version
    assert malicious["ruleId"] == "MALICIOUS_VERSION_IN_RANGE"
    assert malicious["level"] == "warning"


def test_rules_carry_what_github_shows() -> None:
    rules = render(sample_report())["runs"][0]["tool"]["driver"]["rules"]
    for rule in rules:
        assert rule["shortDescription"]["text"]
        assert rule["fullDescription"]["text"]
        assert rule["help"]["text"]
        severity = float(rule["properties"]["security-severity"])
        assert 0.0 < severity <= 10.0
        tags = rule["properties"]["tags"]
        assert len(tags) == len(set(tags))
        assert {"security", "supply-chain"} <= set(tags)
    severity = {r["id"]: float(r["properties"]["security-severity"]) for r in rules}
    assert severity["KNOWN_MALICIOUS"] > severity["NOT_FOUND"] > severity["RISKY_METADATA"]


def test_message_names_the_package_and_the_suggestion() -> None:
    results = render(sample_report())["runs"][0]["results"]
    text = results[0]["message"]["text"]
    assert "reqeusts" in text
    assert "Did you mean 'requests'?" in text


def test_fingerprints_ignore_version_and_message() -> None:
    before = kinds_report()
    after = Report(
        tuple(
            records.replace(
                r,
                signals=tuple(
                    records.replace(s, message=s.message + " (reworded)") for s in r.signals
                ),
                sources=tuple(
                    records.replace(s, version="2.0", line=(s.line or 0) + 5) for s in r.sources
                ),
                risk_score=min(1.0, r.risk_score + 0.05),
            )
            for r in before.results
        )
    )
    assert fingerprints(render(before)) == fingerprints(render(after))
    # and the upgraded log differs elsewhere, so the test compares something real
    assert render(before)["runs"][0]["results"] != render(after)["runs"][0]["results"]


@pytest.mark.parametrize(
    "change",
    [
        {"registry": Registry.NPM},
        {"normalized_name": "other-name"},
        {"sources": (Source("sub/requirements.txt", 1),)},
    ],
)
def test_fingerprints_change_with_rule_registry_name_or_file(change: dict[str, Any]) -> None:
    base = risk(
        "flask-gpt-helper", Recommendation.NOT_FOUND, sources=(Source("requirements.txt", 1),)
    )
    moved = records.replace(base, **change)
    assert fingerprints(render(Report((base,)))) != fingerprints(render(Report((moved,))))
    typo = records.replace(
        base,
        recommendation=Recommendation.HIGH_RISK,
        exists=True,
        signals=(signal(SignalKind.TYPOSQUAT, "near 'flask'"),),
    )
    assert fingerprints(render(Report((base,)))) != fingerprints(render(Report((typo,))))


def test_fingerprints_are_unique_per_finding_and_file() -> None:
    prints = [p for _, p in fingerprints(render(sample_report()))]
    assert len(prints) == len(set(prints))


def test_all_safe_report_has_no_results() -> None:
    report = Report((risk("requests", Recommendation.SAFE),))
    assert render(report)["runs"][0]["results"] == []


def test_hostile_text_is_escaped() -> None:
    raw = sarif.render(hostile_report())
    log = json.loads(raw)
    for value in strings(log):
        for marker in HOSTILE_MARKERS:
            assert marker not in value
        assert "\n" not in value
        assert not has_control(value)


def test_the_schema_is_vendored() -> None:
    assert SCHEMA.is_file()
    assert (SCHEMA.parent / "NOTICE").is_file()


@pytest.mark.parametrize(
    ("build", "located"),
    [
        (sample_report, True),
        (kinds_report, True),
        (lambda: Report(()), True),
        (hostile_report, False),  # holds a name given on a command line: no file to point at
    ],
)
def test_validates_against_the_oasis_schema_and_github_rules(build: Any, located: bool) -> None:
    assert_valid(render(build()), locations=located)


def test_a_name_from_the_command_line_has_no_location_but_is_schema_valid() -> None:
    report = Report((risk("flask-gpt-helper", Recommendation.NOT_FOUND),))
    log = render(report)
    assert "locations" not in log["runs"][0]["results"][0]
    assert_valid(log, locations=False)


def test_a_name_declared_twice_in_one_file_numbers_its_line_hash() -> None:
    twice = risk(
        "zz-missing",
        Recommendation.NOT_FOUND,
        sources=(
            Source("package.json", 3),
            Source("package.json", 9),
            Source("web/package.json", 2),
        ),
    )
    prints = [r["partialFingerprints"] for r in render(Report((twice,)))["runs"][0]["results"]]
    key = sarif.FINGERPRINT_KEY
    assert prints[0][key] == prints[1][key] != prints[2][key]
    hashes = [p["primaryLocationLineHash"] for p in prints]
    assert hashes == [f"{prints[0][key]}:1", f"{prints[0][key]}:2", f"{prints[2][key]}:1"]
