"""``pylock.toml`` and ``pylock.<name>.toml``: the standard lock file of PEP 751.

"[[packages]] ... name: The name of the package normalized", "version: The version of the
package", "index: The base URL for the package index ... where the sdist and/or wheels were
found"; a package installed from ``vcs``, ``directory`` or ``archive`` names no index entry and
is skipped with the reason.
"""

from __future__ import annotations

from phantom_guard.model import Registry
from phantom_guard.sources import ParseResult
from phantom_guard.sources._collect import Collector
from phantom_guard.sources._toml import TomlDocument

TYPE_CHECKING = False  # typing.TYPE_CHECKING, without importing typing on the check path
if TYPE_CHECKING:
    from phantom_guard.settings import StrPath

# PEP 751 package sources other than an index, in the order checked.
_NON_INDEX = ("vcs", "directory", "archive")


def parse(path: StrPath, text: str) -> ParseResult:
    """Each ``[[packages]]`` entry, at the line of its ``name =``, with its version and index."""
    doc = TomlDocument(str(path), text)
    found = Collector(doc.file, Registry.PYPI, dedupe=True)
    for position, package in enumerate(doc.array(doc.data, ("packages",))):
        where = ("packages", position)
        if not isinstance(package, dict):
            raise doc.fail(where, "expected a table")
        name = doc.string(package.get("name"), (*where, "name"))
        line = doc.line((*where, "name"))
        version = package.get("version")
        version = version if isinstance(version, str) else None
        spec = f"{name}=={version}" if version else name
        kind = next((key for key in _NON_INDEX if key in package), None)
        if kind is not None:
            source = doc.table(package, (*where, kind))
            target = source.get("url") or source.get("path") or ""
            found.skip(name, line, f"{kind} source {name}: {target}".rstrip(": "), spec=spec)
            continue
        index = package.get("index")
        found.ref(name, line, version=version, index=index if isinstance(index, str) else None)
    return found.result()
