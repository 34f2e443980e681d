"""Key paths: how the JSON and TOML line scanners name a place in a document.

The standard decoders give data but no positions, so the scanners map each key path to the
1-based line it is written on, and parsers look their entries up by the same path.
"""

from __future__ import annotations

TYPE_CHECKING = False  # typing.TYPE_CHECKING, without importing typing on the start-up path
if TYPE_CHECKING:
    from collections.abc import Mapping

#: Object or table keys from the root, with array indexes as ints: ``("package", 3, "name")``.
KeyPath = tuple[str | int, ...]


def line_of(lines: Mapping[KeyPath, int], path: KeyPath) -> int | None:
    """The line of `path`, else of its longest recorded prefix (a key inside an inline value)."""
    for end in range(len(path), 0, -1):
        line = lines.get(path[:end])
        if line is not None:
            return line
    return None
