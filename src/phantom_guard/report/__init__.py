"""Reports: `render(report, fmt) -> str`, one module per output format; the progress bar.

Everything shown comes from untrusted places (names in files, registry fields), so text goes
through `clean` before it reaches a terminal, a SARIF log or a Markdown comment.
"""

from __future__ import annotations

from phantom_guard.stand_ins import StrEnum

TYPE_CHECKING = False  # typing.TYPE_CHECKING, without importing typing on the start-up path
if TYPE_CHECKING:
    import re
    from collections.abc import Callable, Iterable, Iterator, Sequence
    from typing import Any, TypeVar

    from phantom_guard.model import FailOn, Report

    T = TypeVar("T")


class Format(StrEnum):
    """The report formats of ``-o``."""

    TEXT = "text"
    JSON = "json"
    SARIF = "sarif"
    MARKDOWN = "markdown"


def render_parts(
    report: Report,
    fmt: Format,
    *,
    fail_on: FailOn | None = None,
    verbose: bool = False,
    color: bool = False,
    width: int = 100,
) -> Iterable[str]:
    """`render`'s text in pieces that join to it: a large JSON report is written result by
    result, never held whole (a 5,000-name report is megabytes, twice over once encoded).
    """
    if fmt is Format.JSON:
        from phantom_guard.report import json

        return json.render_parts(report)
    return (render(report, fmt, fail_on=fail_on, verbose=verbose, color=color, width=width),)


def render(
    report: Report,
    fmt: Format,
    *,
    fail_on: FailOn | None = None,
    verbose: bool = False,
    color: bool = False,
    width: int = 100,
) -> str:
    """The report in format `fmt`. `fail_on` sets SARIF levels; `verbose`, `color` and `width`
    shape the text report (`verbose` also lists skipped entries there).
    """
    # Each renderer is imported only when used: a hook printing JSON never loads rich.
    match fmt:
        case Format.TEXT:
            from phantom_guard.report import text

            output = text.render(report, verbose=verbose, color=color, width=width)
            if verbose:
                output += "".join(line + "\n" for line in text.render_skipped(report))
            return output
        case Format.JSON:
            from phantom_guard.report import json

            return json.render(report)
        case Format.SARIF:
            from phantom_guard.model import FailOn
            from phantom_guard.report import sarif

            return sarif.render(report, fail_on=fail_on or FailOn.HIGH_RISK)
        case Format.MARKDOWN:
            from phantom_guard.report import markdown

            return markdown.render(report)
        case _:
            from typing import assert_never  # only here: typing costs ~4 ms of start-up

            assert_never(fmt)


# Above this many results a report is encoded by orjson; below, by `jsontext` (json.dumps's text
# from json's C string encoder), which costs nothing to import while orjson's import, or json's
# (with `re`), outweighs a small document's encoding.
_STDLIB_UP_TO = 64


def dumps(document: dict[str, Any], results: int) -> str:
    """`document` as indented JSON, the same text whichever encoder writes it.

    The two agree byte for byte except on floats written with an exponent or not finite, so a
    document holding such a float goes to orjson whatever its size.
    """
    if results <= _STDLIB_UP_TO and _plain_floats(document):
        from phantom_guard.jsontext import dumps_indented

        return dumps_indented(document)
    import orjson

    return orjson.dumps(document, option=orjson.OPT_INDENT_2).decode()


def dumps_many(
    document: dict[str, Any], key: str, items: Sequence[T], encode: Callable[[T], Any]
) -> Iterator[str]:
    """The text `dumps` writes for `document` with its list ``document[key]`` (empty there)
    holding `encode(item)` for each of `items`, in pieces that join to exactly that text.

    A large list is encoded an item at a time, so a large report never exists as one tree of
    dicts, nor as one string, when the pieces are written as they come: each piece is orjson's
    output for one item, indented two levels.
    """
    if len(items) <= _STDLIB_UP_TO:
        document[key] = [encode(item) for item in items]
        yield dumps(document, len(items))
        return
    import orjson

    indent = orjson.OPT_INDENT_2
    text = orjson.dumps(document, option=indent).decode()
    # A key of the top-level object starts a line indented by two spaces; a string value
    # never holds a raw newline, so this spot is that key's and no other's.
    empty = "\n  " + orjson.dumps(key).decode() + ": []"
    at = text.index(empty) + len(empty) - 1
    yield text[:at]
    separator = "\n    "
    for item in items:
        encoded = orjson.dumps(encode(item), option=indent)
        yield separator + encoded.replace(b"\n", b"\n    ").decode()
        separator = ",\n    "
    yield "\n  ]" + text[at + 1 :]


def _plain_floats(value: Any) -> bool:
    """True if every float in `value` prints without an exponent (as 0.35, not 1e-05)."""
    if isinstance(value, float):
        return value == 0.0 or 1e-4 <= abs(value) < 1e16
    if isinstance(value, dict):
        return all(_plain_floats(item) for item in value.values())
    if isinstance(value, list | tuple):
        return all(_plain_floats(item) for item in value)
    return True


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


_UNSAFE = f"[\x00-\x1f{_HIDDEN}]"
_UNSAFE_IN_JSON = f"[{_HIDDEN}]"


# Compiled on first use: the classes are long, and most runs print only ASCII.
def _unsafe() -> re.Pattern[str]:
    """What `clean` escapes: the hidden characters and C0 controls."""
    from phantom_guard.lazyre import compiled

    return compiled(_UNSAFE)


def _unsafe_in_json() -> re.Pattern[str]:
    """What a JSON encoder leaves raw (it escapes C0) but a reader acts on (only in strings)."""
    from phantom_guard.lazyre import compiled

    return compiled(_UNSAFE_IN_JSON)


def _escaped(match: re.Match[str]) -> str:
    return match.group().encode("unicode_escape").decode("ascii")


def json_safe(document: str) -> str:
    """A JSON document with bidi and C1 controls written as ``\\uXXXX`` escapes.

    The decoded data is unchanged (a JSON consumer gets the registry's text exactly); a
    terminal the document is printed to sees no control characters.
    """
    if document.isascii() and "\x7f" not in document:  # DEL is the one hidden ASCII character
        return document
    return _unsafe_in_json().sub(_json_escape, document)


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
    # Printable ASCII, the common case, holds nothing _unsafe() matches (all outside 0x20-0x7e).
    plain = text.isascii() and text.isprintable()
    cleaned = text if plain else _unsafe().sub(_escaped, text)
    return cleaned if len(cleaned) <= limit else cleaned[: limit - 1] + "…"
