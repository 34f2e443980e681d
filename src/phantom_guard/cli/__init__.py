"""The command line: options -> Settings -> one library call -> render -> exit code.

Exit codes (DESIGN.md §2): 0 nothing at or above --fail-on, 1 findings, 2 usage or input error,
3 some names could not be verified. Input errors are one line on stderr, never a traceback.
"""

from __future__ import annotations

from phantom_guard.cli.app import main

__all__ = ["main"]
