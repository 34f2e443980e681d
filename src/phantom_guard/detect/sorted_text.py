"""Binary search in a sorted, newline-separated table: a lookup table that loads as one read.

A shipped table kept as the file's bytes costs one read; the same table as a dict costs a Python
object per entry (over 100 ms for the npm index). Searching the bytes themselves, the way
look(1) searches a sorted file, costs about 20 comparisons per lookup. Tables are ASCII (package
names are), so keys are encoded, never the table.
"""

from __future__ import annotations


class SortedText:
    """Lines sorted bytewise after ``#`` header lines: ``key<TAB>value`` or bare lines."""

    def __init__(self, data: bytes) -> None:
        body = 0
        while data.startswith(b"#", body):
            body = data.index(b"\n", body) + 1
        self.headers = dict(
            line[2:].partition(": ")[::2]
            for line in data[:body].decode("utf-8").splitlines()
            if ": " in line
        )
        # Every line, the first one too, must follow a newline; a header line ends in one.
        if body == 0:
            data = b"\n" + data
            body = 1
        if not data.endswith(b"\n"):
            data += b"\n"
        self._data = data
        self._body = body

    def _lower_bound(self, key: bytes) -> int:
        """Offset of the first line that is >= `key`."""
        data = self._data
        lo, hi = self._body, len(data)
        while lo < hi:
            mid = (lo + hi) // 2
            start = data.rfind(b"\n", lo - 1, mid) + 1
            end = data.find(b"\n", start)
            if data[start:end] < key:
                lo = end + 1
            else:
                hi = start
        return lo

    def __contains__(self, line: object) -> bool:
        if not isinstance(line, str) or "\n" in line or not line.isascii():
            return False
        key = line.encode()
        return self._data.startswith(key + b"\n", self._lower_bound(key))

    def get(self, key: str) -> str | None:
        """The rest of the first ``key<TAB>…`` line, or None."""
        if not key.isascii():
            return None
        probe = key.encode() + b"\t"
        at = self._lower_bound(probe)
        if not self._data.startswith(probe, at):
            return None
        return self._data[at + len(probe) : self._data.index(b"\n", at)].decode()

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
