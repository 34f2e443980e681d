"""The known-malicious feed end to end: `feed update|status`, and its verdicts in validate and
check, against the fake registry and archives built in the tests.
"""

from __future__ import annotations

import json
import os
import subprocess
import sys
from datetime import UTC, datetime, timedelta
from pathlib import Path
from typing import Any

import pytest
from click.testing import CliRunner

from phantom_guard.cli import main
from phantom_guard.detector import Detector, make_ref
from phantom_guard.feed.update import update
from phantom_guard.model import FeedMode, Recommendation, SignalKind
from phantom_guard.settings import Settings
from tests.fakeregistry import NPM, FakeRegistry, documents
from tests.feed.archives import CASES, record, whole, write_zip
from tests.feed.server import FeedServer

FRESH = ("--feed-max-age", "100000")  # the archives' records are dated 2025


def run(*args: str) -> tuple[int, str, str]:
    result = CliRunner().invoke(main, list(args))
    if result.exception is not None and not isinstance(result.exception, SystemExit):
        raise result.exception
    return result.exit_code, result.stdout, result.stderr


def run_json(*args: str) -> tuple[int, dict[str, Any]]:
    code, out, _ = run(*args, "-o", "json")
    return code, json.loads(out)


def by_name(document: dict[str, Any]) -> dict[str, dict[str, Any]]:
    return {r["name"]: r for r in document["results"]}


def kinds(result: dict[str, Any]) -> list[str]:
    return [s["kind"] for s in result["signals"]]


@pytest.fixture
def feed_env(project_env: FakeRegistry, tmp_path: Path) -> FakeRegistry:
    """The fake registry, an empty project, and a feed imported from the issue's cases."""
    # An established package (ten years of releases) with one compromised version listed.
    project_env.add_npm(
        "old-utility",
        documents.npm_document(
            "old-utility",
            [(f"1.{i}.0", documents.days_ago(3650 - 300 * i)) for i in range(10)],
        ),
    )
    archive = write_zip(
        tmp_path / "all.zip",
        [*CASES, record("MAL-2025-200", "old-utility", versions=["1.9.0"])],
    )
    code, _, err = run("feed", "update", "--from", str(archive))
    assert code == 0, err
    return project_env


def test_feed_update_prints_counts_and_date(project_env: FakeRegistry, tmp_path: Path) -> None:
    archive = write_zip(tmp_path / "all.zip", CASES)
    code, out, _ = run("feed", "update", "--from", str(archive))
    assert code == 0
    assert out.splitlines() == [
        "PyPI: 1 records",
        "npm: 4 records",
        "crates.io: 1 records",
        "feed: 6 records, data as of 2025-09-12T08:30:00Z",
    ]


def test_feed_update_one_ecosystem(project_env: FakeRegistry, tmp_path: Path) -> None:
    archive = write_zip(tmp_path / "all.zip", CASES)
    code, out, _ = run("feed", "update", "--from", str(archive), "--ecosystem", "crates")
    assert code == 0
    assert out.splitlines()[0] == "crates.io: 1 records"
    code, document = run_json("feed", "status")
    assert document["ecosystems"] == {"PyPI": 0, "npm": 0, "crates.io": 1}


def test_feed_update_bad_ecosystem_or_path_is_exit_2(
    project_env: FakeRegistry, tmp_path: Path
) -> None:
    assert run("feed", "update", "--ecosystem", "maven")[0] == 2
    assert run("feed", "update", "--from", str(tmp_path / "missing.zip"))[0] == 2


def test_feed_update_from_the_configured_url_honours_etag(
    project_env: FakeRegistry, monkeypatch: pytest.MonkeyPatch
) -> None:
    import io
    import zipfile

    buffer = io.BytesIO()
    with zipfile.ZipFile(buffer, "w") as archive:
        archive.writestr("MAL-2025-1.json", json.dumps(whole("MAL-2025-1", "evil-pkg")))
    with FeedServer() as server:
        server.archives["/npm/all.zip"] = buffer.getvalue()
        monkeypatch.setenv("PHANTOM_GUARD_FEED_URL", server.url + "/")
        code, out, err = run("feed", "update", "--ecosystem", "npm")
        assert code == 0, err
        assert "npm: 1 records" in out
        code, out, err = run("feed", "update", "--ecosystem", "npm")
        assert code == 0, err
        assert "npm: not modified, 1 records" in out
        assert [status for _, _, status in server.log] == [200, 304]
        server.fail_with = 500
        code, _, err = run("feed", "update", "--ecosystem", "npm")
        assert code == 3
        assert "HTTP 500" in err


def test_feed_status_json_shape(feed_env: FakeRegistry) -> None:
    code, document = run_json("feed", "status")
    assert code == 0
    assert set(document) == {
        "data_as_of",
        "fetched_at",
        "age_days",
        "stale",
        "records",
        "ecosystems",
    }
    assert document["records"] == 7
    assert document["ecosystems"] == {"PyPI": 1, "npm": 5, "crates.io": 1}
    assert document["data_as_of"] == "2025-09-12T08:30:00Z"
    assert document["stale"] is True
    assert document["age_days"] > 7


def test_feed_status_without_a_feed_is_exit_3(project_env: FakeRegistry) -> None:
    code, document = run_json("feed", "status")
    assert code == 3
    assert document["records"] == 0
    assert run("feed", "status")[0] == 3


def test_whole_package_malware_is_high_risk_without_a_registry_request(
    feed_env: FakeRegistry,
) -> None:
    code, document = run_json("validate", "-r", "npm", "evil-pkg", *FRESH)
    assert code == 1
    (result,) = document["results"]
    assert result["recommendation"] == "HIGH_RISK"
    assert kinds(result) == ["KNOWN_MALICIOUS"]
    assert result["signals"][0]["evidence"]["advisories"] == "MAL-2025-100"
    assert feed_env.request_count(NPM) == 0
    assert document["feeds"] == [
        {
            "name": "osv-malicious",
            "data_as_of": "2025-09-12T08:30:00Z",
            "records": 7,
            "stale": False,
        }
    ]


def test_normalized_names_match(feed_env: FakeRegistry) -> None:
    code, document = run_json(
        "validate", "pkg:cargo/evil-crate", "pkg:pypi/requests.toolbelt2", *FRESH
    )
    assert code == 1
    assert [r["recommendation"] for r in document["results"]] == ["HIGH_RISK", "HIGH_RISK"]


def test_withdrawn_and_ingest_records_do_not_match(feed_env: FakeRegistry) -> None:
    _, document = run_json("validate", "-r", "npm", "taken-back", "ingest-only", *FRESH)
    for result in document["results"]:
        assert "KNOWN_MALICIOUS" not in kinds(result)


def test_popular_package_with_a_listed_version(feed_env: FakeRegistry) -> None:
    code, document = run_json("validate", "-r", "npm", "chalk", "pkg:npm/left-pad", *FRESH)
    assert code == 0
    results = by_name(document)
    # chalk is listed for 5.6.1 only and is popular: a note, not a finding.
    assert results["chalk"]["recommendation"] == "SAFE"
    assert "MALICIOUS_VERSION" in kinds(results["chalk"])
    note = results["chalk"]["signals"][kinds(results["chalk"]).index("MALICIOUS_VERSION")]
    assert note["weight"] == 0.0


def test_pinned_listed_version_of_a_popular_package(feed_env: FakeRegistry) -> None:
    code, document = run_json("validate", "pkg:npm/chalk@5.6.1", *FRESH)
    assert code == 1
    (result,) = document["results"]
    assert result["recommendation"] == "HIGH_RISK"
    assert kinds(result) == ["MALICIOUS_VERSION"]
    assert result["signals"][0]["evidence"]["version"] == "5.6.1"
    code, document = run_json("validate", "pkg:npm/chalk@5.6.2", *FRESH)
    assert code == 0
    assert document["results"][0]["recommendation"] == "SAFE"


def test_version_only_listing_not_established_is_known_malicious(feed_env: FakeRegistry) -> None:
    # lonely-helper is not on the registry any more, and never was established.
    code, document = run_json("validate", "-r", "npm", "lonely-helper", *FRESH)
    assert code == 1
    (result,) = document["results"]
    assert result["recommendation"] == "HIGH_RISK"
    assert "KNOWN_MALICIOUS" in kinds(result)


def test_version_only_listing_of_an_established_package_is_a_note(feed_env: FakeRegistry) -> None:
    code, document = run_json("validate", "-r", "npm", "old-utility", *FRESH)
    (result,) = document["results"]
    assert result["recommendation"] == "SAFE", result
    assert "MALICIOUS_VERSION" in kinds(result)
    assert code == 0


def _write(path: Path, document: dict[str, Any]) -> Path:
    path.write_text(json.dumps(document, indent=2))
    return path


def _lock(version: str) -> dict[str, Any]:
    return {
        "name": "app",
        "lockfileVersion": 3,
        "packages": {
            "": {"name": "app", "dependencies": {"chalk": "^5.0.0"}},
            "node_modules/chalk": {"version": version},
        },
    }


def test_lock_file_with_a_listed_version(feed_env: FakeRegistry, tmp_path: Path) -> None:
    lock = _write(Path("package-lock.json"), _lock("5.6.1"))
    code, document = run_json("check", str(lock), *FRESH)
    assert code == 1
    (result,) = document["results"]
    assert result["recommendation"] == "HIGH_RISK"
    signal = result["signals"][0]
    assert signal["kind"] == "MALICIOUS_VERSION"
    assert signal["evidence"]["file"] == "package-lock.json"
    assert signal["evidence"]["line"] == 11
    assert result["sources"] == [{"file": "package-lock.json", "line": 11, "version": "5.6.1"}]
    assert document["feeds"][0]["name"] == "osv-malicious"


def test_lock_file_with_the_next_version(feed_env: FakeRegistry) -> None:
    lock = _write(Path("package-lock.json"), _lock("5.6.2"))
    code, document = run_json("check", str(lock), *FRESH)
    assert code == 0
    assert document["results"][0]["recommendation"] == "SAFE"


def test_manifest_range_admitting_a_listed_version(feed_env: FakeRegistry) -> None:
    manifest = _write(Path("package.json"), {"dependencies": {"chalk": "^5.6.0"}})
    code, document = run_json("check", str(manifest), *FRESH)
    assert code == 0  # SUSPICIOUS is below the default --fail-on
    (result,) = document["results"]
    assert result["recommendation"] == "SUSPICIOUS"
    in_range = [s for s in result["signals"] if s["kind"] == "MALICIOUS_VERSION_IN_RANGE"]
    assert "5.6.1" in in_range[0]["message"] and "pin it" in in_range[0]["message"]
    assert run("check", str(manifest), "--fail-on", "suspicious", *FRESH)[0] == 1
    _write(manifest, {"dependencies": {"chalk": "^5.6.2"}})
    _, document = run_json("check", str(manifest), *FRESH)
    assert document["results"][0]["recommendation"] == "SAFE"


def test_every_format_names_the_feed(feed_env: FakeRegistry) -> None:
    _, text, _ = run("validate", "flask", *FRESH)
    assert "known-malicious feed: osv-malicious, data as of 2025-09-12T08:30:00Z, 7 records" in text
    _, markdown, _ = run("validate", "flask", "-o", "markdown", *FRESH)
    assert "Known-malicious feed: osv-malicious" in markdown
    _, sarif, _ = run("validate", "flask", "-o", "sarif", *FRESH)
    (feed,) = json.loads(sarif)["runs"][0]["properties"]["feeds"]
    assert feed == {
        "name": "osv-malicious",
        "dataAsOf": "2025-09-12T08:30:00Z",
        "records": 7,
        "stale": False,
    }


def test_without_a_feed_reports_name_none(project_env: FakeRegistry) -> None:
    code, document = run_json("validate", "flask")
    assert code == 0
    assert document["feeds"] == []
    _, sarif, _ = run("validate", "flask", "-o", "sarif")
    assert json.loads(sarif)["runs"][0]["properties"]["feeds"] == []


def test_stale_feed_warns_on_stderr(feed_env: FakeRegistry) -> None:
    code, out, err = run("validate", "flask", "-o", "json")
    assert code == 0
    assert "stale" in err and "feed update" in err
    assert json.loads(out)["feeds"][0]["stale"] is True


def test_feed_off_ignores_it(feed_env: FakeRegistry) -> None:
    _, document = run_json("validate", "-r", "npm", "evil-pkg", "--feed", "off")
    assert document["feeds"] == []
    assert "KNOWN_MALICIOUS" not in kinds(document["results"][0])


def test_feed_require_without_a_feed_is_exit_3_never_a_silent_pass(
    project_env: FakeRegistry,
) -> None:
    code, document = run_json("validate", "flask", "--feed", "require")
    assert code == 3
    (result,) = document["results"]
    assert result["recommendation"] == "ERROR"
    assert "feed" in result["error"]


def test_feed_require_with_a_stale_feed_is_exit_3(feed_env: FakeRegistry) -> None:
    code, document = run_json("validate", "flask", "--feed", "require")
    assert code == 3
    assert "stale" in document["results"][0]["error"]
    # A finding is still a finding (exit 1 wins over 3).
    code, document = run_json(
        "validate", "-r", "npm", "evil-pkg", "pkg:pypi/flask", "--feed", "require"
    )
    assert code == 1
    assert [r["recommendation"] for r in document["results"]] == ["HIGH_RISK", "ERROR"]
    code, _ = run_json("validate", "flask", "--feed", "require", *FRESH)
    assert code == 0


def test_cache_clear_keeps_the_feed(feed_env: FakeRegistry) -> None:
    assert run("cache", "clear")[0] == 0
    assert run_json("feed", "status")[0] == 0


def test_staleness_follows_the_injected_clock(tmp_path: Path) -> None:
    cache = tmp_path / "cache"
    update(
        cache, base_url="http://feed.example.test", source=str(write_zip(tmp_path / "a.zip", CASES))
    )
    settings = Settings(cache_dir=cache, offline=True)
    as_of = datetime(2025, 9, 12, 8, 30, tzinfo=UTC)
    for days, stale in ((6.9, False), (7.1, True)):
        detector = Detector(settings, clock=lambda days=days: as_of + timedelta(days=days))
        report = detector.answer_locally([make_ref("flask")])
        detector.close_store()
        assert report is not None
        assert report.feeds[0].stale is stale
    required = Settings(cache_dir=cache, offline=True, feed=FeedMode.REQUIRE)
    detector = Detector(required, clock=lambda: as_of + timedelta(days=8))
    report = detector.answer_locally([make_ref("flask")])
    detector.close_store()
    assert report is not None
    assert report.results[0].recommendation is Recommendation.ERROR


def test_library_check_refs_uses_the_feed(tmp_path: Path) -> None:
    from phantom_guard.api import check_refs

    cache = tmp_path / "cache"
    update(
        cache, base_url="http://feed.example.test", source=str(write_zip(tmp_path / "a.zip", CASES))
    )
    report = check_refs(
        [make_ref("pkg:npm/evil-pkg")], settings=Settings(cache_dir=cache, offline=True)
    )
    (result,) = report.results
    assert result.recommendation is Recommendation.HIGH_RISK
    assert [s.kind for s in result.signals] == [SignalKind.KNOWN_MALICIOUS]
    assert report.feeds[0].records == 6


_LOADED_AT_EXIT = """
import atexit, sys
def report():
    heavy = ("asyncio", "aiohttp", "rapidfuzz", "rich")
    sys.stderr.write("LOADED " + " ".join(m for m in heavy if m in sys.modules) + "\\n")
atexit.register(report)
from phantom_guard.cli import main
main(sys.argv[1:])
"""


def test_warm_path_with_a_feed_skips_the_event_loop_and_http(feed_env: FakeRegistry) -> None:
    done = subprocess.run(
        [sys.executable, "-c", _LOADED_AT_EXIT, "validate", "-o", "json", "flask", *FRESH],
        capture_output=True,
        text=True,
        timeout=60,
        env=dict(os.environ),
        check=False,
    )
    assert done.returncode == 0, done.stderr
    (line,) = [x for x in done.stderr.splitlines() if x.startswith("LOADED")]
    assert line.split()[1:] == []
    assert json.loads(done.stdout)["feeds"][0]["records"] == 7


def test_the_allow_list_does_not_silence_known_malware(feed_env: FakeRegistry) -> None:
    Path(".phantom-guard.toml").write_text('allow = ["pkg:npm/evil-pkg"]\n')
    code, document = run_json("validate", "-r", "npm", "evil-pkg", *FRESH)
    assert code == 1
    assert document["results"][0]["recommendation"] == "HIGH_RISK"
