"""Inline comments of line-based formats, cut in linear time.

pip's ``(^|\\s+)#.*$`` and configparser's ``\\s+#.*$`` backtrack over every run of whitespace:
one line of 20,000 spaces costs seconds, a hostile file of a few MB hours. This scan does the
same job in one pass.
"""

from __future__ import annotations


def cut_comment(line: str, *, at_start: bool) -> str:
    """`line` before its first ``#`` that follows whitespace (or opens the line, `at_start`).

    The whitespace before the ``#`` is kept; callers strip the result, as after the regexes.
    """
    at = line.find("#")
    while at >= 0:
        if (at == 0 and at_start) or (at > 0 and line[at - 1].isspace()):
            return line[:at]
        at = line.find("#", at + 1)
    return line
