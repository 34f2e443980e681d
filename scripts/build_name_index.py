"""Build the prebuilt typosquat indexes ``detect/data/index/<registry>.txt`` from the lists.

For each registry the targets are the popular list (``detect/data/popular/<registry>.txt``),
followed for npm by the second tier (``npm-tier2.txt``), in that order, so a target's line
number across both is its rank. The table is written by the same code that searches it
(`phantom_guard.detect.typosquat.index_lines`); tests/detect/test_name_index.py checks that the
shipped files equal a fresh build. Beside each table it writes ``<registry>.keys``, the
bit filter of the keys a look-up can find (`key_filter`). Run it after build_popular_lists.py.
"""

from __future__ import annotations

import sys
from pathlib import Path

from phantom_guard.detect.popular import PopularList
from phantom_guard.detect.typosquat import index_lines, key_filter, lookup_keys
from phantom_guard.model import Registry

REPO_ROOT = Path(__file__).resolve().parent.parent
DATA = REPO_ROOT / "src" / "phantom_guard" / "detect" / "data"
SECOND_TIER = {Registry.NPM: "npm-tier2.txt"}


def scored(registry: Registry, path: Path) -> list[tuple[str, int]]:
    """(comparable name, score) of a list file, best first, each name once."""
    text = path.read_text(encoding="utf-8")
    names = PopularList(registry, text).names
    scores: dict[str, int] = {}
    for line in text.splitlines():
        if line and not line.startswith("#"):
            name, _, score = line.partition("\t")
            scores.setdefault(
                name.lower().replace("_", "-") if registry is Registry.CRATES else name,
                int(score or 0),
            )
    return [(name, scores.get(name, 0)) for name in names]


def render(registry: Registry, data: Path = DATA) -> str:
    """The index file's text for `registry`."""
    targets = scored(registry, data / "popular" / f"{registry.value}.txt")
    tier1 = len(targets)
    if registry in SECOND_TIER:
        seen = {name for name, _ in targets}
        second = scored(registry, data / "popular" / SECOND_TIER[registry])
        targets += [(name, score) for name, score in second if name not in seen]
    header = [
        f"phantom-guard typosquat index: {registry.value}",
        f"source: detect/data/popular/{registry.value}.txt"
        + (f" then {SECOND_TIER[registry]}" if registry in SECOND_TIER else ""),
        "built by: scripts/build_name_index.py (phantom_guard.detect.typosquat.index_lines)",
        f"tier 1: {tier1}",
        f"targets: {len(targets)}",
        "score: " + ("download rank" if registry is Registry.PYPI else "downloads in one month")
        if registry is not Registry.CRATES
        else "score: curated rank",
    ]
    lines = index_lines(targets, keyed=tier1)
    return "".join(f"# {h}\n" for h in header) + "".join(f"{line}\n" for line in lines)


def render_filter(text: str) -> bytes:
    """The key filter of an index file's text."""
    return key_filter(lookup_keys(text.splitlines()))


def main() -> int:
    """Write every registry's index."""
    out = DATA / "index"
    out.mkdir(exist_ok=True)
    for registry in Registry:
        text = render(registry)
        (out / f"{registry.value}.txt").write_text(text, encoding="utf-8", newline="\n")
        (out / f"{registry.value}.keys").write_bytes(render_filter(text))
        print(f"{registry.value}: {text.count(chr(10)):,} lines, {len(text):,} bytes")
    return 0


if __name__ == "__main__":
    sys.exit(main())
