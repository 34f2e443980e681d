"""SARIF 2.1.0: parsed, checked against the OASIS schema, findings at their file and line."""

from __future__ import annotations

import json
from pathlib import Path
from typing import Any

import jsonschema
import pytest

from phantom_guard._version import __version__
from phantom_guard.model import FailOn, Recommendation, Report
from phantom_guard.report import sarif
from tests.report import HOSTILE_MARKERS, has_control, hostile_report, risk, sample_report

SCHEMA = (
    Path(__file__).resolve().parents[2] / ".." / "shared" / "schemas" / "sarif-schema-2.1.0.json"
)


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


def test_is_sarif_2_1_0_with_one_run() -> None:
    log = render(sample_report())
    assert log["version"] == "2.1.0"
    assert log["$schema"].endswith("sarif-2.1.0.json")
    (run,) = log["runs"]
    driver = run["tool"]["driver"]
    assert driver["name"] == "phantom-guard"
    assert driver["version"] == __version__
    assert [r["id"] for r in driver["rules"]] == ["PG001", "PG002", "PG003", "PG004"]


def test_findings_have_locations_and_safe_results_are_left_out() -> None:
    results = render(sample_report())["runs"][0]["results"]
    located = [
        (
            r["properties"]["recommendation"],
            loc["physicalLocation"]["artifactLocation"]["uri"],
            loc["physicalLocation"].get("region", {}).get("startLine"),
        )
        for r in results
        for loc in r.get("locations", [{"physicalLocation": {"artifactLocation": {"uri": None}}}])
    ]
    assert located == [
        ("HIGH_RISK", "requirements.txt", 2),
        ("HIGH_RISK", "sub%20dir/requirements-dev.txt", 7),
        ("NOT_FOUND", "requirements.txt", 4),
        ("SUSPICIOUS", "pyproject.toml", 12),
        ("ERROR", None, None),  # a name from the command line has no file
    ]
    assert all(r["properties"]["recommendation"] != "SAFE" for r in results)
    assert not any("package 'requests'" in r["message"]["text"] for r in results)


def test_rules_and_levels_follow_the_verdict_and_fail_on() -> None:
    results = render(sample_report())["runs"][0]["results"]
    by_verdict = {r["properties"]["recommendation"]: r for r in results}
    assert by_verdict["NOT_FOUND"]["ruleId"] == "PG001"
    assert by_verdict["HIGH_RISK"]["ruleId"] == "PG002"
    assert by_verdict["SUSPICIOUS"]["ruleId"] == "PG003"
    assert by_verdict["ERROR"]["ruleId"] == "PG004"
    assert by_verdict["HIGH_RISK"]["level"] == "error"
    assert by_verdict["SUSPICIOUS"]["level"] == "warning"
    assert by_verdict["ERROR"]["level"] == "warning"
    strict = render(sample_report(), fail_on=FailOn.SUSPICIOUS)["runs"][0]["results"]
    assert {r["properties"]["recommendation"]: r["level"] for r in strict}["SUSPICIOUS"] == "error"
    rules = render(sample_report())["runs"][0]["tool"]["driver"]["rules"]
    for result in results:
        assert rules[result["ruleIndex"]]["id"] == result["ruleId"]


def test_message_names_the_package_and_the_suggestion() -> None:
    results = render(sample_report())["runs"][0]["results"]
    text = results[0]["message"]["text"]
    assert "reqeusts" in text
    assert "Did you mean 'requests'?" in text
    assert results[0]["partialFingerprints"]["packagePurl/v1"] == "pkg:pypi/reqeusts"


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


def _validator() -> Any:
    if not SCHEMA.is_file():
        pytest.skip(f"the OASIS SARIF 2.1.0 schema is not at {SCHEMA.resolve()}")
    schema = json.loads(SCHEMA.read_text(encoding="utf-8"))
    cls = jsonschema.validators.validator_for(schema)
    cls.check_schema(schema)
    return cls(schema, format_checker=cls.FORMAT_CHECKER)


@pytest.mark.parametrize("build", [sample_report, hostile_report, lambda: Report(())])
def test_validates_against_the_oasis_schema(build: Any) -> None:
    validator = _validator()
    errors = sorted(validator.iter_errors(render(build())), key=lambda e: list(e.path))
    assert not errors, "\n".join(f"{list(e.path)}: {e.message}" for e in errors)
