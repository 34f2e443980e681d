"""The hook's JSON reader gives json.loads's values and rejects what it rejects."""

from __future__ import annotations

import json
import math
import subprocess
import sys

import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

from phantom_guard.hooks import json_reader

# Text a host can send (UTF-8 has no lone surrogates); integers json.dumps can write (Python
# limits int-to-text conversion).
_TEXT = st.text(st.characters(exclude_categories=("Cs",)))
_VALUES = st.recursive(
    st.none() | st.booleans() | st.integers(-(2**64), 2**64) | st.floats(allow_nan=False) | _TEXT,
    lambda inner: st.lists(inner, max_size=4) | st.dictionaries(_TEXT, inner, max_size=4),
    max_leaves=20,
)


@settings(max_examples=300, database=None, deadline=None)
@given(_VALUES, st.sampled_from(["", " ", "\n\t ", "\r\n"]))
def test_the_same_values_as_json_loads(value: object, space: str) -> None:
    text = space + json.dumps(value, ensure_ascii=False, indent=None) + space
    assert json_reader.loads(text) == json.loads(text)
    assert json_reader.loads(text.encode()) == json.loads(text.encode())


@settings(max_examples=500, database=None, deadline=None)
@given(st.text(max_size=30))
def test_rejects_what_json_loads_rejects(text: str) -> None:
    try:
        expected = json.loads(text)
    except ValueError:
        with pytest.raises(ValueError):
            json_reader.loads(text)
    else:
        got = json_reader.loads(text)
        assert got == expected or (isinstance(got, float) and math.isnan(got))


@pytest.mark.parametrize(
    "text",
    ["", "   ", "{", '{"a": }', '{"a": 1} x', "[1,]", '"unterminated', "nul", "\ud800", "{'a': 1}"],
)
def test_malformed_documents_are_value_errors(text: str) -> None:
    with pytest.raises(ValueError):
        json_reader.loads(text)


def test_a_bom_and_constants_are_read_as_json_loads_reads_them() -> None:
    assert json_reader.loads('\ufeff{"a": 1}'.encode()) == {"a": 1}
    assert json_reader.loads("[Infinity, -Infinity]") == [math.inf, -math.inf]
    with pytest.raises(ValueError):
        json_reader.loads(b"\xff\xfe")


def test_reading_an_event_imports_neither_json_nor_re() -> None:
    probe = (
        "import sys; from phantom_guard.hooks import json_reader; "
        'json_reader.loads(b\'{"tool_input": {"command": "git status"}}\'); '
        "print(sorted({'json', 're'} & set(sys.modules)))"
    )
    done = subprocess.run([sys.executable, "-c", probe], capture_output=True, text=True, check=True)
    assert done.stdout.strip() == "[]"
