"""The pooled HTTP client against the fake registry's fault modes, and Retry-After parsing."""

from __future__ import annotations

import asyncio
import time
from datetime import UTC, datetime, timedelta
from email.utils import format_datetime
from typing import Any

import pytest

from phantom_guard.errors import BadResponse, RateLimited, RegistryUnavailable
from phantom_guard.registry._http import USER_AGENT, HttpClient, parse_retry_after
from tests.fakeregistry import PYPI, FakeRegistry, Fault
from tests.registry import with_http


def _get(registry: FakeRegistry, name: str = "requests", **options: Any) -> Any:
    url = f"{registry.pypi_url}/{name}/json"

    async def work(http: HttpClient) -> Any:
        return await http.get_json(url)

    return with_http(work, **options)


def test_ok(fake_registry: FakeRegistry) -> None:
    assert _get(fake_registry)["info"]["name"] == "requests"


def test_404_is_none(fake_registry: FakeRegistry) -> None:
    assert _get(fake_registry, "no-such-package") is None
    assert fake_registry.request_count(PYPI) == 1


def test_500_then_ok_is_retried(fake_registry: FakeRegistry) -> None:
    fake_registry.set_fault(Fault.STATUS_500, registry=PYPI, times=1)
    assert _get(fake_registry)["info"]["name"] == "requests"
    assert fake_registry.request_count(PYPI) == 2


def test_persistent_503_is_unavailable_after_retries(fake_registry: FakeRegistry) -> None:
    fake_registry.set_fault(Fault.STATUS, registry=PYPI, status=503)
    with pytest.raises(RegistryUnavailable, match="503"):
        _get(fake_registry, retries=2)
    assert fake_registry.request_count(PYPI) == 3


def test_retries_zero_means_one_request(fake_registry: FakeRegistry) -> None:
    fake_registry.set_fault(Fault.STATUS, registry=PYPI, status=502)
    with pytest.raises(RegistryUnavailable):
        _get(fake_registry, retries=0)
    assert fake_registry.request_count(PYPI) == 1


@pytest.mark.parametrize("status", [400, 403, 410, 418])
def test_other_statuses_are_bad_responses_not_retried(
    fake_registry: FakeRegistry, status: int
) -> None:
    fake_registry.set_fault(Fault.STATUS, registry=PYPI, status=status)
    with pytest.raises(BadResponse, match=str(status)):
        _get(fake_registry)
    assert fake_registry.request_count(PYPI) == 1


def test_429_with_retry_after_waits_then_succeeds(fake_registry: FakeRegistry) -> None:
    fake_registry.set_fault(Fault.RATE_LIMIT, registry=PYPI, retry_after="1", times=1)
    started = time.monotonic()
    assert _get(fake_registry)["info"]["name"] == "requests"
    assert time.monotonic() - started >= 0.9
    assert fake_registry.request_count(PYPI) == 2


def test_429_with_huge_retry_after_fails_fast(fake_registry: FakeRegistry) -> None:
    fake_registry.set_fault(Fault.RATE_LIMIT, registry=PYPI, retry_after="3600")
    started = time.monotonic()
    with pytest.raises(RateLimited) as caught:
        _get(fake_registry)
    assert time.monotonic() - started < 1.5
    assert caught.value.retry_after == 3600.0
    assert isinstance(caught.value, RegistryUnavailable)
    assert fake_registry.request_count(PYPI) == 1


def test_persistent_429_without_retry_after(fake_registry: FakeRegistry) -> None:
    fake_registry.set_fault(Fault.RATE_LIMIT, registry=PYPI, retry_after=None)
    with pytest.raises(RateLimited) as caught:
        _get(fake_registry, retries=2)
    assert caught.value.retry_after is None
    assert fake_registry.request_count(PYPI) == 3


def test_malformed_json_is_bad_response(fake_registry: FakeRegistry) -> None:
    fake_registry.set_fault(Fault.MALFORMED_JSON, registry=PYPI)
    with pytest.raises(BadResponse, match="malformed JSON"):
        _get(fake_registry)
    assert fake_registry.request_count(PYPI) == 1


def test_json_null_is_bad_response_not_404(fake_registry: FakeRegistry) -> None:
    fake_registry.set_fault(Fault.WRONG_SHAPE, registry=PYPI, body=None)
    with pytest.raises(BadResponse, match="JSON null"):
        _get(fake_registry)
    assert fake_registry.request_count(PYPI) == 1


def test_html_captive_portal_is_bad_response(fake_registry: FakeRegistry) -> None:
    fake_registry.set_fault(Fault.HTML, registry=PYPI)
    with pytest.raises(BadResponse):
        _get(fake_registry)


def test_truncated_body_is_unavailable(fake_registry: FakeRegistry) -> None:
    fake_registry.set_fault(Fault.TRUNCATED, registry=PYPI)
    with pytest.raises(RegistryUnavailable):
        _get(fake_registry)
    assert fake_registry.request_count(PYPI) == 3  # a broken connection is worth a retry


def test_truncated_once_then_ok(fake_registry: FakeRegistry) -> None:
    fake_registry.set_fault(Fault.TRUNCATED, registry=PYPI, times=1)
    assert _get(fake_registry)["info"]["name"] == "requests"


@pytest.mark.parametrize("declare_length", [True, False])
def test_oversized_body_is_bad_response(fake_registry: FakeRegistry, declare_length: bool) -> None:
    fake_registry.set_fault(
        Fault.OVERSIZED, registry=PYPI, size=200_000, declare_length=declare_length
    )
    with pytest.raises(BadResponse, match="limit"):
        _get(fake_registry, max_body_bytes=10_000)
    assert fake_registry.request_count(PYPI) == 1


def test_body_under_the_cap_is_read(fake_registry: FakeRegistry) -> None:
    fake_registry.set_fault(Fault.OVERSIZED, registry=PYPI, size=5_000, declare_length=False)
    assert _get(fake_registry, max_body_bytes=10_000)["info"]["name"] == "oversized"


def test_reset_connection_is_unavailable(fake_registry: FakeRegistry) -> None:
    fake_registry.set_fault(Fault.RESET, registry=PYPI)
    with pytest.raises(RegistryUnavailable):
        _get(fake_registry)


def test_hang_past_timeout_is_unavailable(fake_registry: FakeRegistry) -> None:
    fake_registry.set_fault(Fault.HANG, registry=PYPI, seconds=5)
    started = time.monotonic()
    with pytest.raises(RegistryUnavailable, match="timed out"):
        _get(fake_registry, timeout=0.5, retries=0)
    assert time.monotonic() - started < 2.5


def test_slow_drip_within_timeout_succeeds(fake_registry: FakeRegistry) -> None:
    fake_registry.add_pypi("drip", {"info": {"name": "drip"}, "releases": {}})
    fake_registry.set_fault(Fault.SLOW_DRIP, registry=PYPI, interval=0.01, chunk_size=16)
    assert _get(fake_registry, "drip")["info"]["name"] == "drip"


def test_redirect_to_ftp_is_bad_response(fake_registry: FakeRegistry) -> None:
    fake_registry.set_fault(Fault.REDIRECT, registry=PYPI, location="ftp://files.example/x.json")
    with pytest.raises(BadResponse):
        _get(fake_registry)


def test_relative_redirect_is_followed(fake_registry: FakeRegistry) -> None:
    fake_registry.set_fault(
        Fault.REDIRECT, registry=PYPI, name="requests", location="/pypi/flask/json", times=1
    )
    assert _get(fake_registry)["info"]["name"] == "Flask"
    assert [r.path for r in fake_registry.requests] == ["/pypi/requests/json", "/pypi/flask/json"]


def test_redirect_loop_is_bad_response(fake_registry: FakeRegistry) -> None:
    fake_registry.set_fault(Fault.REDIRECT, registry=PYPI, location="/pypi/requests/json")
    with pytest.raises(BadResponse, match="redirect"):
        _get(fake_registry)


def test_user_agent_is_sent(fake_registry: FakeRegistry) -> None:
    _get(fake_registry)
    headers = fake_registry.request_headers[0]
    assert headers["User-Agent"] == USER_AGENT
    assert USER_AGENT.startswith("phantom-guard/")
    assert "application/json" in headers["Accept"]


def test_unreachable_host_is_unavailable() -> None:
    async def work(http: HttpClient) -> Any:
        return await http.get_json("http://127.0.0.1:9/pypi/x/json")

    with pytest.raises(RegistryUnavailable):
        with_http(work, retries=1)


def test_close_is_idempotent(fake_registry: FakeRegistry) -> None:
    async def work(http: HttpClient) -> Any:
        first = await http.get_json(f"{fake_registry.pypi_url}/flask/json")
        await http.close()
        await http.close()
        return first

    assert with_http(work)["info"]["name"] == "Flask"


# ---------------------------------------------------------------------------------- Retry-After


@pytest.mark.parametrize(
    ("value", "expected"),
    [("120", 120.0), ("0", 0.0), (" 7 ", 7.0), (None, None), ("", None), ("soon", None)],
)
def test_parse_retry_after_seconds_and_garbage(value: str | None, expected: float | None) -> None:
    assert parse_retry_after(value) == expected


@pytest.mark.parametrize("value", ["-5", "1.5", "Tuesday", "Wed, 99 Foo 2026 99:99:99 GMT"])
def test_parse_retry_after_garbage_is_none(value: str) -> None:
    assert parse_retry_after(value) is None


def test_parse_retry_after_http_date() -> None:
    later = datetime.now(UTC) + timedelta(seconds=60)
    wait = parse_retry_after(format_datetime(later, usegmt=True))
    assert wait is not None
    assert 55 <= wait <= 61


def test_parse_retry_after_past_date_is_zero() -> None:
    assert parse_retry_after("Wed, 21 Oct 2015 07:28:00 GMT") == 0.0


def _many(registry: FakeRegistry, names: list[str], in_flight: int) -> list[Any]:
    async def work(http: HttpClient) -> list[Any]:
        gate = asyncio.Semaphore(in_flight)

        async def one(name: str) -> Any:
            async with gate:
                return await http.get_json(f"{registry.pypi_url}/{name}/json")

        return await asyncio.gather(*(one(name) for name in names))

    return with_http(work, retries=0)


# A 404 page larger than what arrives with the headers (registries serve HTML error pages).
_ERROR_PAGE = "<html>" + "not found " * 20_000 + "</html>"


def test_404s_keep_their_connections(fake_registry: FakeRegistry) -> None:
    """A 404's body is read and dropped, so its connection goes back to the pool."""
    fake_registry.set_fault(Fault.STATUS, status=404, body=_ERROR_PAGE)
    answers = _many(fake_registry, [f"zz-missing-{i}" for i in range(1000)], in_flight=50)
    assert answers == [None] * 1000
    assert fake_registry.request_count(PYPI) == 1000
    assert fake_registry.connection_count() <= 60


@pytest.mark.parametrize(
    ("fault", "params"), [(Fault.STATUS, {"status": 503}), (Fault.RATE_LIMIT, {})]
)
def test_failed_answers_keep_their_connections(
    fake_registry: FakeRegistry, fault: Fault, params: dict[str, Any]
) -> None:
    fake_registry.set_fault(fault, **params)
    names = [f"zz-failing-{i}" for i in range(200)]

    async def work(http: HttpClient) -> list[Any]:
        gate = asyncio.Semaphore(20)

        async def one(name: str) -> Any:
            async with gate:
                try:
                    return await http.get_json(f"{fake_registry.pypi_url}/{name}/json")
                except (RegistryUnavailable, BadResponse) as exc:
                    return type(exc)

        return await asyncio.gather(*(one(name) for name in names))

    answers = with_http(work, retries=0)
    assert len(answers) == 200
    assert fake_registry.connection_count() <= 30
