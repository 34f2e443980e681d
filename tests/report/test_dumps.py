"""`report.dumps`: the standard library's encoder and orjson write the same bytes."""

from __future__ import annotations

import json
from typing import Any

import orjson
from hypothesis import given
from hypothesis import strategies as st

from phantom_guard.report import _plain_floats, dumps, dumps_many

_SCALARS = (
    st.none()
    | st.booleans()
    | st.integers(min_value=-(2**63), max_value=2**63 - 1)
    | st.floats(min_value=-1, max_value=1).map(lambda f: round(f, 3))
    | st.floats(allow_nan=True, allow_infinity=True)
    | st.text()
)
_DOCUMENTS = st.recursive(
    _SCALARS,
    lambda inner: st.lists(inner, max_size=4) | st.dictionaries(st.text(), inner, max_size=4),
    max_leaves=20,
)


@given(st.dictionaries(st.text(), _DOCUMENTS, max_size=5))
def test_both_encoders_write_the_same_text(document: dict[str, Any]) -> None:
    by_orjson = orjson.dumps(document, option=orjson.OPT_INDENT_2).decode()
    if _plain_floats(document):
        assert json.dumps(document, indent=2, ensure_ascii=False) == by_orjson
    assert dumps(document, results=1) == by_orjson
    assert dumps(document, results=10_000) == by_orjson


_ITEMS = st.lists(st.dictionaries(st.text(), _DOCUMENTS, max_size=3), max_size=80)


@given(st.dictionaries(st.text(), _DOCUMENTS, max_size=4), _ITEMS, st.sampled_from([2, 100]))
def test_a_list_encoded_item_by_item_is_the_same_text(
    head: dict[str, Any], items: list[dict[str, Any]], copies: int
) -> None:
    """`dumps_many` writes what `dumps` writes for the whole document, small or large."""
    document = {"before": head, "results": [], "after": head}
    many = items * copies
    whole = {**document, "results": many}
    pieces = dumps_many(dict(document), "results", many, lambda item: item)
    assert "".join(pieces) == dumps(whole, len(many))
