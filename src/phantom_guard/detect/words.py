"""Common English words: a one-edit "typo" that is itself a word is usually just that word.

The list (``data/words.txt``) is derived from SCOWL's American English word list by
``scripts/build_word_list.py``; its licence is ``data/words.LICENSE``.
"""

from __future__ import annotations

from functools import cache

from phantom_guard.detect.datafiles import data_path
from phantom_guard.detect.sorted_text import SortedText


@cache
def english_words() -> SortedText:
    """The shipped word list, read on first use (``word in english_words()``)."""
    return SortedText.open(data_path("words.txt"))
