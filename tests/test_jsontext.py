"""jsontext reads what json.loads reads, rejects what it rejects, and writes json.dumps's text."""

from __future__ import annotations

import json
import math
import random
import subprocess
import sys

import pytest

from phantom_guard import jsontext

# Generated from a seeded generator of our own rather than hypothesis: the hook tests before
# these leave worker threads (checks given up on at their budget) whose retry jitter draws from
# the global `random`, which hypothesis reports as a flaky strategy.
_CHARACTERS = 'ab"\\/\b\f\n\r\t\x00\x1f\x7f \u00e9\u200b\u2028\ufeff\U0001f600'


def _value(rng: random.Random, depth: int = 0) -> object:
    kind = rng.randrange(9 if depth < 4 else 6)
    if kind == 0:
        return None
    if kind == 1:
        return rng.random() < 0.5
    if kind == 2:
        return rng.randint(-(2**64), 2**64)
    if kind == 3:
        return rng.choice([0.0, -0.0, 1.5, -2.25e-7, 1e300, rng.uniform(-1e6, 1e6)])
    if kind in (4, 5):
        return "".join(rng.choice(_CHARACTERS) for _ in range(rng.randrange(8)))
    if kind in (6, 7):
        return [_value(rng, depth + 1) for _ in range(rng.randrange(4))]
    return {str(_value(rng, 3)): _value(rng, depth + 1) for _ in range(rng.randrange(4))}


def test_the_same_values_as_json_loads() -> None:
    rng = random.Random(20261129)
    for _ in range(2000):
        value = _value(rng)
        space = rng.choice(["", " ", "\n\t ", "\r\n"])
        for ascii_only in (True, False):
            text = space + json.dumps(value, ensure_ascii=ascii_only) + space
            assert jsontext.loads(text) == json.loads(text)
            assert jsontext.loads(text.encode()) == json.loads(text.encode())


def test_rejects_what_json_loads_rejects() -> None:
    rng = random.Random(29112026)
    pieces = ["{", "}", "[", "]", '"', ":", ",", "1", "-", "e", ".", "tru", "null", " ", "\\", "x"]
    for _ in range(5000):
        text = "".join(rng.choice(pieces) for _ in range(rng.randrange(10)))
        try:
            expected = json.loads(text)
        except ValueError:
            with pytest.raises(ValueError):
                jsontext.loads(text)
        else:
            assert jsontext.loads(text) == expected


@pytest.mark.parametrize(
    "text",
    ["", "   ", "{", '{"a": }', '{"a": 1} x', "[1,]", '"unterminated', "nul", "\ud800", "{'a': 1}"],
)
def test_malformed_documents_are_value_errors(text: str) -> None:
    with pytest.raises(ValueError):
        jsontext.loads(text)


def test_a_bom_and_constants_are_read_as_json_loads_reads_them() -> None:
    assert jsontext.loads('\ufeff{"a": 1}'.encode()) == {"a": 1}
    assert jsontext.loads("[Infinity, -Infinity]") == [math.inf, -math.inf]
    with pytest.raises(ValueError):
        jsontext.loads(b"\xff\xfe")


@pytest.mark.parametrize(
    "use",
    [
        'jsontext.loads(b\'{"tool_input": {"command": "git status"}}\')',
        "jsontext.dumps_indented({'a': [1, 2.5, None, 'x']})",
    ],
)
def test_reading_and_writing_import_neither_json_nor_re(use: str) -> None:
    probe = (
        f"import sys; from phantom_guard import jsontext; {use}; "
        "print(sorted({'json', 're'} & set(sys.modules)))"
    )
    done = subprocess.run([sys.executable, "-c", probe], capture_output=True, text=True, check=True)
    assert done.stdout.strip() == "[]"


def test_dumps_indented_writes_what_json_dumps_writes() -> None:
    rng = random.Random(1129)
    for _ in range(3000):
        value = _value(rng)
        assert jsontext.dumps_indented(value) == json.dumps(value, indent=2, ensure_ascii=False)


@pytest.mark.parametrize(
    "value",
    [
        {},
        [],
        {"a": []},
        {"a": {}},
        ("t", 1),
        [math.nan, math.inf, -math.inf, -0.0, 1e-05, 1e16, True, False, None],
        {"evidence": {"rank": 3, "edit": "a->b"}, "é\u2028": "\x00\U0001f600"},
        {1: "an int key"},  # json.dumps converts it: left to json
        {"when": object.__new__(object)},  # json.dumps raises: left to json
    ],
)
def test_dumps_indented_agrees_on_edge_values(value: object) -> None:
    try:
        expected = json.dumps(value, indent=2, ensure_ascii=False)
    except TypeError:
        with pytest.raises(TypeError):
            jsontext.dumps_indented(value)
        return
    assert jsontext.dumps_indented(value) == expected


def test_dumps_indented_writes_str_enums_as_their_value() -> None:
    from phantom_guard.model import Recommendation

    value = {"recommendation": Recommendation.SAFE, "list": [Recommendation.NOT_FOUND]}
    assert jsontext.dumps_indented(value) == json.dumps(value, indent=2, ensure_ascii=False)
