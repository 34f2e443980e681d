"""JSON read and written by the C halves `json` itself uses, without importing `json`.

The agent hook reads an event and a warm answer prints a small report before every command an
agent runs. ``import json`` imports `re` and with it enum, functools and collections: ~15 ms,
more than everything else on those paths. `loads` gives the C scanner behind `json.loads`
(``_json.make_scanner``) the options `json.loads` uses by default and does the two checks it
adds around it (whitespace only before and after the value). `dumps_indented` writes what
``json.dumps(value, indent=2, ensure_ascii=False)`` writes, strings by the same C function
(``_json.encode_basestring``). Where there is no ``_json`` (another Python), `json` itself is
used. Tests check both agree with `json` on generated documents.
"""

from __future__ import annotations

TYPE_CHECKING = False  # typing.TYPE_CHECKING, without importing typing on the start-up path
if TYPE_CHECKING:
    from collections.abc import Callable

try:
    #: A string as a JSON string literal, escaped as json.dumps(ensure_ascii=False) does.
    from _json import encode_basestring as quote
except ImportError:  # pragma: no cover - CPython has _json
    from json.encoder import py_encode_basestring as quote

__all__ = ["dumps_indented", "loads", "quote"]

_WHITESPACE = " \t\n\r"  # RFC 8259 §2: the only insignificant whitespace


class _Options:
    """What ``json.JSONDecoder()`` passes its scanner: strict strings, plain dicts, NaN allowed."""

    strict = True
    object_hook = None
    object_pairs_hook = None
    parse_float = float
    parse_int = int
    parse_constant = {
        "NaN": float("nan"),
        "Infinity": float("inf"),
        "-Infinity": float("-inf"),
    }.__getitem__


def _scanner() -> Callable[[str, int], tuple[object, int]] | None:
    try:
        from _json import make_scanner
    except ImportError:  # pragma: no cover - CPython has it
        return None
    # typeshed types the argument as a scanner; at run time it is any object with these options.
    scan: Callable[[str, int], tuple[object, int]] = make_scanner(_Options())  # type: ignore[arg-type]
    return scan


_scan = _scanner()
_BOM = b"\xef\xbb\xbf"


def loads(raw: bytes | str) -> object:
    """The value of the JSON document `raw` (UTF-8 bytes, a BOM allowed, or text), as
    `json.loads` reads it; a `ValueError` for anything that is not one JSON value.
    """
    text = raw if isinstance(raw, str) else _utf8_sig(raw)
    if _scan is None:  # pragma: no cover - CPython has _json
        import json

        return json.loads(text)
    start = len(text) - len(text.lstrip(_WHITESPACE))
    try:
        value, end = _scan(text, start)
    except StopIteration as stop:  # what the scanner raises where no value starts
        raise ValueError(f"Expecting value: char {stop.value}") from None
    except RecursionError:
        raise ValueError("JSON nested too deeply") from None
    if end != len(text.rstrip(_WHITESPACE)):
        raise ValueError(f"Extra data: char {end}")
    return value


def _utf8_sig(raw: bytes) -> str:
    """``raw.decode("utf-8-sig")`` without the codec's Python-level wrapper (UnicodeDecodeError)."""
    return (raw[3:] if raw.startswith(_BOM) else raw).decode()


def dumps_indented(value: object) -> str:
    """``json.dumps(value, indent=2, ensure_ascii=False)``: the same text, for a document of
    dicts with `str` keys, lists, tuples, strings, numbers, booleans and None (anything else,
    e.g. a dict with an int key, goes to `json.dumps` itself).
    """
    parts: list[str] = []
    try:
        _write(value, parts, "\n")
    except _NotPlain:
        pass
    else:
        return "".join(parts)
    import json

    return json.dumps(value, indent=2, ensure_ascii=False)


class _NotPlain(Exception):
    """A value `_write` leaves to `json.dumps` (its conversions and its error messages)."""


def _write(value: object, parts: list[str], newline: str) -> None:
    # The checks in json.encoder's order: a str (or StrEnum) before an int, bool before int.
    if isinstance(value, str):
        parts.append(quote(value))
    elif value is None:
        parts.append("null")
    elif value is True:
        parts.append("true")
    elif value is False:
        parts.append("false")
    elif isinstance(value, int):
        parts.append(int.__repr__(value))
    elif isinstance(value, float):
        parts.append(_float(value))
    elif isinstance(value, dict):
        if not value:
            parts.append("{}")
            return
        inner = newline + "  "
        separator = "{" + inner
        for key, item in value.items():
            if not isinstance(key, str):
                raise _NotPlain
            parts.append(separator)
            parts.append(quote(key))
            parts.append(": ")
            _write(item, parts, inner)
            separator = "," + inner
        parts.append(newline + "}")
    elif isinstance(value, list | tuple):
        if not value:
            parts.append("[]")
            return
        inner = newline + "  "
        separator = "[" + inner
        for item in value:
            parts.append(separator)
            _write(item, parts, inner)
            separator = "," + inner
        parts.append(newline + "]")
    else:
        raise _NotPlain


def _float(value: float) -> str:
    """json.encoder's ``floatstr`` with ``allow_nan=True``."""
    if value != value:  # noqa: PLR0124 - only NaN differs from itself
        return "NaN"
    if value in (_INFINITY, -_INFINITY):
        return "Infinity" if value > 0 else "-Infinity"
    return float.__repr__(value)


_INFINITY = float("inf")
