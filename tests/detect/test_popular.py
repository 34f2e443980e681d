"""The popular lists: a searched rank (the first few lookups) equals the indexed rank."""

from __future__ import annotations

import random

import pytest
from hypothesis import given
from hypothesis import strategies as st

from phantom_guard.detect import name_index, popular
from phantom_guard.detect.datafiles import data_path
from phantom_guard.detect.popular import PopularList, popular_list
from phantom_guard.model import Registry


@pytest.mark.parametrize("registry", [Registry.PYPI, Registry.NPM])
def test_searched_rank_equals_indexed_rank(registry: Registry) -> None:
    shipped = popular_list(registry)
    names = shipped.names
    sample = [names[0], names[1], names[-1], *random.Random(7).sample(names, 200)]
    for name in [*sample, "zz-not-on-any-list", names[0][:-1], "\tx", "a\nb", ""]:
        searched = PopularList(registry, shipped._text, names_only=True)._scan(name)
        assert searched == shipped.ranks.get(name), name


# Lines from the pieces that decide how a list is read: names, tabs, scores, comments, blanks
# (each text ends its last line, as every list file does).
_LIST_TEXT = st.lists(st.sampled_from(["a", "b", "1", "#", "\t", "\n", "\r", "x-y", " "])).map(
    lambda pieces: "".join(pieces) + "\n"
)


def _each_line(text: str) -> list[str]:
    """Every line but a "#" header or an empty one, up to its first tab: what a list holds."""
    return [
        line.partition("\t")[0]
        for line in text.split("\n")
        if line and not line.startswith(("#", "\t"))
    ]


@pytest.mark.parametrize("body", ["a\t\t\n1\n", "a\t1\t2\n3\n", "a\n1\t2\n", "a\t1\nb\t\t2\n"])
def test_lines_with_other_than_one_tab_are_read_line_by_line(body: str) -> None:
    # Found by hypothesis: the split read "a\t\t\n1\n" as ["a", ""].
    assert PopularList(Registry.PYPI, body)._lines() == _each_line(body)


@given(st.sampled_from(["", "# header\n"]), _LIST_TEXT)
def test_a_list_is_read_line_by_line_or_split_alike(header: str, body: str) -> None:
    text = header + body
    direct = PopularList(Registry.PYPI, text)
    assert direct._lines() == _each_line(text)
    named = PopularList(Registry.PYPI, text)
    assert named.names == tuple(dict.fromkeys(_each_line(text)))
    assert direct.ranks == named.ranks  # built from the lines, or from `names` on a repeat


def _scored(registry: Registry) -> PopularList:
    with open(data_path("popular", f"{registry.value}.txt"), encoding="utf-8") as file:
        return PopularList(registry, file.read())


@pytest.mark.parametrize("registry", [Registry.PYPI, Registry.NPM])
def test_the_shipped_lists_take_the_fast_read(registry: Registry) -> None:
    scored = _scored(registry)
    body = scored._text[scored._body :]
    assert body.count("\n") == len(scored._lines()) == len(scored.names)
    fresh = _scored(registry)
    assert fresh.ranks == dict(zip(scored.names, range(1, len(scored.names) + 1), strict=True))


@pytest.mark.parametrize("registry", [Registry.PYPI, Registry.NPM])
def test_the_names_file_a_run_reads_is_the_scored_lists_names(registry: Registry) -> None:
    shipped = popular_list(registry)  # read from <registry>.names
    assert shipped._names_only
    scored = _scored(registry)
    assert shipped.names == scored.names
    assert shipped.ranks == scored.ranks
    assert shipped._text == "".join(f"{name}\n" for name in scored.names)


@pytest.mark.parametrize("text", ["a\nb\nc\n", "a\nb\nc", "a\n"])
def test_a_names_only_text_is_searched_and_indexed_alike(text: str) -> None:
    for name in ["a", "b", "c", "", "ab", "a\nb"]:
        searched = PopularList(Registry.PYPI, text, names_only=True).rank(name)
        indexed = PopularList(Registry.PYPI, text, names_only=True).ranks.get(name)
        assert searched == indexed, name


def test_the_first_lookups_search_then_the_list_is_indexed() -> None:
    text = "# header\n# more\nalpha\t9\nbeta\t8\ngamma\t7\n"
    popular = PopularList(Registry.PYPI, text)
    answers = [popular.rank(name) for name in ["gamma", "alpha", "nope"] * 4]
    assert answers == [3, 1, None] * 4
    assert "ranks" in popular.__dict__  # indexed after the searches ran out
    assert popular.names == ("alpha", "beta", "gamma")


def test_crates_are_normalized_and_never_searched() -> None:
    popular = PopularList(Registry.CRATES, "# h\nserde_json\t5\nSerde-Json\t4\ntokio\t3\n")
    assert popular.rank("serde-json") == 1
    assert popular.rank("tokio") == 2
    assert popular.names == ("serde-json", "tokio")


def test_membership_needs_a_string() -> None:
    popular = popular_list(Registry.PYPI)
    assert "requests" in popular
    assert 3 not in popular


@pytest.mark.parametrize("registry", [Registry.PYPI, Registry.NPM])
def test_the_shipped_index_is_a_fresh_build_of_the_names(registry: Registry) -> None:
    shipped = popular_list(registry)
    with open(data_path("popular", f"{registry.value}.index"), "rb") as file:
        assert file.read() == name_index.build(shipped.names)


@pytest.mark.parametrize("registry", [Registry.PYPI, Registry.NPM])
def test_past_the_first_searches_lookups_go_through_the_shipped_index(registry: Registry) -> None:
    fresh = PopularList(
        registry,
        popular_list(registry)._text,
        names_only=True,
        index=lambda: popular._name_index(registry, popular_list(registry)._text),
    )
    names = popular_list(registry).names
    sample = [*random.Random(3).sample(names, 100), "zz-not-on-any-list", names[0] + "x", ""]
    answers = [fresh.rank(name) for name in sample]
    assert fresh._index is not None
    assert "ranks" not in fresh.__dict__  # the list itself was never indexed
    assert answers == [popular_list(registry).ranks.get(name) for name in sample]


_NAMES = st.lists(
    st.text(alphabet="abc-.@/_0", min_size=1, max_size=6), unique=True, min_size=1, max_size=60
)


@given(_NAMES, st.lists(st.text(alphabet="abc-.@/_0é\n", max_size=7), max_size=20))
def test_an_index_ranks_names_as_a_dict_of_the_list_does(
    names: list[str], others: list[str]
) -> None:
    text = "".join(f"{name}\n" for name in names)
    index = name_index.NameIndex(name_index.build(names), text)
    expected = {name: rank for rank, name in enumerate(names, 1)}
    asked = [*names, *others]
    for name in asked:
        assert index.rank(name) == expected.get(name), name


@pytest.mark.parametrize("registry", [Registry.PYPI, Registry.NPM, Registry.CRATES])
@pytest.mark.parametrize("batch", [3, 100])
def test_a_batch_of_names_is_ranked_as_name_by_name(registry: Registry, batch: int) -> None:
    shipped = popular_list(registry)
    names = [*random.Random(5).sample(shipped.names, batch - 2), "zz-not-on-any-list", "é"]
    index = (
        None
        if registry is Registry.CRATES
        else lambda: popular._name_index(registry, popular_list(registry)._text)
    )
    fresh = PopularList(registry, shipped._text, names_only=index is not None, index=index)
    twice = PopularList(registry, shipped._text, names_only=index is not None, index=index)
    expected = [twice.rank(name) for name in names]
    assert fresh.ranks_of(names) == expected
    assert fresh.ranks_of(names) == expected  # again, from whatever the first batch set up
    if registry is not Registry.CRATES and batch > popular._SCANS_BEFORE_INDEX:
        assert fresh._index is not None and "ranks" not in fresh.__dict__


def test_a_batch_past_the_index_lookups_is_answered_from_the_dict() -> None:
    shipped = popular_list(Registry.NPM)
    fresh = PopularList(
        Registry.NPM,
        shipped._text,
        names_only=True,
        index=lambda: popular._name_index(Registry.NPM, shipped._text),
    )
    names = list(shipped.names[: popular._INDEX_LOOKUPS + 1])
    assert fresh.ranks_of(names) == list(range(1, len(names) + 1))
    assert "ranks" in fresh.__dict__


def test_an_index_that_does_not_fit_its_names_is_refused() -> None:
    names = ["alpha", "beta", "gamma"]
    text = "alpha\nbeta\ngamma\n"
    data = name_index.build(names)
    assert name_index.NameIndex(data, text).rank("beta") == 2
    for bad_data, bad_text in [
        (data[:-8], text),  # a slot short
        (data[:-1], text),  # not whole words
        (b"\0" * 8 + data[8:], text),  # another magic
        (data, text + "delta\n"),  # the names changed
        (data, "alphä\nbeta\ngamma\n"),  # not ASCII
        (b"", text),
    ]:
        with pytest.raises(ValueError):
            name_index.NameIndex(bad_data, bad_text)


def test_a_list_without_its_index_falls_back_to_indexing_the_text() -> None:
    text = "".join(f"n{i}\n" for i in range(20))
    fresh = PopularList(Registry.PYPI, text, names_only=True, index=lambda: None)
    assert [fresh.rank(f"n{i}") for i in range(20)] == list(range(1, 21))
    assert "ranks" in fresh.__dict__
