"""Each registry's facts in one table: its Package URL type, its URL settings (config key,
environment variable, public default) and its client. Settings, names and the client factory
read this table, so a new registry is one row here plus its client module.
"""

from __future__ import annotations

from dataclasses import dataclass

from phantom_guard.model import Registry
from phantom_guard.registry import endpoints


@dataclass(frozen=True, slots=True)
class UrlSetting:
    """A base URL a registry's client needs: the `Settings` field and config-file key, the
    environment variable that overrides it, and the public default (from `endpoints`).
    """

    key: str
    env: str
    default: str


@dataclass(frozen=True, slots=True)
class RegistryFacts:
    """What phantom-guard knows about one registry apart from its client's code.

    `client` is ``module:Class``; the class is built as ``Class(http, *urls)``, one argument
    per entry of `urls`, in order.
    """

    registry: Registry
    purl_type: str  # the purl spec's type: crates.io packages are ``pkg:cargo/…``
    urls: tuple[UrlSetting, ...]
    client: str


FACTS: dict[Registry, RegistryFacts] = {
    Registry.PYPI: RegistryFacts(
        Registry.PYPI,
        "pypi",
        (UrlSetting("pypi_url", "PHANTOM_GUARD_PYPI_URL", endpoints.PYPI_URL),),
        "phantom_guard.registry.pypi:PyPIClient",
    ),
    Registry.NPM: RegistryFacts(
        Registry.NPM,
        "npm",
        (
            UrlSetting("npm_url", "PHANTOM_GUARD_NPM_URL", endpoints.NPM_URL),
            UrlSetting(
                "npm_downloads_url", "PHANTOM_GUARD_NPM_DOWNLOADS_URL", endpoints.NPM_DOWNLOADS_URL
            ),
        ),
        "phantom_guard.registry.npm:NpmClient",
    ),
    Registry.CRATES: RegistryFacts(
        Registry.CRATES,
        "cargo",
        (UrlSetting("crates_url", "PHANTOM_GUARD_CRATES_URL", endpoints.CRATES_URL),),
        "phantom_guard.registry.crates:CratesClient",
    ),
}

#: Every URL setting of every registry, in table order.
URL_SETTINGS: tuple[UrlSetting, ...] = tuple(url for facts in FACTS.values() for url in facts.urls)
