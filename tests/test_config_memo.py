"""Config tables remembered across runs: the same answers as parsing, tomllib only when needed."""

from __future__ import annotations

import json
import subprocess
import sys
from pathlib import Path

import pytest

from phantom_guard import config_memo
from phantom_guard.errors import ConfigError
from phantom_guard.settings import Settings


@pytest.fixture
def project(tmp_path: Path) -> Path:
    (tmp_path / ".git").mkdir()
    return tmp_path


def test_a_remembered_table_gives_the_same_settings(project: Path) -> None:
    (project / ".phantom-guard.toml").write_text('allow = ["our-tool"]\nfail_on = "suspicious"\n')
    first = Settings.load(cwd=project, env={})
    assert config_memo.recall(
        project / ".phantom-guard.toml", (project / ".phantom-guard.toml").read_text()
    )[0]
    assert Settings.load(cwd=project, env={}) == first
    assert first.allow == ("pkg:pypi/our-tool",)


def test_an_edited_file_is_parsed_again(project: Path) -> None:
    config = project / ".phantom-guard.toml"
    config.write_text('allow = ["one"]\n')
    assert Settings.load(cwd=project, env={}).allow == ("pkg:pypi/one",)
    config.write_text('allow = ["two"]\n')
    assert Settings.load(cwd=project, env={}).allow == ("pkg:pypi/two",)


def test_a_pyproject_without_our_table_is_remembered_as_none(project: Path) -> None:
    pyproject = project / "pyproject.toml"
    pyproject.write_text('[project]\nname = "x"\n# phantom-guard is mentioned, not configured\n')
    Settings.load(cwd=project, env={})
    assert config_memo.recall(pyproject, pyproject.read_text()) == (True, None)


def test_the_untrusted_keys_check_runs_on_a_remembered_table(project: Path) -> None:
    (project / ".phantom-guard.toml").write_text('pypi_url = "http://mirror.example.test/pypi"\n')
    for _ in range(2):
        with pytest.raises(ConfigError, match="cannot be set in a repository"):
            Settings.load(cwd=project, env={})


def test_dates_are_not_remembered(project: Path) -> None:
    config = project / ".phantom-guard.toml"
    config.write_text("when = 2024-01-01\n")
    with pytest.raises(ConfigError, match="unknown config keys"):
        Settings.load(cwd=project, env={})
    assert config_memo.recall(config, config.read_text()) == (False, None)


def test_a_damaged_memo_is_ignored_and_replaced(project: Path) -> None:
    memo = Path(config_memo.memo_path())
    memo.parent.mkdir(parents=True, exist_ok=True)
    memo.write_text("{not json")
    (project / ".phantom-guard.toml").write_text('allow = ["x"]\n')
    assert Settings.load(cwd=project, env={}).allow == ("pkg:pypi/x",)
    assert json.loads(memo.read_text())["format"] == 1


def test_the_memo_forgets_the_oldest_files(tmp_path: Path) -> None:
    for number in range(config_memo.LIMIT + 3):
        config_memo.remember(tmp_path / f"{number}.toml", "x = 1\n", {"x": 1})
    assert not config_memo.recall(tmp_path / "0.toml", "x = 1\n")[0]
    assert config_memo.recall(tmp_path / f"{config_memo.LIMIT + 2}.toml", "x = 1\n") == (
        True,
        {"x": 1},
    )


def test_a_second_process_does_not_import_tomllib(project: Path) -> None:
    (project / ".phantom-guard.toml").write_text('allow = ["our-tool"]\n')
    probe = (
        "import sys; from phantom_guard.settings import Settings; "
        "s = Settings.load(); print(s.allow, 'tomllib' in sys.modules)"
    )
    outputs = [
        subprocess.run(
            [sys.executable, "-c", probe], cwd=project, capture_output=True, text=True, check=True
        ).stdout.strip()
        for _ in range(2)
    ]
    assert outputs == ["('pkg:pypi/our-tool',) True", "('pkg:pypi/our-tool',) False"]
