"""pnpm: ``pnpm add``, ``pnpm install``, ``pnpm dlx``/``pnpx``, ``pnpm create``.

pnpm's docs: "pnpm add <pkg>" takes npm's package specs plus ``workspace:``, ``catalog:``,
``link:`` and ``jsr:`` protocols, which name no new registry package (skipped). "pnpm dlx
<command>" fetches "a package from the registry without installing it as a dependency".
"""

from __future__ import annotations

from collections.abc import Sequence

from phantom_guard.commands import npm
from phantom_guard.commands._options import scan, table
from phantom_guard.commands._plan import CommandPlan, PlanBuilder
from phantom_guard.commands._words import INSTALLING, PNPM_ADD, PNPM_PROJECT
from phantom_guard.model import Registry

GENERAL = table(
    values=[
        "-C --dir",
        "-F --filter",
        "--filter-prod",
        "--test-pattern",
        "--changed-files-ignore-pattern",
        "--reporter",
        "--registry",
        "--store-dir",
        "--virtual-store-dir",
        "--modules-dir",
        "--loglevel",
        "--network-concurrency",
        "--child-concurrency",
        "--save-catalog-name",
        "--allow-build",
        "--workspace-concurrency",
        "--resolution-mode",
        "--node-linker",
        "--package-import-method",
        "--lockfile-dir",
        "--config-dir",
        "--cpu",
        "--os",
        "--libc",
        "--color",
    ],
    flags=[
        "-g --global",
        "-D --save-dev",
        "-P --save-prod",
        "-O --save-optional",
        "-E --save-exact",
        "--save-peer",
        "--save-catalog",
        "-w --workspace-root",
        "-r --recursive",
        "--workspace",
        "--frozen-lockfile",
        "--no-frozen-lockfile",
        "--prefer-frozen-lockfile",
        "--prefer-offline",
        "--offline",
        "--ignore-scripts",
        "--ignore-workspace",
        "--lockfile-only",
        "--fix-lockfile",
        "--force",
        "--shamefully-hoist",
        "--silent -s",
        "--aggregate-output",
        "--stream",
        "--use-stderr",
        "--strict-peer-dependencies",
        "--prod",
        "--dev",
        "--no-optional",
        "--json",
        "-h --help",
        "-v --version",
    ],
)
DLX = GENERAL.merged(table(values=["--package"], flags=["-c --shell-mode"]))

ADD = PNPM_ADD
DLX_WORDS = frozenset({"dlx"})
PROJECT = PNPM_PROJECT
PROJECT_FILES = ("package.json", "pnpm-lock.yaml", "pnpm-workspace.yaml")

# The protocols pnpm resolves from the workspace, not from a registry by name.
_WORKSPACE = (("catalog:", "version from the workspace catalog"),)


def parse(program: str, args: Sequence[str], *, cwd: str | None, read_files: bool) -> CommandPlan:
    """A ``pnpm ARGS`` command line."""
    general = npm.scoped_registries(args, GENERAL)
    head = scan(args, general, stop_after=1, commands=INSTALLING["pnpm"])
    if not head.positionals:
        return CommandPlan(manager="pnpm", registry=Registry.NPM, installs=False)
    subcommand = head.positionals[0]
    builder = PlanBuilder("pnpm", Registry.NPM, subcommand)
    if subcommand in DLX_WORDS:
        return npm.execute(builder, head.options, head.rest, npm.scoped_registries(args, DLX))
    if subcommand == "create":
        body = scan(head.rest, general, stop_after=1)
        npm.registries(builder, (*head.options, *body.options))
        if not body.positionals:
            return builder.build(installs=False)
        npm.initializer(builder, body.positionals[0])
        return builder.build()
    body = scan(head.rest, general)
    given = (*head.options, *body.options)
    npm.registries(builder, given)
    dirs = [value for name, value in given if name == "dir" and value]
    project_dir = dirs[-1] if dirs else "."
    if subcommand in ADD or (subcommand in PROJECT and body.positionals):
        for spec in body.positionals:
            add_spec(builder, spec)
        return builder.build()
    if subcommand in PROJECT:
        return builder.build(
            project_install=True, project_files=PROJECT_FILES, project_dir=project_dir
        )
    return builder.build(installs=False)


def parse_pnpx(
    program: str, args: Sequence[str], *, cwd: str | None, read_files: bool
) -> CommandPlan:
    """``pnpx <pkg> [args…]``: ``pnpm dlx``."""
    builder = PlanBuilder("pnpm", Registry.NPM, "dlx")
    return npm.execute(builder, (), args, npm.scoped_registries(args, DLX))


def add_spec(builder: PlanBuilder, spec: str) -> None:
    """An npm spec, with pnpm's ``catalog:`` skipped too (``workspace:``, ``link:`` are npm's)."""
    _, at, version = spec[1:].partition("@")
    for prefix, reason in _WORKSPACE:
        if at and version.lower().startswith(prefix):
            builder.skip(spec, f"{reason}: {spec}")
            return
    npm.add_spec(builder, spec)
