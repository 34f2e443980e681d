"""The requirements option tokenizer: shlex's POSIX words, in linear time, length-capped."""

from __future__ import annotations

import shlex

import pytest
from hypothesis import given
from hypothesis import strategies as st

from phantom_guard.errors import SourceError
from phantom_guard.sources.requirements import MAX_TOKEN_CHARS, _split_words


def _shlex(text: str) -> list[str] | None:
    try:
        return shlex.split(text)
    except ValueError:
        return None


def _ours(text: str) -> list[str] | None:
    try:
        return _split_words(text, "requirements.txt", 1)
    except SourceError:
        return None


@given(st.text(alphabet="ab \"'\\-=$`\n\t#", max_size=16))
def test_same_words_as_shlex(text: str) -> None:
    assert _ours(text) == _shlex(text)


@pytest.mark.parametrize("quote", ["", '"', "'"])
def test_a_token_over_the_cap_is_refused(quote: str) -> None:
    text = f"--hash={quote}{'a' * (MAX_TOKEN_CHARS + 1)}{quote}"
    with pytest.raises(SourceError, match="longer than"):
        _split_words(text, "requirements.txt", 1)
