"""npm: ``npm install|i|add …``, ``npm ci``, ``npm exec``/``npx``, ``npm init <initializer>``.

npm's docs: "npm install <package-spec>" where a spec is
"[<@scope>/]<pkg>@<tag|version|range>", an alias "<alias>@npm:<name>", a folder, a tarball file
or URL, or a git URL / "<githubname>/<repo>".
Only registry specs are checked (an alias checks the real name). npm's option parser (nopt) reads
an option it does not know as a boolean, so the word after it is a package spec, as here.
"""

from __future__ import annotations

from phantom_guard.commands._options import OptionTable, scan, table
from phantom_guard.commands._plan import CommandPlan, PlanBuilder, redact
from phantom_guard.commands._words import NPM_CI, NPM_EXECUTE, NPM_INIT, NPM_INSTALL, NPM_UPDATE
from phantom_guard.lazyre import compiled
from phantom_guard.model import Registry

TYPE_CHECKING = False  # typing.TYPE_CHECKING, without importing typing on the start-up path
if TYPE_CHECKING:
    from collections.abc import Sequence

#: npm's config options that take a value (``npm help config``); all others are flags.
GENERAL = table(
    values=[
        "--registry",
        "--prefix -C",
        "--cache",
        "--userconfig",
        "--globalconfig",
        "--tag",
        "-w --workspace",
        "--omit",
        "--include",
        "--install-strategy",
        "--loglevel",
        "--logs-dir",
        "--logs-max",
        "--before",
        "--otp",
        "--auth-type",
        "--cafile",
        "--ca",
        "--cert",
        "--key",
        "--proxy",
        "--https-proxy",
        "--noproxy",
        "--local-address",
        "--fetch-retries",
        "--fetch-retry-factor",
        "--fetch-retry-mintimeout",
        "--fetch-retry-maxtimeout",
        "--fetch-timeout",
        "--maxsockets",
        "--node-options",
        "--script-shell",
        "--shell",
        "--save-prefix",
        "--lockfile-version",
        "--cpu",
        "--os",
        "--libc",
        "--access",
        "--location -L",
        "--replace-registry-host",
        "--user-agent",
        "--workspaces-update",
        "--install-links",
        "--editor",
        "--browser",
        "--heading",
        "--color",
        "--umask",
        "--depth",
        "--init-module",
        "--scope",
        "--preid",
        "--provenance-file",
        "--sbom-format",
        "--sbom-type",
        "--allow-git",
    ],
    flags=[
        "-g --global",
        "-D --save-dev",
        "-P --save-prod",
        "-O --save-optional",
        "-B --save-bundle",
        "-E --save-exact",
        "-S --save",
        "--no-save",
        "--save-peer",
        "-f --force",
        "-y --yes",
        "--no",
        "-q --quiet",
        "-s --silent",
        "-d --loglevel-info",
        "--dry-run",
        "--json",
        "--legacy-peer-deps",
        "--strict-peer-deps",
        "--prefer-offline",
        "--prefer-online",
        "--offline",
        "--ignore-scripts",
        "--no-audit",
        "--no-fund",
        "--audit",
        "--fund",
        "--foreground-scripts",
        "--package-lock-only",
        "--no-package-lock",
        "--workspaces --ws",
        "--include-workspace-root",
        "--global-style",
        "--legacy-bundling",
        "--no-bin-links",
        "--progress",
        "--no-progress",
        "--long -l",
        "--parseable -p",
        "--unicode",
        "--usage",
        "-h --help -?",
        "-v --version",
    ],
)

#: ``npm exec``/``npx``: ``-p`` and ``-c`` mean ``--package`` and ``--call`` there.
EXEC = GENERAL.merged(table(values=["-p --package", "-c --call"]))

#: Before the subcommand: npm reads its options anywhere, so ``--package`` and ``--call`` take
#: their value there too; ``-p`` is left unknown, so ``npm -p x exec`` reads "x" as its value
#: while ``npm -p install x`` (``-p`` = ``--parseable``) still installs "x".
HEAD = OptionTable({k: v for k, v in GENERAL.options.items() if k != "-p"}).merged(
    table(values=["--package", "-c --call"])
)

SUBCOMMANDS = NPM_INSTALL | NPM_CI | NPM_EXECUTE | NPM_INIT | NPM_UPDATE
INSTALL = NPM_INSTALL
CI = NPM_CI
EXECUTE = NPM_EXECUTE
INIT = NPM_INIT
UPDATE = NPM_UPDATE
PROJECT_FILES = ("package.json", "package-lock.json", "npm-shrinkwrap.json")

# A version npm resolves to exactly one release: "1.2.3", "=1.2.3", "v1.2.3-rc.1".
_EXACT = r"^[=v]?(\d+\.\d+\.\d+(?:-[0-9A-Za-z.-]+)?(?:\+[0-9A-Za-z.-]+)?)$"
_REGISTRY_SUFFIX = ":registry"


def _scope_registry(arg: str) -> bool:
    r"""``--@scope:registry`` (regex ``^--@[^=\s]+:registry$``), told without `re`."""
    text = arg[:-1] if arg.endswith("\n") else arg  # `$` allows one trailing newline
    if not (text.startswith("--@") and text.endswith(_REGISTRY_SUFFIX)):
        return False
    middle = text[3 : -len(_REGISTRY_SUFFIX)]
    return bool(middle) and not any(c == "=" or c.isspace() for c in middle)


def _tarball(spec: str) -> bool:
    """A local tarball named without a path (``npm install pkg-1.0.0.tgz``)."""
    text = spec[:-1] if spec.endswith("\n") else spec
    return text.lower().endswith((".tgz", ".tar", ".tar.gz"))


def parse(program: str, args: Sequence[str], *, cwd: str | None, read_files: bool) -> CommandPlan:
    """An ``npm ARGS`` command line."""
    general = scoped_registries(args, GENERAL)
    head = scan(args, scoped_registries(args, HEAD), stop_after=1, commands=SUBCOMMANDS)
    if not head.positionals:
        return CommandPlan(manager="npm", registry=Registry.NPM, installs=False)
    subcommand = head.positionals[0]
    builder = PlanBuilder("npm", Registry.NPM, subcommand)
    if subcommand in EXECUTE:
        leading = short_packages(head.options)
        return execute(builder, leading, head.rest, scoped_registries(args, EXEC))
    if subcommand in INIT:
        body = scan(head.rest, general, stop_after=1)
        registries(builder, (*head.options, *body.options))
        if not body.positionals:
            return builder.build(installs=False)
        initializer(builder, body.positionals[0])
        return builder.build()
    body = scan(head.rest, general)
    registries(builder, (*head.options, *body.options))
    project_dir = _project_dir((*head.options, *body.options))
    if subcommand in CI or (subcommand in UPDATE and not body.positionals):
        return builder.build(
            project_install=True, project_files=PROJECT_FILES, project_dir=project_dir
        )
    if subcommand in UPDATE:
        for spec in body.positionals:
            add_spec(builder, spec)
        return builder.build()
    if subcommand not in INSTALL:
        return builder.build(installs=False)
    if not body.positionals:
        return builder.build(
            project_install=True, project_files=PROJECT_FILES, project_dir=project_dir
        )
    for spec in body.positionals:
        add_spec(builder, spec)
    return builder.build()


def parse_npx(
    program: str, args: Sequence[str], *, cwd: str | None, read_files: bool
) -> CommandPlan:
    """``npx [options] <pkg>[@<version>] [args…]``: the same as ``npm exec``."""
    options = scoped_registries(args, EXEC)
    return execute(PlanBuilder("npm", Registry.NPM, "exec"), (), args, options)


def execute(
    builder: PlanBuilder,
    leading: Sequence[tuple[str, str | None]],
    args: Sequence[str],
    options: OptionTable = EXEC,
) -> CommandPlan:
    """``npm exec``: "the package(s) in --package, or else the first positional (the command)".

    What follows the command is the command's own arguments, never read as npm options.
    """
    body = scan(args, options, stop_after=1, dash_dash_stops=False)
    given = (*leading, *body.options)
    registries(builder, given)
    packages = [value for name, value in given if name == "package" and value is not None]
    if packages:
        for spec in packages:
            add_spec(builder, spec)
        return builder.build()
    if any(name in {"call", "shell-mode"} for name, _ in given) or not body.positionals:
        return builder.build(installs=False)
    add_spec(builder, body.positionals[0])
    return builder.build()


def short_packages(options: Sequence[tuple[str, str | None]]) -> list[tuple[str, str | None]]:
    """Options read before ``exec``/``dlx`` with ``-p VALUE`` as ``--package VALUE`` (npx's
    spelling, which people carry over to ``npm -p x exec``).
    """
    return [("package", v) if n == "p" and v is not None else (n, v) for n, v in options]


def initializer(builder: PlanBuilder, spec: str) -> None:
    """``npm init foo`` runs ``create-foo``; ``@scope`` -> ``@scope/create``, ``@scope/x`` ->
    ``@scope/create-x`` (npm's docs for ``npm init <initializer>``).
    """
    from phantom_guard.npm_specs import spec_target

    whole, reason = spec_target(spec, spec)
    if whole is None:
        builder.skip(spec, f"{reason}: {spec}")
        return
    if spec.startswith("@"):
        scoped, at, version = spec[1:].partition("@")
        scope, slash, bare = scoped.partition("/")
        name = f"@{scope}/create" + (f"-{bare}" if slash else "")
    else:
        bare, at, version = spec.partition("@")
        name = "create-" + bare
    add_spec(builder, name + (f"@{version}" if at else ""))


def scoped_registries(args: Sequence[str], options: OptionTable) -> OptionTable:
    """`options` with the ``--@scope:registry`` spellings in `args` added as taking a value."""
    scoped = [a for a in args if _scope_registry(a)]
    if not scoped:
        return options
    return options.merged(OptionTable({a: (a[2:], True) for a in scoped}))


def registries(builder: PlanBuilder, options: Sequence[tuple[str, str | None]]) -> None:
    """``--registry URL`` makes every name private; ``--@scope:registry URL`` that scope's."""
    for name, value in options:
        if name == "registry":
            builder.use_index("--registry", value)
        elif name.startswith("@") and name.endswith(":registry") and value:
            scope = name.removesuffix(":registry")
            builder.private_scopes[scope.lower()] = f"--{name} {redact(value)}"


def add_spec(builder: PlanBuilder, spec: str) -> None:
    """One npm package spec: a registry name (an alias's real name) to check, or skipped."""
    from phantom_guard.npm_specs import spec_target, split_spec

    whole, reason = spec_target(spec, spec)
    if whole is None:
        builder.skip(spec, f"{reason}: {spec}")
        return
    if _tarball(spec) and "@" not in spec[1:]:
        builder.skip(spec, f"local tarball: {spec}")
        return
    name, version_spec = split_spec(spec)
    if version_spec is None:
        builder.name(spec, name)
        return
    real, reason = spec_target(name, version_spec)
    if real is None:
        builder.skip(spec, f"{reason}: {spec}")
        return
    if version_spec.lower().startswith("npm:"):
        _, version_spec_or_none = split_spec(version_spec[4:].strip())
        version_spec = version_spec_or_none or ""
    exact = compiled(_EXACT).match(version_spec.strip())
    builder.name(spec, real, exact.group(1) if exact else None)


def _project_dir(options: Sequence[tuple[str, str | None]]) -> str:
    found = [value for name, value in options if name == "prefix" and value]
    return found[-1] if found else "."
