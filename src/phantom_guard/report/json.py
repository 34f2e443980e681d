"""The JSON report of DESIGN.md §3: exactly one document, every key always present."""

from __future__ import annotations

from phantom_guard._version import __version__
from phantom_guard.model import PackageRisk, Recommendation, Report, Skipped
from phantom_guard.names import to_purl
from phantom_guard.report import dumps_many, json_safe

TYPE_CHECKING = False  # typing.TYPE_CHECKING, without importing typing on the start-up path
if TYPE_CHECKING:
    from collections.abc import Iterator
    from typing import Any

SCHEMA_VERSION = 1


def render(report: Report) -> str:
    """The report as one JSON document (input order kept)."""
    return "".join(render_parts(report))


def render_parts(report: Report) -> Iterator[str]:
    """`render`'s document in pieces, a result at a time once the report is large."""
    document: dict[str, Any] = {
        "schema_version": SCHEMA_VERSION,
        "tool": {"name": "phantom-guard", "version": __version__},
        "results": [],  # filled by dumps_many, one result at a time
        "summary": summary(report),
        "skipped": [skipped_object(entry) for entry in report.skipped],
        "feeds": [
            {
                "name": feed.name,
                "data_as_of": feed.data_as_of,
                "records": feed.records,
                "stale": feed.stale,
            }
            for feed in report.feeds
        ],
        "config": list(report.config),
    }
    # json_safe escapes single characters, so escaping piece by piece is escaping the whole.
    pieces = None
    from phantom_guard.report import _STDLIB_UP_TO

    if len(report.results) > _STDLIB_UP_TO:  # where dumps_many takes orjson: the same bytes
        from phantom_guard.report.json_results import result_pieces

        pieces = result_pieces(document, report.results)
    for piece in pieces or dumps_many(document, "results", report.results, result_object):
        yield json_safe(piece)
    yield "\n"


def result_object(risk: PackageRisk) -> dict[str, Any]:
    """One result as its JSON object."""
    return {
        "name": risk.name,
        "normalized_name": risk.normalized_name,
        "registry": risk.registry.value,
        "purl": to_purl(risk.registry, risk.normalized_name),
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
        "sources": [
            {"file": src.file, "line": src.line, "version": src.version} for src in risk.sources
        ],
        "cached": risk.cached,
        "error": risk.error,
    }


def skipped_object(entry: Skipped) -> dict[str, Any]:
    """One entry of the top-level ``skipped`` list."""
    return {
        "file": entry.source.file if entry.source else None,
        "line": entry.source.line if entry.source else None,
        "spec": entry.spec,
        "reason": entry.reason,
    }


def summary(report: Report) -> dict[str, int]:
    """Counts per verdict, every verdict present."""
    counts = {"total": len(report.results)}
    counts.update({rec.value: report.count(rec) for rec in Recommendation})
    return counts
