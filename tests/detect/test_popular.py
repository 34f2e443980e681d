"""The popular lists: a searched rank (the first few lookups) equals the indexed rank."""

from __future__ import annotations

import random

import pytest

from phantom_guard.detect.popular import PopularList, popular_list
from phantom_guard.model import Registry


@pytest.mark.parametrize("registry", [Registry.PYPI, Registry.NPM])
def test_searched_rank_equals_indexed_rank(registry: Registry) -> None:
    shipped = popular_list(registry)
    names = shipped.names
    sample = [names[0], names[1], names[-1], *random.Random(7).sample(names, 200)]
    for name in [*sample, "zz-not-on-any-list", names[0][:-1], "\tx", "a\nb", ""]:
        searched = PopularList(registry, shipped._text)._scan(name)
        assert searched == shipped.ranks.get(name), name


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
