"""The install guard's commands: ``pip|npm|… ARGS``, ``guard … -- PM ARGS``, ``shims``,
``doctor``. The work is in `phantom_guard.guard`, which also runs without click.
"""

from __future__ import annotations

import os
import sys
from pathlib import Path
from typing import Any

import click

from phantom_guard.commands import MANAGERS

_PASS_THROUGH = {"ignore_unknown_options": True, "allow_interspersed_args": False}


def _manager_command(manager: str) -> click.Command:
    @click.command(
        manager,
        context_settings=_PASS_THROUGH,
        add_help_option=False,
        help=f"Check what `{manager} ARGS` would install, then run the real {manager}.",
    )
    @click.argument("args", nargs=-1, type=click.UNPROCESSED)
    def command(args: tuple[str, ...]) -> None:
        from phantom_guard import guard

        sys.exit(guard.main([manager, *args]))

    return command


@click.command(context_settings=_PASS_THROUGH)
@click.option("--dry-run", is_flag=True, help="Only check and report (exit codes as check).")
@click.option("-o", "--output", type=click.Choice(["text", "json"]), default="text")
@click.option(
    "--on-error",
    type=click.Choice(["block", "allow"]),
    default=None,
    help="Unverifiable names: block (exit 3, default) or warn and run.",
)
@click.option("--fail-on", type=click.Choice(["suspicious", "high_risk"]), default=None)
@click.option("--ask", is_flag=True, help="On a block, ask on the terminal whether to run anyway.")
@click.argument("command", nargs=-1, required=True, type=click.UNPROCESSED)
def guard(command: tuple[str, ...], **given: Any) -> None:
    """Check what COMMAND (a package-manager command line) would install, then run it."""
    from phantom_guard import guard as install_guard

    options = install_guard.GuardOptions(**given)
    sys.exit(install_guard.run(list(command), options))


@click.group()
def shims() -> None:
    """Shims that send pip, npm, … through phantom-guard in every shell."""


def _managers(value: str | None) -> list[str]:
    if not value:
        return list(MANAGERS)
    chosen = [m.strip() for m in value.split(",") if m.strip()]
    unknown = [m for m in chosen if m not in MANAGERS]
    if unknown:
        raise click.BadParameter(f"unknown: {', '.join(unknown)} (known: {', '.join(MANAGERS)})")
    return chosen


_DIR = click.option(
    "--dir", "folder", type=click.Path(path_type=Path), default=None, help="Shim directory."
)


@shims.command("install")
@_DIR
@click.option("--pm", default=None, help=f"Comma-separated subset of: {','.join(MANAGERS)}.")
@click.option("--rc", is_flag=True, help="Also put the directory on PATH in ~/.bashrc etc.")
def shims_install(folder: Path | None, pm: str | None, rc: bool) -> None:
    """Write the shims, then say how to put their directory first on PATH."""
    from phantom_guard import shims as shim_files

    folder = folder or shim_files.default_dir()
    try:
        written = shim_files.install(folder, _managers(pm), shim_files.guard_command())
    except FileExistsError as exc:
        raise click.ClickException(str(exc)) from None
    click.echo(f"wrote {len(written)} shims to {folder}")
    github_path = os.environ.get("GITHUB_PATH")
    if github_path:
        with open(github_path, "a", encoding="utf-8") as handle:
            handle.write(f"{folder}\n")
        click.echo(f"added {folder} to $GITHUB_PATH for the next steps")
    if rc:
        for file in shim_files.rc_files(Path.home()):
            if shim_files.add_to_rc(file, folder):
                click.echo(f"added the PATH line to {file}")
    if not github_path:
        click.echo("put this first on PATH (in your shell profile, agent or container env):")
        click.echo(f"  {shim_files.path_line(folder)}")


@shims.command("uninstall")
@_DIR
def shims_uninstall(folder: Path | None) -> None:
    """Remove the shims (and the PATH line --rc added)."""
    from phantom_guard import shims as shim_files

    folder = folder or shim_files.default_dir()
    removed = shim_files.uninstall(folder)
    click.echo(f"removed {len(removed)} shims from {folder}")
    for file in shim_files.rc_files(Path.home()):
        if shim_files.remove_from_rc(file):
            click.echo(f"removed the PATH line from {file}")


@shims.command("status")
@_DIR
def shims_status(folder: Path | None) -> None:
    """Per package manager: shim written, what PATH finds first, the real one."""
    from phantom_guard import shims as shim_files

    folder = folder or shim_files.default_dir()
    for row in shim_files.status(folder, MANAGERS):
        state = "guarded" if row.active else ("shim not first on PATH" if row.shim else "no shim")
        click.echo(f"{row.manager:5} {state:22} first: {row.first or '-'}  real: {row.real or '-'}")


@click.command()
@_DIR
def doctor(folder: Path | None) -> None:
    """Check that every package manager goes through phantom-guard."""
    from phantom_guard import doctor as checks

    results = checks.run(shim_dir=folder)
    for check in results:
        click.echo(f"{'ok  ' if check.ok else 'FIX '} {check.text}")
    sys.exit(0 if all(check.ok for check in results) else 1)


COMMANDS: tuple[click.Command, ...] = (
    guard,
    shims,
    doctor,
    *(_manager_command(manager) for manager in MANAGERS),
)
