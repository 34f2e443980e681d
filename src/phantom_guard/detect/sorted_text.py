"""Search in a sorted, newline-separated table: a lookup table that loads as one read.

A shipped table kept as the file's bytes costs one read; the same table as dicts costs a Python
object per entry (over a second for the npm targets). At load, the first line of every
``_STRIDE`` bytes is noted (a few hundred lines); a lookup bisects those in C, then searches one
block of the bytes. Searching 4 KB costs a few µs, so a block, the first time a lookup lands in
it, is noted the same way every ``_SUB_STRIDE`` bytes: later lookups there search a few lines
(the load stays one pass over a few hundred lines, memory grows only with the blocks used).
Tables are ASCII (package names are), so keys are encoded, never the table.

`SortedText.open` maps a shipped file instead of reading it: a run then holds in memory only the
blocks its lookups touch (a 5,000-name batch checked against the 6 MB npm table kept all 6 MB).
"""

from __future__ import annotations

import mmap
import os
from bisect import bisect_right

_STRIDE = 4096
_SUB_STRIDE = 256
# While the block starts of a mapped table are noted, the pages read so far are handed back
# every this many bytes, so the scan never holds more than this much of the file at once.
_RELEASE_EVERY = 1 << 20


class SortedText:
    """Lines sorted bytewise after ``#`` header lines: ``key<TAB>value`` or bare lines."""

    def __init__(self, data: bytes | mmap.mmap) -> None:
        body = 0
        while data[body : body + 1] == b"#":
            body = data.find(b"\n", body) + 1
            if body == 0:
                raise ValueError("a header line without a newline")
        self.headers = dict(
            line[2:].partition(": ")[::2]
            for line in data[:body].decode("utf-8").splitlines()
            if ": " in line
        )
        # Every line, the first one too, must follow a newline; a header line ends in one.
        if body == 0 or data[-1:] != b"\n":
            # An unusual table (no header, no final newline) is copied into bytes to fix it up.
            data = b"\n" * (body == 0) + data[:] + b"\n" * (data[-1:] != b"\n")
            body = body or 1
        self._data = data
        starts = [body]
        firsts = [data[body : data.find(b"\n", body)]]
        at = body + _STRIDE
        released = 0
        while at < len(data):
            start = data.find(b"\n", at) + 1
            if start == 0 or start >= len(data):
                break
            starts.append(start)
            firsts.append(data[start : data.find(b"\n", start)])
            at = start + _STRIDE
            if at - released >= _RELEASE_EVERY:
                released = _release(data, released, at)
        _release(data, released, len(data))
        starts.append(len(data))
        self._starts = starts
        self._firsts = firsts
        self._subs: dict[int, tuple[list[bytes], list[int]]] = {}

    @classmethod
    def open(cls, path: str | os.PathLike[str]) -> SortedText:
        """The table in the file at `path`, mapped rather than read where the system can.

        The mapping stays valid while the package is upgraded: installers replace a file (a new
        inode), they do not rewrite it in place.
        """
        with open(path, "rb") as file:
            try:
                mapped = mmap.mmap(file.fileno(), 0, access=mmap.ACCESS_READ)
            except (OSError, ValueError):  # an empty file, or one the system cannot map
                return cls(file.read())
        return cls(mapped)

    def _block(self, key: bytes) -> tuple[int, int]:
        """The byte range whose lines, with the next block's first line, hold `key`'s place."""
        at = max(bisect_right(self._firsts, key) - 1, 0)
        sub = self._subs.get(at)
        if sub is None:
            sub = self._subs[at] = self._split(self._starts[at], self._starts[at + 1])
        firsts, starts = sub
        at = max(bisect_right(firsts, key) - 1, 0)
        return starts[at], starts[at + 1]

    def _split(self, start: int, end: int) -> tuple[list[bytes], list[int]]:
        """The first line of every ``_SUB_STRIDE`` bytes of one block, and their offsets."""
        data = self._data
        starts = [start]
        firsts = [data[start : data.find(b"\n", start)]]
        at = start + _SUB_STRIDE
        while at < end:
            line = data.find(b"\n", at, end) + 1
            if line == 0 or line >= end:
                break
            starts.append(line)
            firsts.append(data[line : data.find(b"\n", line)])
            at = line + _SUB_STRIDE
        starts.append(end)
        return firsts, starts

    def _lower_bound(self, key: bytes) -> int:
        """Offset of the first line that is >= `key`."""
        data = self._data
        lo, hi = self._block(key)
        while lo < hi:
            mid = (lo + hi) // 2
            start = data.rfind(b"\n", lo - 1, mid) + 1
            end = data.find(b"\n", start)
            if data[start:end] < key:
                lo = end + 1
            else:
                hi = start
        return lo

    def _find_line(self, prefix: bytes) -> int:
        """Offset of a line starting with `prefix`, or -1 (one search inside one sub-block)."""
        # `_block` written out: this runs a dozen times per name analysed, and the call was a
        # fifth of its cost.
        at = bisect_right(self._firsts, prefix) - 1
        at = at if at > 0 else 0
        sub = self._subs.get(at)
        if sub is None:
            sub = self._subs[at] = self._split(self._starts[at], self._starts[at + 1])
        firsts, starts = sub
        at = bisect_right(firsts, prefix) - 1
        at = at if at > 0 else 0
        found = self._data.find(b"\n" + prefix, starts[at] - 1, starts[at + 1] + len(prefix))
        return found + 1 if found >= 0 else -1

    def __contains__(self, line: object) -> bool:
        if not isinstance(line, str) or "\n" in line or not line.isascii():
            return False
        return self._find_line(line.encode() + b"\n") >= 0

    def get(self, key: str) -> str | None:
        """The rest of the first ``key<TAB>…`` line, or None."""
        if not key.isascii():
            return None
        probe = b"\n" + key.encode() + b"\t"
        # `_find_line` written out: several look-ups per name analysed, and the call and the
        # prefix's second concatenation were a sixth of each.
        at = bisect_right(self._firsts, probe[1:]) - 1
        at = at if at > 0 else 0
        sub = self._subs.get(at)
        if sub is None:
            sub = self._subs[at] = self._split(self._starts[at], self._starts[at + 1])
        firsts, starts = sub
        at = bisect_right(firsts, probe[1:]) - 1
        at = at if at > 0 else 0
        data = self._data
        at = data.find(probe, starts[at] - 1, starts[at + 1] + len(probe) - 1)
        if at < 0:
            return None
        at += len(probe)
        return data[at : data.find(b"\n", at)].decode()  # a mapping has no index()

    def values(self, key: str) -> list[str]:
        """The rest of every ``key<TAB>…`` line, in file order."""
        if not key.isascii():
            return []
        raw = key.encode()
        start = self._lower_bound(raw + b"\t")
        end = self._lower_bound(raw + b"\n")  # "\n" sorts right after the tab
        if start >= end:
            return []
        skip = len(raw) + 1
        return [line[skip:] for line in self._data[start : end - 1].decode().split("\n")]


def _release(data: bytes | mmap.mmap, start: int, end: int) -> int:
    """Hand the mapped pages of ``[start, end)`` back (read again on a later lookup); `end`, or
    where it was rounded down to a page, is returned as the next start.
    """
    end -= end % mmap.PAGESIZE
    if isinstance(data, mmap.mmap) and end > start and hasattr(mmap, "MADV_DONTNEED"):
        # A read-only file mapping: dropping pages loses nothing, the file still holds them.
        data.madvise(mmap.MADV_DONTNEED, start, end - start)
    return max(start, end)
