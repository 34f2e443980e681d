"""uv: ``uv pip install|sync``, ``uv add``, ``uv tool install|run``, ``uvx``, ``uv run --with``,
and the project commands ``uv sync`` and ``uv run``.

uv's docs: "uv add <PACKAGES|--requirements <REQUIREMENTS>>" takes PEP 508 requirements, paths
and URLs; "uvx [--from <FROM>] <COMMAND>" runs "a command provided by a Python package"
(``uvx ruff@0.6.0``); "--with <WITH>: run with the given packages installed", comma-separated.
"""

from __future__ import annotations

import os

from phantom_guard.commands import pip
from phantom_guard.commands._options import Scan, scan, table
from phantom_guard.commands._plan import CommandPlan, PlanBuilder
from phantom_guard.commands._words import INSTALLING
from phantom_guard.errors import CommandError, SourceError
from phantom_guard.lazyre import compiled
from phantom_guard.model import Registry

TYPE_CHECKING = False  # typing.TYPE_CHECKING, without importing typing on the start-up path
if TYPE_CHECKING:
    from collections.abc import Sequence

GENERAL = table(
    values=[
        "--color",
        "--allow-insecure-host --trusted-host",
        "--directory",
        "--project",
        "--config-file",
        "--cache-dir",
        "--python-preference",
        "-p --python",
        "--index",
        "--default-index",
        "-i --index-url",
        "--extra-index-url",
        "-f --find-links",
        "--index-strategy",
        "--keyring-provider",
        "--resolution",
        "--prerelease",
        "--fork-strategy",
        "--exclude-newer",
        "--exclude-newer-package",
        "--link-mode",
        "-P --upgrade-package",
        "--reinstall-package",
        "--refresh-package",
        "-C --config-setting --config-settings",
        "--config-settings-package",
        "--no-build-isolation-package",
        "--no-build-package",
        "--no-binary-package",
        "--extra",
        "--group",
        "--no-group",
        "--only-group",
        "--package",
        "--env-file",
        "--with",
        "--with-editable",
        "--with-requirements",
        "--from",
        "-r --requirements --requirement",
        "-c --constraints --constraint",
        "--overrides --override",
        "-b --build-constraints --build-constraint",
        "--optional",
        "--marker",
        "--branch",
        "--tag",
        "--rev",
        "--bounds",
        "-t --target",
        "--prefix",
        "--python-platform",
        "--python-version",
        "--torch-backend",
        "--no-binary",
        "--only-binary",
        "-o --output-file",
        "--with-executables-from",
        "--build-backend",
        "--excludes --exclude",
    ],
    flags=[
        "-q --quiet",
        "-v --verbose",
        "--native-tls",
        "--offline",
        "--no-offline",
        "--no-progress",
        "--no-config",
        "-n --no-cache",
        "--managed-python",
        "--no-managed-python",
        "--no-python-downloads",
        "-h --help",
        "-V --version",
        "--preview",
        "--no-preview",
        "--isolated",
        "--no-index",
        "-U --upgrade",
        "--reinstall",
        "--refresh",
        "--no-sync",
        "--frozen",
        "--locked",
        "--no-project",
        "--system",
        "--break-system-packages",
        "--no-deps",
        "--dev",
        "--no-dev",
        "--raw --raw-sources",
        "--compile-bytecode --compile",
        "--strict",
        "--dry-run",
        "--exact",
        "--inexact",
        "--all-extras",
        "--all-groups",
        "--all-packages",
        "--no-install-project",
        "--no-install-workspace",
        "--active",
        "--force",
        "--user",
        "--no-build",
        "--no-build-isolation",
        "--pre",
        "--no-editable",
        "--workspace",
        "--no-workspace",
        "-s --script",
        "--gui-script",
        "-m --module",
        "--upgrade-strategy",
    ],
)
# ``uv pip install``: pip's ``-e`` takes a value; ``uv add --editable`` is a flag.
PIP = GENERAL.merged(table(values=["-e --editable"]))
ADD = GENERAL.merged(table(values=["--script"], flags=["--editable"]))
TOOL = GENERAL.merged(table(flags=["-e --editable"]))

_PIP_WORDS = frozenset({"install", "sync"})
_TOOL_WORDS = frozenset({"install", "run"})
INDEX_OPTIONS = pip.INDEX_OPTIONS | {"index", "default-index"}
PROJECT_FILES = ("pyproject.toml", "uv.lock")
_TOOL_VERSION = r"^\d[0-9A-Za-z.+!-]*$"


def parse(program: str, args: Sequence[str], *, cwd: str | None, read_files: bool) -> CommandPlan:
    """A ``uv ARGS`` command line."""
    head = scan(args, GENERAL, stop_after=1, commands=INSTALLING["uv"])
    if not head.positionals:
        return CommandPlan(manager="uv", registry=Registry.PYPI, installs=False)
    subcommand = head.positionals[0]
    builder = PlanBuilder("uv", Registry.PYPI, subcommand)
    if subcommand == "pip":
        inner = scan(head.rest, GENERAL, stop_after=1, commands=_PIP_WORDS)
        if not inner.positionals or inner.positionals[0] not in _PIP_WORDS:
            return builder.build(installs=False)
        builder.subcommand = "pip " + inner.positionals[0]
        body = scan(inner.rest, PIP)
        body = _with_leading(body, head, inner)
        pip.add_install(builder, body, cwd=cwd, read_files=read_files, index_options=INDEX_OPTIONS)
        if inner.positionals[0] == "sync":
            for file in body.positionals:  # uv pip sync names files, not packages
                pip.read_requirements(builder, file, cwd=cwd, read_files=read_files)
            builder.refs = [r for r in builder.refs if r.source is not None]
        return builder.build()
    if subcommand == "add":
        body = _with_leading(scan(head.rest, ADD), head)
        _add(builder, body, cwd=cwd, read_files=read_files)
        return builder.build()
    if subcommand == "tool":
        inner = scan(head.rest, GENERAL, stop_after=1, commands=_TOOL_WORDS)
        word = inner.positionals[0] if inner.positionals else None
        if word == "install":
            body = _with_leading(scan(inner.rest, TOOL), head, inner)
            _add(builder, body, cwd=cwd, read_files=read_files, tool=True)
            _with(builder, body, cwd=cwd, read_files=read_files)
            return builder.build()
        if word == "run":
            return _tool_run(builder, (*head.options, *inner.options), inner.rest, cwd, read_files)
        return builder.build(installs=False)
    if subcommand == "run":
        body = _with_leading(scan(head.rest, GENERAL, stop_after=1), head)
        _with(builder, body, cwd=cwd, read_files=read_files)
        script = _script(builder, body, cwd=cwd, read_files=read_files)
        project = not body.has("no-project", "no-sync", "script") and not script
        return builder.build(
            project_install=project, project_files=PROJECT_FILES, project_dir=_project_dir(body)
        )
    if subcommand == "sync":
        body = _with_leading(scan(head.rest, GENERAL), head)
        return builder.build(
            project_install=True, project_files=PROJECT_FILES, project_dir=_project_dir(body)
        )
    return builder.build(installs=False)


def parse_uvx(
    program: str, args: Sequence[str], *, cwd: str | None, read_files: bool
) -> CommandPlan:
    """``uvx [options] <command>[@version] [args…]``: ``uv tool run``."""
    return _tool_run(PlanBuilder("uv", Registry.PYPI, "tool run"), (), args, cwd, read_files)


def _tool_run(
    builder: PlanBuilder,
    leading: Sequence[tuple[str, str | None]],
    args: Sequence[str],
    cwd: str | None,
    read_files: bool,
) -> CommandPlan:
    body = scan(args, TOOL, stop_after=1)
    body = Scan((*leading, *body.options), body.positionals, body.rest, body.unknown)
    _indexes(builder, body)
    froms = body.values("from")
    if froms:
        _tool_spec(builder, froms[-1])
    elif body.positionals:
        _tool_spec(builder, body.positionals[0])
    _with(builder, body, cwd=cwd, read_files=read_files)
    if not froms and not body.positionals:
        return builder.build(installs=False)
    return builder.build()


def _script(builder: PlanBuilder, body: Scan, *, cwd: str | None, read_files: bool) -> bool:
    """``uv run --script FILE`` / ``uv run FILE.py``: the dependencies of the script's PEP 723
    block. True when it has one (uv then runs it in an environment of its own, not the
    project's).
    """
    if not body.positionals:
        return False
    target = body.positionals[0]
    explicit = body.has("script")
    if not explicit and not target.endswith((".py", ".pyw")):
        return False
    if target == "-" or "://" in target:
        builder.skip(target, f"script not read from a local file: {target}")
        return explicit
    if not read_files:
        builder.skip(target, f"inline script dependencies (PEP 723) not read: {target}")
        return explicit
    from pathlib import Path  # a script's dependencies: read from a file

    path = Path(target) if cwd is None or os.path.isabs(target) else Path(cwd, target)
    if not path.is_file():
        return False  # uv reports the missing file itself
    from phantom_guard.sources import inline_script, read_text

    try:
        parsed = inline_script.parse(path, read_text(path))
    except SourceError as exc:
        raise CommandError(str(exc)) from None
    if parsed is None:
        return False
    for option in parsed.index_options:
        where = f"in the inline metadata of {target}"
        builder.use_index(f"[tool.uv] {option.option}", option.url or None, where)
    for ref in parsed.refs:
        builder.name(ref.name, ref.name, ref.version, ref.source)
    for entry in parsed.skipped:
        builder.skip(entry.spec, entry.reason, entry.source)
    return True


def _tool_spec(builder: PlanBuilder, spec: str) -> None:
    """``ruff``, ``ruff@0.6.0``, ``ruff@latest`` or a PEP 508 requirement."""
    name, at, version = spec.partition("@")
    if at and " " not in spec and "://" not in version:
        if version == "latest":
            pip.add_spec(builder, name)
            return
        if compiled(_TOOL_VERSION).match(version):
            pip.add_spec(builder, f"{name}=={version}")
            return
    pip.add_spec(builder, spec)


def _add(
    builder: PlanBuilder, body: Scan, *, cwd: str | None, read_files: bool, tool: bool = False
) -> None:
    _indexes(builder, body)
    for file in body.values("requirements"):
        pip.read_requirements(builder, file, cwd=cwd, read_files=read_files)
    git = body.values("branch", "tag", "rev")
    for spec in body.positionals:
        if git:
            builder.skip(spec, f"git dependency: {spec}")
        elif body.has("editable"):
            builder.skip(spec, f"editable install: {spec}")
        elif tool:
            _tool_spec(builder, spec)
        else:
            pip.add_spec(builder, spec)


def _with(builder: PlanBuilder, body: Scan, *, cwd: str | None, read_files: bool) -> None:
    """``--with`` packages (comma-separated), ``--with-requirements`` files, ``--with-editable``."""
    _indexes(builder, body)
    for value in body.values("with"):
        for spec in _split_commas(value):
            pip.add_spec(builder, spec)
    for value in body.values("with-editable"):
        builder.skip(value, f"editable install: {value}")
    for file in body.values("with-requirements"):
        pip.read_requirements(builder, file, cwd=cwd, read_files=read_files)


def _indexes(builder: PlanBuilder, body: Scan) -> None:
    for option, value in body.options:
        if option in INDEX_OPTIONS:
            builder.use_index("--" + option, value)


def _split_commas(value: str) -> list[str]:
    """``a,b`` -> two requirements; ``a>=1,<2`` stays one (a comma before a version operator)."""
    parts: list[str] = []
    for piece in value.split(","):
        stripped = piece.strip()
        if parts and (not stripped or stripped[0] in "<>=!~"):
            parts[-1] += "," + piece
        elif stripped:
            parts.append(stripped)
    return parts


def _with_leading(body: Scan, *others: Scan) -> Scan:
    """`body` with the options of the scans before it (uv's global options go anywhere)."""
    leading = tuple(option for other in others for option in other.options)
    return Scan((*leading, *body.options), body.positionals, body.rest, body.unknown)


def _project_dir(body: Scan) -> str:
    found = body.values("directory", "project")
    return found[-1] if found else "."
