"""Semantic Versioning 2.0.0 precedence, and the npm and Cargo range grammars over it. Pure.

SemVer §11: "Precedence is determined by the first difference when comparing each of these
identifiers from left to right: Major, minor, and patch versions are always compared
numerically"; "a pre-release version has lower precedence than a normal version"; numeric
pre-release identifiers compare numerically and "have lower precedence than non-numeric";
"a larger set of pre-release fields has a higher precedence"; build metadata is ignored.
"""

from __future__ import annotations

import re

from phantom_guard.records import record

_VERSION = re.compile(
    r"\s*[v=]?\s*(0|[1-9]\d*)\.(0|[1-9]\d*)\.(0|[1-9]\d*)"
    r"(?:-([0-9A-Za-z-]+(?:\.[0-9A-Za-z-]+)*))?(?:\+[0-9A-Za-z.-]+)?\s*\Z"
)
# A partial version in a range: "1", "1.2", "1.x", "1.2.*", "*", with optional pre-release.
_PARTIAL = re.compile(
    r"[v=]?\s*(\d+|[xX*])(?:\.(\d+|[xX*])(?:\.(\d+|[xX*])"
    r"(?:-([0-9A-Za-z-]+(?:\.[0-9A-Za-z-]+)*))?(?:\+[0-9A-Za-z.-]+)?)?)?\Z"
)
_COMPARATOR = re.compile(r"(<=|>=|~>|[<>=^~])?\s*(.*)\Z")
_HYPHEN = re.compile(r"\s+-\s+")

PreKey = tuple[tuple[int, int | str], ...]


@record(order=True)
class SemVer:
    """A version compared by SemVer precedence (`key` orders; build metadata is dropped)."""

    key: tuple[int, int, int, tuple[int, PreKey]]

    @property
    def release(self) -> tuple[int, int, int]:
        """MAJOR.MINOR.PATCH."""
        return self.key[0], self.key[1], self.key[2]

    @property
    def prerelease(self) -> bool:
        """Whether this is a pre-release (``1.0.0-rc.1``)."""
        return self.key[3][0] == 0


def _pre_key(pre: str | None) -> tuple[int, PreKey]:
    if not pre:
        return (1, ())  # a release sorts after all of its pre-releases
    parts: list[tuple[int, int | str]] = []
    for part in pre.split("."):
        parts.append((0, int(part)) if part.isdigit() else (1, part))
    return (0, tuple(parts))


def make(major: int, minor: int, patch: int, pre: str | None = None) -> SemVer:
    """The version MAJOR.MINOR.PATCH[-PRE]."""
    return SemVer((major, minor, patch, _pre_key(pre)))


def parse(text: str) -> SemVer | None:
    """The version `text` spells (a leading ``v`` or ``=`` is allowed, as npm allows), else None."""
    match = _VERSION.match(text)
    if match is None:
        return None
    major, minor, patch, pre = match.groups()
    return make(int(major), int(minor), int(patch), pre)


# A bound is (version, inclusive); a comparator set is lower and upper bounds that must all hold.
_Bound = tuple[str, SemVer]


def _lowest(major: int, minor: int, patch: int) -> SemVer:
    """The lowest version of a release line: ``1.3.0-0`` sorts before every 1.3.0 pre-release."""
    return make(major, minor, patch, "0")


def _partial(text: str) -> tuple[list[int | None], str | None] | None:
    match = _PARTIAL.match(text.strip())
    if match is None:
        return None
    parts: list[int | None] = []
    for part in match.groups()[:3]:
        parts.append(None if part is None or part in "xX*" else int(part))
    # "1.x.3" means "1.x": a wildcard makes every later part a wildcard.
    if None in parts:
        cut = parts.index(None)
        parts = parts[:cut] + [None] * (3 - cut)
    return parts, match.group(4)


def _desugar(operator: str, text: str) -> list[_Bound] | None:
    """One npm comparator (``^1.2``, ``~1.2.3``, ``>=1``, ``1.x``) as primitive bounds."""
    if text.strip() in ("", "*", "x", "X"):
        return []
    parsed = _partial(text)
    if parsed is None:
        return None
    (major, minor, patch), pre = parsed
    if major is None:
        return [] if operator in ("", "=", ">=", "<=", "^", "~", "~>") else [("<", make(0, 0, 0))]
    if minor is None or patch is None:
        low = make(major, minor or 0, 0)
        high = _lowest(major + 1, 0, 0) if minor is None else _lowest(major, minor + 1, 0)
        match operator:
            case "" | "=" | "~" | "~>":
                return [(">=", low), ("<", high)]
            case "^":
                if major == 0 and minor is not None:
                    return [(">=", low), ("<", _lowest(0, minor + 1, 0))]
                return [(">=", low), ("<", _lowest(major + 1, 0, 0))]
            case ">=":
                return [(">=", low)]
            case ">":
                return [(">=", high)]
            case "<":
                return [("<", _lowest(*low.release))]
            case "<=":
                return [("<", high)]
        return None
    version = make(major, minor, patch, pre)
    match operator:
        case "" | "=":
            return [(">=", version), ("<=", version)]
        case "~" | "~>":
            return [(">=", version), ("<", _lowest(major, minor + 1, 0))]
        case "^":
            if major:
                high = _lowest(major + 1, 0, 0)
            elif minor:
                high = _lowest(0, minor + 1, 0)
            else:
                high = _lowest(0, 0, patch + 1)
            return [(">=", version), ("<", high)]
        case ">" | ">=" | "<" | "<=":
            return [(operator, version)]
    return None


def _holds(bound: _Bound, version: SemVer) -> bool:
    operator, edge = bound
    match operator:
        case ">=":
            return version >= edge
        case ">":
            return version > edge
        case "<":
            return version < edge
        case _:
            return version <= edge


def _set_admits(comparators: list[tuple[str, str]], version: SemVer) -> bool | None:
    bounds: list[_Bound] = []
    pre_lines: set[tuple[int, int, int]] = set()
    for operator, text in comparators:
        found = _desugar(operator, text)
        if found is None:
            return None
        bounds += found
        parsed = _partial(text)
        if parsed is not None and parsed[1]:
            pre_lines.add(tuple(p or 0 for p in parsed[0]))  # type: ignore[arg-type]
    if not all(_holds(bound, version) for bound in bounds):
        return False
    # node-semver: a pre-release satisfies a range only when a comparator names a pre-release of
    # the same MAJOR.MINOR.PATCH ("1.2.3-alpha.7" satisfies ">1.2.3-alpha.3", not ">1.2.2").
    return not version.prerelease or version.release in pre_lines


def npm_range_admits(spec: str, version: SemVer) -> bool | None:
    """Whether the npm range `spec` (node-semver grammar: ``||``, hyphen ranges, ``^``, ``~``,
    x-ranges, comparators) admits `version`; None when `spec` is not a range (a tag, a URL).
    """
    for part in spec.split("||"):
        alternative = part.strip()
        hyphen = _HYPHEN.split(alternative)
        comparators: list[tuple[str, str]]
        if len(hyphen) == 2:
            low, high = hyphen
            comparators = [(">=", low), ("<=", high)]
        else:
            comparators = []
            tokens = re.sub(r"(<=|>=|~>|[<>=^~])\s+", r"\1", alternative).split()
            for token in tokens or [""]:
                match = _COMPARATOR.match(token)
                assert match is not None  # the pattern matches every string
                comparators.append((match.group(1) or "", match.group(2)))
        admits = _set_admits(comparators, version)
        if admits is None:
            return None
        if admits:
            return True
    return False


def cargo_requirement_admits(spec: str, version: SemVer) -> bool | None:
    """Whether the Cargo version requirement `spec` admits `version`: comma-separated comparators,
    all of which must hold; "a bare version is a caret requirement" (the Cargo Book).
    """
    comparators: list[tuple[str, str]] = []
    for part in spec.split(","):
        match = _COMPARATOR.match(part.strip())
        assert match is not None
        operator, text = match.group(1) or "^", match.group(2).strip()
        if operator == "~>":
            return None
        comparators.append((operator, text))
    return _set_admits(comparators, version)
