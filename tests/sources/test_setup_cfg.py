"""setup.cfg: setuptools' requirement options, split as setuptools splits them."""

from __future__ import annotations

import random
from pathlib import Path

import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

from phantom_guard.errors import SourceError
from phantom_guard.sources import ParseResult, parse_file
from phantom_guard.sources.setup_cfg import parse
from tests.sources import parse_or_source_error, refs, skipped
from tests.sources.toml_documents import SEEDS, random_string

FIXTURES = Path(__file__).parent.parent / "fixtures" / "sources" / "python" / "setup_cfg"


def test_setup_cfg() -> None:
    result = parse_file(FIXTURES / "setup.cfg")
    assert refs(result) == [
        ("requests", 13),
        ("click", 15),
        ("importlib-metadata", 16),
        ("PyYAML", 17),  # its "# inline comment" is dropped
        ("colorama", 19),  # after a blank line inside the value
        ("setuptools_scm", 20),
        ("pytest", 22),
        ("black", 26),
        ("mypy", 27),
        ("Sphinx", 29),
        ("sphinx-rtd-theme", 30),
        ("cryptography", 31),  # a one-line value is split on ";"
        ("certifi", 31),
    ]
    assert result.skipped == ()
    assert {r.source.file for r in result.refs if r.source} == {str(FIXTURES / "setup.cfg")}


def test_one_line_values_and_file_directive() -> None:
    result = parse_file(FIXTURES / "one-line" / "setup.cfg")
    assert refs(result) == [("wheel", 3), ("setuptools", 3), ("pytest", 4)]
    assert skipped(result) == [
        (2, "install_requires reads its list from a file (file: requirements.txt)"),
        (4, "direct URL reference: local @ file:///opt/src/local"),
    ]


def test_invalid_ini() -> None:
    with pytest.raises(SourceError) as caught:
        parse_file(FIXTURES / "invalid" / "setup.cfg")
    assert caught.value.line == 3
    assert caught.value.reason.startswith("invalid INI: ")


@pytest.mark.parametrize(
    ("text", "line", "reason"),
    [
        ("install_requires = x", 1, "invalid INI: a line before the first [section] header"),
        ("[options]\n[options]", 2, "invalid INI: section [options] appears twice"),
        (
            "[options]\ninstall_requires = a\ninstall_requires = b",
            3,
            "invalid INI: option 'install_requires' appears twice in [options]",
        ),
        (
            "[options]\ninstall_requires =\n    ok\n    not ok",
            4,
            "invalid requirement 'not ok': ",  # then packaging's own words
        ),
        (
            # setuptools splits a one-line value on ";", marker and all.
            '[options]\ninstall_requires = foo; python_version < "3.8"',
            2,
            "invalid requirement 'python_version < \"3.8\"': ",
        ),
    ],
)
def test_errors(text: str, line: int, reason: str) -> None:
    with pytest.raises(SourceError) as caught:
        parse(Path("setup.cfg"), text)
    assert caught.value.line == line
    assert caught.value.reason.startswith(reason)


def test_colon_separator_crlf_bom_and_case() -> None:
    text = "\ufeff[options]\r\nInstall_Requires: skipped\r\ninstall_requires:\r\n  a\r\n\tb>=1\r\n"
    text += "[options.extras_require]\r\nAll:\r\n  c\r\n"
    assert refs(parse(Path("setup.cfg"), text)) == [("a", 4), ("b", 5), ("c", 8)]


def test_duplicate_lines_get_their_own_line_numbers() -> None:
    text = "[options]\ninstall_requires =\n    a\n    a\n[options.extras_require]\nx = a\n"
    assert refs(parse(Path("setup.cfg"), text)) == [("a", 3), ("a", 4), ("a", 6)]


def test_unrelated_sections_and_no_options() -> None:
    assert parse(Path("setup.cfg"), "[flake8]\nmax-line-length = 100\n") == ParseResult()
    assert parse(Path("setup.cfg"), "") == ParseResult()


_REQUIREMENTS = ["requests", "Foo.Bar[x] >=1", "a ; python_version < '3.12'", "x @ file:///x"]
_REQUIREMENTS += ["file: requirements.txt", "bad req", "# comment", "; comment", "", "  "]
_KEYS = ["install_requires", "setup_requires", "tests_require", "dev", "docs", "python_requires"]
_SECTIONS = ["options", "options.extras_require", "metadata", "options", "x"]


def _random_ini(rng: random.Random) -> str:
    lines: list[str] = []
    for _ in range(rng.randrange(4)):
        lines.append(f"[{rng.choice(_SECTIONS)}]")
        for _ in range(rng.randrange(4)):
            key = rng.choice(_KEYS)
            separator = rng.choice([" = ", "=", ": ", " =", ":"])
            values = [
                rng.choice(_REQUIREMENTS) if rng.random() < 0.85 else random_string(rng)
                for _ in range(rng.randrange(4))
            ]
            if rng.random() < 0.4:
                lines.append(key + separator + "; ".join(values))
            else:
                indent = rng.choice(["  ", "    ", "\t"])
                lines.append(key + separator + (values.pop(0) if values else ""))
                lines += [indent + value for value in values]
    newline = rng.choice(["\n", "\r\n"])
    return newline.join(lines)


@settings(max_examples=300, deadline=None)
@given(SEEDS)
def test_generated_files_parse_or_raise_source_error(seed: int) -> None:
    text = _random_ini(random.Random(seed))
    result = parse_or_source_error(parse, Path("setup.cfg"), text)
    if result is None:
        return
    physical = text.split("\n")
    for ref in result.refs:
        assert ref.source is not None and ref.source.line is not None
        assert ref.name in physical[ref.source.line - 1]


@settings(max_examples=300, deadline=None)
@given(st.text())
def test_arbitrary_text_parses_or_raises_source_error(text: str) -> None:
    parse_or_source_error(parse, Path("setup.cfg"), text)
