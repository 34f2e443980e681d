"""PEP 723 inline script metadata: the ``# /// script`` block's dependencies and uv's indexes."""

from __future__ import annotations

from pathlib import Path

import pytest

from phantom_guard.errors import SourceError
from phantom_guard.sources import inline_script

SCRIPT = """\
#!/usr/bin/env python3
# /// script
# requires-python = ">=3.11"
# dependencies = [
#   "requests<3",
#   'rich==13.7.1',
#   "pywin32 ; sys_platform == 'win32'",
#   "tool @ https://files.example.test/tool-1.0-py3-none-any.whl",
# ]
# ///
import requests
"""


def test_dependencies_with_lines_and_pins() -> None:
    parsed = inline_script.parse(Path("s.py"), SCRIPT)
    assert parsed is not None
    assert [(r.name, r.version, r.source and r.source.line) for r in parsed.refs] == [
        ("requests", None, 5),
        ("rich", "13.7.1", 6),
        ("pywin32", None, 7),
    ]
    [skipped] = parsed.skipped
    assert skipped.reason.startswith("direct URL reference: tool @")
    assert skipped.source is not None and skipped.source.line == 8
    assert parsed.index_options == ()


@pytest.mark.parametrize(
    "text",
    [
        "import sys\n",
        "# /// pyproject\n# [project]\n# name = 'x'\n# ///\n",  # another block type
        "# /// script\n# dependencies = ['x']\n",  # never closed
        "#/// script\n# dependencies = ['x']\n#///\n",
    ],
)
def test_no_script_block_is_none(text: str) -> None:
    assert inline_script.parse(Path("s.py"), text) is None


def test_an_empty_block_has_no_dependencies() -> None:
    # The reference regex of PEP 723 wants one line between the markers, even an empty one.
    parsed = inline_script.parse(Path("s.py"), "# /// script\n#\n# ///\n")
    assert parsed is not None
    assert parsed.refs == ()


@pytest.mark.parametrize(
    ("text", "message"),
    [
        ("# /// script\n# dependencies = [\n# ///\n", "not TOML"),
        ("# /// script\n# dependencies = 'x'\n# ///\n", "list of strings"),
        ("# /// script\n# dependencies = ['not a ! requirement']\n# ///\n", "invalid requirement"),
        ("# /// script\n#\n# ///\nx = 1\n# /// script\n#\n# ///\n", "more than one"),
    ],
)
def test_a_bad_block_is_an_error_naming_the_file(text: str, message: str) -> None:
    with pytest.raises(SourceError, match=message) as raised:
        inline_script.parse(Path("s.py"), text)
    assert "s.py" in str(raised.value)


def test_uv_index_settings_are_index_options() -> None:
    text = (
        "# /// script\n"
        "# dependencies = ['internal-lib']\n"
        "# [tool.uv]\n"
        "# extra-index-url = ['http://pypi.acme.internal/simple']\n"
        "# [[tool.uv.index]]\n"
        "# url = 'http://mirror.acme.internal/simple'\n"
        "# ///\n"
    )
    parsed = inline_script.parse(Path("s.py"), text)
    assert parsed is not None
    assert [(o.option, o.url) for o in parsed.index_options] == [
        ("extra-index-url", "http://pypi.acme.internal/simple"),
        ("index", "http://mirror.acme.internal/simple"),
    ]
