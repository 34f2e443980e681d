"""The JSON report of DESIGN.md §3: exactly one document, every key always present."""

from __future__ import annotations

from typing import Any

import orjson

from phantom_guard._version import __version__
from phantom_guard.model import PackageRisk, Recommendation, Report
from phantom_guard.report import json_safe

SCHEMA_VERSION = 1


def render(report: Report) -> str:
    """The report as one JSON document (input order kept)."""
    document = {
        "schema_version": SCHEMA_VERSION,
        "tool": {"name": "phantom-guard", "version": __version__},
        "results": [result_object(r) for r in report.results],
        "summary": summary(report),
    }
    return json_safe(orjson.dumps(document, option=orjson.OPT_INDENT_2).decode()) + "\n"


def result_object(risk: PackageRisk) -> dict[str, Any]:
    """One result as its JSON object."""
    return {
        "name": risk.name,
        "normalized_name": risk.normalized_name,
        "registry": risk.registry.value,
        "purl": risk.purl,
        "recommendation": risk.recommendation.value,
        "risk_score": risk.risk_score,
        "exists": risk.exists,
        "signals": [
            {
                "kind": s.kind.value,
                "weight": s.weight,
                "message": s.message,
                "evidence": dict(s.evidence),
            }
            for s in risk.signals
        ],
        "suggestion": risk.suggestion,
        "sources": [{"file": src.file, "line": src.line} for src in risk.sources],
        "cached": risk.cached,
        "error": risk.error,
    }


def summary(report: Report) -> dict[str, int]:
    """Counts per verdict, every verdict present."""
    counts = {"total": len(report.results)}
    counts.update({rec.value: report.count(rec) for rec in Recommendation})
    return counts
