"""Build ``detect/data/name_words.txt``: the words of the names on the shipped popular lists.

Reads the shipped PyPI and npm popular lists and the npm second tier (``detect/data/popular``,
built by ``scripts/build_popular_lists.py``) and writes the words of their names a made-up tail
could be (`patterns.tail_words`), sorted bytewise under ``#`` header lines. Run it after
rebuilding those lists; tests/detect/test_name_index.py checks that the shipped table equals a
fresh build.
"""

from __future__ import annotations

import sys
from pathlib import Path

REPO_ROOT = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(REPO_ROOT / "src"))

from phantom_guard.detect.datafiles import data_path  # noqa: E402
from phantom_guard.detect.patterns import tail_words  # noqa: E402
from phantom_guard.detect.popular import popular_list  # noqa: E402
from phantom_guard.model import Registry  # noqa: E402


def listed_names() -> list[str]:
    """The PyPI and npm popular names and the npm second tier's names, as shipped."""
    names = [*popular_list(Registry.PYPI).names, *popular_list(Registry.NPM).names]
    with open(data_path("popular", "npm-tier2.txt"), encoding="utf-8") as file:
        names += [line.rstrip("\n").partition("\t")[0] for line in file if not line.startswith("#")]
    return names


def table() -> str:
    """The table's text."""
    words = tail_words(listed_names())
    header = [
        "# phantom-guard words of the listed package names",
        "# source: detect/data/popular (pypi and npm popular lists, npm second tier)",
        f"# words: those patterns.tail_words keeps, letter case kept; {len(words)}",
    ]
    return "\n".join([*header, *words]) + "\n"


def main() -> int:
    target = Path(data_path("name_words.txt"))
    target.write_text(table(), encoding="utf-8")
    print(f"wrote {target} ({target.stat().st_size:,} bytes)")
    return 0


if __name__ == "__main__":
    sys.exit(main())
