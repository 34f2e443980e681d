"""The ``phantom-guard`` command: a table from the first argument to a click-free handler.

Package-manager wrappers and agent hooks start phantom-guard once per shell command, so the
common answers must not pay for importing click. `FAST` maps a first argument to a handler
``(rest of argv) -> exit code | None``; None means "not mine after all" (``--help``, a typo, an
option the handler does not parse), and the click application then parses argv as usual, with
its own help and error messages. A command that needs this speed adds one row, e.g.
``"hook": _hook``, where ``_hook(args)`` imports `phantom_guard.hooks` and returns
``hooks.main(args)``; a handler imports what it needs inside, so rows cost nothing until used.
The install guard's words go to `phantom_guard.guard.main`, which parses its own arguments.
"""

from __future__ import annotations

import gc
import os
import sys

from phantom_guard.cli import fast

TYPE_CHECKING = False  # typing.TYPE_CHECKING, without importing typing on the start-up path
if TYPE_CHECKING:
    from collections.abc import Sequence
    from typing import NoReturn

    from phantom_guard.cli.fast import Handler

#: The install guard's words: `commands.MANAGERS` and ``guard`` (a test keeps them in step).
GUARD_WORDS = ("pip", "pip3", "uv", "uvx", "npm", "npx", "pnpm", "pnpx", "yarn", "cargo", "guard")


def _hook(args: Sequence[str]) -> int | None:
    """``hook``: the agent hook, before every shell command an agent runs; click for --help."""
    if "-h" in args or "--help" in args:
        return None
    from phantom_guard.hooks import main as hook_main

    return hook_main(args)


FAST: dict[str, Handler] = {
    "hook": _hook,
    "validate": fast.validate,
    "check": fast.check,
    "--version": fast.version,
    **{word: fast.install_guard(word) for word in GUARD_WORDS},
}


def main(argv: Sequence[str] | None = None) -> NoReturn:
    """Run the command in `argv` (default: ``sys.argv[1:]``) and exit with its code."""
    # The cyclic collector would otherwise run a dozen times while the modules load, scanning
    # objects that live until exit (~2.5 ms of a popular answer); it still runs, every 50,000
    # allocations, in long runs. Reference counting frees everything else as before.
    gc.set_threshold(_GC_THRESHOLD)
    args = list(sys.argv[1:] if argv is None else argv)
    handler = FAST.get(args[0]) if args else None
    if handler is not None:
        code = handler(args[1:])
        if code is not None:
            _exit(code)
    from phantom_guard.cli.app import main as click_main

    click_main(args)
    raise AssertionError("click's main exits")  # pragma: no cover


_GC_THRESHOLD = 50_000


def _exit(code: int) -> NoReturn:
    """Flush and leave without the interpreter's teardown, which costs more than a warm answer.

    Every file the run wrote is closed by then (the cache commits and closes its connection);
    only stdout and stderr hold buffered text.
    """
    try:
        sys.stdout.flush()
    except BrokenPipeError:  # the reader went away (| head): nothing more to tell it
        code = code or 1
    sys.stderr.flush()
    os._exit(code)
