"""``Cargo.toml``: a crate's (or a workspace's) dependency tables."""

from __future__ import annotations

from collections.abc import Callable
from pathlib import Path
from typing import Any

from phantom_guard.errors import SourceError
from phantom_guard.model import Registry
from phantom_guard.sources import ParseResult
from phantom_guard.sources._collect import Collector
from phantom_guard.sources._keypath import KeyPath, line_of
from phantom_guard.sources._toml import load_toml
from phantom_guard.sources._toml_lines import value_lines

TYPE_CHECKING = False  # typing.TYPE_CHECKING, without importing typing on the check path
if TYPE_CHECKING:
    from phantom_guard.settings import StrPath

#: The dependency tables of a crate, also found under ``[target.<cfg>]``. Cargo still accepts
#: the old underscore spellings.
TABLES = (
    "dependencies",
    "dev-dependencies",
    "build-dependencies",
    "dev_dependencies",
    "build_dependencies",
)

# Table keys that take a dependency from elsewhere than the default registry.
_NOT_REGISTRY = (
    ("git", "git dependency"),
    ("path", "local path"),
    ("registry", "alternate registry"),
    ("registry-index", "alternate registry"),
)


def parse(path: StrPath, text: str) -> ParseResult:
    """Refs from ``[dependencies]``, ``[dev-dependencies]``, ``[build-dependencies]`` (also under
    ``[target.<cfg>]``) and ``[workspace.dependencies]``; ``package = "..."`` gives the real name.
    """
    file = str(path)
    manifest = _Manifest(file, load_toml(file, text, column=True), value_lines(text))
    manifest.root = lambda: _workspace_root(Path(path), manifest.data)
    return manifest.read()


def _workspace_root(path: Path, data: dict[str, Any]) -> tuple[str, dict[str, Any]] | None:
    """The ``[workspace.dependencies]`` a member inherits from: its own, the one
    ``package.workspace = "..."`` points at, else that of the nearest Cargo.toml above with a
    ``[workspace]`` table (Cargo's own search). None when there is none (or it is unreadable).
    """
    from phantom_guard.sources import read_text

    own = data.get("workspace")
    if isinstance(own, dict):
        deps = own.get("dependencies")
        return (str(path), deps) if isinstance(deps, dict) else None
    package = data.get("package")
    pointed = package.get("workspace") if isinstance(package, dict) else None
    if isinstance(pointed, str):
        candidates = [path.parent / pointed / "Cargo.toml"]
    else:
        candidates = [parent / "Cargo.toml" for parent in path.resolve().parent.parents]
    for candidate in candidates:
        if not candidate.is_file():
            continue
        try:
            root = load_toml(str(candidate), read_text(candidate))
        except SourceError:
            return None
        workspace = root.get("workspace")
        if isinstance(workspace, dict):
            deps = workspace.get("dependencies")
            return (str(candidate), deps) if isinstance(deps, dict) else None
    return None


class _Manifest:
    def __init__(self, file: str, data: dict[str, Any], lines: dict[KeyPath, int]) -> None:
        self.file = file
        self.data = data
        self.lines = lines
        self.found = Collector(file, Registry.CRATES)
        self.root: Callable[[], tuple[str, dict[str, Any]] | None] = lambda: None
        self._root: tuple[str, dict[str, Any]] | bool | None = False  # False: not looked for

    def read(self) -> ParseResult:
        for table in TABLES:
            self.table(self.data, (table,))
        workspace = self.table_at(self.data, ("workspace",))
        if workspace is not None:
            self.table(workspace, ("workspace", "dependencies"))
        targets = self.table_at(self.data, ("target",)) or {}
        for cfg in targets:
            target = self.table_at(targets, ("target", cfg))
            for table in TABLES:
                self.table(target or {}, ("target", cfg, table))
        return self.found.result()

    def table_at(self, parent: dict[str, Any], path: tuple[str, ...]) -> dict[str, Any] | None:
        """The table at the last key of `path` under `parent`; None when absent."""
        value = parent.get(path[-1])
        if value is not None and not isinstance(value, dict):
            where = ".".join(path)
            raise SourceError(self.file, f"[{where}] must be a table", line_of(self.lines, path))
        return value

    def table(self, parent: dict[str, Any], path: tuple[str, ...]) -> None:
        """Each dependency in one table: a version string, or a table of its source."""
        for name, spec in (self.table_at(parent, path) or {}).items():
            line = line_of(self.lines, (*path, name))
            if isinstance(spec, str):
                self.found.ref(name, line)
                continue
            if not isinstance(spec, dict):
                where = ".".join((*path, name))
                raise SourceError(self.file, f"{where} must be a version string or a table", line)
            if spec.get("workspace") is True:
                self.inherited(name, line)
                continue
            reason = _not_registry(spec)
            if reason is not None:
                kind, key = reason
                self.found.skip(name, line, f"{kind}: {name} ({key} = {spec[key]})")
            else:
                real = spec.get("package", name)
                if not isinstance(real, str) or not real:
                    raise SourceError(self.file, f"{name}: 'package' must be a crate name", line)
                self.found.ref(real, line)

    def inherited(self, name: str, line: int | None) -> None:
        """``dep.workspace = true``: the workspace root's ``[workspace.dependencies]`` says what
        it is; without a root to read, it is skipped with that reason.
        """
        if self._root is False:
            self._root = self.root()
        found = self._root if not isinstance(self._root, bool) else None
        spec = found[1].get(name) if found is not None else None
        if found is None or spec is None:
            why = (
                "no workspace root declares it" if found is not None else "workspace root not found"
            )
            self.found.skip(name, line, f"workspace dependency: {name} ({why})")
            return
        if isinstance(spec, str):
            self.found.ref(name, line)
            return
        if not isinstance(spec, dict):
            self.found.skip(name, line, f"workspace dependency: {name} (unreadable in {found[0]})")
            return
        reason = _not_registry(spec)
        if reason is not None:
            kind, key = reason
            self.found.skip(name, line, f"{kind}: {name} ({key} = {spec[key]}, from {found[0]})")
            return
        real = spec.get("package", name)
        self.found.ref(real if isinstance(real, str) and real else name, line)


def _not_registry(spec: dict[str, Any]) -> tuple[str, str] | None:
    """Why a dependency table names no registry crate, and the key that says so; else None."""
    for key, kind in _NOT_REGISTRY:
        if key in spec:
            return kind, key
    return None
