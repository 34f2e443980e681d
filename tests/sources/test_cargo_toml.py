"""Cargo.toml: dependency tables (per target, for the workspace), renames, skipped sources."""

from __future__ import annotations

import json
from pathlib import Path
from typing import Any

import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

from phantom_guard.errors import SourceError
from phantom_guard.model import Registry
from phantom_guard.sources import ParseResult, read_text
from phantom_guard.sources._keypath import KeyPath
from phantom_guard.sources._toml_lines import toml_key_lines
from phantom_guard.sources.cargo_toml import parse
from tests.sources import (
    assert_crlf_gives_the_same_result,
    assert_every_source_has_a_line,
    parse_fixture,
    parse_or_source_error,
    refs,
    skipped,
)

FIXTURES = Path(__file__).parent.parent / "fixtures" / "sources" / "rust" / "cargo_toml"


def _parse(name: str, *, crlf: bool = False) -> ParseResult:
    return parse_fixture(parse, FIXTURES / name, Registry.CRATES, crlf=crlf)


def test_crate() -> None:
    result = _parse("crate.toml")
    assert refs(result) == [
        ("anyhow", 18),
        ("serde", 19),
        ("tokio", 20),
        ("rustls", 25),
        ("rand_core", 26),  # rand_core_06 = { package = "rand_core", ... }
        ("serde_json", 30),  # serde_json.version = ...: the first dotted line
        ("quoted-name", 32),
        ("tracing", 34),  # [dependencies.tracing]
        ("log", 39),  # [dependencies.log-compat] package = "log"
        ("criterion", 44),
        ("tempfile", 45),
        ("cc", 48),
        ("windows-sys", 51),
        ("libc", 54),
        ("procfs", 57),
        ("winres", 59),  # [target.x86_64-pc-windows-msvc.build-dependencies.winres]
    ]
    # The multi-line description and the comment inside the features array hold no tables;
    # [patch.<registry>] overrides sources and declares nothing.
    assert skipped(result) == [
        (27, "local path: acme-proto (path = ../acme-proto)"),
        (28, "git dependency: patched-fork (git = https://github.com/acme/patched-fork)"),
        (29, "alternate registry: internal-auth (registry = acme-internal)"),
    ]


def test_workspace_root() -> None:
    result = _parse("workspace.toml")
    # `workspace = true` in the root's own tables inherits from its [workspace.dependencies].
    assert refs(result) == [
        ("anyhow", 26),
        ("clap", 27),
        ("thiserror", 28),
        ("serde", 31),
        ("anyhow", 14),
        ("clap", 15),
        ("serde", 16),
        ("tokio-util", 17),
    ]
    root = str(FIXTURES / "workspace.toml")
    assert skipped(result) == [
        (25, f"local path: acme-core (path = crates/acme-core, from {root})"),
        (13, "local path: acme-core (path = crates/acme-core)"),
    ]


def test_legacy_underscore_tables() -> None:
    assert refs(_parse("legacy-underscore.toml")) == [
        ("lazy_static", 7),
        ("quickcheck", 10),
        ("gcc", 13),
    ]


def test_bom_and_crlf() -> None:
    expected = [("regex", 6), ("once_cell", 7)]
    assert refs(_parse("bom-crlf.toml")) == expected
    path = FIXTURES / "bom-crlf.toml"
    assert refs(parse(path, read_text(path))) == expected


@pytest.mark.parametrize("name", sorted(p.name for p in FIXTURES.glob("*.toml")))
def test_crlf_gives_the_same_result(name: str) -> None:
    assert_crlf_gives_the_same_result(_parse, name, same_reason=False)


@pytest.mark.parametrize(
    ("name", "line", "reason"),
    [
        ("invalid.toml", 6, "invalid TOML: Illegal character '\\n' (column 13)"),
        ("bad-dependency.toml", 7, "dependencies.tokio must be a version string or a table"),
        ("bad-table.toml", 1, "[dependencies] must be a table"),
    ],
)
def test_errors(name: str, line: int, reason: str) -> None:
    with pytest.raises(SourceError) as caught:
        _parse(name)
    assert (caught.value.line, caught.value.reason) == (line, reason)


@pytest.mark.parametrize(
    ("text", "line", "reason"),
    [
        ("target = 1\n", 1, "[target] must be a table"),
        ("[target]\nunix = 2\n", 2, "[target.unix] must be a table"),
        ("[dependencies]\nx = { package = 3 }\n", 2, "x: 'package' must be a crate name"),
        ("a = " + "[" * 5000 + "]" * 5000, None, "invalid TOML: nested too deeply"),
        ("a = " + "1" * 5000, None, "invalid TOML: Exceeds the limit (4300 digits)"),
    ],
)
def test_bad_input(text: str, line: int | None, reason: str) -> None:
    with pytest.raises(SourceError) as caught:
        parse(Path("Cargo.toml"), text)
    assert caught.value.line == line
    assert caught.value.reason.startswith(reason)


def test_inline_target_tables_fall_back_to_the_enclosing_line() -> None:
    text = 'name = "x"\ntarget = { unix = { dependencies = { libc = "0.2" } } }\n'
    assert refs(parse(Path("Cargo.toml"), text)) == [("libc", 2)]


@pytest.mark.parametrize(
    ("text", "expected"),
    [
        ('[a]\nb = """\n[c]\nd = 1\n"""\ne = 2\n', {("a",): 1, ("a", "b"): 2, ("a", "e"): 6}),
        ("[a]\nb = '''x\n[c]'''\ne = 1\n", {("a",): 1, ("a", "b"): 2, ("a", "e"): 4}),
        ('a = "x # y"  # c\nb = 1\n', {("a",): 1, ("b",): 2}),
        ('"a.b" = 1\n\'c\'.d = 2\n', {("a.b",): 1, ("c",): 2, ("c", "d"): 2}),
        ('a = ["[x]",\n  # ]\n  "]"]\nb = 1', {("a",): 1, ("b",): 4}),
        ('[[p]]\nn = 1\n[[p]]\nn = 2\n[p.q]\nr = 3\n', {
            ("p",): 1, ("p", 0): 1, ("p", 0, "n"): 2, ("p", 1): 3, ("p", 1, "n"): 4,
            ("p", 1, "q"): 5, ("p", 1, "q", "r"): 6,
        }),
        ('"\\u0041\\tb" = 1\n', {("A\tb",): 1}),
        ('[ a . "b" ]\n', {("a", "b"): 1}),
        ('a = """x\\\n  y"""\nb = 1\n', {("a",): 1, ("b",): 3}),
    ],
)  # fmt: skip
def test_toml_key_lines(text: str, expected: dict[KeyPath, int]) -> None:
    assert toml_key_lines(text) == expected


# --- properties ---------------------------------------------------------------------------------


def quote(text: str) -> str:
    """A TOML basic string (JSON's escapes are TOML's, but DEL must be escaped too)."""
    return json.dumps(text, ensure_ascii=False).replace("\x7f", "\\u007f")


def toml_value(value: Any) -> str:
    """One inline TOML value."""
    if isinstance(value, bool):
        return "true" if value else "false"
    if isinstance(value, int):
        return str(value)
    if isinstance(value, str):
        return quote(value)
    if isinstance(value, list):
        return "[" + ", ".join(toml_value(item) for item in value) + "]"
    return "{" + ", ".join(f"{quote(k)} = {toml_value(v)}" for k, v in value.items()) + "}"


def _array_of_tables(value: Any) -> bool:
    return isinstance(value, list) and bool(value) and all(isinstance(v, dict) for v in value)


def write_toml(data: dict[str, Any], style: str) -> str:
    """TOML for `data`: nested tables as ``[headers]``, ``{inline}`` or ``dotted.keys``."""
    lines: list[str] = []
    _write_table(lines, (), data, style)
    return "\n".join(lines) + "\n"


def _write_table(
    lines: list[str], path: tuple[str, ...], table: dict[str, Any], style: str
) -> None:
    nested = style == "headers" or (style == "dotted" and not path)
    for key, value in table.items():
        if (isinstance(value, dict) and nested) or _array_of_tables(value):
            continue
        if isinstance(value, dict) and value and style == "dotted":
            _write_dotted(lines, quote(key), value)
        else:
            lines.append(f"{quote(key)} = {toml_value(value)}")
    for key, value in table.items():
        header = ".".join(quote(part) for part in (*path, key))
        if isinstance(value, dict) and nested:
            lines += ["", f"[{header}]"]
            _write_table(lines, (*path, key), value, style)
        elif _array_of_tables(value):
            for item in value:
                lines += ["", f"[[{header}]]"]
                _write_table(lines, (*path, key), item, style)


def _write_dotted(lines: list[str], prefix: str, table: dict[str, Any]) -> None:
    for key, value in table.items():
        if isinstance(value, dict) and value:
            _write_dotted(lines, f"{prefix}.{quote(key)}", value)
        else:
            lines.append(f"{prefix}.{quote(key)} = {toml_value(value)}")


KEYS = st.text(max_size=6)
SCALARS = st.booleans() | st.integers() | KEYS
TOML = st.recursive(
    SCALARS,
    lambda inner: st.lists(inner, max_size=3) | st.dictionaries(KEYS, inner, max_size=3),
    max_leaves=8,
)
DEPENDENCY = KEYS | st.fixed_dictionaries(
    {},
    optional={
        "version": KEYS,
        "package": KEYS,
        "path": KEYS,
        "git": KEYS,
        "workspace": st.booleans(),
        "registry": KEYS,
        "features": st.lists(KEYS, max_size=2),
    },
)
DEPENDENCIES = st.dictionaries(KEYS, DEPENDENCY, max_size=3)
MANIFESTS = st.fixed_dictionaries(
    {},
    optional={
        "package": st.fixed_dictionaries({"name": KEYS}),
        "dependencies": DEPENDENCIES,
        "dev-dependencies": DEPENDENCIES,
        "target": st.dictionaries(
            KEYS, st.fixed_dictionaries({}, optional={"build-dependencies": DEPENDENCIES})
        ),
        "workspace": st.fixed_dictionaries({}, optional={"dependencies": DEPENDENCIES}),
    },
)
STYLES = st.sampled_from(["headers", "inline", "dotted"])


@settings(max_examples=300, deadline=None)
@given(st.text())
def test_any_text_parses_or_raises_source_error(text: str) -> None:
    parse_or_source_error(parse, Path("Cargo.toml"), text)
    toml_key_lines(text)  # the scanner never raises, whatever it is given


def _key_paths(table: dict[str, Any], tables: bool, path: KeyPath = ()) -> list[KeyPath]:
    """Every key path outside inline values; arrays of tables are followed if `tables`."""
    paths: list[KeyPath] = []
    for key, value in table.items():
        paths.append((*path, key))
        if isinstance(value, dict):
            paths += _key_paths(value, tables, (*path, key))
        elif tables and _array_of_tables(value):
            for index, item in enumerate(value):
                paths += _key_paths(item, tables, (*path, key, index))
    return paths


@settings(max_examples=100, deadline=None)
@given(st.one_of(MANIFESTS, MANIFESTS, st.dictionaries(KEYS, TOML, max_size=4)), STYLES)
def test_any_toml_parses_or_raises_source_error(data: dict[str, Any], style: str) -> None:
    text = write_toml(data, style)
    result = parse_or_source_error(parse, Path("Cargo.toml"), text)
    if result is not None:
        assert_every_source_has_a_line(result, refs_only=True, within=text)
    if style == "inline":
        return
    # The scanner behind the lines finds every key outside inline values, on its own line.
    # The dotted style writes arrays of tables under dotted keys inline: those are not followed.
    lines = toml_key_lines(text)
    rows = text.split("\n")
    for path in _key_paths(data, tables=style == "headers"):
        key = path[-1]
        assert isinstance(key, str)
        assert quote(key) in rows[lines[path] - 1]
