"""Each registry's facts in one table: its Package URL type, its URL settings (config key,
environment variable, public default) and its client. Settings, names and the client factory
read this table, so a new registry is one row here plus its client module.
"""

from __future__ import annotations

from phantom_guard.model import Registry
from phantom_guard.registry import endpoints

# Plain slotted classes, not dataclasses: this table is read on every start-up, and a
# dataclass costs a code generation pass at import.


class UrlSetting:
    """A base URL a registry's client needs: the `Settings` field and config-file key, the
    environment variable that overrides it, and the public default (from `endpoints`).
    """

    __slots__ = ("default", "env", "key")

    def __init__(self, key: str, env: str, default: str) -> None:
        self.key = key
        self.env = env
        self.default = default


class RegistryFacts:
    """What phantom-guard knows about one registry apart from its client's code.

    `purl_type` is the purl spec's type (crates.io packages are ``pkg:cargo/…``); `client` is
    ``module:Class``, built as ``Class(http, *urls)``, one argument per entry of `urls`.
    """

    __slots__ = ("client", "purl_type", "registry", "urls")

    def __init__(
        self, registry: Registry, purl_type: str, urls: tuple[UrlSetting, ...], client: str
    ) -> None:
        self.registry = registry
        self.purl_type = purl_type
        self.urls = urls
        self.client = client


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
