"""Typosquat detection: is this name a near-miss of a popular package? Pure, no I/O.

Candidates come from buckets, not a scan of the whole list: one edit changes the length by at
most one and keeps the first or the last character (an edit at the front keeps the end), so only
popular names of a neighbouring length sharing the first or last character can be one edit away.
rapidfuzz's optimal string alignment distance (Damerau with adjacent transpositions, in C++)
scans those few hundred in one call. Spelling variants (separators, word order, affixes,
confusable characters, npm scopes) are found through canonical keys. No Python-level distance
loops run over the lists.
"""

from __future__ import annotations

import itertools
import re
from dataclasses import dataclass
from functools import cache

from rapidfuzz import process
from rapidfuzz.distance import OSA

from phantom_guard.detect.popular import PopularList, popular_list
from phantom_guard.model import Registry

# Characters people and attackers swap for one another; each maps to one representative.
_CONFUSABLES = str.maketrans({"0": "o", "1": "l", "i": "l", "3": "e", "5": "s", "4": "a", "7": "t"})
_MULTI_CONFUSABLES = (("rn", "m"), ("vv", "w"), ("cl", "d"))
_SEPARATORS = re.compile(r"[-_.@/]+")
# Affixes that say "this is for language X" and are commonly added to or dropped from names.
_PREFIXES = ("python-", "python", "py-", "py", "node-", "js-", "rust-", "rs-", "lib")
_SUFFIXES = (
    "-python",
    "python",
    "-py",
    "py",
    "-js",
    ".js",
    "js",
    "-node",
    "-rs",
    "-rust",
    "-lib",
    "lib",
)
# Below this many letters almost every name is one edit from some popular name.
_MIN_LENGTH = 4
_QWERTY_ROWS = ("1234567890-", "qwertyuiop", "asdfghjkl", "zxcvbnm")


@dataclass(frozen=True, slots=True)
class TyposquatMatch:
    """A popular package this name imitates, and how."""

    target: str
    target_rank: int
    technique: str
    distance: int


class TyposquatIndex:
    """Near-miss lookup against one registry's popular list (built once, reused per name)."""

    def __init__(self, popular: PopularList) -> None:
        self._popular = popular
        buckets: dict[tuple[int, str, str], list[str]] = {}
        squashed: dict[str, int] = {}
        sorted_words: dict[str, int] = {}
        skeletons: dict[str, int] = {}
        for index, name in enumerate(popular.names):
            buckets.setdefault((len(name), "first", name[0]), []).append(name)
            buckets.setdefault((len(name), "last", name[-1]), []).append(name)
            squashed.setdefault(_squash(name), index)
            sorted_words.setdefault(_sorted_words(name), index)
            skeletons.setdefault(_skeleton(name), index)
        self._buckets = buckets
        self._squashed = squashed
        self._sorted_words = sorted_words
        self._skeletons = skeletons

    def match(self, name: str) -> TyposquatMatch | None:
        """The most popular package `name` imitates, or None. `name` is in comparable form."""
        if name in self._popular or len(_squash(name)) < _MIN_LENGTH:
            return None
        found = [m for m in (self._variant(name), self._near_miss(name), self._affix(name)) if m]
        return min(found, key=lambda m: (m.distance, m.target_rank)) if found else None

    def _hit(self, index: int, technique: str, distance: int) -> TyposquatMatch:
        target = self._popular.names[index]
        return TyposquatMatch(target, index + 1, technique, distance)

    def _variant(self, name: str) -> TyposquatMatch | None:
        squashed = _squash(name)
        if (index := self._squashed.get(squashed)) is not None:
            return self._hit(index, "separator", 0)
        if (index := self._sorted_words.get(_sorted_words(name))) is not None:
            return self._hit(index, "word order", 0)
        if (index := self._skeletons.get(_skeleton(name))) is not None:
            return self._hit(index, "confusable characters", 0)
        return None

    def _near_miss(self, name: str) -> TyposquatMatch | None:
        best: TyposquatMatch | None = None
        size = len(name)
        for length, end in itertools.product((size - 1, size, size + 1), ("first", "last")):
            choices = self._buckets.get((length, end, name[0] if end == "first" else name[-1]))
            if not choices:
                continue
            for target, _, _ in process.extract(
                name, choices, scorer=OSA.distance, score_cutoff=1, limit=None
            ):
                rank = self._popular.ranks[target]
                if best is not None and best.target_rank <= rank:
                    continue
                technique = describe_edit(name, target)
                if technique != "separator":  # same words, other separator: _variant's job
                    best = TyposquatMatch(target, rank, technique, 1)
        return best

    def _affix(self, name: str) -> TyposquatMatch | None:
        squashed = _squash(name)
        for core in _strip_affixes(name):
            if core == name or len(core) < _MIN_LENGTH:
                continue
            index = self._squashed.get(_squash(core))
            if index is not None and _squash(self._popular.names[index]) != squashed:
                return self._hit(index, "added or dropped affix", 1)
        return None


@cache
def typosquat_index(registry: Registry) -> TyposquatIndex:
    """The index of `registry`'s popular list, built once per process and shared."""
    return TyposquatIndex(popular_list(registry))


def describe_edit(name: str, target: str) -> str:
    """Name the single edit that turns `target` into `name` (for the evidence a user reads)."""
    if len(name) == len(target):
        diffs = [i for i, (a, b) in enumerate(zip(name, target, strict=True)) if a != b]
        if len(diffs) == 2 and name[diffs[0]] == target[diffs[1]]:
            return "swapped letters"
        if len(diffs) == 1:
            a, b = name[diffs[0]], target[diffs[0]]
            if _SEPARATORS.match(a) and _SEPARATORS.match(b):
                return "separator"
            if _skeleton(a) == _skeleton(b):
                return "confusable character"
            if _keyboard_neighbours(a, b):
                return "keyboard neighbour"
            return "substituted letter"
    longer, shorter = (name, target) if len(name) > len(target) else (target, name)
    for i in range(len(longer)):
        if longer[:i] + longer[i + 1 :] == shorter:
            extra = longer[i]
            doubled = (i > 0 and longer[i - 1] == extra) or (
                i + 1 < len(longer) and longer[i + 1] == extra
            )
            if _SEPARATORS.match(extra):
                return "separator"
            if longer is name:
                if extra.isdigit() and i == len(longer) - 1:
                    return "added digit"
                return "doubled letter" if doubled else "added letter"
            return "dropped double letter" if doubled else "dropped letter"
    return "one edit"


def _squash(name: str) -> str:
    return _SEPARATORS.sub("", name)


def _sorted_words(name: str) -> str:
    words = [w for w in _SEPARATORS.split(name) if w]
    return "-".join(sorted(words)) if len(words) > 1 else "\0" + name


def _skeleton(name: str) -> str:
    text = _squash(name)
    for pair, single in _MULTI_CONFUSABLES:
        text = text.replace(pair, single)
    return text.translate(_CONFUSABLES)


def _strip_affixes(name: str) -> list[str]:
    cores = []
    for prefix in _PREFIXES:
        if name.startswith(prefix):
            cores.append(name[len(prefix) :].lstrip("-_."))
    for suffix in _SUFFIXES:
        if name.endswith(suffix):
            cores.append(name[: -len(suffix)].rstrip("-_."))
    return cores


def _keyboard_neighbours(a: str, b: str) -> bool:
    for row_index, row in enumerate(_QWERTY_ROWS):
        if a in row:
            col = row.index(a)
            for other_row in _QWERTY_ROWS[max(0, row_index - 1) : row_index + 2]:
                if b in other_row[max(0, col - 1) : col + 2]:
                    return True
    return False
