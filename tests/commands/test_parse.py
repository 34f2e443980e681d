"""parse_command: typed plans or CommandError for any argv; requirement files; private indexes."""

from __future__ import annotations

from pathlib import Path

import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

from phantom_guard.commands import MANAGERS, PROGRAMS, CommandError, CommandPlan, parse_command
from phantom_guard.commands import pip as pip_grammar
from phantom_guard.commands._words import INSTALLING, installs_nothing
from phantom_guard.errors import InputError
from phantom_guard.model import PackageRef, Registry, Skipped, Source

_WORDS = st.sampled_from(
    [
        "install",
        "i",
        "add",
        "ci",
        "exec",
        "dlx",
        "tool",
        "run",
        "pip",
        "sync",
        "-r",
        "-c",
        "-e",
        "-i",
        "-p",
        "--package",
        "--from",
        "--with",
        "--registry",
        "--",
        "-U",
        "-qr",
        "--index-url",
        "--no-index",
        "x@npm:y@1",
        "@s/n",
        "./p",
        "git+https://h.test/r",
        "a==1",
        "a @ https://h.test/a.whl",
        "workspace:*",
        "--@s:registry",
        "create",
        "init",
        "global",
        "workspace",
        "+nightly",
        "--git",
        "--path",
        "-m",
        "--version",
        "flask",
    ]
)
_ARGS = st.lists(st.one_of(_WORDS, st.text(max_size=12)), max_size=10)


@settings(max_examples=300, deadline=None)
@given(program=st.sampled_from(PROGRAMS), args=_ARGS)
def test_any_argv_gives_a_typed_plan_or_a_command_error(program: str, args: list[str]) -> None:
    try:
        plan = parse_command([program, *args], read_files=False)
    except CommandError as exc:
        assert str(exc)
        return
    assert isinstance(plan, CommandPlan)
    assert all(isinstance(ref, PackageRef) and isinstance(ref.name, str) for ref in plan.refs)
    assert all(isinstance(skip, Skipped) for skip in plan.skipped)
    if not plan.installs:
        assert not plan.refs


def test_managers_are_the_guard_words() -> None:
    assert MANAGERS == ("pip", "pip3", "uv", "uvx", "npm", "npx", "pnpm", "pnpx", "yarn", "cargo")
    assert set(MANAGERS) <= set(PROGRAMS)


def test_command_error_is_an_input_error() -> None:
    with pytest.raises(InputError):
        parse_command(["pip", "install", "-r"])


@pytest.mark.parametrize(
    "argv",
    [
        [],
        ["ls", "-l"],
        ["pip", "install", "-r"],
        ["npm", "install", "--registry"],
        ["pip", "install", "not a requirement!"],
        ["pip", "install", "x\x00y"],
    ],
)
def test_unreadable_command_lines_are_command_errors(argv: list[str]) -> None:
    with pytest.raises(CommandError):
        parse_command(argv, read_files=False)


def test_program_paths_and_suffixes_are_recognized() -> None:
    assert parse_command(["/usr/local/bin/pip3.12", "install", "x"]).manager == "pip"
    assert parse_command(["C:\\Python\\Scripts\\pip.exe", "install", "x"]).refs[0].name == "x"
    assert parse_command(["npm.cmd", "i", "x"]).registry is Registry.NPM


def test_an_unknown_option_is_a_flag_so_its_value_is_checked_as_a_name() -> None:
    plan = parse_command(["pip", "install", "--frobnicate", "value", "flask"])
    assert [ref.name for ref in plan.refs] == ["value", "flask"]


def test_pip_long_options_may_be_abbreviated() -> None:
    plan = parse_command(["pip", "install", "--extra-index", "https://p.example.test/", "x"])
    assert plan.refs == ()
    assert plan.private_index == "--extra-index-url https://p.example.test/"


def test_index_credentials_never_reach_the_reasons() -> None:
    plan = parse_command(
        ["pip", "install", "-i", "https://user:s3cret@pypi.acme.internal/simple", "lib"]
    )
    assert plan.skipped == (
        Skipped(
            "lib",
            "private index given on the command line "
            "(--index-url https://pypi.acme.internal/simple): lib",
        ),
    )


def test_requirement_files_are_read_relative_to_cwd(tmp_path: Path) -> None:
    (tmp_path / "requirements.txt").write_text("flask==2.0\n-r more.txt\n-e ./local\n")
    (tmp_path / "more.txt").write_text("requests\n")
    plan = parse_command(["pip", "install", "-r", "requirements.txt", "rich"], cwd=str(tmp_path))
    assert [ref.name for ref in plan.refs] == ["flask", "requests", "rich"]
    assert plan.refs[0].source == Source(str(tmp_path / "requirements.txt"), 1, "2.0")
    assert plan.requirement_files == ("requirements.txt",)
    assert [s.reason for s in plan.skipped] == ["editable install: ./local"]


def test_requirement_file_names_are_private_when_an_index_is_given(tmp_path: Path) -> None:
    (tmp_path / "r.txt").write_text("internal-lib\n")
    plan = parse_command(
        ["pip", "install", "-r", "r.txt", "--index-url", "https://pypi.acme.internal/simple"],
        cwd=str(tmp_path),
    )
    assert plan.refs == ()
    assert [s.spec for s in plan.skipped] == ["internal-lib"]


def test_a_missing_requirement_file_is_a_command_error(tmp_path: Path) -> None:
    with pytest.raises(CommandError, match=r"absent\.txt"):
        parse_command(["pip", "install", "-r", "absent.txt"], cwd=str(tmp_path))


def test_uv_pip_sync_reads_its_files(tmp_path: Path) -> None:
    (tmp_path / "requirements.txt").write_text("httpx\n")
    plan = parse_command(["uv", "pip", "sync", "requirements.txt"], cwd=str(tmp_path))
    assert [ref.name for ref in plan.refs] == ["httpx"]


def test_project_installs_name_their_files() -> None:
    plan = parse_command(["npm", "ci", "--prefix", "web"])
    assert plan.project_install
    assert plan.project_dir == "web"
    assert "package-lock.json" in plan.project_files
    assert parse_command(["cargo", "build", "--manifest-path", "a/Cargo.toml"]).project_dir == "a"


@settings(max_examples=300, deadline=None)
@given(spec=st.from_regex(pip_grammar._SIMPLE, fullmatch=True))
def test_the_fast_reading_of_simple_pip_specs_agrees_with_pep_508(spec: str) -> None:
    from phantom_guard.sources.requirements import pip_requirement_name

    try:
        expected = pip_requirement_name(spec)
    except ValueError:
        return  # pip refuses it too: checking the name costs nothing
    plan = parse_command(["pip", "install", spec], read_files=False)
    if isinstance(expected, str):
        assert [ref.name for ref in plan.refs] == [expected]
    else:
        assert [s.spec for s in plan.skipped] == [spec]


_FIRST_WORDS = sorted(
    {word for words in INSTALLING.values() for word in words}
    | {"test", "run", "list", "freeze", "show", "build", "fmt", "lock", "init", "remove", "exec"}
)


@settings(max_examples=300, deadline=None)
@given(
    manager=st.sampled_from(sorted(INSTALLING)),
    word=st.one_of(st.sampled_from(_FIRST_WORDS), st.text(max_size=8)),
    rest=st.lists(st.sampled_from(["x", "-D", "--", "./p", "a@1"]), max_size=3),
)
def test_the_quick_test_never_passes_an_install(manager: str, word: str, rest: list[str]) -> None:
    if not installs_nothing(manager, [word, *rest]):
        return
    try:
        plan = parse_command([manager, word, *rest], read_files=False)
    except CommandError:
        return
    assert not plan.installs


def test_the_guard_answers_to_the_managers_of_the_grammar() -> None:
    from phantom_guard import guard

    assert guard.MANAGERS == MANAGERS


def test_a_plan_that_names_packages_is_checked_even_without_a_command() -> None:
    """``uvx --with x`` with no command installs nothing itself, but a named package is never
    passed unchecked (found by the property test above)."""
    plan = parse_command(["uvx", "--with", "install"], read_files=False)
    assert plan.installs
    assert [ref.name for ref in plan.refs] == ["install"]


_SCRIPT = "# /// script\n# dependencies = ['requests<3', 'rich==13.7.1']\n# ///\nprint(1)\n"


@pytest.mark.parametrize(
    "argv",
    [
        ["uv", "run", "tool.py"],
        ["uv", "run", "--script", "tool.py", "--flag"],
        ["uv", "run", "-s", "tool.py"],
        ["uv", "--offline", "run", "tool.py"],
    ],
)
def test_uv_run_reads_a_scripts_inline_dependencies(tmp_path: Path, argv: list[str]) -> None:
    (tmp_path / "tool.py").write_text(_SCRIPT)
    plan = parse_command(argv, cwd=str(tmp_path))
    assert [(r.name, r.version) for r in plan.refs] == [("requests", None), ("rich", "13.7.1")]
    assert {r.source.line for r in plan.refs if r.source} == {2}
    # With inline metadata uv runs the script in an environment of its own.
    assert not plan.project_install


def test_uv_run_of_a_script_without_metadata_is_a_project_run(tmp_path: Path) -> None:
    (tmp_path / "plain.py").write_text("print(1)\n")
    plan = parse_command(["uv", "run", "plain.py"], cwd=str(tmp_path))
    assert plan.refs == ()
    assert plan.project_install


def test_a_scripts_private_index_makes_its_names_private(tmp_path: Path) -> None:
    (tmp_path / "job.py").write_text(
        "# /// script\n# dependencies = ['internal-lib']\n# [tool.uv]\n"
        "# index-url = 'http://u:t@pypi.acme.internal/simple'\n# ///\n"
    )
    plan = parse_command(["uv", "run", "--with", "httpx", "job.py"], cwd=str(tmp_path))
    assert plan.refs == ()
    reasons = {s.spec: s.reason for s in plan.skipped}
    assert sorted(reasons) == ["httpx", "internal-lib"]
    assert "in the inline metadata of job.py" in reasons["internal-lib"]
    assert "u:t" not in reasons["internal-lib"]


def test_a_broken_script_block_is_a_command_error(tmp_path: Path) -> None:
    (tmp_path / "bad.py").write_text("# /// script\n# dependencies = [\n# ///\n")
    with pytest.raises(CommandError, match=r"bad\.py"):
        parse_command(["uv", "run", "bad.py"], cwd=str(tmp_path))


def test_a_script_is_not_read_without_read_files() -> None:
    plan = parse_command(["uv", "run", "--script", "tool.py"], read_files=False)
    assert plan.refs == ()
    assert [s.spec for s in plan.skipped] == ["tool.py"]
