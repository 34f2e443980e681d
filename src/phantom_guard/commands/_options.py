"""Reading a package manager's options the way its own parser does, from a table of options.

The tables say which options take a value; everything else is a flag. An option the table does
not know is read as a flag, so a value after it is read as a package name: a false block rather
than a silent pass.
"""

from __future__ import annotations

from collections.abc import Iterable, Sequence

from phantom_guard.errors import CommandError
from phantom_guard.records import field, record


@record
class OptionTable:
    """The options of one command: spelling -> (canonical name, takes a value).

    `abbreviations`: optparse's rule (pip) that "a long option may be abbreviated to any unique
    prefix". `clusters`: short flags may be written together (``-qU``, ``-qr FILE``).
    """

    options: dict[str, tuple[str, bool]]
    abbreviations: bool = False
    clusters: bool = True

    def merged(self, other: OptionTable) -> OptionTable:
        """This table with `other`'s options added (theirs win on a clash)."""
        return OptionTable({**self.options, **other.options}, self.abbreviations, self.clusters)

    def lookup(self, spelling: str) -> tuple[str, bool] | None:
        """The canonical name of an option spelling and whether it takes a value, or None."""
        found = self.options.get(spelling)
        if found is not None or not self.abbreviations or not spelling.startswith("--"):
            return found
        matches = {v for k, v in self.options.items() if k.startswith(spelling) and k[2:]}
        return matches.pop() if len(matches) == 1 else None


def table(values: Iterable[str] = (), flags: Iterable[str] = (), **settings: bool) -> OptionTable:
    """An `OptionTable` from groups of aliases: ``"-r --requirement"`` names one option."""
    options: dict[str, tuple[str, bool]] = {}
    for group, takes_value in ((values, True), (flags, False)):
        for aliases in group:
            spellings = aliases.split()
            canonical = max(spellings, key=len).lstrip("-")
            for spelling in spellings:
                options[spelling] = (canonical, takes_value)
    return OptionTable(options, **settings)


@record
class Scan:
    """A command line read against a table: options in order, positionals, and the tail.

    `rest` holds what follows the positional at which scanning stopped (a command to run and its
    own arguments), unread. `unknown` lists option spellings the table did not know.
    """

    options: tuple[tuple[str, str | None], ...] = ()
    positionals: tuple[str, ...] = ()
    rest: tuple[str, ...] = ()
    unknown: tuple[str, ...] = ()
    dash_dash: bool = field(default=False)

    def values(self, *names: str) -> list[str]:
        """The values given to the options with these canonical names, in order."""
        return [v for n, v in self.options if n in names and v is not None]

    def has(self, *names: str) -> bool:
        """Whether any option with one of these canonical names was given."""
        return any(n in names for n, _ in self.options)


def scan(
    args: Sequence[str],
    options: OptionTable,
    *,
    stop_after: int | None = None,
    dash_dash_stops: bool = False,
    commands: frozenset[str] | None = None,
) -> Scan:
    """Read `args` against `options`.

    With `stop_after`, scanning ends at that many positionals; what follows is `rest`. After
    ``--`` everything is positional (or, with `dash_dash_stops`, everything is `rest`).
    With `commands` (the subcommand words that install), a bare unknown option before the first
    positional takes the next word as its value unless that word is one of them: read as a
    flag, its value would become the subcommand (``npm --package x exec`` -> "x", which
    installs nothing), a silent pass where the rule is a false block.
    """
    found: list[tuple[str, str | None]] = []
    positionals: list[str] = []
    unknown: list[str] = []
    # The entry in `found` of a bare unknown option just read before any positional.
    dangling: int | None = None
    commands = commands if commands is not None else frozenset()
    index = 0
    while index < len(args):
        token = args[index]
        index += 1
        if dangling is not None and not token.startswith("-") and token not in commands:
            found[dangling] = (found[dangling][0], token)
            dangling = None
            continue
        dangling = None
        if token == "--":
            tail = tuple(args[index:])
            if dash_dash_stops:
                return Scan(tuple(found), tuple(positionals), tail, tuple(unknown), True)
            positionals.extend(tail)
            if stop_after is not None and len(positionals) > stop_after:
                extra = tuple(positionals[stop_after:])
                return Scan(
                    tuple(found), tuple(positionals[:stop_after]), extra, tuple(unknown), True
                )
            return Scan(tuple(found), tuple(positionals), (), tuple(unknown), True)
        if token.startswith("-") and len(token) > 1:
            before = len(unknown)
            if token.startswith("--"):
                index = _long(token, args, index, options=options, found=found, unknown=unknown)
            else:
                index = _short(token, args, index, options=options, found=found, unknown=unknown)
            last = found[-1]
            bare = last[1] is None and "=" not in token
            if bare and len(unknown) > before and last[0] == unknown[-1].lstrip("-"):
                # The token ended with an option this table does not know, given no value.
                dangling = len(found) - 1 if commands and not positionals else None
            continue
        positionals.append(token)
        if stop_after is not None and len(positionals) >= stop_after:
            return Scan(tuple(found), tuple(positionals), tuple(args[index:]), tuple(unknown))
    return Scan(tuple(found), tuple(positionals), (), tuple(unknown))


def _long(
    token: str,
    args: Sequence[str],
    index: int,
    *,
    options: OptionTable,
    found: list[tuple[str, str | None]],
    unknown: list[str],
) -> int:
    """Read one long-option token (``--index-url URL``, ``--index-url=URL``); the next index."""
    parts = token.partition("=")
    known = options.lookup(parts[0])
    return _record(parts, known, args, index, found=found, unknown=unknown)


def _record(
    token: tuple[str, str, str],
    known: tuple[str, bool] | None,
    args: Sequence[str],
    index: int,
    *,
    found: list[tuple[str, str | None]],
    unknown: list[str],
) -> int:
    """Note one whole option token (`known`: its name and whether it takes a value, from the
    table; None: an unknown option, kept as a flag); take its value from the next argument
    when it is not attached. `token` is (spelling, "=" or "", attached value). The index after
    what was read.
    """
    spelling, equals, attached = token
    if known is None:
        unknown.append(spelling)
        found.append((spelling.lstrip("-"), attached if equals else None))
        return index
    name, takes_value = known
    if takes_value and not equals:
        if index >= len(args):
            raise CommandError(f"option {spelling} needs a value")
        attached = args[index]
        index += 1
    found.append((name, attached if takes_value or equals else None))
    return index


def _short(
    token: str,
    args: Sequence[str],
    index: int,
    *,
    options: OptionTable,
    found: list[tuple[str, str | None]],
    unknown: list[str],
) -> int:
    """Read one short-option token (``-r``, ``-rFILE``, ``-qU``, ``-qr FILE``); the next index."""
    parts = token.partition("=")
    whole = options.lookup(parts[0])
    if whole is not None or not options.clusters:
        return _record(parts, whole, args, index, found=found, unknown=unknown)
    letters = token[1:]
    for position, letter in enumerate(letters):
        known = options.lookup("-" + letter)
        if known is None:
            unknown.append("-" + letter)
            found.append((letter, None))
            continue
        name, takes_value = known
        if not takes_value:
            found.append((name, None))
            continue
        value = letters[position + 1 :].removeprefix("=")
        if not value:
            if index >= len(args):
                raise CommandError(f"option -{letter} needs a value")
            value = args[index]
            index += 1
        found.append((name, value))
        return index
    return index
