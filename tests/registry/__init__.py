"""Tests of the registry clients: document mapping, HTTP behaviour against the fake registry."""

from __future__ import annotations

import asyncio
import json
from collections.abc import Awaitable, Callable
from datetime import UTC, datetime
from typing import Any, TypeVar

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
