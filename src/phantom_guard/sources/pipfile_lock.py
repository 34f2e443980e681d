"""``Pipfile.lock``: Pipenv's JSON lock file.

Every top-level key but ``_meta`` is a package category (``default``, ``develop``, custom ones)
mapping names to ``{"version": ..., "hashes": [...]}``. Entries with ``path``, ``git`` or
``file`` (and other VCS keys) install from elsewhere than an index and are skipped.
"""

from __future__ import annotations

from phantom_guard.errors import SourceError
from phantom_guard.model import Registry
from phantom_guard.sources import ParseResult
from phantom_guard.sources._collect import Collector
from phantom_guard.sources._json import json_key_lines, load_json
from phantom_guard.sources.pipfile import NON_REGISTRY

TYPE_CHECKING = False  # typing.TYPE_CHECKING, without importing typing on the check path
if TYPE_CHECKING:
    from phantom_guard.settings import StrPath

# Lock entry keys that mean "not from an index": the Pipfile's, less "editable" (a locked
# editable entry also carries the "path" or VCS key that says where it comes from).
_NON_REGISTRY = {key: reason for key, reason in NON_REGISTRY.items() if key != "editable"}


def parse(path: StrPath, text: str) -> ParseResult:
    """Parse a ``Pipfile.lock``: the names in each category, at the line of ``"name": {``."""
    file = str(path)
    data = load_json(file, text)
    if not isinstance(data, dict):
        raise SourceError(file, "expected a JSON object at the top level", 1)
    lines = json_key_lines(text)
    found = Collector(file, Registry.PYPI)
    indexes = _sources(data.get("_meta"))
    for category, packages in data.items():
        if category == "_meta":
            continue
        if not isinstance(packages, dict):
            raise SourceError(
                file, f"category {category!r}: expected an object", lines.get((category,))
            )
        for name, entry in packages.items():
            line = lines.get((category, name))
            if not isinstance(entry, dict):
                raise SourceError(file, f"{category}.{name}: expected an object", line)
            reason = next(
                (
                    f"{label} {name}: {entry[key]}"
                    for key, label in _NON_REGISTRY.items()
                    if key in entry
                ),
                None,
            )
            pinned = entry.get("version")
            version = pinned[2:] if isinstance(pinned, str) and pinned.startswith("==") else None
            if reason is None:
                index = entry.get("index")
                url = indexes.get(index) if isinstance(index, str) else None
                found.ref(name, line, version=version, index=url)
            else:
                found.skip(name, line, reason)
    return found.result()


def _sources(meta: object) -> dict[str, str]:
    """``_meta.sources``: index name -> URL (Pipfile's ``[[source]]``, copied into the lock)."""
    found: dict[str, str] = {}
    sources = meta.get("sources") if isinstance(meta, dict) else None
    for source in sources if isinstance(sources, list) else []:
        if isinstance(source, dict):
            name, url = source.get("name"), source.get("url")
            if isinstance(name, str) and isinstance(url, str):
                found[name] = url
    return found
