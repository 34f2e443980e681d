"""The shipped popular-package lists, loaded lazily from package data (never at import time).

Each list is ``name<TAB>score`` lines in popularity order under ``#`` header lines that record
its source and date (see scripts/build_popular_lists.py). Line order is the rank.
"""

from __future__ import annotations

from dataclasses import dataclass
from functools import cache
from importlib import resources

from phantom_guard.model import Registry
from phantom_guard.names import comparable, normalize


@dataclass(frozen=True, slots=True)
class PopularList:
    """One registry's popular names in comparable (lowercase, normalized) form, with ranks."""

    registry: Registry
    names: tuple[str, ...]
    ranks: dict[str, int]

    def rank(self, comparable: str) -> int | None:
        """1-based popularity rank, or None if not on the list."""
        return self.ranks.get(comparable)

    def __contains__(self, comparable: object) -> bool:
        return comparable in self.ranks


@cache
def popular_list(registry: Registry) -> PopularList:
    """The popular list of `registry`, read once per process."""
    text = (
        resources.files("phantom_guard.detect")
        .joinpath("data")
        .joinpath("popular")
        .joinpath(f"{registry.value}.txt")
        .read_text(encoding="utf-8")
    )
    names: list[str] = []
    ranks: dict[str, int] = {}
    for line in text.splitlines():
        if not line or line.startswith("#"):
            continue
        name = line.split("\t", 1)[0]
        if registry is Registry.CRATES:
            # Crates are listed as published ("serde_json"); the PyPI and npm lists are
            # written normalized by the build script, so 30,000 lines skip this.
            name = comparable(normalize(name, registry))
        if name not in ranks:
            ranks[name] = len(names) + 1
            names.append(name)
    return PopularList(registry, tuple(names), ranks)
