"""Hallucination patterns: name shapes LLMs invent. Pure, no I/O; the word lists are data.

The shapes, each a rule over the name's words (split at ``-``, ``_``, ``.``, ``/``):

* a popular package joined with words that are mostly generic AI, helper or tech words
  (``flask-gpt-helper``, ``fastapi-reverse-stardb``); in the biggest families (``django-…``,
  ``react-…``) only with a hallucination-prone word;
* two or more popular packages glued together (``fastapi-graphql-lightning``);
* a long compound of known words (``x-telemetry-mcp``): three or more words, at least two of
  them generic or popular package names, none of which makes a popular package, or one before
  a made-up tail no popular name has (``graph-client-stardb``);
* a brand's namespace (``openai-…``, ``aws-…``) on a package that is not among the popular ones
  (brands' own packages are), outside the brand's own product lines (``azure-mgmt-…``);
* a top package that few published names extend, with one word added (``semver-…``: a
  library, not a plugin host like ``mongoose-…``) or a stock word put before it;
* a hallucination-prone word put before a top package (``mcp-<package>``);
* a marker word almost no registered name has, at the start or end of a word
  (``futuresort``, ``dataviz2025``, ``nextgen-…``): what LLMs write when asked for a new library.
"""

from __future__ import annotations

import re
from functools import cache

from phantom_guard.detect.datafiles import data_path
from phantom_guard.detect.popular import PopularList
from phantom_guard.detect.words import english_words, listed_name_words
from phantom_guard.records import record

TYPE_CHECKING = False  # typing.TYPE_CHECKING, without importing typing on the start-up path
if TYPE_CHECKING:
    from collections.abc import Iterable
    from typing import Any

_WORDS = re.compile(r"[-_.@/]+")
# Glued names only count popular packages ranked this high with names this long: short or
# obscure popular names ("io", "six") are ordinary words in many legitimate names.
_GLUE_RANK = 5000
_GLUE_MIN_LENGTH = 4
_COMPOUND_WORDS = 3
_COMPOUND_KNOWN = 2
# Invented names stack words onto a framework ("-graphql-stardb-exporter"); honest names in a
# naming convention ("flask-settings") mostly add one.
_STACK = 2
_COINED_LENGTH = 5
# An English word inside a made-up one counts from this length ("wave" + "socket", not "ed").
_PART_LENGTH = 3
# A made-up tail ends in a stock word this short ("-stardb", "-ioapi"): a suffix, not a word.
_TAIL_SUFFIX = 3
# LLMs pad the packages they know best; extensions of lesser ones are mostly honest.
_BASE_RANK = 2000
# typeshed's prefix for the stub-only packages it publishes ("types-requests").
_STUBS = "types"
# Words that say which language a package is for; as a first word they are an affix, even
# where a package of that name is popular: 308 unranked PyPI names start "py-" + stock words.
_LANGUAGE_WORDS = frozenset({"py", "python", "node", "js", "rs", "rust", "lib"})


@record
class PatternMatch:
    """A hallucination shape this name has."""

    rule: str
    base: str | None
    detail: str


@record
class Vocabulary:
    """The word lists behind the rules."""

    generic_words: frozenset[str]
    brands: frozenset[str]
    prone: frozenset[str] = frozenset()
    markers: tuple[str, ...] = ()


@cache
def shipped_vocabulary() -> Vocabulary:
    """The word lists shipped in ``data/patterns.json``."""
    import json  # here: the agent hook's answer on a popular name needs no JSON at all

    with open(data_path("patterns.json"), encoding="utf-8") as file:
        data = json.load(file)
    return Vocabulary(
        frozenset(data["generic_words"]),
        frozenset(data["brands"]),
        frozenset(data.get("hallucination_prone", ())),
        tuple(data.get("markers", ())),
    )


@cache
def _conventions_data() -> dict[str, Any]:
    import json

    with open(data_path("conventions.json"), encoding="utf-8") as file:
        data: dict[str, Any] = json.load(file)
    return data


@cache
def conventions(registry: str) -> frozenset[str]:
    """First words and npm scopes of `registry`'s naming conventions (``data/conventions.json``)."""
    return frozenset(_conventions_data().get(registry, ()))


@cache
def brand_families(registry: str) -> frozenset[str]:
    """A brand word and the next one that several listed packages share (``azure-mgmt``)."""
    return frozenset(_conventions_data().get("brand_families", {}).get(registry, ()))


@cache
def hosts(registry: str) -> frozenset[str]:
    """Conventions so big they are plugin hosts (``django``, ``react``; conventions.json)."""
    return frozenset(_conventions_data().get("hosts", {}).get(registry, ()))


@cache
def unextended(registry: str) -> frozenset[str]:
    """Top packages of `registry` that few published names extend (``semver``, ``chalk``)."""
    return frozenset(_conventions_data().get("unextended", {}).get(registry, ()))


def vocabulary(extra_words: tuple[str, ...] = ()) -> Vocabulary:
    """The shipped vocabulary plus the user's extra generic words (config key ``patterns``)."""
    shipped = shipped_vocabulary()
    if not extra_words:
        return shipped
    extra = frozenset(w.strip().lower() for w in extra_words if w.strip())
    return Vocabulary(
        shipped.generic_words | extra, shipped.brands, shipped.prone | extra, shipped.markers
    )


def match_patterns(
    name: str,
    popular: PopularList,
    words: Vocabulary,
    convention: frozenset[str] = frozenset(),
    *,
    brand_lines: frozenset[str] = frozenset(),
    libraries: frozenset[str] = frozenset(),
    plugin_hosts: frozenset[str] = frozenset(),
) -> list[PatternMatch]:
    """Every hallucination shape of `name` (comparable form, not itself on the popular list).

    `convention`: the registry's naming-convention first words and scopes; inside one, a
    compound of known words is how people name things, so it takes a hallucination-prone word.
    `brand_lines`: brand product lines (`brand_families`); `libraries`: top packages few
    names extend (`unextended`); `plugin_hosts`: conventions ten times as big (`hosts`).
    """
    scope = ""
    if name.startswith("@") and "/" in name:
        # npm scopes: "@sentry/react-darwin" is "@sentry/react" + a word.
        scope_part, _, name = name.partition("/")
        scope = scope_part + "/"
    tokens = words_of(name)
    if len(tokens) < 2:
        marked = _marker(tokens, words.markers)
        return [marked] if marked else []
    family_size = _family_words(tokens, scope, convention)
    in_convention = bool(family_size)
    prone = [t for t in tokens if t in words.prone]
    found: list[PatternMatch] = []
    # In an npm scope the brand word says what the scope owner's package is for
    # ("@<owner>/google-analytics"): only the owner publishes there, so it poses as no brand.
    # Such names are half of the npm long-tail names the rule fired on in the package snapshots.
    if (
        tokens[0] in words.brands
        and not scope
        and "-".join(tokens[:2]) not in brand_lines
        and _mostly_stock(tokens[1:], words)
    ):
        found.append(
            PatternMatch(
                "brand namespace",
                None,
                f"uses the '{tokens[0]}' brand name but is not one of its known packages",
            )
        )
    base = _popular_prefix(tokens, popular, scope)
    if base is not None and base[0] in _LANGUAGE_WORDS:
        base = None  # "py-synology-api" is a Python library for Synology, not "py" padded
    if base is not None:
        base_name, used = base
        generic = [t for t in tokens[used:] if t in words.generic_words]
        # "fastapi-metrics-stardb": a made-up tail pads like a stock word.
        made_up = len(tokens) - used >= _STACK and _made_up_tail(tokens[-1], popular, words)
        if made_up:
            generic.append(tokens[-1])
        # A family ("flask-*", "eslint-config-*", "@sentry/*") is extended by honest packages
        # all the time: there, what follows the family's own words must be a stack of words.
        family = family_size
        if base_name in convention:
            family = max(family, used)
        rest = len(tokens) - max(used, family)
        # Mostly generic: LLMs pad a real name with stock words and the odd invented one.
        famous = (popular.rank(base_name) or _BASE_RANK + 1) <= _BASE_RANK
        # Outside a family, half the words generic is enough; every word must be generic
        # ("chai-json-equal" names what it does, "axios-cache-helper" pads).
        # In a plugin host's family (16,809 published "django-*" names, 7,438 "react-*") even
        # a stack of stock words is how members name themselves: only a hallucination-prone
        # word tells. On accuracy.py's long-tail samples (seeds 18 and 7) the stack was 70 of
        # the 601 names made HIGH_RISK under fresh metadata, and none of the corpus's bad names.
        hosted = bool(family_size) and not scope and "-".join(tokens[:family_size]) in plugin_hosts
        padded = rest >= _STACK and not hosted if family else len(generic) == len(tokens) - used
        if generic and 2 * len(generic) >= len(tokens) - used and (prone or (famous and padded)):
            found.append(
                PatternMatch(
                    "popular package + generic words",
                    base_name,
                    f"'{base_name}' joined with generic words: {', '.join(generic)}"
                    + (" (a made-up word no popular package's name has)" if made_up else ""),
                )
            )
        elif base_name in libraries and len(tokens) == used + 1 and not scope:
            # Measured on the package snapshots: about 0.1% of the npm and PyPI names below
            # the listed tiers have this shape (scripts/build_name_conventions.py).
            found.append(
                PatternMatch(
                    "top library + one word",
                    base_name,
                    f"'{base_name}', a top package few published names extend, with one word "
                    f"added: '{tokens[-1]}'",
                )
            )
    if not scope:
        found += _word_before_package(
            name, tokens, popular, words, libraries=libraries, in_convention=in_convention
        )
    glued = [t for t in dict.fromkeys(tokens) if _glue_candidate(t, popular)]
    if not scope and len(tokens) > 2:
        # Two names end to end, read whole: "supports-color" is one package, not two words.
        # On the package snapshots' ~1M long-tail names, a pattern fires on 5 fewer this way.
        glued = _glued_pair(tokens, popular) or glued
    # Inside a naming family, naming another package and at most one word more is how
    # add-ons are named ("esbuild-plugin-pino", "mongoose-patch-history"), unless what it
    # names is a top library few names extend ("express-safe-buffer": nobody builds on it).
    named = sum(len(g.split("-")) for g in glued[1:])
    add_on = (
        in_convention
        and len(tokens) - family_size - named <= 1
        and not any(g in libraries for g in glued[1:])
    )
    if len(glued) >= 2 and not add_on:
        found.append(
            PatternMatch(
                "popular packages glued together",
                glued[0],
                f"joins popular package names: {', '.join(glued)}",
            )
        )
    if not found and (marked := _marker(tokens, words.markers)):
        found.append(marked)
    # In an npm scope the words describe the scope owner's package (only the owner publishes).
    if not found and not in_convention and not scope:
        compound = _compound(tokens, popular, words, prone)
        if compound is not None:
            found.append(compound)
    return found


def words_of(name: str) -> list[str]:
    """A name's words, split at ``-``, ``_``, ``.``, ``@``, ``/``."""
    return [t for t in _WORDS.split(name) if t]


def tail_words(names: Iterable[str]) -> list[str]:
    """The words of `names` that `_made_up_tail` could take for made up (letters only, at least
    `_COINED_LENGTH` of them), distinct and sorted bytewise, with their letter case: the
    shipped ``name_words.txt`` holds those of the listed names."""
    found = {w for name in names for w in words_of(name) if len(w) >= _COINED_LENGTH}
    return sorted((w for w in found if w.isascii() and w.isalpha()), key=str.encode)


def _compound(
    tokens: list[str], popular: PopularList, words: Vocabulary, prone: list[str]
) -> PatternMatch | None:
    """Three or more words, two or more of them stock words or popular names, and a prone
    word, a coined word or a third known word."""
    # A language word first is an affix: "python-<service>-wrapper" is a two-word name.
    body = tokens[1:] if tokens[0] in _LANGUAGE_WORDS else tokens
    if len(body) < _COMPOUND_WORDS:
        return None
    known = [t for t in body if t in words.generic_words or t in popular]
    if len(known) < _COMPOUND_KNOWN:
        # One stock word is enough before a made-up tail ("graph-client-stardb"):
        # see `_made_up_tail`.
        if not known or body[-1] in known or not _made_up_tail(body[-1], popular, words):
            return None
        return PatternMatch(
            "compound of stock words",
            None,
            f"a compound of the stock word{'s' * (len(known) > 1)} {', '.join(known)} and the "
            f"made-up word '{body[-1]}' (a word and '{_tail_suffix(body[-1], words)}' glued), "
            "which no popular package's name has, outside any naming convention",
        )
    # A made-up word after the first: honest projects put their own name first
    # ("mesospim-python-tools"); invented names coin the tail ("-reverse-stardb"). Looked
    # for last: it is the dearest test.
    if not (
        prone
        or len(known) >= _STACK + 1
        or any(t not in known and _coined(t, popular, words) for t in body[1:])
    ):
        return None
    return PatternMatch(
        "compound of stock words",
        None,
        f"a compound of stock words ({', '.join(known)})"
        + (f" with the hallucination-prone word '{prone[0]}'" if prone else "")
        + ", outside any naming convention",
    )


def _marker(tokens: list[str], markers: tuple[str, ...]) -> PatternMatch | None:
    """A word that starts or ends with a marker ("futur", "2025"): at most 0.03% of the
    long-tail names in the package snapshots have one (scripts/measure_name_markers.py)."""
    for token in tokens:
        if not (token.startswith(markers) or token.endswith(markers)):
            continue  # one call each for all the markers: most words have none
        for marker in markers:
            if token.startswith(marker) or token.endswith(marker):
                if token in (f"es{marker}", "futures"):
                    # An ECMAScript edition ("es2023") is named by its year; futures are
                    # traded and awaited ("requests-futures"), a word of their own.
                    continue
                return PatternMatch(
                    "hallucination marker",
                    None,
                    f"the word '{token}' carries '{marker}', which LLMs write when asked for a new "
                    "library and almost no published name has",
                )
    return None


def _mostly_stock(tokens: list[str], words: Vocabulary) -> bool:
    """At least half the words are generic or hallucination-prone ("-sdk", "-ai-helper").

    After a brand, stock words pose as the brand's own SDK; a product or feature
    ("google-drive-ocr", "aws-redshift") says what the package works with. On accuracy.py's
    long-tail samples (seeds 18 and 7) 34 of the 58 names the brand rule fired on had fewer.
    """
    stock = sum(1 for t in tokens if t in words.generic_words or t in words.prone)
    return 2 * stock >= len(tokens)


def _family_words(tokens: list[str], scope: str, convention: frozenset[str]) -> int:
    """How many leading words name a naming convention (a convention scope counts as one)."""
    if scope and scope[:-1] in convention:
        return 1
    for size in (2, 1):
        if len(tokens) > size and "-".join(tokens[:size]) in convention:
            return size
    return 0


def _glued_pair(tokens: list[str], popular: PopularList) -> list[str]:
    """Two popular names of several words end to end ("slice-ansi" + "axios")."""
    for cut in range(1, len(tokens)):
        left, right = "-".join(tokens[:cut]), "-".join(tokens[cut:])
        if _glue_candidate(left, popular) and _glue_candidate(right, popular):
            return [left, right]
    return []


def _coined(token: str, popular: PopularList, words: Vocabulary) -> bool:
    """A made-up word LLMs write: stock words glued ("stardb", "wavesocket", "redisgraph")
    or a brand ("claude"). A proper name ("salutin", "javierrodriguezposada") is a project's
    or its author's own: on accuracy.py's long-tail samples (seeds 18 and 7) 20 of the 35
    names the compound rule fired on for a made-up word had only such words."""
    if not token.isalpha() or len(token) < _COINED_LENGTH:
        return False
    english = english_words()
    if token in english:
        return False
    if token in words.brands:
        return True

    def known(part: str) -> bool:
        return (
            part in words.generic_words
            or part in words.prone
            or part in popular
            or (len(part) >= _PART_LENGTH and part in english)
        )

    return any(known(token[:cut]) and known(token[cut:]) for cut in range(2, len(token) - 1))


def _word_before_package(
    name: str,
    tokens: list[str],
    popular: PopularList,
    words: Vocabulary,
    *,
    libraries: frozenset[str],
    in_convention: bool,
) -> list[PatternMatch]:
    """A word put before a top package (unscoped names): a hallucination-prone one, or a
    stock word before a library few names extend."""
    found: list[PatternMatch] = []
    if tokens[0] in words.prone:
        # The mirror of the padded name: a stock word put before a famous package
        # ("modern-<package>"). It fires on 0.022% of the npm names under 10,000 downloads
        # a month and 0.028% of the unranked PyPI names in the package snapshots. Inside a
        # family ("mcp-*") the package must be a library few names extend: "mcp-<service>"
        # is how the family's members are named.
        after = name[len(tokens[0]) + 1 :]
        rank = popular.rank(after)
        if rank is not None and rank <= _BASE_RANK and (not in_convention or after in libraries):
            found.append(
                PatternMatch(
                    "hallucination-prone word + popular package",
                    after,
                    f"the hallucination-prone word '{tokens[0]}' put before the popular "
                    f"package '{after}' (rank {rank:,})",
                )
            )
    if not in_convention and (before := _word_before_library(tokens, words, libraries)):
        found.append(before)
    return found


def _word_before_library(
    tokens: list[str], words: Vocabulary, libraries: frozenset[str]
) -> PatternMatch | None:
    """A stock word put before a top library few names extend ("cloud-joblib"), the mirror of
    "top library + one word": 23 of the 330,083 unranked PyPI names in the package snapshot
    (0.007%) and 18 of the 118,095 npm names under 10,000 downloads a month (0.015%) have it
    and no other shape. A language word first is an affix, and ``types-<package>`` is how
    typeshed names the stubs it publishes."""
    if len(tokens) != 2 or tokens[1] not in libraries or tokens[0] not in words.generic_words:
        return None
    if tokens[0] in _LANGUAGE_WORDS or tokens[0] == _STUBS:
        return None
    return PatternMatch(
        "top library + one word",
        tokens[1],
        f"'{tokens[1]}', a top package few published names extend, with one word put before "
        f"it: '{tokens[0]}'",
    )


def _made_up_tail(token: str, popular: PopularList, words: Vocabulary) -> bool:
    """A word and a short stock word glued ("stardb": "star" + "db") that no name on the
    popular lists or the npm second tier has as a word ("influxdb", "pouchdb" are products).

    Honest names coin their own word first and describe it after; LLMs coin the tail. Among
    the unranked PyPI names of the package snapshot, 15 in 330,083 (0.005%) end so after a
    stock word and have no other shape (a first count without the lists' words: 70, with
    them 26; a language word as the glued one, "sparkpy", is a port's name).
    """
    if len(token) < _COINED_LENGTH or not token.isalpha() or token in words.generic_words:
        return False  # the cheap tests first: most last words are stock words or short
    if _tail_suffix(token, words) is None:
        return False
    return _coined(token, popular, words) and token not in listed_name_words()


def _tail_suffix(token: str, words: Vocabulary) -> str | None:
    """The short stock word ("db", "io", "api") that ends `token` after a word of 3+ letters;
    not a language word."""
    english = english_words()
    for cut in range(max(_PART_LENGTH, len(token) - _TAIL_SUFFIX), len(token) - 1):
        head, tail = token[:cut], token[cut:]
        if tail in _LANGUAGE_WORDS:
            continue  # "expressjs", "sparkpy": a port's name, as a language word first is
        if tail in words.generic_words and (head in english or head in words.generic_words):
            return tail
    return None


def _popular_prefix(tokens: list[str], popular: PopularList, scope: str) -> tuple[str, int] | None:
    """The longest run of leading words that is itself a popular package, if any."""
    for used in range(len(tokens) - 1, 0, -1):
        candidate = scope + "-".join(tokens[:used])
        if candidate in popular:
            return candidate, used
    return None


def _glue_candidate(token: str, popular: PopularList) -> bool:
    # The length first: it rules out most words ("js", "api") without a look-up.
    if len(token) < _GLUE_MIN_LENGTH:
        return False
    rank = popular.rank(token)
    return rank is not None and rank <= _GLUE_RANK
