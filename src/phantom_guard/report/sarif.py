"""SARIF 2.1.0 (OASIS) shaped for GitHub code scanning: each finding at its file and line.

"A result object ... describes a single result detected by an analysis tool" (§3.27): one result
per finding per declaring file:line, under one rule per finding kind (NOT_FOUND, TYPOSQUAT, ...).
GitHub's own rules on top of the schema: every rule carries ``shortDescription``,
``fullDescription`` and ``help`` text and a ``security-severity``; tags are unique; and alerts are
tracked by ``partialFingerprints``, which here hold rule, registry, normalized name and file only,
so upgrading a package (a new version on the same line) or rewording a message never re-opens an
alert. Results that could not be verified are not findings: they are tool execution notifications.
"""

from __future__ import annotations

import hashlib
from pathlib import Path, PurePath
from typing import Any
from urllib.parse import quote

from phantom_guard._version import __version__
from phantom_guard.model import FailOn, PackageRisk, Recommendation, Report, SignalKind, Source
from phantom_guard.names import to_purl
from phantom_guard.records import record
from phantom_guard.report import clean, dumps, json_safe

SARIF_SCHEMA = "https://json.schemastore.org/sarif-2.1.0.json"
INFORMATION_URI = "https://github.com/phantom-guard/phantom-guard"
HELP_URI = f"{INFORMATION_URI}#verdicts"
#: The partialFingerprints key; bump the suffix if what goes into the hash ever changes.
FINGERPRINT_KEY = "phantomGuardFinding/v1"


@record
class Rule:
    """One kind of finding: the signals that make it, and what GitHub shows for it.

    `security_severity` is GitHub's 0.0-10.0 scale (over 9.0 critical, 7.0 high, 4.0 medium).
    """

    id: str
    name: str
    kinds: frozenset[SignalKind]
    short: str
    full: str
    help: str
    security_severity: float
    tags: tuple[str, ...]


#: In priority order: a result is filed under the first rule one of its risk signals belongs to.
RULES: tuple[Rule, ...] = (
    Rule(
        "KNOWN_MALICIOUS",
        "KnownMaliciousPackage",
        frozenset({SignalKind.KNOWN_MALICIOUS, SignalKind.SECURITY_HOLDING}),
        "Known malicious package",
        "The package is listed as malicious by the known-malicious feed, or its registry has "
        "removed it for malware.",
        "Remove the dependency and do not install it. If it was installed, treat the machine "
        "and any credentials it could read as compromised.",
        10.0,
        ("malware",),
    ),
    Rule(
        "MALICIOUS_VERSION",
        "MaliciousVersion",
        frozenset({SignalKind.MALICIOUS_VERSION}),
        "Malicious version pinned",
        "The exact version this file pins is listed as malicious.",
        "Pin a version that is not listed, or remove the dependency. If the listed version was "
        "installed, treat the machine as compromised.",
        9.8,
        ("malware",),
    ),
    Rule(
        "MALICIOUS_VERSION_IN_RANGE",
        "MaliciousVersionInRange",
        frozenset({SignalKind.MALICIOUS_VERSION_IN_RANGE}),
        "Version range admits a malicious version",
        "The version range this file declares admits a version listed as malicious.",
        "Narrow the range (or pin) so that the listed version cannot be resolved.",
        8.0,
        ("malware",),
    ),
    Rule(
        "NOT_FOUND",
        "PackageNotFound",
        frozenset({SignalKind.NOT_FOUND}),
        "Package does not exist",
        "The package does not exist on its registry: likely a hallucinated name, and free for "
        "an attacker to register.",
        "Check the name against the project's documentation and fix it; never install a "
        "name nobody publishes. The suggestion, if any, is the popular package it resembles.",
        8.8,
        ("hallucination",),
    ),
    Rule(
        "TYPOSQUAT",
        "Typosquat",
        frozenset({SignalKind.TYPOSQUAT}),
        "Likely typosquat",
        "The name is a near-miss of a popular package and the package has little history of "
        "its own.",
        "Compare the name with the suggested popular package; if it is a typo, fix it.",
        8.1,
        ("typosquatting",),
    ),
    Rule(
        "HALLUCINATION_PATTERN",
        "HallucinationPattern",
        frozenset({SignalKind.HALLUCINATION_PATTERN}),
        "Name shaped like an AI hallucination",
        "The name combines a popular package with words that AI assistants invent "
        "(such as helper, gpt, easy), and the package looks like a placeholder.",
        "Confirm that the package is the one intended, from its own documentation.",
        7.3,
        ("hallucination",),
    ),
    Rule(
        "BRAND_NAMESPACE",
        "BrandNamespace",
        frozenset({SignalKind.BRAND_NAMESPACE}),
        "Name borrows a well-known brand",
        "The name borrows a well-known project's or vendor's name without being theirs.",
        "Check that the publisher is the brand's owner before installing it.",
        7.0,
        ("impersonation",),
    ),
    Rule(
        "DEPENDENCY_CONFUSION_EXPOSURE",
        "DependencyConfusionExposure",
        frozenset({SignalKind.DEPENDENCY_CONFUSION_EXPOSURE}),
        "Private name resolvable from a public index",
        "A name served by a private index could also be resolved from the public registry.",
        "Pin the private index for this name (or reserve the name publicly).",
        7.5,
        ("dependency-confusion",),
    ),
    Rule(
        "FOREIGN_SOURCE",
        "ForeignSource",
        frozenset({SignalKind.FOREIGN_SOURCE}),
        "Fetched from an unexpected host",
        "The lock file fetches the package from a host no configuration names.",
        "Check where the lock file points and regenerate it from the expected index.",
        6.5,
        ("provenance",),
    ),
    Rule(
        "CONFIG_WEAKENED",
        "ConfigWeakened",
        frozenset({SignalKind.CONFIG_WEAKENED}),
        "Change weakens the checks",
        "The change adds entries to the allow, ignore or private lists of the repository's "
        "phantom-guard configuration.",
        "Review the new entries: each one stops a name from being checked.",
        5.0,
        ("configuration",),
    ),
    Rule(
        "RISKY_METADATA",
        "RiskyMetadata",
        frozenset(),  # every other risk signal: placeholder shape, age, yanked, no releases, ...
        "Package with risky registry metadata",
        "The registry's data on the package adds up to risk: for example very new, no "
        "releases or all yanked, no repository, few downloads.",
        "Look at the package's page and repository before installing it.",
        5.5,
        ("package-metadata",),
    ),
)
_FALLBACK = RULES[-1]
_TAGS = ("security", "supply-chain")
_PRECISION = "high"

#: Notification descriptors (``toolConfiguration.notifications``), one per kind of note.
LOOKUP_FAILED = "LOOKUP_FAILED"
INPUT_ERROR = "INPUT_ERROR"
SKIPPED = "SKIPPED"
_NOTIFICATIONS = (
    (LOOKUP_FAILED, "A package could not be verified (registry unreachable or answering garbage)."),
    (INPUT_ERROR, "An input could not be read (a file that cannot be read or parsed)."),
    (SKIPPED, "An entry was not checked: editable, path, URL, VCS, workspace, or private."),
)
_NOTE_INDEX = {note_id: index for index, (note_id, _) in enumerate(_NOTIFICATIONS)}


def render(report: Report, *, fail_on: FailOn = FailOn.HIGH_RISK) -> str:
    """The report as a SARIF 2.1.0 log with one run."""
    results = _number_occurrences(
        [
            result
            for risk in report.results
            if risk.recommendation not in (Recommendation.SAFE, Recommendation.ERROR)
            for result in _results(risk, fail_on)
        ]
    )
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
                        "informationUri": INFORMATION_URI,
                        "rules": [_rule_object(rule) for rule in RULES],
                        "notifications": [
                            {"id": note_id, "shortDescription": {"text": text}}
                            for note_id, text in _NOTIFICATIONS
                        ],
                    }
                },
                "invocations": [
                    {
                        "executionSuccessful": not report.input_errors,
                        "toolExecutionNotifications": notifications(report),
                    }
                ],
                "columnKind": "unicodeCodePoints",
                "results": results,
                "properties": run_properties(report),
            }
        ],
    }
    return json_safe(dumps(log, len(results))) + "\n"


def rule_for(risk: PackageRisk) -> Rule:
    """The rule a finding is filed under: the first in `RULES` that one of its signals is in."""
    kinds = {s.kind for s in risk.signals if s.weight > 0}
    if risk.recommendation is Recommendation.NOT_FOUND:
        kinds.add(SignalKind.NOT_FOUND)
    for rule in RULES:
        if rule.kinds & kinds:
            return rule
    return _FALLBACK


def fingerprint(rule: Rule, risk: PackageRisk, source: Source | None) -> str:
    """A stable identity for one finding: rule, registry, normalized name and file, nothing else.

    No version and no message text: GitHub matches alerts across commits by this value, and an
    upgrade that keeps the package on the same line must not close one alert and open another.
    """
    parts = (
        rule.id,
        risk.registry.value,
        risk.normalized_name,
        _uri(source.file) if source else "",
    )
    return hashlib.sha256("\0".join(parts).encode()).hexdigest()[:32]


def notifications(report: Report) -> list[dict[str, Any]]:
    """The run's tool execution notifications: what was not checked, and why."""
    return [*_unverified(report), *_input_errors(report), *_skipped(report)]


def run_properties(report: Report) -> dict[str, Any]:
    """The run's property bag: the verdict counts, for dashboards that read the log, and which
    known-malicious data the run used.
    """
    return {
        "summary": {rec.value: report.count(rec) for rec in Recommendation},
        "feeds": [
            {
                "name": feed.name,
                "dataAsOf": feed.data_as_of,
                "records": feed.records,
                "stale": feed.stale,
            }
            for feed in report.feeds
        ],
    }


def _rule_object(rule: Rule) -> dict[str, Any]:
    return {
        "id": rule.id,
        "name": rule.name,
        "shortDescription": {"text": rule.short},
        "fullDescription": {"text": rule.full},
        "help": {"text": rule.help, "markdown": f"{rule.help} See [the verdicts]({HELP_URI})."},
        "helpUri": HELP_URI,
        "defaultConfiguration": {"level": "error"},
        "properties": {
            "tags": list(dict.fromkeys((*_TAGS, *rule.tags))),
            "security-severity": f"{rule.security_severity:.1f}",
            "precision": _PRECISION,
        },
    }


_RULE_INDEX = {rule.id: index for index, rule in enumerate(RULES)}


def _results(risk: PackageRisk, fail_on: FailOn) -> list[dict[str, Any]]:
    rule = rule_for(risk)
    reasons = "; ".join(clean(s.message) for s in risk.signals if s.weight > 0)
    text = f"{risk.recommendation.value}: {risk.registry.value} package '{clean(risk.name)}'"
    if reasons:
        text += f" — {reasons}"
    if risk.suggestion:
        text += f". Did you mean '{clean(risk.suggestion)}'?"
    base: dict[str, Any] = {
        "ruleId": rule.id,
        "ruleIndex": _RULE_INDEX[rule.id],
        "level": _level(risk, fail_on),
        "message": {"text": text},
        "properties": {
            "purl": to_purl(risk.registry, risk.normalized_name),
            "riskScore": risk.risk_score,
            "recommendation": risk.recommendation.value,
            "signals": [s.kind.value for s in risk.signals],
        },
    }
    if not risk.sources:
        return [{**base, "partialFingerprints": _fingerprints(rule, risk, None)}]
    return [
        {
            **base,
            "locations": [_location(source)],
            "partialFingerprints": _fingerprints(rule, risk, source),
        }
        for source in risk.sources
    ]


def _fingerprints(rule: Rule, risk: PackageRisk, source: Source | None) -> dict[str, str]:
    value = fingerprint(rule, risk, source)
    # Without primaryLocationLineHash, the upload action computes one from the text of the line,
    # and a dependency's line holds its version: an upgrade would re-open the alert.
    return {FINGERPRINT_KEY: value, "primaryLocationLineHash": value}


def _number_occurrences(results: list[dict[str, Any]]) -> list[dict[str, Any]]:
    """``primaryLocationLineHash`` as ``hash:N``, N counting repeats of one hash in the run (a
    name declared twice in one file), the form the upload action gives its own line hashes.
    """
    seen: dict[str, int] = {}
    for result in results:
        prints = result["partialFingerprints"]
        value = prints["primaryLocationLineHash"]
        seen[value] = seen.get(value, 0) + 1
        result["partialFingerprints"] = {
            **prints,
            "primaryLocationLineHash": f"{value}:{seen[value]}",
        }
    return results


def _unverified(report: Report) -> list[dict[str, Any]]:
    notes = []
    for risk in report.results:
        if risk.recommendation is not Recommendation.ERROR:
            continue
        note: dict[str, Any] = {
            "descriptor": {"id": LOOKUP_FAILED, "index": _NOTE_INDEX[LOOKUP_FAILED]},
            "level": "warning",
            "message": {
                "text": f"could not verify {risk.registry.value} package '{clean(risk.name)}': "
                f"{clean(risk.error or 'unknown error')}"
            },
            "properties": {"purl": to_purl(risk.registry, risk.normalized_name)},
        }
        if risk.sources:
            note["locations"] = [_location(source) for source in risk.sources]
        notes.append(note)
    return notes


def _skipped(report: Report) -> list[dict[str, Any]]:
    """Skipped entries as notifications, not results: nothing was found wrong with them, they
    were not checked.
    """
    notes = []
    for entry in report.skipped:
        note: dict[str, Any] = {
            "descriptor": {"id": SKIPPED, "index": _NOTE_INDEX[SKIPPED]},
            "level": "note",
            "message": {"text": f"not checked: {clean(entry.spec)}: {clean(entry.reason)}"},
        }
        if entry.source is not None:
            note["locations"] = [_location(entry.source)]
        notes.append(note)
    return notes


def _input_errors(report: Report) -> list[dict[str, Any]]:
    return [
        {
            "descriptor": {"id": INPUT_ERROR, "index": _NOTE_INDEX[INPUT_ERROR]},
            "level": "error",
            "message": {"text": clean(error)},
        }
        for error in report.input_errors
    ]


def _location(source: Source) -> dict[str, Any]:
    path = PurePath(source.file)
    # A relative path is relative to the checkout (%SRCROOT%); an absolute one is a file: URI.
    artifact = (
        {"uri": Path(path).as_uri()}
        if path.is_absolute()
        else {"uri": _uri(source.file), "uriBaseId": "%SRCROOT%"}
    )
    physical: dict[str, Any] = {"artifactLocation": artifact}
    if source.line:
        physical["region"] = {"startLine": source.line}
    return {"physicalLocation": physical}


def _level(risk: PackageRisk, fail_on: FailOn) -> str:
    if rule_for(risk).security_severity >= 9.0:
        return "error"  # known malicious: never only a warning
    return "error" if risk.recommendation.severity >= fail_on.threshold else "warning"


def _uri(file: str) -> str:
    """A relative URI reference with forward slashes (SARIF §3.4.3 wants URIs, not paths)."""
    path = PurePath(file)
    return quote(path.as_posix().removeprefix("./"), safe="/")
