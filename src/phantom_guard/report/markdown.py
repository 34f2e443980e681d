"""Markdown for a pull-request comment: findings first, in a table, with safe escaping."""

from __future__ import annotations

import re

from phantom_guard.model import PackageRisk, Recommendation, Report
from phantom_guard.report import clean

_ICONS = {
    Recommendation.NOT_FOUND: "⛔",
    Recommendation.HIGH_RISK: "🔴",
    Recommendation.SUSPICIOUS: "🟡",
    Recommendation.ERROR: "⚠️",
    Recommendation.SAFE: "✅",
}
# Characters with meaning in Markdown or HTML: escaped so a package name cannot format,
# link, mention or inject markup in the comment.
_MARKDOWN_SPECIAL = re.compile(r"([\\`*_{}\[\]()<>#+!|~@])")


def render(report: Report) -> str:
    """The report as GitHub-flavoured Markdown."""
    findings = [r for r in report.results if r.recommendation is not Recommendation.SAFE]
    counts = (
        ", ".join(f"{report.count(r)} {r.value}" for r in Recommendation if report.count(r))
        or "nothing to check"
    )
    lines = [
        f"### phantom-guard: {len(findings)} of {len(report.results)} packages need attention",
        "",
    ]
    lines.append(f"{counts}.")
    lines.append("")
    for feed in report.feeds:
        stale = " (stale)" if feed.stale else ""
        lines.append(
            f"Known-malicious feed: {escape(feed.name)}, data as of "
            f"{escape(feed.data_as_of or 'unknown')}, {feed.records} records{stale}."
        )
        lines.append("")
    if findings:
        lines += ["| | verdict | package | registry | where | why |", "|---|---|---|---|---|---|"]
        lines += [_row(risk) for risk in findings]
        lines.append("")
    if report.input_errors:
        lines.append("**Input errors**")
        lines.append("")
        lines += [f"- {escape(e)}" for e in report.input_errors]
        lines.append("")
    return "\n".join(lines)


def _row(risk: PackageRisk) -> str:
    where = "<br>".join(escape(f"{s.file}:{s.line}" if s.line else s.file) for s in risk.sources)
    reasons = [escape(s.message) for s in risk.signals if s.weight > 0][:3]
    if risk.suggestion:
        reasons.append(f"did you mean {_code(risk.suggestion)}?")
    return (
        f"| {_ICONS[risk.recommendation]} | {risk.recommendation.value} | "
        f"{escape(risk.name)} | {risk.registry.value} | {where} | {'<br>'.join(reasons)} |"
    )


def _code(text: str) -> str:
    """A code span: backslash escapes do not work inside one, so only text that cannot end the
    span or the table cell goes in it (a suggestion is a popular name: always); else escaped text.
    """
    cleaned = clean(text)
    if "`" in cleaned or "|" in cleaned:
        return escape(text)
    return f"`{cleaned}`"


def escape(text: str) -> str:
    """Untrusted text made inert in Markdown: controls escaped, specials backslashed."""
    return _MARKDOWN_SPECIAL.sub(r"\\\1", clean(text)).replace("\n", " ")
