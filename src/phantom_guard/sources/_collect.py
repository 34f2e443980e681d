"""`Collector`: the refs and skip notes a parser finds in one file, made into its `ParseResult`.

Manifests report every declaration, in the order found. Lockfiles list a package once per
version or install path, so their parsers ask for ``dedupe=True``: one ref per name and version
(and one skip note per name), on its first line, in line order.
"""

from __future__ import annotations

from operator import itemgetter

from phantom_guard.model import PackageRef, Skipped, Source
from phantom_guard.sources import ParseResult

TYPE_CHECKING = False  # typing.TYPE_CHECKING, without importing typing on the check path
if TYPE_CHECKING:
    from collections.abc import Callable, Hashable, Iterable
    from typing import TypeVar

    from phantom_guard.model import Registry

    _Entry = TypeVar("_Entry")


class Collector:
    """Refs to `registry` and skip notes found in `file`."""

    def __init__(self, file: str, registry: Registry, *, dedupe: bool = False) -> None:
        self.file = file
        self.registry = registry
        self.dedupe = dedupe
        self._refs: list[PackageRef] = []
        self._skipped: list[tuple[str, Skipped]] = []

    def ref(
        self,
        name: str,
        line: int | None,
        *,
        version: str | None = None,
        index: str | None = None,
        constraint: str | None = None,
    ) -> None:
        """Record the package `name`, declared on `line`; `version` is the exact version it pins
        (a lock entry, an ``==`` pin), `index` the URL a lock file says it was fetched from,
        `constraint` the version range a manifest declares (for the known-malicious feed).
        """
        version = version or None
        source = Source(self.file, line, version, constraint or None)
        self._refs.append(PackageRef(name, self.registry, source, version, index or None))

    def skip(self, name: str, line: int | None, reason: str, *, spec: str | None = None) -> None:
        """Record an entry that is not looked up, and why; `name` is what `dedupe` goes by and,
        unless `spec` is given, the spec reported.
        """
        self._skipped.append((name, Skipped(spec or name, reason, Source(self.file, line))))

    def result(self) -> ParseResult:
        """Everything recorded: as found, or with `dedupe` the first per name, in line order."""
        refs: Iterable[PackageRef] = self._refs
        skipped: Iterable[tuple[str, Skipped]] = self._skipped
        if self.dedupe:
            refs = _first_refs(self._refs)
            skipped = _first_per_key(skipped, lambda note: (note[0], note[1].source))
        return ParseResult(refs=tuple(refs), skipped=tuple(note for _, note in skipped))


def _first_refs(refs: list[PackageRef]) -> list[PackageRef]:
    """`_first_per_key` by (name, version), written out: a lock file has thousands of refs."""
    first: dict[tuple[str, str | None], tuple[int, PackageRef]] = {}
    for ref in refs:
        source = ref.source
        order = source.line if source is not None and source.line is not None else _NO_LINE
        key = (ref.name, ref.version)
        old = first.get(key)
        if old is None or order < old[0]:
            first[key] = (order, ref)
    return [ref for _, ref in sorted(first.values(), key=itemgetter(0))]


def _first_per_key(
    entries: Iterable[_Entry], where: Callable[[_Entry], tuple[Hashable, Source | None]]
) -> list[_Entry]:
    """Per key, the entry on the earliest line (ties: the first recorded), in line order."""
    first: dict[Hashable, tuple[int, _Entry]] = {}
    for entry in entries:
        key, source = where(entry)
        order = _order(source)
        old = first.get(key)
        if old is None or order < old[0]:
            first[key] = (order, entry)
    return [entry for _, entry in sorted(first.values(), key=lambda item: item[0])]


_NO_LINE = 1 << 62  # sorts after every line


def _order(source: Source | None) -> int:
    """Sort key of a position: its line, with no line after every line."""
    return source.line if source is not None and source.line is not None else _NO_LINE
