"""Where the shipped data lives: popular lists, patterns, conventions, indexes, the word list.

One place for the path. It comes from this file's location (the package is installed as files),
not from ``importlib.resources``, whose import alone costs about as much as a warm answer's own
work (~8 ms, zipfile and tempfile with it).
"""

from __future__ import annotations

from pathlib import Path

#: The ``phantom_guard.detect`` package folder (its modules are part of the findings digest).
PACKAGE = Path(__file__).parent
#: The data folder inside it.
DATA = PACKAGE / "data"
