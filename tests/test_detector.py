"""The Detector with an in-memory registry client: fast paths, allow/ignore, dedupe, failures."""

from __future__ import annotations

import asyncio
from collections import Counter
from collections.abc import Awaitable, Callable
from datetime import UTC, datetime, timedelta
from typing import Any, TypeVar

import pytest

from phantom_guard.cache.memory import MemoryStore
from phantom_guard.cache.null import NullStore
from phantom_guard.detect.name_signals import NameAnalyzer
from phantom_guard.detector import Detector, make_ref
from phantom_guard.errors import (
    BadResponse,
    InvalidPackageName,
    RateLimited,
    RegistryUnavailable,
    UnknownRegistry,
)
from phantom_guard.model import (
    NormalizedName,
    PackageMetadata,
    PackageRef,
    Recommendation,
    Registry,
    SignalKind,
    Source,
)
from phantom_guard.names import to_purl
from phantom_guard.settings import Settings

T = TypeVar("T")
NOW = datetime(2026, 11, 24, tzinfo=UTC)
R = Recommendation


# One analyzer for the module: its popular-list indexes are built once, not per test.
NAMES = NameAnalyzer()


def clock() -> datetime:
    return NOW


def old_package(name: str, registry: Registry = Registry.PYPI) -> PackageMetadata:
    return PackageMetadata(
        name=name,
        registry=registry,
        latest_version="2.0.0",
        created=NOW - timedelta(days=3000),
        latest_release=NOW - timedelta(days=30),
        release_count=25,
        repository=f"https://github.com/acme/{name}",
        maintainers=("acme",),
        summary="A long-lived and well described library.",
        monthly_downloads=250_000,
    )


def fresh_package(name: str) -> PackageMetadata:
    return PackageMetadata(
        name=name,
        registry=Registry.PYPI,
        latest_version="0.0.1",
        created=NOW - timedelta(days=2),
        release_count=1,
        maintainers=(),
    )


class FakeClient:
    """A RegistryClient answering from a dict; counts fetches; raises what it is told to."""

    def __init__(
        self,
        packages: dict[str, PackageMetadata] | None = None,
        *,
        registry: Registry = Registry.PYPI,
        failures: dict[str, Exception] | None = None,
    ) -> None:
        self.registry = registry
        self.packages = packages or {}
        self.failures = failures or {}
        self.fetches: Counter[str] = Counter()

    async def fetch(self, name: NormalizedName) -> PackageMetadata | None:
        self.fetches[name] += 1
        await asyncio.sleep(0)
        if name in self.failures:
            raise self.failures[name]
        return self.packages.get(name)

    @property
    def total(self) -> int:
        return sum(self.fetches.values())


def run(
    work: Callable[[Detector], Awaitable[T]],
    fake: FakeClient,
    settings: Settings | None = None,
    **others: FakeClient,
) -> T:
    clients: dict[Registry, Any] = {fake.registry: fake}
    clients.update({Registry(k): v for k, v in others.items()})

    async def go() -> T:
        async with Detector(
            settings or Settings(), clients=clients, store=MemoryStore(), clock=clock, names=NAMES
        ) as detector:
            return await work(detector)

    return asyncio.run(go())


def test_popular_name_needs_no_fetch() -> None:
    fake = FakeClient()
    risk = run(lambda d: d.validate("requests"), fake)
    assert risk.recommendation is R.SAFE
    assert risk.exists is True
    assert risk.risk_score == 0.0
    assert [s.kind for s in risk.signals] == [SignalKind.POPULAR_PACKAGE]
    assert fake.total == 0


def test_verify_popular_fetches() -> None:
    fake = FakeClient({"requests": old_package("requests")})
    risk = run(lambda d: d.validate("requests"), fake, Settings(verify_popular=True))
    assert fake.fetches == Counter({"requests": 1})
    assert risk.recommendation is R.SAFE
    assert risk.exists is True


def test_verify_popular_reports_a_missing_popular_name() -> None:
    fake = FakeClient()
    risk = run(lambda d: d.validate("requests"), fake, Settings(verify_popular=True))
    assert risk.recommendation is R.NOT_FOUND
    assert risk.exists is False


def test_missing_name_is_not_found_with_a_suggestion() -> None:
    fake = FakeClient()
    risk = run(lambda d: d.validate("reqeusts"), fake)
    assert risk.recommendation is R.NOT_FOUND
    assert risk.exists is False
    assert risk.suggestion == "requests"
    assert to_purl(risk.registry, risk.normalized_name) == "pkg:pypi/reqeusts"
    assert fake.fetches == Counter({"reqeusts": 1})


def test_existing_established_name_is_safe_without_suggestion() -> None:
    fake = FakeClient({"sturdy-lib": old_package("sturdy-lib")})
    risk = run(lambda d: d.validate("Sturdy_Lib"), fake)
    assert risk.recommendation is R.SAFE
    assert risk.exists is True
    assert risk.name == "Sturdy_Lib"
    assert risk.normalized_name == "sturdy-lib"
    assert risk.suggestion is None
    assert risk.cached is False


def test_fresh_placeholder_is_flagged_using_the_injected_clock() -> None:
    fake = FakeClient({"fresh-thing": fresh_package("fresh-thing")})
    risk = run(lambda d: d.validate("fresh-thing"), fake)
    assert risk.recommendation is R.HIGH_RISK
    assert SignalKind.RECENTLY_CREATED in {s.kind for s in risk.signals}


@pytest.mark.parametrize("entry", ["my-private-pkg", "My_Private.Pkg", "pkg:pypi/my-private-pkg"])
def test_allow_list_is_safe_without_fetch(entry: str) -> None:
    fake = FakeClient()
    risk = run(lambda d: d.validate("my-private-pkg"), fake, Settings(allow=(entry,)))
    assert risk.recommendation is R.SAFE
    assert [s.kind for s in risk.signals] == [SignalKind.ALLOWLISTED]
    assert risk.risk_score == 0.0
    assert fake.total == 0


def test_allow_list_purl_applies_to_its_registry_only() -> None:
    pypi = FakeClient()
    npm = FakeClient(registry=Registry.NPM)
    settings = Settings(allow=("pkg:npm/my-private-pkg",))

    async def work(d: Detector) -> tuple[Any, Any]:
        return await d.validate("my-private-pkg", "npm"), await d.validate("my-private-pkg")

    npm_risk, pypi_risk = run(work, pypi, settings, npm=npm)
    assert npm_risk.recommendation is R.SAFE
    assert pypi_risk.recommendation is R.NOT_FOUND
    assert (npm.total, pypi.total) == (0, 1)


def test_ignore_list_drops_names() -> None:
    fake = FakeClient()
    refs = [make_ref("dropme"), make_ref("keepme"), make_ref("pkg:pypi/also-dropped")]
    settings = Settings(ignore=("DropMe", "pkg:pypi/also-dropped"))
    report = run(lambda d: d.check(refs), fake, settings)
    assert [r.name for r in report.results] == ["keepme"]
    assert fake.fetches == Counter({"keepme": 1})


def test_names_asked_for_by_name_are_checked_even_if_ignored() -> None:
    # The ignore list is for dependency files; validate() and validate_batch() answer every name.
    fake = FakeClient()
    settings = Settings(ignore=("dropme",))
    results = run(lambda d: d.validate_batch(["dropme", "keepme"]), fake, settings)
    assert [r.name for r in results] == ["dropme", "keepme"]
    single = run(lambda d: d.validate("dropme"), fake, settings)
    assert single.recommendation is R.NOT_FOUND


def test_duplicates_across_spellings_are_one_lookup_with_merged_sources() -> None:
    fake = FakeClient({"sturdy-lib": old_package("sturdy-lib")})
    refs = [
        PackageRef("Sturdy_Lib", Registry.PYPI, Source("requirements.txt", 3)),
        PackageRef("other", Registry.PYPI, Source("requirements.txt", 4)),
        PackageRef("sturdy.lib", Registry.PYPI, Source("pyproject.toml", 12)),
        PackageRef("STURDY-LIB", Registry.PYPI, Source("requirements.txt", 3)),
    ]
    report = run(lambda d: d.check(refs), fake)
    assert [r.normalized_name for r in report.results] == ["sturdy-lib", "other"]
    first = report.results[0]
    assert first.name == "Sturdy_Lib"  # the first spelling is kept
    assert first.sources == (Source("requirements.txt", 3), Source("pyproject.toml", 12))
    assert fake.fetches == Counter({"sturdy-lib": 1, "other": 1})


def test_same_name_on_two_registries_is_two_lookups() -> None:
    pypi = FakeClient()
    npm = FakeClient(registry=Registry.NPM)
    refs = [make_ref("left-pad-ng"), make_ref("left-pad-ng", "npm")]
    report = run(lambda d: d.check(refs), pypi, npm=npm)
    assert [(r.registry, r.name) for r in report.results] == [
        (Registry.PYPI, "left-pad-ng"),
        (Registry.NPM, "left-pad-ng"),
    ]
    assert (pypi.total, npm.total) == (1, 1)


@pytest.mark.parametrize(
    "failure",
    [
        RegistryUnavailable("HTTP 503 from registry.test"),
        RateLimited("rate limited (HTTP 429) by registry.test", 30.0),
        BadResponse("malformed JSON from registry.test"),
    ],
)
def test_lookup_failure_is_an_error_result_and_others_still_get_verdicts(
    failure: Exception,
) -> None:
    fake = FakeClient({"sturdy-lib": old_package("sturdy-lib")}, failures={"broken-thing": failure})
    names = ["sturdy-lib", "broken-thing", "not-there-at-all"]
    results = run(lambda d: d.validate_batch(names), fake)
    assert [r.name for r in results] == names
    ok, broken, missing = results
    assert ok.recommendation is R.SAFE
    assert missing.recommendation is R.NOT_FOUND
    assert broken.recommendation is R.ERROR
    assert broken.exists is None
    assert broken.error == str(failure)
    assert broken.signals[0].kind is SignalKind.LOOKUP_FAILED
    assert str(failure) in broken.signals[0].message


def test_failures_are_not_cached() -> None:
    fake = FakeClient(failures={"flaky-thing": RegistryUnavailable("down")})

    async def work(d: Detector) -> list[Any]:
        first = await d.validate("flaky-thing")
        del fake.failures["flaky-thing"]
        second = await d.validate("flaky-thing")
        third = await d.validate("flaky-thing")
        return [first, second, third]

    first, second, third = run(work, fake)
    assert first.recommendation is R.ERROR
    assert second.recommendation is R.NOT_FOUND
    assert second.cached is False
    assert third.cached is True
    assert fake.fetches == Counter({"flaky-thing": 2})


def test_validate_batch_returns_one_result_per_input_name_in_order() -> None:
    fake = FakeClient({"sturdy-lib": old_package("sturdy-lib")})
    names = ["zz-missing", "requests", "sturdy-lib", "Sturdy_Lib", "aa-missing", "zz-missing"]
    results = run(lambda d: d.validate_batch(names), fake)
    assert len(results) == len(names)
    assert [r.normalized_name for r in results] == [
        "zz-missing",
        "requests",
        "sturdy-lib",
        "sturdy-lib",
        "aa-missing",
        "zz-missing",
    ]
    assert results[2] is results[3]
    assert fake.fetches == Counter({"zz-missing": 1, "sturdy-lib": 1, "aa-missing": 1})


def test_validate_batch_progress() -> None:
    fake = FakeClient()
    calls: list[tuple[int, int]] = []
    names = ["aaa-missing", "bbb-missing", "ccc-missing"]
    run(lambda d: d.validate_batch(names, on_progress=lambda *a: calls.append(a)), fake)
    assert calls == [(1, 3), (2, 3), (3, 3)]


def test_validate_batch_mixes_purls_and_bare_names() -> None:
    pypi = FakeClient()
    npm = FakeClient(registry=Registry.NPM)
    names = ["pkg:npm/%40acme/not-there", "not-there-either"]
    results = run(lambda d: d.validate_batch(names, registry="pypi"), pypi, npm=npm)
    assert [(r.registry, r.name) for r in results] == [
        (Registry.NPM, "@acme/not-there"),
        (Registry.PYPI, "not-there-either"),
    ]
    assert to_purl(results[0].registry, results[0].normalized_name) == "pkg:npm/%40acme/not-there"


@pytest.mark.parametrize("bad", ["bad name", "-leading", "evil\x1b[31m"])
def test_invalid_name_in_batch_raises_before_any_fetch(bad: str) -> None:
    fake = FakeClient()
    with pytest.raises(InvalidPackageName):
        run(lambda d: d.validate_batch(["fine-name", bad, "also-fine"]), fake)
    assert fake.total == 0


def test_unknown_registry_raises() -> None:
    with pytest.raises(UnknownRegistry):
        run(lambda d: d.validate("flask", "rubygems"), FakeClient())


def test_check_reports_invalid_names_as_input_errors_and_checks_the_rest() -> None:
    fake = FakeClient()
    refs = [
        PackageRef("bad name", Registry.PYPI, Source("requirements.txt", 2)),
        PackageRef("good-name-x", Registry.PYPI, Source("requirements.txt", 3)),
    ]
    report = run(lambda d: d.check(refs), fake)
    assert [r.name for r in report.results] == ["good-name-x"]
    assert len(report.input_errors) == 1
    assert report.input_errors[0].startswith("requirements.txt:2: ")
    assert fake.total == 1


def test_fail_fast_skips_the_rest_as_errors() -> None:
    fake = FakeClient()
    refs = [make_ref(n) for n in ("first-missing", "second-missing", "third-missing")]
    settings = Settings(concurrency=1)
    report = run(lambda d: d.check(refs, fail_fast=True), fake, settings)
    assert [r.recommendation for r in report.results] == [R.NOT_FOUND, R.ERROR, R.ERROR]
    assert fake.total == 1
    assert "fail-fast" in (report.results[1].error or "")


def test_offline_miss_is_an_error_that_mentions_the_network() -> None:
    fake = FakeClient()

    async def go() -> Any:
        async with Detector(
            Settings(offline=True),
            clients={Registry.PYPI: fake},
            store=NullStore(),
            clock=clock,
            names=NAMES,
        ) as detector:
            return await detector.validate_batch(["requests", "unknown-offline-name"])

    popular, unknown = asyncio.run(go())
    assert popular.recommendation is R.SAFE
    assert unknown.recommendation is R.ERROR
    assert unknown.exists is None
    assert "network" in (unknown.error or "")
    assert fake.total == 0


def test_an_unexpected_exception_is_that_names_error_not_the_batchs() -> None:
    """A bug in a client (here a TypeError) fails closed for one name; the rest are checked."""
    fake = FakeClient(
        {"steady-lib": old_package("steady-lib")},
        failures={"buggy-lib": TypeError("'int' object is not iterable")},
    )
    results = run(lambda d: d.validate_batch(["steady-lib", "buggy-lib", "gone-pkg"]), fake)
    assert [r.recommendation for r in results] == [R.SAFE, R.ERROR, R.NOT_FOUND]
    assert results[1].error == "unexpected error: TypeError: 'int' object is not iterable"
    assert results[1].exists is None
