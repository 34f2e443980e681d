"""`check` of a package-lock.json, warm, pinned byte for byte in every output format.

The lock holds what the fast lock path skims past: popular names (one twice, at two versions,
and once more nested at the first version), a scoped name, an alias, a workspace link, a
``file:`` and a git entry, an entry fetched from a host no configuration names, and two names
the registry does not have, answered from the cache by the timed (second) run. The files in
``tests/golden/`` were written by the code before the lock path was made fast; set
``PHANTOM_GUARD_UPDATE_GOLDEN=1`` to rewrite them after an intended change of output.
"""

from __future__ import annotations

import json
import os
import subprocess
import sys
from pathlib import Path

import pytest

from phantom_guard._version import __version__
from tests.fakeregistry import FakeRegistry

GOLDEN = Path(__file__).parent / "golden"
FORMATS = {"text": "txt", "json": "json", "sarif": "sarif", "markdown": "md"}


def _lock(registry: FakeRegistry) -> str:
    npm = registry.npm_url + "/"

    def fetched(package: str, version: str = "1.0.0", **extra: object) -> dict[str, object]:
        bare = package.rpartition("/")[2]
        return {
            "version": version,
            "resolved": f"{npm}{package}/-/{bare}-{version}.tgz",
            "integrity": "sha512-" + "0" * 64,
            **extra,
        }

    packages: dict[str, object] = {
        "": {"name": "golden", "version": "1.0.0", "workspaces": ["packages/*"]},
        "node_modules/semver": fetched("semver", "7.6.0"),
        "node_modules/debug": fetched("debug", "4.3.4", dependencies={"ms": "2.1.2"}),
        "node_modules/@types/node": fetched("@types/node", "20.1.0"),
        "node_modules/ms": fetched("ms", "2.1.2"),
        "node_modules/string-width-cjs": fetched("string-width", "4.2.3", name="string-width"),
        "node_modules/our-workspace": {"resolved": "packages/our-workspace", "link": True},
        "node_modules/local-thing": {"version": "0.2.5", "resolved": "file:../local-thing"},
        "node_modules/from-git": {
            "version": "1.2.3",
            "resolved": "git+ssh://git@git.example.test/acme/from-git.git#abc123",
        },
        "node_modules/elsewhere": {
            "version": "1.0.0",
            "resolved": "https://npm.acme.internal/elsewhere/-/elsewhere-1.0.0.tgz",
        },
        "node_modules/zz-golden-missing": fetched("zz-golden-missing"),
        "node_modules/zz-golden-missing-too": fetched("zz-golden-missing-too", "0.0.1"),
        "node_modules/debug/node_modules/semver": fetched("semver", "6.3.1"),
        "node_modules/ms/node_modules/semver": fetched("semver", "7.6.0"),
        "packages/our-workspace": {"name": "our-workspace", "version": "0.0.0"},
    }
    lock = {"name": "golden", "version": "1.0.0", "lockfileVersion": 3, "requires": True}
    return json.dumps({**lock, "packages": packages}, indent=2) + "\n"


def _check(*args: str) -> subprocess.CompletedProcess[bytes]:
    return subprocess.run(
        [sys.executable, "-m", "phantom_guard", "check", "package-lock.json", *args],
        capture_output=True,
        timeout=60,
        env=dict(os.environ),
        check=False,
    )


@pytest.fixture
def warm_lock(project_env: FakeRegistry, monkeypatch: pytest.MonkeyPatch) -> FakeRegistry:
    """The lock file in a project, its two unknown names cached by a first run."""
    monkeypatch.delenv("NO_COLOR", raising=False)
    # The lock names the fake registry's port: the golden text must not.
    Path("package-lock.json").write_text(_lock(project_env), encoding="utf-8")
    first = _check("-o", "json")
    assert first.returncode == 1, first.stderr  # the missing names are NOT_FOUND
    project_env.reset_log()
    return project_env


@pytest.mark.parametrize("fmt", FORMATS)
def test_warm_check_of_a_package_lock_is_pinned(warm_lock: FakeRegistry, fmt: str) -> None:
    done = _check("-o", fmt, "-v")
    assert warm_lock.requests == []  # every answer local: popular, or from the cache
    output = done.stdout.decode().replace(warm_lock.url, "http://fake-registry.test")
    output = output.replace(f'"{__version__}"', '"VERSION"')  # the one thing a release changes
    pinned = f"exit {done.returncode}\n{output}---stderr\n{done.stderr.decode()}"
    golden = GOLDEN / f"check-package-lock.{FORMATS[fmt]}"
    if os.environ.get("PHANTOM_GUARD_UPDATE_GOLDEN") == "1":
        golden.write_text(pinned, encoding="utf-8")
    assert pinned == golden.read_text(encoding="utf-8")
