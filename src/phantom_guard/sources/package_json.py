"""``package.json``: the four dependency sections of an npm manifest.

What an npm version spec points at is `phantom_guard.npm_specs`' (shared with the lock file
parsers and the install guard's npm grammar).
"""

from __future__ import annotations

from phantom_guard.errors import SourceError
from phantom_guard.model import Registry
from phantom_guard.npm_specs import spec_target, split_spec
from phantom_guard.sources import ParseResult
from phantom_guard.sources._collect import Collector
from phantom_guard.sources._json import json_key_lines, load_json
from phantom_guard.sources._keypath import KeyPath, line_of

TYPE_CHECKING = False  # typing.TYPE_CHECKING, without importing typing on the check path
if TYPE_CHECKING:
    from phantom_guard.settings import StrPath

#: Sections whose keys are package names. ``bundledDependencies`` only repeats names from
#: ``dependencies``; ``overrides`` and ``resolutions`` pin versions of packages found elsewhere.
SECTIONS = ("dependencies", "devDependencies", "peerDependencies", "optionalDependencies")


def parse(path: StrPath, text: str) -> ParseResult:
    """Refs from ``dependencies``, ``devDependencies``, ``peerDependencies`` and
    ``optionalDependencies``, one per declaration, on the line of the entry's key.
    """
    file = str(path)
    data = load_json(file, text)
    if not isinstance(data, dict):
        raise SourceError(file, "package.json must hold a JSON object", 1)
    lines = json_key_lines(text, _keep)
    found = Collector(file, Registry.NPM)
    for section in SECTIONS:
        entries = data.get(section)
        if entries is None:
            continue
        if not isinstance(entries, dict):
            raise SourceError(file, f"{section!r} must be an object", lines.get((section,)))
        for name, spec in entries.items():
            line = line_of(lines, (section, name))
            if not isinstance(spec, str):
                raise SourceError(file, f"{section}.{name}: the version must be a string", line)
            if not name:
                found.skip(name, line, "empty package name: " + f"{section}")
                continue
            real, reason = spec_target(name, spec)
            if real is None:
                found.skip(name, line, f"{reason}: {name}@{spec}")
            else:
                found.ref(real, line, constraint=_constraint(spec))
    return found.result()


def _constraint(spec: str) -> str | None:
    """The version range of a registry spec (``^1.2``, ``npm:real@^1.2``), for the feed."""
    spec = spec.strip()
    if spec.lower().startswith("npm:"):
        _, range_ = split_spec(spec[4:].strip())
        return range_ or None
    if ":" in spec:
        return None  # catalog:, patch: and the like name no range here
    return spec or None


def _keep(path: KeyPath) -> bool:
    return len(path) <= 2 and path[0] in SECTIONS
