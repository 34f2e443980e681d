"""`hook`, `hooks install|uninstall` and `mcp`: phantom-guard inside AI coding agents.

`hook` is normally answered before click is imported (`phantom_guard.hooks.main`); this click
command is the same code, for ``python -m phantom_guard hook`` and ``--help``.
"""

from __future__ import annotations

import json
import sys
from pathlib import Path

import click

from phantom_guard.hooks import AGENTS


@click.command(context_settings={"ignore_unknown_options": False})
@click.option("--agent", type=click.Choice(AGENTS), default="claude", help="The agent host.")
@click.option(
    "--on-error",
    type=click.Choice(["ask", "deny", "allow"]),
    default=None,
    help="When a name cannot be verified (default: ask on claude, deny elsewhere).",
)
@click.option(
    "--timeout",
    type=click.FloatRange(min=0, min_open=True),
    default=None,
    help="Seconds before an unfinished check counts as ERROR (default 8).",
)
def hook(agent: str, on_error: str | None, timeout: float | None) -> None:
    """Judge one agent tool call: the host's event JSON on stdin."""
    from phantom_guard.hooks import emit, run

    outcome = run(
        agent,
        sys.stdin.buffer.read(),
        on_error=on_error,  # type: ignore[arg-type]  # click.Choice of the same three words
        budget=timeout,
    )
    sys.exit(emit(outcome))


@click.group()
def hooks() -> None:
    """Install the agent hook into an agent host's settings."""


def _target(agent: str, scope: str) -> Path:
    from phantom_guard.hooks.install import Scope, settings_file

    return settings_file(agent, Scope(scope), home=Path.home(), project=Path.cwd())


_agent_option = click.option("--agent", type=click.Choice(AGENTS), required=True)
_scope_option = click.option(
    "--scope",
    type=click.Choice(["user", "project"]),
    default="user",
    help="The user's settings (default) or this project's.",
)


@hooks.command("install")
@_agent_option
@_scope_option
@click.option("--print", "show", is_flag=True, help="Only show the settings snippet.")
def install_hook(agent: str, scope: str, show: bool) -> None:
    """Merge the hook into the host's settings file (a second run changes nothing)."""
    from phantom_guard.errors import ConfigError
    from phantom_guard.hooks import install

    path = _target(agent, scope)
    if show:
        click.echo(f"# {path}")
        click.echo(json.dumps(install.snippet(agent), indent=2))
        return
    try:
        change = install.install(agent, path)
    except ConfigError as exc:
        click.echo(f"phantom-guard: error: {exc}", err=True)
        sys.exit(2)
    _report(change, "installed in")


@hooks.command("uninstall")
@_agent_option
@_scope_option
def uninstall_hook(agent: str, scope: str) -> None:
    """Remove the hook from the host's settings file; other hooks stay."""
    from phantom_guard.errors import ConfigError
    from phantom_guard.hooks import install

    try:
        change = install.uninstall(_target(agent, scope))
    except ConfigError as exc:
        click.echo(f"phantom-guard: error: {exc}", err=True)
        sys.exit(2)
    _report(change, "removed from")


def _report(change: object, done: str) -> None:
    from phantom_guard.hooks.install import Change

    assert isinstance(change, Change)
    if not change.changed:
        click.echo(f"phantom-guard: {change.path} already up to date")
        return
    click.echo(f"phantom-guard: hook {done} {change.path}")
    if change.backup is not None:
        click.echo(f"phantom-guard: previous content kept in {change.backup}")


@click.command()
def mcp() -> None:
    """Serve the checks to an agent over MCP on stdio (needs phantom-guard[mcp])."""
    try:
        from phantom_guard.mcp_server import serve
    except ModuleNotFoundError as exc:
        if (exc.name or "").partition(".")[0] not in ("mcp", "mcp_types", "pydantic", "anyio"):
            raise
        click.echo(
            "phantom-guard: error: the MCP server needs the optional extra: "
            "pip install 'phantom-guard[mcp]'",
            err=True,
        )
        sys.exit(2)
    serve()
