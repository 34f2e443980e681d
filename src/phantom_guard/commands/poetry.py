"""Poetry: ``poetry add`` and the project installs ``poetry install|sync|update``.

Poetry's docs: "poetry add requests pendulum", with constraints as ``name@^2.0``, ``name==2.0``
or PEP 508; git URLs, paths and URLs are not registry names. ``--source`` names a configured
(private) source.
"""

from __future__ import annotations

from collections.abc import Sequence

from phantom_guard.commands import pip
from phantom_guard.commands._options import scan, table
from phantom_guard.commands._plan import CommandPlan, PlanBuilder
from phantom_guard.commands._words import INSTALLING, POETRY_PROJECT
from phantom_guard.model import Registry

GENERAL = table(
    values=["-C --directory", "-P --project", "-G --group", "-E --extras", "--source"],
    flags=[
        "-D --dev",
        "-e --editable",
        "--allow-prereleases",
        "--dry-run",
        "--lock",
        "-v -vv -vvv --verbose",
        "-q --quiet",
        "-n --no-interaction",
        "-h --help",
        "-V --version",
        "--no-root",
        "--sync",
        "--only-root",
        "--all-extras",
        "--no-ansi",
        "--ansi",
        "--no-plugins",
        "--no-cache",
    ],
)
PROJECT = POETRY_PROJECT
PROJECT_FILES = ("pyproject.toml", "poetry.lock")


def parse(program: str, args: Sequence[str], *, cwd: str | None, read_files: bool) -> CommandPlan:
    """A ``poetry ARGS`` command line."""
    head = scan(args, GENERAL, stop_after=1, commands=INSTALLING["poetry"])
    if not head.positionals:
        return CommandPlan(manager="poetry", registry=Registry.PYPI, installs=False)
    subcommand = head.positionals[0]
    builder = PlanBuilder("poetry", Registry.PYPI, subcommand)
    body = scan(head.rest, GENERAL)
    dirs = head.values("directory", "project") + body.values("directory", "project")
    if subcommand == "add":
        for source in body.values("source"):
            builder.use_index("--source", source)
        for spec in body.positionals:
            name, at, version = spec.partition("@")
            if at and not name.startswith(("git", "http")) and " " not in spec:
                exact = version.strip("=").replace(".", "").isdigit()
                pip.add_spec(builder, f"{name}=={version.strip('=')}" if exact else name)
            else:
                pip.add_spec(builder, spec)
        return builder.build()
    if subcommand in PROJECT:
        return builder.build(
            project_install=True, project_files=PROJECT_FILES, project_dir=dirs[-1] if dirs else "."
        )
    return builder.build(installs=False)
