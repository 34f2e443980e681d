"""Measure the hallucination markers of ``detect/data/patterns.json`` on registered names.

A marker (``futur``, ``nextgen``, a year) is a word beginning or ending that LLMs write when
asked for a new or future library. It may stand alone as a name signal only if almost no
registered name carries it: this prints, for each marker, the share of the npm names under
10,000 downloads a month and of the unranked PyPI names (the long tail, where an honest new
package would sit) that have it at the start or end of a word, and exits 1 if one is above
``--limit`` (default 0.03%). Candidates can be given as arguments. Standard library only.

    python scripts/measure_name_markers.py [--limit PERCENT] [CANDIDATE ...]
"""

from __future__ import annotations

import argparse
import json
import re
import sys
from pathlib import Path

REPO_ROOT = Path(__file__).resolve().parent.parent
PATTERNS = REPO_ROOT / "src" / "phantom_guard" / "detect" / "data" / "patterns.json"
PYPI_TSV = Path("/work/.library/env/packages/pypi.tsv")
NPM_TSV = Path("/work/.library/env/packages/npm.tsv")
_WORDS = re.compile(r"[-_.@/]+")
TIER2_DOWNLOADS = 10_000


def long_tail(path: Path, keep: int) -> list[list[str]]:
    """The words of every name in a snapshot whose column `keep` passes (see `main`)."""
    found = []
    with path.open(encoding="utf-8", errors="replace") as handle:
        next(handle, None)
        for line in handle:
            parts = line.rstrip("\n").split("\t")
            if len(parts) <= keep:
                continue
            if keep == 2 and not (parts[2].isdigit() and int(parts[2]) < TIER2_DOWNLOADS):
                continue  # npm: downloads a month
            if keep == 3 and parts[3]:
                continue  # PyPI: ranked among the most downloaded
            found.append([w for w in _WORDS.split(parts[0].lower()) if w])
    return found


def share(names: list[list[str]], marker: str) -> float:
    hits = sum(
        1 for words in names if any(w.startswith(marker) or w.endswith(marker) for w in words)
    )
    return hits / max(len(names), 1)


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--limit", type=float, default=0.03, help="percent of names, at most")
    parser.add_argument("candidates", nargs="*", help="words to measure instead of the shipped")
    args = parser.parse_args(argv)
    if not (PYPI_TSV.exists() and NPM_TSV.exists()):
        print("package snapshots not found: nothing measured")
        return 0
    markers = args.candidates or json.loads(PATTERNS.read_text("utf-8"))["markers"]
    npm, pypi = long_tail(NPM_TSV, 2), long_tail(PYPI_TSV, 3)
    print(
        f"{'marker':<14} {'npm (' + format(len(npm), ',') + ')':>16} "
        f"{'pypi (' + format(len(pypi), ',') + ')':>18}"
    )
    over = []
    for marker in markers:
        a, b = share(npm, marker) * 100, share(pypi, marker) * 100
        print(f"{marker:<14} {a:>15.4f}% {b:>17.4f}%")
        if max(a, b) > args.limit:
            over.append(marker)
    if over:
        print(f"above {args.limit}%: {', '.join(over)}")
        return 1
    return 0


if __name__ == "__main__":
    sys.exit(main())
