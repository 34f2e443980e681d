"""yarn, classic (1.x) and berry (2+): ``yarn add``, ``yarn global add``, ``yarn dlx``,
``yarn create``, ``yarn workspace <name> add``, and the bare ``yarn``/``yarn install``.

yarn's docs: "yarn add <package...>" takes npm's package specs (berry adds ``workspace:``,
``portal:``, ``link:``, ``patch:``); "yarn dlx <command>" runs "a package in a temporary
environment"; ``yarn <script>`` runs a script and installs nothing.
"""

from __future__ import annotations

from collections.abc import Sequence

from phantom_guard.commands import npm
from phantom_guard.commands._options import scan, table
from phantom_guard.commands._plan import CommandPlan, PlanBuilder
from phantom_guard.commands._words import INSTALLING, YARN_ADD, YARN_PROJECT
from phantom_guard.model import Registry

GENERAL = table(
    values=[
        "--cwd",
        "--registry",
        "--cache-folder",
        "--modules-folder",
        "--network-timeout",
        "--network-concurrency",
        "--mutex",
        "--link-folder",
        "--global-folder",
        "--preferred-cache-folder",
        "--use-yarnrc",
        "--proxy",
        "--https-proxy",
        "--otp",
        "--mode",
        "--production --prod",
        "--emoji",
    ],
    flags=[
        "-D --dev",
        "-P --peer",
        "-O --optional",
        "-E --exact",
        "-T --tilde",
        "-C --caret",
        "-i --interactive",
        "-W --ignore-workspace-root-check",
        "--prefer-dev",
        "--cached",
        "--json",
        "--frozen-lockfile",
        "--immutable",
        "--immutable-cache",
        "--check-cache",
        "--pure-lockfile",
        "--ignore-scripts",
        "--ignore-engines",
        "--ignore-platform",
        "--ignore-optional",
        "--offline",
        "--prefer-offline",
        "--force",
        "--flat",
        "--har",
        "--no-lockfile",
        "--non-interactive",
        "--silent -s",
        "--verbose",
        "--no-progress",
        "--no-default-rc",
        "--inline-builds",
        "-h --help",
        "-v --version",
    ],
)
DLX = GENERAL.merged(table(values=["-p --package"], flags=["-q --quiet"]))

ADD = YARN_ADD
PROJECT = YARN_PROJECT
PROJECT_FILES = ("package.json", "yarn.lock", ".yarnrc.yml")


def parse(program: str, args: Sequence[str], *, cwd: str | None, read_files: bool) -> CommandPlan:
    """A ``yarn ARGS`` command line."""
    general = npm.scoped_registries(args, GENERAL)
    head = scan(args, general, stop_after=1, commands=INSTALLING["yarn"])
    builder = PlanBuilder("yarn", Registry.NPM, head.positionals[0] if head.positionals else None)
    npm.registries(builder, head.options)
    cwds = [value for name, value in head.options if name == "cwd" and value]
    project_dir = cwds[-1] if cwds else "."
    if not head.positionals:
        if head.has("help", "version"):
            return builder.build(installs=False)
        return builder.build(
            project_install=True, project_files=PROJECT_FILES, project_dir=project_dir
        )
    subcommand = head.positionals[0]
    leading, rest = head.options, head.rest
    if subcommand == "workspace":
        # yarn workspace <name> <command…>: the command runs in that workspace.
        inner = scan(head.rest, general, stop_after=1)
        return parse(program, inner.rest, cwd=cwd, read_files=read_files)
    if subcommand == "global":
        inner = scan(head.rest, general, stop_after=1, commands=ADD)
        if inner.positionals and inner.positionals[0] in ADD:
            subcommand, leading, rest = "add", (*leading, *inner.options), inner.rest
        else:
            return builder.build(installs=False)
    if subcommand == "dlx":
        given = npm.short_packages(leading)
        return npm.execute(builder, given, rest, npm.scoped_registries(args, DLX))
    if subcommand == "create":
        body = scan(rest, general, stop_after=1)
        npm.registries(builder, body.options)
        if not body.positionals:
            return builder.build(installs=False)
        npm.initializer(builder, body.positionals[0])
        return builder.build()
    body = scan(rest, general)
    npm.registries(builder, body.options)
    if subcommand in ADD or (subcommand in PROJECT and body.positionals):
        for spec in body.positionals:
            npm.add_spec(builder, spec)
        return builder.build()
    if subcommand in PROJECT:
        return builder.build(
            project_install=True, project_files=PROJECT_FILES, project_dir=project_dir
        )
    return builder.build(installs=False)
