"""Reports: ``render(report, ...) -> str``, one module per output format.

Everything shown comes from untrusted places (names in files, registry fields), so text goes
through `clean` before it reaches a terminal, a SARIF log or a Markdown comment.
"""

from __future__ import annotations

import re

# DEL, C1 controls, and Unicode bidi/format controls that can reorder or hide text.
_HIDDEN = "\x7f-\x9f\u061c\u200b-\u200f\u202a-\u202e\u2066-\u2069\ufeff"
# ... and C0 controls, for text shown as it is.
_UNSAFE = re.compile(f"[\x00-\x1f{_HIDDEN}]")
# What a JSON encoder leaves raw (it escapes C0) but a terminal acts on, line separators
# included; it can only occur inside strings.
_UNSAFE_IN_JSON = re.compile(f"[\u2028\u2029{_HIDDEN}]")


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
