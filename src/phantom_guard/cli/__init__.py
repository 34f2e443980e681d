"""The command line: options -> Settings -> one library call -> render -> exit code.

`entry.main` is the ``phantom-guard`` command: it answers the common cases through a table of
click-free handlers and hands everything else to the click application, `app.main` (exported
here as `main`, imported on first use so that the fast path never loads click).

Exit codes (DESIGN.md §2): 0 nothing at or above --fail-on, 1 findings, 2 usage or input error,
3 some names could not be verified. Input errors are one line on stderr, never a traceback.
"""

from __future__ import annotations

TYPE_CHECKING = False  # typing.TYPE_CHECKING, without importing typing on the start-up path
if TYPE_CHECKING:
    from typing import Any

    from phantom_guard.cli.app import main

__all__ = ["main"]


def __getattr__(name: str) -> Any:
    if name == "main":
        from phantom_guard.cli.app import main

        return main
    raise AttributeError(f"module 'phantom_guard.cli' has no attribute {name!r}")
