"""Accuracy on the labeled corpus: the real pipeline against the fake registry, per category.

    python benchmarks/accuracy.py            # dev corpus (benchmarks/corpus/corpus.tsv)
    python benchmarks/accuracy.py --real     # also ../shared/eval-real when present
    python benchmarks/accuracy.py --fresh    # also every name as a 2-day-old, one-release package
    python benchmarks/accuracy.py --longtail 3000  # + long-tail names per registry, fresh
    python benchmarks/accuracy.py --longtail 3000 --seed 7  # another sample of the same population

The corpus's registry snapshot is served through the project's fake registry, holding only
what the snapshot knows (latest version and its month, summary, npm downloads); fields it does
not know (repositories, maintainers, npm dates, release history) are left out, so an absent
field is measured as unknown. Every name goes through `Detector.check`, as the CLI does.

``--fresh`` adds a second table per corpus in which every name (popular ones too) is served with
the same fresh-package document: first published two days ago, one release, no repository, a
plain summary, 300 npm downloads (mirrors and bots fetch every new package). A squat at
publication time looks exactly like this, and so does every honest new package, so that table
shows what the name alone decides. Under it, the hallucination rows are split into names anyone
could register and names inside an npm scope that listed popular packages show is owned: only the
scope's owner can publish there, so a fresh package in it is the owner's, not a squat.
"""

from __future__ import annotations

import argparse
import asyncio
import csv
import sys
import time
from collections import Counter, defaultdict
from dataclasses import dataclass
from datetime import UTC, datetime, timedelta
from pathlib import Path
from typing import Any

ROOT = Path(__file__).resolve().parents[1]
sys.path.insert(0, str(ROOT))  # the fake registry lives in tests/

from tests.fakeregistry import FakeRegistry, documents  # noqa: E402

from phantom_guard import Detector, Settings  # noqa: E402
from phantom_guard.model import PackageRef, Recommendation, Registry  # noqa: E402

CORPUS = ROOT / "benchmarks" / "corpus" / "corpus.tsv"
# ../shared beside a checkout in /work, or beside the worktrees' folder (/work/wt/<branch>).
REAL = next(
    (
        base / "shared" / "eval-real" / "corpus"
        for base in (ROOT.parent, ROOT.parent.parent)
        if (base / "shared" / "eval-real" / "corpus").is_dir()
    ),
    ROOT.parent / "shared" / "eval-real" / "corpus",
)
PYPI_SNAPSHOT = Path("/work/.library/env/packages/pypi.tsv")
NPM_SNAPSHOT = Path("/work/.library/env/packages/npm.tsv")
POPULAR = ROOT / "src" / "phantom_guard" / "detect" / "data" / "popular"
FLAGGED = {Recommendation.SUSPICIOUS, Recommendation.HIGH_RISK, Recommendation.NOT_FOUND}
ORDER = [r.value for r in Recommendation]


@dataclass(frozen=True)
class Row:
    name: str
    registry: Registry
    label: str
    category: str
    kind: str
    exists: bool
    version: str
    month: str
    downloads: int | None
    summary: str


def read_rows(path: Path) -> list[Row]:
    rows = []
    with path.open(encoding="utf-8", newline="") as handle:
        for item in csv.DictReader(handle, delimiter="\t", quoting=csv.QUOTE_NONE):
            downloads = item.get("npm_monthly_downloads") or ""
            rows.append(
                Row(
                    name=item["name"],
                    registry=Registry(item["registry"]),
                    label=item["label"],
                    category=item["category"],
                    kind=item.get("kind") or item.get("source", "real"),
                    exists=item.get("exists", "0") == "1",
                    version=item.get("latest_version") or "0.1.0",
                    month=item.get("latest_release_month") or "",
                    downloads=int(downloads) if downloads.isdigit() else None,
                    summary=(item.get("summary") or "").replace("\\\\", "\\"),
                )
            )
    return rows


def serve(registry: FakeRegistry, row: Row) -> None:
    """Put what the snapshot knows about `row` on the fake registry, nothing more."""
    summary = row.summary or None
    if row.registry is Registry.PYPI:
        released = _month(row.month) or datetime(2020, 1, 15, tzinfo=UTC)
        document = documents.pypi_document(
            row.name,
            [(row.version, released)],
            summary=summary,
            author=None,
            author_email=None,
            home_page=None,
            project_urls=None,
            description=None,
        )
        registry.add_pypi(row.name, document)
    else:
        document = documents.npm_document(
            row.name, [(row.version, datetime(2020, 1, 15, tzinfo=UTC))], description=summary
        )
        # The npm snapshot has no dates, maintainers or repositories: serve none.
        for key in ("time", "maintainers", "repository", "homepage", "bugs", "author"):
            document.pop(key, None)
        for version in document.get("versions", {}).values():
            for key in ("maintainers", "repository", "homepage", "bugs", "author", "_npmUser"):
                version.pop(key, None)
        registry.add_npm(row.name, document, downloads=row.downloads)


FRESH_DOWNLOADS = 300
FRESH_SUMMARY = "Helpers for reading and writing configuration files."


def serve_fresh(registry: FakeRegistry, row: Row, now: datetime) -> None:
    """Serve `row` as a package first published two days ago: the same document for every name."""
    published = now - timedelta(days=2)
    if row.registry is Registry.PYPI:
        document = documents.pypi_document(
            row.name, [("0.1.0", published)], summary=FRESH_SUMMARY, project_urls=None
        )
        registry.add_pypi(row.name, document)
    else:
        document = documents.npm_document(
            row.name, [("0.1.0", published)], description=FRESH_SUMMARY, repository=None
        )
        # A two-day-old package's downloads come from mirrors and bots: a few hundred.
        registry.add_npm(row.name, document, downloads=FRESH_DOWNLOADS)


def _month(text: str) -> datetime | None:
    if len(text) != 7:
        return None
    return datetime(int(text[:4]), int(text[5:7]), 15, tzinfo=UTC)


async def judge(rows: list[Row], settings: Settings) -> dict[tuple[Registry, str], Any]:
    async with Detector(settings) as detector:
        refs = [PackageRef(r.name, r.registry) for r in rows]
        report = await detector.check(refs)
    return {(r.registry, r.name): r for r in report.results}


def table(rows: list[Row], verdicts: dict[Row, Recommendation], title: str) -> list[str]:
    groups: dict[tuple[str, str, str, str], list[Row]] = defaultdict(list)
    for row in rows:
        groups[(row.category, row.kind, row.registry.value, row.label)].append(row)
    lines = [
        f"\n{title}",
        f"{'category':<30} {'kind':<9} {'reg':<5} {'n':>5} {'flagged':>8} {'HIGH+NF':>8}  "
        + "  ".join(f"{v[:9]:>9}" for v in ORDER),
    ]
    for key in sorted(groups):
        members = groups[key]
        counts = Counter(verdicts[m] for m in members)
        n = len(members)
        flagged = sum(counts[v] for v in FLAGGED) / n
        severe = (counts[Recommendation.HIGH_RISK] + counts[Recommendation.NOT_FOUND]) / n
        lines.append(
            f"{key[0]:<30} {key[1]:<9} {key[2]:<5} {n:>5} {flagged:>8.1%} {severe:>8.1%}  "
            + "  ".join(f"{counts[Recommendation(v)]:>9}" for v in ORDER)
        )
    return lines


def misses(
    rows: list[Row], verdicts: dict[Row, Recommendation], risks: dict[Any, Any], *, fresh: bool
) -> list[str]:
    lines = [
        "\nmisses (bad but SAFE/ERROR) and false positives "
        "(good-ish HIGH_RISK/NOT_FOUND, good flagged):"
    ]
    for row in rows:
        verdict = verdicts[row]
        # Under fresh metadata every name is at least SUSPICIOUS: only HIGH_RISK tells.
        caught = {Recommendation.HIGH_RISK} if fresh else FLAGGED
        wrong = (
            (row.label == "bad" and verdict not in caught)
            or (row.label == "good" and verdict is not Recommendation.SAFE)
            or (
                row.label == "good-ish"
                and verdict in (Recommendation.HIGH_RISK, Recommendation.NOT_FOUND)
            )
        )
        if wrong:
            risk = risks[(row.registry, row.name)]
            why = "; ".join(f"{s.kind.value}{s.weight:+.2f}" for s in risk.signals)
            lines.append(
                f"  {row.category:<24} {row.registry.value:<4} {row.name:<40} "
                f"{verdict.value:<10} {risk.risk_score:.2f}  {why}"
            )
    return lines


def real_rows() -> list[Row]:
    """eval-real rows; registered names get their snapshot fields from the env pypi.tsv."""
    rows: list[Row] = []
    for path in sorted(REAL.glob("*.tsv")):
        rows.extend(read_rows(path))
    wanted = {r.name for r in rows if r.category == "real_hallucinated_registered"}
    fields: dict[str, tuple[str, str, str]] = {}
    if wanted and PYPI_SNAPSHOT.exists():
        with PYPI_SNAPSHOT.open(encoding="utf-8", errors="replace") as handle:
            for line in handle:
                parts = line.rstrip("\n").split("\t")
                if parts[0] in wanted:
                    fields[parts[0]] = (parts[1], parts[2], parts[4] if len(parts) > 4 else "")
    result = []
    for row in rows:
        exists = row.category == "real_hallucinated_registered" and row.name in fields
        version, month, summary = fields.get(row.name, ("0.1.0", "", ""))
        result.append(
            Row(
                row.name,
                row.registry,
                row.label,
                row.category,
                "real",
                exists,
                version,
                month,
                None,
                summary,
            )
        )
    return result


def longtail_rows(size: int, seed: int = 18) -> list[Row]:
    """`size` random names per registry from the package snapshots, drawn like the corpus's
    long-tail rows but from the whole population: npm names under 10,000 downloads a month on
    no shipped npm list, PyPI names unranked and last released before 2024; both with a
    summary."""
    import random

    # Each registry's own lists only: a long-tail npm name that is also a top PyPI name is
    # in the population (the cross-ecosystem rule is measured on it).
    listed: dict[str, set[str]] = {"npm": set(), "pypi": set()}
    for kind, part in (("npm", "npm.txt"), ("npm", "npm-tier2.txt"), ("pypi", "pypi.txt")):
        with (POPULAR / part).open(encoding="utf-8") as handle:
            listed[kind] |= {line.split("\t", 1)[0].strip() for line in handle if line[:1] != "#"}
    npm, pypi = [], []
    with NPM_SNAPSHOT.open(encoding="utf-8", errors="replace") as handle:
        next(handle, None)
        for line in handle:
            p = line.rstrip("\n").split("\t")
            used = len(p) > 3 and p[3].strip() and p[2].isdigit() and int(p[2]) < 10_000
            if used and p[0] not in listed["npm"] and p[0] == p[0].lower():
                npm.append(p[0])
    with PYPI_SNAPSHOT.open(encoding="utf-8", errors="replace") as handle:
        next(handle, None)
        for line in handle:
            p = line.rstrip("\n").split("\t")
            old = len(p) > 4 and not p[3] and p[2] < "2024" and len(p[4]) > 15
            if old and p[0].lower() not in listed["pypi"]:
                pypi.append(p[0])
    rng = random.Random(seed)
    rows = []
    for registry, names in ((Registry.NPM, npm), (Registry.PYPI, pypi)):
        for name in rng.sample(names, min(size, len(names))):
            rows.append(
                Row(
                    name,
                    registry,
                    "good-ish",
                    "longtail_sample",
                    "real",
                    True,
                    "0.1.0",
                    "",
                    None,
                    "",
                )
            )
    return rows


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--real", action="store_true", help="also measure ../shared/eval-real")
    parser.add_argument("--misses", action="store_true", help="list every miss and false positive")
    parser.add_argument(
        "--fresh", action="store_true", help="also serve every name as a fresh package"
    )
    parser.add_argument(
        "--longtail",
        type=int,
        default=0,
        metavar="N",
        help="also N random long-tail names per registry from the package snapshots, fresh only",
    )
    parser.add_argument(
        "--seed", type=int, default=18, help="the long-tail sample's random seed (default 18)"
    )
    args = parser.parse_args()
    corpora = [("dev corpus", read_rows(CORPUS))]
    if args.real:
        if REAL.exists():
            corpora.append(
                ("eval-real (LLM-hallucinated names from a published study)", real_rows())
            )
        else:
            print(f"eval-real not found at {REAL}: skipped")
    modes = [False, True] if args.fresh else [False]
    for title, rows in corpora:
        for fresh in modes:
            measure(title, rows, fresh=fresh, show_misses=args.misses)
    if args.longtail:
        if NPM_SNAPSHOT.exists() and PYPI_SNAPSHOT.exists():
            title = (
                "long-tail sample of the package snapshots"
                f" (seed {args.seed}, {args.longtail} a registry)"
            )
            rows = longtail_rows(args.longtail, args.seed)
            measure(title, rows, fresh=True, show_misses=args.misses)
        else:
            print("package snapshots not found: --longtail skipped")


def measure(title: str, rows: list[Row], *, fresh: bool, show_misses: bool) -> None:
    """Serve `rows` (snapshot or fresh metadata), check them all, print the table."""
    now = datetime.now(UTC)
    with FakeRegistry() as registry:
        for row in rows:
            if fresh:
                serve_fresh(registry, row, now)
            elif row.exists:
                serve(registry, row)
        env = registry.env()
        settings = Settings(
            pypi_url=env["PHANTOM_GUARD_PYPI_URL"],
            npm_url=env["PHANTOM_GUARD_NPM_URL"],
            npm_downloads_url=env["PHANTOM_GUARD_NPM_DOWNLOADS_URL"],
            crates_url=env["PHANTOM_GUARD_CRATES_URL"],
            use_cache=False,
            concurrency=50,
        )
        started = time.perf_counter()
        risks = asyncio.run(judge(rows, settings))
        elapsed = time.perf_counter() - started
    verdicts = {row: risks[(row.registry, row.name)].recommendation for row in rows}
    mode = "fresh metadata" if fresh else "snapshot metadata"
    print(
        "\n".join(table(rows, verdicts, f"{title}, {mode}: {len(rows)} names in {elapsed:.1f} s"))
    )
    if fresh:
        print("\n".join(registrable(rows, verdicts)))
    if show_misses:
        print("\n".join(misses(rows, verdicts, risks, fresh=fresh)))


def owned_scopes() -> frozenset[str]:
    """npm scopes of the shipped popular list: each has an owner who alone publishes in it."""
    names = (POPULAR / "npm.names").read_text(encoding="utf-8").split()
    return frozenset(n.partition("/")[0] for n in names if n.startswith("@") and "/" in n)


def registrable(rows: list[Row], verdicts: dict[Row, Recommendation]) -> list[str]:
    """HIGH_RISK share of the hallucinated names, split by whether anyone could publish them."""
    scopes = owned_scopes()
    lines = ["hallucinated names HIGH_RISK, by who can publish them:"]
    for registry in sorted({r.registry for r in rows}, key=lambda r: r.value):
        bad = [
            r
            for r in rows
            if r.registry is registry and "hallucinated" in r.category and r.label == "bad"
        ]
        owned = [r for r in bad if r.name.partition("/")[0] in scopes]
        anyone = [r for r in bad if r not in owned]
        for label, group in (("anyone", anyone), ("scope owner only", owned)):
            if group:
                caught = sum(verdicts[r] is Recommendation.HIGH_RISK for r in group)
                lines.append(
                    f"  {registry.value:<5} {label:<17} {len(group):>5} {caught / len(group):>8.1%}"
                )
    return lines


if __name__ == "__main__":
    main()
