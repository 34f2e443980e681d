"""How the process ends: on Ctrl-C or SIGTERM, and when stdout cannot take the report.

Ctrl-C cancels the lookups in flight (none is retried), prints nothing half-written on stdout
and exits 130; SIGTERM exits 143 the same way (128 + the signal number, the shell's
convention). A report that cannot be written (stdout closed, or a full disk) is an error on
stderr and exit 2, never a traceback and never a silent 0.
"""

from __future__ import annotations

import os
import sys

TYPE_CHECKING = False  # typing.TYPE_CHECKING, without importing typing on the start-up path
if TYPE_CHECKING:
    import signal as _signal
else:
    # The C half of `signal` (the same functions, which typeshed does not describe): setting
    # one handler needs nothing more, and signal.py builds three enums when imported.
    import _signal
if TYPE_CHECKING:
    from collections.abc import Callable, Iterable
    from types import FrameType, TracebackType
    from typing import NoReturn

EXIT_INTERRUPTED = 130
EXIT_TERMINATED = 143
EXIT_OUTPUT_FAILED = 2


class Terminated(BaseException):
    """SIGTERM arrived; raised in the main thread so asyncio cancels and cleans up."""


def _on_term(signum: int, frame: FrameType | None) -> None:
    raise Terminated


class interruptible:
    """Run the body so Ctrl-C exits 130 and SIGTERM 143, after the event loop has cleaned up."""

    def __init__(self) -> None:
        self._previous: Callable[[int, FrameType | None], object] | int | None = None

    def __enter__(self) -> None:
        try:
            self._previous = _signal.signal(_signal.SIGTERM, _on_term)
        except ValueError:  # not the main thread (an embedding application): leave signals alone
            self._previous = None

    def __exit__(
        self,
        exc_type: type[BaseException] | None,
        exc: BaseException | None,
        tb: TracebackType | None,
    ) -> None:
        if self._previous is not None:
            _signal.signal(_signal.SIGTERM, self._previous)
            self._previous = None
        if isinstance(exc, KeyboardInterrupt):
            _stop("interrupted", EXIT_INTERRUPTED)
        if isinstance(exc, Terminated):
            _stop("terminated", EXIT_TERMINATED)


def _stop(what: str, code: int) -> NoReturn:
    sys.stderr.write(f"phantom-guard: {what}; no report written\n")
    sys.stderr.flush()
    sys.exit(code)


def write_stdout(text: str | Iterable[str]) -> None:
    """Write the report (or its pieces, as they come) to stdout and flush it; a failure is one
    line on stderr and exit 2.
    """
    try:
        if sys.stdout is None:  # the process started with file descriptor 1 closed
            raise ValueError("stdout is closed")
        for piece in (text,) if isinstance(text, str) else text:
            sys.stdout.write(piece)
        sys.stdout.flush()
    except (OSError, ValueError) as exc:  # ValueError: stdout already closed
        reason = exc.strerror if isinstance(exc, OSError) and exc.strerror else str(exc)
        _silence_stdout()
        if sys.stderr is not None:
            sys.stderr.write(f"phantom-guard: error: cannot write the report to stdout: {reason}\n")
        sys.exit(EXIT_OUTPUT_FAILED)


def _silence_stdout() -> None:
    """Point stdout at /dev/null so the interpreter's final flush cannot fail again."""
    try:
        devnull = os.open(os.devnull, os.O_WRONLY)
        os.dup2(devnull, 1)
        os.close(devnull)
    except OSError:
        pass
    sys.stdout = open(os.devnull, "w", encoding="utf-8")  # noqa: SIM115 - lives to the exit
