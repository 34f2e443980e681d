"""Build the shipped PyPI and npm popular-package lists from package snapshots.

Reads two tab-separated snapshots (one header line each):

* PyPI: ``name, version, month, rank_among_15000_most_downloaded, summary`` (rank may be empty)
* npm: ``name, version, downloads_a_month, summary``

and writes ``pypi.txt`` and ``npm.txt`` under ``src/phantom_guard/detect/data/popular/``, plus
``npm-tier2.txt``: the next most downloaded npm names, which are typosquat targets (squatters aim
below the very top) but not trusted as popular. Each
output file starts with ``# `` header lines (source, date, ordering, count) followed by one
``name<TAB>score`` line per package, most popular first; beside ``pypi.txt`` and ``npm.txt``
``<registry>.names`` holds their names alone, one per line, which is what a run reads, and
``<registry>.index`` a hash table of them (`phantom_guard.detect.name_index`).

Standard library plus ``packaging`` (and phantom_guard's own index writer); the snapshots are
streamed line by line.
"""

from __future__ import annotations

import argparse
import datetime as dt
import re
import sys
from collections.abc import Iterator
from pathlib import Path

from packaging.utils import canonicalize_name

from phantom_guard.detect import name_index

REPO_ROOT = Path(__file__).resolve().parent.parent
DEFAULT_OUT_DIR = REPO_ROOT / "src" / "phantom_guard" / "detect" / "data" / "popular"
DEFAULT_PYPI_TSV = Path("/work/.library/env/packages/pypi.tsv")
DEFAULT_NPM_TSV = Path("/work/.library/env/packages/npm.tsv")
DEFAULT_NPM_LIMIT = 15_000
DEFAULT_NPM_TIER2 = 50_000

#: Longest name the npm registry accepts.
NPM_MAX_NAME_LENGTH = 214
#: A modern (new-package-valid) npm name: lowercase, URL-safe, optionally ``@scope/``-prefixed,
#: and neither the scope nor the name may start with ``.`` or ``_``.
_NPM_NAME_RE = re.compile(r"^(?:@[a-z0-9~-][a-z0-9._~-]*/)?[a-z0-9~-][a-z0-9._~-]*$")


def iter_rows(path: Path) -> Iterator[list[str]]:
    """Yield the tab-separated fields of every data line of ``path`` (the header is skipped).

    Fields are split on tabs only (no quoting), so summaries with quotes or odd characters are
    harmless; undecodable bytes are replaced rather than fatal.
    """
    with path.open(encoding="utf-8", errors="replace", newline="") as handle:
        next(handle, None)
        for raw in handle:
            line = raw.rstrip("\r\n")
            if line:
                yield line.split("\t")


def load_pypi_ranked(path: Path) -> tuple[list[tuple[str, int]], dict[str, int]]:
    """Return ``[(normalized_name, rank)]`` sorted by rank, plus counters for the report."""
    best: dict[str, int] = {}
    stats = {"rows": 0, "short_rows": 0, "bad_rank": 0, "duplicates": 0}
    for fields in iter_rows(path):
        stats["rows"] += 1
        if len(fields) < 4:
            stats["short_rows"] += 1
            continue
        raw_rank = fields[3].strip()
        if not raw_rank:
            continue
        try:
            rank = int(raw_rank)
        except ValueError:
            stats["bad_rank"] += 1
            continue
        name = canonicalize_name(fields[0].strip())
        if not name:
            continue
        if name in best:
            stats["duplicates"] += 1
            if rank >= best[name]:
                continue
        best[name] = rank
    ranked = sorted(best.items(), key=lambda item: (item[1], item[0]))
    return ranked, stats


def npm_name_problem(name: str) -> str | None:
    """Return why ``name`` is not a valid modern npm package name, or ``None`` if it is."""
    if not name:
        return "empty"
    if len(name) > NPM_MAX_NAME_LENGTH:
        return "too long"
    if name != name.strip() or " " in name:
        return "whitespace"
    if name.startswith((".", "_")):
        return "leading . or _"
    if name != name.lower():
        return "uppercase"
    if not _NPM_NAME_RE.match(name):
        return "invalid characters"
    return None


def load_npm_top(
    path: Path, limit: int, tier2: int = 0
) -> tuple[list[tuple[str, int]], dict[str, int], dict[str, list[tuple[str, int]]]]:
    """Return the ``limit`` most downloaded valid npm names, counters and the skipped names."""
    downloads: dict[str, int] = {}
    stats = {"rows": 0, "short_rows": 0, "no_downloads": 0, "duplicates": 0}
    skipped: dict[str, list[tuple[str, int]]] = {}
    for fields in iter_rows(path):
        stats["rows"] += 1
        if len(fields) < 3:
            stats["short_rows"] += 1
            continue
        name = fields[0]
        try:
            count = int(fields[2].strip())
        except ValueError:
            stats["no_downloads"] += 1
            continue
        problem = npm_name_problem(name)
        if problem is not None:
            skipped.setdefault(problem, []).append((name, count))
            continue
        if name in downloads:
            stats["duplicates"] += 1
            if count <= downloads[name]:
                continue
        downloads[name] = count
    top = sorted(downloads.items(), key=lambda item: (-item[1], item[0]))[: limit + tier2]
    return top, stats, skipped


def render_list(header: list[str], entries: list[tuple[str, int]]) -> str:
    """Render header comment lines and ``name<TAB>score`` lines as the file's text."""
    lines = [f"# {text}" for text in header]
    lines.extend(f"{name}\t{score}" for name, score in entries)
    return "\n".join(lines) + "\n"


def write_list(path: Path, header: list[str], entries: list[tuple[str, int]]) -> None:
    """Write a popular-package list file (UTF-8, ``\\n`` line endings)."""
    path.parent.mkdir(parents=True, exist_ok=True)
    path.write_text(render_list(header, entries), encoding="utf-8", newline="\n")


def render_names(entries: list[tuple[str, int]]) -> str:
    """The names of a list, one per line in rank order: the file a run reads (``.names``)."""
    return "".join(f"{name}\n" for name, _ in entries)


def write_names(path: Path, entries: list[tuple[str, int]]) -> None:
    """Write the ``.names`` file beside a top-tier list, and its hash table (``.index``)."""
    path.write_text(render_names(entries), encoding="utf-8", newline="\n")
    path.with_suffix(".index").write_bytes(name_index.build([name for name, _ in entries]))


def pypi_header(source: Path, date: str, count: int) -> list[str]:
    """Header lines for ``pypi.txt``."""
    return [
        "phantom-guard popular package list: PyPI",
        f"source: env package snapshot {source.name} (column rank_among_15000_most_downloaded)",
        f"generated: {date} (UTC) by scripts/build_popular_lists.py",
        "names: PEP 503 normalized; duplicates keep the best rank",
        "order: download rank ascending (most downloaded first)",
        "score: download rank (1 = most downloaded)",
        f"count: {count}",
    ]


def npm_header(source: Path, date: str, count: int, skipped: int) -> list[str]:
    """Header lines for ``npm.txt``."""
    return [
        "phantom-guard popular package list: npm",
        f"source: env package snapshot {source.name} (column downloads_a_month)",
        f"generated: {date} (UTC) by scripts/build_popular_lists.py",
        "names: as published (lowercase, separators and @scope/ kept); "
        f"{skipped} names that are not valid modern npm names were skipped",
        "order: monthly downloads descending, ties by name",
        "score: downloads in one month",
        f"count: {count}",
    ]


def npm_tier2_header(source: Path, date: str, entries: list[tuple[str, int]]) -> list[str]:
    """Header lines for ``npm-tier2.txt``."""
    low = entries[-1][1] if entries else 0
    return [
        "phantom-guard typosquat targets, second tier: npm",
        f"source: env package snapshot {source.name} (column downloads_a_month)",
        f"generated: {date} (UTC) by scripts/build_popular_lists.py",
        "names: the valid npm names ranked after the popular list (npm.txt), same rules",
        f"order: monthly downloads descending, ties by name; lowest {low} a month",
        "score: downloads in one month",
        f"count: {len(entries)}",
    ]


def parse_args(argv: list[str] | None) -> argparse.Namespace:
    """Parse the command line."""
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("pypi_tsv", nargs="?", type=Path, default=DEFAULT_PYPI_TSV)
    parser.add_argument("npm_tsv", nargs="?", type=Path, default=DEFAULT_NPM_TSV)
    parser.add_argument("--out-dir", type=Path, default=DEFAULT_OUT_DIR)
    parser.add_argument("--npm-limit", type=int, default=DEFAULT_NPM_LIMIT)
    parser.add_argument("--npm-tier2", type=int, default=DEFAULT_NPM_TIER2)
    parser.add_argument(
        "--date",
        default=None,
        help="date to write in the headers (YYYY-MM-DD); default: today in UTC",
    )
    return parser.parse_args(argv)


def main(argv: list[str] | None = None) -> int:
    """Build both lists and print a short report."""
    args = parse_args(argv)
    date = args.date or dt.datetime.now(dt.UTC).date().isoformat()
    for tsv in (args.pypi_tsv, args.npm_tsv):
        if not tsv.is_file():
            print(f"error: snapshot not found: {tsv}", file=sys.stderr)
            return 1

    pypi, pypi_stats = load_pypi_ranked(args.pypi_tsv)
    pypi_path = args.out_dir / "pypi.txt"
    write_list(pypi_path, pypi_header(args.pypi_tsv, date, len(pypi)), pypi)
    write_names(pypi_path.with_suffix(".names"), pypi)
    print(f"pypi: {len(pypi)} ranked projects -> {pypi_path}")
    print(
        f"  rows read {pypi_stats['rows']}, short rows {pypi_stats['short_rows']}, "
        f"bad ranks {pypi_stats['bad_rank']}, duplicate names {pypi_stats['duplicates']}"
    )

    npm, npm_stats, skipped = load_npm_top(args.npm_tsv, args.npm_limit, args.npm_tier2)
    npm, tier2 = npm[: args.npm_limit], npm[args.npm_limit :]
    tier2_path = args.out_dir / "npm-tier2.txt"
    write_list(tier2_path, npm_tier2_header(args.npm_tsv, date, tier2), tier2)
    print(f"npm: second tier {len(tier2)} packages -> {tier2_path}")
    n_skipped = sum(len(names) for names in skipped.values())
    npm_path = args.out_dir / "npm.txt"
    write_list(npm_path, npm_header(args.npm_tsv, date, len(npm), n_skipped), npm)
    write_names(npm_path.with_suffix(".names"), npm)
    print(f"npm: top {len(npm)} packages -> {npm_path}")
    print(
        f"  rows read {npm_stats['rows']}, short rows {npm_stats['short_rows']}, "
        f"rows without downloads {npm_stats['no_downloads']}, "
        f"duplicate names {npm_stats['duplicates']}"
    )
    cutoff = npm[-1][1] if npm else 0
    print(f"  skipped {n_skipped} invalid names:")
    for problem, found in sorted(skipped.items()):
        names = sorted(found, key=lambda item: (-item[1], item[0]))
        above = sum(1 for _, count in names if count >= cutoff)
        shown = ", ".join(f"{name} ({count})" for name, count in names[:8])
        print(f"    {problem}: {len(names)} ({above} above the cutoff); e.g. {shown}")
    return 0


if __name__ == "__main__":
    sys.exit(main())
