"""Where the shipped data lives: popular lists, patterns, conventions, indexes, the word list.

One place for the path. It comes from this file's location (the package is installed as files),
not from ``importlib.resources``, whose import alone costs about as much as a warm answer's own
work (~8 ms, zipfile and tempfile with it). A popular name's answer reads one list by its
`data_path` and never imports pathlib (with `re`, most of that answer's import time); `DATA` and
`PACKAGE` are made when first asked for.
"""

from __future__ import annotations

import os

TYPE_CHECKING = False  # typing.TYPE_CHECKING, without importing typing on the start-up path
if TYPE_CHECKING:
    from pathlib import Path

    #: The ``phantom_guard.detect`` package folder (its modules are part of the findings digest).
    PACKAGE: Path
    #: The data folder inside it.
    DATA: Path

_PACKAGE = os.path.dirname(os.path.abspath(__file__))
_DATA = os.path.join(_PACKAGE, "data")


def data_path(*parts: str) -> str:
    """The path of a shipped data file, e.g. ``data_path("popular", "npm.txt")``."""
    return os.path.join(_DATA, *parts)


def package_path(*parts: str) -> str:
    """The path of a file of the ``phantom_guard.detect`` package (no parts: the folder)."""
    return os.path.join(_PACKAGE, *parts)


def __getattr__(name: str) -> object:
    if name in ("PACKAGE", "DATA"):
        from pathlib import Path

        value = Path(_PACKAGE if name == "PACKAGE" else _DATA)
        globals()[name] = value
        return value
    raise AttributeError(f"module {__name__!r} has no attribute {name!r}")
