"""SARIF 2.1.0 (OASIS): each finding at its file and line, so code scanning shows it in place.

"A result object ... describes a single result detected by an analysis tool" (§3.27); one
result per finding per declaring file:line, with a rule per verdict.
"""

from __future__ import annotations

from pathlib import PurePath
from typing import Any
from urllib.parse import quote

from phantom_guard._version import __version__
from phantom_guard.model import FailOn, PackageRisk, Recommendation, Report
from phantom_guard.names import to_purl
from phantom_guard.report import clean, dumps, json_safe

SARIF_SCHEMA = "https://json.schemastore.org/sarif-2.1.0.json"
_RULES = {
    Recommendation.NOT_FOUND: (
        "PG001",
        "package-not-found",
        "The package does not exist on its registry: likely hallucinated, and free for an "
        "attacker to register.",
    ),
    Recommendation.HIGH_RISK: (
        "PG002",
        "high-risk-package",
        "The package looks like a typosquat, a registered hallucination or a placeholder.",
    ),
    Recommendation.SUSPICIOUS: (
        "PG003",
        "suspicious-package",
        "The package has risk signals worth a human look before installing it.",
    ),
    Recommendation.ERROR: (
        "PG004",
        "unverified-package",
        "The package could not be verified (registry unreachable or answering garbage).",
    ),
}

_RULE_INDEX = {recommendation: index for index, recommendation in enumerate(_RULES)}


def render(report: Report, *, fail_on: FailOn = FailOn.HIGH_RISK) -> str:
    """The report as a SARIF 2.1.0 log with one run."""
    rules = [
        {
            "id": rule_id,
            "name": name,
            "shortDescription": {"text": name.replace("-", " ")},
            "fullDescription": {"text": text},
            "defaultConfiguration": {"level": _level(rec, fail_on)},
            "helpUri": "https://github.com/phantom-guard/phantom-guard#verdicts",
        }
        for rec, (rule_id, name, text) in _RULES.items()
    ]
    results = [
        result
        for risk in report.results
        if risk.recommendation is not Recommendation.SAFE
        for result in _results(risk, fail_on)
    ]
    log = {
        "$schema": SARIF_SCHEMA,
        "version": "2.1.0",
        "runs": [
            {
                "tool": {
                    "driver": {
                        "name": "phantom-guard",
                        "version": __version__,
                        "semanticVersion": __version__,
                        "informationUri": "https://github.com/phantom-guard/phantom-guard",
                        "rules": rules,
                    }
                },
                "columnKind": "unicodeCodePoints",
                "results": results,
            }
        ],
    }
    return json_safe(dumps(log, len(results))) + "\n"


def _results(risk: PackageRisk, fail_on: FailOn) -> list[dict[str, Any]]:
    rule_id = _RULES[risk.recommendation][0]
    reasons = "; ".join(clean(s.message) for s in risk.signals if s.weight > 0)
    text = f"{risk.recommendation.value}: {risk.registry.value} package '{clean(risk.name)}'"
    if reasons:
        text += f" — {reasons}"
    if risk.suggestion:
        text += f". Did you mean '{clean(risk.suggestion)}'?"
    base: dict[str, Any] = {
        "ruleId": rule_id,
        "ruleIndex": _RULE_INDEX[risk.recommendation],
        "level": _level(risk.recommendation, fail_on),
        "message": {"text": text},
        "partialFingerprints": {"packagePurl/v1": to_purl(risk.registry, risk.normalized_name)},
        "properties": {
            "purl": to_purl(risk.registry, risk.normalized_name),
            "riskScore": risk.risk_score,
            "recommendation": risk.recommendation.value,
            "signals": [s.kind.value for s in risk.signals],
        },
    }
    if not risk.sources:
        return [base]
    results = []
    for source in risk.sources:
        region = {"startLine": source.line} if source.line else None
        location: dict[str, Any] = {
            "physicalLocation": {
                "artifactLocation": {"uri": _uri(source.file), "uriBaseId": "%SRCROOT%"},
                **({"region": region} if region else {}),
            }
        }
        results.append({**base, "locations": [location]})
    return results


def _level(recommendation: Recommendation, fail_on: FailOn) -> str:
    if recommendation is Recommendation.ERROR:
        return "warning"
    return "error" if recommendation.severity >= fail_on.threshold else "warning"


def _uri(file: str) -> str:
    """A relative URI reference with forward slashes (SARIF §3.4.3 wants URIs, not paths)."""
    path = PurePath(file)
    return quote(path.as_posix().removeprefix("./"), safe="/")
