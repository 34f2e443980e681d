"""``pnpm-lock.yaml``, lockfile versions 5, 6 and 9, and pnpm 11's two-document form (the
first document locks pnpm's own config and package-manager dependencies, the second the project).
"""

from __future__ import annotations

import re

import yaml

from phantom_guard.model import Registry
from phantom_guard.npm_specs import spec_target
from phantom_guard.sources import ParseResult
from phantom_guard.sources._collect import Collector
from phantom_guard.sources._yaml import compose_yaml_all, yaml_get, yaml_items, yaml_str

TYPE_CHECKING = False  # typing.TYPE_CHECKING, without importing typing on the check path
if TYPE_CHECKING:
    from phantom_guard.settings import StrPath

_SECTIONS = (
    "dependencies",
    "devDependencies",
    "optionalDependencies",
    "configDependencies",
    "packageManagerDependencies",
)
_VERSION = re.compile(r"\d")


def parse(path: StrPath, text: str) -> ParseResult:
    """One ref per name, from the ``packages``/``snapshots`` keys (``/name/1.0.0_peer`` in v5,
    ``/name@1.0.0(peer)`` in v6, ``name@1.0.0`` in v9) and the ``importers`` entries.
    """
    file = str(path)
    lock = _Lock(file)
    for root in compose_yaml_all(file, text):
        top = yaml_items(file, root, "pnpm-lock.yaml")
        importers = yaml_get(root, "importers")
        if importers is None:  # a single project keeps its importer fields at the top
            lock.importer(root)
        else:
            for _, importer, _ in yaml_items(file, importers, "importers"):
                lock.importer(importer)
        for key, value, _ in top:
            if key in ("packages", "snapshots"):
                for package_key, entry, line in yaml_items(file, value, key):
                    lock.package(package_key, entry, line, noted=key == "packages")
    return lock.found.result()


def split_key(key: str) -> tuple[str, str]:
    """A ``packages`` key -> (name, what follows it: version, URL or path).

    ``/@s/n/1.0.0_peer`` (v5), ``/@s/n@1.0.0(peer)`` (v6) and ``@s/n@1.0.0`` (v9) all give
    ``@s/n``. A key that names no package gives an empty name.
    """
    slash_form = key.startswith("/")
    body = key[1:] if slash_form else key
    start = body.find("/") + 1 if body.startswith("@") else 0
    if start == 0 and body.startswith("@"):
        return "", body
    ends = [i for i in (body.find("@", start), body.find("/", start)) if i > 0]
    if not ends:
        return "", body
    end = min(ends)
    if body[end] == "/" and not slash_form:
        return "", body  # ``github.com/user/repo/sha``, ``file:folder/x``: not name/version
    return body[:end], body[end + 1 :]


class _Lock:
    def __init__(self, file: str) -> None:
        self.file = file
        self.found = Collector(file, Registry.NPM, dedupe=True)
        self.seen: set[int] = set()  # dependency maps already read (YAML aliases repeat them)

    def importer(self, importer: yaml.Node | None) -> None:
        """A project's direct dependencies: ``name: version`` (v5, with ``specifiers``) or
        ``name: {specifier, version}`` (v6, v9).
        """
        listed = yaml_items(self.file, yaml_get(importer, "specifiers"), "specifiers")
        specifiers = {name: yaml_str(self.file, node, "specifier") for name, node, _ in listed}
        for section in _SECTIONS:
            deps = yaml_get(importer, section)
            if deps is None or id(deps) in self.seen:
                continue
            self.seen.add(id(deps))
            for name, value, line in yaml_items(self.file, deps, section):
                if isinstance(value, yaml.MappingNode):
                    specifier = yaml_str(self.file, yaml_get(value, "specifier"), "specifier")
                    version = yaml_str(self.file, yaml_get(value, "version"), "version")
                else:
                    specifier = specifiers.get(name)
                    version = yaml_str(self.file, value, f"version of {name}")
                self._direct(name, specifier, version or "", line)

    def _direct(self, name: str, specifier: str | None, version: str, line: int) -> None:
        wanted = name  # the registry name the specifier asks for (an npm: alias names another)
        if specifier is not None:
            target, reason = spec_target(name, specifier)
            if target is None:
                self.found.skip(name, line, f"{reason}: {name}@{specifier}")
                return
            wanted = target
        exact: str | None = None
        if version.startswith(("link:", "file:")) or not version:
            real, reason = spec_target(wanted, version)
        elif _VERSION.match(version):
            real, reason, exact = wanted, None, version
        else:  # an alias ("/real/1.0.0", "real@1.0.0"), or a git or tarball source
            real, rest = split_key(version)
            reason = None if real and _VERSION.match(rest) else "not a registry version"
            exact = rest
        if reason is None and real:
            self.found.ref(real, line, version=_plain(exact))
        else:
            self.found.skip(name, line, f"{reason or 'not a registry version'}: {name}@{version}")

    def package(self, key: str, entry: yaml.Node, line: int, *, noted: bool) -> None:
        """One ``packages`` or ``snapshots`` entry; those not from a registry are noted once."""
        name, rest = split_key(key)
        if name and _VERSION.match(rest):
            resolution = yaml_get(entry, "resolution")
            tarball = yaml_str(self.file, yaml_get(resolution, "tarball"), "tarball")
            index = tarball if tarball and tarball.startswith(("https://", "http://")) else None
            self.found.ref(name, line, version=_plain(rest), index=index)
            return
        if not noted:
            return
        resolution = yaml_get(entry, "resolution")
        name = yaml_str(self.file, yaml_get(entry, "name"), "name") or name or key
        if yaml_get(resolution, "directory") is not None:
            reason = "local path"
        elif yaml_get(resolution, "repo") is not None or (
            yaml_str(self.file, yaml_get(resolution, "type"), "type") == "git"
        ):
            reason = "git dependency"
        else:
            tarball = yaml_str(self.file, yaml_get(resolution, "tarball"), "tarball") or rest
            reason = spec_target(name, tarball)[1] or "not a registry version"
        self.found.skip(name, line, f"{reason}: {name}@{rest or key}")


def _plain(version: str | None) -> str | None:
    """A lock version without pnpm's peer suffix: ``1.0.0(react@18)`` and ``1.0.0_react@18``
    give ``1.0.0``.
    """
    if not version:
        return None
    return re.split(r"[(_]", version, maxsplit=1)[0] or None
