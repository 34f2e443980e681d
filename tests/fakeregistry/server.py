"""A fake PyPI, npm and crates registry served over real HTTP on 127.0.0.1, with switchable faults.

The server runs an ``aiohttp.web`` application on its own event loop in a background thread, so
synchronous tests, asyncio tests and benchmarks can all point real HTTP clients at it.
"""

from __future__ import annotations

import asyncio
import contextlib
import enum
import functools
import hashlib
import json
import random
import threading
import zlib
from dataclasses import dataclass, field
from pathlib import Path
from types import TracebackType
from typing import Any, NamedTuple, Self
from urllib.parse import unquote

from aiohttp import web
from packaging.utils import canonicalize_name

__all__ = [
    "CRATES",
    "FIXTURES_DIR",
    "NPM",
    "NPM_DOWNLOADS",
    "PYPI",
    "REGISTRIES",
    "FakeRegistry",
    "Fault",
    "Outcome",
    "RegistryState",
    "RequestRecord",
]

#: Registry keys used in the request log and in fault targeting.
PYPI = "pypi"
NPM = "npm"
NPM_DOWNLOADS = "npm-downloads"
CRATES = "crates"
REGISTRIES = (PYPI, NPM, NPM_DOWNLOADS, CRATES)
#: Log key for requests that match no registry route (answered 404).
UNKNOWN = "unknown"

#: Default fixture tree: ``<dir>/{pypi,npm,crates}/*.json``; ``npm/_downloads.json`` maps counts.
FIXTURES_DIR = Path(__file__).resolve().parent.parent / "fixtures" / "registry"

_DOWNLOADS_START = "2026-10-24"
_DOWNLOADS_END = "2026-11-22"
_NPM_ABBREVIATED = "application/vnd.npm.install-v1+json"
_JSON = "application/json"


class Fault(enum.Enum):
    """Failure modes the fake registry can inject instead of a normal answer."""

    STATUS = "status"  #: HTTP error; param ``status`` (default 500), optional ``body``.
    STATUS_500 = "status_500"  #: Shorthand for ``STATUS`` with status 500.
    RATE_LIMIT = "rate_limit"  #: 429; param ``retry_after`` (str | int | None, default "1").
    MALFORMED_JSON = "malformed_json"  #: 200 application/json that does not parse.
    WRONG_SHAPE = "wrong_shape"  #: 200 valid JSON of another shape; param ``body``.
    TRUNCATED = "truncated"  #: Content-Length larger than what is sent, then close.
    OVERSIZED = "oversized"  #: Huge valid-looking JSON; params ``size``, ``declare_length``.
    RESET = "reset"  #: Close the connection without answering.
    SLOW_DRIP = "slow_drip"  #: Real body a few bytes at a time; ``interval``, ``chunk_size``.
    HANG = "hang"  #: Wait ``seconds`` (default 30) before the normal answer.
    REDIRECT = "redirect"  #: Redirect to ``location`` (default "/moved"); param ``status``.
    HTML = "html"  #: 200 text/html captive-portal page.
    GZIP_BOMB = "gzip_bomb"  #: gzip body inflating to ``size`` bytes of JSON-ish padding.
    ENDLESS = "endless"  #: 200 chunked JSON-ish body that never ends (until the client leaves).
    HUGE_HEADER = "huge_header"  #: A response header line of ``size`` bytes.


_FAULT_PARAMS: dict[Fault, dict[str, Any]] = {
    Fault.STATUS: {"status": 500, "body": None},
    Fault.STATUS_500: {},
    Fault.RATE_LIMIT: {"retry_after": "1"},
    Fault.MALFORMED_JSON: {},
    Fault.WRONG_SHAPE: {"body": [1, 2, 3]},
    Fault.TRUNCATED: {},
    Fault.OVERSIZED: {"size": 20 * 1024 * 1024, "declare_length": True},
    Fault.RESET: {},
    Fault.SLOW_DRIP: {"interval": 0.05, "chunk_size": 8},
    Fault.HANG: {"seconds": 30.0},
    Fault.REDIRECT: {"location": "/moved", "status": 302},
    Fault.HTML: {},
    Fault.GZIP_BOMB: {"size": 256 * 1024 * 1024},
    Fault.ENDLESS: {},
    Fault.HUGE_HEADER: {"size": 64 * 1024},
}

_CAPTIVE_PORTAL = b"""<!DOCTYPE html>
<html lang="en"><head><meta charset="utf-8"><title>Sign in to Guest Wi-Fi</title></head>
<body><h1>Welcome!</h1><p>Please accept the terms of use to access the internet.</p>
<form method="post" action="/login"><button type="submit">Accept and connect</button></form>
</body></html>
"""


class RequestRecord(NamedTuple):
    """One request the server received: registry key, package name as requested, raw path.

    ``fault`` is the value of the `Fault` served instead of the normal answer (None: answered).
    """

    registry: str
    name: str
    path: str
    fault: str | None = None


class Outcome(NamedTuple):
    """How the requests for one name went: ``faulted`` got an injected fault, ``answered`` not."""

    faulted: int
    answered: int


@dataclass
class _FaultRule:
    fault: Fault
    registry: str | None
    name: str | None
    remaining: int | None
    params: dict[str, Any]


@dataclass(frozen=True)
class _Stored:
    """A served document: its encoded body and the cache headers computed once when added."""

    body: bytes
    headers: dict[str, str]


@dataclass
class RegistryState:
    """Snapshot of served documents (see ``FakeRegistry.snapshot`` / ``restore``)."""

    documents: dict[str, dict[str, _Stored]] = field(default_factory=dict)
    downloads: dict[str, int] = field(default_factory=dict)


@dataclass
class _Answer:
    status: int
    body: bytes
    content_type: str = _JSON
    headers: dict[str, str] = field(default_factory=dict)


def name_key(registry: str, name: str) -> str:
    """Return the lookup key a registry uses for ``name`` (its own equivalence rules)."""
    if registry == PYPI:
        return canonicalize_name(name)
    if registry == CRATES:
        return name.lower().replace("_", "-")
    return name


def _dumps(document: Any) -> bytes:
    return json.dumps(document, ensure_ascii=False, separators=(",", ":")).encode()


def _route(raw_path: str) -> tuple[str, str]:
    """Map a raw (percent-encoded) path to ``(registry, name)``; unknown -> ("unknown", "")."""
    segments = [unquote(s) for s in raw_path.split("?", 1)[0].split("/")[1:]]
    if segments and segments[-1] == "" and len(segments) > 1:
        segments.pop()
    match segments:
        case ["pypi", name, "json"] if name:
            return PYPI, name
        case ["npm", name] if name:
            return NPM, name
        case ["npm", scope, name] if scope.startswith("@") and name:
            return NPM, f"{scope}/{name}"
        case ["npm-downloads", "downloads", "point", "last-month", name] if name:
            return NPM_DOWNLOADS, name
        case ["npm-downloads", "downloads", "point", "last-month", scope, name] if (
            scope.startswith("@") and name
        ):
            return NPM_DOWNLOADS, f"{scope}/{name}"
        case ["crates", "api", "v1", "crates", name] if name:
            return CRATES, name
    return UNKNOWN, ""


class FakeRegistry:
    """A real HTTP server on 127.0.0.1 (ephemeral port) serving registry fixtures and faults.

    Usable as a context manager; all public methods are safe to call from any thread.
    """

    def __init__(self, host: str = "127.0.0.1") -> None:
        self._host = host
        self._lock = threading.Lock()
        self._documents: dict[str, dict[str, _Stored]] = {PYPI: {}, NPM: {}, CRATES: {}}
        self._downloads: dict[str, int] = {}
        self._rules: list[_FaultRule] = []
        self._fail_rate = 0.0
        self._fail_rng = random.Random(0)
        self._fail_rule: _FaultRule | None = None
        self._log: list[RequestRecord] = []
        self._headers_log: list[dict[str, str]] = []
        self._peers: set[object] = set()  # client (address, port) of every connection seen
        self._thread: threading.Thread | None = None
        self._loop: asyncio.AbstractEventLoop | None = None
        self._stop_event: asyncio.Event | None = None
        self._port: int | None = None
        #: Seconds to wait (without blocking other requests) before every answer.
        self.latency: float = 0.0
        #: Gzip normal answers when the client accepts it, like the real registries.
        self.compress: bool = False

    # ------------------------------------------------------------------ lifecycle

    def start(self) -> Self:
        """Start serving in a background thread; returns once the port is bound."""
        if self._thread is not None:
            raise RuntimeError("FakeRegistry is already running")
        ready = threading.Event()
        errors: list[BaseException] = []

        def run() -> None:
            try:
                asyncio.run(self._serve(ready))
            except BaseException as exc:  # reported to start()
                errors.append(exc)
                ready.set()

        self._thread = threading.Thread(target=run, name="fake-registry", daemon=True)
        self._thread.start()
        if not ready.wait(timeout=15) or errors:
            self._thread.join(timeout=5)
            self._thread = None
            raise RuntimeError("fake registry failed to start") from (errors[0] if errors else None)
        return self

    def stop(self) -> None:
        """Stop the server, wake sleeping handlers and join the thread (idempotent)."""
        thread, loop, stop_event = self._thread, self._loop, self._stop_event
        if thread is None:
            return
        if loop is not None and stop_event is not None and not loop.is_closed():
            with contextlib.suppress(RuntimeError):  # the loop closed meanwhile
                loop.call_soon_threadsafe(stop_event.set)
        thread.join(timeout=15)
        self._thread = None
        self._loop = None
        self._port = None

    def __enter__(self) -> Self:
        return self.start()

    def __exit__(
        self,
        exc_type: type[BaseException] | None,
        exc: BaseException | None,
        tb: TracebackType | None,
    ) -> None:
        self.stop()

    async def _serve(self, ready: threading.Event) -> None:
        self._loop = asyncio.get_running_loop()
        self._stop_event = asyncio.Event()
        app = web.Application()
        app.router.add_route("*", "/{tail:.*}", self._handle)
        runner = web.AppRunner(
            app, access_log=None, handler_cancellation=True, shutdown_timeout=0.5
        )
        await runner.setup()
        try:
            site = web.TCPSite(runner, self._host, 0)
            await site.start()
            self._port = int(runner.addresses[0][1])
            ready.set()
            await self._stop_event.wait()
        finally:
            await runner.cleanup()

    # ------------------------------------------------------------------ addresses

    @property
    def url(self) -> str:
        """Server root, e.g. ``http://127.0.0.1:41234``; only valid while running."""
        if self._port is None:
            raise RuntimeError("FakeRegistry is not running; call start() first")
        return f"http://{self._host}:{self._port}"

    @property
    def pypi_url(self) -> str:
        """PyPI JSON API base: requests go to ``{base}/{name}/json``."""
        return f"{self.url}/pypi"

    @property
    def npm_url(self) -> str:
        """npm registry base: requests go to ``{base}/{name}`` (scoped: ``@scope%2Fname``)."""
        return f"{self.url}/npm"

    @property
    def npm_downloads_url(self) -> str:
        """npm downloads API base: ``{base}/downloads/point/last-month/{name}``."""
        return f"{self.url}/npm-downloads"

    @property
    def crates_url(self) -> str:
        """crates API base: requests go to ``{base}/crates/{name}``."""
        return f"{self.url}/crates/api/v1"

    def env(self) -> dict[str, str]:
        """Environment variables that point phantom-guard's clients at this server."""
        return {
            "PHANTOM_GUARD_PYPI_URL": self.pypi_url,
            "PHANTOM_GUARD_NPM_URL": self.npm_url,
            "PHANTOM_GUARD_NPM_DOWNLOADS_URL": self.npm_downloads_url,
            "PHANTOM_GUARD_CRATES_URL": self.crates_url,
        }

    # ------------------------------------------------------------------ documents

    def add_pypi(self, name: str, document: dict[str, Any]) -> None:
        """Serve ``document`` for ``name`` (looked up by PEP 503 normalized name)."""
        self._put(PYPI, name, document)

    def add_npm(self, name: str, document: dict[str, Any], downloads: int | None = None) -> None:
        """Serve a packument for ``name`` (exact match); ``downloads`` sets last-month count."""
        self._put(NPM, name, document)
        if downloads is not None:
            self.set_npm_downloads(name, downloads)

    def set_npm_downloads(self, name: str, downloads: int) -> None:
        """Set the downloads API's last-month count for ``name`` (packument not required)."""
        with self._lock:
            self._downloads[name] = downloads

    def add_crate(self, name: str, document: dict[str, Any]) -> None:
        """Serve ``document`` for crate ``name`` (case-insensitive, ``-``/``_`` equivalent)."""
        self._put(CRATES, name, document)

    def remove(self, registry: str, name: str) -> None:
        """Stop serving ``name`` on ``registry`` (no error if absent)."""
        with self._lock:
            if registry == NPM_DOWNLOADS:
                self._downloads.pop(name, None)
            else:
                self._documents[registry].pop(name_key(registry, name), None)

    def clear_documents(self) -> None:
        """Forget every document and download count."""
        with self._lock:
            for docs in self._documents.values():
                docs.clear()
            self._downloads.clear()

    def document(self, registry: str, name: str) -> dict[str, Any] | None:
        """Return a copy of the document served for ``name``, or None."""
        with self._lock:
            stored = self._documents[registry].get(name_key(registry, name))
        return json.loads(stored.body) if stored is not None else None

    def names(self, registry: str) -> list[str]:
        """Return the lookup keys served on ``registry``, sorted."""
        with self._lock:
            if registry == NPM_DOWNLOADS:
                return sorted(self._downloads)
            return sorted(self._documents[registry])

    def snapshot(self) -> RegistryState:
        """Capture the served documents so ``restore`` can undo later additions."""
        with self._lock:
            return RegistryState(
                documents={r: dict(d) for r, d in self._documents.items()},
                downloads=dict(self._downloads),
            )

    def restore(self, state: RegistryState) -> None:
        """Serve exactly the documents captured by ``snapshot``."""
        with self._lock:
            self._documents = {r: dict(d) for r, d in state.documents.items()}
            self._downloads = dict(state.downloads)

    def load_fixtures(self, directory: Path | str | None = None) -> int:
        """Load ``<directory>/{pypi,npm,crates}/*.json``; names come from the documents.

        ``npm/_downloads.json`` (``{name: count}``) feeds the downloads API. Returns the count.
        """
        root = Path(directory) if directory is not None else FIXTURES_DIR
        loaded = 0
        for path in sorted((root / PYPI).glob("*.json")):
            document = json.loads(path.read_text(encoding="utf-8"))
            self.add_pypi(document["info"]["name"], document)
            loaded += 1
        for path in sorted((root / NPM).glob("*.json")):
            document = json.loads(path.read_text(encoding="utf-8"))
            if path.name == "_downloads.json":
                for name, count in document.items():
                    self.set_npm_downloads(name, int(count))
                continue
            self.add_npm(document["name"], document)
            loaded += 1
        for path in sorted((root / CRATES).glob("*.json")):
            document = json.loads(path.read_text(encoding="utf-8"))
            self.add_crate(document["crate"]["name"], document)
            loaded += 1
        return loaded

    def _put(self, registry: str, name: str, document: Any) -> None:
        body = _dumps(document)
        headers = {"ETag": f'"{hashlib.sha1(body).hexdigest()}"'}
        if registry == PYPI:
            headers["Cache-Control"] = "max-age=900, public"
            serial = document.get("last_serial") if isinstance(document, dict) else None
            if serial is not None:
                headers["X-PyPI-Last-Serial"] = str(serial)
        with self._lock:
            self._documents[registry][name_key(registry, name)] = _Stored(body, headers)

    # ------------------------------------------------------------------ faults

    def set_fault(
        self,
        fault: Fault,
        *,
        registry: str | None = None,
        name: str | None = None,
        times: int | None = None,
        **params: Any,
    ) -> None:
        """Inject ``fault`` for matching requests (None = any); ``times`` limits it to the first N.

        Rules are tried in the order they were set; the first live match wins.
        """
        if registry is not None and registry not in REGISTRIES:
            raise ValueError(f"unknown registry {registry!r}; expected one of {REGISTRIES}")
        rule = _FaultRule(fault, registry, name, times, self._params(fault, params))
        with self._lock:
            self._rules.append(rule)

    def fail_rate(
        self,
        rate: float,
        seed: int,
        fault: Fault = Fault.STATUS_500,
        *,
        registry: str | None = None,
        **params: Any,
    ) -> None:
        """Make a seeded-random fraction ``rate`` of registry requests fail with ``fault``.

        The outcome sequence depends only on ``seed`` and the order requests arrive.
        """
        if not 0.0 <= rate <= 1.0:
            raise ValueError("rate must be within [0, 1]")
        rule = _FaultRule(fault, registry, None, None, self._params(fault, params))
        with self._lock:
            self._fail_rate = rate
            self._fail_rng = random.Random(seed)
            self._fail_rule = rule

    def clear_faults(self) -> None:
        """Remove every fault rule and any failure rate."""
        with self._lock:
            self._rules.clear()
            self._fail_rate = 0.0
            self._fail_rule = None

    @staticmethod
    def _params(fault: Fault, params: dict[str, Any]) -> dict[str, Any]:
        defaults = _FAULT_PARAMS[fault]
        unknown = set(params) - set(defaults)
        if unknown:
            raise TypeError(f"{fault.name} takes no parameter(s) {sorted(unknown)}")
        return defaults | params

    def _pick_fault(self, registry: str, name: str) -> _FaultRule | None:
        """Choose the fault for one request; caller holds the lock."""
        chosen: _FaultRule | None = None
        for rule in self._rules:
            if rule.remaining == 0 or not _matches(rule, registry, name):
                continue
            if rule.remaining is not None:
                rule.remaining -= 1
            chosen = rule
            break
        fail_rule = self._fail_rule
        if fail_rule is not None and _matches(fail_rule, registry, name):
            failed = self._fail_rng.random() < self._fail_rate
            if chosen is None and failed:
                chosen = fail_rule
        return chosen

    # ------------------------------------------------------------------ request log

    @property
    def requests(self) -> list[RequestRecord]:
        """Copy of the request log: ``(registry, name, path, fault)`` in arrival order."""
        with self._lock:
            return list(self._log)

    @property
    def request_headers(self) -> list[dict[str, str]]:
        """Headers of each logged request, parallel to ``requests``."""
        with self._lock:
            return [dict(h) for h in self._headers_log]

    def reset_log(self) -> None:
        """Forget logged requests."""
        with self._lock:
            self._log.clear()
            self._headers_log.clear()
            self._peers.clear()

    def connection_count(self) -> int:
        """How many distinct client connections made the logged requests (keep-alive reuse)."""
        with self._lock:
            return len(self._peers)

    def request_count(self, registry: str | None = None, name: str | None = None) -> int:
        """Count logged requests, optionally for one registry and/or one (normalized) name."""
        probe = _FaultRule(Fault.STATUS, registry, name, None, {})
        with self._lock:
            return sum(1 for r in self._log if _matches(probe, r.registry, r.name))

    def outcomes(self, registry: str) -> dict[str, Outcome]:
        """Per name requested on ``registry`` (keyed by its lookup key): faulted vs answered.

        A name whose every request was faulted (``answered == 0``) is one whose lookup failed.
        """
        counts: dict[str, list[int]] = {}
        with self._lock:
            for record in self._log:
                if record.registry == registry:
                    count = counts.setdefault(name_key(registry, record.name), [0, 0])
                    count[record.fault is None] += 1
        return {key: Outcome(faulted, answered) for key, (faulted, answered) in counts.items()}

    # ------------------------------------------------------------------ serving

    async def _handle(self, request: web.Request) -> web.StreamResponse:
        registry, name = _route(request.raw_path)
        with self._lock:
            rule = self._pick_fault(registry, name) if registry != UNKNOWN else None
            fault = rule.fault.value if rule is not None else None
            self._log.append(RequestRecord(registry, name, request.raw_path, fault))
            self._headers_log.append(dict(request.headers))
            if request.transport is not None:
                self._peers.add(request.transport.get_extra_info("peername"))
        if self.latency > 0 and await self._sleep(self.latency):
            return _plain(503, "fake registry shutting down")
        if request.method not in ("GET", "HEAD"):
            return _plain(405, "method not allowed")
        answer = self._answer(registry, name, request)
        if rule is not None:
            return await self._fault(request, rule, answer)
        return self._respond(request, answer)

    def _answer(self, registry: str, name: str, request: web.Request) -> _Answer:
        key = name_key(registry, name)
        with self._lock:
            stored = self._documents[registry].get(key) if registry in self._documents else None
            downloads = self._downloads.get(name)
            has_packument = key in self._documents[NPM]
        if registry == UNKNOWN:
            return _Answer(404, b"Not Found", "text/plain")
        if registry == NPM_DOWNLOADS:
            if downloads is None and not has_packument:
                return _Answer(404, _dumps({"error": f"package {name} not found"}))
            point = {
                "downloads": downloads or 0,
                "start": _DOWNLOADS_START,
                "end": _DOWNLOADS_END,
                "package": name,
            }
            return _Answer(200, _dumps(point))
        if stored is None:
            missing = {
                PYPI: {"message": "Not Found"},
                NPM: {"error": "Not found"},
                CRATES: {"errors": [{"detail": f"crate `{name}` does not exist"}]},
            }[registry]
            return _Answer(404, _dumps(missing))
        if registry == NPM and _NPM_ABBREVIATED in request.headers.get("Accept", ""):
            return _Answer(200, _abbreviate(stored.body), _NPM_ABBREVIATED)
        return _Answer(200, stored.body, _JSON, dict(stored.headers))

    def _respond(self, request: web.Request, answer: _Answer) -> web.Response:
        etag = answer.headers.get("ETag")
        if etag is not None and request.headers.get("If-None-Match") == etag:
            return web.Response(status=304, headers=answer.headers)
        response = web.Response(
            status=answer.status,
            body=answer.body,
            content_type=answer.content_type,
            headers=answer.headers,
        )
        if self.compress:
            response.enable_compression()
        return response

    async def _sleep(self, seconds: float) -> bool:
        """Sleep without blocking other requests; True if the server began stopping meanwhile."""
        assert self._stop_event is not None
        try:
            await asyncio.wait_for(self._stop_event.wait(), timeout=seconds)
        except TimeoutError:
            return False
        return True

    async def _fault(
        self, request: web.Request, rule: _FaultRule, answer: _Answer
    ) -> web.StreamResponse:
        params = rule.params
        match rule.fault:
            case Fault.STATUS | Fault.STATUS_500:
                status = int(params.get("status", 500))
                text = params.get("body") or f"fake registry: injected HTTP {status}"
                return _plain(status, str(text))
            case Fault.RATE_LIMIT:
                headers = {}
                if params["retry_after"] is not None:
                    headers["Retry-After"] = str(params["retry_after"])
                return web.Response(
                    status=429, text="Too Many Requests", content_type="text/plain", headers=headers
                )
            case Fault.MALFORMED_JSON:
                return web.Response(
                    body=b'{"info": {"name": "x", "version": <<garbage', content_type=_JSON
                )
            case Fault.WRONG_SHAPE:
                return web.Response(body=_dumps(params["body"]), content_type=_JSON)
            case Fault.TRUNCATED:
                return await self._truncated(request, answer)
            case Fault.OVERSIZED:
                return await self._oversized(request, int(params["size"]), params["declare_length"])
            case Fault.RESET:
                return _reset(request)
            case Fault.SLOW_DRIP:
                return await self._slow_drip(
                    request, answer, float(params["interval"]), int(params["chunk_size"])
                )
            case Fault.HANG:
                if await self._sleep(float(params["seconds"])):
                    return _plain(503, "fake registry shutting down")
                return self._respond(request, answer)
            case Fault.REDIRECT:
                return web.Response(
                    status=int(params["status"]), headers={"Location": str(params["location"])}
                )
            case Fault.HTML:
                return web.Response(body=_CAPTIVE_PORTAL, content_type="text/html", charset="utf-8")
            case Fault.GZIP_BOMB:
                return web.Response(
                    body=_gzip_bomb(int(params["size"])),
                    content_type=_JSON,
                    headers={"Content-Encoding": "gzip"},
                )
            case Fault.ENDLESS:
                return await self._endless(request)
            case Fault.HUGE_HEADER:
                return web.Response(
                    body=b"{}", content_type=_JSON, headers={"X-Padding": "a" * int(params["size"])}
                )
        raise AssertionError(f"unhandled fault {rule.fault}")  # pragma: no cover

    async def _truncated(self, request: web.Request, answer: _Answer) -> web.StreamResponse:
        body = answer.body if len(answer.body) >= 16 else answer.body + b" " * 64
        response = web.StreamResponse(status=answer.status)
        response.content_type = answer.content_type
        response.content_length = len(body) + 4096
        await response.prepare(request)
        await response.write(body[: len(body) // 2])
        _close(request)
        return response

    async def _oversized(
        self, request: web.Request, size: int, declare_length: bool
    ) -> web.StreamResponse:
        head = b'{"info":{"name":"oversized","summary":"'
        tail = b'"},"releases":{},"urls":[]}'
        padding = max(size - len(head) - len(tail), 0)
        response = web.StreamResponse(status=200)
        response.content_type = _JSON
        if declare_length:
            response.content_length = len(head) + padding + len(tail)
        await response.prepare(request)
        chunk = b"x" * 65536
        try:
            await response.write(head)
            while padding > 0:
                piece = chunk if padding >= len(chunk) else chunk[:padding]
                await response.write(piece)
                padding -= len(piece)
            await response.write(tail)
        except ConnectionError:
            _close(request)
        return response

    async def _slow_drip(
        self, request: web.Request, answer: _Answer, interval: float, chunk_size: int
    ) -> web.StreamResponse:
        response = web.StreamResponse(status=answer.status, headers=answer.headers)
        response.content_type = answer.content_type
        response.content_length = len(answer.body)
        await response.prepare(request)
        try:
            for start in range(0, len(answer.body), max(chunk_size, 1)):
                await response.write(answer.body[start : start + chunk_size])
                if await self._sleep(interval):
                    _close(request)
                    break
        except ConnectionError:
            _close(request)
        return response

    async def _endless(self, request: web.Request) -> web.StreamResponse:
        response = web.StreamResponse(status=200)
        response.content_type = _JSON
        response.enable_chunked_encoding()
        await response.prepare(request)
        chunk = b"x" * 65536
        try:
            await response.write(b'{"info":{"name":"endless","summary":"')
            while self._stop_event is not None and not self._stop_event.is_set():
                await response.write(chunk)
        except ConnectionError:
            pass
        _close(request)
        return response


@functools.cache
def _gzip_bomb(size: int) -> bytes:
    """A small gzip stream that inflates to `size` bytes (a JSON string never closed)."""
    packer = zlib.compressobj(9, zlib.DEFLATED, 31)  # wbits 31: gzip framing
    parts = [packer.compress(b'{"info":{"name":"bomb","summary":"')]
    block = b"0" * (1024 * 1024)
    for _ in range(size // len(block)):
        parts.append(packer.compress(block))
    parts.append(packer.flush())
    return b"".join(parts)


def _matches(rule: _FaultRule, registry: str, name: str) -> bool:
    if rule.registry is not None and rule.registry != registry:
        return False
    if rule.name is None:
        return True
    return name_key(registry, rule.name) == name_key(registry, name)


def _plain(status: int, text: str) -> web.Response:
    return web.Response(status=status, text=text, content_type="text/plain")


def _close(request: web.Request) -> None:
    transport = request.transport
    if transport is not None:
        transport.close()


def _reset(request: web.Request) -> web.Response:
    """Drop the connection at once; aiohttp then fails to write the response quietly."""
    transport = request.transport
    if transport is not None:
        transport.abort()
    return web.Response(status=204)


def _abbreviate(body: bytes) -> bytes:
    """Build npm's abbreviated ("corgi") metadata from a full packument."""
    full = json.loads(body)
    keep = (
        "name",
        "version",
        "deprecated",
        "dependencies",
        "optionalDependencies",
        "peerDependencies",
        "bin",
        "engines",
        "dist",
        "_hasShrinkwrap",
    )
    versions = {
        number: {k: v[k] for k in keep if k in v}
        for number, v in (full.get("versions") or {}).items()
    }
    corgi = {
        "name": full.get("name"),
        "modified": (full.get("time") or {}).get("modified"),
        "dist-tags": full.get("dist-tags", {}),
        "versions": versions,
    }
    return _dumps(corgi)


def main() -> None:
    """Serve the bundled fixtures until interrupted: ``python -m tests.fakeregistry.server``."""
    registry = FakeRegistry()
    registry.load_fixtures()
    with registry:
        for key, value in registry.env().items():
            print(f"export {key}={value}")
        with contextlib.suppress(KeyboardInterrupt):
            threading.Event().wait()


if __name__ == "__main__":
    main()
