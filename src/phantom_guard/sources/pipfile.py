"""``Pipfile``: Pipenv's TOML list of packages, by category.

Pipenv reads ``[packages]``, ``[dev-packages]`` and any other table as a package category,
except ``[[source]]``, ``[requires]``, ``[scripts]`` and ``[pipenv]``. Each entry maps a name
to ``"*"``, a version specifier, or a table; a table with ``path``, ``git``, ``file`` or
``editable`` installs from elsewhere than an index and is skipped.
"""

from __future__ import annotations

from phantom_guard.model import Registry
from phantom_guard.sources import ParseResult
from phantom_guard.sources._collect import Collector
from phantom_guard.sources._toml import TomlDocument, kind

TYPE_CHECKING = False  # typing.TYPE_CHECKING, without importing typing on the check path
if TYPE_CHECKING:
    from phantom_guard.settings import StrPath

#: Top-level Pipfile tables that are not package categories.
NOT_CATEGORIES = frozenset({"source", "requires", "scripts", "pipenv"})
# Pipfile table keys that mean "not from an index", in the order they are reported.
NON_REGISTRY = {
    "path": "path dependency",
    "file": "file dependency",
    "git": "git dependency",
    "hg": "hg dependency",
    "svn": "svn dependency",
    "bzr": "bzr dependency",
    "editable": "editable install",
}


def parse(path: StrPath, text: str) -> ParseResult:
    """Parse a ``Pipfile`` (Pipenv's format): every package category table, name by name."""
    doc = TomlDocument(str(path), text)
    found = Collector(doc.file, Registry.PYPI)
    for category, table in doc.data.items():
        if category in NOT_CATEGORIES or not isinstance(table, dict):
            continue
        for name, spec in table.items():
            line = doc.line((category, name))
            if isinstance(spec, str):
                found.ref(name, line)
                continue
            if not isinstance(spec, dict):
                raise doc.fail(
                    (category, name), f"expected a version string or a table, found {kind(spec)}"
                )
            reason = _non_registry(name, spec)
            if reason is None:
                found.ref(name, line)
            else:
                found.skip(name, line, reason)
    return found.result()


def _non_registry(name: str, spec: dict[str, object]) -> str | None:
    """Why a Pipfile table entry installs from elsewhere than an index, or None."""
    for key, label in NON_REGISTRY.items():
        if key == "editable" and spec.get(key) is True:
            return f"{label} {name}"
        if key != "editable" and key in spec:
            return f"{label} {name}: {spec[key]}"
    return None
