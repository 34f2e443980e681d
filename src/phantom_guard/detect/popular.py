"""The shipped popular-package lists, loaded lazily from package data (never at import time).

Each list is ``name<TAB>score`` lines in popularity order under ``#`` header lines that record
its source and date (see scripts/build_popular_lists.py). Line order is the rank. Beside the PyPI
and npm lists the build script writes ``<registry>.names``, the same names one per line and
nothing else, which is what a run reads, and ``<registry>.index``, a hash table of those names
(`detect.name_index`): a lookup costs a probe or two, so a lock file's popular answers need not
index the whole list.
"""

from __future__ import annotations

from phantom_guard.detect.datafiles import data_path
from phantom_guard.model import Registry
from phantom_guard.names import comparable, normalize
from phantom_guard.stand_ins import cached_property

TYPE_CHECKING = False  # typing.TYPE_CHECKING, without importing typing on the start-up path
if TYPE_CHECKING:
    from collections.abc import Callable, Sequence

    from phantom_guard.detect.name_index import NameIndex

# A handful of names (one `validate`) are looked up by a search of the text, which costs
# microseconds; after that the shipped hash table is loaded (or, without one, the whole list is
# indexed once, a few milliseconds).
_SCANS_BEFORE_INDEX = 8
# Lookups through the hash table (~1 µs each) before the list is indexed as a dict after all
# (~5 ms, then ~0.1 µs a lookup): a lock file's entries take the table, name analysis of a
# batch, which asks about several words of every name, soon takes the dict.
_INDEX_LOOKUPS = 4096
# Every byte but a tab and a newline, for `bytes.translate` to delete.
_NOT_SEPARATORS = bytes(b for b in range(256) if b not in (9, 10))


class PopularList:
    """One registry's popular names in comparable (lowercase, normalized) form, with ranks."""

    def __init__(
        self,
        registry: Registry,
        text: str,
        *,
        names_only: bool = False,
        index: Callable[[], NameIndex | None] | None = None,
    ) -> None:
        self.registry = registry
        self._text = text
        self._names_only = names_only
        #: Loads the shipped hash table once the searches run out (None: index the text).
        self._load_index = index
        self._index: NameIndex | None = None
        self._index_lookups_left = _INDEX_LOOKUPS
        #: What ends a name on its line: the score's tab, or the newline of a names-only text.
        self._end = "\n" if names_only else "\t"
        # Only PyPI and npm lists are written normalized, one name per line, no duplicates
        # (the build script's guarantee): only there does a line number equal the rank.
        self._scans_left = _SCANS_BEFORE_INDEX if registry is not Registry.CRATES else 0
        self._body = 0
        while text.startswith("#", self._body):
            self._body = text.index("\n", self._body) + 1

    @cached_property
    def names(self) -> tuple[str, ...]:
        """Every name, most popular first."""
        found = self._lines()
        if self.registry is Registry.CRATES:
            # Crates are listed as published ("serde_json"); the PyPI and npm lists are
            # written normalized by the build script, so 30,000 lines skip this.
            found = [comparable(normalize(name, self.registry)) for name in found]
        return tuple(dict.fromkeys(found))  # a repeated name keeps its first (best) rank

    @cached_property
    def ranks(self) -> dict[str, int]:
        """Name -> 1-based rank."""
        if "names" not in self.__dict__ and self.registry is not Registry.CRATES:
            # A lock file's popular answers need the ranks, not the `names` tuple: without a
            # repeated line (the build script's guarantee) a name's line number is its rank.
            found = self._lines()
            ranks = dict(zip(found, range(1, len(found) + 1), strict=True))
            if len(ranks) == len(found):
                return ranks
        return dict(zip(self.names, range(1, len(self.names) + 1), strict=True))

    def _lines(self) -> list[str]:
        """The name on each line but a "#" header or an empty one, up to its first tab; split
        apart at C speed when every line below the header is ``name<TAB>digits``, as the build
        script writes them (a third less time than a pass over the lines in a fresh process).
        """
        body = self._text[self._body :]
        if self._names_only:  # every name ends with its newline, the last one too
            return body.split("\n")[:-1]
        # Every line holds exactly one tab (its separators read tab, newline, tab, ..., which
        # also rules out blank lines) and none starts with "#" or a tab (a comment, an empty name).
        if (
            body.endswith("\n")
            and not body.startswith("\t")
            and "\n#" not in body
            and "\n\t" not in body
            and body.encode().translate(None, _NOT_SEPARATORS) == b"\t\n" * body.count("\n")
        ):
            parts = body.replace("\t", "\n").split("\n")
            scores = "".join(parts[1::2])
            if scores.isascii() and scores.isdigit():
                return parts[0:-1:2]
        return [
            line.partition("\t")[0]
            for line in self._text.split("\n")
            if line and not line.startswith(("#", "\t"))
        ]

    def rank(self, comparable: str) -> int | None:
        """1-based popularity rank, or None if not on the list."""
        if (index := self._index) is not None:
            self._index_lookups_left -= 1
            if self._index_lookups_left <= 0:
                self._index = None  # from here on, the dict: it has paid for itself
            return index.rank(comparable)
        if self._scans_left > 0 and "ranks" not in self.__dict__:
            self._scans_left -= 1
            return self._scan(comparable)
        if self._load_index is not None:
            self._index, self._load_index = self._load_index(), None
            if self._index is not None:
                return self._index.rank(comparable)
        return self.ranks.get(comparable)

    def ranks_of(self, keys: Sequence[str]) -> list[int | None]:
        """`rank` of each key, the way to look them up chosen once for the lot: a handful are
        searched, a lock file's names go straight to the hash table while its lookups last,
        and past them the list is indexed as a dict.
        """
        lookup: Callable[[str], int | None]
        if "ranks" not in self.__dict__:
            if len(keys) <= self._scans_left:
                lookup = self.rank
                return [lookup(key) for key in keys]
            if self._load_index is not None:
                self._index, self._load_index = self._load_index(), None
            index = self._index
            if index is not None and len(keys) < self._index_lookups_left:
                self._index_lookups_left -= len(keys)
                lookup = index.rank
                return [lookup(key) for key in keys]
        self._index = None  # from here on, the dict
        lookup = self.ranks.get
        return [lookup(key) for key in keys]

    def __contains__(self, comparable: object) -> bool:
        return isinstance(comparable, str) and self.rank(comparable) is not None

    def _scan(self, name: str) -> int | None:
        if not name or "\n" in name or "\t" in name:
            return None
        text, end = self._text, self._end
        if text.startswith(name + end, self._body):
            return 1
        at = text.find(f"\n{name}{end}", self._body)
        if at < 0:
            return None
        return text.count("\n", self._body, at) + 2


_LISTS: dict[Registry, PopularList] = {}


def popular_list(registry: Registry) -> PopularList:
    """The popular list of `registry`, read once per process."""
    found = _LISTS.get(registry)
    if found is None:
        if registry is Registry.CRATES:
            with open(data_path("popular", "crates.txt"), encoding="utf-8") as file:
                found = _LISTS[registry] = PopularList(registry, file.read())
            return found
        with open(data_path("popular", f"{registry.value}.names"), encoding="utf-8") as file:
            text = file.read()
        found = _LISTS[registry] = PopularList(
            registry, text, names_only=True, index=lambda: _name_index(registry, text)
        )
    return found


def _name_index(registry: Registry, text: str) -> NameIndex | None:
    """The shipped hash table of `registry`'s names, or None (absent, or not for this text):
    lookups then index the text.
    """
    from phantom_guard.detect.name_index import NameIndex  # past a handful of lookups only

    try:
        with open(data_path("popular", f"{registry.value}.index"), "rb") as file:
            return NameIndex(file.read(), text)
    except (OSError, ValueError):
        return None
