"""The fault matrix: every registry client, end to end through ``phantom-guard check``.

For each registry (pypi, npm, crates) and each fault the fake registry can inject, one package of
a small batch is made to fail while the others are served normally, and the run must show that

(a) the bounded retry does what the HTTP client's policy says: the number of requests the fake
    registry logs for the faulty name, and the waits between them (Retry-After or the jittered
    backoff), are the ones read from `phantom_guard.registry._http`;
(b) the faulty name's verdict is ERROR with a reason (the JSON fields of DESIGN.md §3), never SAFE,
    or its normal verdict when the fault is one the client is expected to ride out;
(c) the other names of the batch (a healthy package and a missing one) keep their normal verdicts;
(d) the exit code is 3 when nothing else is found (1 when a finding is there too: precedence), and
    0 with ``--allow-unverified``, the ERROR still being reported.

Waits between retries are recorded instead of slept (see `retry_waits`), so the matrix costs only
the time the faults themselves take; what `HttpClient` does on its own is in registry/test_http.py.
"""

from __future__ import annotations

import asyncio
import inspect
import json
import re
import socket
import time
from collections.abc import Callable
from contextvars import ContextVar
from dataclasses import dataclass
from datetime import UTC, datetime, timedelta
from email.utils import format_datetime, parsedate_to_datetime
from pathlib import Path
from typing import Any, NamedTuple

import pytest
from click.testing import CliRunner

from phantom_guard.cli import main
from phantom_guard.registry import _http
from phantom_guard.registry._http import MAX_BODY_BYTES, MAX_REDIRECTS, HttpClient
from tests.fakeregistry import CRATES, NPM, PYPI, FakeRegistry, Fault, documents
from tests.test_cli import RESULT_KEYS

# ---------------------------------------------------------------- the retry policy, as _http has it

# The detector builds its HttpClient with the defaults of these parameters.
_POLICY = inspect.signature(HttpClient).parameters
RETRIES: int = _POLICY["retries"].default
BACKOFF: float = _POLICY["backoff"].default
ATTEMPTS = RETRIES + 1
#: A Retry-After longer than this is not waited for: the lookup fails at once.
MAX_RETRY_AFTER: float = _http._MAX_RETRY_AFTER
#: The first request, then one per redirect followed; the redirect after those is refused.
REQUESTS_AT_THE_LIMIT = MAX_REDIRECTS + 1
#: aiohttp itself sends an idempotent request once more when the connection drops before any
#: answer (RFC 9112 §9.3.1.1), inside each of the client's attempts.
SENDS_PER_DROPPED_ATTEMPT = 2

# ----------------------------------------------------------------------------- names and documents

TARGET = "quokka-ledger"  # the name the fault is aimed at; served normally otherwise
BYSTANDER = "wombat-almanac"  # served normally, in the same batch
MISSING = "zz-absent-quokka"  # served as 404 by every registry
_RELEASES = [("1.0.0", documents.days_ago(800)), ("1.1.0", documents.days_ago(400))]


# Timeout (PHANTOM_GUARD_TIMEOUT, seconds) for faults that are about time, and for the others.
SHORT_TIMEOUT = 0.3
TIMEOUT = 2.0
# A lowered body cap for streamed oversized bodies, so the test does not move 64 MiB.
SMALL_CAP = 256 * 1024


@dataclass(frozen=True)
class Reg:
    """How one registry is reached and fed to ``check``."""

    key: str  # the fake registry's key and the results' ``registry``
    url_env: str
    manifest: str  # the dependency file ``check`` reads
    render: Callable[[list[str]], str]
    path: Callable[[str], str]  # a name's document on the fake registry
    # Valid JSON the client cannot use: id -> body (the same ids for every registry).
    wrong_shapes: dict[str, Any]


def _requirements(names: list[str]) -> str:
    return "".join(f"{name}\n" for name in names)


def _package_json(names: list[str]) -> str:
    dependencies = dict.fromkeys(names, "^1.0.0")
    return json.dumps({"name": "app", "version": "1.0.0", "dependencies": dependencies}, indent=2)


def _cargo_toml(names: list[str]) -> str:
    lines = "".join(f'{name} = "1"\n' for name in names)
    return f'[package]\nname = "app"\nversion = "0.1.0"\n\n[dependencies]\n{lines}'


PYPI_REG = Reg(
    key=PYPI,
    url_env="PHANTOM_GUARD_PYPI_URL",
    manifest="requirements.txt",
    render=_requirements,
    path=lambda name: f"/pypi/{name}/json",
    wrong_shapes={
        "list": [1, 2, 3],
        "null": None,
        "missing-keys": {"releases": {}, "urls": []},  # no "info"
        "wrong-type": {"info": [TARGET], "releases": {}},
    },
)
NPM_REG = Reg(
    key=NPM,
    url_env="PHANTOM_GUARD_NPM_URL",
    manifest="package.json",
    render=_package_json,
    path=lambda name: f"/npm/{name}",
    wrong_shapes={
        "list": [1, 2, 3],
        "null": None,
        "missing-keys": {"error": "Not found"},  # no "name": not a packument
        "wrong-type": {"name": 42, "versions": {}, "time": {}},
    },
)
CRATES_REG = Reg(
    key=CRATES,
    url_env="PHANTOM_GUARD_CRATES_URL",
    manifest="Cargo.toml",
    render=_cargo_toml,
    path=lambda name: f"/crates/api/v1/crates/{name}",
    wrong_shapes={
        "list": [1, 2, 3],
        "null": None,
        "missing-keys": {"crate": {}},  # a crate object that names no crate
        "wrong-type": {"crate": {"name": TARGET}, "versions": 7},
    },
)
REGS = [pytest.param(reg, id=reg.key) for reg in (PYPI_REG, NPM_REG, CRATES_REG)]


# ------------------------------------------------------------------------------------ the table

Params = Callable[[Reg], dict[str, Any]]


def _none(reg: Reg) -> dict[str, Any]:
    return {}


def _http_date(seconds_from_now: float) -> str:
    return format_datetime(datetime.now(UTC) + timedelta(seconds=seconds_from_now), usegmt=True)


@dataclass(frozen=True)
class Case:
    """One fault and what must come of it."""

    fault: Fault
    params: Params = _none
    times: int | None = None  # the fault applies to the first N requests only
    requests: int = ATTEMPTS  # requests logged for the faulty name in one run
    waits: str = "backoff"  # "backoff" | "none" | "retry-after" | "http-date"
    reason: str | None = None  # regex the ERROR reason matches; None: normal verdict expected
    timeout: float = TIMEOUT
    body_cap: int | None = None  # lowered HttpClient body cap for this case
    # Each failing run costs ATTEMPTS timeouts: such rows skip the --allow-unverified rerun,
    # which only depends on the verdicts (the fast rows cover it for every other fault).
    slow: bool = False
    lasts: float | None = None  # the first run takes at least this long (the fault is slow)


def _wrong_shape(shape: str) -> Case:
    return Case(
        Fault.WRONG_SHAPE,
        lambda reg: {"body": reg.wrong_shapes[shape]},
        requests=1,
        waits="none",
        reason=r"expected a JSON (object|array)|JSON null|no (package|crate) name",
    )


RATE_LIMITED = r"rate limited \(HTTP 429\)"


def _status(status: int) -> Case:
    return Case(Fault.STATUS, lambda reg: {"status": status}, reason=rf"HTTP {status}\b")


CASES = [
    # --- time
    pytest.param(
        Case(
            Fault.HANG,
            lambda reg: {"seconds": 5},
            reason="timed out",
            timeout=SHORT_TIMEOUT,
            slow=True,
        ),
        id="timeout-hang",
    ),
    pytest.param(
        Case(
            Fault.SLOW_DRIP,
            lambda reg: {"interval": 0.05, "chunk_size": 8},
            reason="timed out",
            timeout=SHORT_TIMEOUT,
            slow=True,
        ),
        id="slow-drip-past-timeout",
    ),
    pytest.param(
        Case(
            Fault.SLOW_DRIP,
            lambda reg: {"interval": 0.04, "chunk_size": 320},
            requests=1,
            waits="none",
            lasts=SHORT_TIMEOUT,
        ),
        id="slow-drip-within-timeout",
    ),
    # --- connection and server errors: retried
    pytest.param(
        Case(
            Fault.RESET,
            requests=ATTEMPTS * SENDS_PER_DROPPED_ATTEMPT,
            reason="connection broken",
        ),
        id="connection-reset",
    ),
    pytest.param(_status(500), id="http-500"),
    pytest.param(_status(502), id="http-502"),
    pytest.param(_status(503), id="http-503"),
    pytest.param(_status(504), id="http-504"),
    pytest.param(
        Case(
            Fault.STATUS,
            lambda reg: {"status": 403},
            requests=1,
            waits="none",
            reason="unexpected HTTP 403",
        ),
        id="http-403-not-retried",
    ),
    # --- rate limiting
    pytest.param(
        Case(Fault.RATE_LIMIT, lambda reg: {"retry_after": None}, reason=RATE_LIMITED),
        id="429-no-retry-after",
    ),
    pytest.param(
        Case(
            Fault.RATE_LIMIT,
            lambda reg: {"retry_after": "1"},
            waits="retry-after",
            reason=RATE_LIMITED,
        ),
        id="429-retry-after-seconds",
    ),
    pytest.param(
        Case(
            Fault.RATE_LIMIT,
            lambda reg: {"retry_after": _http_date(1)},
            waits="http-date",
            reason=RATE_LIMITED,
        ),
        id="429-retry-after-http-date",
    ),
    pytest.param(
        Case(
            Fault.RATE_LIMIT,
            lambda reg: {"retry_after": _http_date(-86_400)},
            waits="http-date",
            reason=RATE_LIMITED,
        ),
        id="429-retry-after-past-date",
    ),
    pytest.param(
        Case(
            Fault.RATE_LIMIT,
            lambda reg: {"retry_after": str(int(MAX_RETRY_AFTER) + 1)},
            requests=1,
            waits="none",
            reason=RATE_LIMITED,
        ),
        id="429-retry-after-too-long",
    ),
    # --- bodies that cannot be used: not retried
    pytest.param(
        Case(Fault.MALFORMED_JSON, requests=1, waits="none", reason="malformed JSON"),
        id="malformed-json",
    ),
    pytest.param(
        Case(Fault.HTML, requests=1, waits="none", reason="malformed JSON"),
        id="html-captive-portal",
    ),
    pytest.param(Case(Fault.TRUNCATED, reason="connection broken"), id="truncated-body"),
    pytest.param(_wrong_shape("list"), id="wrong-shape-list"),
    pytest.param(_wrong_shape("null"), id="wrong-shape-null"),
    pytest.param(_wrong_shape("missing-keys"), id="wrong-shape-missing-keys"),
    pytest.param(_wrong_shape("wrong-type"), id="wrong-shape-wrong-type"),
    pytest.param(
        Case(
            Fault.OVERSIZED,
            lambda reg: {"size": MAX_BODY_BYTES + 1, "declare_length": True},
            requests=1,
            waits="none",
            reason="exceeds the .*limit",
        ),
        id="oversized-declared",
    ),
    pytest.param(
        Case(
            Fault.OVERSIZED,
            lambda reg: {"size": 2 * SMALL_CAP, "declare_length": False},
            requests=1,
            waits="none",
            reason="exceeds the .*limit",
            body_cap=SMALL_CAP,
        ),
        id="oversized-streamed",
    ),
    # --- redirects
    pytest.param(
        Case(
            Fault.REDIRECT,
            lambda reg: {"location": reg.path(TARGET)},
            times=MAX_REDIRECTS,
            requests=REQUESTS_AT_THE_LIMIT,
            waits="none",
        ),
        id="redirects-within-limit",
    ),
    pytest.param(
        Case(
            Fault.REDIRECT,
            lambda reg: {"location": reg.path(TARGET)},
            times=MAX_REDIRECTS + 1,
            requests=REQUESTS_AT_THE_LIMIT,
            waits="none",
            reason="too many redirects",
        ),
        id="redirects-over-limit",
    ),
    pytest.param(
        Case(
            Fault.REDIRECT,
            lambda reg: {"location": reg.path(TARGET), "status": 301},
            requests=REQUESTS_AT_THE_LIMIT,
            waits="none",
            reason="too many redirects",
        ),
        id="redirect-loop",
    ),
    pytest.param(
        Case(
            Fault.REDIRECT,
            lambda reg: {"location": "ftp://files.invalid/quokka-ledger.json"},
            requests=1,
            waits="none",
            reason="unsupported URL",
        ),
        id="redirect-to-ftp",
    ),
    pytest.param(
        Case(
            Fault.REDIRECT,
            lambda reg: {"location": "file:///etc/passwd", "status": 307},
            requests=1,
            waits="none",
            reason="unsupported URL",
        ),
        id="redirect-to-file",
    ),
]


# ------------------------------------------------------------------------------------- fixtures


@pytest.fixture
def fault_env(project_env: FakeRegistry, monkeypatch: pytest.MonkeyPatch) -> FakeRegistry:
    """The fake registry serving TARGET and BYSTANDER on every registry; cwd an empty project."""
    monkeypatch.setenv("PHANTOM_GUARD_TIMEOUT", str(TIMEOUT))
    for name in (TARGET, BYSTANDER):
        project_env.add_pypi(name, documents.pypi_document(name))
        project_env.add_npm(name, documents.npm_document(name, _RELEASES), downloads=25_000)
        project_env.add_crate(name, documents.crates_document(name, _RELEASES))
    return project_env


@pytest.fixture(scope="module", autouse=True)
def _warm_up(tmp_path_factory: pytest.TempPathFactory) -> None:
    """Pay the process's one-time costs (name analysis data) before any timed run."""
    names = [f"zz-warm-up-{word}" for word in ("amber", "basalt", "cobalt", "fennel", "quartz")]
    with pytest.MonkeyPatch.context() as patch:
        patch.setenv("PHANTOM_GUARD_CACHE_DIR", str(tmp_path_factory.mktemp("warm-up")))
        for registry in (PYPI, NPM, CRATES):
            args = ["validate", "--offline", "-r", registry, "-o", "json", *names]
            CliRunner().invoke(main, args)


class Wait(NamedTuple):
    """A wait `_http` asked for before retrying `url`: how long, and when it asked."""

    url: str
    seconds: float
    at: float


_URL: ContextVar[str] = ContextVar("_URL", default="")


class _RecordingAsyncio:
    """`asyncio` for `_http`, except that `sleep` is recorded as a `Wait` and does not wait."""

    def __init__(self) -> None:
        self.waits: list[Wait] = []

    def __getattr__(self, name: str) -> Any:
        return getattr(asyncio, name)

    async def sleep(self, delay: float) -> None:
        self.waits.append(Wait(_URL.get(), delay, time.time()))
        await asyncio.sleep(0)


@pytest.fixture
def retry_waits(monkeypatch: pytest.MonkeyPatch) -> list[Wait]:
    """The waits `_http` asks for between attempts, recorded instead of slept."""
    recorder = _RecordingAsyncio()
    get_json = HttpClient.get_json

    async def get_json_noting_url(self: HttpClient, url: str) -> Any:
        _URL.set(url)  # in this task's context only
        return await get_json(self, url)

    monkeypatch.setattr(_http, "asyncio", recorder)
    monkeypatch.setattr(HttpClient, "get_json", get_json_noting_url)
    return recorder.waits


def _waits_for(waits: list[Wait], reg: Reg, name: str) -> list[Wait]:
    return [wait for wait in waits if wait.url.endswith(reg.path(name))]


# -------------------------------------------------------------------------------------- helpers


def _check(reg: Reg, names: list[str], *options: str) -> tuple[int, dict[str, Any]]:
    """Run ``phantom-guard check <manifest> -o json`` on a manifest declaring `names`."""
    manifest = Path(reg.manifest)
    manifest.write_text(reg.render(names), encoding="utf-8")
    result = CliRunner().invoke(main, ["check", str(manifest), "-o", "json", *options])
    assert isinstance(result.exception, SystemExit | None), result.exc_info
    return result.exit_code, json.loads(result.stdout)


def _by_name(document: dict[str, Any]) -> dict[str, dict[str, Any]]:
    return {r["name"]: r for r in document["results"]}


def _assert_error(result: dict[str, Any], reason: str) -> None:
    """An ERROR result as DESIGN.md §3 has it: a reason, existence unknown, never SAFE."""
    assert set(result) == RESULT_KEYS
    assert result["recommendation"] == "ERROR", result
    assert result["exists"] is None
    assert isinstance(result["error"], str)
    assert result["error"].strip()
    assert result["error"] == result["error"].strip()
    assert re.search(reason, result["error"]), result["error"]
    assert "LOOKUP_FAILED" in [s["kind"] for s in result["signals"]]
    assert 0.0 <= result["risk_score"] <= 1.0


def _assert_normal(result: dict[str, Any]) -> None:
    assert result["recommendation"] == "SAFE", result
    assert result["exists"] is True
    assert result["error"] is None


def _assert_backoff(delays: list[float]) -> None:
    """One wait per retry, each within full jitter: attempt i waits uniform(0, BACKOFF * 2**i)."""
    assert len(delays) == RETRIES
    for attempt, delay in enumerate(delays):
        assert 0.0 <= delay <= BACKOFF * 2**attempt


def _assert_waits(case: Case, waits: list[Wait], params: dict[str, Any]) -> None:
    delays = [wait.seconds for wait in waits]
    match case.waits:
        case "none":
            assert delays == []
        case "backoff":
            _assert_backoff(delays)
        case "retry-after":
            assert delays == [float(params["retry_after"])] * RETRIES
        case "http-date":
            assert len(delays) == RETRIES
            moment = parsedate_to_datetime(params["retry_after"]).timestamp()
            for _, delay, when in waits:
                if moment <= when:
                    assert delay == 0.0
                else:
                    assert delay == pytest.approx(moment - when, abs=0.1)
                    assert delay <= 1.0
        case _:
            raise AssertionError(case.waits)


# ---------------------------------------------------------------------------------------- tests


@pytest.mark.parametrize("reg", REGS)
@pytest.mark.parametrize("case", CASES)
def test_fault_in_a_batch(
    fault_env: FakeRegistry,
    retry_waits: list[Wait],
    monkeypatch: pytest.MonkeyPatch,
    reg: Reg,
    case: Case,
) -> None:
    """One faulty name in a batch of three: (a) retry, (b) its verdict, (c) the others, (d) exit."""
    monkeypatch.setenv("PHANTOM_GUARD_TIMEOUT", str(case.timeout))
    if case.body_cap is not None:
        assert HttpClient.__init__.__kwdefaults__ is not None
        monkeypatch.setitem(HttpClient.__init__.__kwdefaults__, "max_body_bytes", case.body_cap)
    params = case.params(reg)
    fault_env.set_fault(case.fault, registry=reg.key, name=TARGET, times=case.times, **params)

    # A healthy name, the faulty one and a missing one.
    started = time.monotonic()
    code, document = _check(reg, [BYSTANDER, TARGET, MISSING])
    if case.lasts is not None:
        assert time.monotonic() - started >= case.lasts
    results = _by_name(document)
    assert list(results) == [BYSTANDER, TARGET, MISSING]

    # (a) the bounded retry, as _http defines it
    assert fault_env.request_count(reg.key, TARGET) == case.requests
    _assert_waits(case, _waits_for(retry_waits, reg, TARGET), params)

    # (b) the faulty name: ERROR with a reason, never SAFE (or its normal verdict)
    if case.reason is not None:
        _assert_error(results[TARGET], case.reason)
    else:
        _assert_normal(results[TARGET])

    # (c) the others are unaffected: their normal verdicts, one request each
    _assert_normal(results[BYSTANDER])
    assert results[MISSING]["recommendation"] == "NOT_FOUND"
    assert results[MISSING]["exists"] is False
    assert fault_env.request_count(reg.key, BYSTANDER) == 1
    assert fault_env.request_count(reg.key, MISSING) == 1
    failed = 1 if case.reason is not None else 0
    assert document["summary"] == {
        "total": 3,
        "SAFE": 2 - failed,
        "SUSPICIOUS": 0,
        "HIGH_RISK": 0,
        "NOT_FOUND": 1,
        "ERROR": failed,
    }
    # (d) a finding outranks an unverified name: exit 1
    assert code == 1

    # (d) without the missing name: 3 if the faulty name could not be verified, else 0 ...
    fault_env.clear_faults()
    fault_env.set_fault(case.fault, registry=reg.key, name=TARGET, times=case.times, **params)
    code, document = _check(reg, [BYSTANDER, TARGET])
    verdicts = [(r["name"], r["recommendation"]) for r in document["results"]]
    if case.reason is None:  # the answer was cached: no new request
        assert verdicts == [(BYSTANDER, "SAFE"), (TARGET, "SAFE")]
        assert _by_name(document)[TARGET]["cached"] is True
        assert fault_env.request_count(reg.key, TARGET) == case.requests
        assert code == 0
        return
    assert verdicts == [(BYSTANDER, "SAFE"), (TARGET, "ERROR")]
    # A failure is never cached: the name was looked up again, with the same bounded retry.
    assert fault_env.request_count(reg.key, TARGET) == 2 * case.requests
    assert code == 3
    if case.slow:
        return
    # ... and with --allow-unverified the ERROR is still reported, but the exit code is 0.
    fault_env.clear_faults()
    fault_env.set_fault(case.fault, registry=reg.key, name=TARGET, times=case.times, **params)
    code, document = _check(reg, [BYSTANDER, TARGET], "--allow-unverified")
    _assert_error(_by_name(document)[TARGET], case.reason)
    assert document["summary"]["ERROR"] == 1
    assert code == 0


_OTHER = {PYPI: NPM_REG, NPM: CRATES_REG, CRATES: PYPI_REG}
_INVALID_HOST = "registry.invalid"  # RFC 6761: never resolves


@pytest.mark.parametrize("reg", REGS)
def test_dns_failure_is_a_bounded_error(
    fault_env: FakeRegistry,
    retry_waits: list[Wait],
    monkeypatch: pytest.MonkeyPatch,
    reg: Reg,
) -> None:
    """A registry URL whose host does not resolve: ERROR for its names, retried, bounded."""
    try:
        socket.getaddrinfo(_INVALID_HOST, 80)
    except OSError:
        pass
    else:  # pragma: no cover - a resolver that answers for .invalid
        pytest.skip(f"{_INVALID_HOST} resolves here")
    # The fake registry's URL for this registry, on a host that does not resolve.
    base = {PYPI: fault_env.pypi_url, NPM: fault_env.npm_url, CRATES: fault_env.crates_url}
    monkeypatch.setenv(reg.url_env, base[reg.key].replace(fault_env.url, f"http://{_INVALID_HOST}"))
    other = _OTHER[reg.key]
    Path(reg.manifest).write_text(reg.render([TARGET]), encoding="utf-8")
    Path(other.manifest).write_text(other.render([BYSTANDER, MISSING]), encoding="utf-8")

    result = CliRunner().invoke(main, ["check", other.manifest, reg.manifest, "-o", "json"])
    assert isinstance(result.exception, SystemExit | None), result.exc_info
    document = json.loads(result.stdout)
    results = _by_name(document)

    _assert_error(results[TARGET], rf"cannot reach {_INVALID_HOST}|timed out")
    assert results[TARGET]["registry"] == reg.key
    assert fault_env.request_count(reg.key) == 0  # it never got near the fake registry
    # retried like any connect error
    _assert_backoff([wait.seconds for wait in _waits_for(retry_waits, reg, TARGET)])
    # A resolver that never answers does not hold up the exit either:
    # tests/registry/test_resolver.py shows it without a clock.
    _assert_normal(results[BYSTANDER])
    assert results[MISSING]["recommendation"] == "NOT_FOUND"
    assert result.exit_code == 1

    Path(other.manifest).write_text(other.render([BYSTANDER]), encoding="utf-8")
    result = CliRunner().invoke(main, ["check", other.manifest, reg.manifest, "-o", "json"])
    assert [r["recommendation"] for r in json.loads(result.stdout)["results"]] == ["SAFE", "ERROR"]
    assert result.exit_code == 3


def test_allow_unverified_from_the_config_file(
    fault_env: FakeRegistry, retry_waits: list[Wait], user_config: Path
) -> None:
    """The user's config key ``allow_unverified`` does what the flag does (exit 0, ERROR
    reported); a repository's config may not set it (tests/test_settings.py).
    """
    user_config.parent.mkdir(parents=True, exist_ok=True)
    user_config.write_text("allow_unverified = true\n", encoding="utf-8")
    fault_env.set_fault(Fault.STATUS, registry=PYPI, name=TARGET, status=503)
    code, document = _check(PYPI_REG, [BYSTANDER, TARGET])
    assert [(r["name"], r["recommendation"]) for r in document["results"]] == [
        (BYSTANDER, "SAFE"),
        (TARGET, "ERROR"),
    ]
    assert code == 0
    user_config.write_text("allow_unverified = false\n", encoding="utf-8")
    code, _ = _check(PYPI_REG, [BYSTANDER, TARGET])
    assert code == 3
