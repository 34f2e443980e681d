"""Build ``detect/data/words.txt``: common English words, from SCOWL via Debian's wamerican.

Reads ``/usr/share/dict/american-english`` (Debian package ``wamerican``, SCOWL size 50: common
words; ``apt-get install wamerican``) and keeps lowercase, purely alphabetic words of 3 to 15
letters (proper nouns, possessives and accented forms are dropped). Writes them sorted under
``#`` header lines that record the source, its version and the date. The SCOWL licence is
copied beside the data as ``words.LICENSE``.

Standard library only.
"""

from __future__ import annotations

import argparse
import datetime as dt
import re
import subprocess
import sys
from pathlib import Path

REPO_ROOT = Path(__file__).resolve().parent.parent
DATA = REPO_ROOT / "src" / "phantom_guard" / "detect" / "data"
DEFAULT_SOURCE = Path("/usr/share/dict/american-english")
COPYRIGHT = Path("/usr/share/doc/wamerican/copyright")
_WORD = re.compile(r"[a-z]{3,15}\Z")


def package_version() -> str:
    """The installed wamerican version, or "unknown"."""
    try:
        result = subprocess.run(
            ["dpkg-query", "-W", "-f=${Version}", "wamerican"],
            capture_output=True,
            text=True,
            check=False,
        )
    except OSError:
        return "unknown"
    return result.stdout.strip() or "unknown"


def main(argv: list[str] | None = None) -> int:
    """Write words.txt and words.LICENSE."""
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("source", nargs="?", type=Path, default=DEFAULT_SOURCE)
    parser.add_argument("--date", default=None, help="YYYY-MM-DD for the header; default today")
    args = parser.parse_args(argv)
    if not args.source.is_file():
        print(f"error: {args.source} not found (apt-get install wamerican)", file=sys.stderr)
        return 1
    date = args.date or dt.datetime.now(dt.UTC).date().isoformat()
    lines = args.source.read_text(encoding="utf-8", errors="replace").splitlines()
    words = sorted({w for w in lines if _WORD.match(w)})
    header = [
        "phantom-guard common English words",
        f"source: {args.source} from Debian package wamerican {package_version()} (SCOWL)",
        "licence: SCOWL, permissive (see words.LICENSE beside this file)",
        f"generated: {date} (UTC) by scripts/build_word_list.py",
        "words: lowercase, letters only, 3-15 letters; proper nouns and possessives dropped",
        f"count: {len(words)}",
    ]
    text = "".join(f"# {line}\n" for line in header) + "".join(f"{w}\n" for w in words)
    (DATA / "words.txt").write_text(text, encoding="utf-8", newline="\n")
    if COPYRIGHT.is_file():
        (DATA / "words.LICENSE").write_text(
            COPYRIGHT.read_text(encoding="utf-8"), encoding="utf-8", newline="\n"
        )
    print(f"words: {len(words)} -> {DATA / 'words.txt'}")
    return 0


if __name__ == "__main__":
    sys.exit(main())
