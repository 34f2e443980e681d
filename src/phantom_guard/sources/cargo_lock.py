"""``Cargo.lock``: the resolved ``[[package]]`` list of a crate or workspace."""

from __future__ import annotations

from phantom_guard.errors import SourceError
from phantom_guard.model import Registry
from phantom_guard.sources import ParseResult
from phantom_guard.sources._collect import Collector
from phantom_guard.sources._keypath import line_of
from phantom_guard.sources._toml import load_toml
from phantom_guard.sources._toml_lines import value_lines

TYPE_CHECKING = False  # typing.TYPE_CHECKING, without importing typing on the check path
if TYPE_CHECKING:
    from phantom_guard.settings import StrPath

_REGISTRY_SOURCES = ("registry+", "sparse+")


def parse(path: StrPath, text: str) -> ParseResult:
    """One ref per name among ``[[package]]`` blocks with a ``registry+``/``sparse+`` source,
    on the block's ``name =`` line; no source (the workspace's own crates) is not a dependency.
    """
    file = str(path)
    data = load_toml(file, text, column=True)
    lines = value_lines(text)
    found = Collector(file, Registry.CRATES, dedupe=True)
    packages = data.get("package", [])
    if not isinstance(packages, list):
        raise SourceError(
            file, "'package' must be an array of tables", line_of(lines, ("package",))
        )
    for index, package in enumerate(packages):
        line = line_of(lines, ("package", index, "name"))
        if not isinstance(package, dict):
            raise SourceError(file, "'package' must be an array of tables", line)
        name, source = package.get("name"), package.get("source")
        version = package.get("version")
        version = version if isinstance(version, str) else None
        if not isinstance(name, str) or not name:
            raise SourceError(file, "a [[package]] without a name", line)
        if source is None:
            continue
        if not isinstance(source, str):
            raise SourceError(file, f"{name}: 'source' must be a string", line)
        spec = f"{name}@{version}" if version else name
        if source.startswith(_REGISTRY_SOURCES):
            found.ref(name, line, version=version, index=source)
        elif source.startswith("git+"):
            found.skip(name, line, f"git dependency: {name} ({source})", spec=spec)
        else:
            found.skip(name, line, f"unsupported source: {name} ({source})", spec=spec)
    return found.result()
