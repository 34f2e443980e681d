"""Reports: ``render(report, ...) -> str``, one module per output format.

Everything shown comes from untrusted places (names in files, registry fields), so text goes
through `clean` before it reaches a terminal, a SARIF log or a Markdown comment.
"""

from __future__ import annotations

import re

# C0/C1 controls, DEL, and Unicode bidi/format controls that can reorder or hide text.
_UNSAFE = re.compile("[\x00-\x1f\x7f-\x9f\u061c\u200b-\u200f\u202a-\u202e\u2066-\u2069\ufeff]")
# What a JSON encoder leaves raw but a terminal acts on; it can only occur inside strings.
_UNSAFE_IN_JSON = re.compile(
    "[\x7f-\x9f\u061c\u200b-\u200f\u2028\u2029\u202a-\u202e\u2066-\u2069\ufeff]"
)


def json_safe(document: str) -> str:
    """A JSON document with bidi and C1 controls written as ``\\uXXXX`` escapes.

    The decoded data is unchanged (a JSON consumer gets the registry's text exactly); a
    terminal the document is printed to sees no control characters.
    """
    return _UNSAFE_IN_JSON.sub(lambda m: f"\\u{ord(m.group()):04x}", document)


def clean(text: str, limit: int = 300) -> str:
    """`text` with control and bidi characters shown as escapes, cut to `limit` characters."""
    cleaned = _UNSAFE.sub(lambda m: m.group().encode("unicode_escape").decode("ascii"), text)
    return cleaned if len(cleaned) <= limit else cleaned[: limit - 1] + "…"
