"""pyproject.toml: PEP 518/621/735, Poetry, PDM and uv tables, each name at its own line."""

from __future__ import annotations

import tomllib
from pathlib import Path
from typing import Any

import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

from phantom_guard.errors import SourceError
from phantom_guard.sources import ParseResult, parse_file, read_text
from phantom_guard.sources.pyproject import parse
from tests.sources import (
    assert_every_source_has_a_line,
    mutated_toml,
    parse_or_source_error,
    refs,
    skipped,
)
from tests.sources.toml_documents import SEEDS

FIXTURES = Path(__file__).parent.parent / "fixtures" / "sources" / "python" / "pyproject"


def _parse(name: str) -> ParseResult:
    path = FIXTURES / name / "pyproject.toml"
    return parse(path, read_text(path))


def test_pep621_and_dependency_groups() -> None:
    result = _parse("pep621")
    assert refs(result) == [
        ("setuptools", 2),
        ("wheel", 2),
        ("setuptools-scm", 2),
        ("fastapi", 12),
        ("pydantic", 13),
        ("uvicorn", 14),
        ("httpx", 15),
        ("tomli", 16),
        ("sqlalchemy", 17),
        ("asyncpg", 22),
        ("mkdocs", 24),
        ("mkdocs-material", 25),
        ("rich", 27),
        ("pytest", 33),
        ("pytest-cov", 33),
        ("ruff", 35),
    ]
    assert skipped(result) == [
        (
            18,
            "direct URL reference: acme-internal @ "
            "https://downloads.example.org/acme_internal-1.0-py3-none-any.whl",
        ),
    ]
    assert result.includes == ()
    assert {r.source.file for r in result.refs if r.source} == {
        str(FIXTURES / "pep621" / "pyproject.toml")
    }


def test_poetry_tables() -> None:
    result = _parse("poetry")
    assert refs(result) == [
        ("poetry-core", 49),
        ("requests", 9),
        ("ruamel.yaml", 10),
        ("boto3", 11),
        ("uvicorn", 12),
        ("pathlib2", 13),
        ("numpy", 14),  # a list of constraints is one package
        ("private-lib", 18),  # a private source is still a name to check
        ("mixed", 22),
        ("attrs", 27),  # [tool.poetry.dependencies.attrs]
        ("black", 31),
        ("pytest", 34),
        ("pytest-mock", 35),
        ("sphinx", 41),
    ]
    assert skipped(result) == [
        (19, "path dependency my-local: ../my-local"),
        (20, "git dependency my-fork: https://git.example.org/acme/my-fork.git"),
        (
            21,
            "URL dependency my-wheel: https://downloads.example.org/my_wheel-1.0-py3-none-any.whl",
        ),
        (24, "path dependency mixed: ../mixed"),
    ]


def test_pdm_and_uv_tables() -> None:
    result = _parse("pdm-uv")
    assert refs(result) == [
        ("pytest", 8),
        ("flake8", 12),
        ("mypy", 15),
        ("grpcio", 16),
        ("werkzeug", 17),
    ]
    assert skipped(result) == [
        (9, "editable install: file:///${PROJECT_ROOT}/packages/acme-core#egg=acme-core"),
        (10, "editable install: ."),
    ]


def test_crlf_and_byte_order_mark() -> None:
    path = FIXTURES / "crlf-bom" / "pyproject.toml"
    raw = path.read_bytes()
    assert raw.startswith(b"\xef\xbb\xbf") and b"\r\n" in raw
    assert refs(parse_file(path)) == [("requests", 4), ("rich", 5)]
    assert refs(parse(path, raw.decode("utf-8"))) == [("requests", 4), ("rich", 5)]


def test_invalid_toml_names_the_line() -> None:
    with pytest.raises(SourceError) as caught:
        _parse("invalid")
    assert caught.value.line == 6
    assert caught.value.reason == "invalid TOML: Unclosed array"


def test_wrong_shape_names_the_key_and_line() -> None:
    with pytest.raises(SourceError) as caught:
        _parse("wrong-shape")
    assert caught.value.line == 3
    assert caught.value.reason == "project.dependencies: expected an array, found a string"


@pytest.mark.parametrize(
    ("text", "line", "reason"),
    [
        ("project = 1", 1, "project: expected a table, found a number"),
        (
            "[project]\ndependencies = [1]",
            2,
            "project.dependencies[0]: expected a string, found a number",
        ),
        (
            '[project]\ndependencies = ["ok", "not ok"]',
            2,
            "invalid requirement 'not ok': ",  # then packaging's own words
        ),
        (
            "[dependency-groups]\ntest = [{include = 'x'}]",
            2,
            "dependency-groups.test[0]: expected a string or {include-group = ...}, found a table",
        ),
        (
            "[tool.poetry.dependencies]\nfoo = 1",
            2,
            "tool.poetry.dependencies.foo: expected a version string or a table, found a number",
        ),
        (
            "[tool.poetry.dependencies]\nfoo = [true]",
            2,
            "tool.poetry.dependencies.foo[0]: expected a version string or a table, "
            "found a boolean",
        ),
        ("[tool.poetry]\ngroup = []", 2, "tool.poetry.group: expected a table, found an array"),
        (
            "[project.optional-dependencies]\nx = 'a'",
            2,
            "project.optional-dependencies.x: expected an array, found a string",
        ),
        (
            "[build-system]\nrequires = 'setuptools'",
            2,
            "build-system.requires: expected an array, found a string",
        ),
    ],
)
def test_shape_errors(text: str, line: int, reason: str) -> None:
    with pytest.raises(SourceError) as caught:
        parse(Path("pyproject.toml"), text)
    assert caught.value.line == line
    assert caught.value.reason.startswith(reason)


def test_poetry_dotted_and_inline_forms() -> None:
    text = (
        "[tool.poetry]\n"
        'dependencies = { python = "^3.11", click = "^8" }\n'
        'group.dev.dependencies.pytest = "^8"\n'
        "[tool.poetry.group.lint.dependencies]\n"
        'ruff.version = "^0.4"\n'
        '"Flask-Login" = { version = "*" }\n'
    )
    assert refs(parse(Path("pyproject.toml"), text)) == [
        ("click", 2),
        ("pytest", 3),
        ("ruff", 5),
        ("Flask-Login", 6),
    ]


def test_empty_and_unrelated_documents() -> None:
    assert parse(Path("pyproject.toml"), "") == ParseResult()
    assert parse(Path("pyproject.toml"), "[tool.black]\nline-length = 100\n") == ParseResult()


# -- property tests ---------------------------------------------------------------------------


def _template() -> dict[str, Any]:
    """The fixture documents merged: every table this parser reads, in realistic shapes."""
    pep621, poetry, pdm = (
        tomllib.loads(read_text(FIXTURES / d / "pyproject.toml"))
        for d in ("pep621", "poetry", "pdm-uv")
    )
    return {**pep621, "tool": {**poetry["tool"], **pdm["tool"]}}


TEMPLATE = _template()


@settings(max_examples=300, deadline=None)
@given(SEEDS)
def test_mutated_documents_parse_or_raise_source_error(seed: int) -> None:
    result = parse_or_source_error(parse, Path("pyproject.toml"), mutated_toml(seed, TEMPLATE))
    if result is not None:
        assert_every_source_has_a_line(result)


@settings(max_examples=300, deadline=None)
@given(st.text())
def test_arbitrary_text_parses_or_raises_source_error(text: str) -> None:
    parse_or_source_error(parse, Path("pyproject.toml"), text)
