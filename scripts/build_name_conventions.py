"""Build ``detect/data/conventions.json``: each registry's established naming conventions.

A convention is a first word or two (``eslint-config`` in ``eslint-config-x``, ``odoo14-addon``
in ``odoo14-addon-x``, ``django`` in ``django-x``) or an npm scope (``@types``) that at least
``--min-pypi`` / ``--min-npm`` published names share in the package snapshots: a family that
big is how people name things, so a compound in it is not by itself a hallucination shape.
Counted over every name in the snapshots (not only the popular ones). A family is named after
the project it extends, so its first word (digits dropped: ``odoo14`` -> ``odoo``) must be a
package on the shipped lists (``detect/data/popular/``), or the family ten times the minimum
(``odoo14-addon``), and not one of the generic or hallucination-prone words of
``detect/data/patterns.json`` unless a top-1,000 package (``data-*``, ``ai-*`` are
descriptions; ``react-*`` is a family) or a package of the popular list that ten times the
minimum names extend (``vue-*``, ``angular-*``). Standard library only.

Two more lists per registry, from the same snapshots and the shipped lists:

* ``brand_families``: a brand word of ``detect/data/patterns.json`` and the next word
  (``azure-mgmt``, ``google-cloud``, ``aws-cdk``) when at least ``BRAND_FAMILY`` names on the
  shipped lists share them: the brand's own product line, which its new packages join.
* ``unextended``: the ``UNEXTENDED_TOP`` best-ranked listed names that at most ``UNEXTENDED``
  published names extend (``semver-…``, ``chalk-…``; ``mongoose-…`` has hundreds): a popular
  library, not a plugin host, so a new ``<it>-<word>`` is rarely someone's honest add-on.
* ``hosts``: the unscoped conventions that ``HUGE`` times the minimum names share
  (``django``, ``pytest``, ``react``, ``eslint-config``): plugin hosts whose honest members
  outnumber anything padded onto them, so a stack of stock words there is an ordinary member.
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
DATA = REPO_ROOT / "src" / "phantom_guard" / "detect" / "data"
OUT = DATA / "conventions.json"
PYPI_TSV = Path("/work/.library/env/packages/pypi.tsv")
NPM_TSV = Path("/work/.library/env/packages/npm.tsv")
_SEPARATORS = re.compile(r"[-_.]+")
# A generic word is still a family's name when it is a top package ("react", "vue"); a family
# this many times the minimum is one whatever its name ("odoo14-addon").
TOP = 1000
HUGE = 10
BRAND_FAMILY = 3
UNEXTENDED_TOP = 500
UNEXTENDED = 20
# Words that say which language a package is for (as in detect/patterns.py).
_LANGUAGE = frozenset({"py", "python", "node", "js", "rs", "rust", "lib"})


def names(path: Path) -> list[str]:
    """The first column of a snapshot, lowercase (header skipped)."""
    with path.open(encoding="utf-8", errors="replace") as handle:
        next(handle, None)
        return [line.split("\t", 1)[0].strip().lower() for line in handle if line.strip()]


def prefixes(found: list[str], minimum: int) -> list[tuple[str, int]]:
    """First words, word pairs and npm scopes shared by at least `minimum` names, with counts."""
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
    ordered = sorted(counts.items(), key=lambda i: (-i[1], i[0]))
    return [(p, n) for p, n in ordered if n >= minimum]


def listed(registry: str, tiers: int = 2) -> list[str]:
    """Names on the shipped popular lists of `registry` (both npm tiers), best first."""
    files = [f"{registry}.txt"] + (["npm-tier2.txt"] if registry == "npm" and tiers > 1 else [])
    found: list[str] = []
    for file in files:
        for line in (DATA / "popular" / file).read_text(encoding="utf-8").splitlines():
            if line and not line.startswith("#"):
                found.append(line.split("\t", 1)[0])
    return found


def families(
    prefixes_found: list[tuple[str, int]],
    packages: list[str],
    words: set[str],
    minimum: int,
    popular: frozenset[str] = frozenset(),
) -> list[str]:
    """The prefixes that name a project's family (see the module docstring); `popular`: the
    registry's popular list (the first tier)."""
    known = set(packages)
    top = set(packages[:TOP])
    kept = []
    for prefix, count in prefixes_found:
        if prefix.startswith("@"):
            kept.append(prefix)
            continue
        first = prefix.split("-", 1)[0]
        if "-" in prefix and not set(prefix.split("-")) <= words | _LANGUAGE:
            # Two words that many names share are a product line ("wix-protos",
            # "aliyun-python", "node-red"), whoever publishes it; two stock words
            # ("data-science") would be a description.
            kept.append(prefix)
            continue
        host = first.rstrip("0123456789") or first
        # "data-*", "ai-*": a description; "react-*" is a family, and so is a generic word
        # that is a popular package ten times the minimum names extend ("vue-*").
        generic = (first in words or host in words) and first not in top
        if generic and not (first in popular and count >= HUGE * minimum):
            continue
        if first in known or host in known or count >= HUGE * minimum:
            kept.append(prefix)
    return kept


def brand_families(packages: list[str], brands: set[str]) -> list[str]:
    """Brand word + next word shared by at least BRAND_FAMILY listed (unscoped) names."""
    counts: Counter[str] = Counter()
    for name in packages:
        words = [w for w in _SEPARATORS.split(name) if w]
        if not name.startswith("@") and len(words) >= 3 and words[0] in brands:
            counts["-".join(words[:2])] += 1
    return sorted(pair for pair, n in counts.items() if n >= BRAND_FAMILY)


def unextended(found: list[str], packages: list[str]) -> list[str]:
    """The best-ranked listed names that at most UNEXTENDED published names start with."""
    top = [p for p in packages[:UNEXTENDED_TOP] if not p.startswith("@")]
    wanted = {"-".join(w for w in _SEPARATORS.split(p) if w) for p in top}
    counts: Counter[str] = Counter()
    for name in found:
        words = [w for w in _SEPARATORS.split(name) if w]
        for size in range(1, min(len(words), 4)):
            head = "-".join(words[:size])
            if head in wanted:
                counts[head] += 1
    return sorted(p for p in wanted if counts[p] <= UNEXTENDED)


def hosts(prefixes_found: list[tuple[str, int]], kept: list[str], minimum: int) -> list[str]:
    """The unscoped conventions of `kept` that at least HUGE x `minimum` names share."""
    counts = dict(prefixes_found)
    return sorted(p for p in kept if not p.startswith("@") and counts[p] >= HUGE * minimum)


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
    vocabulary = json.loads((DATA / "patterns.json").read_text(encoding="utf-8"))
    words = set(vocabulary["generic_words"]) | set(vocabulary.get("hallucination_prone", ()))
    brands = set(vocabulary["brands"])
    snapshot = {"pypi": names(PYPI_TSV), "npm": names(NPM_TSV)}
    minimum = {"pypi": args.min_pypi, "npm": args.min_npm}
    found = {r: prefixes(snapshot[r], minimum[r]) for r in ("pypi", "npm")}
    kept = {
        r: families(found[r], listed(r), words, minimum[r], frozenset(listed(r, tiers=1)))
        for r in ("pypi", "npm")
    }
    data = {
        "_about": (
            "Naming conventions: first words and npm scopes shared by many published names. "
            f"Derived from the env package snapshots {PYPI_TSV.name} (>= {args.min_pypi} names) "
            f"and {NPM_TSV.name} (>= {args.min_npm} names) on {date} (UTC) by "
            "scripts/build_name_conventions.py. Do not edit by hand. "
            f"brand_families: a brand and the next word shared by >= {BRAND_FAMILY} listed "
            f"names; unextended: of the top {UNEXTENDED_TOP} listed names, those at most "
            f"{UNEXTENDED} published names extend; hosts: unscoped conventions shared by >= "
            f"{HUGE} x the minimum."
        ),
        "pypi": kept["pypi"],
        "npm": kept["npm"],
        "brand_families": {r: brand_families(listed(r), brands) for r in ("pypi", "npm")},
        "unextended": {r: unextended(snapshot[r], listed(r)) for r in ("pypi", "npm")},
        "hosts": {r: hosts(found[r], kept[r], minimum[r]) for r in ("pypi", "npm")},
    }
    OUT.write_text(json.dumps(data, indent=0) + "\n", encoding="utf-8")
    print(f"conventions: pypi {len(data['pypi'])}, npm {len(data['npm'])} -> {OUT}")
    for key in ("brand_families", "unextended", "hosts"):
        print(f"{key}: " + ", ".join(f"{r} {len(v)}" for r, v in data[key].items()))
    return 0


if __name__ == "__main__":
    sys.exit(main())
