"""The human report: a rich table on a terminal, plain aligned lines everywhere else.

rich is imported only when a table is actually drawn, so hooks and CI logs do not pay for it.
"""

from __future__ import annotations

import io

from phantom_guard.model import (
    FeedInfo,
    PackageRisk,
    Recommendation,
    Registry,
    Report,
    Signal,
    Skipped,
)
from phantom_guard.report import clean

TYPE_CHECKING = False  # typing.TYPE_CHECKING, without importing typing on the start-up path
if TYPE_CHECKING:
    from collections.abc import Iterator

_STYLES = {
    Recommendation.SAFE: "green",
    Recommendation.SUSPICIOUS: "yellow",
    Recommendation.HIGH_RISK: "bold red",
    Recommendation.NOT_FOUND: "bold red",
    Recommendation.ERROR: "magenta",
}
_REASONS_SHOWN = 3


def render(report: Report, *, verbose: bool = False, color: bool = False, width: int = 100) -> str:
    """The report as text; `color` draws a rich table (for terminals), else plain lines."""
    if color:
        return _render_rich(report, verbose=verbose, width=width)
    lines: list[str] = _header(report)
    for title, results in _groups(report):
        if title:
            lines.append(clean(title))
        indent = "  " if title else ""
        for risk in results:
            lines.append(_headline(risk, indent))
            # A SAFE line gives no reasons.
            if verbose or risk.recommendation is not Recommendation.SAFE:
                lines.extend(f"{indent}    - {said(s)}" for s in _reasons(risk, verbose))
    lines.extend(_footer(report))
    return "\n".join(lines) + "\n"


def _header(report: Report) -> list[str]:
    """The config files the run read, so nobody wonders which one applied."""
    if not report.config:
        return []
    return ["config: " + ", ".join(clean(path) for path in report.config)]


def _headline(risk: PackageRisk, indent: str) -> str:
    where = _lines_of(risk)
    tail = f"  did you mean '{clean(risk.suggestion)}'?" if risk.suggestion else ""
    # The padded columns of each verdict and registry, looked up: formatting a `str` subclass
    # (a StrEnum member) with a width looks up its `__format__`, ~1,000 instructions a time.
    # A report holds a handful of distinct scores, and formatting a float costs three times
    # the rest of the line: each is formatted once (a zero as 0.00, whatever its sign, as the
    # memo cannot tell -0.0 from 0.0).
    score = _SCORE_CELLS.get(risk.risk_score)
    if score is None:
        score = _SCORE_CELLS[risk.risk_score] = f"{risk.risk_score + 0.0:4.2f}"
    return (
        f"{indent}{_VERDICT_CELLS[risk.recommendation]} {score}  "
        f"{_REGISTRY_CELLS[risk.registry]} {clean(risk.name)}{where}{tail}"
    )


_VERDICT_CELLS = {verdict: f"{verdict.value:<10}" for verdict in Recommendation}
_REGISTRY_CELLS = {registry: f"{registry.value:<6}" for registry in Registry}
_SCORE_CELLS: dict[float, str] = {}


def _lines_of(risk: PackageRisk) -> str:
    sources = risk.sources
    if len(sources) == 1:  # most names are declared once
        line = sources[0].line
        return f" (line {line})" if line else ""
    lines = [str(s.line) for s in sources if s.line]
    return f" (line {', '.join(lines)})" if lines else ""


def said(signal: Signal) -> str:
    """A signal's message, then any registry text it carries, quoted and marked as such."""
    quoted = signal.evidence.get("registry_text")
    if not isinstance(quoted, str):
        return clean(signal.message)
    return f'{clean(signal.message)}; registry text: "{clean(quoted, 120)}"'


def _reasons(risk: PackageRisk, verbose: bool) -> list[Signal]:
    if verbose:
        return list(risk.signals)
    if risk.recommendation is Recommendation.SAFE:
        return []
    if risk.recommendation is Recommendation.ERROR:
        return [s for s in risk.signals if s.weight >= 0][:_REASONS_SHOWN]
    ranked = sorted((s for s in risk.signals if s.weight > 0), key=lambda s: -s.weight)
    return ranked[:_REASONS_SHOWN]


def _groups(report: Report) -> Iterator[tuple[str, list[PackageRisk]]]:
    """Results grouped by the first file that declared them; results without files together."""
    groups: dict[str, list[PackageRisk]] = {}
    for risk in report.results:
        key = risk.sources[0].file if risk.sources else ""
        groups.setdefault(key, []).append(risk)
    yield from groups.items()


def _footer(report: Report) -> list[str]:
    lines = []  # input errors go to stderr, one line each, from the CLI
    if report.skipped:
        lines.append(f"{len(report.skipped)} entries skipped (not checked); -v lists them")
    counts = ", ".join(f"{report.count(r)} {r.value}" for r in Recommendation)
    lines.append(f"{len(report.results)} packages: {counts}")
    lines.extend(feed_line(feed) for feed in report.feeds)
    return lines


def feed_line(feed: FeedInfo) -> str:
    """Which known-malicious data the run used (one line per feed)."""
    stale = " (stale)" if feed.stale else ""
    return (
        f"known-malicious feed: {clean(feed.name)}, data as of "
        f"{clean(feed.data_as_of or 'unknown')}, {feed.records} records{stale}"
    )


def render_skipped(report: Report) -> list[str]:
    """One line per skipped entry (shown with -v)."""
    return [f"skipped {_where(entry)}{clean(entry.reason)}" for entry in report.skipped]


def _render_rich(report: Report, *, verbose: bool, width: int) -> str:
    from rich.console import Console
    from rich.table import Table
    from rich.text import Text

    console = Console(width=width, record=True, force_terminal=True, file=io.StringIO())
    for line in _header(report):
        console.print(Text(line))
    for title, results in _groups(report):
        # Text, never markup: a folder named "[/bold]" or "[link=…]" is shown, not obeyed.
        table = Table(
            title=Text(clean(title)) if title else None, title_justify="left", expand=False
        )
        table.add_column("verdict", no_wrap=True)
        table.add_column("score", justify="right")
        table.add_column("package", overflow="fold")
        table.add_column("registry")
        table.add_column("why", overflow="fold")
        for risk in results:
            why = "\n".join(said(s) for s in _reasons(risk, verbose))
            if risk.suggestion:
                why = (why + "\n" if why else "") + f"did you mean '{clean(risk.suggestion)}'?"
            table.add_row(
                Text(risk.recommendation.value, style=_STYLES[risk.recommendation]),
                f"{risk.risk_score:.2f}",
                Text(clean(risk.name) + _lines_of(risk)),
                risk.registry.value,
                Text(why),
            )
        console.print(table)
    for line in _footer(report):
        console.print(Text(line))
    return console.export_text(styles=True)


def _where(entry: Skipped) -> str:
    if entry.source is None:
        return ""
    return f"{clean(entry.source.file)}:{entry.source.line or '?'}: "
