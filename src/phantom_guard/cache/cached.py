"""`CachedClient`: any `RegistryClient` behind a `Store`, itself a `RegistryClient`."""

from __future__ import annotations

import asyncio

from phantom_guard.errors import NetworkNeeded
from phantom_guard.model import NormalizedName, PackageMetadata, Registry
from phantom_guard.records import record
from phantom_guard.registry import RegistryClient

TYPE_CHECKING = False  # typing.TYPE_CHECKING, without importing typing on the start-up path
if TYPE_CHECKING:
    from phantom_guard.cache.protocols import Store


@record
class Lookup:
    """An answer and whether it came from the cache (``metadata=None``: not found)."""

    metadata: PackageMetadata | None
    cached: bool


class CachedClient:
    """Store first, then the network; found and not-found answers are stored, failures never.

    Concurrent lookups of one name share a single fetch. Use one instance per event loop.
    """

    def __init__(
        self, client: RegistryClient, store: Store, *, origin: str = "", offline: bool = False
    ) -> None:
        self.registry: Registry = client.registry
        self._client = client
        self._store = store
        # Where the client's answers come from: rows from another origin are never served.
        self._origin = origin
        self._offline = offline
        self._in_flight: dict[NormalizedName, asyncio.Future[PackageMetadata | None]] = {}

    async def fetch(self, name: NormalizedName) -> PackageMetadata | None:
        """The package's metadata, or None if the registry does not have it (`RegistryClient`)."""
        return (await self.lookup(name)).metadata

    async def lookup(self, name: NormalizedName) -> Lookup:
        """The answer for `name`, from the store when it has a live one.

        Raises `NetworkNeeded` offline on a miss, and whatever `LookupFailed` the client raises.
        """
        entry = self._store.get(self.registry, name, self._origin)
        if entry is not None:
            return Lookup(entry.metadata, cached=True)
        if self._offline:
            raise NetworkNeeded(
                f"offline: {name} is not in the cache; checking it needs the network"
            )
        while (pending := self._in_flight.get(name)) is not None:
            try:
                # shield: cancelling this waiter must not cancel the fetch the others wait on.
                return Lookup(await asyncio.shield(pending), cached=False)
            except asyncio.CancelledError:
                task = asyncio.current_task()
                if not pending.cancelled() or (task is not None and task.cancelling()):
                    raise
                # The task doing the fetch was cancelled, not us: fetch it ourselves.
        return Lookup(await self._fetch_and_store(name), cached=False)

    async def _fetch_and_store(self, name: NormalizedName) -> PackageMetadata | None:
        future: asyncio.Future[PackageMetadata | None] = asyncio.get_running_loop().create_future()
        self._in_flight[name] = future
        try:
            metadata = await self._client.fetch(name)
        except Exception as exc:  # handed to the waiters and re-raised: nothing is swallowed
            future.set_exception(exc)
            future.exception()  # mark it retrieved: with no waiters asyncio would log it
            # The future keeps the traceback, whose frames include this one, which holds the
            # future: a cycle that kept every failed answer (a 60 MB document, say) until a GC
            # pass; fifty of them held 2.7 GB. Dropping the name breaks it.
            del future
            raise
        except BaseException:  # cancelled: the waiters fetch for themselves
            future.cancel()
            raise
        finally:
            del self._in_flight[name]
        # Waiters are answered before the write, so a store that fails cannot leave them hanging.
        future.set_result(metadata)
        self._store.put(self.registry, name, metadata, self._origin)
        return metadata
