"""The click-free start-up path (`cli.entry`): the same bytes as click, fewer imports.

Every case runs twice in fresh processes: ``python -m phantom_guard`` (the entry's table of
hand-parsed commands) and the click application called directly. stdout, stderr and the exit
code must be identical, for every output format.
"""

from __future__ import annotations

import json
import os
import subprocess
import sys
from pathlib import Path

import pytest

from phantom_guard.cli import entry
from tests.fakeregistry import FakeRegistry

FORMATS = ["text", "json", "sarif", "markdown"]
CACHED = "cached-by-an-earlier-run"
_CLICK = (
    "import sys; from phantom_guard.cli import main; "
    "main(sys.argv[1:], prog_name='python -m phantom_guard')"
)
_WATCH = (
    "click",
    "asyncio",
    "aiohttp",
    "rich",
    "packaging",
    "orjson",
    "sqlite3",
    "_sqlite3",
    "rapidfuzz",
    # Standard-library modules that cost start-up: records stand in for dataclasses, the
    # logger is made on the first record, user dirs are worked out by hand, and the config
    # table comes from the memo the warm-up run wrote. Paths are strings and JSON is read and
    # written by json's C halves (`jsontext`), so neither pathlib nor json, nor the `re` both
    # import (with urllib, fnmatch), is loaded; signal handlers are set through `_signal`.
    "dataclasses",
    "datetime",  # its pure-Python module: `stand_ins` takes the classes from `_datetime`
    "logging",
    "platformdirs",
    "tomllib",
    "typing",
    "pathlib",
    "json",
    "re",
    "urllib",
    "fnmatch",
    "signal",
    "contextlib",
    # `check FILE` reads the package managers' configuration: pip.conf's values come from the
    # memo, so configparser is not loaded; index URLs are split without urllib (ipaddress).
    "configparser",
    "ipaddress",
    # Without a feed file, a run neither opens nor imports the feed's view of it.
    "phantom_guard.feed.run",
)
# Run the entry point, then name which of the watched packages were imported.
_ENTRY_REPORTING_IMPORTS = f"""
import os, sys
from phantom_guard.cli import entry
real_exit = os._exit
def report(code):
    watched = {_WATCH!r}
    loaded = sorted(w for w in watched if any(m == w or m.startswith(w + ".") for m in sys.modules))
    sys.stderr.write("LOADED " + " ".join(loaded) + "\\n")
    sys.stderr.flush()
    real_exit(code)
os._exit = report
entry.main(sys.argv[1:])
"""


def _process(code: list[str], args: list[str]) -> subprocess.CompletedProcess[bytes]:
    return subprocess.run(
        [sys.executable, *code, *args],
        capture_output=True,
        timeout=60,
        env=dict(os.environ),
        check=False,
    )


def fast(*args: str) -> subprocess.CompletedProcess[bytes]:
    return _process(["-m", "phantom_guard"], list(args))


def clicked(*args: str) -> subprocess.CompletedProcess[bytes]:
    return _process(["-c", _CLICK], list(args))


def loaded(*args: str) -> tuple[subprocess.CompletedProcess[bytes], set[str]]:
    done = _process(["-c", _ENTRY_REPORTING_IMPORTS], list(args))
    lines = [line for line in done.stderr.decode().splitlines() if line.startswith("LOADED")]
    assert len(lines) == 1, done.stderr
    return done, set(lines[0].split()[1:])


def assert_same(*args: str) -> subprocess.CompletedProcess[bytes]:
    ours, theirs = fast(*args), clicked(*args)
    assert (ours.returncode, ours.stdout, ours.stderr) == (
        theirs.returncode,
        theirs.stdout,
        theirs.stderr,
    ), args
    return ours


@pytest.fixture
def warm(project_env: FakeRegistry, monkeypatch: pytest.MonkeyPatch) -> FakeRegistry:
    """A project with an allow list and one name already in the cache."""
    monkeypatch.delenv("NO_COLOR", raising=False)
    Path(".phantom-guard.toml").write_text('allow = ["our-internal-tool"]\n', encoding="utf-8")
    done = fast("validate", "-o", "json", CACHED)
    assert done.returncode == 1, done.stderr  # not on the fake registry: NOT_FOUND, now cached
    project_env.reset_log()
    return project_env


@pytest.mark.parametrize("fmt", FORMATS)
def test_validate_is_byte_identical_to_click(warm: FakeRegistry, fmt: str) -> None:
    for args in (
        ["Flask", "requests", "pkg:npm/%40types/node", "pkg:cargo/serde_json"],
        ["our-internal-tool", CACHED, "--fail-on", "suspicious", "-v"],
        ["--output", fmt, "-r", "npm", "left-pad", "--verbose"],
    ):
        done = assert_same("validate", "-o", fmt, *args)
        assert done.stdout
    assert warm.requests == []


@pytest.mark.parametrize("fmt", FORMATS)
def test_check_is_byte_identical_to_click(warm: FakeRegistry, fmt: str) -> None:
    Path("requirements.txt").write_text(
        f"flask==3.0.0\nrequests>=2\n{CACHED}\n-e ./local\nour-internal-tool\n", encoding="utf-8"
    )
    Path("package.json").write_text(
        json.dumps({"dependencies": {"left-pad": "^1.3.0", "express": "4"}}), encoding="utf-8"
    )
    assert_same("check", "-o", fmt)
    assert_same(
        "check", "requirements.txt", "package.json", "--output", fmt, "-v", "--ignore", "flask"
    )
    assert_same("check", "-o", fmt, "no-such-file.txt", "package.json")
    assert warm.requests == []


def test_errors_and_versions_are_byte_identical(warm: FakeRegistry) -> None:
    assert assert_same("--version").returncode == 0
    assert assert_same("validate", "not a name").returncode == 2
    assert assert_same("validate", "-r", "nosuch", "flask").returncode == 2  # click's usage error
    assert assert_same("validate", "--concurrency", "0", "flask").returncode == 2
    assert assert_same("validate").returncode == 2
    assert assert_same("validate", "--help").returncode == 0
    assert assert_same("check", "--fail-fast", "--since").returncode == 2


def test_popular_and_allowed_names_import_nothing_heavy(warm: FakeRegistry) -> None:
    done, imported = loaded("validate", "-o", "json", "flask", "our-internal-tool")
    assert done.returncode == 0, done.stderr
    assert imported == set()
    done, imported = loaded("--version")
    assert done.stdout.startswith(b"phantom-guard ")
    assert imported == set()


def test_cached_names_add_only_sqlite3s_c_module(warm: FakeRegistry) -> None:
    done, imported = loaded("validate", "-o", "json", CACHED, "flask")
    assert done.returncode == 1, done.stderr
    assert json.loads(done.stdout)["results"][0]["cached"] is True
    assert imported == {"_sqlite3"}


def test_checking_a_named_lock_file_imports_no_path_url_or_config_parsers(
    warm: FakeRegistry,
) -> None:
    """``check package-lock.json`` (a hook's, a CI step's) on a warm cache, on a machine with a
    pip.conf and a user .npmrc: paths stay strings, plain index URLs are split by hand, the
    lock's lines and the .npmrc's are read without `re`, and pip.conf's values come from the
    memo the first run wrote.
    """
    home = Path(os.environ["HOME"])
    conf = Path(os.environ["XDG_CONFIG_DIRS"], "pip", "pip.conf")
    conf.parent.mkdir(parents=True)
    conf.write_text(
        "[global]\nextra-index-url = https://pypi.example.test/simple file:///opt/wheels\n",
        encoding="utf-8",
    )
    (home / ".pip").mkdir()
    (home / ".pip" / "pip.conf").write_text("[install]\nno-index = off\n", encoding="utf-8")
    # A user .npmrc, as most machines with npm have: its lines are read without `re`.
    (home / ".npmrc").write_text(
        "fund=false\n; a comment\n@acme:registry = https://npm.acme.internal/\n",
        encoding="utf-8",
    )
    npm = os.environ["PHANTOM_GUARD_NPM_URL"].rstrip("/")
    packages = {"": {"name": "web", "version": "1.0.0"}}
    for name in ("left-pad", "express", "react", CACHED):
        packages[f"node_modules/{name}"] = {
            "version": "1.0.0",
            "resolved": f"{npm}/{name}/-/{name}-1.0.0.tgz",
        }
    lock = Path("web", "package-lock.json")
    lock.parent.mkdir()
    document = {"name": "web", "lockfileVersion": 3, "packages": packages}
    lock.write_text(json.dumps(document, indent=2), encoding="utf-8")
    first = fast("check", "-o", "json", str(lock))  # parses pip.conf, remembers it
    assert first.returncode == 1, first.stderr  # CACHED is NOT_FOUND
    warm.reset_log()
    for fmt in FORMATS:
        # The path as pathlib spells it (click passes a Path), in every format.
        plain = assert_same("check", "-o", fmt, "./web//package-lock.json")
        assert plain.stdout == fast("check", "-o", fmt, str(lock)).stdout
        done, imported = loaded("check", "-o", fmt, "./web//package-lock.json")
        assert (done.returncode, done.stdout) == (plain.returncode, plain.stdout)
        assert done.stderr.decode().startswith("LOADED ")
        if fmt == "sarif":  # its artifact URIs are built with pathlib and urllib.parse
            assert "configparser" not in imported
        else:  # report/markdown.py escapes with `re`
            assert imported == ({"_sqlite3", "re"} if fmt == "markdown" else {"_sqlite3"})
    assert json.loads(first.stdout)["results"][-1]["name"] == CACHED
    assert warm.requests == []


def test_an_unknown_option_falls_through_to_click() -> None:
    assert entry.FAST["validate"](["--no-such-option", "flask"]) is None
    assert entry.FAST["validate"](["-rnpm", "left-pad"]) is None  # bundled: click's to parse
    assert entry.FAST["check"](["--", "-weird-file"]) is None
    assert entry.FAST["--version"](["extra"]) is None


@pytest.mark.parametrize("command", ["validate", "check"])
def test_help_states_the_default_concurrency(command: str) -> None:
    from click.testing import CliRunner

    from phantom_guard.cli import main
    from phantom_guard.settings import DEFAULT_CONCURRENCY

    result = CliRunner().invoke(main, [command, "--help"])
    assert result.exit_code == 0
    assert f"(default: {DEFAULT_CONCURRENCY})" in " ".join(result.stdout.split())


def test_the_install_guard_words_are_rows_of_the_table() -> None:
    from phantom_guard.commands import MANAGERS

    assert set(entry.GUARD_WORDS) == {*MANAGERS, "guard"}
    assert set(entry.GUARD_WORDS) <= set(entry.FAST)
