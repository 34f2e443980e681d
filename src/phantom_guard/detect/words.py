"""Word lists read as sorted tables (`SortedText`): common English words, and the words of the
names on the popular lists.

Common English words: a one-edit "typo" that is itself a word is usually just that word. The
list (``data/words.txt``) is derived from SCOWL's American English word list by
``scripts/build_word_list.py``; its licence is ``data/words.LICENSE``.

The listed names' words (``data/name_words.txt``, ``scripts/build_name_words.py``): every word of
5+ letters of a name on the PyPI or npm popular list or the npm second tier, so a made-up word
(`patterns._made_up_tail`) is told from a product that popular names have ("influxdb").
"""

from __future__ import annotations

from functools import cache

from phantom_guard.detect.datafiles import data_path
from phantom_guard.detect.sorted_text import SortedText

TYPE_CHECKING = False  # typing.TYPE_CHECKING, without importing typing on the start-up path
if TYPE_CHECKING:
    from collections.abc import Iterable


@cache
def english_words() -> SortedText:
    """The shipped word list, read on first use (``word in english_words()``)."""
    return SortedText.open(data_path("words.txt"))


#: The separators of a package name's words (npm scopes included).
NAME_SEPARATORS = "-_.@/"
#: The shortest word `name_words` keeps (a shorter one is no made-up word: patterns.py).
NAME_WORD_LENGTH = 5


@cache
def listed_name_words() -> SortedText:
    """The listed names' shipped words, read on first use (``word in listed_name_words()``)."""
    return SortedText.open(data_path("name_words.txt"))


def name_words(names: Iterable[str]) -> list[str]:
    """The distinct letters-only words of `names` of `NAME_WORD_LENGTH`+ letters, sorted as the
    table is (bytewise), with their letter case."""
    found: set[str] = set()
    split = str.maketrans(NAME_SEPARATORS, "-" * len(NAME_SEPARATORS))
    for name in names:
        found.update(
            word
            for word in name.translate(split).split("-")
            if len(word) >= NAME_WORD_LENGTH and word.isascii() and word.isalpha()
        )
    return sorted(found, key=str.encode)
