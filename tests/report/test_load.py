"""A saved JSON report read back: the same Report, so render(load(json)) == json; strict errors."""

from __future__ import annotations

import contextlib
import json
from pathlib import Path
from typing import Any

import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

from phantom_guard._version import __version__
from phantom_guard.errors import InputError, ReportError
from phantom_guard.model import FeedInfo, Report, Skipped, Source
from phantom_guard.records import replace
from phantom_guard.report import json as json_report
from phantom_guard.report.load import load, load_file
from tests.report import hostile_report, sample_report

GOLDEN = Path(__file__).parents[1] / "golden" / "validate.json"


def full_report() -> Report:
    """Every additive key in use: skipped entries, a feed, config paths, source versions."""
    sample = sample_report()
    first = sample.results[1]
    pinned = replace(
        first, sources=(Source("poetry.lock", 40, "2.31.0"), Source("requirements.txt", 2))
    )
    return Report(
        (sample.results[0], pinned, *sample.results[2:]),
        skipped=(
            Skipped("-e ../lib", "editable install: ../lib", Source("requirements.txt", 9)),
            Skipped("internal-*", "private index", None),
        ),
        feeds=(FeedInfo("osv-malicious", "2026-11-01T00:00:00Z", 12345, False),),
        config=("/home/u/.config/phantom-guard/config.toml", "pyproject.toml"),
    )


def golden_text() -> str:
    """The CLI's golden JSON with this version's tool.version, as the CLI writes it."""
    return GOLDEN.read_text(encoding="utf-8").replace(
        '"version": "0.1.0"', f'"version": "{__version__}"', 1
    )


@pytest.mark.parametrize("build", [sample_report, full_report, lambda: Report(())])
def test_round_trip_is_exact(build: Any) -> None:
    text = json_report.render(build())
    assert json_report.render(load(text)) == text


def test_round_trip_keeps_the_report() -> None:
    report = full_report()
    assert load(json_report.render(report)) == report


def test_round_trip_of_hostile_text_keeps_it_byte_for_byte() -> None:
    report = hostile_report()
    text = json_report.render(report)
    loaded = load(text)
    assert json_report.render(loaded) == text
    assert loaded.results == report.results  # input errors are not part of the JSON contract


def test_golden_cli_report_round_trips() -> None:
    text = golden_text()
    assert json_report.render(load(text)) == text  # byte for byte


def test_a_report_without_the_additive_keys_loads() -> None:
    document = json.loads(json_report.render(sample_report()))
    for key in ("skipped", "feeds", "config"):
        del document[key]
    for result in document["results"]:
        for source in result["sources"]:
            del source["version"]
    assert load(json.dumps(document)).results == sample_report().results


def test_unknown_keys_are_ignored() -> None:
    document = json.loads(json_report.render(sample_report()))
    document["added_later"] = {"anything": 1}
    document["results"][0]["added_later"] = []
    assert load(json.dumps(document)).results == sample_report().results


def test_load_file(tmp_path: Path) -> None:
    path = tmp_path / "report.json"
    path.write_text(json_report.render(full_report()), encoding="utf-8")
    assert load_file(path) == full_report()
    with pytest.raises(ReportError, match="cannot read file"):
        load_file(tmp_path / "missing.json")


def _edit(change: Any) -> str:
    document = json.loads(json_report.render(sample_report()))
    change(document)
    return json.dumps(document)


@pytest.mark.parametrize(
    ("text", "message"),
    [
        ("not json", "not a JSON document"),
        ("[1, 2]", "not a phantom-guard report"),
        ('{"runs": []}', "not a phantom-guard report"),
        (_edit(lambda d: d.update(tool={"name": "pip-audit"})), "not a phantom-guard report"),
        (_edit(lambda d: d.update(schema_version=2)), "unknown schema_version 2"),
        (_edit(lambda d: d.pop("schema_version")), "unknown schema_version None"),
        (_edit(lambda d: d.update(schema_version=True)), "unknown schema_version True"),
        (_edit(lambda d: d.pop("results")), "results: a list is expected"),
        (_edit(lambda d: d["results"][0].pop("purl")), r"results\[0\]: missing key\(s\): purl"),
        (_edit(lambda d: d["results"][0].update(registry="maven")), "unknown value 'maven'"),
        (_edit(lambda d: d["results"][0].update(recommendation="OK")), "unknown value 'OK'"),
        (_edit(lambda d: d["results"][0].update(risk_score="high")), "a number is expected"),
        (_edit(lambda d: d["results"][0].update(risk_score=2.0)), "risk_score must be in"),
        (_edit(lambda d: d["results"][0].update(exists="yes")), "true, false or null"),
        (_edit(lambda d: d["results"][0].update(purl="pkg:npm/x")), "does not match"),
        (_edit(lambda d: d["results"][0]["signals"][0].update(kind="NEW")), "unknown value"),
        (
            _edit(lambda d: d["results"][0]["signals"][0].update(evidence={"a": [1]})),
            "a string, number, boolean or null",
        ),
        (_edit(lambda d: d["results"][0]["sources"][0].update(line=0)), "a line number"),
        (_edit(lambda d: d["results"][2].update(exists=True)), "NOT_FOUND result must"),
        (_edit(lambda d: d["summary"].update(total=99)), "summary: does not match"),
        (_edit(lambda d: d.update(skipped={})), "skipped: a list is expected"),
        (_edit(lambda d: d.update(feeds=[{"name": "x"}])), "missing key"),
        (_edit(lambda d: d.update(config=[1])), r"config\[0\]: a string is expected"),
    ],
)
def test_anything_else_is_a_report_error(text: str, message: str) -> None:
    with pytest.raises(ReportError, match=message) as caught:
        load(text, file="saved.json")
    assert isinstance(caught.value, InputError)  # the CLI's exit 2
    assert str(caught.value).startswith("saved.json: ")
    assert "\n" not in str(caught.value)


_JSON = st.recursive(
    st.none() | st.booleans() | st.integers() | st.floats(allow_nan=False) | st.text(max_size=8),
    lambda inner: (
        st.lists(inner, max_size=3) | st.dictionaries(st.text(max_size=6), inner, max_size=3)
    ),
    max_leaves=8,
)


def _paths(value: Any, prefix: tuple[Any, ...] = ()) -> list[tuple[Any, ...]]:
    found = [prefix]
    if isinstance(value, dict):
        for key, item in value.items():
            found += _paths(item, (*prefix, key))
    elif isinstance(value, list):
        for index, item in enumerate(value):
            found += _paths(item, (*prefix, index))
    return found


@settings(max_examples=150, deadline=None)
@given(data=st.data())
def test_any_edit_of_a_report_loads_or_raises_report_error(data: st.DataObject) -> None:
    document = json.loads(json_report.render(full_report()))
    path = data.draw(st.sampled_from(_paths(document)[1:]))
    replacement = data.draw(_JSON)
    target = document
    for step in path[:-1]:
        target = target[step]
    target[path[-1]] = replacement
    with contextlib.suppress(ReportError):  # anything else fails the test
        load(json.dumps(document))


@settings(max_examples=100, deadline=None)
@given(document=_JSON)
def test_any_json_loads_or_raises_report_error(document: Any) -> None:
    with pytest.raises(ReportError):
        load(json.dumps(document))


@pytest.mark.parametrize("copies", [1, 40])
def test_a_large_report_is_written_in_pieces_with_the_same_text(copies: int) -> None:
    """Above the stdlib encoder's size the results are encoded in pieces of at most 64 (hostile
    text too): the pieces join to the document one encoder writes for the whole report, escapes
    included.
    """
    import orjson

    from phantom_guard.report import json_safe

    report = full_report()
    hostile = hostile_report()
    report = Report(
        (*report.results, *hostile.results) * copies,
        skipped=report.skipped,
        feeds=report.feeds,
        config=report.config,
    )
    parts = list(json_report.render_parts(report))
    document = json.loads(json_report.render(report))
    whole = orjson.dumps(document, option=orjson.OPT_INDENT_2).decode()
    assert "".join(parts) == json_report.render(report) == json_safe(whole) + "\n"
    assert len(parts) > len(report.results) // 64 or copies == 1
    assert load(json_report.render(report)).results == report.results
