"""`Collector`: the refs and skip notes a parser finds in one file, made into its `ParseResult`.

Manifests report every declaration, in the order found. Lockfiles list a package once per
version or install path, so their parsers ask for ``dedupe=True``: one ref (and one skip
note) per name, on its first line, in line order.
"""

from __future__ import annotations

from collections.abc import Callable, Iterable
from typing import TypeVar

from phantom_guard.model import PackageRef, Registry, Source
from phantom_guard.sources import ParseResult

_Entry = TypeVar("_Entry")


class Collector:
    """Refs to `registry` and skip notes found in `file`."""

    def __init__(self, file: str, registry: Registry, *, dedupe: bool = False) -> None:
        self.file = file
        self.registry = registry
        self.dedupe = dedupe
        self._refs: list[PackageRef] = []
        self._skipped: list[tuple[str, Source, str]] = []

    def ref(
        self,
        name: str,
        line: int | None,
        *,
        version: str | None = None,
        constraint: str | None = None,
    ) -> None:
        """Record the package `name`, declared on `line`, with the exact `version` a lock file
        pins or the range (`constraint`) a manifest declares, when known.
        """
        source = Source(self.file, line, version, constraint)
        self._refs.append(PackageRef(name, self.registry, source, version))

    def skip(self, name: str, line: int | None, reason: str) -> None:
        """Record an entry that is not looked up, and why; `name` is what `dedupe` goes by."""
        self._skipped.append((name, Source(self.file, line), reason))

    def result(self) -> ParseResult:
        """Everything recorded: as found, or with `dedupe` the first per name, in line order."""
        refs: Iterable[PackageRef] = self._refs
        skipped: Iterable[tuple[str, Source, str]] = self._skipped
        if self.dedupe:
            refs = _first_per_name(refs, lambda ref: (ref.name, ref.source))
            skipped = _first_per_name(skipped, lambda note: (note[0], note[1]))
        return ParseResult(
            refs=tuple(refs),
            skipped=tuple((source, reason) for _, source, reason in skipped),
        )


def _first_per_name(
    entries: Iterable[_Entry], where: Callable[[_Entry], tuple[str, Source | None]]
) -> list[_Entry]:
    """Per name, the entry on the earliest line (ties: the first recorded), in line order."""
    first: dict[str, tuple[int, _Entry]] = {}
    for entry in entries:
        name, source = where(entry)
        order = _order(source)
        old = first.get(name)
        if old is None or order < old[0]:
            first[name] = (order, entry)
    return [entry for _, entry in sorted(first.values(), key=lambda item: item[0])]


def _order(source: Source | None) -> int:
    """Sort key of a position: its line, with no line after every line."""
    return source.line if source is not None and source.line is not None else 1 << 62
