"""Issue #6: a big batch against a registry that fails a random tenth of its requests.

Every name gets exactly one result, in input order; a name whose every request failed is ERROR
with a reason, never a verdict; a name that got a normal answer (after retries if need be) gets
the verdict its served data implies, never ERROR. Which requests fail depends on the order they
arrive, so the tests check these invariants against the fake registry's own record of what it
served (`FakeRegistry.outcomes`), not a fixed list of names. The full-size run (10,000 names,
with memory) is ``benchmarks/bench_faults.py``.
"""

from __future__ import annotations

import asyncio
import json
from collections.abc import Sequence
from pathlib import Path
from typing import Any

import pytest
from click.testing import CliRunner

from phantom_guard.api import validate_many
from phantom_guard.cli import main
from phantom_guard.detect.popular import popular_list
from phantom_guard.model import PackageRisk, Recommendation, Registry
from phantom_guard.names import comparable, normalize
from phantom_guard.registry._http import HttpClient
from phantom_guard.settings import Settings
from tests.fakeregistry import FakeRegistry, Fault, Outcome, documents

RATE = 0.10
SEED = 6
BATCH = 2000
CLI_BATCH = 500
_PREFIXES = ("amber", "basalt", "cobalt", "fennel", "harbor", "juniper", "quartz", "willow")
_TOPICS = ("cache", "graph", "ledger", "queue", "schema", "shard", "socket", "vector")
_SUFFIXES = ("bridge", "forge", "lens", "mesh", "relay", "shim", "smith", "works")
_REGISTRIES = (Registry.PYPI, Registry.NPM, Registry.CRATES)
#: One name to check: its registry and the name as given.
Ref = tuple[Registry, str]
_OLD = [("1.0.0", documents.days_ago(700)), ("1.4.2", documents.days_ago(200))]


@pytest.fixture
def project(project_env: FakeRegistry, monkeypatch: pytest.MonkeyPatch) -> FakeRegistry:
    """The fake registry in the environment, from an empty project; retries without waiting."""
    # Never a timeout on a loaded machine: an ERROR must come from the injected faults only.
    monkeypatch.setenv("PHANTOM_GUARD_TIMEOUT", "60")
    # The jittered backoff between attempts (0-0.25 s, then 0-0.5 s) only slows the test down.
    monkeypatch.setattr(HttpClient, "_delay", lambda self, attempt: 0.0)
    return project_env


def batch_names(count: int, registries: Sequence[Registry] = _REGISTRIES) -> list[Ref]:
    """``count`` distinct (registry, name), deterministic, on no popular list; some npm scoped."""
    popular = [popular_list(r) for r in _REGISTRIES]
    names: list[Ref] = []
    number = 0
    while len(names) < count:
        rest, suffix = divmod(number, len(_SUFFIXES))
        rest, topic = divmod(rest, len(_TOPICS))
        lap, prefix = divmod(rest, len(_PREFIXES))
        number += 1
        name = f"{_PREFIXES[prefix]}-{_TOPICS[topic]}-{_SUFFIXES[suffix]}" + (
            f"{lap}" if lap else ""
        )
        if any(comparable(normalize(name, p.registry)) in p for p in popular):
            continue
        registry = registries[len(names) % len(registries)]
        if registry is Registry.NPM and len(names) % 20 == 1:
            name = f"@{_PREFIXES[(prefix + 3) % len(_PREFIXES)]}/{name}"
        names.append((registry, name))
    return names


def serve(registry: FakeRegistry, names: Sequence[Ref], every: int = 2) -> set[Ref]:
    """Serve every ``every``-th name as an established package; the others answer 404."""
    served = set(names[::every])
    for kind, name in served:
        match kind:
            case Registry.PYPI:
                urls = {"Source": f"https://github.com/janedoe/{name}"}
                registry.add_pypi(name, documents.pypi_document(name, _OLD, project_urls=urls))
            case Registry.NPM:
                registry.add_npm(name, documents.npm_document(name, _OLD), downloads=48_000)
            case Registry.CRATES:
                registry.add_crate(name, documents.crates_document(name, _OLD))
    return served


def purl(kind: Registry, name: str) -> str:
    if name.startswith("@"):
        scope, bare = name.split("/", 1)
        return f"pkg:npm/%40{scope[1:]}/{bare}"
    return f"pkg:{kind.purl_type}/{name}"


def doom(registry: FakeRegistry, names: Sequence[Ref]) -> None:
    """Make every request for ``names`` fail, so some lookups surely fail however faults fall."""
    for kind, name in names:
        registry.set_fault(Fault.STATUS_500, registry=kind.value, name=name)


def check_fail_closed(
    registry: FakeRegistry,
    names: Sequence[Ref],
    results: Sequence[PackageRisk],
    served: set[Ref],
) -> tuple[int, int]:
    """Assert the invariants; return (names that all-failed, names answered after a fault)."""
    assert [(r.registry, r.name) for r in results] == list(names)
    outcomes = {kind: registry.outcomes(kind.value) for kind in _REGISTRIES}
    all_failed = retried = 0
    for (kind, name), risk in zip(names, results, strict=True):
        outcome = outcomes[kind].get(risk.normalized_name, Outcome(0, 0))
        what = f"{kind.value}:{name} {outcome} -> {risk.recommendation} ({risk.error})"
        assert outcome.faulted + outcome.answered > 0, what
        if outcome.answered == 0:
            all_failed += 1
            assert risk.recommendation is Recommendation.ERROR, what
            assert risk.error, what
            assert risk.exists is None, what
            continue
        assert risk.recommendation is not Recommendation.ERROR, what
        retried += outcome.faulted > 0
        if (kind, name) in served:
            assert risk.exists is True, what
            assert risk.recommendation is not Recommendation.NOT_FOUND, what
        else:
            assert (risk.exists, risk.recommendation) == (False, Recommendation.NOT_FOUND), what
    return all_failed, retried


def run_batch(registry: FakeRegistry, names: Sequence[Ref]) -> list[PackageRisk]:
    settings = Settings.load().with_overrides(use_cache=False)
    assert settings.pypi_url == registry.pypi_url
    return asyncio.run(validate_many([purl(k, n) for k, n in names], settings=settings))


def test_batch_with_random_faults_fails_closed(project: FakeRegistry) -> None:
    names = batch_names(BATCH)
    assert len(set(names)) == BATCH
    served = serve(project, names)
    doomed = [names[0], names[1], names[5]]  # served PyPI, 404 npm, 404 crates
    doom(project, doomed)
    project.fail_rate(RATE, SEED)

    results = run_batch(project, names)

    all_failed, retried = check_fail_closed(project, names, results, served)
    by_name = {(r.registry, r.name): r for r in results}
    assert all(by_name[ref].recommendation is Recommendation.ERROR for ref in doomed)
    assert all_failed >= len(doomed)
    # The random faults hit about a tenth of the names; almost all of them then succeeded.
    assert retried > BATCH * RATE / 4
    faulted = sum(1 for r in project.requests if r.fault is not None)
    assert faulted > BATCH * RATE / 2


@pytest.mark.parametrize(
    ("fault", "params", "retryable"),
    [
        (Fault.RESET, {}, True),
        (Fault.RATE_LIMIT, {"retry_after": "0"}, True),
        (Fault.MALFORMED_JSON, {}, False),
    ],
)
def test_batch_fails_closed_for_other_fault_kinds(
    project: FakeRegistry, fault: Fault, params: dict[str, Any], retryable: bool
) -> None:
    names = batch_names(300)
    served = serve(project, names)
    project.fail_rate(RATE, SEED, fault, **params)

    results = run_batch(project, names)

    all_failed, retried = check_fail_closed(project, names, results, served)
    if retryable:
        assert retried > 0
    else:  # one bad answer is final: every name that met the fault is ERROR
        assert retried == 0
        assert all_failed > 0


def test_cli_check_with_random_faults_exits_3_with_one_result_per_name(
    project: FakeRegistry, tmp_path: Path
) -> None:
    names = batch_names(CLI_BATCH, [Registry.PYPI])
    served = serve(project, names, every=1)  # all exist: only ERROR can change the exit code
    doom(project, names[10:12])
    project.fail_rate(RATE, SEED)
    requirements = Path("requirements.txt")
    requirements.write_text("".join(f"{name}==1.4.2\n" for _, name in names), encoding="utf-8")

    result = CliRunner().invoke(main, ["check", str(requirements), "-o", "json"])

    assert result.exit_code == 3, result.stderr
    document = json.loads(result.stdout)
    rows = document["results"]
    assert [(row["name"], row["sources"]) for row in rows] == [
        (name, [{"file": str(requirements), "line": line, "version": "1.4.2"}])
        for line, (_, name) in enumerate(names, start=1)
    ]
    risks = [
        PackageRisk(
            name=row["name"],
            normalized_name=row["normalized_name"],
            registry=Registry(row["registry"]),
            recommendation=Recommendation(row["recommendation"]),
            risk_score=row["risk_score"],
            exists=row["exists"],
            error=row["error"],
        )
        for row in rows
    ]
    all_failed, _ = check_fail_closed(project, names, risks, served)
    summary = document["summary"]
    assert summary["total"] == CLI_BATCH
    assert summary["ERROR"] == all_failed >= 2
    assert summary["NOT_FOUND"] == summary["HIGH_RISK"] == 0
