"""Word lists read as sorted tables (`SortedText`): common English words, and the words of the
names on the popular lists.

Common English words: a one-edit "typo" that is itself a word is usually just that word. The
list (``data/words.txt``) is derived from SCOWL's American English word list by
``scripts/build_word_list.py``; its licence is ``data/words.LICENSE``.

The listed names' words (``data/name_words.txt``, written by ``scripts/build_name_words.py`` with
`patterns.tail_words`): the words of the names on the PyPI and npm popular lists and the npm
second tier that a made-up word could be, so one is told from a product popular names have
("influxdb").
"""

from __future__ import annotations

from functools import cache

from phantom_guard.detect.datafiles import data_path
from phantom_guard.detect.sorted_text import SortedText


@cache
def english_words() -> SortedText:
    """The shipped word list, read on first use (``word in english_words()``)."""
    return SortedText.open(data_path("words.txt"))


@cache
def listed_name_words() -> SortedText:
    """The listed names' shipped words, read on first use (``word in listed_name_words()``)."""
    return SortedText.open(data_path("name_words.txt"))
