"""``uv.lock``: uv's TOML lock file, one ``[[package]]`` table per locked package.

Only packages with ``source = { registry = ... }`` came from an index. The project itself and
its workspace members (``editable`` or ``virtual`` sources) are the user's own code and left
out; ``git``, ``path``, ``directory`` and ``url`` sources are skipped with the reason.
"""

from __future__ import annotations

from phantom_guard.model import Registry
from phantom_guard.sources import ParseResult
from phantom_guard.sources._collect import Collector
from phantom_guard.sources._toml import TomlDocument

TYPE_CHECKING = False  # typing.TYPE_CHECKING, without importing typing on the check path
if TYPE_CHECKING:
    from phantom_guard.settings import StrPath

# uv.lock source kinds that are the user's own project (not reported at all).
_OWN_PROJECT = ("editable", "virtual")
# uv.lock source kinds that install from elsewhere than an index, in the order checked.
_NON_REGISTRY = ("git", "path", "directory", "url")


def parse(path: StrPath, text: str) -> ParseResult:
    """Parse a ``uv.lock``: each ``[[package]]`` from a registry, at its ``name = ...`` line."""
    doc = TomlDocument(str(path), text)
    found = Collector(doc.file, Registry.PYPI)
    for name, line, source, version in doc.package_entries():
        if "registry" in source:
            index = source["registry"]
            found.ref(name, line, version=version, index=index if isinstance(index, str) else None)
        elif any(key in source for key in _OWN_PROJECT):
            continue
        else:
            kind = next((key for key in _NON_REGISTRY if key in source), None)
            if kind is None:
                found.skip(name, line, f"no registry source for {name}")
            else:
                reason = f"{kind} source {name}: {source[kind]}"
                found.skip(name, line, reason, spec=_spec(name, version))
    return found.result()


def _spec(name: str, version: str | None) -> str:
    return f"{name}=={version}" if version else name
