"""`Detector.answer_locally` and the stored name findings: the path a warm run takes."""

from __future__ import annotations

import asyncio
import os
from pathlib import Path
from typing import Any

import pytest

from phantom_guard.cache import findings_store, open_store
from phantom_guard.detect.name_signals import NameAnalyzer, NameFindings
from phantom_guard.detect.score import signal
from phantom_guard.detector import Detector, make_ref
from phantom_guard.model import (
    NormalizedName,
    PackageRisk,
    Recommendation,
    Registry,
    Report,
    Signal,
    SignalKind,
)
from phantom_guard.settings import Settings
from tests.test_detector import NAMES, FakeClient, clock, fresh_package, old_package

R = Recommendation
SQUAT = "reqeusts"  # not popular; a typo of "requests": it has name findings


class CountingAnalyzer(NameAnalyzer):
    """A NameAnalyzer that counts full analyses (the ones that need the typosquat index)."""

    def __init__(self, extra_patterns: tuple[str, ...] = ()) -> None:
        super().__init__(extra_patterns)
        self.analyses = 0

    def analyze(self, name: NormalizedName, registry: Registry) -> NameFindings:
        self.analyses += 1
        return super().analyze(name, registry)


def detector(cache: Path, names: NameAnalyzer, fake: FakeClient | None = None) -> Detector:
    """A Detector on a disk cache in `cache`, as a new process would build it."""
    clients = {Registry.PYPI: fake} if fake is not None else None
    return Detector(
        Settings(cache_dir=cache),
        clients=clients,  # type: ignore[arg-type]
        store=open_store(cache),
        clock=clock,
        names=names,
    )


def checked(cache: Path, names: list[str], fake: FakeClient) -> Report:
    async def go() -> Report:
        async with detector(cache, NAMES, fake) as d:
            return await d.check([make_ref(n) for n in names])

    return asyncio.run(go())


def local(cache: Path, names: list[str], analyzer: NameAnalyzer | None = None) -> Report | None:
    d = detector(cache, analyzer or CountingAnalyzer())
    try:
        return d.answer_locally([make_ref(n) for n in names])
    finally:
        d.close_store()


def plain(risk: PackageRisk) -> tuple[object, ...]:
    return (risk.name, risk.recommendation, risk.risk_score, risk.signals, risk.suggestion)


def test_popular_and_allowed_names_need_no_cache(tmp_path: Path) -> None:
    d = Detector(Settings(allow=("my-internal-pkg",), cache_dir=tmp_path), clock=clock)
    report = d.answer_locally([make_ref("flask"), make_ref("my-internal-pkg")])
    assert report is not None
    assert [r.recommendation for r in report.results] == [R.SAFE, R.SAFE]
    assert [r.signals[0].kind for r in report.results] == [
        SignalKind.POPULAR_PACKAGE,
        SignalKind.ALLOWLISTED,
    ]
    assert not (tmp_path / "cache.sqlite3").exists()  # never opened


def test_an_uncached_name_means_the_network_is_needed(tmp_path: Path) -> None:
    assert local(tmp_path, ["flask", "never-looked-up-before"]) is None


def test_a_cached_name_is_answered_as_the_network_run_answered_it(tmp_path: Path) -> None:
    fake = FakeClient({SQUAT: fresh_package(SQUAT), "steady-lib": old_package("steady-lib")})
    names = [SQUAT, "steady-lib", "gone-missing-pkg", "flask"]
    first = checked(tmp_path, names, fake)
    analyzer = CountingAnalyzer()
    again = local(tmp_path, names, analyzer)
    assert again is not None
    assert [plain(r) for r in again.results] == [plain(r) for r in first.results]
    assert [r.cached for r in again.results[:3]] == [True, True, True]
    assert again.results[0].recommendation is not R.SAFE
    assert again.results[0].suggestion == "requests"
    assert analyzer.analyses == 0  # the findings came from the cache: no typosquat index built
    assert fake.total == 3  # and nothing was fetched twice


def test_a_warm_run_reads_the_cache_once_for_all_its_names(tmp_path: Path) -> None:
    """One `get_many` (and one findings read) for every name the lists leave open, no `get`;
    the answers are `answer_local`'s for each name alone.
    """
    fake = FakeClient({SQUAT: fresh_package(SQUAT), "steady-lib": old_package("steady-lib")})
    names = [SQUAT, "steady-lib", "gone-missing-pkg", "flask"]
    checked(tmp_path, names, fake)
    store = open_store(tmp_path)
    calls: list[str] = []
    for method in ("get", "get_many"):
        real = getattr(store, method)
        setattr(
            store,
            method,
            lambda *a, _real=real, _name=method, **k: (calls.append(_name), _real(*a, **k))[1],
        )
    d = Detector(Settings(cache_dir=tmp_path), store=store, clock=clock, names=CountingAnalyzer())
    try:
        report = d.answer_locally([make_ref(n) for n in names])
        assert report is not None and calls == ["get_many"]
        alone = [d.answer_local(t) for t in d.plan([make_ref(n) for n in names]).targets]
        assert [plain(r) for r in report.results] == [plain(r) for r in alone if r is not None]
    finally:
        d.close_store()


def test_findings_of_other_lists_or_patterns_are_not_reused(tmp_path: Path) -> None:
    fake = FakeClient({"acme-widget-helper": fresh_package("acme-widget-helper")})
    checked(tmp_path, ["acme-widget-helper"], fake)
    other = CountingAnalyzer(extra_patterns=("widget",))
    assert other.fingerprint(Registry.PYPI) != NAMES.fingerprint(Registry.PYPI)
    assert local(tmp_path, ["acme-widget-helper"], other) is not None
    assert other.analyses == 1  # analysed again under the new patterns...
    same = CountingAnalyzer(extra_patterns=("widget",))
    assert local(tmp_path, ["acme-widget-helper"], same) is not None
    assert same.analyses == 0  # ...and that answer is stored for the next run


def test_unreadable_findings_are_analysed_again_and_replaced(tmp_path: Path) -> None:
    fake = FakeClient({SQUAT: fresh_package(SQUAT)})
    first = checked(tmp_path, [SQUAT], fake)
    store = open_store(tmp_path)
    fingerprint = NAMES.fingerprint(Registry.PYPI)
    disk = findings_store(store)
    assert disk is not None
    disk.put_findings(Registry.PYPI, NormalizedName(SQUAT), fingerprint, b"\xff not json")
    store.close()
    analyzer = CountingAnalyzer()
    again = local(tmp_path, [SQUAT], analyzer)
    assert again is not None and analyzer.analyses == 1
    assert plain(again.results[0]) == plain(first.results[0])
    store = open_store(tmp_path)
    disk = findings_store(store)
    assert disk is not None
    stored = disk.get_findings(Registry.PYPI, NormalizedName(SQUAT), fingerprint)
    store.close()
    assert stored is not None and NameFindings.from_bytes(stored).suggestion == "requests"


def test_offline_and_no_cache_runs_still_fail_closed(tmp_path: Path) -> None:
    d = Detector(Settings(offline=True, use_cache=False, cache_dir=tmp_path), clock=clock)
    assert d.answer_locally([make_ref("not-cached-anywhere")]) is None
    report = asyncio.run(d.check([make_ref("not-cached-anywhere")]))
    assert report.results[0].recommendation is R.ERROR


def test_findings_round_trip() -> None:
    findings = NAMES.analyze(NormalizedName(SQUAT), Registry.PYPI)
    assert findings.signals
    assert NameFindings.from_bytes(findings.to_bytes()) == findings
    popular = NAMES.analyze(NormalizedName("flask"), Registry.PYPI)
    assert NameFindings.from_bytes(popular.to_bytes()) == popular


@pytest.mark.parametrize(
    "payload",
    [
        b"",
        b"[]",
        b"{}",
        b'[true, [], null, "extra"]',
        b'["yes", [], null]',
        b'[false, [["NOT_A_KIND", 0.5, "m", {}]], null]',
        b'[false, [["TYPOSQUAT", 7, "m", {}]], null]',
        b'[false, [["TYPOSQUAT", 0.5, 3, {}]], null]',
        b'[false, [["TYPOSQUAT", 0.5, "m", []]], null]',
        b'[false, [["TYPOSQUAT", 0.5, "m", {"k": [1]}]], null]',
        b"[false, [], 5]",
        b"\xff\xfe",
    ],
)
def test_unreadable_findings_raise_value_error(payload: bytes) -> None:
    with pytest.raises(ValueError):
        NameFindings.from_bytes(payload)


def test_validate_sync_answers_locally_then_over_the_network(registry_env: Any) -> None:
    from phantom_guard.api import validate_sync

    assert validate_sync("flask").recommendation is R.SAFE
    assert registry_env.requests == []
    first = validate_sync("reqeusts")  # not on the fake registry: looked up, NOT_FOUND
    again = validate_sync("reqeusts", settings=Settings.load().with_overrides(ignore=("reqeusts",)))
    assert (first.recommendation, first.cached) == (R.NOT_FOUND, False)
    assert (again.recommendation, again.cached) == (R.NOT_FOUND, True)  # asked for: still checked
    assert len(registry_env.requests) == 1


# --- Attacks (issue 11, findings 1, 5 and 6): the cache cannot vouch for a name.


def _plant(cache: Path, findings: NameFindings, *, name: str = SQUAT) -> None:
    store = open_store(cache)
    disk = findings_store(store)
    assert disk is not None
    fingerprint = NAMES.fingerprint(Registry.PYPI)
    disk.put_findings(Registry.PYPI, NormalizedName(name), fingerprint, findings.to_bytes())
    store.close()


@pytest.mark.parametrize(
    "planted",
    [
        NameFindings(popular=True),
        NameFindings(popular=False, signals=(signal(SignalKind.POPULAR_PACKAGE, "rank 1"),)),
        NameFindings(popular=False, signals=(signal(SignalKind.ALLOWLISTED, "allowed"),)),
        NameFindings(popular=False, signals=(signal(SignalKind.WIDELY_USED, "many"),)),
        NameFindings(popular=False, signals=(signal(SignalKind.ESTABLISHED, "old"),)),
        NameFindings(
            popular=False,
            signals=(Signal(SignalKind.TYPOSQUAT, -0.9, "a negative weight", {}),),
        ),
    ],
)
def test_a_planted_trust_row_is_never_read_back(tmp_path: Path, planted: NameFindings) -> None:
    fake = FakeClient({SQUAT: fresh_package(SQUAT)})
    honest = checked(tmp_path, [SQUAT], fake)
    assert honest.results[0].recommendation is not R.SAFE
    _plant(tmp_path, planted)
    analyzer = CountingAnalyzer()
    again = local(tmp_path, [SQUAT], analyzer)
    assert again is not None
    assert analyzer.analyses == 1  # the row was refused and the name analysed afresh
    assert plain(again.results[0]) == plain(honest.results[0])


def test_findings_rows_expire(tmp_path: Path) -> None:
    from phantom_guard.cache.sqlite import FINDINGS_TTL_S, SqliteStore

    now = [1_000_000.0]
    store = SqliteStore(tmp_path / "cache.sqlite3", clock=lambda: now[0])
    store.put_findings(Registry.PYPI, NormalizedName(SQUAT), "f", b"p")
    assert store.get_findings(Registry.PYPI, NormalizedName(SQUAT), "f") == b"p"
    now[0] += FINDINGS_TTL_S + 1
    assert store.get_findings(Registry.PYPI, NormalizedName(SQUAT), "f") is None
    store.close()


def test_an_answer_from_one_registry_url_is_not_served_for_another(tmp_path: Path) -> None:
    """A run pointed at an attacker's mirror must not poison later honest runs."""
    evil = Settings(cache_dir=tmp_path, pypi_url="http://evil.example.test/pypi")
    honest = Settings(cache_dir=tmp_path, pypi_url="http://pypi.example.test/pypi")

    async def run(settings: Settings, fake: FakeClient) -> Report:
        async with Detector(
            settings,
            clients={Registry.PYPI: fake},  # type: ignore[dict-item]
            store=open_store(tmp_path),
            clock=clock,
            names=NAMES,
        ) as d:
            return await d.check([make_ref(SQUAT)])

    lying = FakeClient({SQUAT: old_package(SQUAT)})
    asyncio.run(run(evil, lying))
    truthful = FakeClient({})  # the real index does not have it
    report = asyncio.run(run(honest, truthful))
    assert report.results[0].recommendation is R.NOT_FOUND
    assert report.results[0].cached is False
    assert truthful.total == 1
    # The same URL again is answered from its own rows.
    again = Detector(honest, store=open_store(tmp_path), clock=clock, names=NAMES)
    try:
        local_report = again.answer_locally([make_ref(SQUAT)])
    finally:
        again.close_store()
    assert local_report is not None and local_report.results[0].recommendation is R.NOT_FOUND


def test_a_cache_file_of_the_old_layout_is_rebuilt(tmp_path: Path) -> None:
    """Rows stored before answers were keyed by origin are never served."""
    import sqlite3
    from contextlib import closing

    with closing(sqlite3.connect(tmp_path / "cache.sqlite3")) as conn, conn:
        conn.execute(
            "CREATE TABLE packages (registry TEXT NOT NULL, name TEXT NOT NULL, "
            "found INTEGER NOT NULL, payload BLOB NOT NULL, stored_at REAL NOT NULL, "
            "PRIMARY KEY (registry, name))"
        )
        conn.execute("INSERT INTO packages VALUES ('pypi', ?, 1, x'7b7d', 1e12)", (SQUAT,))
        conn.execute("PRAGMA user_version = 2")
    assert local(tmp_path, [SQUAT]) is None  # nothing cached: the network is needed


def test_the_shipped_digest_follows_each_data_and_rule_file(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    """A changed list (of any registry: one's rules read the others') or rule module, with
    another size or time as an install or edit makes, gives another digest, so findings stored
    under the old one are not reused."""
    from phantom_guard.detect import datafiles, name_signals

    data, package = tmp_path / "data", tmp_path / "detect"
    (data / "popular").mkdir(parents=True)
    (data / "index").mkdir()
    package.mkdir()
    files = [data / "popular" / "pypi.txt", data / "popular" / "npm-tier2.txt"]
    files += [data / "index" / "npm.keys", data / "patterns.json", data / "words.txt"]
    files += [package / "rules.py"]
    for file in files:
        file.write_text("x\n")
    monkeypatch.setattr(datafiles, "data_path", lambda *parts: str(data.joinpath(*parts)))
    monkeypatch.setattr(datafiles, "package_path", lambda *parts: str(package.joinpath(*parts)))
    digests: list[str] = []
    monkeypatch.setattr(name_signals, "_DIGEST", digests)
    first = name_signals._shipped_digest()
    assert name_signals._shipped_digest() == first  # computed once a process
    for file in files:
        stat = file.stat()
        os.utime(file, ns=(stat.st_atime_ns, stat.st_mtime_ns + 1_000_000))
        digests.clear()
        changed = name_signals._shipped_digest()
        assert changed != first, file
        first = changed
