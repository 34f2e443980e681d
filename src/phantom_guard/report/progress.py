"""The progress bar of a long run: on stderr, only when stderr is a terminal (DESIGN.md §2)."""

from __future__ import annotations

TYPE_CHECKING = False  # typing.TYPE_CHECKING, without importing typing on the start-up path
if TYPE_CHECKING:
    from typing import Any


# Names; fewer finish before a bar would be worth drawing.
SHOW_AFTER = 5


class ProgressBar:
    """Call `update(done, total)` as names finish and `close()` at the end; rich is imported
    only when a bar is actually drawn. Made only when stderr is a terminal (`cli.actions`).
    """

    def __init__(self) -> None:
        self._bar: Any = None
        self._task: Any = None

    def update(self, done: int, total: int) -> None:
        """Show `done` of `total` (a `ProgressCallback`)."""
        if total <= SHOW_AFTER:
            return
        if self._bar is None:
            from rich.console import Console
            from rich.progress import Progress

            self._bar = Progress(console=Console(stderr=True), transient=True)
            self._task = self._bar.add_task("checking", total=total)
            self._bar.start()
        self._bar.update(self._task, completed=done)

    def close(self) -> None:
        """Remove the bar from the terminal (it is transient)."""
        if self._bar is not None:
            self._bar.stop()
            self._bar = None
