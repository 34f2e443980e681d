"""The click application: the `main` group and the subcommands each module defines.

Each subcommand lives in its own module of this package and is registered here with one line.
A command that must start faster than click allows also gets a row in `entry.FAST`.
"""

from __future__ import annotations

import click

from phantom_guard._version import __version__
from phantom_guard.cli import actions, agents, cache, feed, guard, render, scan


@click.group(context_settings={"help_option_names": ["-h", "--help"]})
@click.version_option(
    __version__, "--version", prog_name="phantom-guard", message="%(prog)s %(version)s"
)
def main() -> None:
    """Stop AI-hallucinated and typosquatted packages before they are installed."""
    actions.warnings_to_stderr()


main.add_command(scan.validate)
main.add_command(scan.check)
main.add_command(cache.cache)
main.add_command(render.render)
main.add_command(feed.feed)
for _command in guard.COMMANDS:
    main.add_command(_command)
main.add_command(agents.hook)
main.add_command(agents.hooks)
main.add_command(agents.mcp)
