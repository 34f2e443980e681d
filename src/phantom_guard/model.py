"""The data that flows through phantom-guard: names in, risks out.

Every class is a frozen, slotted record (`phantom_guard.records`) whose invariants are checked at
construction, so a `PackageRisk` that exists is a valid one.
"""

from __future__ import annotations

from operator import attrgetter

from phantom_guard.records import field, record
from phantom_guard.stand_ins import StrEnum

TYPE_CHECKING = False  # typing.TYPE_CHECKING, without importing typing on the start-up path
if TYPE_CHECKING:
    from collections.abc import Mapping
    from typing import NewType

    from phantom_guard.stand_ins import datetime

    #: A name in the form its registry compares names in. `phantom_guard.names.normalize` is
    #: its only maker, so a value of this type was validated and normalized by the right
    #: registry's rule.
    NormalizedName = NewType("NormalizedName", str)
else:
    NormalizedName = str  # what NewType is at run time: its argument back (str of a str is it)


class Registry(StrEnum):
    """A package registry phantom-guard can check."""

    PYPI = "pypi"
    NPM = "npm"
    CRATES = "crates"

    @property
    def purl_type(self) -> str:
        """The Package URL type of this registry (crates.io packages are ``pkg:cargo/…``)."""
        from phantom_guard.registry.facts import FACTS

        return FACTS[self].purl_type


class Recommendation(StrEnum):
    """The verdict on one package; ERROR means it could not be verified (never SAFE)."""

    SAFE = "SAFE"
    SUSPICIOUS = "SUSPICIOUS"
    HIGH_RISK = "HIGH_RISK"
    NOT_FOUND = "NOT_FOUND"
    ERROR = "ERROR"

    @property
    def severity(self) -> int:
        """Order used by ``--fail-on``: NOT_FOUND counts with HIGH_RISK; ERROR is apart."""
        return _SEVERITY[self]


_SEVERITY = {
    Recommendation.SAFE: 0,
    Recommendation.ERROR: 0,
    Recommendation.SUSPICIOUS: 1,
    Recommendation.HIGH_RISK: 2,
    Recommendation.NOT_FOUND: 2,
}
_VERDICT_OF = attrgetter("recommendation")


class FailOn(StrEnum):
    """The lowest verdict that makes the exit code 1."""

    SUSPICIOUS = "suspicious"
    HIGH_RISK = "high_risk"

    @property
    def threshold(self) -> int:
        """The `Recommendation.severity` at and above which a result is a finding."""
        return 1 if self is FailOn.SUSPICIOUS else 2


class FeedMode(StrEnum):
    """``--feed``: use the known-malicious feed when present, never, or fail without it."""

    AUTO = "auto"
    OFF = "off"
    REQUIRE = "require"


class SignalKind(StrEnum):
    """Why a package looks risky (or trustworthy). Weights live in `detect.score`."""

    NOT_FOUND = "NOT_FOUND"
    LOOKUP_FAILED = "LOOKUP_FAILED"
    POPULAR_PACKAGE = "POPULAR_PACKAGE"
    ALLOWLISTED = "ALLOWLISTED"
    SECURITY_HOLDING = "SECURITY_HOLDING"
    UNPUBLISHED = "UNPUBLISHED"
    NO_RELEASES = "NO_RELEASES"
    ALL_YANKED = "ALL_YANKED"
    DEPRECATED = "DEPRECATED"
    RECENTLY_CREATED = "RECENTLY_CREATED"
    FEW_RELEASES = "FEW_RELEASES"
    RELEASE_BURST = "RELEASE_BURST"
    NO_REPOSITORY = "NO_REPOSITORY"
    NO_MAINTAINER = "NO_MAINTAINER"
    NO_DESCRIPTION = "NO_DESCRIPTION"
    SHORT_DESCRIPTION = "SHORT_DESCRIPTION"
    LOW_DOWNLOADS = "LOW_DOWNLOADS"
    PLACEHOLDER_SHAPE = "PLACEHOLDER_SHAPE"
    ESTABLISHED = "ESTABLISHED"
    WIDELY_USED = "WIDELY_USED"
    TYPOSQUAT = "TYPOSQUAT"
    HALLUCINATION_PATTERN = "HALLUCINATION_PATTERN"
    BRAND_NAMESPACE = "BRAND_NAMESPACE"
    KNOWN_MALICIOUS = "KNOWN_MALICIOUS"
    MALICIOUS_VERSION = "MALICIOUS_VERSION"
    MALICIOUS_VERSION_IN_RANGE = "MALICIOUS_VERSION_IN_RANGE"
    CONFIG_WEAKENED = "CONFIG_WEAKENED"
    FOREIGN_SOURCE = "FOREIGN_SOURCE"
    DEPENDENCY_CONFUSION_EXPOSURE = "DEPENDENCY_CONFUSION_EXPOSURE"


EvidenceValue = str | int | float | bool | None


@record
class Signal:
    """One observation about a package, with its weight in the risk score (negative = trust)."""

    kind: SignalKind
    weight: float
    message: str
    evidence: Mapping[str, EvidenceValue] = field(default_factory=dict)

    def __post_init__(self) -> None:
        if not -1.0 <= self.weight <= 1.0:  # NaN too: it compares false with everything
            raise ValueError(f"signal weight must be in [-1, 1], got {self.weight}")


@record
class Source:
    """Where a dependency was declared: a file, when known a 1-based line, and the exact version
    that declaration pins (a lock file entry or an ``==`` pin), else None; `constraint` is the
    version range a manifest declares (``^5.6.0``, ``>=2,<3``), else None.
    """

    file: str
    line: int | None = None
    version: str | None = None
    constraint: str | None = None

    def __post_init__(self) -> None:
        if self.line is not None and self.line < 1:
            raise ValueError(f"line numbers start at 1, got {self.line}")


@record
class PackageRef:
    """A package name as the user wrote it, its registry, and where it came from."""

    name: str
    registry: Registry
    source: Source | None = None
    version: str | None = None  # the exact version asked for (``name==1.2``), if any
    #: The index URL a lock file says the package was fetched from (None: the default index).
    index: str | None = None


@record
class Skipped:
    """An entry that was not checked, and why (editable, path, URL, VCS, workspace, private)."""

    spec: str
    reason: str
    source: Source | None = None


@record
class FeedInfo:
    """Which known-malicious data a report used: the feed's name, its date and size."""

    name: str
    data_as_of: str | None
    records: int
    stale: bool


@record
class PackageMetadata:
    """What a registry says about an existing package, reduced to what the analysis needs.

    A field is ``None`` when the registry did not say; the analysis treats unknown as neutral.
    `monthly_downloads` is normalized to a 30-day figure where the registry gives a count.
    """

    name: str
    registry: Registry
    latest_version: str | None = None
    created: datetime | None = None
    latest_release: datetime | None = None
    release_count: int | None = None
    release_times: tuple[datetime, ...] = ()
    repository: str | None = None
    homepage: str | None = None
    maintainers: tuple[str, ...] | None = None
    summary: str | None = None
    monthly_downloads: int | None = None
    all_yanked: bool = False
    deprecated: str | None = None
    security_holding: bool = False
    unpublished: bool = False

    def __post_init__(self) -> None:
        if self.release_count is not None and self.release_count < 0:
            raise ValueError("release_count cannot be negative")
        if self.monthly_downloads is not None and self.monthly_downloads < 0:
            raise ValueError("monthly_downloads cannot be negative")
        for moment in (self.created, self.latest_release, *self.release_times):
            if moment is not None and moment.tzinfo is None:
                raise ValueError("registry times must be timezone-aware")


@record
class PackageRisk:
    """The verdict on one (registry, normalized name), with the signals that drove it."""

    name: str
    normalized_name: NormalizedName
    registry: Registry
    recommendation: Recommendation
    risk_score: float
    exists: bool | None
    signals: tuple[Signal, ...] = ()
    suggestion: str | None = None
    sources: tuple[Source, ...] = ()
    cached: bool = False
    error: str | None = None

    def __post_init__(self) -> None:
        if not 0.0 <= self.risk_score <= 1.0:
            raise ValueError(f"risk_score must be in [0, 1], got {self.risk_score}")
        recommendation = self.recommendation
        if recommendation is Recommendation.SAFE and self.error is None:
            return  # the usual result, one lock-file entry of thousands: nothing more to check
        if (recommendation is Recommendation.ERROR) != (self.error is not None):
            raise ValueError("an ERROR result carries an error message, and only it does")
        if recommendation is Recommendation.ERROR and self.exists is not None:
            raise ValueError("an ERROR result cannot know whether the package exists")
        if recommendation is Recommendation.NOT_FOUND and self.exists is not False:
            raise ValueError("a NOT_FOUND result must have exists=False")


@record
class Report:
    """All results of one run, in input order."""

    results: tuple[PackageRisk, ...]
    skipped: tuple[Skipped, ...] = ()
    input_errors: tuple[str, ...] = ()
    feeds: tuple[FeedInfo, ...] = ()
    config: tuple[str, ...] = ()  # the config files this run read, in the order applied
    notices: tuple[str, ...] = ()  # one line each, for the user (stderr), never a finding

    def count(self, recommendation: Recommendation) -> int:
        """How many results carry this verdict."""
        # At C speed (a map and list.count): a summary line counts every verdict of a lock file.
        return list(map(_VERDICT_OF, self.results)).count(recommendation)

    def exit_code(self, fail_on: FailOn, *, allow_unverified: bool = False) -> int:
        """The process exit code of DESIGN.md §2; precedence 2 (input errors), 1, then 3."""
        if self.input_errors:
            return 2
        threshold = fail_on.threshold
        if any(_SEVERITY[verdict] >= threshold for verdict in set(map(_VERDICT_OF, self.results))):
            return 1
        if not allow_unverified and self.count(Recommendation.ERROR):
            return 3
        return 0
