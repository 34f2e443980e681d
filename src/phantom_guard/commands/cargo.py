"""cargo: ``cargo add``, ``cargo install``, and the commands that fetch a project's crates.

The Cargo Book: "cargo add [options] crate..." where a crate is "crate[@version]"; with
``--git``, ``--path`` or ``--registry`` the crates come from there (skipped). "cargo install
[options] crate[@version]..." likewise with ``--git``, ``--path``, ``--registry``, ``--index``;
"if the version does not have a requirement operator ... it will install exactly that version".
"""

from __future__ import annotations

from phantom_guard.commands._options import scan, table
from phantom_guard.commands._plan import CommandPlan, PlanBuilder
from phantom_guard.commands._words import CARGO_PROJECT, INSTALLING
from phantom_guard.lazyre import compiled
from phantom_guard.model import Registry

TYPE_CHECKING = False  # typing.TYPE_CHECKING, without importing typing on the start-up path
if TYPE_CHECKING:
    from collections.abc import Sequence

GENERAL = table(
    values=["--manifest-path", "-Z", "--config", "--color", "--lockfile-path", "-C"],
    flags=[
        "-v --verbose",
        "-q --quiet",
        "--locked",
        "--offline",
        "--frozen",
        "-h --help",
        "-V --version",
        "--list",
    ],
)
ADD = GENERAL.merged(
    table(
        values=[
            "-F --features",
            "--rename",
            "-p --package",
            "--target",
            "--registry",
            "--git",
            "--branch",
            "--tag",
            "--rev",
            "--path",
            "--base",
        ],
        flags=[
            "--dev",
            "--build",
            "--no-default-features",
            "--default-features",
            "--optional",
            "--no-optional",
            "--public",
            "--no-public",
            "-n --dry-run",
            "--ignore-rust-version",
        ],
    )
)
INSTALL = GENERAL.merged(
    table(
        values=[
            "--version --vers",
            "-F --features",
            "--git",
            "--branch",
            "--tag",
            "--rev",
            "--path",
            "--root",
            "--registry",
            "--index",
            "--bin",
            "--example",
            "--target",
            "--target-dir",
            "--profile",
            "-j --jobs",
            "--message-format",
            "--timings",
        ],
        flags=[
            "--all-features",
            "--no-default-features",
            "-f --force",
            "--no-track",
            "--bins",
            "--examples",
            "--debug",
            "--keep-going",
            "--ignore-rust-version",
            "--dry-run",
            "-r --release",
        ],
    )
)

PROJECT = CARGO_PROJECT
PROJECT_FILES = ("Cargo.toml", "Cargo.lock")
SOURCE_OPTIONS = {"git": "git dependency", "path": "local path"}
# A version with no requirement operator, MAJOR.MINOR.PATCH: cargo install's exact version.
_EXACT = r"^=?\s*(\d+\.\d+\.\d+(?:-[0-9A-Za-z.-]+)?(?:\+[0-9A-Za-z.-]+)?)$"


def parse(program: str, args: Sequence[str], *, cwd: str | None, read_files: bool) -> CommandPlan:
    """A ``cargo ARGS`` command line (``cargo +toolchain ARGS`` too)."""
    if args and args[0].startswith("+"):
        args = args[1:]
    head = scan(args, GENERAL, stop_after=1, commands=INSTALLING["cargo"])
    if not head.positionals:
        return CommandPlan(manager="cargo", registry=Registry.CRATES, installs=False)
    subcommand = head.positionals[0]
    builder = PlanBuilder("cargo", Registry.CRATES, subcommand)
    if subcommand in {"add", "install"}:
        body = scan(head.rest, ADD if subcommand == "add" else INSTALL)
        if subcommand == "install" and body.has("list", "help"):
            return builder.build(installs=False)
        add_crates(builder, body.positionals, body.options, exact_bare=subcommand == "install")
        return builder.build()
    if subcommand in PROJECT:
        body = scan(head.rest, GENERAL, stop_after=None, dash_dash_stops=True)
        manifests = head.values("manifest-path") + body.values("manifest-path")
        project_dir = manifests[-1].rpartition("/")[0] or "." if manifests else "."
        # ``cargo -C DIR``: "changes the current directory before executing" (the manifest
        # path is then relative to DIR).
        changed = head.values("C")
        if changed and not project_dir.startswith("/"):
            project_dir = changed[-1] if project_dir == "." else f"{changed[-1]}/{project_dir}"
        return builder.build(
            project_install=True, project_files=PROJECT_FILES, project_dir=project_dir
        )
    return builder.build(installs=False)


def add_crates(
    builder: PlanBuilder,
    crates: Sequence[str],
    options: Sequence[tuple[str, str | None]],
    *,
    exact_bare: bool,
) -> None:
    """The crates named, unless ``--git``/``--path`` (skipped) or ``--registry``/``--index``."""
    source = next(((n, v) for n, v in options if n in SOURCE_OPTIONS and v is not None), None)
    for name, value in options:
        if name in {"registry", "index"}:
            builder.use_index("--" + name, value)
    versions = [value for name, value in options if name == "version" and value]
    for spec in crates:
        if source is not None:
            builder.skip(spec, f"{SOURCE_OPTIONS[source[0]]}: --{source[0]} {source[1]}")
            continue
        crate, at, version = spec.partition("@")
        if not at and versions:
            version = versions[-1]
        exact = compiled(_EXACT).match(version.strip()) if version else None
        if exact and not exact_bare and not version.strip().startswith("="):
            exact = None  # cargo add: "1.2.3" is the requirement ^1.2.3
        builder.name(spec, crate, exact.group(1) if exact else None)
