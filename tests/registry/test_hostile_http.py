"""A hostile or broken registry, at the HTTP client: each attack and its fail-closed answer."""

from __future__ import annotations

import asyncio
import time
from typing import Any

import pytest
from yarl import URL

from phantom_guard.errors import BadResponse, RateLimited, RegistryUnavailable
from phantom_guard.registry._http import (
    ByteBudget,
    HttpClient,
    _redirect_target,
    host_of,
    parse_retry_after,
    redact,
)
from phantom_guard.registry.pypi import PyPIClient
from tests.fakeregistry import PYPI, FakeRegistry, Fault
from tests.registry import fetch, with_http

MIB = 1024 * 1024


def _get(url: str, **options: Any) -> Any:
    async def work(http: HttpClient) -> Any:
        return await http.get_json(url)

    return with_http(work, **options)


def test_gzip_bomb_is_refused_at_the_body_cap(fake_registry: FakeRegistry) -> None:
    fake_registry.set_fault(Fault.GZIP_BOMB, registry=PYPI, size=64 * MIB)
    with pytest.raises(BadResponse, match="limit"):
        _get(f"{fake_registry.pypi_url}/requests/json", max_body_bytes=4 * MIB)


def test_endless_body_is_refused_at_the_body_cap(fake_registry: FakeRegistry) -> None:
    fake_registry.set_fault(Fault.ENDLESS, registry=PYPI)
    with pytest.raises(BadResponse, match="limit"):
        _get(f"{fake_registry.pypi_url}/requests/json", max_body_bytes=2 * MIB)


def test_bodies_in_flight_share_one_budget(fake_registry: FakeRegistry) -> None:
    """Ten endless bodies at once: each may not pass its own cap, and all together not the
    run's budget; whatever happens, the bytes held never exceed it."""
    fake_registry.set_fault(Fault.ENDLESS, registry=PYPI)
    url = f"{fake_registry.pypi_url}/requests/json"
    peak = 0

    async def work(http: HttpClient) -> list[BaseException | Any]:
        nonlocal peak
        http._ensure_session()
        budget = http._budget
        assert budget is not None

        async def watch() -> None:
            nonlocal peak
            while True:
                peak = max(peak, budget.used)
                await asyncio.sleep(0)

        watcher = asyncio.ensure_future(watch())
        try:
            return await asyncio.gather(
                *(http.get_json(url) for _ in range(10)), return_exceptions=True
            )
        finally:
            watcher.cancel()

    outcomes = with_http(work, max_body_bytes=4 * MIB, budget_bytes=8 * MIB, retries=0)
    assert all(isinstance(o, BadResponse) for o in outcomes)
    assert 0 < peak <= 8 * MIB


def test_budget_waits_while_holding_nothing_and_fails_when_holding() -> None:
    async def scenario() -> None:
        budget = ByteBudget(100)
        await budget.reserve(80, holding=0)
        with pytest.raises(BadResponse, match="budget"):
            await budget.reserve(30, holding=10)
        waiter = asyncio.ensure_future(budget.reserve(30, holding=0))
        await asyncio.sleep(0.01)
        assert not waiter.done()  # waits for room instead of failing
        await budget.release(80)
        await asyncio.wait_for(waiter, 1)
        assert budget.used == 30
        with pytest.raises(BadResponse, match="exceeds"):
            await budget.reserve(101, holding=0)

    asyncio.run(scenario())


def test_document_of_another_package_is_a_bad_response(fake_registry: FakeRegistry) -> None:
    fake_registry.add_pypi("x-lookalike", fake_registry.document(PYPI, "requests") or {})
    with pytest.raises(BadResponse, match="another package"):
        fetch(lambda http: PyPIClient(http, fake_registry.pypi_url), "x-lookalike")


def test_same_document_under_another_spelling_is_accepted(fake_registry: FakeRegistry) -> None:
    meta = fetch(lambda http: PyPIClient(http, fake_registry.pypi_url), "Requests")
    assert meta is not None and meta.name == "requests"


def test_credentials_in_the_registry_url_never_reach_a_message(
    fake_registry: FakeRegistry,
) -> None:
    port = URL(fake_registry.url).port
    secret = f"http://alice:s3cr3t-token@127.0.0.1:{port}/pypi"
    fake_registry.set_fault(Fault.STATUS, registry=PYPI, status=503)
    with pytest.raises(RegistryUnavailable) as caught:
        _get(f"{secret}/requests/json", retries=0)
    assert "s3cr3t" not in str(caught.value) and "alice" not in str(caught.value)
    with pytest.raises(RegistryUnavailable) as unreachable:
        _get("http://bob:hunter2@127.0.0.1:9/pypi/x/json", retries=0)
    assert "hunter2" not in str(unreachable.value)


def test_host_of_and_redact_drop_userinfo() -> None:
    assert host_of("https://u:p@mirror.example.test:8443/simple") == "mirror.example.test:8443"
    assert host_of("https://mirror.example.test/x") == "mirror.example.test"
    assert host_of("http://h:notaport/x") == "h"
    assert redact("Cannot connect to https://u:tok@h.example.test/x") == (
        "Cannot connect to https://h.example.test/x"
    )


def test_redirect_to_another_host_is_refused_without_a_request_there(
    fake_registry: FakeRegistry,
) -> None:
    port = URL(fake_registry.url).port
    fake_registry.set_fault(
        Fault.REDIRECT, registry=PYPI, location=f"http://localhost:{port}/pypi/requests/json"
    )
    with pytest.raises(BadResponse, match="another host"):
        _get(f"{fake_registry.pypi_url}/requests/json")
    assert fake_registry.request_count(PYPI) == 1


def test_redirect_within_the_host_is_followed(fake_registry: FakeRegistry) -> None:
    fake_registry.set_fault(
        Fault.REDIRECT, registry=PYPI, name="old-name", location="/pypi/requests/json"
    )
    assert _get(f"{fake_registry.pypi_url}/old-name/json")["info"]["name"] == "requests"


class _Redirect:
    def __init__(self, location: str | None) -> None:
        self.headers = {} if location is None else {"Location": location}


@pytest.mark.parametrize(
    ("location", "message"),
    [
        ("http://registry.example.test/x", "https to http"),
        ("https://evil.example.test/x", "another host"),
        ("https://registry.example.test:444/x", "another host"),
        ("ftp://registry.example.test/x", "unsupported"),
        (None, "without a Location"),
    ],
)
def test_unsafe_redirect_targets(location: str | None, message: str) -> None:
    with pytest.raises(BadResponse, match=message):
        _redirect_target(URL("https://registry.example.test/a"), _Redirect(location))  # type: ignore[arg-type]


def test_safe_redirect_target_is_resolved() -> None:
    target = _redirect_target(URL("https://registry.example.test/a/b"), _Redirect("../c"))  # type: ignore[arg-type]
    assert str(target) == "https://registry.example.test/c"


@pytest.mark.parametrize("value", ["²", "١٢", "1.5", "-3", "99999999999", "soon", ""])
def test_odd_retry_after_values_are_ignored_not_errors(value: str) -> None:
    assert parse_retry_after(value) is None


@pytest.mark.parametrize(
    "value",
    [
        "Mon, 01 Jan 0001 00:00:00 +1400",
        "Mon, 01 Jan 0001 00:00:00 -1400",
        "Fri, 31 Dec 9999 23:59:59 -1400",
        "Fri, 31 Dec 9999 23:59:59 +1400",
    ],
)
def test_dates_at_the_ends_of_the_calendar_are_numbers_or_nothing(value: str) -> None:
    wait = parse_retry_after(value)
    assert wait is None or wait >= 0.0


def test_retry_after_superscript_is_rate_limited_not_a_crash(fake_registry: FakeRegistry) -> None:
    fake_registry.set_fault(Fault.RATE_LIMIT, registry=PYPI, retry_after="²")
    with pytest.raises(RateLimited) as caught:
        _get(f"{fake_registry.pypi_url}/requests/json", retries=0)
    assert caught.value.retry_after is None


def test_oversized_header_is_a_bad_response_not_retried(fake_registry: FakeRegistry) -> None:
    fake_registry.set_fault(Fault.HUGE_HEADER, registry=PYPI, size=200 * 1024)
    with pytest.raises(BadResponse, match="unusable HTTP response"):
        _get(f"{fake_registry.pypi_url}/requests/json")
    assert fake_registry.request_count(PYPI) == 1


def test_requests_to_a_paced_host_are_spaced(fake_registry: FakeRegistry) -> None:
    url = f"{fake_registry.pypi_url}/requests/json"

    async def work(http: HttpClient) -> float:
        started = time.monotonic()
        await asyncio.gather(*(http.get_json(url) for _ in range(3)))
        return time.monotonic() - started

    elapsed = with_http(work, rates={"127.0.0.1": 10.0})
    assert elapsed >= 0.18  # three starts at 10/s: the third waits 0.2 s
    assert fake_registry.request_count(PYPI) == 3


def test_a_cancelled_lookup_is_not_retried(fake_registry: FakeRegistry) -> None:
    fake_registry.set_fault(Fault.HANG, registry=PYPI, seconds=5)
    url = f"{fake_registry.pypi_url}/requests/json"

    async def work(http: HttpClient) -> None:
        task = asyncio.ensure_future(http.get_json(url))
        await asyncio.sleep(0.3)
        task.cancel()
        with pytest.raises(asyncio.CancelledError):
            await task

    with_http(work, retries=2)
    assert fake_registry.request_count(PYPI) == 1
