"""The results of a large JSON report written out by hand, without importing orjson.

`report.dumps_many` encodes a report of more than 64 results with orjson, one result at a time;
importing orjson costs a fresh process more than encoding a 1,500-entry lock file's results.
`result_pieces` writes the same text: orjson's ``OPT_INDENT_2`` layout of
`json.result_object`, strings quoted by the standard library's C quoting function (the escapes
orjson writes: ``\\"``, ``\\\\``, ``\\b\\f\\n\\r\\t``, other controls as ``\\u00xx``, nothing
else), numbers by ``repr``, which orjson matches for every float printed without an exponent.
A report holding any other float or value goes to `dumps_many` as before. A test compares the
two writers on generated reports.
"""

from __future__ import annotations

from json.encoder import encode_basestring as _quote

from phantom_guard.names import to_purl
from phantom_guard.report import dumps

TYPE_CHECKING = False  # typing.TYPE_CHECKING, without importing typing on the start-up path
if TYPE_CHECKING:
    from collections.abc import Iterator, Sequence
    from typing import Any

    from phantom_guard.model import PackageRisk, Signal, Source

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
    separator = "\n    "
    for risk in results:
        yield separator + _result(risk)
        separator = ",\n    "
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
        f'      "exists": {_scalar(risk.exists)},\n'
        f'      "signals": {_signals(risk.signals)},\n'
        f'      "suggestion": {_scalar(risk.suggestion)},\n'
        f'      "sources": {_sources(risk.sources)},\n'
        f'      "cached": {_scalar(risk.cached)},\n'
        f'      "error": {_scalar(risk.error)}\n'
        "    }"
    )


def _signals(signals: tuple[Signal, ...]) -> str:
    if not signals:
        return "[]"
    items = [
        "{\n"
        f'          "kind": {_quote(s.kind)},\n'
        f'          "weight": {s.weight!r},\n'
        f'          "message": {_quote(s.message)},\n'
        f'          "evidence": {_evidence(s)}\n'
        "        }"
        for s in signals
    ]
    return "[\n        " + ",\n        ".join(items) + "\n      ]"


def _evidence(signal: Signal) -> str:
    if not signal.evidence:
        return "{}"
    items = [f"{_quote(key)}: {_scalar(value)}" for key, value in signal.evidence.items()]
    return "{\n            " + ",\n            ".join(items) + "\n          }"


def _sources(sources: tuple[Source, ...]) -> str:
    if not sources:
        return "[]"
    items = [
        "{\n"
        f'          "file": {_quote(source.file)},\n'
        f'          "line": {_scalar(source.line)},\n'
        f'          "version": {_scalar(source.version)}\n'
        "        }"
        for source in sources
    ]
    return "[\n        " + ",\n        ".join(items) + "\n      ]"


def _scalar(value: object) -> str:
    if value is None:
        return "null"
    if value is True:
        return "true"
    if value is False:
        return "false"
    if isinstance(value, str):
        return _quote(value)
    return repr(value)  # an int, or a float `_plain` accepted


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
            if not isinstance(key, str) or not (
                value is None or isinstance(value, str | bool) or _plain_number(value)
            ):
                return False
    return all(source.line is None or type(source.line) is int for source in risk.sources)


def _plain_number(value: object) -> bool:
    """An int within orjson's 64 bits, or a float ``repr`` writes as orjson does."""
    if type(value) is int:
        return -(2**63) <= value < 2**64
    if type(value) is float:
        return value == 0.0 or 1e-4 <= abs(value) < 1e16
    return False
