"""Building registry clients from `Settings`: the one pooled HTTP client, one client per registry.

The HTTP side (aiohttp) is imported only when the first request is actually made, so a run
answered from the cache never loads it.
"""

from __future__ import annotations

import importlib

from phantom_guard.model import NormalizedName, PackageMetadata, Registry
from phantom_guard.registry.facts import FACTS

TYPE_CHECKING = False  # typing.TYPE_CHECKING, without importing typing on the start-up path
if TYPE_CHECKING:
    from phantom_guard.registry import RegistryClient
    from phantom_guard.registry._http import HttpClient
    from phantom_guard.settings import Settings


class ClientFactory:
    """Makes the clients of one run on one shared, pooled `HttpClient`; `close()` releases it."""

    def __init__(self, settings: Settings) -> None:
        self._settings = settings
        self._http: HttpClient | None = None

    def deferred(self, registry: Registry) -> RegistryClient:
        """A client of `registry` that builds the real one on its first fetch."""
        return _DeferredClient(registry, self)

    def build(self, registry: Registry) -> RegistryClient:
        """The real client of `registry`, on the shared HTTP client."""
        from phantom_guard.registry._http import HttpClient

        settings = self._settings
        if self._http is None:
            # One pooled connection per lookup in flight, so none waits for a free socket.
            self._http = HttpClient(
                timeout=settings.timeout,
                connections=max(100, settings.concurrency),
                budget_bytes=settings.body_budget_mb * 1024 * 1024,
                rates=settings.request_rates,
            )
        facts = FACTS[registry]
        module, _, name = facts.client.partition(":")
        client_class = getattr(importlib.import_module(module), name)
        urls = [getattr(settings, url.key) for url in facts.urls]
        client: RegistryClient = client_class(self._http, *urls)
        return client

    async def close(self) -> None:
        """Close the pooled HTTP session, if one was opened."""
        if self._http is not None:
            await self._http.close()
            self._http = None


class _DeferredClient:
    """A registry client built on its first fetch, so cache hits never import aiohttp."""

    def __init__(self, registry: Registry, factory: ClientFactory) -> None:
        self.registry = registry
        self._factory = factory
        self._client: RegistryClient | None = None

    async def fetch(self, name: NormalizedName) -> PackageMetadata | None:
        if self._client is None:
            self._client = self._factory.build(self.registry)
        return await self._client.fetch(name)
