"""``poetry.lock``: Poetry's TOML lock file, one ``[[package]]`` table per locked package.

A package whose ``[package.source]`` type is ``git``, ``directory``, ``file`` or ``url`` was not
installed from an index and is skipped; ``legacy`` (another index) names a package, with the
index URL for private-index awareness.
"""

from __future__ import annotations

from phantom_guard.model import Registry
from phantom_guard.sources import ParseResult
from phantom_guard.sources._collect import Collector
from phantom_guard.sources._toml import TomlDocument

TYPE_CHECKING = False  # typing.TYPE_CHECKING, without importing typing on the check path
if TYPE_CHECKING:
    from phantom_guard.settings import StrPath

# [package.source] types that install from elsewhere than a package index.
_NON_REGISTRY = frozenset({"git", "directory", "file", "url"})


def parse(path: StrPath, text: str) -> ParseResult:
    """Parse a ``poetry.lock``: each ``[[package]]`` name, at the line of its ``name = ...``."""
    doc = TomlDocument(str(path), text)
    found = Collector(doc.file, Registry.PYPI)
    for name, line, source, version in doc.package_entries():
        kind = source.get("type")
        target = source.get("url")
        if isinstance(kind, str) and kind in _NON_REGISTRY:
            reason = f"{kind} source {name}" + (f": {target}" if target else "")
            found.skip(name, line, reason, spec=f"{name}=={version}" if version else name)
        else:
            index = target if isinstance(target, str) and kind is not None else None
            found.ref(name, line, version=version, index=index)
    return found.result()
