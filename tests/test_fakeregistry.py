"""Self-tests of the fake registry server: routes, lookups, faults, latency, logging."""

from __future__ import annotations

import asyncio
import gzip
import json
import time
import urllib.error
import urllib.request
from collections.abc import Mapping
from pathlib import Path
from typing import Any

import aiohttp
import pytest

from tests.fakeregistry import (
    FIXTURES_DIR,
    FakeRegistry,
    Fault,
    Outcome,
    RequestRecord,
    documents,
)

_NO_PROXY = urllib.request.build_opener(urllib.request.ProxyHandler({}))


class _NoRedirect(urllib.request.HTTPRedirectHandler):
    def redirect_request(self, *args: Any, **kwargs: Any) -> None:
        return None


_NO_REDIRECT = urllib.request.build_opener(urllib.request.ProxyHandler({}), _NoRedirect())


def get(url: str, headers: Mapping[str, str] | None = None) -> tuple[int, dict[str, str], bytes]:
    """GET with urllib (no proxies, no redirects); HTTP errors are returned, not raised."""
    request = urllib.request.Request(url, headers=dict(headers or {}))
    try:
        with _NO_REDIRECT.open(request, timeout=5) as response:
            return response.status, dict(response.headers), response.read()
    except urllib.error.HTTPError as error:
        with error:
            return error.code, dict(error.headers), error.read()


def get_json(url: str) -> tuple[int, Any]:
    status, _, body = get(url)
    return status, json.loads(body)


async def _aio_get(url: str, timeout: float = 5.0) -> tuple[int, bytes]:
    client_timeout = aiohttp.ClientTimeout(total=timeout)
    async with (
        aiohttp.ClientSession(timeout=client_timeout) as session,
        session.get(url, allow_redirects=False) as response,
    ):
        return response.status, await response.read()


def aio_get(url: str, timeout: float = 5.0) -> tuple[int, bytes]:
    """GET with an aiohttp client session, run to completion on a fresh loop."""
    return asyncio.run(_aio_get(url, timeout))


# ----------------------------------------------------------------------------- documents served


def test_pypi_serves_fixture_and_normalizes_names(fake_registry: FakeRegistry) -> None:
    status, doc = get_json(f"{fake_registry.pypi_url}/requests/json")
    assert status == 200
    assert doc["info"]["name"] == "requests"
    assert doc["info"]["version"] == "2.32.5"
    assert doc["releases"]["2.32.0"][0]["yanked"] is True
    for spelling in ("Flask", "flask", "FLASK", "fLaSk"):
        status, doc = get_json(f"{fake_registry.pypi_url}/{spelling}/json")
        assert (status, doc["info"]["name"]) == (200, "Flask")
    status, doc = get_json(f"{fake_registry.pypi_url}/Tiny_Old.Lib/json")
    assert (status, doc["info"]["name"]) == (200, "tiny-old-lib")


def test_pypi_missing_is_404(fake_registry: FakeRegistry) -> None:
    assert get_json(f"{fake_registry.pypi_url}/no-such-package-xyz/json") == (
        404,
        {"message": "Not Found"},
    )


def test_pypi_headers_and_etag(fake_registry: FakeRegistry) -> None:
    status, headers, _ = get(f"{fake_registry.pypi_url}/flask/json")
    assert status == 200
    assert headers["Content-Type"].startswith("application/json")
    assert headers["X-PyPI-Last-Serial"].isdigit()
    status, _, body = get(
        f"{fake_registry.pypi_url}/flask/json", {"If-None-Match": headers["ETag"]}
    )
    assert (status, body) == (304, b"")


def test_compression_when_enabled(fake_registry: FakeRegistry) -> None:
    url = f"{fake_registry.npm_url}/express"
    assert "Content-Encoding" not in get(url, {"Accept-Encoding": "gzip"})[1]
    fake_registry.compress = True
    status, headers, body = get(url, {"Accept-Encoding": "gzip"})
    assert (status, headers["Content-Encoding"]) == (200, "gzip")
    assert json.loads(gzip.decompress(body))["name"] == "express"


def test_npm_serves_plain_and_scoped(fake_registry: FakeRegistry) -> None:
    status, doc = get_json(f"{fake_registry.npm_url}/express")
    assert (status, doc["name"], doc["dist-tags"]["latest"]) == (200, "express", "5.2.1")
    for path in ("@types%2Fnode", "@types/node", "@types%2fnode"):
        status, doc = get_json(f"{fake_registry.npm_url}/{path}")
        assert (status, doc["name"]) == (200, "@types/node")


def test_npm_exact_match_and_404(fake_registry: FakeRegistry) -> None:
    assert get_json(f"{fake_registry.npm_url}/Express") == (404, {"error": "Not found"})
    assert get_json(f"{fake_registry.npm_url}/@types%2Fnope") == (404, {"error": "Not found"})


def test_npm_special_documents(fake_registry: FakeRegistry) -> None:
    _, unpublished = get_json(f"{fake_registry.npm_url}/unpublished-pkg")
    assert "versions" not in unpublished
    assert unpublished["time"]["unpublished"]["versions"] == ["1.0.0", "1.0.1"]
    _, holder = get_json(f"{fake_registry.npm_url}/security-holder-pkg")
    assert list(holder["versions"]) == ["0.0.1-security"]
    assert holder["description"] == "security holding package"
    _, left_pad = get_json(f"{fake_registry.npm_url}/left-pad")
    assert all("deprecated" in v for v in left_pad["versions"].values())


def test_npm_abbreviated_metadata(fake_registry: FakeRegistry) -> None:
    accept = "application/vnd.npm.install-v1+json; q=1.0, application/json; q=0.8"
    status, headers, body = get(f"{fake_registry.npm_url}/express", {"Accept": accept})
    doc = json.loads(body)
    assert status == 200
    assert headers["Content-Type"].startswith("application/vnd.npm.install-v1+json")
    assert set(doc) == {"name", "modified", "dist-tags", "versions"}
    assert "maintainers" not in doc["versions"]["5.2.1"]


def test_npm_downloads(fake_registry: FakeRegistry) -> None:
    base = f"{fake_registry.npm_downloads_url}/downloads/point/last-month"
    assert get_json(f"{base}/express") == (
        200,
        {
            "downloads": 186_452_031,
            "start": "2026-10-24",
            "end": "2026-11-22",
            "package": "express",
        },
    )
    for path in ("@types/node", "@types%2Fnode"):
        status, doc = get_json(f"{base}/{path}")
        assert (status, doc["package"], doc["downloads"]) == (200, "@types/node", 612_300_442)
    assert get_json(f"{base}/no-such-pkg") == (404, {"error": "package no-such-pkg not found"})
    fake_registry.add_npm("counted", documents.npm_document("counted", []), downloads=5)
    fake_registry.add_npm("uncounted", documents.npm_document("uncounted", []))
    assert get_json(f"{base}/counted")[1]["downloads"] == 5
    assert get_json(f"{base}/uncounted")[1]["downloads"] == 0


def test_crates_lookup_folds_case_and_separators(fake_registry: FakeRegistry) -> None:
    status, doc = get_json(f"{fake_registry.crates_url}/crates/serde")
    assert (status, doc["crate"]["max_stable_version"]) == (200, "1.0.229")
    for spelling in ("Serde", "SERDE"):
        assert get_json(f"{fake_registry.crates_url}/crates/{spelling}")[0] == 200
    for spelling in ("fresh_crate", "Fresh-Crate", "FRESH_CRATE"):
        status, doc = get_json(f"{fake_registry.crates_url}/crates/{spelling}")
        assert (status, doc["crate"]["name"]) == (200, "fresh-crate")
    assert get_json(f"{fake_registry.crates_url}/crates/nope") == (
        404,
        {"errors": [{"detail": "crate `nope` does not exist"}]},
    )


def test_unknown_path_is_404_and_logged(fake_registry: FakeRegistry) -> None:
    status, _, _ = get(f"{fake_registry.url}/simple/requests/")
    assert status == 404
    assert fake_registry.requests == [RequestRecord("unknown", "", "/simple/requests/")]


def test_all_fixtures_load_and_have_no_public_hosts(tmp_path: Path) -> None:
    registry = FakeRegistry()
    assert registry.load_fixtures() == 18
    assert "@types/node" in registry.names("npm")
    assert registry.names("npm-downloads")[0] == "@types/node"
    forbidden = [".".join(p) for p in (("pypi", "org"), ("npmjs", "org"), ("npmjs", "com"))]
    forbidden += [".".join(("crates", "io")), ".".join(("pythonhosted", "org"))]
    roots = [FIXTURES_DIR, Path(__file__).parent / "fakeregistry"]
    for path in (p for root in roots for p in root.rglob("*") if p.suffix in (".json", ".py")):
        assert path.stat().st_size < 60_000, path
        text = path.read_text(encoding="utf-8").lower()
        assert not [host for host in forbidden if host in text], path


def test_added_documents_and_snapshot_restore(fake_registry: FakeRegistry) -> None:
    state = fake_registry.snapshot()
    fake_registry.add_pypi("My.Pkg", documents.pypi_document("My.Pkg"))
    fake_registry.add_crate("My_Crate", documents.crates_document("My_Crate", []))
    assert get_json(f"{fake_registry.pypi_url}/my-pkg/json")[0] == 200
    assert get_json(f"{fake_registry.crates_url}/crates/my-crate")[0] == 200
    fake_registry.restore(state)
    assert get_json(f"{fake_registry.pypi_url}/my-pkg/json")[0] == 404
    fake_registry.add_pypi("gone", documents.pypi_document("gone"))
    fake_registry.remove("pypi", "GONE")
    assert get_json(f"{fake_registry.pypi_url}/gone/json")[0] == 404


def test_env_points_at_the_server(fake_registry: FakeRegistry) -> None:
    env = fake_registry.env()
    assert env == {
        "PHANTOM_GUARD_PYPI_URL": f"{fake_registry.url}/pypi",
        "PHANTOM_GUARD_NPM_URL": f"{fake_registry.url}/npm",
        "PHANTOM_GUARD_NPM_DOWNLOADS_URL": f"{fake_registry.url}/npm-downloads",
        "PHANTOM_GUARD_CRATES_URL": f"{fake_registry.url}/crates/api/v1",
    }
    assert fake_registry.url.startswith("http://127.0.0.1:")


def test_registry_env_fixture(registry_env: FakeRegistry, tmp_path: Path) -> None:
    import os

    assert os.environ["PHANTOM_GUARD_PYPI_URL"] == registry_env.pypi_url
    assert os.environ["PHANTOM_GUARD_CACHE_DIR"] == str(tmp_path / "cache")
    assert os.environ["PHANTOM_GUARD_TIMEOUT"] == "2"
    assert "PHANTOM_GUARD_OFFLINE" not in os.environ


# ------------------------------------------------------------------------------------- faults


@pytest.mark.parametrize("status", [403, 500, 502, 503])
def test_status_fault(fake_registry: FakeRegistry, status: int) -> None:
    fake_registry.set_fault(Fault.STATUS, status=status)
    assert get(f"{fake_registry.pypi_url}/requests/json")[0] == status


def test_status_500_shorthand(fake_registry: FakeRegistry) -> None:
    fake_registry.set_fault(Fault.STATUS_500, registry="crates")
    assert get(f"{fake_registry.crates_url}/crates/serde")[0] == 500
    assert get(f"{fake_registry.npm_url}/express")[0] == 200


@pytest.mark.parametrize("retry_after", ["1", "Wed, 25 Nov 2026 07:28:00 GMT", None])
def test_rate_limit_fault(fake_registry: FakeRegistry, retry_after: str | None) -> None:
    fake_registry.set_fault(Fault.RATE_LIMIT, retry_after=retry_after)
    status, headers, _ = get(f"{fake_registry.npm_url}/express")
    assert status == 429
    assert headers.get("Retry-After") == retry_after


def test_malformed_json_fault(fake_registry: FakeRegistry) -> None:
    fake_registry.set_fault(Fault.MALFORMED_JSON)
    status, headers, body = get(f"{fake_registry.pypi_url}/requests/json")
    assert status == 200 and headers["Content-Type"].startswith("application/json")
    assert body.startswith(b'{"info": ')
    with pytest.raises(json.JSONDecodeError):
        json.loads(body)


def test_wrong_shape_fault(fake_registry: FakeRegistry) -> None:
    fake_registry.set_fault(Fault.WRONG_SHAPE, registry="pypi")
    assert get_json(f"{fake_registry.pypi_url}/requests/json") == (200, [1, 2, 3])
    fake_registry.set_fault(Fault.WRONG_SHAPE, registry="npm", body={"info": "x"})
    assert get_json(f"{fake_registry.npm_url}/express") == (200, {"info": "x"})


def test_truncated_fault_is_a_client_error(fake_registry: FakeRegistry) -> None:
    fake_registry.set_fault(Fault.TRUNCATED)
    with pytest.raises(aiohttp.ClientPayloadError):
        aio_get(f"{fake_registry.pypi_url}/requests/json")


def test_reset_fault_is_a_client_error(fake_registry: FakeRegistry) -> None:
    fake_registry.set_fault(Fault.RESET, registry="crates")
    with pytest.raises(aiohttp.ClientError):
        aio_get(f"{fake_registry.crates_url}/crates/serde")
    assert aio_get(f"{fake_registry.pypi_url}/flask/json")[0] == 200


@pytest.mark.parametrize("location", ["/pypi/flask/json", "ftp://x/", "http://elsewhere.example/"])
def test_redirect_fault(fake_registry: FakeRegistry, location: str) -> None:
    fake_registry.set_fault(Fault.REDIRECT, location=location)
    status, headers, _ = get(f"{fake_registry.pypi_url}/requests/json")
    assert (status, headers["Location"]) == (302, location)


def test_html_fault(fake_registry: FakeRegistry) -> None:
    fake_registry.set_fault(Fault.HTML)
    status, headers, body = get(f"{fake_registry.npm_url}/express")
    assert status == 200 and headers["Content-Type"].startswith("text/html")
    assert body.lstrip().startswith(b"<!DOCTYPE html>")


def test_oversized_fault(fake_registry: FakeRegistry) -> None:
    size = 3 * 1024 * 1024
    fake_registry.set_fault(Fault.OVERSIZED, size=size)
    status, headers, body = get(f"{fake_registry.pypi_url}/requests/json")
    assert status == 200 and int(headers["Content-Length"]) == size == len(body)
    assert json.loads(body)["info"]["name"] == "oversized"
    fake_registry.clear_faults()
    fake_registry.set_fault(Fault.OVERSIZED, size=size, declare_length=False)
    status, headers, body = get(f"{fake_registry.pypi_url}/requests/json")
    assert "Content-Length" not in headers and len(body) == size


def test_oversized_fault_survives_client_abort(fake_registry: FakeRegistry) -> None:
    fake_registry.set_fault(Fault.OVERSIZED, times=1)

    async def read_a_little() -> bytes:
        async with (
            aiohttp.ClientSession() as session,
            session.get(f"{fake_registry.pypi_url}/requests/json") as response,
        ):
            return await response.content.read(100_000)

    assert len(asyncio.run(read_a_little())) > 0
    assert get(f"{fake_registry.pypi_url}/requests/json")[0] == 200


def test_slow_drip_fault(fake_registry: FakeRegistry) -> None:
    document = documents.npm_document("drip", [("1.0.0", documents.days_ago(3))])
    fake_registry.add_npm("drip", document)
    fake_registry.set_fault(Fault.SLOW_DRIP, name="drip", interval=0.002, chunk_size=256)
    started = time.monotonic()
    status, body = aio_get(f"{fake_registry.npm_url}/drip")
    assert status == 200 and json.loads(body)["name"] == "drip"
    assert time.monotonic() - started >= 0.01
    fake_registry.clear_faults()
    fake_registry.set_fault(Fault.SLOW_DRIP, name="drip", interval=0.05, chunk_size=4)
    with pytest.raises(TimeoutError):
        aio_get(f"{fake_registry.npm_url}/drip", timeout=0.3)


def test_hang_fault(fake_registry: FakeRegistry) -> None:
    fake_registry.set_fault(Fault.HANG, times=1)
    with pytest.raises(TimeoutError):
        aio_get(f"{fake_registry.pypi_url}/flask/json", timeout=0.2)
    fake_registry.set_fault(Fault.HANG, seconds=0.2, times=1)
    started = time.monotonic()
    assert aio_get(f"{fake_registry.pypi_url}/flask/json")[0] == 200
    assert time.monotonic() - started >= 0.2


def test_fault_times_and_targeting(fake_registry: FakeRegistry) -> None:
    fake_registry.set_fault(Fault.STATUS, registry="pypi", name="Flask", times=2, status=503)
    assert get(f"{fake_registry.pypi_url}/requests/json")[0] == 200
    assert get(f"{fake_registry.npm_url}/express")[0] == 200
    statuses = [get(f"{fake_registry.pypi_url}/flask/json")[0] for _ in range(4)]
    assert statuses == [503, 503, 200, 200]


def test_set_fault_validates(fake_registry: FakeRegistry) -> None:
    with pytest.raises(TypeError):
        fake_registry.set_fault(Fault.HTML, status=500)
    with pytest.raises(ValueError, match="unknown registry"):
        fake_registry.set_fault(Fault.HTML, registry="rubygems")
    with pytest.raises(ValueError, match="rate"):
        fake_registry.fail_rate(1.5, seed=1)


def test_fail_rate_is_deterministic(fake_registry: FakeRegistry) -> None:
    def run(seed: int) -> list[int]:
        fake_registry.fail_rate(0.4, seed=seed)
        return [get(f"{fake_registry.pypi_url}/flask/json")[0] for _ in range(30)]

    first, again, other = run(7), run(7), run(8)
    assert first == again
    assert first != other
    assert set(first) == {200, 500}
    fake_registry.clear_faults()
    assert get(f"{fake_registry.pypi_url}/flask/json")[0] == 200


def test_latency_applies_concurrently(fake_registry: FakeRegistry) -> None:
    fake_registry.latency = 0.2

    async def burst() -> list[int]:
        async with aiohttp.ClientSession() as session:

            async def one(name: str) -> int:
                async with session.get(f"{fake_registry.pypi_url}/{name}/json") as response:
                    await response.read()
                    return response.status

            return await asyncio.gather(*(one(n) for n in ["requests", "flask"] * 10))

    started = time.monotonic()
    statuses = asyncio.run(burst())
    elapsed = time.monotonic() - started
    assert statuses == [200] * 20
    assert 0.2 <= elapsed < 1.5


# --------------------------------------------------------------------------------- request log


def test_request_log_and_counts(fake_registry: FakeRegistry) -> None:
    get(f"{fake_registry.pypi_url}/Flask/json")
    get(f"{fake_registry.pypi_url}/flask/json")
    get(f"{fake_registry.npm_url}/@types%2Fnode")
    get(f"{fake_registry.npm_downloads_url}/downloads/point/last-month/@types/node")
    get(f"{fake_registry.crates_url}/crates/Serde")
    assert fake_registry.requests[0] == RequestRecord("pypi", "Flask", "/pypi/Flask/json")
    assert fake_registry.requests[2] == RequestRecord("npm", "@types/node", "/npm/@types%2Fnode")
    assert fake_registry.request_count() == 5
    assert fake_registry.request_count(registry="pypi") == 2
    assert fake_registry.request_count(registry="pypi", name="FLASK") == 2
    assert fake_registry.request_count(name="@types/node") == 2
    assert fake_registry.request_count(registry="crates", name="serde") == 1
    assert "User-Agent" in fake_registry.request_headers[0]
    fake_registry.reset_log()
    assert fake_registry.requests == []


def test_request_log_records_faults_and_outcomes(fake_registry: FakeRegistry) -> None:
    fake_registry.set_fault(Fault.STATUS_500, registry="pypi", name="flask", times=2)
    fake_registry.set_fault(Fault.RESET, registry="crates", name="serde")
    statuses = [get(f"{fake_registry.pypi_url}/{n}/json")[0] for n in ("Flask", "flask", "FLASK")]
    assert statuses == [500, 500, 200]
    assert get(f"{fake_registry.pypi_url}/no-such-pkg/json")[0] == 404
    with pytest.raises(OSError):
        get(f"{fake_registry.crates_url}/crates/Serde")
    get(f"{fake_registry.crates_url}/crates/fresh_crate")
    records = fake_registry.requests
    assert [r.fault for r in records] == ["status_500", "status_500", None, None, "reset", None]
    assert records[2] == RequestRecord("pypi", "FLASK", "/pypi/FLASK/json")
    assert fake_registry.outcomes("pypi") == {
        "flask": Outcome(faulted=2, answered=1),
        "no-such-pkg": Outcome(faulted=0, answered=1),
    }
    assert fake_registry.outcomes("crates") == {
        "serde": Outcome(faulted=1, answered=0),
        "fresh-crate": Outcome(faulted=0, answered=1),
    }
    assert fake_registry.outcomes("npm") == {}


def test_outcomes_under_a_fail_rate(fake_registry: FakeRegistry) -> None:
    fake_registry.fail_rate(0.5, seed=3)
    statuses = [get(f"{fake_registry.npm_url}/express")[0] for _ in range(20)]
    outcome = fake_registry.outcomes("npm")["express"]
    assert outcome == Outcome(faulted=statuses.count(500), answered=statuses.count(200))
    assert outcome.faulted > 0 and outcome.answered > 0


def test_standalone_start_stop_with_request_in_flight() -> None:
    registry = FakeRegistry()
    registry.add_pypi("x", documents.pypi_document("x"))
    registry.set_fault(Fault.HANG, seconds=30)

    async def hang_then_stop() -> None:
        async with aiohttp.ClientSession() as session:
            task = asyncio.ensure_future(session.get(f"{registry.pypi_url}/x/json"))
            await asyncio.sleep(0.1)
            started = time.monotonic()
            await asyncio.to_thread(registry.stop)
            assert time.monotonic() - started < 3
            with pytest.raises(aiohttp.ClientError):
                response = await task
                response.release()
                raise aiohttp.ClientError("hung request was answered")

    with registry:
        assert registry.url.startswith("http://127.0.0.1:")
        asyncio.run(hang_then_stop())
    with pytest.raises(RuntimeError):
        _ = registry.url


# --------------------------------------------------------------------------------- documents


def test_pypi_document_shape() -> None:
    doc = documents.pypi_document(
        "demo",
        [("1.0.0", documents.days_ago(100)), ("2.0.0b1", documents.days_ago(5))],
        yanked_versions={"1.0.0": "bad"},
    )
    assert doc["info"]["version"] == "2.0.0b1"  # only an unyanked prerelease is left
    assert doc["releases"]["1.0.0"][0]["yanked_reason"] == "bad"
    assert doc["urls"] == doc["releases"]["2.0.0b1"]
    assert doc["releases"]["2.0.0b1"][0]["upload_time_iso_8601"] == "2026-11-19T12:00:00.000000Z"
    assert set(doc) == {"info", "last_serial", "releases", "urls", "vulnerabilities"}


def test_npm_document_shapes() -> None:
    doc = documents.npm_document(
        "demo", [("1.0.0", documents.days_ago(10))], deprecated={"1.0.0": "nope"}
    )
    assert doc["dist-tags"] == {"latest": "1.0.0"}
    assert doc["versions"]["1.0.0"]["deprecated"] == "nope"
    assert doc["time"]["1.0.0"] == "2026-11-14T12:00:00.000Z"
    holder = documents.npm_security_holding_document("evil")
    assert holder["repository"]["url"] == "git+https://github.com/npm/security-holder.git"
    assert holder["maintainers"][0]["name"] == "npm"
    gone = documents.npm_unpublished_document("gone", documents.days_ago(3), documents.days_ago(2))
    assert "versions" not in gone and "dist-tags" not in gone


def test_crates_document_shapes() -> None:
    doc = documents.crates_document(
        "demo",
        [("0.1.0", documents.days_ago(50)), ("0.2.0-alpha.1", documents.days_ago(2))],
    )
    crate = doc["crate"]
    assert (crate["max_version"], crate["max_stable_version"]) == ("0.2.0-alpha.1", "0.1.0")
    assert [v["num"] for v in doc["versions"]] == ["0.2.0-alpha.1", "0.1.0"]
    assert crate["versions"] == [v["id"] for v in doc["versions"]]
    yanked = documents.crates_document(
        "dead", [("0.1.0", documents.days_ago(50))], yanked_versions=["0.1.0"]
    )
    assert yanked["crate"]["max_version"] == "0.0.0"
    assert yanked["crate"]["max_stable_version"] is None
