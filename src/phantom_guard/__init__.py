"""phantom-guard: stop AI-hallucinated and typosquatted packages before they are installed.

async with Detector() as detector:
    risk = await detector.validate("flask")          # registry defaults to "pypi"
"""

from __future__ import annotations

from phantom_guard._version import __version__

# typing.TYPE_CHECKING without importing typing (mypy treats any name TYPE_CHECKING the same):
# `import phantom_guard` is on every command's start-up path.
TYPE_CHECKING = False
if TYPE_CHECKING:
    from typing import Any

    from phantom_guard.api import check_paths, validate, validate_many, validate_sync
    from phantom_guard.detector import Detector
    from phantom_guard.errors import (
        BadResponse,
        ConfigError,
        InputError,
        InvalidPackageName,
        LookupFailed,
        NetworkNeeded,
        PhantomGuardError,
        RateLimited,
        RegistryUnavailable,
        SourceError,
        UnknownRegistry,
        UnsupportedFile,
    )
    from phantom_guard.model import (
        FailOn,
        PackageMetadata,
        PackageRef,
        PackageRisk,
        Recommendation,
        Registry,
        Report,
        Signal,
        SignalKind,
        Source,
    )
    from phantom_guard.settings import Settings

# Public names -> the module that defines them. Imported on first use (PEP 562), so that
# `import phantom_guard.model` in a commit hook does not pay for the HTTP client or the detector.
# tests/test_public_api.py checks that this table, the imports above and __all__ agree.
_LAZY = {
    "check_paths": "phantom_guard.api",
    "validate": "phantom_guard.api",
    "validate_many": "phantom_guard.api",
    "validate_sync": "phantom_guard.api",
    "Detector": "phantom_guard.detector",
    "Settings": "phantom_guard.settings",
    **dict.fromkeys(
        (
            "BadResponse",
            "ConfigError",
            "InputError",
            "InvalidPackageName",
            "LookupFailed",
            "NetworkNeeded",
            "PhantomGuardError",
            "RateLimited",
            "RegistryUnavailable",
            "SourceError",
            "UnknownRegistry",
            "UnsupportedFile",
        ),
        "phantom_guard.errors",
    ),
    **dict.fromkeys(
        (
            "FailOn",
            "PackageMetadata",
            "PackageRef",
            "PackageRisk",
            "Recommendation",
            "Registry",
            "Report",
            "Signal",
            "SignalKind",
            "Source",
        ),
        "phantom_guard.model",
    ),
}


def __getattr__(name: str) -> Any:
    module = _LAZY.get(name)
    if module is None:
        raise AttributeError(f"module 'phantom_guard' has no attribute {name!r}")
    import importlib

    value = getattr(importlib.import_module(module), name)
    globals()[name] = value
    return value


__all__ = [
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
