"""Build ``detect/data/conventions.json``: each registry's established naming conventions.

A convention is a first word or two (``eslint-config`` in ``eslint-config-x``, ``odoo14-addon``
in ``odoo14-addon-x``, ``django`` in ``django-x``) or an npm scope (``@types``) that at least
``--min-pypi`` / ``--min-npm`` published names share in the package snapshots: a family that
big is how people name things, so a compound in it is not by itself a hallucination shape.
Counted over every name in the snapshots (not only the popular ones). Standard library only.
"""

from __future__ import annotations

import argparse
import datetime as dt
import json
import re
import sys
from collections import Counter
from pathlib import Path

REPO_ROOT = Path(__file__).resolve().parent.parent
OUT = REPO_ROOT / "src" / "phantom_guard" / "detect" / "data" / "conventions.json"
PYPI_TSV = Path("/work/.library/env/packages/pypi.tsv")
NPM_TSV = Path("/work/.library/env/packages/npm.tsv")
_SEPARATORS = re.compile(r"[-_.]+")


def names(path: Path) -> list[str]:
    """The first column of a snapshot, lowercase (header skipped)."""
    with path.open(encoding="utf-8", errors="replace") as handle:
        next(handle, None)
        return [line.split("\t", 1)[0].strip().lower() for line in handle if line.strip()]


def prefixes(found: list[str], minimum: int) -> list[str]:
    """First words, word pairs and npm scopes shared by at least `minimum` names."""
    counts: Counter[str] = Counter()
    for name in found:
        if name.startswith("@") and "/" in name:
            counts[name.partition("/")[0]] += 1
            continue
        words = [w for w in _SEPARATORS.split(name) if w]
        if len(words) >= 2:
            counts[words[0]] += 1
        if len(words) >= 3:
            counts["-".join(words[:2])] += 1
    return [p for p, n in sorted(counts.items(), key=lambda i: (-i[1], i[0])) if n >= minimum]


def main(argv: list[str] | None = None) -> int:
    """Write conventions.json."""
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--min-pypi", type=int, default=150)
    parser.add_argument("--min-npm", type=int, default=60)
    parser.add_argument("--date", default=None)
    args = parser.parse_args(argv)
    for path in (PYPI_TSV, NPM_TSV):
        if not path.is_file():
            print(f"error: {path} not found", file=sys.stderr)
            return 1
    date = args.date or dt.datetime.now(dt.UTC).date().isoformat()
    data = {
        "_about": (
            "Naming conventions: first words and npm scopes shared by many published names. "
            f"Derived from the env package snapshots {PYPI_TSV.name} (>= {args.min_pypi} names) "
            f"and {NPM_TSV.name} (>= {args.min_npm} names) on {date} (UTC) by "
            "scripts/build_name_conventions.py. Do not edit by hand."
        ),
        "pypi": prefixes(names(PYPI_TSV), args.min_pypi),
        "npm": prefixes(names(NPM_TSV), args.min_npm),
    }
    OUT.write_text(json.dumps(data, indent=0) + "\n", encoding="utf-8")
    print(f"conventions: pypi {len(data['pypi'])}, npm {len(data['npm'])} -> {OUT}")
    return 0


if __name__ == "__main__":
    sys.exit(main())
