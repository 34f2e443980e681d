"""The click application: the `main` group and the subcommands each module defines.

Each subcommand lives in its own module of this package and is registered here with one line.
"""

from __future__ import annotations

import logging
import sys

import click

from phantom_guard._version import __version__
from phantom_guard.cli import cache, feed, guard, render, scan


@click.group(context_settings={"help_option_names": ["-h", "--help"]})
@click.version_option(
    __version__, "--version", prog_name="phantom-guard", message="%(prog)s %(version)s"
)
def main() -> None:
    """Stop AI-hallucinated and typosquatted packages before they are installed."""
    logger = logging.getLogger("phantom_guard")
    # One handler per process, writing to the stderr of this call (tests invoke main repeatedly).
    for handler in list(logger.handlers):
        if getattr(handler, "phantom_guard_cli", False):
            logger.removeHandler(handler)
    handler = logging.StreamHandler(sys.stderr)
    handler.setFormatter(_Escaping("phantom-guard: warning: %(message)s"))
    handler.phantom_guard_cli = True  # type: ignore[attr-defined]
    logger.addHandler(handler)


main.add_command(scan.validate)
main.add_command(scan.check)
main.add_command(cache.cache)
main.add_command(render.render)
main.add_command(feed.feed)
for _command in guard.COMMANDS:
    main.add_command(_command)


class _Escaping(logging.Formatter):
    """Warnings quote paths and registry text: escaped like every other stderr line."""

    def formatMessage(self, record: logging.LogRecord) -> str:
        from phantom_guard.report import message

        record.message = message(record.message)
        return super().formatMessage(record)
