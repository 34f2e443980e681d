"""The one pooled HTTP client every registry client shares.

It owns the `aiohttp.ClientSession` (connection pooling across all three registries), and does
what every request needs: a per-request timeout, a bounded and jittered retry on connect errors,
5xx and 429 (honouring Retry-After), a cap on each response's size and on the bytes of all
responses in flight together (`ByteBudget`), redirects followed only within the same host and
never from https to http, a request-rate ceiling per host (`Pacer`), and a descriptive
User-Agent (crates.io's crawler policy rejects requests without one). Messages name hosts,
never credentials.
"""

from __future__ import annotations

import asyncio
import random
import re
import time
from collections.abc import Mapping
from email.utils import parsedate_to_datetime
from typing import Any
from urllib.parse import urlsplit

import aiohttp
import orjson
from yarl import URL

from phantom_guard._version import __version__
from phantom_guard.errors import BadResponse, RateLimited, RegistryUnavailable
from phantom_guard.registry._resolver import DaemonThreadResolver
from phantom_guard.stand_ins import UTC, datetime

USER_AGENT = (
    f"phantom-guard/{__version__} (package existence checker; "
    "+https://github.com/phantom-guard/phantom-guard)"
)
MAX_BODY_BYTES = 64 * 1024 * 1024
#: Bytes of all response bodies held at once in a run (each is also capped at MAX_BODY_BYTES).
BODY_BUDGET_BYTES = 192 * 1024 * 1024
MAX_REDIRECTS = 5  # followed; the next one is an error
_REDIRECT_STATUSES = frozenset({301, 302, 303, 307, 308})
_RETRY_STATUSES = frozenset({500, 502, 503, 504})
_CHUNK = 256 * 1024
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


class ByteBudget:
    """The bytes of all response bodies held at once, shared by every request of a run.

    The per-response cap alone lets memory grow with concurrency (50 gzip bombs in flight held
    3 GB). A body reserves its declared length before reading, or chunk by chunk when the length
    is unknown; a reservation that would pass the budget waits while the body holds nothing yet,
    and fails that one name (BadResponse) once it holds some, so bodies never wait on each other.
    """

    def __init__(self, limit: int) -> None:
        self.limit = limit
        self._used = 0
        self._freed = asyncio.Condition()

    @property
    def used(self) -> int:
        """Bytes reserved right now."""
        return self._used

    async def reserve(self, size: int, *, holding: int) -> None:
        """Reserve `size` more bytes for a body that already holds `holding`."""
        if size > self.limit:
            raise BadResponse(f"a response of {size} bytes exceeds the {self.limit}-byte budget")
        async with self._freed:
            while self._used + size > self.limit:
                if holding:
                    raise BadResponse(
                        f"the run's {self.limit}-byte budget for responses in flight is spent; "
                        "retry with a lower --concurrency"
                    )
                await self._freed.wait()
            self._used += size

    async def release(self, size: int) -> None:
        """Give back `size` bytes."""
        if size:
            async with self._freed:
                self._used -= size
                self._freed.notify_all()


class Pacer:
    """At most `rate` request starts per second to one host (crates.io asks for 1/s)."""

    def __init__(self, rate: float) -> None:
        self._interval = 1.0 / rate
        self._next = 0.0
        self._lock = asyncio.Lock()

    async def wait(self) -> None:
        """Return when the next request to this host may start."""
        async with self._lock:
            now = time.monotonic()
            if self._next > now:
                await asyncio.sleep(self._next - now)
                now = time.monotonic()
            self._next = now + self._interval


class HttpClient:
    """GET JSON documents with retries; 404 is ``None``, every other failure a typed error."""

    def __init__(
        self,
        *,
        timeout: float,
        retries: int = 2,
        backoff: float = 0.25,
        max_body_bytes: int = MAX_BODY_BYTES,
        budget_bytes: int = BODY_BUDGET_BYTES,
        connections: int = 100,
        rates: Mapping[str, float] | None = None,
    ) -> None:
        self._timeout = aiohttp.ClientTimeout(total=timeout)
        self._retries = retries
        self._backoff = backoff
        self._max_body = min(max_body_bytes, budget_bytes)
        self._budget: ByteBudget | None = None
        self._budget_bytes = budget_bytes
        self._connections = connections
        self._session: aiohttp.ClientSession | None = None
        # Request-rate ceilings by host ("host" or "host:port"), each with its own pacer.
        self._rates = dict(rates or {})
        self._pacers: dict[str, Pacer] = {}

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
            self._budget = ByteBudget(self._budget_bytes)
        return self._session

    async def close(self) -> None:
        """Close the pooled session (idempotent)."""
        if self._session is not None:
            await self._session.close()
            self._session = None

    async def get_json(self, url: str) -> Any | None:
        """The decoded JSON at `url`, or None on 404. Retries transient failures.

        A request cancelled from outside (Ctrl-C, the run's deadline) is never retried.
        """
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
            body = await self._fetch(session, url)
        except aiohttp.TooManyRedirects:
            raise BadResponse(f"too many redirects from {host_of(url)}") from None
        except _UNUSABLE_URL as exc:
            raise BadResponse(
                f"redirect to an unsupported URL from {host_of(url)}: {redact(str(exc))}"
            ) from None
        except (aiohttp.ClientPayloadError, aiohttp.ServerDisconnectedError) as exc:
            raise RegistryUnavailable(
                f"connection broken by {host_of(url)}: {redact(str(exc))}"
            ) from None
        except aiohttp.ClientResponseError as exc:
            # The answer could not be parsed as HTTP (a header line over aiohttp's limit, say):
            # asking again gets the same answer.
            raise BadResponse(
                f"unusable HTTP response from {host_of(url)}: {redact(exc.message)}"
            ) from None
        except aiohttp.ClientError as exc:
            raise RegistryUnavailable(f"cannot reach {host_of(url)}: {redact(str(exc))}") from None
        except TimeoutError:
            _raise_if_cancelled()
            raise RegistryUnavailable(f"timed out waiting for {host_of(url)}") from None
        if body is None:
            return None
        try:
            document = orjson.loads(body)
        except orjson.JSONDecodeError as exc:
            raise BadResponse(f"malformed JSON from {host_of(url)}: {exc}") from None
        if document is None:  # None is this method's "404": a 200 `null` must not read as one
            raise BadResponse(f"JSON null from {host_of(url)} instead of a document")
        return document

    async def _fetch(self, session: aiohttp.ClientSession, url: str) -> bytearray | None:
        """The 200 body at `url` (None on 404), following redirects only within its host."""
        current = URL(url)
        for _ in range(MAX_REDIRECTS + 1):
            await self._pace(current)
            async with session.get(current, allow_redirects=False) as response:
                if response.status in _REDIRECT_STATUSES:
                    await _discard(response)
                    current = _redirect_target(current, response)
                    continue
                if response.status == 404:
                    await _discard(response)
                    return None
                if response.status == 429:
                    await _discard(response)
                    raise RateLimited(
                        f"rate limited (HTTP 429) by {host_of(url)}",
                        parse_retry_after(response.headers.get("Retry-After")),
                    )
                if response.status in _RETRY_STATUSES:
                    await _discard(response)
                    raise RegistryUnavailable(f"HTTP {response.status} from {host_of(url)}")
                if response.status != 200:
                    await _discard(response)
                    raise BadResponse(f"unexpected HTTP {response.status} from {host_of(url)}")
                return await self._read_capped(response)
        raise BadResponse(f"too many redirects from {host_of(url)}")

    async def _pace(self, url: URL) -> None:
        host = url.host or ""
        key = f"{host}:{url.port}" if f"{host}:{url.port}" in self._rates else host
        rate = self._rates.get(key)
        if rate is None:
            return
        pacer = self._pacers.get(key)
        if pacer is None:
            pacer = self._pacers[key] = Pacer(rate)
        await pacer.wait()

    async def _read_capped(self, response: aiohttp.ClientResponse) -> bytearray:
        budget = self._budget
        assert budget is not None  # made with the session
        declared = response.content_length
        if declared is not None and declared > self._max_body:
            raise BadResponse(f"response of {declared} bytes exceeds the {self._max_body} limit")
        held = 0
        if declared is not None:
            await budget.reserve(declared, holding=0)
            held = declared
        # One buffer grown in place: a list of chunks joined at the end held every body twice.
        body = bytearray()
        try:
            async for chunk in response.content.iter_chunked(_CHUNK):
                if len(body) + len(chunk) > self._max_body:
                    raise BadResponse(f"response exceeds the {self._max_body}-byte limit")
                if len(body) + len(chunk) > held:
                    more = max(len(body) + len(chunk) - held, _CHUNK)
                    await budget.reserve(more, holding=held)
                    held += more
                body += chunk
            return body
        finally:
            # The caller decodes without yielding to the event loop, so the bytes are gone (or
            # turned into the one document being parsed) before another body can claim them.
            await asyncio.shield(budget.release(held))


async def _discard(response: aiohttp.ClientResponse) -> None:
    """Read and drop a small error body, so the connection returns to the pool for reuse."""
    declared = response.content_length
    if declared is not None and declared > _CHUNK:
        response.close()  # not worth reading: drop the connection instead
        return
    read = 0
    async for chunk in response.content.iter_chunked(16 * 1024):
        read += len(chunk)
        if read > _CHUNK:
            response.close()
            return


def _redirect_target(current: URL, response: aiohttp.ClientResponse) -> URL:
    """Where a redirect points, if it stays on the same host and does not leave https."""
    location = response.headers.get("Location")
    if not location:
        raise BadResponse(f"redirect without a Location from {current.host}")
    try:
        target = current.join(URL(location))
    except ValueError:
        raise BadResponse(f"redirect to an unusable URL from {current.host}") from None
    if target.scheme not in ("http", "https"):
        raise BadResponse(f"redirect to an unsupported URL from {current.host}")
    if current.scheme == "https" and target.scheme != "https":
        raise BadResponse(f"refused a redirect from https to http by {current.host}")
    if (target.host, target.port) != (current.host, current.port):
        raise BadResponse(f"refused a redirect from {current.host} to another host ({target.host})")
    return target


def _raise_if_cancelled() -> None:
    """Re-raise a cancellation that a timeout context turned into TimeoutError.

    A lookup cancelled by Ctrl-C or the run's deadline must end, not come back as a timeout
    that the retry loop tries again.
    """
    task = asyncio.current_task()
    if task is not None and task.cancelling():
        raise asyncio.CancelledError


def parse_retry_after(value: str | None) -> float | None:
    """Seconds to wait from a Retry-After header.

    RFC 9110 §10.2.3: ``Retry-After = HTTP-date / delay-seconds``.
    """
    if value is None:
        return None
    value = value.strip()
    if _DELAY_SECONDS.fullmatch(value):  # str.isdigit() also accepts "²"
        return float(value)
    try:
        when = parsedate_to_datetime(value)
        if when.tzinfo is None:
            when = when.replace(tzinfo=UTC)
        return max(0.0, (when - datetime.now(UTC)).total_seconds())
    except (TypeError, ValueError, OverflowError):  # year 1 with a positive offset overflows
        return None


_DELAY_SECONDS = re.compile(r"[0-9]{1,10}")
_USERINFO = re.compile(r"(?<=//)[^/@\s]*@")


def host_of(url: str) -> str:
    """The host (and port) of `url` for a message: never the credentials before an ``@``."""
    parts = urlsplit(url)
    host = parts.hostname or "?"
    try:
        port = parts.port
    except ValueError:
        port = None
    return f"{host}:{port}" if port else host


def redact(text: str) -> str:
    """`text` with any ``user:password@`` in URLs it contains removed."""
    return _USERINFO.sub("", text)
