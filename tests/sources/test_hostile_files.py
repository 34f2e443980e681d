"""Hostile files, fed to every parser: each either parses or raises `InputError`, and none takes
the quadratic path (long blank runs used to cost seconds per line in three parsers; at the sizes
here the old code ran for minutes, so a regression shows as a test that does not finish).
"""

from __future__ import annotations

import re
from pathlib import Path

import pytest
from hypothesis import given
from hypothesis import strategies as st

from phantom_guard.errors import InputError
from phantom_guard.sources import FORMATS, ParseResult, parse_file
from phantom_guard.sources._comments import cut_comment

FILE_NAMES = sorted({fmt.patterns[0].replace("*", "") for fmt in FORMATS})
BLANKS = " " * 50_000
TABS = "\t" * 50_000

HOSTILE: dict[str, bytes] = {
    "deep JSON arrays": b"[" * 200_000 + b"]" * 200_000,
    "deep JSON objects": b'{"dependencies":' * 100_000 + b"1" + b"}" * 100_000,
    "deep TOML arrays": b"a = " + b"[" * 100_000 + b"]" * 100_000,
    "deep TOML tables": b"a = " + b"{b = " * 50_000 + b"1" + b"}" * 50_000,
    "deep YAML flow": b"a: " + b"[" * 100_000 + b"]" * 100_000,
    "deep YAML blocks": b"a:\n" + b"".join(b" " * i + b"b:\n" for i in range(1, 600)),
    "enormous line": b"x" * (2 * 1024 * 1024),
    "invalid UTF-8": b"\xff\xfe\xfa requests==1\n\xc3\x28\n",
    "NUL bytes": b"\x00" * 4096,
    "BOM and CRLF": b"\xef\xbb\xbfrequests==1.0\r\nflask\r\n",
    "blank run before text": f"{BLANKS}x\n".encode(),
    "blank runs around #": f"a{BLANKS}#{BLANKS}x\n".encode(),
    "tab runs around #": f"a{TABS}#{TABS}b\n".encode(),
    "blank run in a key": f"[dependencies]\na{BLANKS}b = '1'\n".encode(),
    "blank run in a setup.cfg option": f"[options]\na{BLANKS}b\n".encode(),
    "blank run in a yarn header": f"a{BLANKS},{BLANKS}b{BLANKS}c:\n".encode(),
    "blank run in a JSON key": ('{"dependencies": {"a' + BLANKS + '": "1"}}').encode(),
    "blank run in a TOML string": f'[project]\ndependencies = ["a{BLANKS}b"]\n'.encode(),
}


@pytest.mark.parametrize("body", HOSTILE.values(), ids=HOSTILE.keys())
@pytest.mark.parametrize("file_name", FILE_NAMES)
def test_hostile_file_parses_or_raises_input_error(
    tmp_path: Path, file_name: str, body: bytes
) -> None:
    path = tmp_path / file_name
    path.write_bytes(body)
    try:
        result = parse_file(path)
    except InputError as exc:
        assert str(exc)
        assert "\n" not in str(exc).strip()  # one line for the user
        return
    assert isinstance(result, ParseResult)


_PIP_COMMENT = re.compile(r"(^|\s+)#.*$")
_CONFIGPARSER_COMMENT = re.compile(r"\s+#.*$")
LINES = st.text(alphabet=st.sampled_from(" \t\u3000\x0cab#=;\\"), max_size=30)


@given(LINES)
def test_cut_comment_is_pips_comment_regex(line: str) -> None:
    assert cut_comment(line, at_start=True).strip() == _PIP_COMMENT.sub("", line).strip()


@given(LINES)
def test_cut_comment_is_configparsers_inline_comment_regex(line: str) -> None:
    assert cut_comment(line, at_start=False).strip() == _CONFIGPARSER_COMMENT.sub("", line).strip()
