"""Findings about where a package comes from, decided without asking any registry.

FOREIGN_SOURCE: a lock entry fetched from a host no configuration names is never SAFE by name
alone; a popular name fetched from elsewhere is the classic substitution, so HIGH_RISK.
DEPENDENCY_CONFUSION_EXPOSURE: a private name the public index could serve as well.
"""

from __future__ import annotations

from collections.abc import Callable, Iterable, Mapping

from phantom_guard.detect.score import HIGH_RISK_AT, recommend, risk_score, signal
from phantom_guard.model import (
    NormalizedName,
    PackageRef,
    PackageRisk,
    Recommendation,
    Registry,
    Signal,
    SignalKind,
    Source,
)
from phantom_guard.names import normalize


def foreign_source(
    refs: Iterable[tuple[PackageRef, str]],
    popular: Callable[[PackageRef], bool],
    *,
    added: Mapping[str, str] | None = None,
) -> list[PackageRisk]:
    """One finding per name among `refs` (each with the host its lock entry names). With
    `added` (host -> where and since when), the host is one a change added to the configuration.
    """
    results: list[PackageRisk] = []
    for group in _grouped(refs):
        ref, host = group[0]
        where = ", ".join(_where(r.source) for r, _ in group if r.source is not None)
        famous = popular(ref)
        if added is not None and host in added:
            what = f"routed to {host}, an index host {added[host]}"
        else:
            what = f"fetched from {host}, a host no package-manager configuration names"
        found = signal(
            SignalKind.FOREIGN_SOURCE,
            what
            + (f" ({where})" if where else "")
            + (
                "; a popular name fetched from elsewhere is a classic substitution"
                if famous
                else ""
            ),
            host=host,
            popular=famous,
        )
        verdict, score = recommend((found,), exists=True)
        if famous:
            verdict, score = Recommendation.HIGH_RISK, max(score, HIGH_RISK_AT)
        results.append(_risk(group, verdict, score, (found,)))
    return results


def confusion_exposure(refs: Iterable[tuple[PackageRef, str]]) -> list[PackageRisk]:
    """One finding per private name the public index could also serve; the text says why and
    how to fix it.
    """
    results: list[PackageRisk] = []
    for group in _grouped(refs):
        ref, why = group[0]
        found = signal(
            SignalKind.DEPENDENCY_CONFUSION_EXPOSURE,
            f"private name {ref.name!r} could be resolved from the public index too: {why}",
        )
        verdict, score = recommend((found,), exists=True)
        results.append(_risk(group, verdict, score, (found,)))
    return results


def publicly_claimed(exposed: PackageRisk, claimed: bool) -> PackageRisk:
    """An exposure finding after asking the public registry (``--check-public-claims``)."""
    if not claimed:
        return exposed
    found = signal(
        SignalKind.NOT_FOUND,
        "someone has already registered this private name on the public registry",
    )
    signals = (*exposed.signals, found)
    return PackageRisk(
        name=exposed.name,
        normalized_name=exposed.normalized_name,
        registry=exposed.registry,
        recommendation=Recommendation.HIGH_RISK,
        risk_score=max(risk_score(signals), HIGH_RISK_AT),
        exists=True,
        signals=signals,
        sources=exposed.sources,
    )


def _grouped(refs: Iterable[tuple[PackageRef, str]]) -> list[list[tuple[PackageRef, str]]]:
    groups: dict[tuple[Registry, NormalizedName], list[tuple[PackageRef, str]]] = {}
    for ref, note in refs:
        groups.setdefault((ref.registry, normalize(ref.name, ref.registry)), []).append((ref, note))
    return list(groups.values())


def _risk(
    group: list[tuple[PackageRef, str]],
    verdict: Recommendation,
    score: float,
    signals: tuple[Signal, ...],
) -> PackageRisk:
    ref = group[0][0]
    sources: list[Source] = []
    for member, _ in group:
        if member.source is not None and member.source not in sources:
            sources.append(member.source)
    return PackageRisk(
        name=ref.name,
        normalized_name=normalize(ref.name, ref.registry),
        registry=ref.registry,
        recommendation=verdict,
        risk_score=score,
        exists=None,
        signals=signals,
        sources=tuple(sources),
    )


def _where(source: Source) -> str:
    return f"{source.file}:{source.line}" if source.line else source.file
