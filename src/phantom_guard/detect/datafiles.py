"""Where the shipped data lives: popular lists, patterns, conventions, indexes, the word list.

One place for the path. It comes from this file's location (the package is installed as files),
not from ``importlib.resources``, whose import alone costs about as much as a warm answer's own
work (~8 ms, zipfile and tempfile with it). Paths are `str`: a popular name's answer reads one
list and never imports pathlib (with `re`, most of that answer's import time).
"""

from __future__ import annotations

import os

_PACKAGE = os.path.dirname(os.path.abspath(__file__))
_DATA = os.path.join(_PACKAGE, "data")


def data_path(*parts: str) -> str:
    """The path of a shipped data file, e.g. ``data_path("popular", "npm.txt")``."""
    return os.path.join(_DATA, *parts)


def package_path(*parts: str) -> str:
    """The path of a file of the ``phantom_guard.detect`` package (no parts: the folder)."""
    return os.path.join(_PACKAGE, *parts)
