from __future__ import annotations

import asyncio

import pytest

from phantom_guard.cache import Store
from phantom_guard.cache.cached import CachedClient, Lookup
from phantom_guard.cache.memory import MemoryStore
from phantom_guard.errors import NetworkNeeded, RegistryUnavailable
from phantom_guard.model import NormalizedName, PackageMetadata, Registry
from phantom_guard.registry import RegistryClient
from tests.cache import metadata, n

PYPI = Registry.PYPI


class FakeClient:
    """A registry client that knows `answers`, counts fetches, and can be held at a gate."""

    registry = PYPI

    def __init__(
        self,
        answers: dict[str, PackageMetadata | Exception | None],
        gate: asyncio.Event | None = None,
    ) -> None:
        self.answers = answers
        self.gate = gate
        self.fetches: list[str] = []

    async def fetch(self, name: NormalizedName) -> PackageMetadata | None:
        self.fetches.append(name)
        if self.gate is not None:
            await self.gate.wait()
        answer = self.answers.get(name)
        if isinstance(answer, Exception):
            raise answer
        return answer


def _cached(client: FakeClient, store: Store | None = None, **kwargs: bool) -> CachedClient:
    return CachedClient(client, store if store is not None else MemoryStore(), **kwargs)


def test_is_a_registry_client() -> None:
    wrapped: RegistryClient = _cached(FakeClient({}))
    assert wrapped.registry is PYPI


def test_miss_fetches_once_then_hits() -> None:
    client = FakeClient({"flask": metadata()})
    cached = _cached(client)

    async def run() -> tuple[Lookup, Lookup]:
        return await cached.lookup(n("flask")), await cached.lookup(n("flask"))

    first, second = asyncio.run(run())
    assert first == Lookup(metadata(), cached=False)
    assert second == Lookup(metadata(), cached=True)
    assert client.fetches == ["flask"]


def test_hit_avoids_the_fetch() -> None:
    store = MemoryStore()
    store.put(PYPI, n("flask"), metadata())
    client = FakeClient({})
    assert asyncio.run(_cached(client, store).fetch(n("flask"))) == metadata()
    assert client.fetches == []


def test_not_found_is_stored() -> None:
    store = MemoryStore()
    client = FakeClient({"flask-gpt-helper": None})
    cached = _cached(client, store)

    assert asyncio.run(cached.fetch(n("flask-gpt-helper"))) is None
    entry = store.get(PYPI, n("flask-gpt-helper"))
    assert entry is not None
    assert entry.metadata is None
    assert asyncio.run(cached.lookup(n("flask-gpt-helper"))) == Lookup(None, cached=True)
    assert client.fetches == ["flask-gpt-helper"]


def test_errors_propagate_and_are_not_stored() -> None:
    store = MemoryStore()
    client = FakeClient({"flask": RegistryUnavailable("connection reset")})
    cached = _cached(client, store)

    for _ in range(2):
        with pytest.raises(RegistryUnavailable, match="connection reset"):
            asyncio.run(cached.lookup(n("flask")))
    assert store.get(PYPI, n("flask")) is None
    assert client.fetches == ["flask", "flask"]


def test_offline_miss_needs_the_network() -> None:
    client = FakeClient({"flask": metadata()})
    cached = _cached(client, offline=True)
    with pytest.raises(NetworkNeeded) as raised:
        asyncio.run(cached.lookup(n("flask")))
    assert str(raised.value) == (
        "offline: flask is not in the cache; checking it needs the network"
    )
    assert client.fetches == []


def test_offline_hit_is_answered() -> None:
    store = MemoryStore()
    store.put(PYPI, n("flask"), None)
    cached = _cached(FakeClient({}), store, offline=True)
    assert asyncio.run(cached.lookup(n("flask"))) == Lookup(None, cached=True)


def test_concurrent_lookups_of_one_name_share_one_fetch() -> None:
    async def run() -> tuple[list[Lookup], FakeClient]:
        client = FakeClient({"flask": metadata()}, gate=asyncio.Event())
        cached = _cached(client)
        tasks = [asyncio.create_task(cached.lookup(n("flask"))) for _ in range(10)]
        await asyncio.sleep(0)  # let every lookup reach the fetch or the wait for it
        assert client.gate is not None
        client.gate.set()
        return list(await asyncio.gather(*tasks)), client

    results, client = asyncio.run(run())
    assert client.fetches == ["flask"]
    assert results == [Lookup(metadata(), cached=False)] * 10


def test_a_shared_failure_reaches_every_waiter_and_is_not_stored() -> None:
    async def run() -> tuple[list[object], FakeClient, MemoryStore]:
        store = MemoryStore()
        client = FakeClient({"flask": RegistryUnavailable("timeout")}, gate=asyncio.Event())
        cached = _cached(client, store)
        tasks = [asyncio.create_task(cached.lookup(n("flask"))) for _ in range(5)]
        await asyncio.sleep(0)
        assert client.gate is not None
        client.gate.set()
        return list(await asyncio.gather(*tasks, return_exceptions=True)), client, store

    results, client, store = asyncio.run(run())
    assert client.fetches == ["flask"]
    assert all(isinstance(r, RegistryUnavailable) for r in results)
    assert store.get(PYPI, n("flask")) is None


def test_waiters_fetch_themselves_when_the_fetching_task_is_cancelled() -> None:
    async def run() -> tuple[Lookup, FakeClient]:
        client = FakeClient({"flask": metadata()}, gate=asyncio.Event())
        cached = _cached(client)
        leader = asyncio.create_task(cached.lookup(n("flask")))
        await asyncio.sleep(0)
        waiter = asyncio.create_task(cached.lookup(n("flask")))
        await asyncio.sleep(0)
        leader.cancel()
        await asyncio.sleep(0)
        assert client.gate is not None
        client.gate.set()
        with pytest.raises(asyncio.CancelledError):
            await leader
        return await waiter, client

    result, client = asyncio.run(run())
    assert result == Lookup(metadata(), cached=False)
    assert client.fetches == ["flask", "flask"]


def test_cancelling_a_waiter_leaves_the_fetch_running() -> None:
    async def run() -> tuple[Lookup, FakeClient]:
        client = FakeClient({"flask": metadata()}, gate=asyncio.Event())
        cached = _cached(client)
        leader = asyncio.create_task(cached.lookup(n("flask")))
        await asyncio.sleep(0)
        waiter = asyncio.create_task(cached.lookup(n("flask")))
        await asyncio.sleep(0)
        waiter.cancel()
        with pytest.raises(asyncio.CancelledError):
            await waiter
        assert client.gate is not None
        client.gate.set()
        return await leader, client

    result, client = asyncio.run(run())
    assert result == Lookup(metadata(), cached=False)
    assert client.fetches == ["flask"]
