"""SARIF checks shared by the report, render and action tests: the OASIS 2.1.0 schema (vendored
in tests/fixtures/sarif, see its NOTICE) plus the rules GitHub code scanning adds on top of it.
"""

from __future__ import annotations

import json
from functools import cache
from pathlib import Path
from typing import Any

import jsonschema

SCHEMA = Path(__file__).resolve().parents[1] / "fixtures" / "sarif" / "sarif-schema-2.1.0.json"


@cache
def _validator() -> Any:
    # Fails, never skips: the schema ships with the tests, so a missing file is a broken checkout.
    assert SCHEMA.is_file(), f"the vendored OASIS SARIF 2.1.0 schema is missing: {SCHEMA}"
    schema = json.loads(SCHEMA.read_text(encoding="utf-8"))
    cls = jsonschema.validators.validator_for(schema)
    cls.check_schema(schema)
    return cls(schema, format_checker=cls.FORMAT_CHECKER)


def schema_errors(log: Any) -> list[str]:
    """Every way `log` breaks the OASIS schema, as ``path: message`` lines."""
    errors = sorted(_validator().iter_errors(log), key=lambda e: list(e.path))
    return [f"{list(e.path)}: {e.message}" for e in errors]


def github_errors(log: dict[str, Any], *, locations: bool = True) -> list[str]:
    """Every way `log` breaks what GitHub code scanning needs beyond the schema.

    Rules: short/full description and help text, a numeric ``security-severity`` in 0-10,
    unique string tags. Results: a known ruleId (and a matching ruleIndex), message text,
    partialFingerprints, and with `locations` at least one relative file URI with a valid line.
    """
    errors: list[str] = []
    for r, run in enumerate(log["runs"]):
        driver = run["tool"]["driver"]
        if not driver.get("name"):
            errors.append(f"runs[{r}]: tool.driver.name is empty")
        rules = driver.get("rules", [])
        ids = [rule.get("id") for rule in rules]
        if len(set(ids)) != len(ids):
            errors.append(f"runs[{r}]: duplicate rule ids {ids}")
        for rule in rules:
            where = f"rule {rule.get('id')}"
            for field in ("shortDescription", "fullDescription", "help"):
                if not (rule.get(field) or {}).get("text", "").strip():
                    errors.append(f"{where}: {field}.text is missing")
            properties = rule.get("properties", {})
            try:
                severity = float(properties["security-severity"])
            except (KeyError, TypeError, ValueError):
                errors.append(f"{where}: security-severity is not a number")
            else:
                if not 0.0 <= severity <= 10.0:
                    errors.append(f"{where}: security-severity {severity} is out of 0-10")
            tags = properties.get("tags", [])
            if not all(isinstance(t, str) and t for t in tags):
                errors.append(f"{where}: tags must be non-empty strings")
            if len(set(tags)) != len(tags):
                errors.append(f"{where}: duplicate tags {tags}")
        for i, result in enumerate(run.get("results", [])):
            where = f"runs[{r}].results[{i}]"
            if result.get("ruleId") not in ids:
                errors.append(f"{where}: ruleId {result.get('ruleId')!r} has no rule")
            elif "ruleIndex" in result and ids[result["ruleIndex"]] != result["ruleId"]:
                errors.append(f"{where}: ruleIndex does not point at ruleId")
            if not result.get("message", {}).get("text", "").strip():
                errors.append(f"{where}: message.text is missing")
            if not result.get("partialFingerprints"):
                errors.append(f"{where}: no partialFingerprints")
            if locations:
                errors.extend(_location_errors(where, result.get("locations", [])))
    return errors


def _location_errors(where: str, locations: list[Any]) -> list[str]:
    if not locations:
        return [f"{where}: no location"]
    errors = []
    for location in locations:
        physical = location.get("physicalLocation", {})
        uri = physical.get("artifactLocation", {}).get("uri", "")
        if not uri or uri.startswith("/") or "\\" in uri or "://" in uri:
            errors.append(f"{where}: {uri!r} is not a relative URI with forward slashes")
        line = physical.get("region", {}).get("startLine", 1)
        if not isinstance(line, int) or line < 1:
            errors.append(f"{where}: startLine {line!r}")
    return errors


def assert_valid(log: dict[str, Any], *, locations: bool = True) -> None:
    """Fail with every schema and GitHub problem of `log` listed."""
    problems = schema_errors(log) + github_errors(log, locations=locations)
    assert not problems, "\n".join(problems)


def fingerprints(log: dict[str, Any]) -> list[tuple[str, str]]:
    """(ruleId, fingerprint) of every result, in order."""
    return [
        (result["ruleId"], json.dumps(result["partialFingerprints"], sort_keys=True))
        for run in log["runs"]
        for result in run["results"]
    ]
