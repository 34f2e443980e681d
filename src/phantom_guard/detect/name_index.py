"""A popular list's names found through a hash table shipped beside it (``<registry>.index``).

A lock file asks the popular list about every entry. Indexing the list as a dict costs a fresh
process a Python string and a dict slot for each of 15,000 names (~5 ms); the shipped table
answers each lookup with a CRC-32 and a probe or two instead, and loads as one read.

The file is little-endian 64-bit words: a header (magic, format, name count, slot count, the
longest probe, the length of the ``.names`` text), then the open-addressing slots: 0 for an
empty one, else a name's rank, its length and where its line starts in the ``.names`` text,
packed into one word (`_pack`). `build` writes it from the names; tests/detect/test_popular.py
checks that the shipped files equal a fresh build.
"""

from __future__ import annotations

import sys
import zlib

TYPE_CHECKING = False  # typing.TYPE_CHECKING, without importing typing on the start-up path
if TYPE_CHECKING:
    from collections.abc import Sequence

_MAGIC = 0x31494E4750  # b"PGNI1" read as a little-endian word
_FORMAT = 1
_HEADER_WORDS = 6
# A slot: rank in the low 20 bits, the name's length in the next 8, its line's offset above.
_RANK_BITS, _LENGTH_BITS = 20, 8
_RANK_MASK, _LENGTH_MASK = (1 << _RANK_BITS) - 1, (1 << _LENGTH_BITS) - 1
_OFFSET_SHIFT = _RANK_BITS + _LENGTH_BITS


def _pack(rank: int, length: int, offset: int) -> int:
    return (offset << _OFFSET_SHIFT) | (length << _RANK_BITS) | rank


def build(names: Sequence[str]) -> bytes:
    """The table for `names` (ASCII, distinct, in rank order), as the ``.index`` file holds it."""
    from array import array  # here: a run reads the table through a memoryview instead

    if len(set(names)) != len(names) or not all(name.isascii() for name in names):
        raise ValueError("a name index holds distinct ASCII names")
    if len(names) > _RANK_MASK or any(not 0 < len(name) <= _LENGTH_MASK for name in names):
        raise ValueError("too many names, or a name too long, for a name index")
    slots = 1 << max(4, (2 * len(names) - 1).bit_length())  # at most half full
    mask = slots - 1
    table = array("Q", bytes(8 * slots))
    longest = offset = 0
    for rank, name in enumerate(names, 1):
        at, probes = zlib.crc32(name.encode()) & mask, 1
        while table[at]:
            at, probes = (at + 1) & mask, probes + 1
        table[at] = _pack(rank, len(name), offset)
        longest = max(longest, probes)
        offset += len(name) + 1  # each name ends with its newline
    words = array("Q", [_MAGIC, _FORMAT, len(names), slots, longest, offset]) + table
    if sys.byteorder != "little":  # pragma: no cover - the shipped files are little-endian
        words.byteswap()
    return words.tobytes()


class NameIndex:
    """Rank lookups in a ``.names`` text (one name and a newline per rank) through its table."""

    def __init__(self, data: bytes, text: str) -> None:
        """Raises ValueError for a table that does not fit `text` (or this machine)."""
        if sys.byteorder != "little" or len(data) % 8 or len(data) < 8 * _HEADER_WORDS:
            raise ValueError("not a name index for this machine")
        # A view, not a copy (nor an `array`, whose import brings `collections.abc` along).
        words = memoryview(data).cast("Q")
        magic, form, count, slots, longest, size = words[:_HEADER_WORDS]
        if (
            magic != _MAGIC
            or form != _FORMAT
            or slots <= count
            or slots & (slots - 1)
            or not 0 < longest <= slots
            or len(words) != _HEADER_WORDS + slots
        ):
            raise ValueError("not a name index of this format")
        if size != len(text) or not text.isascii():
            raise ValueError("the name index does not fit the names")
        self._slots = words[_HEADER_WORDS:]
        self._mask = slots - 1
        self._longest = longest
        self._text = text

    def rank(self, name: str) -> int | None:
        """`name`'s 1-based rank, or None if it is not on the list."""
        if not name.isascii():
            return None  # every listed name is ASCII
        slots, mask = self._slots, self._mask
        at = zlib.crc32(name.encode()) & mask
        length = len(name)
        probes = self._longest  # no name was placed further than this from its slot
        while slot := slots[at]:  # an empty slot ends the search
            if (slot >> _RANK_BITS) & _LENGTH_MASK == length and self._text.startswith(
                name, slot >> _OFFSET_SHIFT
            ):
                return slot & _RANK_MASK
            probes -= 1
            if not probes:
                break
            at = (at + 1) & mask
        return None
