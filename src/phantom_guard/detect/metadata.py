"""Signals from what a registry says about an existing package. Pure: no I/O.

An unknown field (None) is neutral: registries and mirrors leave fields out, and a missing
field must not by itself make a package look risky.
"""

from __future__ import annotations

from phantom_guard.detect.score import signal
from phantom_guard.model import PackageMetadata, Signal, SignalKind
from phantom_guard.stand_ins import datetime, timedelta

ESTABLISHED_AFTER = timedelta(days=730)
# Age bands for RECENTLY_CREATED and the share of its weight each carries.
_RECENT_BANDS = (
    (timedelta(days=7), 1.0),
    (timedelta(days=30), 0.85),
    (timedelta(days=90), 0.6),
    (timedelta(days=365), 0.35),
)
_FEW_RELEASES = 2
_SHORT_DESCRIPTION = 12
_BURST_WINDOW = timedelta(hours=48)
_BURST_RELEASES = 4
# Monthly downloads: below the first a package is practically unused; above the others, used by
# people (an attacker's placeholder does not reach that without being noticed), half or full trust.
_LOW_DOWNLOADS = 50
_USED = 1_000
_WIDELY_USED = 10_000


def metadata_signals(meta: PackageMetadata, now: datetime) -> list[Signal]:
    """Everything the registry's answer says about how risky this package is."""
    if meta.security_holding:
        return [
            signal(
                SignalKind.SECURITY_HOLDING,
                "the registry replaced this package with a security placeholder "
                "(it was taken down as malicious)",
                version=meta.latest_version,
            )
        ]
    if meta.unpublished:
        return [
            signal(
                SignalKind.UNPUBLISHED,
                "every version was unpublished; the name can be registered again by anyone",
            )
        ]
    found: list[Signal] = []
    if meta.release_count == 0:
        found.append(signal(SignalKind.NO_RELEASES, "the name is registered but has no releases"))
    elif meta.all_yanked:
        found.append(signal(SignalKind.ALL_YANKED, "every release has been yanked"))
    found += _age_signals(meta, now)
    if meta.release_count is not None and 0 < meta.release_count <= _FEW_RELEASES:
        found.append(
            signal(
                SignalKind.FEW_RELEASES,
                f"only {meta.release_count} release(s)",
                releases=meta.release_count,
            )
        )
    if _is_burst(meta.release_times):
        found.append(
            signal(
                SignalKind.RELEASE_BURST,
                f"all {len(meta.release_times)} releases within {_BURST_WINDOW.days} days",
                releases=len(meta.release_times),
            )
        )
    found += _description_signals(meta)
    if meta.repository is None:
        found.append(signal(SignalKind.NO_REPOSITORY, "no source repository linked"))
    if meta.maintainers is not None and not meta.maintainers:
        found.append(signal(SignalKind.NO_MAINTAINER, "no author or maintainer named"))
    if meta.deprecated:
        # The note is the publisher's text, not ours: it goes into the evidence, marked as
        # registry text, where a reader (or an agent) can tell it apart from the tool's words.
        found.append(
            signal(
                SignalKind.DEPRECATED,
                "deprecated by its publisher (their note: evidence.registry_text)",
                registry_text=meta.deprecated[:300],
            )
        )
    found += _download_signals(meta.monthly_downloads)
    return found


def _age_signals(meta: PackageMetadata, now: datetime) -> list[Signal]:
    if meta.created is None:
        return []
    age = now - meta.created
    for limit, strength in _RECENT_BANDS:
        if age < limit:
            return [
                signal(
                    SignalKind.RECENTLY_CREATED,
                    f"first published {max(age.days, 0)} day(s) ago",
                    strength=strength,
                    age_days=max(age.days, 0),
                )
            ]
    if age >= ESTABLISHED_AFTER:
        return [
            signal(
                SignalKind.ESTABLISHED,
                f"first published {age.days // 365} years ago",
                age_days=age.days,
            )
        ]
    return []


def _description_signals(meta: PackageMetadata) -> list[Signal]:
    if meta.summary is None:
        return [signal(SignalKind.NO_DESCRIPTION, "no description")]
    if len(meta.summary) < _SHORT_DESCRIPTION:
        return [
            signal(
                SignalKind.SHORT_DESCRIPTION,
                f"very short description ({len(meta.summary)} characters)",
            )
        ]
    return []


def _is_burst(times: tuple[datetime, ...]) -> bool:
    return len(times) >= _BURST_RELEASES and times[-1] - times[0] <= _BURST_WINDOW


def _download_signals(monthly: int | None) -> list[Signal]:
    if monthly is None:
        return []
    if monthly < _LOW_DOWNLOADS:
        return [
            signal(SignalKind.LOW_DOWNLOADS, f"{monthly} downloads last month", downloads=monthly)
        ]
    if monthly >= _USED:
        return [
            signal(
                SignalKind.WIDELY_USED,
                f"{monthly:,} downloads last month",
                strength=1.0 if monthly >= _WIDELY_USED else 0.5,
                downloads=monthly,
            )
        ]
    return []
