"""`report.json_results`: a large report's results written by hand are orjson's bytes."""

from __future__ import annotations

from typing import Any

from hypothesis import given
from hypothesis import strategies as st

from phantom_guard.model import (
    PackageRisk,
    Recommendation,
    Registry,
    Signal,
    SignalKind,
    Source,
)
from phantom_guard.report import dumps_many
from phantom_guard.report.json import result_object
from phantom_guard.report.json_results import result_pieces

# Floats near the edges of what repr and orjson write alike (1e-05 is "0.00001" to orjson).
_FLOATS = st.sampled_from([0.0, -0.0, 1.0, 0.3, 0.15, 1e-4, 5e-5, 0.1 + 0.2]) | st.floats(-1, 1)
_EVIDENCE = st.dictionaries(
    st.text(max_size=6),
    st.none()
    | st.booleans()
    | st.integers(min_value=-(2**63), max_value=2**64 - 1)
    | _FLOATS
    | st.text(max_size=8),
    max_size=3,
)
_SIGNALS = st.builds(
    Signal, st.sampled_from(list(SignalKind)), _FLOATS, st.text(max_size=12), _EVIDENCE
)
_SOURCES = st.builds(
    Source,
    st.text(max_size=10),
    st.none() | st.integers(min_value=1, max_value=10**6),
    st.none() | st.text(max_size=6),
)


@st.composite
def _risks(draw: st.DrawFn) -> PackageRisk:
    recommendation = draw(st.sampled_from(list(Recommendation)))
    error = draw(st.text(max_size=8)) if recommendation is Recommendation.ERROR else None
    if recommendation is Recommendation.ERROR:
        exists = None
    elif recommendation is Recommendation.NOT_FOUND:
        exists = False
    else:
        exists = draw(st.none() | st.booleans())
    return PackageRisk(
        name=draw(st.text(max_size=10)),
        normalized_name=draw(st.text(min_size=1, max_size=10)),  # type: ignore[arg-type]
        registry=draw(st.sampled_from(list(Registry))),
        recommendation=recommendation,
        risk_score=draw(_FLOATS.map(abs)),
        exists=exists,
        signals=tuple(draw(st.lists(_SIGNALS, max_size=3))),
        suggestion=draw(st.none() | st.text(max_size=6)),
        sources=tuple(draw(st.lists(_SOURCES, max_size=3))),
        cached=draw(st.booleans()),
        error=error,
    )


def _document() -> dict[str, Any]:
    return {
        "schema_version": 1,
        "results": [],
        "summary": {"total": 0},
        "skipped": [{"file": "a\u202e.json", "line": 3}],
        "config": [],
    }


@given(st.lists(_risks(), min_size=1, max_size=4), st.integers(min_value=17, max_value=40))
def test_the_hand_writer_writes_what_orjson_writes(risks: list[PackageRisk], copies: int) -> None:
    results = risks * copies  # more than dumps_many's 64: the size it takes orjson for
    by_orjson = "".join(dumps_many(_document(), "results", results, result_object))
    pieces = result_pieces(_document(), results)
    if pieces is not None:  # None: a value it leaves to orjson
        assert "".join(pieces) == by_orjson


def test_a_plain_report_is_written_by_hand() -> None:
    risk = PackageRisk(
        "Left_Pad",
        "left-pad",  # type: ignore[arg-type]
        Registry.NPM,
        Recommendation.SAFE,
        0.0,
        True,
        (Signal(SignalKind.POPULAR_PACKAGE, -1.0, "rank 9", {"rank": 9}),),
        sources=(Source("package-lock.json", 12, "1.3.0"), Source("b\n.json")),
    )
    pieces = result_pieces(_document(), [risk] * 65)
    assert pieces is not None
    assert "".join(pieces) == "".join(
        dumps_many(_document(), "results", [risk] * 65, result_object)
    )
    tiny = Signal(SignalKind.NO_DESCRIPTION, 0.00005, "written 0.00005 by orjson, 5e-05 by repr")
    odd = PackageRisk("a", "a", Registry.PYPI, Recommendation.SAFE, 0.0, True, (tiny,))  # type: ignore[arg-type]
    assert result_pieces(_document(), [odd] * 65) is None  # left to orjson
