"""Hallucination patterns: name shapes LLMs invent. Pure, no I/O; the word lists are data.

Four shapes, each a rule over the name's words (split at ``-``, ``_``, ``.``, ``/``):

* a popular package joined with words that are mostly generic AI, helper or tech words
  (``flask-gpt-helper``, ``fastapi-reverse-stardb``);
* two or more popular packages glued together (``fastapi-graphql-lightning``);
* a long compound of known words (``x-telemetry-mcp``): three or more words, at least two of
  them generic or popular package names, none of which makes a popular package;
* a brand's namespace (``openai-…``, ``aws-…``) on a package that is not among the popular ones
  (brands' own packages are).
"""

from __future__ import annotations

import json
import re
from dataclasses import dataclass
from functools import cache
from importlib import resources

from phantom_guard.detect.popular import PopularList

_WORDS = re.compile(r"[-_.@/]+")
# Glued names only count popular packages ranked this high with names this long: short or
# obscure popular names ("io", "six") are ordinary words in many legitimate names.
_GLUE_RANK = 5000
_GLUE_MIN_LENGTH = 4
_COMPOUND_WORDS = 3
_COMPOUND_KNOWN = 2


@dataclass(frozen=True, slots=True)
class PatternMatch:
    """A hallucination shape this name has."""

    rule: str
    base: str | None
    detail: str


@dataclass(frozen=True, slots=True)
class Vocabulary:
    """The word lists behind the rules."""

    generic_words: frozenset[str]
    brands: frozenset[str]


@cache
def shipped_vocabulary() -> Vocabulary:
    """The word lists shipped in ``data/patterns.json``."""
    data = json.loads(
        resources.files("phantom_guard.detect")
        .joinpath("data")
        .joinpath("patterns.json")
        .read_text("utf-8")
    )
    return Vocabulary(frozenset(data["generic_words"]), frozenset(data["brands"]))


def vocabulary(extra_words: tuple[str, ...] = ()) -> Vocabulary:
    """The shipped vocabulary plus the user's extra generic words (config key ``patterns``)."""
    shipped = shipped_vocabulary()
    if not extra_words:
        return shipped
    extra = frozenset(w.strip().lower() for w in extra_words if w.strip())
    return Vocabulary(shipped.generic_words | extra, shipped.brands)


def match_patterns(name: str, popular: PopularList, words: Vocabulary) -> list[PatternMatch]:
    """Every hallucination shape of `name` (comparable form, not itself on the popular list)."""
    scope = ""
    if name.startswith("@") and "/" in name:
        # npm scopes: "@sentry/react-darwin" is "@sentry/react" + a word.
        scope_part, _, name = name.partition("/")
        scope = scope_part + "/"
    tokens = [t for t in _WORDS.split(name) if t]
    if len(tokens) < 2:
        return []
    found: list[PatternMatch] = []
    if tokens[0] in words.brands:
        found.append(
            PatternMatch(
                "brand namespace",
                None,
                f"uses the '{tokens[0]}' brand name but is not one of its known packages",
            )
        )
    base = _popular_prefix(tokens, popular, scope)
    if base is not None:
        base_name, used = base
        generic = [t for t in tokens[used:] if t in words.generic_words]
        # Mostly generic: LLMs pad a real name with stock words and the odd invented one.
        if generic and 2 * len(generic) >= len(tokens) - used:
            found.append(
                PatternMatch(
                    "popular package + generic words",
                    base_name,
                    f"'{base_name}' joined with generic words: {', '.join(generic)}",
                )
            )
    glued = [t for t in dict.fromkeys(tokens) if _glue_candidate(t, popular)]
    if len(glued) >= 2:
        found.append(
            PatternMatch(
                "popular packages glued together",
                glued[0],
                f"joins popular package names: {', '.join(glued)}",
            )
        )
    if not found and len(tokens) >= _COMPOUND_WORDS:
        known = [t for t in tokens if t in words.generic_words or t in popular]
        if len(known) >= _COMPOUND_KNOWN:
            found.append(
                PatternMatch(
                    "compound of stock words",
                    None,
                    f"a compound of stock words: {', '.join(known)}",
                )
            )
    return found


def _popular_prefix(tokens: list[str], popular: PopularList, scope: str) -> tuple[str, int] | None:
    """The longest run of leading words that is itself a popular package, if any."""
    for used in range(len(tokens) - 1, 0, -1):
        candidate = scope + "-".join(tokens[:used])
        if candidate in popular:
            return candidate, used
    return None


def _glue_candidate(token: str, popular: PopularList) -> bool:
    rank = popular.rank(token)
    return rank is not None and rank <= _GLUE_RANK and len(token) >= _GLUE_MIN_LENGTH
