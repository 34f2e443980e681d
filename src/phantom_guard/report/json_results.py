"""The results of a large JSON report written out by hand, without importing orjson.

`report.dumps_many` encodes a report of more than 64 results with orjson, one result at a time;
importing orjson costs a fresh process more than encoding a 1,500-entry lock file's results.
`result_pieces` writes the same text: orjson's ``OPT_INDENT_2`` layout of
`json.result_object`, strings quoted by json's C quoting function (``_json.encode_basestring``,
as `jsontext` does: the escapes orjson writes, ``\\"``, ``\\\\``, ``\\b\\f\\n\\r\\t``, other
controls as ``\\u00xx``, nothing else), numbers by ``repr``, which orjson matches for every
float printed without an exponent.
A report holding any other float or value goes to `dumps_many` as before. A test compares the
two writers on generated reports.
"""

from __future__ import annotations

from phantom_guard.jsontext import quote as _quote
from phantom_guard.names import to_purl
from phantom_guard.report import dumps

TYPE_CHECKING = False  # typing.TYPE_CHECKING, without importing typing on the start-up path
if TYPE_CHECKING:
    from collections.abc import Iterator, Sequence
    from typing import Any

    from phantom_guard.model import PackageRisk, Signal, Source

_PIECE = 64
_KEY = '\n  "results": []'  # where `dumps` writes the (empty) results list of the document


def result_pieces(document: dict[str, Any], results: Sequence[PackageRisk]) -> Iterator[str] | None:
    """The pieces of `dumps_many(document, "results", results, result_object)`'s text, or None
    when a value of `results` is one this writer leaves to orjson.
    """
    if not all(_plain(risk) for risk in results):
        return None
    return _pieces(document, results)


def _pieces(document: dict[str, Any], results: Sequence[PackageRisk]) -> Iterator[str]:
    text = dumps(document, 0)  # the document around the results, as `dumps_many` writes it
    at = text.index(_KEY) + len(_KEY) - 1
    yield text[:at]
    # 64 results a piece: a piece is escaped and written with a call each (a system call
    # each when stdout is unbuffered), and 64 results are still a small string.
    for start in range(0, len(results), _PIECE):
        written = ",\n    ".join(_result(risk) for risk in results[start : start + _PIECE])
        yield ("\n    " if start == 0 else ",\n    ") + written
    yield "\n  ]" + text[at + 1 :]


def _result(risk: PackageRisk) -> str:
    """One result at the results list's depth (its lines indented by four spaces)."""
    registry = risk.registry
    return (
        "{\n"
        f'      "name": {_quote(risk.name)},\n'
        f'      "normalized_name": {_quote(risk.normalized_name)},\n'
        f'      "registry": {_quote(registry)},\n'
        f'      "purl": {_quote(to_purl(registry, risk.normalized_name))},\n'
        f'      "recommendation": {_quote(risk.recommendation)},\n'
        f'      "risk_score": {risk.risk_score!r},\n'
        f'      "exists": {_LITERAL[risk.exists]},\n'
        f'      "signals": {_signals(risk.signals) if risk.signals else "[]"},\n'
        f'      "suggestion": {_text(risk.suggestion)},\n'
        f'      "sources": {_sources(risk.sources) if risk.sources else "[]"},\n'
        f'      "cached": {_LITERAL[risk.cached]},\n'
        f'      "error": {_text(risk.error)}\n'
        "    }"
    )


def _signals(signals: tuple[Signal, ...]) -> str:
    items = [
        "{\n"
        f'          "kind": {_quote(s.kind)},\n'
        f'          "weight": {s.weight!r},\n'
        f'          "message": {_quote(s.message)},\n'
        f'          "evidence": {_evidence(s)}\n'
        "        }"
        for s in signals
    ]
    return _field_list(items)


def _evidence(signal: Signal) -> str:
    if not signal.evidence:
        return "{}"
    items = [f"{_quote(key)}: {_scalar(value)}" for key, value in signal.evidence.items()]
    return "{\n            " + ",\n            ".join(items) + "\n          }"


def _sources(sources: tuple[Source, ...]) -> str:
    items = [
        "{\n"
        f'          "file": {_quote(source.file)},\n'
        f'          "line": {"null" if source.line is None else source.line},\n'
        f'          "version": {_text(source.version)}\n'
        "        }"
        for source in sources
    ]
    return _field_list(items)


def _field_list(items: list[str]) -> str:
    """A result field's non-empty list of objects, as orjson indents it at that depth."""
    return "[\n        " + ",\n        ".join(items) + "\n      ]"


# For fields that hold only these (a dict lookup would take 1 for True in an int field).
_LITERAL = {None: "null", True: "true", False: "false"}


def _text(value: str | None) -> str:
    return "null" if value is None else _quote(value)


def _scalar(value: object) -> str:
    if type(value) is int:
        return repr(value)
    if isinstance(value, str):
        return _quote(value)
    if value is None or value is True or value is False:
        return _LITERAL[value]
    return repr(value)  # a float `_plain` accepted


def _plain(risk: PackageRisk) -> bool:
    """Whether every value of `risk` is written here as orjson writes it: strings (keys too),
    ints, booleans, None, and floats without an exponent.
    """
    if not _plain_number(risk.risk_score):
        return False
    for signal in risk.signals:
        if not _plain_number(signal.weight):
            return False
        for key, value in signal.evidence.items():
            if type(value) is int:  # the common case (a rank, a count): no call
                if not -_INT_LIMIT <= value < 2 * _INT_LIMIT:
                    return False
            elif not isinstance(key, str) or not (
                value is None or isinstance(value, str | bool) or _plain_number(value)
            ):
                return False
    for source in risk.sources:
        if source.line is not None and type(source.line) is not int:
            return False
    return (type(risk.exists) is bool or risk.exists is None) and type(risk.cached) is bool


def _plain_number(value: object) -> bool:
    """An int within orjson's 64 bits, or a float ``repr`` writes as orjson does."""
    if type(value) is float:
        return value == 0.0 or 1e-4 <= abs(value) < 1e16
    if type(value) is int:
        return -_INT_LIMIT <= value < 2 * _INT_LIMIT
    return False


_INT_LIMIT = 2**63  # orjson writes integers from -2**63 to 2**64 - 1
