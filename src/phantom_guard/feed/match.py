"""A name's feed listings + the versions a project uses -> signals. Pure: no I/O.

OSV's rule for a range ("Evaluation", OSV schema): sort the events by version; a version is
affected when the last event at or below it is ``introduced`` (``fixed`` ends the run at that
version, ``last_affected`` just after it). ``introduced: "0"`` with nothing after it affects every
version: the whole package is malware.
"""

from __future__ import annotations

from collections.abc import Callable, Sequence
from typing import Any

from phantom_guard.detect.score import signal
from phantom_guard.feed import semver
from phantom_guard.model import PackageMetadata, Registry, Signal, SignalKind, Source
from phantom_guard.records import record
from phantom_guard.stand_ins import datetime, timedelta

# "Old with many releases": an attacker's own package rarely has either.
_ESTABLISHED_AGE = timedelta(days=730)
_ESTABLISHED_RELEASES = 5
_ESTABLISHED_DOWNLOADS = 10_000
_SHOWN = 5  # versions or advisories named in one message


@record
class Range:
    """An OSV range: its type (SEMVER or ECOSYSTEM) and its events in the record's order."""

    kind: str
    events: tuple[tuple[str, str], ...]


@record
class Listing:
    """One advisory's entry for a package: the versions it names and its ranges."""

    advisory: str
    versions: tuple[str, ...] = ()
    ranges: tuple[Range, ...] = ()

    @property
    def whole(self) -> bool:
        """Every version is listed: a range opened at "0" and never closed, or nothing named
        at all (OSV: an entry without versions or ranges affects every version).
        """
        if not self.versions and not self.ranges:
            return True
        return any(
            ("introduced", "0") in r.events
            and not any(kind != "introduced" for kind, _ in r.events)
            for r in self.ranges
        )


def version_key(registry: Registry) -> Callable[[str], Any]:
    """The sort key of `registry`'s versions (PEP 440 for PyPI, SemVer elsewhere); it returns
    None for a version it cannot read.
    """
    if registry is Registry.PYPI:
        return _pep440
    return semver.parse


def _pep440(text: str) -> Any:
    from packaging.version import InvalidVersion, Version  # only when a PyPI name is listed

    try:
        return Version(text)
    except InvalidVersion:
        return None


def affects(listing: Listing, version: str, registry: Registry) -> bool:
    """Whether `listing` names `version`: listed exactly, or inside one of its ranges."""
    key = version_key(registry)
    wanted = key(version)
    if version in listing.versions:
        return True
    if wanted is not None and any(key(v) == wanted for v in listing.versions):
        return True
    return wanted is not None and any(_in_range(r, wanted, key) for r in listing.ranges)


def _in_range(found: Range, version: Any, key: Callable[[str], Any]) -> bool:
    events: list[tuple[Any, int, str]] = []
    for kind, value in found.events:
        if kind == "introduced" and value == "0":
            events.append((None, 0, kind))
            continue
        edge = key(value)
        if edge is None:
            return False  # an event we cannot place: the range cannot be evaluated
        events.append((edge, 1, kind))
    affected = False
    events.sort(key=lambda e: (0,) if e[0] is None else (1, e[0]))
    for edge, _, kind in events:
        if kind == "introduced" and (edge is None or version >= edge):
            affected = True
        elif (kind == "fixed" and version >= edge) or (kind == "last_affected" and version > edge):
            affected = False
    return affected


def listed_versions(listing: Listing) -> list[str]:
    """Versions the listing names: exact ones, and the first and last affected of its ranges."""
    found = list(listing.versions)
    for r in listing.ranges:
        found += [v for kind, v in r.events if kind in ("introduced", "last_affected") and v != "0"]
    return found


def admits(spec: str, version: str, registry: Registry) -> bool | None:
    """Whether a manifest's version range `spec` admits `version`; None if unreadable."""
    if registry is Registry.PYPI:
        from packaging.specifiers import InvalidSpecifier, SpecifierSet
        from packaging.version import InvalidVersion, Version

        try:
            return SpecifierSet(spec).contains(Version(version))
        except (InvalidSpecifier, InvalidVersion):
            return None
    parsed = semver.parse(version)
    if parsed is None:
        return None
    if registry is Registry.NPM:
        return semver.npm_range_admits(spec, parsed)
    return semver.cargo_requirement_admits(spec, parsed)


def established(metadata: PackageMetadata | None, now: datetime) -> bool:
    """Old with many releases, or widely downloaded: a real project, whose listed versions are
    compromised releases rather than the package itself being malware.
    """
    if metadata is None:
        return False
    if (metadata.monthly_downloads or 0) >= _ESTABLISHED_DOWNLOADS:
        return True
    old = metadata.created is not None and now - metadata.created >= _ESTABLISHED_AGE
    return old and (metadata.release_count or 0) >= _ESTABLISHED_RELEASES


@record
class Assessment:
    """What the feed says about one name, given the versions and ranges the project declares.

    `decisive` signals make the verdict HIGH_RISK on their own. When `pending`, the name is
    listed only by version and `signals` needs to know whether it is an established package.
    """

    registry: Registry
    listings: tuple[Listing, ...]
    decisive: tuple[Signal, ...]
    pending: bool
    constraints: tuple[Source, ...] = ()

    def signals(self, established: bool) -> tuple[Signal, ...]:
        """The signals for the verdict: KNOWN_MALICIOUS for a package that is not established;
        for an established one, a note (weight 0) and any declared range admitting a listed
        version (MALICIOUS_VERSION_IN_RANGE).
        """
        if self.decisive or not self.pending:
            return self.decisive
        ids = _ids(self.listings)
        versions = list(dict.fromkeys(v for item in self.listings for v in listed_versions(item)))
        shown = _some(versions)
        if not established:
            return (
                signal(
                    SignalKind.KNOWN_MALICIOUS,
                    f"listed as malicious (version {shown}; {_some(ids)}) and not an established "
                    "package: malware-only packages are often listed by the one version they had",
                    advisories=",".join(ids),
                    versions=",".join(versions),
                ),
            )
        found = [
            signal(
                SignalKind.MALICIOUS_VERSION,
                f"note: other versions are listed as malicious ({shown}; {_some(ids)}); "
                "do not install those",
                strength=0.0,
                advisories=",".join(ids),
                versions=",".join(versions),
            )
        ]
        for source in self.constraints:
            assert source.constraint is not None
            hits = [v for v in versions if admits(source.constraint, v, self.registry)]
            if hits:
                found.append(
                    signal(
                        SignalKind.MALICIOUS_VERSION_IN_RANGE,
                        f"range {source.constraint} ({_where(source)}) admits malicious "
                        f"{_some(hits)}; pin it",
                        range=source.constraint,
                        versions=",".join(hits),
                        advisories=",".join(ids),
                        file=source.file,
                        line=source.line,
                    )
                )
        return tuple(found)


def assess(
    registry: Registry, listings: Sequence[Listing], sources: Sequence[Source]
) -> Assessment | None:
    """The feed's assessment of a name with these `listings`, used where `sources` say; None
    when it is not listed.
    """
    if not listings:
        return None
    listings = tuple(listings)
    whole = [item for item in listings if item.whole]
    if whole:
        ids = _ids(whole)
        known = signal(
            SignalKind.KNOWN_MALICIOUS,
            f"known malicious package: every version is listed ({_some(ids)})",
            advisories=",".join(ids),
        )
        return Assessment(registry, listings, (known,), pending=False)
    decisive = []
    for source in sources:
        if source.version is None:
            continue
        hits = [item.advisory for item in listings if affects(item, source.version, registry)]
        if hits:
            decisive.append(
                signal(
                    SignalKind.MALICIOUS_VERSION,
                    f"version {source.version} ({_where(source)}) is listed as malicious "
                    f"({_some(hits)})",
                    version=source.version,
                    advisories=",".join(hits),
                    file=source.file,
                    line=source.line,
                )
            )
    constraints = tuple(s for s in sources if s.constraint)
    return Assessment(
        registry, listings, tuple(decisive), pending=not decisive, constraints=constraints
    )


def _ids(listings: Sequence[Listing]) -> list[str]:
    return list(dict.fromkeys(item.advisory for item in listings))


def _some(items: Sequence[str]) -> str:
    shown = ", ".join(items[:_SHOWN])
    return shown + (f" and {len(items) - _SHOWN} more" if len(items) > _SHOWN else "")


def _where(source: Source) -> str:
    return f"{source.file}:{source.line}" if source.line else source.file
