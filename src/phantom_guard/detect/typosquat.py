"""Typosquat detection: is this name a near-miss of a well-known package? Pure, no I/O.

The targets are two tiers per registry: the popular list, and for npm the next most downloaded
names (squatters aim below the very top, where fewer people look). Both live in one prebuilt,
sorted table per registry (``data/index/<registry>.txt``, written by
``scripts/build_name_index.py`` from the lists), searched in place by `SortedText`, so the
first name of a process pays for one file read, not for building Python dicts. Most look-ups
find nothing; a bit table of the keys a look-up can find (``data/index/<registry>.keys``, one
hash per key, as a Bloom filter) answers those without searching the table.

Candidates come from buckets, not a scan of the lists: one edit changes the length by at most
one and keeps the first two or the last two characters (an edit near the front keeps the end),
so only targets of a neighbouring length sharing those can be close. rapidfuzz's optimal string
alignment distance (Damerau with adjacent transpositions, in C++) scans those few in one call.
Spelling variants (separators, word order, confusable characters, npm scopes) are found
through canonical keys.
"""

from __future__ import annotations

import mmap
import re
import zlib
from collections.abc import Iterable, Iterator
from functools import cache

from rapidfuzz import process
from rapidfuzz.distance import OSA

from phantom_guard.detect.datafiles import data_path
from phantom_guard.detect.sorted_text import SortedText
from phantom_guard.detect.words import english_words
from phantom_guard.model import Registry
from phantom_guard.records import record

# Characters people and attackers swap for one another, each to one representative (pairs of
# letters first); `_skeleton_of_squashed` writes this table out.
_CONFUSABLES = (
    ("rn", "m"), ("vv", "w"), ("cl", "d"),
    ("0", "o"), ("1", "l"), ("i", "l"), ("3", "e"), ("5", "s"), ("4", "a"), ("7", "t"),
)  # fmt: skip
_SEPARATORS = re.compile(r"[-_.@/]+")
_TOKENS = re.compile(r"[^-_.@/]+")
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
# Words malicious packages glue onto a real name to look like its installer, a faster build or
# the next release (seen in published typosquat takedowns: "-install", "-loader", "-latest").
ATTACK_WORDS = frozenset(
    {
        "install",
        "installer",
        "setup",
        "loader",
        "fast",
        "faster",
        "boost",
        "latest",
        "older",
        "old",
        "next",
        "new",
        "update",
        "updated",
        "upgrade",
        "patch",
        "patched",
        "fixed",
        "official",
        "dev",
        "beta",
        "stable",
        "release",
    }
)
# Longest first: "installer" before "install" (a name ends in one of them at most once).
_GLUED_ATTACK_WORDS = tuple(sorted(ATTACK_WORDS, key=len, reverse=True))
_GLUED_AFTER = re.compile(r"[a-z0-9]")
_VERSION_SUFFIX = re.compile(r"[-_]v?\d+(?:\.\d+)*\Z")
# Below this many letters almost every name is one edit from some popular name.
_MIN_LENGTH = 4
# Two edits only count against targets this long: among shorter names two edits are chance.
TWO_EDIT_LENGTH = 8
# The first word of a compound is compared when it is at least this long.
_FIRST_WORD_LENGTH = 5
# One-edit kinds that are typing slips; an arbitrary other letter only in long words.
TYPING_EDITS = frozenset(
    {
        "swapped letters",
        "keyboard neighbour",
        "confusable character",
        "doubled letter",
        "dropped double letter",
        "added letter",
        "dropped letter",
        "added digit",
        "dropped digit",
        "changed digit",
        "plural or singular",
    }
)
_DIGIT_EDITS = frozenset({"added digit", "dropped digit", "changed digit"})
_ANY_LETTER_LENGTH = 7
# A word this short is one edit from many names: only a top target makes a typo likely.
_SHORT_WORD = 5
_SHORT_TARGET_RANK = 1000
_LONG_TARGET = 7
_LONG_ENDS = 3
_QWERTY_ROWS = ("1234567890-", "qwertyuiop", "asdfghjkl", "zxcvbnm")
# Bits of the key filter per key, rounded up to a power of two: with one hash, about one
# look-up in 16 to 32 of a missing key still searches the table (and finds nothing).
_FILTER_BITS_PER_KEY = 16


@record
class Target:
    """A name the index protects: its rank in the registry's order, score, and tier."""

    name: str
    rank: int
    score: int
    tier: int


@record
class TyposquatMatch:
    """A well-known package this name imitates, and how."""

    target: str
    target_rank: int
    technique: str
    distance: int
    target_score: int = 0
    tier: int = 1
    english_word: bool = False


class TyposquatIndex:
    """Near-miss lookup against one registry's targets (loaded once, reused per name)."""

    def __init__(self, table: SortedText, keys: bytes | mmap.mmap | None = None) -> None:
        self._table = table
        # `key_filter`'s bits; without them every look-up searches the table.
        self._filter = keys or b"\xff"
        self._mask = len(self._filter) * 8 - 1
        self.tier1 = int(table.headers.get("tier 1", "0"))
        self.score_meaning = table.headers.get("score", "")
        self._buckets: dict[tuple[int, str], tuple[str, ...]] = {}
        self._sides: dict[tuple[str, str, int, int], tuple[str, ...]] = {}
        # Records found, kept: near misses of one popular name recur across a batch. Only
        # targets (at most the table's own size), never the names asked about.
        self._records: dict[str, Target] = {}

    def target(self, name: str) -> Target | None:
        """The target record of `name` (comparable form), if it is one."""
        if (known := self._records.get(name)) is not None:
            return known
        size = len(name)
        if size < 2:
            return None
        # _bucket_key written out (a call per look-up): the bare name's first characters.
        bare = name.rpartition("/")[2] or name
        key = f"<{size:03d}{bare[: _LONG_ENDS if size >= _LONG_TARGET else 2]}\t{name}"
        # `_keyed`'s filter written out: most names asked about are not targets.
        at = zlib.crc32(key.encode()) & self._mask
        if not self._filter[at >> 3] >> (at & 7) & 1 or (value := self._table.get(key)) is None:
            return None
        rank, score = value.split("\t")
        record = Target(name, int(rank), int(score), 1 if int(rank) <= self.tier1 else 2)
        self._records[name] = record
        return record

    def exact_or_squashed(self, name: str) -> Target | None:
        """The target spelled `name` up to separators (another registry's spelling)."""
        same = self._keyed("s", _squash(name))
        return self.target(same) if same is not None else None

    def match(self, name: str) -> TyposquatMatch | None:
        """The best-ranked target `name` imitates, or None. `name` is in comparable form."""
        squashed = _squash(name)
        if len(squashed) < _MIN_LENGTH:
            return None
        # A second-tier name is only compared with the first tier: among the second tier,
        # near neighbours are mostly honest siblings.
        record = self.target(name)
        if record is not None and record.tier == 1:
            return None
        if (mirrored := _typed_package(name)) and self.target(mirrored) is not None:
            return None  # "@types/args": the typings of the package "args", not of "yargs"
        tier = 1 if record is not None else 2
        variant = self._variant(name, squashed)
        if variant is not None:
            return variant  # the same letters (distance 0): no near miss ranks before it
        found = [
            m
            for m in (
                self._near_miss(name),
                self._affix(name, squashed),
                self._attack_word(name),
                self._first_word(name),
            )
            if m and m.tier <= tier and m.target != name
        ]
        return min(found, key=lambda m: (m.distance, m.target_rank)) if found else None

    def _hit(self, target: str, technique: str, distance: int) -> TyposquatMatch | None:
        record = self.target(target)
        if record is None:
            return None
        return TyposquatMatch(target, record.rank, technique, distance, record.score, record.tier)

    def _keyed(self, kind: str, key: str) -> str | None:
        """The target of spelling key `key`; a key the filter has no bit for is not searched."""
        key = kind + key
        at = zlib.crc32(key.encode()) & self._mask
        if not self._filter[at >> 3] >> (at & 7) & 1:
            return None
        return self._table.get(key)

    def _variant(self, name: str, squashed: str) -> TyposquatMatch | None:
        keys = [("s", squashed, "separator")]
        if squashed != name:  # one word has no other order
            keys.append(("w", _sorted_words(name), "word order"))
        if (skeleton := _skeleton_of_squashed(squashed)) != squashed:
            keys.append(("k", skeleton, "confusable characters"))
        for kind, key, technique in keys:
            target = self._keyed(kind, key)
            if target is None and kind == "k":
                target = self._keyed("s", key)  # "syrnbols": the target has no confusables
            hit = self._hit(target, technique, 0) if target and target != name else None
            # Second-tier names moved in or out of a scope are mostly the project's own
            # older name ("truffle-debug-utils"); only typing slips count against that tier.
            if hit is not None and hit.tier == 1:
                return hit
        return None

    def _candidates(self, name: str, spread: int) -> list[str]:
        """Targets of a neighbouring length sharing the first or last characters (a target may
        appear twice; the caller keeps the best hit)."""
        size = len(name)
        bare = name.rpartition("/")[2] or name
        return [
            *self._side("<", bare, size, spread),
            *self._side(">", name, size, spread),
        ]

    def _side(self, side: str, name: str, size: int, spread: int) -> tuple[str, ...]:
        """One end's buckets over the lengths ``size ± spread``, joined once and kept: names
        of one length sharing their first characters ("react-…") share this."""
        key = (side, name[:_LONG_ENDS] if side == "<" else name[-_LONG_ENDS:], size, spread)
        joined = self._sides.get(key)
        if joined is None:
            found: list[str] = []
            for length in range(max(1, size - spread), size + spread + 1):
                ends = _LONG_ENDS if length >= _LONG_TARGET else 2
                end = name[:ends] if side == "<" else name[-ends:]
                found += self._bucket(side, length, end)
            joined = self._sides[key] = tuple(found)
        return joined

    def _bucket(self, side: str, length: int, end: str) -> tuple[str, ...]:
        bucket = self._buckets.get((length, side + end))
        if bucket is None:
            values = self._table.values(f"{side}{length:03d}{end}")
            bucket = self._buckets[length, side + end] = tuple(v.partition("\t")[0] for v in values)
        return bucket

    def _near_miss(self, name: str) -> TyposquatMatch | None:
        spread = 2 if len(name) >= TWO_EDIT_LENGTH else 1
        near = process.extract(
            name,
            self._candidates(name, spread),
            scorer=OSA.distance,
            score_cutoff=spread,
            limit=None,
        )
        if not near:
            return None
        # The best is the fewest edits, then the best rank: judge the near misses in that
        # order and stop at the first that looks like typing.
        ranked = sorted(
            (
                (int(distance), record)
                for target, distance, _ in near
                if target != name and (record := self.target(target)) is not None
            ),
            key=lambda pair: (pair[0], pair[1].rank),
        )
        if not ranked:
            return None  # only the name itself (a second-tier target): no word look-up
        # Only a one-word name is explained by being a word: in "react-doom" the other word
        # makes the typo likelier, not less.
        english = not _SEPARATORS.search(name) and name in english_words()
        for distance, record in ranked:
            if (hit := self._edit_hit(name, record, distance, english)) is not None:
                return hit
        return None

    def _edit_hit(
        self, name: str, record: Target, distance: int, english: bool
    ) -> TyposquatMatch | None:
        """A near miss that looks like typing: the shorter the edited word and the less
        popular the target, the likelier a different name is a coincidence."""
        target = record.name
        word, aimed = _edited_words(name, target)
        if distance == 2:
            # "Two edits" only for long words, typing-like (few letters change), top tier.
            if (
                min(len(word), len(aimed)) < TWO_EDIT_LENGTH
                or not _few_letters_changed(word, aimed)
                or _two_letter_affix(word, aimed)
                or english
                or record.tier != 1
            ):
                return None
            technique = "two edits"
        else:
            technique = describe_edit(name, target)
            if technique == "separator":  # same words, other separator: _variant's job
                return None
            typing = technique in TYPING_EDITS or (
                technique == "substituted letter" and len(aimed) >= _ANY_LETTER_LENGTH
            )
            short = len(word) <= _SHORT_WORD
            if not typing or (short and record.rank > _SHORT_TARGET_RANK):
                return None
            if record.tier != 1 and (short or technique in _DIGIT_EDITS):
                return None
        return TyposquatMatch(
            target, record.rank, technique, distance, record.score, record.tier, english
        )

    def _affix(self, name: str, squashed: str) -> TyposquatMatch | None:
        for core in _strip_affixes(name):
            if core == name or len(core) < _MIN_LENGTH:
                continue
            target = self._keyed("s", _squash(core))
            if target is not None and _squash(target) != squashed:
                hit = self._hit(target, "added or dropped affix", 1)
                if hit is not None and hit.tier == 1:
                    return hit
        return None

    def _attack_word(self, name: str) -> TyposquatMatch | None:
        """A top-tier name with an installer/speed/release word or a version glued on."""
        for core, word in _split_attack_word(name):
            if len(_squash(core)) < _MIN_LENGTH:
                continue
            target = self._keyed("s", _squash(core))
            hit = self._hit(target, f"added '{word}'", 1) if target else None
            if hit is not None and hit.tier == 1:
                return hit
        return None

    def _first_word(self, name: str) -> TyposquatMatch | None:
        """``expresss-cli``: the first word one edit from a top-tier name, the rest kept."""
        if name.startswith("@"):
            return None
        words = _TOKENS.findall(name)
        first = words[0] if len(words) >= 2 else ""
        if len(first) < _FIRST_WORD_LENGTH or self.target(first) is not None:
            return None  # short, or a target itself ("react-…"): one look-up, no scan
        near = process.extract(
            first, self._candidates(first, 1), scorer=OSA.distance, score_cutoff=1, limit=None
        )
        if not near or any(d == 0 for _, d, _ in near) or first in english_words():
            return None  # the first word is a target itself, or an ordinary word
        best: TyposquatMatch | None = None
        for target, _, _ in near:
            edit = describe_edit(first, target)
            if edit not in TYPING_EDITS or edit in _DIGIT_EDITS:
                continue
            hit = self._hit(target, f"mistyped first word '{first}'", 1)
            if hit is None or hit.tier != 1 or not _TOKENS.fullmatch(target):
                continue
            if best is None or hit.target_rank < best.target_rank:
                best = hit
        return best


@cache
def typosquat_index(registry: Registry) -> TyposquatIndex:
    """The prebuilt index of `registry`, read once per process and shared."""
    table = SortedText.open(data_path("index", f"{registry.value}.txt"))
    try:
        with open(data_path("index", f"{registry.value}.keys"), "rb") as file:
            keys = mmap.mmap(file.fileno(), 0, access=mmap.ACCESS_READ)
    except (OSError, ValueError):  # no filter (a partial install), or unmappable: search all
        keys = None
    return TyposquatIndex(table, keys)


def index_lines(targets: Iterable[tuple[str, int]], keyed: int | None = None) -> list[str]:
    """The sorted table lines for `targets` (comparable names with scores, best first).

    ``<`` lines are the records and the first-characters buckets, ``>`` lines the
    last-characters buckets; ``s``, ``w``, ``k`` lines map a spelling key to the best-ranked
    target with that key, for the first `keyed` targets (spelling variants only count against
    the top tier, so the second tier needs no keys).
    """
    lines: list[str] = []
    keys: dict[str, str] = {}
    for rank, (name, score) in enumerate(targets, start=1):
        if len(name) < 2:
            continue
        lines.append(f"<{_bucket(name, first=True)}\t{name}\t{rank}\t{score}")
        lines.append(f">{_bucket(name, first=False)}\t{name}")
        if keyed is None or rank <= keyed:
            for kind, key in _keys(name):
                keys.setdefault(kind + key, name)
    lines.extend(f"{key}\t{name}" for key, name in keys.items())
    lines.sort()
    return lines


def lookup_keys(lines: Iterable[str]) -> Iterator[str]:
    """The keys `TyposquatIndex` can find in a table of `lines`: a record's bucket and name
    (``<007rea\treact-dom``), and a spelling key; ``>`` buckets are only listed, never keyed."""
    for line in lines:
        if line.startswith("<"):
            yield line[: line.index("\t", line.index("\t") + 1)]
        elif not line.startswith((">", "#")):
            yield line.partition("\t")[0]


def key_filter(keys: Iterable[str]) -> bytes:
    """A bit per key at its CRC-32 modulo a power of two (a one-hash Bloom filter)."""
    hashes = [zlib.crc32(key.encode()) for key in keys]
    size = 1 << max(3, (len(hashes) * _FILTER_BITS_PER_KEY - 1).bit_length())
    bits = bytearray(size // 8)
    for value in hashes:
        at = value & (size - 1)
        bits[at >> 3] |= 1 << (at & 7)
    return bytes(bits)


def _keys(name: str) -> Iterator[tuple[str, str]]:
    squashed = _squash(name)
    yield "s", squashed
    words = _sorted_words(name)
    if not words.startswith("\0"):
        yield "w", words
    skeleton = _skeleton(name)
    if skeleton != squashed:
        yield "k", skeleton


def _bucket(name: str, *, first: bool) -> str:
    return _bucket_key(len(name), name, first=first)


def _bucket_key(length: int, name: str, *, first: bool) -> str:
    # Targets of 7+ characters are bucketed by three end characters (an edit near one end
    # keeps the other three), shorter ones by two. The bare name's start: "@types/..." would
    # otherwise share one bucket.
    ends = _LONG_ENDS if length >= _LONG_TARGET else 2
    bare = name.rpartition("/")[2] or name
    return f"{length:03d}{bare[:ends] if first else name[-ends:]}"


def _edited_words(name: str, target: str) -> tuple[str, str]:
    """The one word that differs ("learm", "learn"), or both names squashed."""
    words, aimed = _TOKENS.findall(name), _TOKENS.findall(target)
    if len(words) == len(aimed) > 1:
        differ = [(w, a) for w, a in zip(words, aimed, strict=True) if w != a]
        if len(differ) == 1:
            return differ[0]
    return _squash(name), _squash(target)


def _few_letters_changed(word: str, aimed: str) -> bool:
    """Two edits that move, double or add letters (few letters differ), not a new syllable."""
    # Per letter with str.count (in C) rather than a Counter: a few times cheaper on names.
    return sum(abs(word.count(c) - aimed.count(c)) for c in set(word + aimed)) <= 2


def _two_letter_affix(word: str, aimed: str) -> bool:
    """The whole target with two letters before or after it, or it less its first or last
    two ("gcwebsockets", "argparsemd", "codestyle"): a prefix or suffix of the project's
    own, not two slips. On the unranked PyPI names of the package snapshot this was 90 of
    the 247 two-edit matches of a top-1,000 name; the corpora's typosquats have none."""
    longer, shorter = (word, aimed) if len(word) > len(aimed) else (aimed, word)
    return len(longer) == len(shorter) + 2 and (
        longer.startswith(shorter) or longer.endswith(shorter)
    )


def _split_attack_word(name: str) -> Iterator[tuple[str, str]]:
    if version := _VERSION_SUFFIX.search(name):
        yield name[: version.start()], version.group().lstrip("-_")
    words = _TOKENS.findall(name)
    if len(words) >= 2:
        last, first = words[-1], words[0]
        if last in ATTACK_WORDS:
            yield name[: name.rindex(last)].rstrip("-_.@/"), last
        if first in ATTACK_WORDS and not name.startswith("@"):
            yield name[len(first) :].lstrip("-_."), first
    if name.endswith(_GLUED_ATTACK_WORDS):  # one C call; a regex search tried every offset
        for word in _GLUED_ATTACK_WORDS:
            start = len(name) - len(word)
            if start > 0 and name.endswith(word) and _GLUED_AFTER.match(name, start - 1):
                yield name[:start], word
                break


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
            if a.isdigit() and b.isdigit():
                return "changed digit"  # "base26"/"base16": another version, not a typo
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
            if extra == "s" and i == len(longer) - 1:
                return "plural or singular"
            if longer is name:
                if extra.isdigit() and i == len(longer) - 1:
                    return "added digit"
                return "doubled letter" if doubled else "added letter"
            if extra.isdigit():
                return "dropped digit"
            return "dropped double letter" if doubled else "dropped letter"
    return "one edit"


def _typed_package(name: str) -> str | None:
    """The package an ``@types/…`` name types (DefinitelyTyped writes ``@scope/x`` as
    ``scope__x``), or None for any other name."""
    if not name.startswith("@types/"):
        return None
    bare = name[len("@types/") :]
    scope, sep, rest = bare.partition("__")
    return f"@{scope}/{rest}" if sep and scope and rest else bare


def _squash(name: str) -> str:
    # `_SEPARATORS.sub("", name)` as five C calls: a third of the regex's cost, thrice per name.
    return name.replace("-", "").replace("_", "").replace(".", "").replace("@", "").replace("/", "")


def _sorted_words(name: str) -> str:
    words = [w for w in _SEPARATORS.split(name) if w]
    return "-".join(sorted(words)) if len(words) > 1 else "\0" + name


def _skeleton(name: str) -> str:
    return _skeleton_of_squashed(_squash(name))


def _skeleton_of_squashed(text: str) -> str:
    # `_CONFUSABLES` written out: a loop over it, or str.translate, costs two to three times
    # more. In sequence, as one translation: no replacement writes a character a later one reads.
    return (
        text.replace("rn", "m").replace("vv", "w").replace("cl", "d")
        .replace("0", "o").replace("1", "l").replace("i", "l").replace("3", "e")
        .replace("5", "s").replace("4", "a").replace("7", "t")
    )  # fmt: skip


def _strip_affixes(name: str) -> list[str]:
    cores = []
    if name.startswith(_PREFIXES):  # one C call first: most names have no affix
        for prefix in _PREFIXES:
            if name.startswith(prefix):
                cores.append(name[len(prefix) :].lstrip("-_."))
    if name.endswith(_SUFFIXES):
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
