"""``pyproject.toml``: the dependency tables of PEP 518, PEP 621, PEP 735, Poetry, PDM and uv.

Array entries are PEP 508 strings (PEP 621: each one "MUST be formatted as a valid PEP 508
string"); Poetry maps names to version constraints or tables. Paths, URLs and git entries
name no registry package and are skipped with the reason.
"""

from __future__ import annotations

from pathlib import Path
from typing import Any

from phantom_guard.errors import SourceError
from phantom_guard.model import Registry
from phantom_guard.sources import ParseResult
from phantom_guard.sources._toml_lines import Collector, KeyPath, kind
from phantom_guard.sources.requirements import Skip, pep508_name

# Poetry dependency tables with one of these keys install from elsewhere than an index.
_POETRY_NON_REGISTRY = {"path": "path dependency", "git": "git dependency", "url": "URL dependency"}
# uv's own lists of PEP 508 strings under [tool.uv].
_UV_LISTS = ("dev-dependencies", "constraint-dependencies", "override-dependencies")


def parse(path: Path, text: str) -> ParseResult:
    """Parse ``pyproject.toml``: build-system requires (PEP 518), [project] (PEP 621),
    [dependency-groups] (PEP 735), and the Poetry, PDM and uv dependency tables.
    """
    found = Collector(str(path), text, Registry.PYPI)
    build = found.table(found.data, ("build-system",))
    _pep508_list(found, build, ("build-system", "requires"))
    project = found.table(found.data, ("project",))
    _pep508_list(found, project, ("project", "dependencies"))
    extras = found.table(project, ("project", "optional-dependencies"))
    for extra in extras:
        _pep508_list(found, extras, ("project", "optional-dependencies", extra))
    groups = found.table(found.data, ("dependency-groups",))
    for group in groups:
        _dependency_group(found, groups, ("dependency-groups", group))
    tool = found.table(found.data, ("tool",))
    _poetry(found, found.table(tool, ("tool", "poetry")))
    pdm = found.table(tool, ("tool", "pdm"))
    pdm_dev = found.table(pdm, ("tool", "pdm", "dev-dependencies"))
    for group in pdm_dev:
        _pep508_list(found, pdm_dev, ("tool", "pdm", "dev-dependencies", group), pdm=True)
    uv = found.table(tool, ("tool", "uv"))
    for key in _UV_LISTS:
        _pep508_list(found, uv, ("tool", "uv", key))
    return found.result()


def _pep508(found: Collector, path: KeyPath, text: str) -> None:
    try:
        named = pep508_name(text)
    except ValueError as exc:
        raise SourceError(found.file, str(exc), found.lines.get(path)) from None
    if isinstance(named, Skip):
        found.skip(path, named.reason)
    else:
        found.ref(named, path)


def _pep508_list(
    found: Collector, parent: dict[str, Any], path: KeyPath, *, pdm: bool = False
) -> None:
    """An array of PEP 508 strings at ``parent[path[-1]]``, if present."""
    for index, entry in enumerate(found.array(parent, path)):
        entry_path = (*path, index)
        text = found.string(entry, entry_path)
        # PDM: "-e path" or "-e url" installs that project in editable mode.
        if pdm and text.lstrip().startswith("-e"):
            target = text.lstrip().removeprefix("-e").strip()
            found.skip(entry_path, f"editable install: {target}")
        else:
            _pep508(found, entry_path, text)


def _dependency_group(found: Collector, groups: dict[str, Any], path: KeyPath) -> None:
    """PEP 735: a group lists requirement strings and ``{include-group = "name"}`` tables."""
    for index, entry in enumerate(found.array(groups, path)):
        entry_path = (*path, index)
        if isinstance(entry, str):
            _pep508(found, entry_path, entry)
        elif not (isinstance(entry, dict) and isinstance(entry.get("include-group"), str)):
            raise found.fail(
                entry_path, f"expected a string or {{include-group = ...}}, found {kind(entry)}"
            )


def _poetry(found: Collector, poetry: dict[str, Any]) -> None:
    base: KeyPath = ("tool", "poetry")
    for key in ("dependencies", "dev-dependencies"):
        _poetry_table(found, found.table(poetry, (*base, key)), (*base, key))
    groups = found.table(poetry, (*base, "group"))
    for group in groups:
        group_path = (*base, "group", group)
        table = found.table(found.table(groups, group_path), (*group_path, "dependencies"))
        _poetry_table(found, table, (*group_path, "dependencies"))


def _poetry_table(found: Collector, table: dict[str, Any], path: KeyPath) -> None:
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
            reason = _poetry_reason(found, item_path, name, item)
            if reason is None:
                from_index = True
            else:
                found.skip(item_path, reason)
        if from_index:
            found.ref(name, entry_path)


def _poetry_reason(found: Collector, path: KeyPath, name: str, spec: object) -> str | None:
    """None if a Poetry constraint installs `name` from an index, else why it does not."""
    if isinstance(spec, str):
        return None
    if not isinstance(spec, dict):
        raise found.fail(path, f"expected a version string or a table, found {kind(spec)}")
    for key, label in _POETRY_NON_REGISTRY.items():
        if key in spec:
            return f"{label} {name}: {spec[key]}"
    return None
