"""``package.json``: the four dependency sections of an npm manifest.

`spec_target` (what an npm version spec points at) is shared with the npm lockfile parsers.
"""

from __future__ import annotations

import re
from pathlib import Path
from urllib.parse import unquote

from phantom_guard.errors import SourceError
from phantom_guard.model import Registry
from phantom_guard.sources import ParseResult
from phantom_guard.sources._collect import Collector
from phantom_guard.sources._json import json_key_lines, load_json
from phantom_guard.sources._keypath import KeyPath, line_of

#: Sections whose keys are package names. ``bundledDependencies`` only repeats names from
#: ``dependencies``; ``overrides`` and ``resolutions`` pin versions of packages found elsewhere.
SECTIONS = ("dependencies", "devDependencies", "peerDependencies", "optionalDependencies")

# Specs that point somewhere other than the registry, by their (lower-cased) start.
_NOT_REGISTRY = (
    ("workspace:", "workspace link"),
    ("file:", "local path"),
    ("link:", "local link"),
    ("portal:", "local portal"),
    ("exec:", "built by a script"),
    ("git+", "git dependency"),
    ("git://", "git dependency"),
    ("git@", "git dependency"),
    ("github:", "git dependency"),
    ("gitlab:", "git dependency"),
    ("bitbucket:", "git dependency"),
    ("gist:", "git dependency"),
    ("http://", "tarball URL"),
    ("https://", "tarball URL"),
    ("jsr:", "JSR package, not on the npm registry"),
)
_LOCAL_PATH = re.compile(r"^(?:\.\.?(?:[/\\]|$)|[/\\]|~[/\\]|[a-zA-Z]:[/\\])")
# npm-package-arg's test for the GitHub shorthand ``user/repo`` (optionally ``#ref``).
_HOSTED_SHORTHAND = re.compile(r"^[^@%/\s.-][^:@%/\s]*/[^@\s/%]+(?:#.*)?$")
# A version range rather than a name (yarn berry writes ``npm:^1.2.0`` for the entry's own name).
_RANGE = re.compile(r"^(?:[\^~<>=*]|[vV]?\d+(?:[.\s|]|$)|[xX](?:[.\s]|$))")


def split_spec(spec: str) -> tuple[str, str | None]:
    """``name@range`` -> (name, range); a scope's ``@`` is part of the name, no ``@`` = no range."""
    at = spec.find("@", 1)
    if at == -1:
        return spec, None
    return spec[:at], spec[at + 1 :]


def spec_target(name: str, spec: str) -> tuple[str, None] | tuple[None, str]:
    """(registry name, None) for a spec npm resolves from the registry, else (None, why not).

    ``npm:real@range`` gives the real name (``npm:^1.2`` keeps `name`), ``patch:`` the patched
    package; ranges, tags and ``catalog:`` keep `name`. Workspace, path, link, portal, git,
    ``user/repo``, tarball URL and JSR specs are not registry packages.
    """
    spec = spec.strip()
    lower = spec.lower()
    if lower.startswith("npm:"):
        target = spec[4:].strip()
        if not target or _RANGE.match(target):
            return name, None
        real, _ = split_spec(target)
        return real, None
    if lower.startswith("patch:"):
        inner, _, _ = spec[6:].partition("#")
        real, patched = split_spec(unquote(inner))
        if not real:
            return None, "patch without a package"
        return spec_target(real, patched or "")
    for prefix, reason in _NOT_REGISTRY:
        if lower.startswith(prefix):
            if reason == "tarball URL" and (".git#" in lower or lower.endswith(".git")):
                return None, "git dependency"
            return None, reason
    if _LOCAL_PATH.match(spec):
        return None, "local path"
    if _HOSTED_SHORTHAND.match(spec):
        return None, "git dependency"
    return name, None


def parse(path: Path, text: str) -> ParseResult:
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
