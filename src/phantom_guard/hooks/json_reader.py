"""The hook event's JSON, read by the scanner `json` itself uses, without importing `json`.

An agent host runs the hook before every shell command, and most commands install nothing, so
reading the event is most of the hook's work. ``import json`` imports `re` and with it enum,
functools and collections: ~15 ms, more than everything else on that path. The C scanner
behind `json.loads` (``_json.make_scanner``) needs none of them; this module gives it the same
options `json.loads` uses by default and does the two checks `json.loads` adds around it
(whitespace only before and after the value). Where there is no ``_json`` (another Python),
`json.loads` itself is used. A test checks both give the same values and reject the same text.
"""

from __future__ import annotations

TYPE_CHECKING = False  # typing.TYPE_CHECKING, without importing typing on the start-up path
if TYPE_CHECKING:
    from collections.abc import Callable

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


def loads(raw: bytes | str) -> object:
    """The value of the JSON document `raw` (UTF-8 bytes, a BOM allowed, or text), as
    `json.loads` reads it; a `ValueError` for anything that is not one JSON value.
    """
    text = raw.decode("utf-8-sig") if isinstance(raw, bytes) else raw  # UnicodeDecodeError
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
