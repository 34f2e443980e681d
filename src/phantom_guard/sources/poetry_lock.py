"""``poetry.lock``: Poetry's TOML lock file, one ``[[package]]`` table per locked package.

A package whose ``[package.source]`` type is ``git``, ``directory``, ``file`` or ``url`` was not
installed from an index and is skipped; ``legacy`` (a private index) still names a package.
"""

from __future__ import annotations

from pathlib import Path

from phantom_guard.model import Registry
from phantom_guard.sources import ParseResult
from phantom_guard.sources._collect import Collector
from phantom_guard.sources._toml import TomlDocument

# [package.source] types that install from elsewhere than a package index.
_NON_REGISTRY = frozenset({"git", "directory", "file", "url"})


def parse(path: Path, text: str) -> ParseResult:
    """Parse a ``poetry.lock``: each ``[[package]]`` name, at the line of its ``name = ...``."""
    doc = TomlDocument(str(path), text)
    found = Collector(doc.file, Registry.PYPI)
    for index, package in enumerate(doc.array(doc.data, ("package",))):
        package_path = ("package", index)
        if not isinstance(package, dict):
            raise doc.fail(package_path, "expected a table")
        name_path = (*package_path, "name")
        name = doc.string(package.get("name"), name_path)
        source = doc.table(package, (*package_path, "source"))
        kind = source.get("type")
        if isinstance(kind, str) and kind in _NON_REGISTRY:
            target = source.get("url")
            reason = f"{kind} source {name}" + (f": {target}" if target else "")
            found.skip(name, doc.line(name_path), reason)
        else:
            found.ref(name, doc.line(name_path))
    return found.result()
