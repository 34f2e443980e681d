"""Typed reading of untrusted registry JSON: each accessor returns the expected type or None.

Registry documents are foreign input. These helpers keep `dict[str, Any]` inside `registry/`
and turn a wrong shape into `BadResponse` rather than a TypeError deep in the analysis.
"""

from __future__ import annotations

from typing import Any

from phantom_guard.errors import BadResponse, InputError
from phantom_guard.model import Registry
from phantom_guard.stand_ins import UTC, datetime

# Where people put their source code; a homepage on one of these counts as a repository link.
_CODE_HOSTS = (
    "github.com/",
    "gitlab.com/",
    "bitbucket.org/",
    "codeberg.org/",
    "sr.ht/",
    "git.sr.ht/",
    "gitee.com/",
    "sourceforge.net/",
    "launchpad.net/",
    "heptapod.net/",
)


def require_object(value: Any, what: str) -> dict[str, Any]:
    """`value` if it is a JSON object, else BadResponse naming `what`."""
    if not isinstance(value, dict):
        raise BadResponse(f"{what}: expected a JSON object, got {type(value).__name__}")
    return value


def optional_object(value: Any, what: str) -> dict[str, Any]:
    """`value` if it is a JSON object, an empty one if absent (null), else BadResponse."""
    return {} if value is None else require_object(value, what)


def optional_array(value: Any, what: str) -> list[Any]:
    """`value` if it is a JSON array, an empty one if absent (null), else BadResponse."""
    if value is None:
        return []
    if not isinstance(value, list):
        raise BadResponse(f"{what}: expected a JSON array, got {type(value).__name__}")
    return value


def require_text(value: Any, missing: str) -> str:
    """`value` as `text` gives it, else BadResponse(`missing`): for fields every real document
    has, such as the package's own name, whose absence means this is not such a document.
    """
    found = text(value)
    if found is None:
        raise BadResponse(missing)
    return found


def require_name(value: Any, asked: str, registry: Registry, what: str) -> str:
    """The package name a document gives, which must normalize to the name asked for.

    A registry (or anything between us and it) that answers ``x`` with the document of
    ``requests`` would otherwise lend ``x`` the trust of ``requests``.
    """
    from phantom_guard.names import normalize

    found = require_text(value, f"{what}: no package name")
    try:
        same = normalize(found, registry) == normalize(asked, registry)
    except InputError:
        same = False
    if not same:
        raise BadResponse(f"{what} names another package ({clip(found)!r}, asked for {asked!r})")
    return found


def clip(value: str, limit: int = 60) -> str:
    """A short, printable excerpt of registry text for an error message."""
    shown = value.encode("unicode_escape").decode("ascii")
    return shown if len(shown) <= limit else shown[: limit - 1] + "…"


def text(value: Any) -> str | None:
    """A non-empty stripped string, or None."""
    if isinstance(value, str):
        stripped = value.strip()
        return stripped or None
    return None


def obj(value: Any) -> dict[str, Any]:
    """`value` if it is an object, else an empty one (for optional sub-objects)."""
    return value if isinstance(value, dict) else {}


def integer(value: Any) -> int | None:
    """A non-negative int, or None (registries use -1 for "unknown")."""
    if isinstance(value, int) and not isinstance(value, bool) and value >= 0:
        return value
    return None


def timestamp(value: Any) -> datetime | None:
    """An ISO-8601 time as an aware UTC datetime, or None if absent or unparsable."""
    if not isinstance(value, str) or not value:
        return None
    try:
        moment = datetime.fromisoformat(value.replace("Z", "+00:00"))
    except ValueError:
        return None
    if moment.tzinfo is None:
        moment = moment.replace(tzinfo=UTC)
    return moment.astimezone(UTC)


def is_code_host(url: str | None) -> bool:
    """Whether `url` points at a known source-code host."""
    if not url:
        return False
    lowered = url.lower()
    return any(host in lowered for host in _CODE_HOSTS)


def clean_url(value: Any) -> str | None:
    """A repository URL without the ``git+`` / ``.git`` decorations npm and cargo use."""
    url = text(value)
    if url is None:
        return None
    if url.startswith("git+"):
        url = url[4:]
    if url.startswith("git://"):
        url = "https://" + url[6:]
    return url.removesuffix(".git")
