"""Package names: each registry's validity rules, normalization and Package URLs.

This is the only module that normalizes a name. Everything keyed by a name (cache rows, URLs,
typosquat comparison, de-duplication) takes a `NormalizedName`, so the type checker knows it was
normalized here and by the right registry's rule.
"""

from __future__ import annotations

from phantom_guard.errors import InputError, InvalidPackageName, UnknownRegistry
from phantom_guard.model import NormalizedName, Registry
from phantom_guard.registry.facts import FACTS

TYPE_CHECKING = False  # typing.TYPE_CHECKING, without importing typing on the start-up path
if TYPE_CHECKING:
    from collections.abc import Sequence

# Character classes as `str.translate` tables that delete the allowed characters: a name is made
# of them when nothing is left. (No `re` here: it is most of a warm answer's import time.)
_ALNUM = "ABCDEFGHIJKLMNOPQRSTUVWXYZabcdefghijklmnopqrstuvwxyz0123456789"


def _deleting(allowed: str) -> bytes:
    return allowed.encode("ascii")


def _only(text: str, allowed: bytes) -> bool:
    """Whether every character of `text` is one of the ASCII characters `allowed`: deleted by
    `bytes.translate` at C speed (a `str.translate` table costs ~30 ns a character).
    """
    return text.isascii() and not text.encode().translate(None, allowed)


# PEP 508: "A name ... MUST start and end with a letter or digit ... and may contain
# letters, digits, '-', '_' and '.'" (checked case-insensitively).
_PEP508_CHARS = _deleting(_ALNUM + "._-")
# npm's rules (validate-npm-package-name): at most 214 characters, URL-safe, no leading '.' or
# '_', no spaces; new packages are lowercase, but old mixed-case ones (JSONStream) still install.
_NPM_CHARS = _deleting(_ALNUM + "-._~!*'()")
_NPM_MAX = 214
_NPM_FORBIDDEN = frozenset({"node_modules", "favicon.ico"})
# crates.io: "only ASCII alphanumeric characters, `-` and `_`", starting with a letter, at most 64.
_CRATE_CHARS = _deleting(_ALNUM + "_-")
_CRATE_MAX = 64
# Characters a Package URL keeps as they are (what urllib.parse.quote(safe="") leaves).
_PURL_PLAIN = _deleting(_ALNUM + "_.~-")
# PEP 503's separators, each written as "-" before runs of "-" are collapsed.
_PEP503_SEPARATORS = str.maketrans("_.", "--")

_PURL_TYPES = {facts.purl_type: registry for registry, facts in FACTS.items()}

# Names already normalized in this process: a lock file's names are normalized by the index
# triage and again by the plan, a check of 1,500 entries twice over. Bounded, so a long-lived
# process (the MCP server) keeps at most this many.
_NORMALIZED: dict[tuple[str, Registry], NormalizedName] = {}
_NORMALIZED_MAX = 8192


def parse_registry(value: str) -> Registry:
    """The `Registry` named by `value` (``pypi``, ``npm``, ``crates``; ``cargo`` is an alias)."""
    text = value.strip().lower()
    registry = _PURL_TYPES.get(text)
    if registry is not None:
        return registry
    try:
        return Registry(text)
    except ValueError:
        raise UnknownRegistry(value) from None


def is_pep508_name(text: str) -> bool:
    """Whether `text` is a valid PEP 508 name as it stands (no version, extras or spaces)."""
    return bool(text) and _only(text, _PEP508_CHARS) and text[0].isalnum() and text[-1].isalnum()


def validate(name: str, registry: Registry) -> None:
    """Raise `InvalidPackageName` if `registry` would never accept `name`."""
    if not name:
        raise InvalidPackageName(name, registry, "empty name")
    if not name.isascii() or not name.isprintable():
        raise InvalidPackageName(_safe(name), registry, "contains non-ASCII or control characters")
    match registry:
        case Registry.PYPI:
            if not is_pep508_name(name):
                raise InvalidPackageName(
                    name,
                    registry,
                    "PEP 508 names use letters, digits, '-', '_', '.' "
                    "and start and end with a letter or digit",
                )
        case Registry.NPM:
            _validate_npm(name)
        case Registry.CRATES:
            if len(name) > _CRATE_MAX or not _only(name, _CRATE_CHARS) or not name[0].isalpha():
                raise InvalidPackageName(
                    name,
                    registry,
                    "crate names start with a letter and use up to 64 letters, digits, '-', '_'",
                )


def _plain_npm(name: str) -> bool:
    """An unscoped npm name `_validate_npm` accepts: only its URL-safe characters (so ASCII
    and printable), at most 214 of them, not starting with '.' or '_', not a reserved name.
    """
    return (
        0 < len(name) <= _NPM_MAX
        and name.isascii()
        and not name.encode().translate(None, _NPM_CHARS)  # `_only`, written out: hot
        and name[0] not in "._"
        and name.lower() not in _NPM_FORBIDDEN
    )


def _validate_npm(name: str) -> None:
    if len(name) > _NPM_MAX:
        raise InvalidPackageName(name, Registry.NPM, f"longer than {_NPM_MAX} characters")
    if name.startswith("@"):
        scope, slash, bare = name[1:].partition("/")
        if not slash or not scope or not bare:
            raise InvalidPackageName(name, Registry.NPM, "a scoped name is '@scope/name'")
        parts = [scope, bare]
    else:
        parts = [name]
    for part in parts:
        if not part or not _only(part, _NPM_CHARS):
            raise InvalidPackageName(name, Registry.NPM, "npm names must be URL-safe")
        if part.startswith((".", "_")):
            raise InvalidPackageName(name, Registry.NPM, "npm names cannot start with '.' or '_'")
    if name.lower() in _NPM_FORBIDDEN:
        raise InvalidPackageName(name, Registry.NPM, "a name npm reserves")


def normalize(name: str, registry: Registry) -> NormalizedName:
    """Validate `name` and return the form its registry compares names in.

    PyPI: PEP 503 ``re.sub(r"[-_.]+", "-", name).lower()``. npm: unchanged, because the registry
    is case-sensitive for the old mixed-case names and `_`, `-`, `.` are distinct there.
    crates.io: lowercase with `_` folded to `-`, as crates.io treats them as the same crate.
    """
    key = (name, registry)
    found = _NORMALIZED.get(key)
    if found is not None:
        return found
    if registry is Registry.NPM and _plain_npm(name):
        # The usual lock-file entry, checked in one pass: `validate` would accept it.
        found = NormalizedName(name)
        if len(_NORMALIZED) < _NORMALIZED_MAX:
            _NORMALIZED[key] = found
        return found
    validate(name, registry)
    match registry:
        case Registry.PYPI:
            found = NormalizedName(pep503(name))
        case Registry.NPM:
            found = NormalizedName(name)
        case Registry.CRATES:
            found = NormalizedName(name.lower().replace("_", "-"))
    if len(_NORMALIZED) < _NORMALIZED_MAX:
        _NORMALIZED[key] = found
    return found


def normalize_each(names: Sequence[str], registry: Registry) -> list[NormalizedName | None]:
    """`normalize` of each name (a lock file's at once); None for a name it refuses, which
    `normalize` itself then explains.
    """
    found: list[NormalizedName | None] = []
    plain = _plain_npm if registry is Registry.NPM else None
    for name in names:
        if plain is not None and plain(name):
            found.append(NormalizedName(name))  # the usual lock entry: `normalize`'s fast path
            continue
        try:
            found.append(normalize(name, registry))
        except InputError:
            found.append(None)
    return found


def pep503(name: str) -> str:
    """``re.sub(r"[-_.]+", "-", name).lower()``, written with `str` methods."""
    text = name.translate(_PEP503_SEPARATORS).lower()
    while "--" in text:
        text = text.replace("--", "-")
    return text


def comparable(name: NormalizedName) -> str:
    """The lowercase form used to compare names across spellings (typosquat analysis)."""
    return name.lower()


def to_purl(registry: Registry, name: NormalizedName) -> str:
    """The Package URL (purl spec) for a package: the npm scope is a percent-encoded namespace."""
    if registry is Registry.NPM and name.startswith("@"):
        scope, _, bare = name.partition("/")
        return f"pkg:npm/{_quote(scope)}/{_quote(bare)}"
    return f"pkg:{FACTS[registry].purl_type}/{_quote(name)}"


def _quote(part: str) -> str:
    if _only(part, _PURL_PLAIN):
        return part  # the common case, without importing urllib.parse
    from urllib.parse import quote

    return quote(part, safe="")


def parse_purl(text: str) -> tuple[Registry, str]:
    """Split ``pkg:TYPE/[NAMESPACE/]NAME[@VERSION][?QUALIFIERS][#SUBPATH]`` into registry and name.

    Version, qualifiers and subpath are dropped: a name's existence does not depend on them.
    """
    if not text.startswith("pkg:"):
        raise InvalidPackageName(_safe(text), "purl", "a Package URL starts with 'pkg:'")
    body = text[4:].lstrip("/").split("#", 1)[0].split("?", 1)[0]
    purl_type, slash, path = body.partition("/")
    registry = _PURL_TYPES.get(purl_type.lower())
    if registry is None:
        raise UnknownRegistry(purl_type)
    if not slash or not path:
        raise InvalidPackageName(_safe(text), registry, "the Package URL has no name")
    segments = path.split("/")
    last = segments[-1]
    if "@" in last:
        last = last.rsplit("@", 1)[0]
    segments[-1] = last
    decoded = [_unquote(s) for s in segments if s]
    if registry is Registry.NPM and len(decoded) == 2:
        scope = decoded[0] if decoded[0].startswith("@") else f"@{decoded[0]}"
        name = f"{scope}/{decoded[1]}"
    elif len(decoded) == 1:
        name = decoded[0]
    else:
        raise InvalidPackageName(_safe(text), registry, "unexpected namespace in Package URL")
    validate(name, registry)
    return registry, name


def purl_version(text: str) -> str | None:
    """The version of a Package URL (``pkg:npm/chalk@5.6.1`` -> ``5.6.1``), or None."""
    body = text.split("#", 1)[0].split("?", 1)[0]
    last = body.rsplit("/", 1)[-1]
    if "@" not in last:
        return None
    return _unquote(last.rsplit("@", 1)[1]) or None


def _unquote(part: str) -> str:
    """Percent-decoded `part`; urllib.parse (and its `re`) only when there is a "%" to decode."""
    if "%" not in part:
        return part
    from urllib.parse import unquote

    return unquote(part)


def _safe(text: str) -> str:
    """A printable, escaped rendering of untrusted text for error messages."""
    return text.encode("unicode_escape").decode("ascii")[:200]
