"""The npm spec tests written without `re` agree with the regular expressions they stand for."""

from __future__ import annotations

import re

from hypothesis import given, settings
from hypothesis import strategies as st

from phantom_guard.commands.npm import _scope_registry, _tarball
from phantom_guard.npm_specs import _local_path, spec_target

# npm-package-arg's patterns, as the modules wrote them before they were written without `re`.
LOCAL_PATH = re.compile(r"^(?:\.\.?(?:[/\\]|$)|[/\\]|~[/\\]|[a-zA-Z]:[/\\])")
SCOPE_REGISTRY = re.compile(r"^--@[^=\s]+:registry$")
TARBALL = re.compile(r"\.(?:tgz|tar|tar\.gz)$", re.IGNORECASE)

_PIECES = [".", "..", "/", "\\", "~", "C:", "z:", "é:", "a", "@", "-", "=", " ", "\u00a0", "\n"]
_PIECES += ["--@", ":registry", "scope", ".tgz", ".TAR", ".tar.gz", ".Tar.Gz", "x", "1"]
_TEXT = st.lists(st.sampled_from(_PIECES), max_size=6).map("".join) | st.text(max_size=12)


@settings(max_examples=1000, database=None, deadline=None)
@given(_TEXT)
def test_local_path_agrees_with_its_regex(text: str) -> None:
    spec = text.strip()  # spec_target strips every spec before this test
    assert _local_path(spec) is (LOCAL_PATH.match(spec) is not None)


@settings(max_examples=1000, database=None, deadline=None)
@given(_TEXT)
def test_scope_registry_option_agrees_with_its_regex(text: str) -> None:
    assert _scope_registry(text) is (SCOPE_REGISTRY.match(text) is not None)


@settings(max_examples=1000, database=None, deadline=None)
@given(_TEXT)
def test_tarball_agrees_with_its_regex(text: str) -> None:
    assert _tarball(text) is (TARBALL.search(text) is not None)


def test_a_plain_name_is_told_without_re() -> None:
    import subprocess
    import sys

    probe = (
        "import sys; from phantom_guard.npm_specs import spec_target; "
        "assert spec_target('express', 'express') == ('express', None); "
        "assert spec_target('x', '^4.18.0') == ('x', None); "
        "print('re' in sys.modules)"
    )
    done = subprocess.run([sys.executable, "-c", probe], capture_output=True, text=True, check=True)
    assert done.stdout.strip() == "False"
    assert spec_target("x", "user/repo") == (None, "git dependency")
    assert spec_target("x", "npm:^1.2") == ("x", None)
