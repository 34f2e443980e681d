"""The library's logger, ``phantom_guard``, made when the first record is written.

Importing `logging` costs ~8 ms (it brings traceback, string and threading): more than the
whole of a popular name's answer may, and most runs never log anything. Library modules call
`warning` and `debug` here; a program that wants the records somewhere registers a `configure`
callback, which runs once, when `logging` is first needed (at once if it is already imported).
"""

from __future__ import annotations

import sys

TYPE_CHECKING = False  # typing.TYPE_CHECKING, without importing typing on the start-up path
if TYPE_CHECKING:
    import logging
    from collections.abc import Callable

NAME = "phantom_guard"

_pending: list[Callable[[logging.Logger], None]] = []


def configure(setup: Callable[[logging.Logger], None]) -> None:
    """Run `setup` on the logger before its first record (now, if `logging` is loaded)."""
    _pending[:] = [setup]
    if "logging" in sys.modules:
        logger()


def logger() -> logging.Logger:
    """The ``phantom_guard`` logger, set up by the `configure` callback if one is waiting."""
    import logging

    found = logging.getLogger(NAME)
    while _pending:
        _pending.pop()(found)
    return found


def warning(message: str, *args: object) -> None:
    """Log a warning (%-style `args`, formatted only if a handler takes it)."""
    logger().warning(message, *args)


def debug(message: str, *args: object, exc_info: bool = False) -> None:
    """Log a debug line (%-style `args`), with the current exception's traceback if asked."""
    logger().debug(message, *args, exc_info=exc_info)
