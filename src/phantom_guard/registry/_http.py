"""The one pooled HTTP client every registry client shares.

It owns the `aiohttp.ClientSession` (connection pooling across all three registries), and does
what every request needs: a per-request timeout, a bounded and jittered retry on connect errors,
5xx and 429 (honouring Retry-After), a cap on response size, and a descriptive User-Agent
(crates.io's crawler policy rejects requests without one).
"""

from __future__ import annotations

import asyncio
import random
from datetime import UTC, datetime
from email.utils import parsedate_to_datetime
from typing import Any

import aiohttp
import orjson

from phantom_guard._version import __version__
from phantom_guard.errors import BadResponse, RateLimited, RegistryUnavailable
from phantom_guard.registry._resolver import DaemonThreadResolver

USER_AGENT = (
    f"phantom-guard/{__version__} (package existence checker; "
    "+https://github.com/phantom-guard/phantom-guard)"
)
MAX_BODY_BYTES = 64 * 1024 * 1024
MAX_REDIRECTS = 5  # followed; the next one is an error
_RETRY_STATUSES = frozenset({500, 502, 503, 504})
# Longer waits than this are not worth blocking a commit hook for: report RateLimited instead.
_MAX_RETRY_AFTER = 10.0
# A redirect to a non-HTTP URL (``ftp://``, ``file://``) is an answer we cannot use, not a network
# failure worth retrying; aiohttp >= 3.10 raises these for it (3.9 raised InvalidURL).
_UNUSABLE_URL: tuple[type[Exception], ...] = (
    aiohttp.InvalidURL,
    *(
        getattr(aiohttp, name)
        for name in ("NonHttpUrlClientError", "RedirectClientError")
        if hasattr(aiohttp, name)
    ),
)


class HttpClient:
    """GET JSON documents with retries; 404 is ``None``, every other failure a typed error."""

    def __init__(
        self,
        *,
        timeout: float,
        retries: int = 2,
        backoff: float = 0.25,
        max_body_bytes: int = MAX_BODY_BYTES,
        connections: int = 100,
    ) -> None:
        self._timeout = aiohttp.ClientTimeout(total=timeout)
        self._retries = retries
        self._backoff = backoff
        self._max_body = max_body_bytes
        self._connections = connections
        self._session: aiohttp.ClientSession | None = None

    def _ensure_session(self) -> aiohttp.ClientSession:
        if self._session is None:
            connector = aiohttp.TCPConnector(
                limit=self._connections, ttl_dns_cache=300, resolver=DaemonThreadResolver()
            )
            self._session = aiohttp.ClientSession(
                connector=connector,
                timeout=self._timeout,
                headers={"User-Agent": USER_AGENT, "Accept": "application/json"},
            )
        return self._session

    async def close(self) -> None:
        """Close the pooled session (idempotent)."""
        if self._session is not None:
            await self._session.close()
            self._session = None

    async def get_json(self, url: str) -> Any | None:
        """The decoded JSON at `url`, or None on 404. Retries transient failures."""
        attempt = 0
        while True:
            try:
                return await self._get_once(url)
            except RateLimited as exc:
                wait = exc.retry_after
                if attempt >= self._retries or (wait is not None and wait > _MAX_RETRY_AFTER):
                    raise
                await asyncio.sleep(wait if wait is not None else self._delay(attempt))
            except RegistryUnavailable:
                if attempt >= self._retries:
                    raise
                await asyncio.sleep(self._delay(attempt))
            attempt += 1

    def _delay(self, attempt: int) -> float:
        # Full jitter: spreads retries of a batch so they do not arrive together.
        return random.uniform(0, self._backoff * (2**attempt))

    async def _get_once(self, url: str) -> Any | None:
        session = self._ensure_session()
        try:
            async with session.get(url, max_redirects=MAX_REDIRECTS + 1) as response:
                if response.status == 404:
                    return None
                if response.status == 429:
                    raise RateLimited(
                        f"rate limited (HTTP 429) by {_host(url)}",
                        parse_retry_after(response.headers.get("Retry-After")),
                    )
                if response.status in _RETRY_STATUSES:
                    raise RegistryUnavailable(f"HTTP {response.status} from {_host(url)}")
                if response.status != 200:
                    raise BadResponse(f"unexpected HTTP {response.status} from {_host(url)}")
                body = await self._read_capped(response)
        except aiohttp.TooManyRedirects:
            raise BadResponse(f"too many redirects from {_host(url)}") from None
        except _UNUSABLE_URL as exc:
            raise BadResponse(f"redirect to an unsupported URL from {_host(url)}: {exc}") from None
        except (aiohttp.ClientPayloadError, aiohttp.ServerDisconnectedError) as exc:
            raise RegistryUnavailable(f"connection broken by {_host(url)}: {exc}") from None
        except aiohttp.ClientError as exc:
            raise RegistryUnavailable(f"cannot reach {_host(url)}: {exc}") from None
        except TimeoutError:
            raise RegistryUnavailable(f"timed out waiting for {_host(url)}") from None
        try:
            document = orjson.loads(body)
        except orjson.JSONDecodeError as exc:
            raise BadResponse(f"malformed JSON from {_host(url)}: {exc}") from None
        if document is None:  # None is this method's "404": a 200 `null` must not read as one
            raise BadResponse(f"JSON null from {_host(url)} instead of a document")
        return document

    async def _read_capped(self, response: aiohttp.ClientResponse) -> bytes:
        declared = response.content_length
        if declared is not None and declared > self._max_body:
            raise BadResponse(f"response of {declared} bytes exceeds the {self._max_body} limit")
        chunks: list[bytes] = []
        size = 0
        async for chunk in response.content.iter_chunked(256 * 1024):
            size += len(chunk)
            if size > self._max_body:
                raise BadResponse(f"response exceeds the {self._max_body}-byte limit")
            chunks.append(chunk)
        return b"".join(chunks)


def parse_retry_after(value: str | None) -> float | None:
    """Seconds to wait from a Retry-After header.

    RFC 9110 §10.2.3: ``Retry-After = HTTP-date / delay-seconds``.
    """
    if value is None:
        return None
    value = value.strip()
    if value.isdigit():
        return float(value)
    try:
        when = parsedate_to_datetime(value)
    except (TypeError, ValueError):
        return None
    if when.tzinfo is None:
        when = when.replace(tzinfo=UTC)
    return max(0.0, (when - datetime.now(UTC)).total_seconds())


def _host(url: str) -> str:
    return url.split("//", 1)[-1].split("/", 1)[0]
