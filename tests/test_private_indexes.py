"""Private index awareness end to end: a name a private index serves is never sent to the
public registry (the fake registry's log shows no request for it) and never a finding; it is
reported as skipped with the reason. Lock entries from unnamed hosts are FOREIGN_SOURCE.

Every test runs in a project folder with its own HOME and no package-manager variables.
"""

from __future__ import annotations

import json
import shutil
import subprocess
from pathlib import Path
from typing import Any

import pytest
from click.testing import CliRunner

from phantom_guard.cli import main
from tests.fakeregistry import FakeRegistry

ACME_PYPI = "https://pypi.acme.internal/simple"
ACME_NPM = "https://npm.acme.internal/"
ACME_CRATES = "sparse+https://crates.acme.internal/index/"


def _write(root: Path, files: dict[str, str]) -> None:
    for name, text in files.items():
        path = root / name
        path.parent.mkdir(parents=True, exist_ok=True)
        path.write_text(text, encoding="utf-8")


def _check(*args: str) -> tuple[int, dict[str, Any], str]:
    result = CliRunner().invoke(main, ["check", *args, "-o", "json"])
    return result.exit_code, json.loads(result.stdout), result.stderr


def _skipped(document: dict[str, Any]) -> dict[str, str]:
    return {entry["spec"]: entry["reason"] for entry in document["skipped"]}


def _verdicts(document: dict[str, Any]) -> dict[str, str]:
    return {r["name"]: r["recommendation"] for r in document["results"]}


def _never_asked(registry: FakeRegistry, kind: str, *names: str) -> None:
    for name in names:
        assert registry.request_count(kind, name) == 0, name


def test_pip_conf_private_primary_index(project_env: FakeRegistry) -> None:
    home = Path.home()
    _write(home, {".config/pip/pip.conf": f"[global]\nindex-url = {ACME_PYPI}\n"})
    _write(Path.cwd(), {"requirements.txt": "acme-billing==2.1.0\nrequests\n"})
    code, document, stderr = _check(".")
    _never_asked(project_env, "pypi", "acme-billing")
    assert _verdicts(document) == {"requests": "SAFE"}  # popular: answered locally
    reason = _skipped(document)["acme-billing==2.1.0"]
    assert reason.startswith("private: primary index pypi.acme.internal (pip.conf ")
    assert "primary index is private" in stderr and stderr.count("note:") == 1
    assert code == 0


@pytest.mark.parametrize(
    ("files", "variables"),
    [
        ({"requirements.txt": f"--index-url {ACME_PYPI}\nacme-billing\n"}, {}),
        ({"requirements.txt": f"-i {ACME_PYPI}\nacme-billing\n"}, {}),
        ({"requirements.txt": "acme-billing\n"}, {"PIP_INDEX_URL": ACME_PYPI}),
        ({"requirements.txt": "acme-billing\n"}, {"UV_DEFAULT_INDEX": ACME_PYPI}),
        ({"requirements.txt": "acme-billing\n"}, {"PIP_NO_INDEX": "1"}),
        (
            {
                "requirements.txt": "acme-billing\n",
                "pyproject.toml": (
                    '[project]\nname = "x"\n\n[[tool.poetry.source]]\nname = "acme"\n'
                    f'url = "{ACME_PYPI}"\npriority = "primary"\n'
                ),
            },
            {},
        ),
        (
            {
                "Pipfile": f'[[source]]\nname = "acme"\nurl = "{ACME_PYPI}"\n\n'
                '[packages]\nacme-billing = "*"\n'
            },
            {},
        ),
    ],
)
def test_private_primary_index_from_each_place(
    project_env: FakeRegistry,
    monkeypatch: pytest.MonkeyPatch,
    files: dict[str, str],
    variables: dict[str, str],
) -> None:
    for key, value in variables.items():
        monkeypatch.setenv(key, value)
    _write(Path.cwd(), files)
    code, document, _ = _check(".")
    _never_asked(project_env, "pypi", "acme-billing")
    assert document["results"] == []
    assert any(spec == "acme-billing" for spec in _skipped(document))
    assert code == 0


def test_public_index_url_changes_nothing(project_env: FakeRegistry) -> None:
    _write(Path.cwd(), {"requirements.txt": f"--index-url {project_env.url}/simple\nzz-nope\n"})
    code, document, _ = _check(".")
    assert _verdicts(document) == {"zz-nope": "NOT_FOUND"}
    assert code == 1


UV_PYPROJECT = f"""\
[project]
name = "app"
dependencies = ["acme-auth", "requests"]

[[tool.uv.index]]
name = "acme"
url = "{ACME_PYPI}"
explicit = true

[tool.uv.sources]
acme-auth = {{ index = "acme" }}
"""

UV_LOCK = f"""\
version = 1

[[package]]
name = "acme-auth"
version = "3.0.0"
source = {{ registry = "{ACME_PYPI}" }}

[[package]]
name = "acme-metrics"
version = "1.0.0"
source = {{ registry = "{ACME_PYPI}" }}

[[package]]
name = "requests"
version = "2.32.3"
source = {{ registry = "https://pypi.evil.test/simple" }}

[[package]]
name = "zz-odd-lib"
version = "0.1.0"
source = {{ registry = "https://pypi.evil.test/simple" }}
"""


def test_uv_index_sources_and_lock(project_env: FakeRegistry) -> None:
    _write(Path.cwd(), {"pyproject.toml": UV_PYPROJECT, "uv.lock": UV_LOCK})
    code, document, _ = _check(".")
    _never_asked(project_env, "pypi", "acme-auth", "acme-metrics", "zz-odd-lib")
    skipped = _skipped(document)
    assert skipped["acme-auth"].startswith("private: acme-auth -> pypi.acme.internal")
    assert skipped["acme-auth==3.0.0"].startswith("private: acme-auth -> pypi.acme.internal")
    assert skipped["acme-metrics==1.0.0"].startswith("private: acme-metrics -> pypi.acme")
    results = {r["name"]: r for r in document["results"]}
    # A popular name fetched from a host no configuration names: a classic substitution.
    assert results["requests"]["recommendation"] == "HIGH_RISK"
    assert results["zz-odd-lib"]["recommendation"] == "SUSPICIOUS"
    signal = results["zz-odd-lib"]["signals"][0]
    assert signal["kind"] == "FOREIGN_SOURCE" and signal["evidence"]["host"] == "pypi.evil.test"
    assert results["zz-odd-lib"]["sources"][0]["version"] == "0.1.0"
    assert code == 1


def test_uv_unsafe_best_match_is_exposure(project_env: FakeRegistry) -> None:
    pyproject = UV_PYPROJECT.replace("explicit = true", "").replace(
        "[[tool.uv.index]]", '[tool.uv]\nindex-strategy = "unsafe-best-match"\n\n[[tool.uv.index]]'
    )
    pyproject = pyproject.replace('[tool.uv.sources]\nacme-auth = { index = "acme" }\n', "")
    _write(Path.cwd(), {"pyproject.toml": pyproject, "uv.lock": UV_LOCK})
    code, document, _ = _check(".", "--fail-on", "suspicious")
    _never_asked(project_env, "pypi", "acme-auth", "acme-metrics")
    results = {r["name"]: r for r in document["results"]}
    exposure = results["acme-metrics"]
    assert exposure["recommendation"] == "SUSPICIOUS"
    assert exposure["signals"][0]["kind"] == "DEPENDENCY_CONFUSION_EXPOSURE"
    assert "unsafe-best-match" in exposure["signals"][0]["message"]
    assert code == 1


POETRY_PYPROJECT = f"""\
[tool.poetry]
name = "app"

[tool.poetry.dependencies]
python = "^3.11"
acme-core = {{ version = "^1", source = "acme" }}
flask = "^3"

[[tool.poetry.source]]
name = "acme"
url = "{ACME_PYPI}"
priority = "explicit"
"""

POETRY_LOCK = f"""\
[[package]]
name = "acme-core"
version = "1.4.0"

[package.source]
type = "legacy"
url = "{ACME_PYPI}"
reference = "acme"

[[package]]
name = "flask"
version = "3.0.0"
"""


def test_poetry_explicit_source(project_env: FakeRegistry) -> None:
    _write(Path.cwd(), {"pyproject.toml": POETRY_PYPROJECT, "poetry.lock": POETRY_LOCK})
    code, document, _ = _check(".")
    _never_asked(project_env, "pypi", "acme-core")
    assert _verdicts(document) == {"flask": "SAFE"}
    assert _skipped(document)["acme-core==1.4.0"].startswith("private: acme-core -> pypi.acme")
    flask = document["results"][0]
    assert {s["version"] for s in flask["sources"]} == {None, "3.0.0"}
    assert code == 0


def test_poetry_supplemental_source_is_exposure(project_env: FakeRegistry) -> None:
    pyproject = POETRY_PYPROJECT.replace('priority = "explicit"', 'priority = "supplemental"')
    pyproject = pyproject.replace('{ version = "^1", source = "acme" }', '"^1"')
    _write(Path.cwd(), {"pyproject.toml": pyproject, "poetry.lock": POETRY_LOCK})
    _, document, _ = _check(".")
    _never_asked(project_env, "pypi", "acme-core")
    results = {r["name"]: r for r in document["results"]}
    message = results["acme-core"]["signals"][0]["message"]
    assert 'priority = "explicit"' in message  # the fix


def test_check_public_claims_asks_the_public_registry(project_env: FakeRegistry) -> None:
    pyproject = POETRY_PYPROJECT.replace('priority = "explicit"', 'priority = "supplemental"')
    pyproject = pyproject.replace('{ version = "^1", source = "acme" }', '"^1"')
    lock = POETRY_LOCK.replace("acme-core", "tiny-old-lib")
    _write(Path.cwd(), {"pyproject.toml": pyproject, "poetry.lock": lock})
    _, document, _ = _check(".", "--check-public-claims")
    assert project_env.request_count("pypi", "tiny-old-lib") == 1
    results = {r["name"]: r for r in document["results"]}
    assert results["tiny-old-lib"]["recommendation"] == "HIGH_RISK"
    assert "already registered" in results["tiny-old-lib"]["signals"][-1]["message"]


def test_check_public_claims_is_documented_as_leaking() -> None:
    result = CliRunner().invoke(main, ["check", "--help"])
    assert "sends those private names" in " ".join(result.stdout.split())


PACKAGE_JSON = """\
{
  "name": "web",
  "dependencies": {
    "@acme/widgets": "^2.0.0",
    "express": "^4.19.2",
    "acme-unscoped": "^1.0.0"
  }
}
"""

PACKAGE_LOCK = """\
{
  "name": "web",
  "lockfileVersion": 3,
  "packages": {
    "": {"name": "web"},
    "node_modules/@acme/widgets": {
      "version": "2.3.0",
      "resolved": "https://npm.acme.internal/@acme/widgets/-/widgets-2.3.0.tgz"
    },
    "node_modules/express": {
      "version": "4.19.2",
      "resolved": "REGISTRY/express/-/express-4.19.2.tgz"
    },
    "node_modules/acme-unscoped": {
      "version": "1.0.0",
      "resolved": "https://npm.acme.internal/acme-unscoped/-/acme-unscoped-1.0.0.tgz"
    }
  }
}
"""


def test_npmrc_scope_registry(project_env: FakeRegistry) -> None:
    lock = PACKAGE_LOCK.replace("REGISTRY", project_env.npm_url)
    _write(
        Path.cwd(),
        {
            ".npmrc": f"@acme:registry={ACME_NPM}\n",
            "package.json": PACKAGE_JSON,
            "package-lock.json": lock,
        },
    )
    _, document, _ = _check(".", "--fail-on", "suspicious")
    _never_asked(project_env, "npm", "@acme/widgets", "acme-unscoped")
    skipped = _skipped(document)
    assert skipped["@acme/widgets"] == "private: @acme -> npm.acme.internal (.npmrc .npmrc)"
    assert skipped["@acme/widgets@2.3.0"].startswith("private: @acme -> npm.acme.internal")
    results = {r["name"]: r for r in document["results"]}
    assert results["express"]["recommendation"] == "SAFE"
    # An unscoped name from the private registry could be registered publicly.
    unscoped = results["acme-unscoped"]["signals"][0]
    assert unscoped["kind"] == "DEPENDENCY_CONFUSION_EXPOSURE"
    assert "scope" in unscoped["message"]


def test_user_npmrc_private_registry(project_env: FakeRegistry) -> None:
    _write(Path.home(), {".npmrc": f"registry={ACME_NPM}\n"})
    _write(Path.cwd(), {"package.json": PACKAGE_JSON})
    code, document, stderr = _check(".")
    _never_asked(project_env, "npm", "@acme/widgets", "acme-unscoped")
    assert _verdicts(document) == {"express": "SAFE"}
    assert "note:" in stderr
    assert code == 0


def test_npm_config_variable_and_yarnrc(
    project_env: FakeRegistry, monkeypatch: pytest.MonkeyPatch
) -> None:
    _write(
        Path.cwd(),
        {
            ".yarnrc.yml": f'npmScopes:\n  acme:\n    npmRegistryServer: "{ACME_NPM}"\n',
            "package.json": PACKAGE_JSON,
        },
    )
    monkeypatch.setenv("npm_config_registry", "https://npm.mirror.internal/")
    code, document, _ = _check(".")
    _never_asked(project_env, "npm", "@acme/widgets", "acme-unscoped")
    assert _skipped(document)["@acme/widgets"].startswith("private: @acme -> npm.acme.internal")
    assert _skipped(document)["acme-unscoped"].startswith(
        "private: primary index npm.mirror.internal (npm_config_registry)"
    )
    assert code == 0


CARGO_TOML = """\
[package]
name = "app"
version = "0.1.0"

[dependencies]
serde = "1"
acme-util = { version = "1", registry = "acme" }
"""

CARGO_LOCK = f"""\
version = 4

[[package]]
name = "acme-util"
version = "1.2.0"
source = "{ACME_CRATES}"

[[package]]
name = "acme-other"
version = "0.3.0"
source = "{ACME_CRATES}"

[[package]]
name = "zz-forked"
version = "0.1.0"
source = "registry+https://git.evil.test/index"
"""


def test_cargo_registries(project_env: FakeRegistry) -> None:
    _write(
        Path.cwd(),
        {
            ".cargo/config.toml": f'[registries.acme]\nindex = "{ACME_CRATES}"\n',
            "Cargo.toml": CARGO_TOML,
            "Cargo.lock": CARGO_LOCK,
        },
    )
    _, document, _ = _check(".")
    _never_asked(project_env, "crates", "acme-util", "acme-other", "zz-forked")
    skipped = _skipped(document)
    assert skipped["acme-other@0.3.0"].startswith("private: acme-other -> crates.acme.internal")
    results = {r["name"]: r for r in document["results"]}
    assert results["zz-forked"]["signals"][0]["kind"] == "FOREIGN_SOURCE"
    assert results["serde"]["recommendation"] == "SAFE"


def test_cargo_source_replacement_in_cargo_home(
    project_env: FakeRegistry, monkeypatch: pytest.MonkeyPatch, tmp_path: Path
) -> None:
    cargo_home = tmp_path / "cargo-home"
    _write(
        cargo_home,
        {
            "config.toml": '[source.crates-io]\nreplace-with = "mirror"\n\n'
            '[source.mirror]\nregistry = "sparse+https://crates.mirror.internal/"\n'
        },
    )
    monkeypatch.setenv("CARGO_HOME", str(cargo_home))
    _write(Path.cwd(), {"Cargo.toml": '[package]\nname = "a"\n\n[dependencies]\nzz-inner = "1"\n'})
    _, document, stderr = _check(".")
    _never_asked(project_env, "crates", "zz-inner")
    assert _skipped(document)["zz-inner"].startswith("private: primary index crates.mirror")
    assert "note:" in stderr


def test_private_config_key(project_env: FakeRegistry) -> None:
    _write(
        Path.cwd(),
        {
            ".phantom-guard.toml": 'private = ["acme-*", "pkg:npm/@acme/*"]\n',
            "requirements.txt": "acme-billing\nzz-public-missing\n",
            "package.json": PACKAGE_JSON,
        },
    )
    code, document, _ = _check(".")
    _never_asked(project_env, "pypi", "acme-billing")
    _never_asked(project_env, "npm", "@acme/widgets", "acme-unscoped")
    skipped = _skipped(document)
    assert skipped["acme-billing"] == "private: acme-billing (config private = 'acme-*')"
    assert skipped["@acme/widgets"] == "private: @acme/widgets (config private = 'pkg:npm/@acme/*')"
    assert _verdicts(document)["zz-public-missing"] == "NOT_FOUND"
    assert code == 1


def test_a_private_name_is_private_in_every_file(project_env: FakeRegistry) -> None:
    """The lock says acme-metrics comes from the private index: the requirements line that
    names it too (with no index information) must not send it to the public registry.
    """
    _write(
        Path.cwd(),
        {
            "pyproject.toml": UV_PYPROJECT,
            "uv.lock": UV_LOCK,
            "requirements.txt": "acme-metrics\n",
        },
    )
    _check(".")
    _never_asked(project_env, "pypi", "acme-metrics")


def test_skips_are_sarif_notifications(project_env: FakeRegistry) -> None:
    _write(Path.cwd(), {"requirements.txt": "-e ./local\nrequests\n"})
    result = CliRunner().invoke(main, ["check", ".", "-o", "sarif"])
    run = json.loads(result.stdout)["runs"][0]
    assert run["results"] == []
    notes = run["invocations"][0]["toolExecutionNotifications"]
    assert [n["message"]["text"] for n in notes] == [
        "not checked: -e ./local: editable install: ./local"
    ]
    assert notes[0]["locations"][0]["physicalLocation"]["region"] == {"startLine": 1}


def _git(*args: str) -> None:
    subprocess.run(
        ["git", "-c", "user.email=t@example.test", "-c", "user.name=t", *args],
        check=True,
        capture_output=True,
    )


@pytest.mark.skipif(shutil.which("git") is None, reason="needs git")
def test_since_a_change_adding_an_index_host_is_foreign_source(
    registry_env: FakeRegistry, tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    repo = tmp_path / "repo"
    repo.mkdir()
    monkeypatch.chdir(repo)
    _git("init", "-q")
    _write(repo, {"package.json": PACKAGE_JSON})
    _git("add", "-A")
    _git("commit", "-qm", "one")
    # The change: no new dependency, only a registry that would take every unscoped install.
    _write(repo, {".npmrc": "registry=https://npm.evil.test/\n"})
    _git("add", "-A")
    _git("commit", "-qm", "two")
    code, document, _ = _check(".", "--since", "HEAD~1")
    _never_asked(registry_env, "npm", "express", "acme-unscoped", "@acme/widgets")
    results = {r["name"]: r for r in document["results"]}
    assert set(results) == {"express", "acme-unscoped", "@acme/widgets"}
    message = results["express"]["signals"][0]["message"]
    assert message.startswith("routed to npm.evil.test, an index host added since HEAD~1 (.npmrc")
    assert results["express"]["recommendation"] == "HIGH_RISK"  # popular, routed elsewhere
    assert code == 1
    # Without --since the same configuration is simply the project's private registry.
    code, document, _ = _check(".")
    assert document["results"] == [] or _verdicts(document) == {"express": "SAFE"}
    assert code == 0


def test_check_refs_never_looks_up_a_private_name(project_env: FakeRegistry) -> None:
    from phantom_guard.api import check_refs
    from phantom_guard.model import PackageRef, Registry
    from phantom_guard.settings import Settings

    settings = Settings.load().with_overrides(private=("acme-*",))
    refs = [PackageRef("acme-billing", Registry.PYPI), PackageRef("zz-nope", Registry.PYPI)]
    report = check_refs(refs, settings=settings)
    _never_asked(project_env, "pypi", "acme-billing")
    assert [r.name for r in report.results] == ["zz-nope"]
    assert [s.reason for s in report.skipped] == [
        "private: acme-billing (config private = 'acme-*')"
    ]
