"""``pyproject.toml``: the dependency tables of PEP 518, PEP 621, PEP 735, Poetry, PDM and uv.

Array entries are PEP 508 strings (PEP 621: each one "MUST be formatted as a valid PEP 508
string"); Poetry maps names to version constraints or tables. Paths, URLs and git entries
name no registry package and are skipped with the reason.
"""

from __future__ import annotations

from typing import Any

from phantom_guard.errors import SourceError
from phantom_guard.model import Registry
from phantom_guard.sources import ParseResult
from phantom_guard.sources._collect import Collector
from phantom_guard.sources._keypath import KeyPath
from phantom_guard.sources._toml import TomlDocument, kind
from phantom_guard.sources.requirements import Skip, pep508_pin

TYPE_CHECKING = False  # typing.TYPE_CHECKING, without importing typing on the check path
if TYPE_CHECKING:
    from phantom_guard.settings import StrPath

# Poetry dependency tables with one of these keys install from elsewhere than an index.
_POETRY_NON_REGISTRY = {"path": "path dependency", "git": "git dependency", "url": "URL dependency"}
# uv's own lists of PEP 508 strings under [tool.uv].
_UV_LISTS = ("dev-dependencies", "constraint-dependencies", "override-dependencies")


def parse(path: StrPath, text: str) -> ParseResult:
    """Parse ``pyproject.toml``: build-system requires (PEP 518), [project] (PEP 621),
    [dependency-groups] (PEP 735), and the Poetry, PDM and uv dependency tables.
    """
    doc = TomlDocument(str(path), text)
    found = Collector(doc.file, Registry.PYPI)
    build = doc.table(doc.data, ("build-system",))
    _pep508_list(doc, found, build, ("build-system", "requires"))
    project = doc.table(doc.data, ("project",))
    _pep508_list(doc, found, project, ("project", "dependencies"))
    extras = doc.table(project, ("project", "optional-dependencies"))
    for extra in extras:
        _pep508_list(doc, found, extras, ("project", "optional-dependencies", extra))
    groups = doc.table(doc.data, ("dependency-groups",))
    for group in groups:
        _dependency_group(doc, found, groups, ("dependency-groups", group))
    tool = doc.table(doc.data, ("tool",))
    _poetry(doc, found, doc.table(tool, ("tool", "poetry")))
    pdm = doc.table(tool, ("tool", "pdm"))
    pdm_dev = doc.table(pdm, ("tool", "pdm", "dev-dependencies"))
    for group in pdm_dev:
        _pep508_list(doc, found, pdm_dev, ("tool", "pdm", "dev-dependencies", group), pdm=True)
    uv = doc.table(tool, ("tool", "uv"))
    for key in _UV_LISTS:
        _pep508_list(doc, found, uv, ("tool", "uv", key))
    return found.result()


def _pep508(doc: TomlDocument, found: Collector, path: KeyPath, text: str) -> None:
    line = doc.line(path)
    try:
        named = pep508_pin(text)
    except ValueError as exc:
        raise SourceError(doc.file, str(exc), line) from None
    if isinstance(named, Skip):
        found.skip(text, line, named.reason)
    else:
        found.ref(named[0], line, version=named[1])


def _pep508_list(
    doc: TomlDocument,
    found: Collector,
    parent: dict[str, Any],
    path: KeyPath,
    *,
    pdm: bool = False,
) -> None:
    """An array of PEP 508 strings at ``parent[path[-1]]``, if present."""
    for index, entry in enumerate(doc.array(parent, path)):
        entry_path = (*path, index)
        text = doc.string(entry, entry_path)
        # PDM: "-e path" or "-e url" installs that project in editable mode.
        if pdm and text.lstrip().startswith("-e"):
            target = text.lstrip().removeprefix("-e").strip()
            found.skip(text, doc.line(entry_path), f"editable install: {target}")
        else:
            _pep508(doc, found, entry_path, text)


def _dependency_group(
    doc: TomlDocument, found: Collector, groups: dict[str, Any], path: KeyPath
) -> None:
    """PEP 735: a group lists requirement strings and ``{include-group = "name"}`` tables."""
    for index, entry in enumerate(doc.array(groups, path)):
        entry_path = (*path, index)
        if isinstance(entry, str):
            _pep508(doc, found, entry_path, entry)
        elif not (isinstance(entry, dict) and isinstance(entry.get("include-group"), str)):
            raise doc.fail(
                entry_path, f"expected a string or {{include-group = ...}}, found {kind(entry)}"
            )


def _poetry(doc: TomlDocument, found: Collector, poetry: dict[str, Any]) -> None:
    base: KeyPath = ("tool", "poetry")
    for key in ("dependencies", "dev-dependencies"):
        _poetry_table(doc, found, doc.table(poetry, (*base, key)), (*base, key))
    groups = doc.table(poetry, (*base, "group"))
    for group in groups:
        group_path = (*base, "group", group)
        table = doc.table(doc.table(groups, group_path), (*group_path, "dependencies"))
        _poetry_table(doc, found, table, (*group_path, "dependencies"))


def _poetry_table(
    doc: TomlDocument, found: Collector, table: dict[str, Any], path: KeyPath
) -> None:
    """Poetry: ``name = "constraint"``, ``name = {version = ...}``, or a list of those tables
    (multiple constraints: one package)."""
    for name, spec in table.items():
        if name == "python":
            continue
        entry_path = (*path, name)
        from_index = False
        items = enumerate(spec) if isinstance(spec, list) else [(None, spec)]
        for index, item in items:
            item_path = entry_path if index is None else (*entry_path, index)
            reason = _poetry_reason(doc, item_path, name, item)
            if reason is None:
                from_index = True
            else:
                found.skip(name, doc.line(item_path), reason)
        if from_index:
            found.ref(name, doc.line(entry_path))


def _poetry_reason(doc: TomlDocument, path: KeyPath, name: str, spec: object) -> str | None:
    """None if a Poetry constraint installs `name` from an index, else why it does not."""
    if isinstance(spec, str):
        return None
    if not isinstance(spec, dict):
        raise doc.fail(path, f"expected a version string or a table, found {kind(spec)}")
    for key, label in _POETRY_NON_REGISTRY.items():
        if key in spec:
            return f"{label} {name}: {spec[key]}"
    return None
