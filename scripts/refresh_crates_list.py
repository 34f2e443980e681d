"""Refresh the shipped crates popular-package list from the crate registry's API.

Fetches ``{base}/crates?sort=downloads&per_page=100&page=N`` for N = 1..pages (one second apart,
as the registry's crawler policy asks), and rewrites
``src/phantom_guard/detect/data/popular/crates.txt`` in the shared list format: ``# `` header
lines, then ``name<TAB>all-time downloads`` lines, most downloaded first.

The base URL comes from ``phantom_guard.registry.endpoints.CRATES_URL`` unless ``--base-url``
overrides it (a mirror, or a local server in tests). Standard library only, apart from that
import. Nothing is written unless every page was fetched and parsed.
"""

from __future__ import annotations

import argparse
import datetime as dt
import json
import os
import sys
import tempfile
import time
import urllib.error
import urllib.parse
import urllib.request
from pathlib import Path
from typing import Any

REPO_ROOT = Path(__file__).resolve().parent.parent
SRC_DIR = REPO_ROOT / "src"
DEFAULT_OUTPUT = SRC_DIR / "phantom_guard" / "detect" / "data" / "popular" / "crates.txt"
DEFAULT_PAGES = 5
PER_PAGE = 100
PAUSE_SECONDS = 1.0
TIMEOUT_SECONDS = 30.0


class FetchError(Exception):
    """A page could not be fetched or did not have the expected shape."""


def _import_package_attr(module: str, attr: str) -> Any:
    """Import ``attr`` from a ``phantom_guard`` module, from ``src/`` if it is not installed."""
    import importlib

    try:
        loaded = importlib.import_module(module)
    except ModuleNotFoundError:
        sys.path.insert(0, str(SRC_DIR))
        loaded = importlib.import_module(module)
    return getattr(loaded, attr)


def default_base_url() -> str:
    """The crate registry API base from ``phantom_guard.registry.endpoints``."""
    return str(_import_package_attr("phantom_guard.registry.endpoints", "CRATES_URL"))


def default_user_agent() -> str:
    """A descriptive User-Agent (the registry rejects requests without one)."""
    version = _import_package_attr("phantom_guard._version", "__version__")
    return f"phantom-guard/{version} (popular crates list refresh; scripts/refresh_crates_list.py)"


def page_url(base_url: str, page: int, per_page: int = PER_PAGE) -> str:
    """The URL of one page of the most downloaded crates."""
    query = urllib.parse.urlencode({"sort": "downloads", "per_page": per_page, "page": page})
    return f"{base_url.rstrip('/')}/crates?{query}"


def fetch_page(url: str, user_agent: str, timeout: float) -> list[tuple[str, int]]:
    """Fetch one page and return its ``(name, downloads)`` pairs."""
    request = urllib.request.Request(
        url, headers={"User-Agent": user_agent, "Accept": "application/json"}
    )
    try:
        with urllib.request.urlopen(request, timeout=timeout) as response:
            body = response.read()
    except urllib.error.HTTPError as exc:
        raise FetchError(f"{url}: HTTP {exc.code} {exc.reason}") from exc
    except (urllib.error.URLError, TimeoutError, OSError) as exc:
        raise FetchError(f"{url}: {exc}") from exc
    try:
        document = json.loads(body)
    except ValueError as exc:
        raise FetchError(f"{url}: response is not JSON ({exc})") from exc
    crates = document.get("crates") if isinstance(document, dict) else None
    if not isinstance(crates, list):
        raise FetchError(f"{url}: response has no 'crates' list")
    found: list[tuple[str, int]] = []
    for entry in crates:
        if not isinstance(entry, dict):
            raise FetchError(f"{url}: a 'crates' entry is not an object")
        name, downloads = entry.get("name"), entry.get("downloads")
        if not isinstance(name, str) or not name or not isinstance(downloads, int):
            raise FetchError(f"{url}: a crate lacks a string 'name' or an integer 'downloads'")
        found.append((name, downloads))
    return found


def fetch_top_crates(
    base_url: str, pages: int, user_agent: str, pause: float, timeout: float
) -> list[tuple[str, int]]:
    """Fetch up to ``pages`` pages, pausing ``pause`` seconds between requests."""
    collected: list[tuple[str, int]] = []
    for page in range(1, pages + 1):
        if page > 1:
            time.sleep(pause)
        url = page_url(base_url, page)
        crates = fetch_page(url, user_agent, timeout)
        print(f"page {page}: {len(crates)} crates", file=sys.stderr)
        collected.extend(crates)
        if len(crates) < PER_PAGE:
            break
    return collected


def rank_crates(crates: list[tuple[str, int]]) -> list[tuple[str, int]]:
    """Lowercase names, drop duplicates (``-`` and ``_`` folded) and sort by downloads."""
    best: dict[str, tuple[str, int]] = {}
    for name, downloads in crates:
        lowered = name.lower()
        key = lowered.replace("_", "-")
        if key not in best or downloads > best[key][1]:
            best[key] = (lowered, downloads)
    return sorted(best.values(), key=lambda item: (-item[1], item[0]))


def render(entries: list[tuple[str, int]], date: str) -> str:
    """The text of ``crates.txt``."""
    header = [
        "phantom-guard popular package list: crates (Rust)",
        "source: the crate registry's API, crates sorted by all-time downloads",
        f"generated: {date} (UTC) by scripts/refresh_crates_list.py",
        "refresh: python scripts/refresh_crates_list.py",
        "names: lowercase, spelled as published (the registry treats - and _ alike; "
        "each crate appears once)",
        "order: all-time downloads descending, ties by name",
        "score: all-time downloads",
        f"count: {len(entries)}",
    ]
    lines = [f"# {text}" for text in header]
    lines.extend(f"{name}\t{downloads}" for name, downloads in entries)
    return "\n".join(lines) + "\n"


def write_atomically(path: Path, text: str) -> None:
    """Replace ``path`` with ``text`` in one step, so a failure never leaves half a file."""
    path.parent.mkdir(parents=True, exist_ok=True)
    fd, tmp_name = tempfile.mkstemp(prefix=f".{path.name}.", dir=path.parent)
    try:
        with os.fdopen(fd, "w", encoding="utf-8", newline="\n") as handle:
            handle.write(text)
        os.chmod(tmp_name, 0o644)
        os.replace(tmp_name, path)
    except BaseException:
        Path(tmp_name).unlink(missing_ok=True)
        raise


def parse_args(argv: list[str] | None) -> argparse.Namespace:
    """Parse the command line."""
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument(
        "--base-url", default=None, help="API base (default: CRATES_URL from endpoints.py)"
    )
    parser.add_argument("--pages", type=int, default=DEFAULT_PAGES, help="pages of 100 crates")
    parser.add_argument("--output", type=Path, default=DEFAULT_OUTPUT)
    parser.add_argument("--user-agent", default=None, help="override the User-Agent header")
    parser.add_argument(
        "--pause",
        type=float,
        default=PAUSE_SECONDS,
        help="seconds between pages (the registry's crawler policy asks for at least 1)",
    )
    parser.add_argument("--timeout", type=float, default=TIMEOUT_SECONDS)
    parser.add_argument("--date", default=None, help="header date (default: today in UTC)")
    args = parser.parse_args(argv)
    if args.pages < 1:
        parser.error("--pages must be at least 1")
    return args


def main(argv: list[str] | None = None) -> int:
    """Fetch the ranking and rewrite the list."""
    args = parse_args(argv)
    base_url = args.base_url or default_base_url()
    user_agent = args.user_agent or default_user_agent()
    date = args.date or dt.datetime.now(dt.UTC).date().isoformat()
    try:
        crates = fetch_top_crates(base_url, args.pages, user_agent, args.pause, args.timeout)
    except FetchError as exc:
        print(f"error: {exc}; {args.output} left unchanged", file=sys.stderr)
        return 1
    entries = rank_crates(crates)
    if not entries:
        print(f"error: no crates returned; {args.output} left unchanged", file=sys.stderr)
        return 1
    write_atomically(args.output, render(entries, date))
    print(f"wrote {len(entries)} crates to {args.output}")
    return 0


if __name__ == "__main__":
    sys.exit(main())
