"""Tests of the registry clients: document mapping, HTTP behaviour against the fake registry."""

from __future__ import annotations

import asyncio
import json
from collections.abc import Awaitable, Callable
from datetime import UTC, datetime
from typing import Any, TypeVar

from phantom_guard.model import PackageMetadata, Registry
from phantom_guard.names import normalize
from phantom_guard.registry import RegistryClient
from phantom_guard.registry._http import HttpClient
from tests.fakeregistry import FIXTURES_DIR

T = TypeVar("T")


def fixture(registry: str, stem: str) -> Any:
    """The decoded fixture document ``tests/fixtures/registry/<registry>/<stem>.json``."""
    return json.loads((FIXTURES_DIR / registry / f"{stem}.json").read_text(encoding="utf-8"))


def utc(*parts: int) -> datetime:
    """A UTC datetime from its parts."""
    return datetime(*parts, tzinfo=UTC)  # type: ignore[misc]


def with_http(work: Callable[[HttpClient], Awaitable[T]], **options: Any) -> T:
    """Run `work` with a fresh HttpClient (fast retries) on a new loop, closing it afterwards."""
    options.setdefault("timeout", 2)
    options.setdefault("backoff", 0.01)

    async def run() -> T:
        http = HttpClient(**options)
        try:
            return await work(http)
        finally:
            await http.close()

    return asyncio.run(run())


def fetch(client: Callable[[HttpClient], RegistryClient], name: str) -> PackageMetadata | None:
    """Look `name` up, normalized for its registry, with the client `client` makes (`with_http`)."""

    async def work(http: HttpClient) -> PackageMetadata | None:
        made = client(http)
        return await made.fetch(normalize(name, made.registry))

    return with_http(work)


def assert_metadata(meta: PackageMetadata, registry: Registry, expected: dict[str, Any]) -> None:
    """`meta` is from `registry` and has the `expected` field values.

    Also checks its release times: one per release, in order.
    """
    assert meta.registry is registry
    for field, value in expected.items():
        assert getattr(meta, field) == value, field
    assert meta.release_count == len(meta.release_times)
    assert list(meta.release_times) == sorted(meta.release_times)
