"""Tests of the report renderers; a report built from literal results, hostile text included."""

from __future__ import annotations

import unicodedata

from phantom_guard.detect.score import signal
from phantom_guard.model import (
    NormalizedName,
    PackageRisk,
    Recommendation,
    Registry,
    Report,
    SignalKind,
    Source,
)

#: Terminal escapes, a bidi override, and newlines: what a hostile name or message may carry.
HOSTILE = "evil\x1b[31mRED\x1b[0m\u202eexe.txt\nINJECTED-LINE\r\x07"
HOSTILE_MARKERS = ("\x1b", "\u202e", "\x07", "\r")


def has_control(text: str) -> bool:
    """Whether `text` holds a control or format character other than plain newlines."""
    return any(unicodedata.category(c) in ("Cc", "Cf") for c in text.replace("\n", ""))


def risk(
    name: str,
    recommendation: Recommendation,
    *,
    registry: Registry = Registry.PYPI,
    score: float | None = None,
    sources: tuple[Source, ...] = (),
    suggestion: str | None = None,
    message: str | None = None,
) -> PackageRisk:
    """A literal result with signals that fit its verdict."""
    error = None
    exists: bool | None = True
    match recommendation:
        case Recommendation.SAFE:
            signals = (signal(SignalKind.POPULAR_PACKAGE, "among the most downloaded (rank 6)"),)
        case Recommendation.NOT_FOUND:
            exists = False
            signals = (signal(SignalKind.NOT_FOUND, message or "not found on the registry"),)
        case Recommendation.HIGH_RISK:
            signals = (
                signal(SignalKind.TYPOSQUAT, message or "looks like a typo of 'requests'"),
                signal(SignalKind.RECENTLY_CREATED, "first published 3 day(s) ago"),
            )
        case Recommendation.SUSPICIOUS:
            signals = (signal(SignalKind.FEW_RELEASES, message or "only 1 release(s)"),)
        case Recommendation.ERROR:
            exists = None
            error = message or "HTTP 503 from registry.test"
            signals = (signal(SignalKind.LOOKUP_FAILED, f"could not verify: {error}"),)
    default = {
        Recommendation.SAFE: 0.0,
        Recommendation.SUSPICIOUS: 0.35,
        Recommendation.HIGH_RISK: 0.8,
        Recommendation.NOT_FOUND: 0.9,
        Recommendation.ERROR: 0.0,
    }[recommendation]
    return PackageRisk(
        name=name,
        normalized_name=NormalizedName(name.lower()),
        registry=registry,
        recommendation=recommendation,
        risk_score=default if score is None else score,
        exists=exists,
        signals=signals,
        suggestion=suggestion,
        sources=sources,
        error=error,
    )


def sample_report() -> Report:
    """One result of each verdict, with file:line sources, in a fixed order."""
    return Report(
        (
            risk("requests", Recommendation.SAFE, sources=(Source("requirements.txt", 1),)),
            risk(
                "reqeusts",
                Recommendation.HIGH_RISK,
                sources=(Source("requirements.txt", 2), Source("sub dir/requirements-dev.txt", 7)),
                suggestion="requests",
            ),
            risk(
                "flask-gpt-helper",
                Recommendation.NOT_FOUND,
                sources=(Source("requirements.txt", 4),),
                suggestion="flask",
            ),
            risk(
                "tiny-new-lib",
                Recommendation.SUSPICIOUS,
                sources=(Source("pyproject.toml", 12),),
            ),
            risk("@acme/widget", Recommendation.ERROR, registry=Registry.NPM),
        )
    )


def hostile_report() -> Report:
    """Hostile text in the name, the messages, the suggestion, the file and the input errors."""
    return Report(
        (
            risk(
                HOSTILE,
                Recommendation.NOT_FOUND,
                message=HOSTILE,
                suggestion=HOSTILE,
                sources=(Source(f"req{HOSTILE}.txt", 3),),
            ),
            risk(HOSTILE, Recommendation.HIGH_RISK, message=HOSTILE),
            risk(HOSTILE, Recommendation.ERROR, message=HOSTILE),
        ),
        input_errors=(f"bad name {HOSTILE}",),
    )
