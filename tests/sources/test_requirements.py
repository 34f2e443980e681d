"""pip requirements files: pip's join/comment/option rules, includes, and what is skipped."""

from __future__ import annotations

import random
from pathlib import Path

import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

from phantom_guard.errors import SourceError
from phantom_guard.model import Registry
from phantom_guard.sources import ParseResult, parse_file, read_text
from phantom_guard.sources.requirements import Skip, parse, pep508_name, pip_requirement_name
from tests.sources import parse_or_source_error
from tests.sources.toml_documents import SEEDS

FIXTURES = Path(__file__).parent.parent / "fixtures" / "sources" / "python" / "requirements"


def _parse(name: str) -> ParseResult:
    path = FIXTURES / name
    return parse(path, read_text(path))


def _rel(file: str) -> str:
    return Path(file).relative_to(FIXTURES).as_posix()


def _refs(result: ParseResult) -> list[tuple[str, str, int | None]]:
    return [(r.name, _rel(r.source.file), r.source.line) for r in result.refs if r.source]


def _skipped(result: ParseResult) -> list[tuple[str, int | None, str]]:
    return [(_rel(s.source.file), s.source.line, s.reason) for s in result.skipped if s.source]


def test_main_file_with_includes_and_constraints() -> None:
    result = _parse("requirements.txt")
    assert _refs(result) == [
        # -r sub/requirements-base.txt (line 8), which includes ../requirements-common.txt.
        ("certifi", "requirements-common.txt", 1),
        ("urllib3", "requirements-common.txt", 2),
        ("attrs", "sub/requirements-base.txt", 3),
        ("typing_extensions", "sub/requirements-base.txt", 4),
        # --constraint constraints.txt (line 9): constraints name packages too.
        ("Django", "constraints.txt", 2),
        ("celery", "constraints.txt", 3),
        ("urllib3", "constraints.txt", 4),
        ("Django", "requirements.txt", 11),
        ("djangorestframework", "requirements.txt", 12),
        ("celery", "requirements.txt", 13),
        ("psycopg2-binary", "requirements.txt", 14),
        ("pywin32", "requirements.txt", 15),
        ("python-dateutil", "requirements.txt", 16),
        ("requests", "requirements.txt", 17),
        ("gunicorn", "requirements.txt", 18),
        ("uvicorn", "requirements.txt", 19),
        ("Pillow", "requirements.txt", 20),
    ]
    assert result.skipped == ()
    assert [_rel(f) for f in result.includes] == [
        "sub/requirements-base.txt",
        "requirements-common.txt",
        "constraints.txt",
    ]
    assert {r.registry for r in result.refs} == {Registry.PYPI}


def test_parse_file_picks_this_parser() -> None:
    assert _refs(parse_file(FIXTURES / "requirements-common.txt")) == [
        ("certifi", "requirements-common.txt", 1),
        ("urllib3", "requirements-common.txt", 2),
    ]


def test_hashes_on_continuation_lines_report_the_first_line() -> None:
    result = _parse("requirements-hashes.txt")
    assert _refs(result) == [
        ("certifi", "requirements-hashes.txt", 9),
        # Its continuation ends at a comment line, as pip's join_lines does.
        ("charset-normalizer", "requirements-hashes.txt", 13),
        ("idna", "requirements-hashes.txt", 16),
        ("requests", "requirements-hashes.txt", 19),
        ("urllib3", "requirements-hashes.txt", 21),
    ]
    assert result.skipped == ()


def test_entries_that_name_no_registry_package_are_skipped() -> None:
    result = _parse("requirements-nonregistry.txt")
    assert _refs(result) == [("real-package", "requirements-nonregistry.txt", 16)]
    file = "requirements-nonregistry.txt"
    assert _skipped(result) == [
        (file, 2, "editable install: ."),
        (
            file,
            3,
            "editable install: git+https://git.example.org/acme/tools.git@v1.2#egg=acme-tools",
        ),
        (file, 4, "editable install: ../shared-lib"),
        (file, 5, "local path: ./vendor/localpkg"),
        (file, 6, "local path: ../sibling"),
        (file, 7, "local path: /opt/wheels/prebuilt-1.0-py3-none-any.whl"),
        (file, 8, "local path: file:///opt/src/thing"),
        (file, 9, "direct URL: https://downloads.example.org/archive/foo-1.0.tar.gz"),
        (
            file,
            10,
            "VCS reference: git+ssh://git@git.example.org/acme/private.git@main#egg=private",
        ),
        (file, 11, "VCS reference: hg+https://hg.example.org/repo#egg=hgpkg"),
        (
            file,
            12,
            "direct URL reference: mypkg @ https://downloads.example.org/mypkg-2.0-py3-none-any.whl",
        ),
        (
            file,
            13,
            "direct URL reference: other @ git+https://git.example.org/other.git@${OTHER_REF}",
        ),
        (file, 14, "direct URL: https://${TOKEN}@private.example.org/secret-1.0.tar.gz"),
        (file, 15, "local path: dist/built-0.1.tar.gz"),
    ]


def test_include_cycle_is_reported_once_and_not_followed() -> None:
    result = _parse("cycle/requirements-a.txt")
    assert _refs(result) == [
        ("beta-package", "cycle/requirements-b.txt", 1),
        ("alpha-package", "cycle/requirements-a.txt", 3),
    ]
    a, b = (str(FIXTURES / "cycle" / f"requirements-{x}.txt") for x in "ab")
    assert _skipped(result) == [
        ("cycle/requirements-b.txt", 2, f"include cycle: {a} -> {b} -> {a}"),
    ]
    assert [_rel(f) for f in result.includes] == ["cycle/requirements-b.txt"]


def test_crlf_line_endings() -> None:
    assert b"\r\n" in (FIXTURES / "requirements-crlf.txt").read_bytes()
    assert _refs(_parse("requirements-crlf.txt")) == [
        ("flask", "requirements-crlf.txt", 1),
        ("click", "requirements-crlf.txt", 3),
        ("itsdangerous", "requirements-crlf.txt", 6),
    ]


def test_byte_order_mark() -> None:
    path = FIXTURES / "requirements-bom.txt"
    expected = [("numpy", "requirements-bom.txt", 1), ("scipy", "requirements-bom.txt", 2)]
    assert _refs(_parse("requirements-bom.txt")) == expected
    # Also when the caller decoded the file without dropping the BOM.
    assert _refs(parse(path, path.read_bytes().decode("utf-8"))) == expected


def test_missing_include_names_the_including_file_and_line() -> None:
    with pytest.raises(SourceError) as caught:
        _parse("requirements-missing-include.txt")
    assert _rel(caught.value.file) == "requirements-missing-include.txt"
    assert caught.value.line == 3
    assert "included file not found" in caught.value.reason
    assert "requirements-gone.txt" in caught.value.reason


def test_invalid_requirement_names_its_line() -> None:
    with pytest.raises(SourceError) as caught:
        _parse("requirements-invalid.txt")
    assert caught.value.line == 2
    assert caught.value.reason.startswith("invalid requirement 'flask ==': ")
    assert "\n" not in caught.value.reason


@pytest.mark.parametrize(
    ("text", "expected"),
    [
        ("requests", ["requests"]),
        ("requests  # comment", ["requests"]),
        ("requests#egg", None),  # no whitespace before "#": not a comment, not a requirement
        ("# requests", []),
        ("  # indented comment", []),
        ("foo \\\n  >=1.0", ["foo"]),
        ("foo \\", ["foo"]),  # a trailing backslash at the end of the file
        ("foo # comment \\\nbar", ["foo"]),  # pip: the comment swallows the joined line
        ("Foo.Bar_baz[x,y]>=1;python_version>'3'", ["Foo.Bar_baz"]),
        ("foo --hash sha256:00 --hash=sha256:11", ["foo"]),
        ("foo --global-option=--quiet --config-settings=a=b -C b=c", ["foo"]),
        ("foo -r other.txt", ["foo"]),  # pip: a requirement line's -r is not followed
        ("-i https://mirror.example.org/simple\n-f ./wheels\n--no-index", []),
        ("--extra-index=https://mirror.example.org/simple", []),  # unambiguous prefix
        ("--require-hashes\n--use-feature=truststore\n--trusted-host=h", []),
        ("--pre stray-argument", []),  # pip ignores arguments after an option
        ("\n\n   \n\t\n", []),
    ],
)
def test_pip_line_rules(tmp_path: Path, text: str, expected: list[str] | None) -> None:
    path = tmp_path / "requirements.txt"
    if expected is None:
        with pytest.raises(SourceError):
            parse(path, text)
        return
    assert [r.name for r in parse(path, text).refs] == expected


@pytest.mark.parametrize(
    ("text", "reason"),
    [
        ("--no-such-option", "no such option: --no-such-option"),
        ("-x", "no such option: -x"),
        ("--e", "no such option: --e"),  # ambiguous: --editable, --extra-index-url
        ("-r", "option --requirement requires an argument"),
        ("--hash", "option --hash requires an argument"),
        ("-r 'unclosed", "cannot split options: No closing quotation"),
        ("${PACKAGE}==1.0 extra words", None),
    ],
)
def test_bad_options(tmp_path: Path, text: str, reason: str | None) -> None:
    if reason is None:
        # An unexpanded variable where a name should be is skipped, not an error.
        result = parse(tmp_path / "requirements.txt", text)
        assert [s.reason for s in result.skipped] == [f"unexpanded environment variable: {text}"]
        return
    with pytest.raises(SourceError) as caught:
        parse(tmp_path / "requirements.txt", "requests\n" + text)
    assert (caught.value.line, caught.value.reason) == (2, reason)


def test_include_forms(tmp_path: Path) -> None:
    (tmp_path / "sub").mkdir()
    (tmp_path / "sub" / "one.txt").write_text("one\n")
    (tmp_path / "two.txt").write_text("two\n")
    (tmp_path / "three.txt").write_text("three\n")
    (tmp_path / "four.txt").write_text("four\n")
    text = (
        "-rsub/one.txt\n"
        "--requirement=two.txt\n"
        f"-c {(tmp_path / 'three.txt').as_posix()}\n"
        f"--constraint {(tmp_path / 'four.txt').as_uri()}\n"
        "-r https://config.example.org/requirements.txt\n"
        "-r ${CONFIG_DIR}/requirements.txt\n"
    )
    result = parse(tmp_path / "requirements.txt", text)
    assert [(r.name, Path(r.source.file).name, r.source.line) for r in result.refs if r.source] == [
        ("one", "one.txt", 1),
        ("two", "two.txt", 1),
        ("three", "three.txt", 1),
        ("four", "four.txt", 1),
    ]
    assert [(s.source.line if s.source else None, s.reason) for s in result.skipped] == [
        (5, "include of a URL is not fetched: https://config.example.org/requirements.txt"),
        (6, "include path has an environment variable: ${CONFIG_DIR}/requirements.txt"),
    ]
    assert len(result.includes) == 4


def test_diamond_includes_are_parsed_once(tmp_path: Path) -> None:
    # Each level includes the next one twice: 2**30 paths, one visit per file.
    for level in range(30):
        (tmp_path / f"r{level}.txt").write_text(
            f"pkg{level}\n-r r{level + 1}.txt\n-r ./r{level + 1}.txt\n"
        )
    (tmp_path / "r30.txt").write_text("last\n")
    result = parse(tmp_path / "r0.txt", (tmp_path / "r0.txt").read_text())
    # In reading order: each file's own line 1 comes before the files it includes.
    assert [r.name for r in result.refs] == [*(f"pkg{i}" for i in range(30)), "last"]
    assert result.skipped == ()
    assert len(result.includes) == 30


def test_self_include_and_too_deep_chains(tmp_path: Path) -> None:
    path = tmp_path / "requirements.txt"
    result = parse(path, "-r requirements.txt\n")
    assert [s.reason for s in result.skipped] == [f"include cycle: {path} -> {path}"]
    for level in range(100):
        (tmp_path / f"d{level}.txt").write_text(f"-r d{level + 1}.txt\n")
    with pytest.raises(SourceError, match="nested more than"):
        parse(tmp_path / "d0.txt", "-r d1.txt\n")


def test_cycle_through_a_symlinked_folder(tmp_path: Path) -> None:
    (tmp_path / "sub").symlink_to(tmp_path, target_is_directory=True)
    path = tmp_path / "requirements.txt"
    path.write_text("-r sub/requirements.txt\nflask\n")
    result = parse(path, path.read_text())
    assert [r.name for r in result.refs] == ["flask"]
    assert [s.reason for s in result.skipped] == [
        f"include cycle: {path} -> {tmp_path / 'sub' / 'requirements.txt'}"
    ]


def test_include_path_with_a_nul_character(tmp_path: Path) -> None:
    with pytest.raises(SourceError, match="NUL character"):
        parse(tmp_path / "requirements.txt", "-r 'a\x00b'\n")


def test_include_of_a_directory_or_device(tmp_path: Path) -> None:
    (tmp_path / "folder").mkdir()
    with pytest.raises(SourceError, match="not a regular file"):
        parse(tmp_path / "requirements.txt", "-r folder\n")
    if Path("/dev/zero").exists():
        with pytest.raises(SourceError, match="not a regular file"):
            parse(tmp_path / "requirements.txt", "-r /dev/zero\n")


def test_errors_in_included_files_name_the_included_file(tmp_path: Path) -> None:
    (tmp_path / "bad.txt").write_text("ok\n\nnot valid !!\n")
    with pytest.raises(SourceError) as caught:
        parse(tmp_path / "requirements.txt", "-r bad.txt\n")
    assert (Path(caught.value.file).name, caught.value.line) == ("bad.txt", 3)
    (tmp_path / "latin1.txt").write_bytes(b"caf\xe9\n")
    with pytest.raises(SourceError, match="not valid UTF-8"):
        parse(tmp_path / "requirements.txt", "-r latin1.txt\n")


@pytest.mark.parametrize(
    ("text", "expected"),
    [
        ("requests", "requests"),
        ("requests[security] >= 2.8.1, == 2.8.* ; python_version < '2.7'", "requests"),
        (
            "name @ https://downloads.example.org/n.whl",
            Skip("direct URL reference: name @ https://downloads.example.org/n.whl"),
        ),
        (
            "pip @ file:///localbuilds/pip-1.3.1.zip",
            Skip("direct URL reference: pip @ file:///localbuilds/pip-1.3.1.zip"),
        ),
    ],
)
def test_pep508_name(text: str, expected: str | Skip) -> None:
    assert pep508_name(text) == expected


@pytest.mark.parametrize("text", ["", "./x", "a b", "==1", "a[", "a;", "-e ."])
def test_pep508_name_rejects(text: str) -> None:
    with pytest.raises(ValueError, match="invalid requirement"):
        pep508_name(text)


@pytest.mark.parametrize(
    ("text", "reason"),
    [
        (".", "local path: ."),
        ("~/src/pkg", "local path: ~/src/pkg"),
        ("C:\\src\\pkg", "local path: C:\\src\\pkg"),
        ("pkg-1.0-py3-none-any.whl", "local path: pkg-1.0-py3-none-any.whl"),
        ("pkg.zip[extra]", "local path: pkg.zip[extra]"),
        ("svn+https://svn.example.org/repo", "VCS reference: svn+https://svn.example.org/repo"),
        ("Git+https://g.example.org/x", "VCS reference: Git+https://g.example.org/x"),
        ("file:../x", "local path: file:../x"),
    ],
)
def test_pip_requirement_name_skips(text: str, reason: str) -> None:
    assert pip_requirement_name(text) == Skip(reason)


# In a folder that does not exist, so no generated "-r name" can reach a real file.
_SCRATCH = FIXTURES / "no-such-folder" / "requirements.txt"

_PIECES = [
    "requests",
    "Foo.Bar",
    ">=1.0",
    "==",
    "[extra]",
    "; python_version < '3.12'",
    " @ https://h.example.org/x.whl",
    " ",
    "\t",
    "#",
    " # c",
    "\\",
    "\n",
    "\r\n",
    "\r",
    "-e ",
    "-r ",
    "-c ",
    "--hash=sha256:00",
    "--index-url ",
    "-i",
    "--",
    "-",
    "'",
    '"',
    "${VAR}",
    "./local",
    "git+https://g.example.org/r.git",
    "file:",
    "missing.txt",
    "\ufeff",
    "\x00",
]


@settings(max_examples=300, deadline=None)
@given(st.text())
def test_arbitrary_text_parses_or_raises_source_error(text: str) -> None:
    parse_or_source_error(parse, _SCRATCH, text)


@settings(max_examples=300, deadline=None)
@given(SEEDS)
def test_requirement_shaped_text_parses_or_raises_source_error(seed: int) -> None:
    rng = random.Random(seed)
    text = "".join(rng.choice(_PIECES) for _ in range(rng.randrange(30)))
    try:
        result = parse(_SCRATCH, text)
    except SourceError as exc:
        assert exc.file == str(_SCRATCH)
        return
    for ref in result.refs:
        assert ref.name and ref.source is not None and ref.source.line is not None
        assert 1 <= ref.source.line <= text.count("\n") + text.count("\r") + 1
