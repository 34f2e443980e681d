"""The one error tree of phantom-guard.

::

    PhantomGuardError
    ├── InputError (also ValueError)      bad input from the user: the CLI exits 2
    │   ├── InvalidPackageName            a name its registry's rules forbid
    │   ├── UnknownRegistry               not pypi, npm or crates
    │   ├── ConfigError                   an unreadable or invalid config file or variable
    │   ├── SourceError                   a dependency file that cannot be read or parsed
    │   │   └── UnsupportedFile           a file type no parser knows
    │   ├── ReportError                   a saved report that is not a phantom-guard JSON report
    │   └── CommandError                  a package-manager command line that cannot be read
    ├── FeedError                         the known-malicious feed cannot be read or updated
    └── LookupFailed                      a name could not be verified: its result is ERROR
        ├── RegistryUnavailable           connect error, timeout, 5xx after retries
        │   └── RateLimited               429 after retries (carries Retry-After)
        ├── BadResponse                   malformed, wrong-shape or oversized answer
        └── NetworkNeeded                 offline mode and nothing cached

Library code raises these and never prints or exits; the runner turns `LookupFailed` into an
ERROR result for that one name, and the CLI turns `InputError` into one line on stderr.
"""

from __future__ import annotations


class PhantomGuardError(Exception):
    """Root of every error phantom-guard raises on purpose."""


class InputError(PhantomGuardError, ValueError):
    """The user's input (argument, name, file, config) is wrong; nothing was looked up."""


class InvalidPackageName(InputError):
    """A name that its registry's naming rules forbid (PEP 508, npm's rules, crates.io's rules)."""

    def __init__(self, name: str, registry: str, reason: str) -> None:
        self.name = name
        self.registry = registry
        self.reason = reason
        super().__init__(f"invalid {registry} package name {name!r}: {reason}")


class UnknownRegistry(InputError):
    """A registry other than pypi, npm or crates."""

    def __init__(self, registry: str) -> None:
        from phantom_guard.model import Registry  # here: model's own errors come from this module

        self.registry = registry
        known = ", ".join(Registry)
        super().__init__(f"unknown registry {registry!r} (expected one of: {known})")


class ConfigError(InputError):
    """A config file or environment variable that cannot be used."""


class SourceError(InputError):
    """A dependency file that cannot be read or parsed; names the file and, when known, the line."""

    def __init__(self, file: str, reason: str, line: int | None = None) -> None:
        self.file = file
        self.line = line
        # Parsers' own messages (YAML's, TOML's) can span lines; the user gets one.
        self.reason = reason = " ".join(reason.split())
        where = f"{file}:{line}" if line is not None else file
        super().__init__(f"{where}: {reason}")


class UnsupportedFile(SourceError):
    """A file whose type no parser handles."""


class ReportError(InputError):
    """A saved file that is not a phantom-guard JSON report (DESIGN.md §3), or one of an
    unknown ``schema_version``; names the file and what is wrong with it.
    """

    def __init__(self, file: str, reason: str) -> None:
        self.file = file
        self.reason = reason
        super().__init__(f"{file}: {reason}")


class CommandError(InputError):
    """A package-manager command line phantom-guard cannot read (the guard refuses to run it)."""


class FeedError(PhantomGuardError):
    """The known-malicious feed cannot be read or updated (damaged file, failed download)."""


class LookupFailed(PhantomGuardError):
    """A name could not be verified. Never a reason to call it SAFE."""


class RegistryUnavailable(LookupFailed):
    """The registry could not be reached or kept failing (connect error, timeout, 5xx)."""


class RateLimited(RegistryUnavailable):
    """The registry kept answering 429; `retry_after` is its Retry-After in seconds, if any."""

    def __init__(self, message: str, retry_after: float | None = None) -> None:
        self.retry_after = retry_after
        super().__init__(message)


class BadResponse(LookupFailed):
    """The registry answered with nothing we can trust: malformed, wrong shape or too large."""


class NetworkNeeded(LookupFailed):
    """Offline mode: the name is on no popular list and not in the cache."""
