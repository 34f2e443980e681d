"""The prebuilt typosquat index: equal to a fresh build from the shipped lists, and searchable."""

from __future__ import annotations

import importlib.util
import json
import sys
from pathlib import Path

import pytest

from phantom_guard.detect import sorted_text
from phantom_guard.detect.sorted_text import SortedText
from phantom_guard.detect.typosquat import (
    TyposquatIndex,
    index_lines,
    key_filter,
    lookup_keys,
    typosquat_index,
)
from phantom_guard.detect.words import english_words, listed_name_words
from phantom_guard.model import Registry

ROOT = Path(__file__).resolve().parents[2]
DATA = ROOT / "src" / "phantom_guard" / "detect" / "data"


def _builder() -> object:
    spec = importlib.util.spec_from_file_location(
        "build_name_index", ROOT / "scripts" / "build_name_index.py"
    )
    assert spec is not None and spec.loader is not None
    module = importlib.util.module_from_spec(spec)
    sys.modules.setdefault("build_name_index", module)
    spec.loader.exec_module(module)
    return module


@pytest.mark.parametrize("registry", list(Registry))
def test_the_shipped_index_is_a_fresh_build_of_the_shipped_lists(registry: Registry) -> None:
    builder = _builder()
    shipped = (DATA / "index" / f"{registry.value}.txt").read_text(encoding="utf-8")
    assert shipped == builder.render(registry)  # type: ignore[attr-defined]


@pytest.mark.parametrize("registry", list(Registry))
def test_the_shipped_key_filter_is_a_fresh_build_of_the_shipped_index(registry: Registry) -> None:
    """Built from the shipped table, so it has a bit for every key a look-up can find (a
    stale filter would hide targets)."""
    builder = _builder()
    shipped = (DATA / "index" / f"{registry.value}.txt").read_text(encoding="utf-8")
    keys = (DATA / "index" / f"{registry.value}.keys").read_bytes()
    assert keys == builder.render_filter(shipped)  # type: ignore[attr-defined]


def test_lookup_keys_are_record_names_and_spelling_keys() -> None:
    lines = ["# tier 1: 2", "<005cl\tclick\t2\t9", ">005ck\tclick", "sclick\tclick"]
    assert list(lookup_keys(lines)) == ["<005cl\tclick", "sclick"]


def test_the_key_filter_answers_every_key_and_spares_most_others() -> None:
    names = [f"name-{i:05d}" for i in range(3000)]
    lines = index_lines([(name, 3000 - i) for i, name in enumerate(names)])
    table = SortedText(("# tier 1: 3000\n" + "\n".join(lines) + "\n").encode())
    keys = key_filter(lookup_keys(lines))
    filtered, plain = TyposquatIndex(table, keys), TyposquatIndex(table)
    for name in names:
        assert filtered.target(name) == plain.target(name) is not None
        assert filtered.exact_or_squashed(name.replace("-", "")) == plain.target(name)
    absent = [f"other-{i:05d}" for i in range(3000)]
    assert all(filtered.target(name) is None for name in absent)
    passed = sum(_bit(keys, "s" + n.replace("-", "")) for n in absent)
    assert passed < len(absent) // 8  # about one in 16 to 32 with 16 bits per key


def _bit(keys: bytes, key: str) -> bool:
    import zlib

    at = zlib.crc32(key.encode()) & (len(keys) * 8 - 1)
    return bool(keys[at >> 3] >> (at & 7) & 1)


@pytest.mark.parametrize("registry", list(Registry))
def test_an_index_without_its_filter_finds_the_same(registry: Registry) -> None:
    shipped = typosquat_index(registry)
    plain = TyposquatIndex(SortedText.open(DATA / "index" / f"{registry.value}.txt"))
    for name in ("reqeusts", "lodahs", "serde-jsno", "react-domm", "colors-js", "zz-none"):
        assert shipped.match(name) == plain.match(name)


def test_tiers_and_records() -> None:
    npm = typosquat_index(Registry.NPM)
    assert npm.tier1 == 15_000
    top = npm.target("lodash")
    assert top is not None and top.tier == 1 and top.score > 10_000_000
    second = npm.target("gulp-babel")  # first name after the popular list
    assert second is not None and (second.tier, second.rank) == (2, 15_001)
    assert npm.target("zebrafish-tools-xyz") is None


def test_sorted_text_lookups() -> None:
    lines = index_lines([("requests", 1), ("python-dateutil", 2), ("click", 3)])
    table = SortedText(("# tier 1: 3\n" + "\n".join(lines) + "\n").encode())
    assert table.headers == {"tier 1": "3"}
    assert table.get("spythondateutil") == "python-dateutil"
    assert table.get("wdateutil-python") == "python-dateutil"
    assert table.get("snothing") is None
    assert table.values(">005ck") == ["click"]
    assert table.values(">005zz") == []
    assert table.get("é") is None


def test_sorted_text_without_header_and_final_newline() -> None:
    table = SortedText(b"apple\nbanana\ncherry")
    assert "apple" in table and "cherry" in table and "banana" in table
    assert "appl" not in table and "bananas" not in table and "" not in table


def test_a_mapped_table_answers_what_the_bytes_answer(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    """`SortedText.open` maps the file; lookups across many blocks agree with the bytes, also
    after the pages read while opening it were handed back.
    """
    monkeypatch.setattr(sorted_text, "_RELEASE_EVERY", 3 * 4096)
    names = [f"name-{i:05d}" for i in range(3000)]
    lines = index_lines([(name, 3000 - i) for i, name in enumerate(names)])
    text = ("# tier 1: 3000\n" + "\n".join(lines) + "\n").encode()
    path = tmp_path / "table.txt"
    path.write_bytes(text)
    mapped, read = SortedText.open(path), SortedText(text)
    assert mapped.headers == read.headers == {"tier 1": "3000"}
    for name in (*names[::97], "name-02999", "absent", "name-0"):
        key = f"<{name[:1]}"
        assert mapped.get("s" + name.replace("-", "")) == read.get("s" + name.replace("-", ""))
        assert mapped.values(key) == read.values(key)
        assert (name in mapped) is (name in read)


@pytest.mark.parametrize("content", [b"", b"apple\nbanana", b"# n: 1\napple"])
def test_an_odd_file_is_read_like_its_bytes(tmp_path: Path, content: bytes) -> None:
    path = tmp_path / "table.txt"
    path.write_bytes(content)
    table = SortedText.open(path)
    assert ("apple" in table) is (b"apple" in content)
    assert "cherry" not in table


def test_sorted_text_agrees_with_a_dict_across_blocks_and_sub_blocks() -> None:
    # Enough lines for many 4 KB blocks, each noted again every 256 bytes on first use; keys
    # of several lengths so block and sub-block edges fall inside and between keys.
    pairs = {f"k{i * 7919 % 100_003:06d}{'x' * (i % 5)}": f"v{i}" for i in range(6000)}
    values = {f"b{i % 40:02d}": [str(j) for j in range(i, 6000, 40)] for i in range(40)}
    lines = [f"{k}\t{v}" for k, v in pairs.items()]
    lines += [f"{k}\t{v}" for k, vs in values.items() for v in vs]
    lines.sort()
    table = SortedText(("\n".join(lines) + "\n").encode())
    for key, value in pairs.items():
        assert table.get(key) == value
        assert table.get(key + "y") is None and table.get(key[:-1]) is None
    for key, expected in values.items():
        assert table.values(key) == sorted(expected)
    assert table.values("b99") == [] and table.get("a") is None and table.get("z") is None


def test_the_word_list_is_shipped_with_its_licence() -> None:
    assert "alter" in english_words() and "later" in english_words()
    assert "reqeusts" not in english_words()
    assert english_words().headers["licence"].startswith("SCOWL")
    assert "Kevin Atkinson" in (DATA / "words.LICENSE").read_text(encoding="utf-8")


def test_the_second_tier_list_records_its_source() -> None:
    head = (DATA / "popular" / "npm-tier2.txt").read_text(encoding="utf-8")[:600]
    assert "build_popular_lists.py" in head and "npm.tsv" in head


def test_no_rule_names_a_corpus_entry() -> None:
    """The rules' data (conventions, brand lines, libraries) and the detection code's string
    literals name no non-popular name of the accuracy corpus in the same registry: a rule that
    did would measure the corpus, not the rule."""
    import ast
    import csv

    corpus = ROOT / "benchmarks" / "corpus" / "corpus.tsv"
    with corpus.open(encoding="utf-8", newline="") as handle:
        rows = list(csv.DictReader(handle, delimiter="\t", quoting=csv.QUOTE_NONE))
    data = json.loads((DATA / "conventions.json").read_text(encoding="utf-8"))
    for registry in ("npm", "pypi"):
        names = {r["name"].lower() for r in rows if r["registry"] == registry}
        names -= {r["name"].lower() for r in rows if r["category"] == "popular"}
        listed = set(data[registry])
        listed |= set(data["brand_families"][registry]) | set(data["unextended"][registry])
        assert not names & listed, registry
    every = {r["name"].lower() for r in rows if r["category"] != "popular"}
    for module in sorted((ROOT / "src" / "phantom_guard" / "detect").glob("*.py")):
        tree = ast.parse(module.read_text(encoding="utf-8"))
        docstrings = {
            id(node.body[0].value)
            for node in ast.walk(tree)
            if isinstance(node, ast.Module | ast.ClassDef | ast.FunctionDef)
            and node.body
            and isinstance(node.body[0], ast.Expr)
        }
        literals = {
            node.value.lower()
            for node in ast.walk(tree)
            if isinstance(node, ast.Constant)
            and isinstance(node.value, str)
            and id(node) not in docstrings
        }
        assert not literals & every, module.name


def test_the_plugin_hosts_and_product_lines_match_the_package_lists() -> None:
    """conventions.json, recounted on the package lists (skipped where they are absent):
    ``hosts`` are the unscoped conventions that ten times the minimum (150 PyPI, 60 npm)
    published names share; every two-word prefix the minimum shares is a convention unless
    both words are stock words."""
    spec = importlib.util.spec_from_file_location(
        "build_name_conventions", ROOT / "scripts" / "build_name_conventions.py"
    )
    assert spec is not None and spec.loader is not None
    builder = importlib.util.module_from_spec(spec)
    spec.loader.exec_module(builder)
    if not (builder.PYPI_TSV.is_file() and builder.NPM_TSV.is_file()):
        pytest.skip("package lists not on this machine")
    data = json.loads((DATA / "conventions.json").read_text(encoding="utf-8"))
    vocabulary = json.loads((DATA / "patterns.json").read_text(encoding="utf-8"))
    stock = set(vocabulary["generic_words"]) | set(vocabulary["hallucination_prone"])
    stock |= builder._LANGUAGE
    for registry, path, minimum in (("pypi", builder.PYPI_TSV, 150), ("npm", builder.NPM_TSV, 60)):
        counts = dict(builder.prefixes(builder.names(path), minimum))
        big = {p for p, n in counts.items() if n >= builder.HUGE * minimum}
        expected = sorted(p for p in data[registry] if not p.startswith("@") and p in big)
        assert data["hosts"][registry] == expected, registry
        lines = {p for p in counts if "-" in p and not set(p.split("-")) <= stock}
        assert lines <= set(data[registry]), registry


def test_the_shipped_name_words_are_a_fresh_build_of_the_shipped_lists() -> None:
    """data/name_words.txt, the listed names' words a made-up tail must not be, is what
    scripts/build_name_words.py writes from the shipped popular lists and second tier."""
    spec = importlib.util.spec_from_file_location(
        "build_name_words", ROOT / "scripts" / "build_name_words.py"
    )
    assert spec is not None and spec.loader is not None
    builder = importlib.util.module_from_spec(spec)
    spec.loader.exec_module(builder)
    assert (DATA / "name_words.txt").read_text(encoding="utf-8") == builder.table()
    words = listed_name_words()
    assert "influxdb" in words and "pouchdb" in words  # products that popular names have
    assert "stardb" not in words and "core" not in words  # made up; shorter than 5 letters
