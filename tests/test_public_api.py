"""The public API is pinned: it never grows or shrinks by accident, and importing it is cheap."""

from __future__ import annotations

import subprocess
import sys

import pytest

import phantom_guard

PUBLIC = [
    "BadResponse",
    "ConfigError",
    "Detector",
    "FailOn",
    "InputError",
    "InvalidPackageName",
    "LookupFailed",
    "NetworkNeeded",
    "PackageMetadata",
    "PackageRef",
    "PackageRisk",
    "PhantomGuardError",
    "RateLimited",
    "Recommendation",
    "Registry",
    "RegistryUnavailable",
    "Report",
    "Settings",
    "Signal",
    "SignalKind",
    "Source",
    "SourceError",
    "UnknownRegistry",
    "UnsupportedFile",
    "__version__",
    "check_paths",
    "validate",
    "validate_many",
    "validate_sync",
]


def test_all_is_pinned() -> None:
    assert phantom_guard.__all__ == PUBLIC
    assert sorted(phantom_guard.__all__) == phantom_guard.__all__


@pytest.mark.parametrize("name", PUBLIC)
def test_every_public_name_resolves(name: str) -> None:
    assert getattr(phantom_guard, name) is not None


def test_unknown_attribute_is_an_attribute_error() -> None:
    with pytest.raises(AttributeError):
        phantom_guard.NoSuchThing  # type: ignore[attr-defined]  # noqa: B018


def test_public_errors_share_one_root() -> None:
    for name in PUBLIC:
        value = getattr(phantom_guard, name)
        if isinstance(value, type) and issubclass(value, Exception):
            assert issubclass(value, phantom_guard.PhantomGuardError), name


def test_version_is_a_string() -> None:
    assert isinstance(phantom_guard.__version__, str)
    assert phantom_guard.__version__.count(".") >= 1


def test_import_does_not_load_aiohttp_or_rich() -> None:
    code = (
        "import phantom_guard, phantom_guard.model, sys; "
        "print('aiohttp' in sys.modules, 'rich' in sys.modules)"
    )
    out = subprocess.run(
        [sys.executable, "-c", code], capture_output=True, text=True, check=True, timeout=60
    )
    assert out.stdout.split() == ["False", "False"]
