"""`phantom-guard render REPORT.json`: one lookup run, every format derived from its JSON."""

from __future__ import annotations

import json
import subprocess
import sys
from pathlib import Path

import pytest
from click.testing import CliRunner

from phantom_guard.cli import main
from tests.fakeregistry import FakeRegistry
from tests.report.sarif_checks import assert_valid


def _run(*args: str) -> tuple[int, str, str]:
    result = CliRunner().invoke(main, list(args))
    return result.exit_code, result.stdout, result.stderr


@pytest.fixture
def project(registry_env: FakeRegistry, tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> Path:
    root = tmp_path / "project"
    (root / "web").mkdir(parents=True)
    (root / "requirements.txt").write_text(
        "requests==2.31.0\nreqeusts==2.31.0\nzz-missing-one\n", encoding="utf-8"
    )
    (root / "web" / "package.json").write_text(
        '{"dependencies": {"express": "^4.19.2", "expres": "1.0.0"}}\n', encoding="utf-8"
    )
    monkeypatch.chdir(root)
    return root


@pytest.mark.parametrize("fmt", ["sarif", "markdown", "text"])
def test_render_of_a_saved_check_equals_the_direct_output(project: Path, fmt: str) -> None:
    code, saved, _ = _run("check", "-o", "json")
    assert code == 1
    (project / "report.json").write_text(saved, encoding="utf-8")
    _, direct, _ = _run("check", "-o", fmt)
    code, rendered, err = _run("render", "report.json", "-o", fmt)
    assert (code, err) == (0, "")
    assert rendered == direct
    assert "zz-missing-one" in rendered


def test_rendered_sarif_fits_github(project: Path) -> None:
    _, saved, _ = _run("check", "-o", "json")
    (project / "report.json").write_text(saved, encoding="utf-8")
    code, out, _ = _run("render", "report.json", "-o", "sarif")
    assert code == 0
    log = json.loads(out)
    assert_valid(log)
    uris = {
        loc["physicalLocation"]["artifactLocation"]["uri"]
        for result in log["runs"][0]["results"]
        for loc in result["locations"]
    }
    assert uris == {"requirements.txt", "web/package.json"}


def test_fail_on_sets_sarif_levels_not_the_exit_code(project: Path) -> None:
    (project / "requirements.txt").write_text("zz-missing-one\n", encoding="utf-8")
    _, saved, _ = _run("check", "-o", "json")
    (project / "report.json").write_text(saved, encoding="utf-8")
    code, out, _ = _run("render", "report.json", "-o", "sarif", "--fail-on", "suspicious")
    assert code == 0
    assert {r["level"] for r in json.loads(out)["runs"][0]["results"]} == {"error"}


def test_render_needs_no_network(project: Path, registry_env: FakeRegistry) -> None:
    _, saved, _ = _run("check", "-o", "json")
    (project / "report.json").write_text(saved, encoding="utf-8")
    registry_env.reset_log()
    code, _, _ = _run("render", "report.json", "-o", "markdown")
    assert code == 0
    assert registry_env.requests == []


@pytest.mark.parametrize(
    ("content", "message"),
    [
        (None, "cannot read file"),
        ("<html>", "not a JSON document"),
        ('{"version": "2.1.0", "runs": []}', "not a phantom-guard report"),
        (
            '{"schema_version": 9, "tool": {"name": "phantom-guard"}, "results": []}',
            "unknown schema_version 9",
        ),
    ],
)
def test_a_file_that_is_not_a_report_is_exit_2_with_one_line(
    tmp_path: Path, content: str | None, message: str
) -> None:
    path = tmp_path / "saved.json"
    if content is not None:
        path.write_text(content, encoding="utf-8")
    done = subprocess.run(
        [sys.executable, "-m", "phantom_guard", "render", str(path), "-o", "sarif"],
        capture_output=True,
        text=True,
        timeout=60,
        check=False,
    )
    assert done.returncode == 2
    assert done.stdout == ""
    assert len(done.stderr.splitlines()) == 1
    assert done.stderr.startswith(f"phantom-guard: error: {path}: ")
    assert message in done.stderr


def test_output_format_is_required_and_json_is_not_one(tmp_path: Path) -> None:
    code, _, err = _run("render", str(tmp_path / "x.json"))
    assert code == 2 and "--output" in err
    code, _, err = _run("render", str(tmp_path / "x.json"), "-o", "json")
    assert code == 2
