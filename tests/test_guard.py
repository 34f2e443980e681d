"""The install guard end to end: stub package managers (tests/bin) on PATH, the fake registry.

Blocked => the stub never ran; allowed => the stub got the argv byte for byte and its exit code
is the guard's; ERROR => exit 3, not run (unless --on-error allow); private index names => no
request at all. The guard runs in a fresh process (it replaces itself with the package manager).
"""

from __future__ import annotations

import json
import os
import shutil
import subprocess
import sys
from pathlib import Path
from typing import Any

import pytest
from click.testing import CliRunner

from phantom_guard.cli import main
from tests.fakeregistry import NPM, PYPI, FakeRegistry
from tests.fakeregistry.server import Fault

BIN = Path(__file__).parent / "bin"


@pytest.fixture
def guard_env(
    project_env: FakeRegistry, monkeypatch: pytest.MonkeyPatch, tmp_path: Path
) -> FakeRegistry:
    """The fake registry, the stubs first on PATH, a log for them, no inherited guard settings."""
    monkeypatch.setenv("PATH", os.pathsep.join([str(BIN), os.environ.get("PATH", os.defpath)]))
    monkeypatch.setenv("STUB_LOG", str(tmp_path / "stub.jsonl"))
    monkeypatch.setenv("STUB_PYTHON", sys.executable)
    monkeypatch.setenv("STUB_DIR", str(BIN))
    for name in ("VIRTUAL_ENV", "PHANTOM_GUARD_BYPASS", "PHANTOM_GUARD_ON_ERROR", "STUB_EXIT"):
        monkeypatch.delenv(name, raising=False)
    monkeypatch.delenv("PHANTOM_GUARD_EXEC", raising=False)
    return project_env


def guard(*args: str | bytes, **env: str) -> subprocess.CompletedProcess[str]:
    """``phantom-guard ARGS`` in a fresh process."""
    return subprocess.run(
        [sys.executable, "-m", "phantom_guard", *args],
        capture_output=True,
        text=True,
        errors="replace",
        env={**os.environ, **env},
        timeout=120,
        check=False,
    )


def stub_runs() -> list[dict[str, Any]]:
    """Every stub run so far, oldest first."""
    log = Path(os.environ["STUB_LOG"])
    if not log.exists():
        return []
    return [json.loads(line) for line in log.read_text().splitlines()]


def hexed(*args: str | bytes) -> list[str]:
    return [os.fsencode(arg).hex() for arg in args]


def test_a_name_the_registry_does_not_have_is_blocked_and_not_run(
    guard_env: FakeRegistry,
) -> None:
    done = guard("pip", "install", "reqeusts")
    assert done.returncode == 1, done.stderr
    assert stub_runs() == []
    lines = [line for line in done.stderr.splitlines() if "reqeusts" in line]
    assert len(lines) == 1
    assert "NOT_FOUND" in lines[0]
    assert "did you mean requests?" in lines[0]
    assert "not running pip" in done.stderr


@pytest.mark.parametrize(
    "argv",
    [
        ["pip", "install", "--no-cache-dir", "-q", "requests[socks]>=2", "flask==2.0"],
        ["pip", "install", "-C", "a=b c", "--report", "-", "requests"],
        ["npm", "install", "--save-dev", "lodash@^4", "./local dir", "express"],
        ["npm", "run", "build", "--", "--flag=ä", "$HOME", "*", "a\tb", b"\xff\xfe"],
        ["cargo", "add", "serde", "--features", "derive"],
        ["yarn", "add", "express", "-D"],
        ["uvx", "--from", "flask", "flask", "--app", "x y", "run"],
    ],
)
def test_an_allowed_command_reaches_the_package_manager_byte_for_byte(
    guard_env: FakeRegistry, argv: list[str | bytes]
) -> None:
    done = guard(*argv)
    assert done.returncode == 0, done.stderr
    [run] = stub_runs()
    assert run["program"] == argv[0]
    assert run["path"] == str(BIN / str(argv[0]))
    assert run["args_hex"] == hexed(*argv[1:])


@pytest.mark.parametrize("code", ["0", "1", "2", "130"])
@pytest.mark.parametrize("argv", [["pip", "install", "requests"], ["npm", "test"]])
def test_the_package_managers_exit_code_is_passed_through(
    guard_env: FakeRegistry, code: str, argv: list[str]
) -> None:
    done = guard(*argv, STUB_EXIT=code)
    assert done.returncode == int(code), done.stderr
    assert len(stub_runs()) == 1


def test_a_command_that_installs_nothing_runs_without_a_lookup(guard_env: FakeRegistry) -> None:
    for argv in (["pip", "list"], ["npm", "test"], ["cargo", "fmt"], ["yarn", "build"]):
        assert guard(*argv).returncode == 0
    assert len(stub_runs()) == 4
    assert guard_env.request_count() == 0


def test_an_unverifiable_name_is_exit_3_and_not_run(guard_env: FakeRegistry) -> None:
    guard_env.set_fault(Fault.STATUS_500, registry=PYPI)
    done = guard("pip", "install", "tiny-old-lib", PHANTOM_GUARD_TIMEOUT="1")
    assert done.returncode == 3, done.stderr
    assert stub_runs() == []
    assert "tiny-old-lib (pypi): could not be verified" in done.stderr
    assert "--on-error allow" in done.stderr


@pytest.mark.parametrize(
    ("args", "env"),
    [
        (["guard", "--on-error", "allow", "--", "pip", "install", "tiny-old-lib"], {}),
        (["pip", "install", "tiny-old-lib"], {"PHANTOM_GUARD_ON_ERROR": "allow"}),
    ],
)
def test_on_error_allow_warns_and_runs(
    guard_env: FakeRegistry, args: list[str], env: dict[str, str]
) -> None:
    guard_env.set_fault(Fault.STATUS_500, registry=PYPI)
    done = guard(*args, PHANTOM_GUARD_TIMEOUT="1", **env)
    assert done.returncode == 0, done.stderr
    assert "warning: tiny-old-lib (pypi): could not be verified" in done.stderr
    [run] = stub_runs()
    assert run["args_hex"] == hexed("install", "tiny-old-lib")


def test_bypass_runs_without_a_check_and_says_so(guard_env: FakeRegistry) -> None:
    done = guard("npm", "install", "expres-not-there", PHANTOM_GUARD_BYPASS="1")
    assert done.returncode == 0
    assert "PHANTOM_GUARD_BYPASS" in done.stderr
    assert len(stub_runs()) == 1
    assert guard_env.request_count() == 0


@pytest.mark.parametrize(
    "argv",
    [
        ["pip", "install", "-i", "http://pypi.acme.internal/simple", "internal-lib"],
        ["pip", "install", "--extra-index-url=http://u:t@pypi.acme.internal/", "internal-lib"],
        ["pip", "install", "--no-index", "-f", "./wheels", "internal-lib"],
        ["uv", "add", "--index", "acme=http://pypi.acme.internal/simple", "internal-lib"],
        ["npm", "install", "--registry", "http://npm.acme.internal/", "internal-lib"],
        ["npm", "install", "--@acme:registry=http://npm.acme.internal/", "@acme/internal-lib"],
        ["cargo", "add", "--registry", "acme", "internal-lib"],
    ],
)
def test_names_a_private_index_serves_are_never_looked_up(
    guard_env: FakeRegistry, argv: list[str]
) -> None:
    done = guard(*argv)
    assert done.returncode == 0, done.stderr
    assert guard_env.request_count() == 0
    assert len(stub_runs()) == 1


def test_dry_run_reports_and_never_runs(guard_env: FakeRegistry) -> None:
    done = guard("guard", "--dry-run", "-o", "json", "--", "npm", "i", "express", "./x")
    assert done.returncode == 0, done.stderr
    document = json.loads(done.stdout)
    assert [r["name"] for r in document["results"]] == ["express"]
    assert document["results"][0]["sources"] == []
    assert [s["spec"] for s in document["skipped"]] == ["./x"]
    assert stub_runs() == []


def test_blocked_with_json_output_writes_the_report(guard_env: FakeRegistry) -> None:
    done = guard("guard", "-o", "json", "pip", "install", "reqeusts")
    assert done.returncode == 1
    assert json.loads(done.stdout)["summary"]["NOT_FOUND"] == 1
    assert stub_runs() == []


def test_python_m_pip_is_guarded(guard_env: FakeRegistry, tmp_path: Path) -> None:
    python = tmp_path / "stubs" / "python3"
    python.parent.mkdir()
    shutil.copy(BIN / "pip", python)
    path = os.pathsep.join([str(python.parent), os.environ["PATH"]])
    done = guard("guard", "--", "python3", "-m", "pip", "install", "reqeusts", PATH=path)
    assert done.returncode == 1
    assert stub_runs() == []
    done = guard("guard", "--", "python3", "-m", "pip", "install", "requests", PATH=path)
    assert done.returncode == 0, done.stderr
    [run] = stub_runs()
    assert run["path"] == str(python)
    assert run["args_hex"] == hexed("-m", "pip", "install", "requests")


def test_pip_of_the_active_virtual_environment_comes_first(
    guard_env: FakeRegistry, tmp_path: Path
) -> None:
    venv_pip = tmp_path / "venv" / "bin" / "pip"
    venv_pip.parent.mkdir(parents=True)
    shutil.copy(BIN / "pip", venv_pip)
    done = guard("pip", "install", "requests", VIRTUAL_ENV=str(tmp_path / "venv"))
    assert done.returncode == 0, done.stderr
    assert stub_runs()[0]["path"] == str(venv_pip)


def test_an_unreadable_command_is_exit_2_and_not_run(guard_env: FakeRegistry) -> None:
    done = guard("pip", "install", "-r")
    assert done.returncode == 2
    assert "needs a value" in done.stderr
    assert stub_runs() == []


def test_shims_reach_the_real_package_manager_behind_them(
    guard_env: FakeRegistry, tmp_path: Path
) -> None:
    shims = tmp_path / "shims"
    result = CliRunner().invoke(main, ["shims", "install", "--dir", str(shims), "--pm", "pip,npm"])
    assert result.exit_code == 0, result.output
    assert sorted(p.name for p in shims.iterdir()) == ["npm", "pip"]
    env = {"PATH": os.pathsep.join([str(shims), os.environ["PATH"]])}
    done = subprocess.run(
        ["pip", "install", "requests"],
        capture_output=True,
        text=True,
        env={**os.environ, **env},
        timeout=120,
        check=False,
    )
    assert done.returncode == 0, done.stderr
    [run] = stub_runs()
    assert run["path"] == str(BIN / "pip")
    blocked = subprocess.run(
        ["npm", "install", "expres-not-there"],
        capture_output=True,
        text=True,
        env={**os.environ, **env},
        timeout=120,
        check=False,
    )
    assert blocked.returncode == 1
    assert len(stub_runs()) == 1


def test_a_shim_that_leads_back_to_the_guard_fails_loudly(
    guard_env: FakeRegistry, tmp_path: Path
) -> None:
    # A hand-written wrapper without the shim marker: the guard takes it for the real pip.
    wrapper = tmp_path / "wrappers" / "pip"
    wrapper.parent.mkdir()
    wrapper.write_text(f'#!/bin/sh\nexec {sys.executable} -m phantom_guard pip "$@"\n')
    wrapper.chmod(0o755)
    done = guard(
        "pip", "install", "requests", PATH=os.pathsep.join([str(wrapper.parent), str(BIN)])
    )
    assert done.returncode == 2
    assert "shim loop" in done.stderr
    assert stub_runs() == []


def _git(project: Path, *args: str) -> None:
    subprocess.run(
        ["git", "-c", "user.name=t", "-c", "user.email=t@example.test", *args],
        cwd=project,
        check=True,
        capture_output=True,
    )


def test_a_project_install_checks_what_uncommitted_manifest_changes_add(
    guard_env: FakeRegistry, tmp_path: Path
) -> None:
    project = Path.cwd()
    shutil.rmtree(project / ".git")
    _git(project, "init", "-q")
    manifest = project / "package.json"
    manifest.write_text('{"dependencies": {"express": "^4"}}\n')
    _git(project, "add", "package.json")
    _git(project, "commit", "-qm", "init")
    assert guard("npm", "ci").returncode == 0
    assert guard_env.request_count() == 0
    manifest.write_text('{"dependencies": {"express": "^4", "expres-not-there": "1.0.0"}}\n')
    done = guard("npm", "install")
    assert done.returncode == 1, done.stderr
    assert "expres-not-there (npm): NOT_FOUND" in done.stderr
    assert guard_env.request_count(NPM, "expres-not-there") >= 1
    assert guard_env.request_count(NPM, "express") == 0
    assert len(stub_runs()) == 1


def test_guard_help_and_usage_errors() -> None:
    runner = CliRunner()
    result = runner.invoke(main, ["guard", "--help"])
    assert result.exit_code == 0
    assert "--on-error" in result.output
    result = runner.invoke(main, ["guard", "--on-error", "maybe", "--", "pip", "list"])
    assert result.exit_code == 2


def test_shims_status_and_uninstall(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.setenv("HOME", str(tmp_path))
    monkeypatch.delenv("VIRTUAL_ENV", raising=False)
    (tmp_path / ".bashrc").write_text("# mine\n")
    shims = tmp_path / "shims"
    runner = CliRunner()
    result = runner.invoke(main, ["shims", "install", "--dir", str(shims), "--rc"])
    assert result.exit_code == 0, result.output
    assert str(shims) in (tmp_path / ".bashrc").read_text()
    monkeypatch.setenv("PATH", os.pathsep.join([str(shims), str(BIN)]))
    result = runner.invoke(main, ["shims", "status", "--dir", str(shims)])
    assert "pip   guarded" in result.output
    result = runner.invoke(main, ["doctor", "--dir", str(shims)])
    assert f"ok   pip: {shims / 'pip'} -> {BIN / 'pip'}" in result.output
    result = runner.invoke(main, ["shims", "uninstall", "--dir", str(shims)])
    assert result.exit_code == 0
    assert not shims.exists()
    assert (tmp_path / ".bashrc").read_text() == "# mine\n"


def test_shims_install_in_ci_appends_to_github_path(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    github_path = tmp_path / "github_path"
    monkeypatch.setenv("GITHUB_PATH", str(github_path))
    shims = tmp_path / "shims"
    result = CliRunner().invoke(main, ["shims", "install", "--dir", str(shims)])
    assert result.exit_code == 0
    assert github_path.read_text() == f"{shims}\n"


class _Terminal:
    """A stdin that is a terminal and answers `answer`."""

    def __init__(self, answer: str) -> None:
        self.answer = answer

    def isatty(self) -> bool:
        return True

    def readline(self) -> str:
        return self.answer


@pytest.mark.parametrize(("answer", "ran"), [("y\n", True), ("\n", False)])
def test_ask_runs_a_blocked_command_only_on_yes_at_a_terminal(
    guard_env: FakeRegistry, monkeypatch: pytest.MonkeyPatch, answer: str, ran: bool
) -> None:
    from phantom_guard import guard as install_guard

    calls: list[tuple[str, list[str]]] = []

    def execute(path: str, argv: list[str]) -> int:
        calls.append((path, argv))
        return 0

    monkeypatch.setattr(sys, "stdin", _Terminal(answer))
    options = install_guard.GuardOptions(ask=True)
    code = install_guard.run(["pip", "install", "reqeusts"], options, execute=execute)
    assert code == (0 if ran else 1)
    assert calls == ([(str(BIN / "pip"), ["pip", "install", "reqeusts"])] if ran else [])


def test_without_a_terminal_ask_never_prompts(
    guard_env: FakeRegistry, monkeypatch: pytest.MonkeyPatch
) -> None:
    from phantom_guard import guard as install_guard

    class NotATerminal(_Terminal):
        def isatty(self) -> bool:
            return False

    monkeypatch.setattr(sys, "stdin", NotATerminal("y\n"))
    options = install_guard.GuardOptions(ask=True)
    assert install_guard.run(["npm", "i", "expres-not-there"], options, execute=_never) == 1


def _never(path: str, argv: list[str]) -> int:
    raise AssertionError(f"{path} must not run")


@pytest.mark.parametrize(
    ("args", "message"),
    [
        ([], "usage"),
        (["guard"], "no package-manager command"),
        (["guard", "--output", "xml", "--", "pip", "list"], "-o"),
        (["guard", "--frobnicate", "--", "pip", "list"], "no such option"),
    ],
)
def test_guard_usage_errors_are_exit_2(
    args: list[str], message: str, capsys: pytest.CaptureFixture[str]
) -> None:
    from phantom_guard import guard as install_guard

    assert install_guard.main(args) == 2
    assert message in capsys.readouterr().err


def test_the_guard_module_imports_nothing_heavy() -> None:
    code = (
        "import sys, phantom_guard.guard; "
        "heavy = {'click', 'asyncio', 'aiohttp', 'rich', 'dataclasses', 'sqlite3', 'typing', "
        "'logging', 'platformdirs'}; "
        "print(sorted(heavy & set(sys.modules)))"
    )
    done = subprocess.run(
        [sys.executable, "-c", code], capture_output=True, text=True, check=True, timeout=60
    )
    assert done.stdout.strip() == "[]"


def test_a_project_without_a_commit_checks_everything_its_files_name(
    guard_env: FakeRegistry,
) -> None:
    project = Path.cwd()
    shutil.rmtree(project / ".git")
    _git(project, "init", "-q")
    (project / "package.json").write_text('{"dependencies": {"expres-not-there": "1.0.0"}}\n')
    done = guard("npm", "install")
    assert done.returncode == 1, done.stderr
    assert stub_runs() == []


def test_outside_a_git_work_tree_a_project_install_checks_every_name(
    guard_env: FakeRegistry, tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    outside = tmp_path / "no-git"
    outside.mkdir()
    (outside / "package.json").write_text('{"dependencies": {"expres-not-there": "1.0.0"}}\n')
    monkeypatch.chdir(outside)
    done = guard("npm", "ci")
    assert done.returncode == 1, done.stderr
    notices = [line for line in done.stderr.splitlines() if "not in a git work tree" in line]
    assert len(notices) == 1
    assert "checking every name" in notices[0]
    assert "expres-not-there (npm): NOT_FOUND" in done.stderr
    assert stub_runs() == []


def test_outside_a_git_work_tree_popular_names_cost_no_request(
    guard_env: FakeRegistry, tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    outside = tmp_path / "no-git"
    outside.mkdir()
    (outside / "package.json").write_text('{"dependencies": {"express": "^4", "react": "18"}}\n')
    monkeypatch.chdir(outside)
    done = guard("npm", "install")
    assert done.returncode == 0, done.stderr
    assert "not in a git work tree" in done.stderr
    assert guard_env.request_count() == 0
    assert len(stub_runs()) == 1


def test_a_bad_on_error_variable_is_a_usage_error(guard_env: FakeRegistry) -> None:
    done = guard("pip", "install", "requests", PHANTOM_GUARD_ON_ERROR="sometimes")
    assert done.returncode == 2
    assert "PHANTOM_GUARD_ON_ERROR" in done.stderr
    assert stub_runs() == []


def test_guard_through_click_reads_its_options_and_the_command(guard_env: FakeRegistry) -> None:
    result = CliRunner().invoke(main, ["guard", "--dry-run", "--", "npm", "i", "express", "./x"])
    assert result.exit_code == 0, result.output
    assert "express" in result.output
    assert "local path: ./x" in result.output
    assert stub_runs() == []


def test_control_characters_from_the_command_line_are_escaped_on_stderr(
    guard_env: FakeRegistry,
) -> None:
    done = guard("pip", "install", "bad\x1b[31mname\nnext")
    assert done.returncode == 2
    assert "\x1b" not in done.stderr
    assert "\\x1b" in done.stderr
    assert stub_runs() == []


# ---- bare project installs: the known-malicious feed over every lock entry -------------------


def _feed(tmp_path: Path) -> None:
    """A feed in the test's cache: evil-pkg (npm), Evil_Crate (crates) and Requests_Toolbelt2
    (PyPI) listed whole; lonely-helper 1.0.0 and chalk 5.6.1 listed by version.
    """
    from phantom_guard.feed.update import update
    from tests.feed.archives import CASES, write_zip

    archive = write_zip(tmp_path / "osv" / "all.zip", CASES)
    update(
        Path(os.environ["PHANTOM_GUARD_CACHE_DIR"]),
        base_url="http://feed.example.test",
        source=str(archive),
    )


def _committed(project: Path, files: dict[str, str]) -> None:
    """`files` written and committed in `project`, a fresh git repository: nothing is changed."""
    shutil.rmtree(project / ".git")
    _git(project, "init", "-q")
    for name, text in files.items():
        (project / name).write_text(text)
    _git(project, "add", *files)
    _git(project, "commit", "-qm", "init")


def _package_lock(**versions: str) -> dict[str, str]:
    dependencies = {name: f"^{version}" for name, version in versions.items()}
    packages: dict[str, Any] = {"": {"name": "app", "dependencies": dependencies}}
    packages.update({f"node_modules/{n}": {"version": v} for n, v in versions.items()})
    lock = {"name": "app", "lockfileVersion": 3, "packages": packages}
    return {
        "package.json": json.dumps({"name": "app", "dependencies": dependencies}),
        "package-lock.json": json.dumps(lock),
    }


def _uv_project(registry: FakeRegistry, **versions: str) -> dict[str, str]:
    source = f'{{ registry = "{registry.pypi_url}" }}'
    blocks = "".join(
        f'[[package]]\nname = "{n}"\nversion = "{v}"\nsource = {source}\n\n'
        for n, v in versions.items()
    )
    return {
        "pyproject.toml": '[project]\nname = "app"\nversion = "0.1.0"\ndependencies = []\n',
        "uv.lock": f"version = 1\n\n{blocks}",
    }


def _cargo_project(registry: FakeRegistry, **versions: str) -> dict[str, str]:
    blocks = "".join(
        f'[[package]]\nname = "{n}"\nversion = "{v}"\nsource = "registry+{registry.crates_url}"\n\n'
        for n, v in versions.items()
    )
    return {
        "Cargo.toml": '[package]\nname = "app"\nversion = "0.1.0"\n',
        "Cargo.lock": f"version = 3\n\n{blocks}",
    }


@pytest.mark.parametrize(
    ("argv", "files", "listed"),
    [
        (
            ["npm", "ci"],
            lambda r: _package_lock(express="4.19.2", **{"evil-pkg": "1.0.0"}),
            "evil-pkg",
        ),
        (
            ["npm", "install"],
            lambda r: _package_lock(**{"lonely-helper": "1.0.0"}),
            "lonely-helper",
        ),
        (
            ["uv", "sync"],
            lambda r: _uv_project(r, **{"requests-toolbelt2": "0.1"}),
            "requests-toolbelt2",
        ),
        (
            ["cargo", "build"],
            lambda r: _cargo_project(r, serde="1.0.0", evil_crate="0.1.0"),
            "evil_crate",
        ),
    ],
)
def test_a_bare_install_is_blocked_by_a_listed_lock_entry_without_a_registry_request(
    guard_env: FakeRegistry, tmp_path: Path, argv: list[str], files: Any, listed: str
) -> None:
    _feed(tmp_path)
    _committed(Path.cwd(), files(guard_env))
    done = guard(*argv)
    assert done.returncode == 1, done.stderr
    assert stub_runs() == []
    lines = [line for line in done.stderr.splitlines() if listed in line.lower()]
    assert len(lines) == 1, done.stderr
    assert "HIGH_RISK" in lines[0]
    assert f"not running {argv[0]}" in done.stderr
    assert guard_env.request_count() == 0


def test_a_lock_entry_of_another_version_than_the_listed_one_runs(
    guard_env: FakeRegistry, tmp_path: Path
) -> None:
    _feed(tmp_path)
    _committed(Path.cwd(), _package_lock(chalk="5.6.0", express="4.19.2"))
    done = guard("npm", "ci")
    assert done.returncode == 0, done.stderr
    assert len(stub_runs()) == 1
    assert guard_env.request_count() == 0


def test_without_a_feed_a_bare_install_says_so_once_and_runs(guard_env: FakeRegistry) -> None:
    _committed(Path.cwd(), _package_lock(**{"evil-pkg": "1.0.0", "lonely-helper": "1.0.0"}))
    done = guard("npm", "ci")
    assert done.returncode == 0, done.stderr
    notes = [line for line in done.stderr.splitlines() if "no known-malicious feed" in line]
    assert len(notes) == 1
    assert "phantom-guard feed update" in notes[0]
    assert len(stub_runs()) == 1
    assert guard_env.request_count() == 0


def test_a_listed_name_in_the_dry_run_report(guard_env: FakeRegistry, tmp_path: Path) -> None:
    _feed(tmp_path)
    _committed(Path.cwd(), _package_lock(**{"evil-pkg": "1.0.0"}))
    done = guard("guard", "--dry-run", "-o", "json", "--", "npm", "ci")
    assert done.returncode == 1, done.stderr
    document = json.loads(done.stdout)
    [result] = document["results"]
    assert result["name"] == "evil-pkg"
    assert "KNOWN_MALICIOUS" in [s["kind"] for s in result["signals"]]
    assert [feed["name"] for feed in document["feeds"]] == ["osv-malicious"]


# ---- private indexes from the package managers' own configuration ---------------------------


@pytest.mark.parametrize(
    ("argv", "files", "env"),
    [
        (
            ["npm", "install", "@acme/internal-lib"],
            {".npmrc": "@acme:registry=http://npm.acme.internal/\n"},
            {},
        ),
        (
            ["pnpm", "add", "@acme/internal-lib@^2"],
            {".npmrc": "@acme:registry=http://npm.acme.internal/\n"},
            {},
        ),
        (
            ["yarn", "add", "@acme/internal-lib"],
            {
                ".yarnrc.yml": 'npmScopes:\n  acme:\n    npmRegistryServer: "http://npm.acme.internal/"\n'
            },
            {},
        ),
        (
            ["npm", "install", "internal-lib"],
            {".npmrc": "registry=http://npm.acme.internal/\n"},
            {},
        ),
        (
            ["pip", "install", "internal-lib"],
            {},
            {"PIP_INDEX_URL": "http://pypi.acme.internal/simple"},
        ),
        (
            ["pip", "install", "internal-lib"],
            {"pip.conf": "[global]\nindex-url = http://pypi.acme.internal/simple\n"},
            {"PIP_CONFIG_FILE": "pip.conf"},
        ),
        (
            ["uv", "add", "internal-lib"],
            {
                "pyproject.toml": '[project]\nname = "app"\nversion = "0.1"\n\n'
                '[[tool.uv.index]]\nname = "acme"\nurl = "http://pypi.acme.internal/simple"\n'
                "default = true\n"
            },
            {},
        ),
        (
            ["cargo", "add", "internal-lib"],
            {
                "Cargo.toml": '[package]\nname = "app"\nversion = "0.1.0"\n',
                ".cargo/config.toml": '[source.crates-io]\nreplace-with = "acme"\n\n'
                '[source.acme]\nregistry = "sparse+http://crates.acme.internal/index/"\n',
            },
            {},
        ),
    ],
)
def test_names_a_configured_private_index_serves_are_never_looked_up(
    guard_env: FakeRegistry, argv: list[str], files: dict[str, str], env: dict[str, str]
) -> None:
    project = Path.cwd()
    for name, text in files.items():
        (project / name).parent.mkdir(parents=True, exist_ok=True)
        (project / name).write_text(text)
    env = {k: str(project / v) if k.endswith("_FILE") else v for k, v in env.items()}
    done = guard("guard", "--dry-run", "-o", "json", "--", *argv, **env)
    assert done.returncode == 0, done.stderr
    document = json.loads(done.stdout)
    assert document["results"] == []
    [skipped] = document["skipped"]
    assert "private" in skipped["reason"]
    assert guard_env.request_count() == 0
    done = guard(*argv, **env)
    assert done.returncode == 0, done.stderr
    assert len(stub_runs()) == 1
    assert guard_env.request_count() == 0


def test_a_private_scope_does_not_hide_the_public_names_beside_it(
    guard_env: FakeRegistry,
) -> None:
    (Path.cwd() / ".npmrc").write_text("@acme:registry=http://npm.acme.internal/\n")
    done = guard("npm", "install", "@acme/internal-lib", "expres-not-there")
    assert done.returncode == 1, done.stderr
    assert guard_env.request_count(NPM, "expres-not-there") >= 1
    # The name's document and its downloads, nothing for the private scope.
    assert guard_env.request_count() == guard_env.request_count(None, "expres-not-there")


# ---- uv run of a script with PEP 723 inline metadata -----------------------------------------


def test_uv_run_of_a_script_checks_its_inline_dependencies(guard_env: FakeRegistry) -> None:
    script = Path.cwd() / "job.py"
    script.write_text(
        "# /// script\n# dependencies = ['requests<3', 'reqeusts']\n# ///\nimport requests\n"
    )
    done = guard("uv", "run", "job.py")
    assert done.returncode == 1, done.stderr
    assert "reqeusts (pypi): NOT_FOUND" in done.stderr
    assert "did you mean requests?" in done.stderr
    assert stub_runs() == []
    script.write_text("# /// script\n# dependencies = ['requests<3']\n# ///\nimport requests\n")
    done = guard("uv", "run", "--script", "job.py", "--arg")
    assert done.returncode == 0, done.stderr
    [run] = stub_runs()
    assert run["args_hex"] == hexed("run", "--script", "job.py", "--arg")
    assert guard_env.request_count() == 1  # reqeusts, once; requests is popular


def test_a_scripts_private_index_means_no_request(guard_env: FakeRegistry) -> None:
    (Path.cwd() / "job.py").write_text(
        "# /// script\n# dependencies = ['internal-lib']\n"
        "# [tool.uv]\n# index-url = 'http://pypi.acme.internal/simple'\n# ///\n"
    )
    done = guard("uv", "run", "job.py")
    assert done.returncode == 0, done.stderr
    assert guard_env.request_count() == 0
    assert len(stub_runs()) == 1


def test_a_requirements_files_private_index_url_means_no_request(
    guard_env: FakeRegistry,
) -> None:
    (Path.cwd() / "requirements.txt").write_text(
        "--index-url http://pypi.acme.internal/simple\ninternal-lib\nrequests\n"
    )
    done = guard(
        "guard",
        "--dry-run",
        "-o",
        "json",
        "--",
        "pip",
        "install",
        "-r",
        "requirements.txt",
        "other-internal",
    )
    assert done.returncode == 0, done.stderr
    document = json.loads(done.stdout)
    # A private primary index: the popular name is answered locally, the rest are held back.
    assert [r["name"] for r in document["results"]] == ["requests"]
    assert sorted(s["spec"] for s in document["skipped"]) == ["internal-lib", "other-internal"]
    assert guard_env.request_count() == 0


def test_a_requirements_file_naming_the_public_index_is_still_checked(
    guard_env: FakeRegistry,
) -> None:
    (Path.cwd() / "requirements.txt").write_text(f"--index-url {guard_env.pypi_url}\nreqeusts\n")
    done = guard("pip", "install", "-r", "requirements.txt")
    assert done.returncode == 1, done.stderr
    assert "reqeusts (pypi): NOT_FOUND" in done.stderr
    assert stub_runs() == []


def test_results_keep_the_command_lines_order(guard_env: FakeRegistry) -> None:
    done = guard("guard", "--dry-run", "-o", "json", "--", "pip", "install", "reqeusts", "requests")
    assert done.returncode == 1, done.stderr
    assert [r["name"] for r in json.loads(done.stdout)["results"]] == ["reqeusts", "requests"]


def test_a_listed_name_a_private_registry_serves_does_not_block(
    guard_env: FakeRegistry, tmp_path: Path
) -> None:
    from phantom_guard.feed.update import update
    from tests.feed.archives import whole, write_zip

    archive = write_zip(tmp_path / "osv" / "all.zip", [whole("MAL-2025-300", "@acme/tools")])
    cache = Path(os.environ["PHANTOM_GUARD_CACHE_DIR"])
    update(cache, base_url="http://feed.example.test", source=str(archive))
    files = _package_lock(**{"@acme/tools": "1.0.0"})
    files[".npmrc"] = "@acme:registry=http://npm.acme.internal/\n"
    _committed(Path.cwd(), files)
    done = guard("npm", "ci")
    assert done.returncode == 0, done.stderr
    assert len(stub_runs()) == 1
    (Path.cwd() / ".npmrc").unlink()
    done = guard("npm", "ci")
    assert done.returncode == 1, done.stderr
    assert "@acme/tools (npm): HIGH_RISK" in done.stderr
    assert guard_env.request_count() == 0
