"""Reports: ``render(report, ...) -> str``, one module per output format.

Everything shown comes from untrusted places (names in files, registry fields), so text goes
through `clean` before it reaches a terminal, a SARIF log or a Markdown comment.
"""

from __future__ import annotations

import re

# Characters a reader cannot see but a terminal, a browser or a language model acts on: DEL and
# C1 controls; bidi controls (reorder text); zero-width, joiner and invisible-operator format
# characters, the soft hyphen, fillers and variation selectors (hide or glue text); line and
# paragraph separators; Unicode tag characters U+E0000-E007F, which spell hidden ASCII that
# language models read ("ASCII smuggling"); interlinear annotation and object replacement marks.
_HIDDEN = (
    "\x7f-\x9f\xad\u034f\u061c\u115f\u1160\u17b4\u17b5\u180b-\u180f\u200b-\u200f"
    "\u2028-\u202e\u2060-\u206f\u3164\ufe00-\ufe0f\ufeff\uffa0\ufff0-\ufffb"
    "\U0001d173-\U0001d17a\U000e0000-\U000e007f\U000e0100-\U000e01ef"
)
# ... and C0 controls, for text shown as it is.
_UNSAFE = re.compile(f"[\x00-\x1f{_HIDDEN}]")
# What a JSON encoder leaves raw (it escapes C0) but a reader acts on; it can only occur inside
# strings.
_UNSAFE_IN_JSON = re.compile(f"[{_HIDDEN}]")


def json_safe(document: str) -> str:
    """A JSON document with bidi and C1 controls written as ``\\uXXXX`` escapes.

    The decoded data is unchanged (a JSON consumer gets the registry's text exactly); a
    terminal the document is printed to sees no control characters.
    """
    return _UNSAFE_IN_JSON.sub(_json_escape, document)


def _json_escape(match: re.Match[str]) -> str:
    # RFC 8259 §7: a character outside the BMP is escaped as its UTF-16 surrogate pair.
    code = ord(match.group())
    if code < 0x10000:
        return f"\\u{code:04x}"
    code -= 0x10000
    return f"\\u{0xD800 + (code >> 10):04x}\\u{0xDC00 + (code & 0x3FF):04x}"


#: A message on stderr or in a log: long enough for a path and a reason, never a whole file.
MESSAGE_LIMIT = 600


def message(text: str) -> str:
    """A message for stderr or a log line: `clean`, with a longer limit. Newlines are escaped,
    so no line of output can start with text from the input (``::add-mask::`` in CI logs).
    """
    return clean(text, limit=MESSAGE_LIMIT)


def clean(text: str, limit: int = 300) -> str:
    """`text` with control and bidi characters shown as escapes, cut to `limit` characters."""
    cleaned = _UNSAFE.sub(lambda m: m.group().encode("unicode_escape").decode("ascii"), text)
    return cleaned if len(cleaned) <= limit else cleaned[: limit - 1] + "…"
