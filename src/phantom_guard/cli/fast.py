"""Hand-parsed `validate`, `check` and `--version`, for the entry's table (`entry.FAST`).

Each parser accepts exactly the spellings it knows (``-o json``, ``--output=json``, flags,
positionals in any order) and returns None for anything else -- ``--help``, ``--``, bundled
short options, a value click would reject -- so that click parses it and prints its usual
help or usage error. What runs after parsing is `cli.actions`, shared with the click commands.
"""

from __future__ import annotations

# Nothing is imported here that `--version` does not need; each handler imports its own.
TYPE_CHECKING = False  # typing.TYPE_CHECKING, without importing typing
if TYPE_CHECKING:
    from collections.abc import Callable, Sequence
    from typing import TypeAlias

    from phantom_guard.cli.actions import ScanOptions
    from phantom_guard.model import Registry

    #: A row of `entry.FAST`: the rest of argv -> an exit code, or None for click to parse.
    Handler: TypeAlias = Callable[[Sequence[str]], int | None]

# Option spelling -> the canonical name of an option that takes a value.
_SCAN_VALUES = {
    "-o": "output",
    "--output": "output",
    "--fail-on": "fail_on",
    "--concurrency": "concurrency",
    "-r": "registry",
    "--registry": "registry",
    "--deadline": "deadline",
    "--max-names": "max_names",
    "--config": "config",
}
_SCAN_FLAGS = {
    "--offline": "offline",
    "--no-cache": "no_cache",
    "--allow-unverified": "allow_unverified",
    "--verify-popular": "verify_popular",
    "-v": "verbose",
    "--verbose": "verbose",
    "--isolated": "isolated",
}
_CHECK_VALUES = {**_SCAN_VALUES, "--ignore": "ignore", "--since": "since"}
_CHECK_FLAGS = {**_SCAN_FLAGS, "--fail-fast": "fail_fast", "--follow-outside": "follow_outside"}


class _Parsed:
    """Positionals, option values and flags of one command line."""

    __slots__ = ("flags", "positional", "values")

    def __init__(self) -> None:
        self.positional: list[str] = []
        self.values: dict[str, str] = {}
        self.flags: set[str] = set()


def _parse(args: Sequence[str], values: dict[str, str], flags: dict[str, str]) -> _Parsed | None:
    parsed = _Parsed()
    position = 0
    while position < len(args):
        arg = args[position]
        position += 1
        if not arg.startswith("-") or arg == "-":
            parsed.positional.append(arg)
            continue
        spelling, equals, value = arg.partition("=")
        if spelling in flags and not equals:
            parsed.flags.add(flags[spelling])
        elif spelling in values and (equals or not arg.startswith("--") or spelling == arg):
            if not equals:
                if position == len(args):
                    return None  # click reports the missing value
                value = args[position]
                position += 1
            parsed.values[values[spelling]] = value  # a repeated option: the last one wins
        else:
            return None  # --help, --, -rnpm, a typo: click's to parse or explain
    return parsed


def _scan(parsed: _Parsed) -> tuple[ScanOptions, Registry | None] | None:
    """The options and ``-r`` registry of a parsed line; None if click would reject a value."""
    import os

    from phantom_guard.cli.actions import ScanOptions
    from phantom_guard.model import FailOn, Registry
    from phantom_guard.report import Format
    from phantom_guard.settings import MAX_CONCURRENCY

    values = parsed.values
    output = values.get("output", Format.TEXT.value)
    fail_on = values.get("fail_on")
    concurrency = values.get("concurrency")
    registry = values.get("registry")
    if (
        # click.Choice compares case-sensitively: exactly the values, nothing else.
        output not in Format._value2member_map_
        or (fail_on is not None and fail_on not in FailOn._value2member_map_)
        or (registry is not None and registry not in Registry._value2member_map_)
    ):
        return None
    config = values.get("config")
    if config is not None and (not config or os.path.isdir(config)):
        return None  # click.Path(dir_okay=False) explains
    number = _integer(concurrency)
    max_names = _integer(values.get("max_names"))
    deadline = _seconds(values.get("deadline"))
    if (
        (concurrency is not None and not (number and number <= MAX_CONCURRENCY))
        or ("max_names" in values and max_names is None)
        or ("deadline" in values and deadline is None)
    ):
        return None
    options = ScanOptions(
        output=Format(output),
        fail_on=FailOn(fail_on) if fail_on is not None else None,
        concurrency=number,
        deadline=deadline,
        max_names=max_names,
        offline="offline" in parsed.flags,
        no_cache="no_cache" in parsed.flags,
        allow_unverified="allow_unverified" in parsed.flags,
        verify_popular="verify_popular" in parsed.flags,
        verbose="verbose" in parsed.flags,
        config=config,
        isolated="isolated" in parsed.flags,
    )
    return options, Registry(registry) if registry is not None else None


def _integer(text: str | None) -> int | None:
    """A positive integer written plainly (what click's IntRange(min=1) accepts), else None."""
    if text is None or not (text.isascii() and text.isdigit()) or int(text) < 1:
        return None
    return int(text)


def _seconds(text: str | None) -> float | None:
    """A positive number of seconds written plainly (digits, one point), else None."""
    if text is None or not text.isascii() or not text.replace(".", "", 1).isdigit():
        return None
    value = float(text)
    return value if value > 0 else None


def validate(args: Sequence[str]) -> int | None:
    """``validate NAME... [options]``; None: leave it to click."""
    from phantom_guard.cli import actions
    from phantom_guard.model import Registry

    parsed = _parse(args, _SCAN_VALUES, _SCAN_FLAGS)
    if parsed is None or not parsed.positional:
        return None
    scan = _scan(parsed)
    if scan is None:
        return None
    options, registry = scan
    actions.warnings_to_stderr()
    return actions.validate(parsed.positional, registry or Registry.PYPI, options)


def check(args: Sequence[str]) -> int | None:
    """``check [PATH...] [options]``; None: leave it to click."""
    from phantom_guard.cli import actions

    parsed = _parse(args, _CHECK_VALUES, _CHECK_FLAGS)
    if parsed is None:
        return None
    scan = _scan(parsed)
    if scan is None:
        return None
    options, registry = scan
    actions.warnings_to_stderr()
    return actions.check(
        parsed.positional,  # strings: `api` reads a named file without pathlib
        registry,
        options,
        ignore=actions.split_names(parsed.values.get("ignore")),
        fail_fast="fail_fast" in parsed.flags,
        since=parsed.values.get("since"),
        follow_outside="follow_outside" in parsed.flags,
    )


def version(args: Sequence[str]) -> int | None:
    """``--version`` alone."""
    if args:
        return None
    import sys

    from phantom_guard._version import __version__

    sys.stdout.write(f"phantom-guard {__version__}\n")  # click's version_option, same text
    return 0


def install_guard(word: str) -> Handler:
    """The handler of ``phantom-guard WORD ARGS`` for the install guard (``pip``, ``npm``, …,
    ``guard``): `phantom_guard.guard.main` parses its own arguments and never needs click.
    """

    def handler(args: Sequence[str]) -> int | None:
        from phantom_guard import guard

        return guard.main([word, *args])

    return handler
