"""The shell layer: command lines -> the package-manager commands they would run."""

from __future__ import annotations

import pytest

from phantom_guard.commands import manager_of
from phantom_guard.hooks.shell import (
    UNRESOLVED,
    ShellSyntaxError,
    plan_script,
    read_script,
    split_commands,
)


def _argvs(text: str) -> list[tuple[str, ...]]:
    return [i.argv for i in read_script(text, lambda n: manager_of(n) is not None).invocations]


def _unverifiable(text: str) -> tuple[str, ...]:
    return read_script(text, lambda n: manager_of(n) is not None).unverifiable


@pytest.mark.parametrize(
    ("text", "expected"),
    [
        ("pip install a", [("pip", "install", "a")]),
        ("pip install a; npm i b", [("pip", "install", "a"), ("npm", "i", "b")]),
        (
            "a && pip install b || npm i c | cat & cargo add d",
            [
                ("pip", "install", "b"),
                ("npm", "i", "c"),
                ("cargo", "add", "d"),
            ],
        ),
        ("ls\npip install a\n", [("pip", "install", "a")]),
        ("FOO=1 BAR='x y' pip install a", [("pip", "install", "a")]),
        ("sudo -E -u root pip install a", [("pip", "install", "a")]),
        ("sudo --preserve-env=PATH env A=1 pip install a", [("pip", "install", "a")]),
        ("command exec time nohup pip install a", [("pip", "install", "a")]),
        ("env -u HOME -C /tmp pip install a", [("pip", "install", "a")]),
        ("env -S 'pip install a'", [("pip", "install", "a")]),
        ("sh -c 'pip install a'", [("pip", "install", "a")]),
        ("bash -xec \"npm i 'b'\"", [("npm", "i", "b")]),
        ("bash -c 'bash -c \"pip install a\"'", [("pip", "install", "a")]),
        ("python3 -m pip install a", [("python3", "-m", "pip", "install", "a")]),
        ("/usr/local/bin/pip3 install a", [("pip3", "install", "a")]),
        ("pip install 'a>=1' \"b[x]\" c\\ d", [("pip", "install", "a>=1", "b[x]", "c d")]),
        ("pip install a 2>&1 >log </dev/null", [("pip", "install", "a")]),
        ("pip install a &>/dev/null", [("pip", "install", "a")]),
        ("pip install \\\n a", [("pip", "install", "a")]),
        ("pip install a # and b", [("pip", "install", "a")]),
        ("(pip install a) && { npm i b; }", [("pip", "install", "a"), ("npm", "i", "b")]),
        (
            "if x; then pip install a; else npm i b; fi",
            [("pip", "install", "a"), ("npm", "i", "b")],
        ),
        ("while x; do pip install a; done", [("pip", "install", "a")]),
        ("y=$(pip install a)", [("pip", "install", "a")]),
        ('echo "$(npm i b)"', [("npm", "i", "b")]),
        ("echo `pip install a`", [("pip", "install", "a")]),
        ("diff <(pip install a) x", [("pip", "install", "a")]),
        ("eval pip install a", [("pip", "install", "a")]),
        ("alias p='pip install'; p a", [("pip", "install", "a")]),
        ("sh <<EOF\npip install a\nEOF", [("pip", "install", "a")]),
        ("bash <<-'X'\n\tnpm i b\n\tX", [("npm", "i", "b")]),
        ("bash <<< 'pip install a'", [("pip", "install", "a")]),
        ("echo 'pip install a' | sh", [("pip", "install", "a")]),
        ("pip $'install' a", [("pip", "install", "a")]),
        ("uv run pip install a", [("uv", "run", "pip", "install", "a"), ("pip", "install", "a")]),
        (
            "poetry run python -m pip install a",
            [
                ("poetry", "run", "python", "-m", "pip", "install", "a"),
                ("python", "-m", "pip", "install", "a"),
            ],
        ),
        ("conda run -n env npm i b", [("npm", "i", "b")]),
        ("function setup { pip install a; }; setup", [("pip", "install", "a")]),
        ("setup() { npm i b; }", [("npm", "i", "b")]),
        ('x=$(echo "$(pip install a)")', [("pip", "install", "a")]),
    ],
)
def test_commands_are_found(text: str, expected: list[tuple[str, ...]]) -> None:
    assert _argvs(text) == expected


@pytest.mark.parametrize(
    "text",
    [
        'echo "pip install a"',
        "echo pip install a",
        "git commit -m 'pip install a'",
        "pytest -k install",
        "cat <<EOF\npip install a\nEOF",
        "grep 'npm i' -r .",
        "command -v pip",
        "printf 'pip install %s' a",
        "bash script.sh pip install a",
        "echo '\"pip install a\"'",
        # Claude Code's way to write a commit message: an apostrophe in a here-document in $( ).
        "git commit -m \"$(cat <<'EOF'\nDon't pip install a here\n\nIt's (still) fine\nEOF\n)\"",
        "echo $(echo ')' ; echo \"(\")",
    ],
)
def test_arguments_of_other_programs_are_not_commands(text: str) -> None:
    assert _argvs(text) == []
    assert _unverifiable(text) == ()


def test_python_code_is_not_an_install() -> None:
    plan = plan_script("python -c 'import os; os.system(\"pip install a\")'")
    assert (plan.plans, plan.unverifiable) == ((), ())


def test_expansions_are_marked() -> None:
    reading = read_script('pip install $A "${B}" c-$(d) {x,y}', lambda n: n == "pip")
    (invocation,) = reading.invocations
    assert invocation.argv == (
        "pip",
        "install",
        UNRESOLVED,
        UNRESOLVED,
        f"c-{UNRESOLVED}",
        UNRESOLVED,
    )
    assert invocation.dynamic == ("$A", '"${B}"', "c-$(d)", "{x,y}")
    quoted = read_script("pip install '$A' \\$B", lambda n: n == "pip").invocations[0]
    assert quoted.argv == ("pip", "install", "$A", "$B")
    assert quoted.dynamic == ()


@pytest.mark.parametrize(
    "text",
    [
        'eval "$INSTALL"',
        'bash -c "$CMD"',
        'bash <<< "$SCRIPT"',
        'sh -c "pip install $(cat x)" && eval "$(curl -s x)"',
    ],
)
def test_run_time_scripts_are_unverifiable(text: str) -> None:
    assert _unverifiable(text)


@pytest.mark.parametrize(
    ("text", "reason"),
    [
        ("pip install $PKG", "$PKG"),
        ("for p in a b; do pip install $p; done", "$p"),
        ("cat names | xargs pip install", "xargs"),
        ("xargs -n1 npm i < names.txt", "xargs"),
        ("pip install flask-{a,b}", "{a,b}"),
        ('eval "pip install $X"', "eval"),
        ("pip install 'unclosed", "cannot read"),
    ],
)
def test_plan_reports_what_cannot_be_verified(text: str, reason: str) -> None:
    plan = plan_script(text)
    assert plan.plans == ()
    assert any(reason in line for line in plan.unverifiable), plan.unverifiable


def test_plan_of_a_literal_install() -> None:
    plan = plan_script("cd web && sudo -E npm install express left-pad@1.3.0")
    (only,) = plan.plans
    assert [(r.name, r.version) for r in only.refs] == [("express", None), ("left-pad", "1.3.0")]
    assert plan.unverifiable == ()


def test_plan_reads_requirement_files_where_cd_went(tmp_path: pytest.TempPathFactory) -> None:
    from pathlib import Path

    root = Path(str(tmp_path))
    (root / "api").mkdir()
    (root / "api" / "requirements.txt").write_text("flask\nreqeusts\n")
    plan = plan_script("cd api && pip install -r requirements.txt", root)
    assert [r.name for p in plan.plans for r in p.refs] == ["flask", "reqeusts"]
    unknown = plan_script("cd $DIR && pip install -r requirements.txt", root)
    assert unknown.plans == () and unknown.unverifiable


def test_syntax_errors() -> None:
    with pytest.raises(ShellSyntaxError):
        split_commands("echo 'unclosed")
    with pytest.raises(ShellSyntaxError):
        split_commands("cat <<EOF\nno end")
    # Broken text that names no package manager is nobody's install.
    assert _unverifiable("echo 'unclosed") == ()


def test_the_cheap_prefix_test_lets_every_manager_word_through() -> None:
    from phantom_guard.commands import MANAGERS, PROGRAMS
    from phantom_guard.hooks.shell import could_be_manager

    words = {*MANAGERS, *PROGRAMS, "pip3.12", "pip-3.12", "python3.12", "pypy3", "py", "yarnpkg"}
    for word in words:
        assert could_be_manager(word), word
        assert could_be_manager(f"/usr/local/bin/{word}"), word
        assert could_be_manager(word.upper() + ".exe") == (manager_of(word + ".exe") is not None)
    for word in ("ls", "git", "make", "docker", "node", "echo", "pytest", "uvicorn", "pyright"):
        assert not could_be_manager(word)


def test_deep_nesting_is_unverifiable_not_a_crash() -> None:
    deep = "echo " + "$(echo " * 400 + "pip install a" + ")" * 400
    assert _unverifiable(deep)
    quoted = "echo " + '"$(echo ' * 400 + "x" + ')"' * 400
    assert _unverifiable(quoted) == ()  # names no package manager: nobody's install
    backticks = "pip install " + "`" * 3
    assert _unverifiable(backticks)
