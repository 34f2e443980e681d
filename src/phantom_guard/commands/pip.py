"""pip: ``pip install|download|wheel|lock`` and ``python -m pip``.

pip's user guide: "pip install [options] <requirement specifier> ... | -r <requirements file> |
[-e] <vcs project url> | [-e] <local project path> | <archive url/path>". Specifiers are PEP 508;
paths, URLs, VCS and editables name no registry package and are skipped. pip's parser is optparse:
long options may be abbreviated to a unique prefix and short flags written together (``-qU``).
"""

from __future__ import annotations

import os

from phantom_guard.commands._options import Scan, scan, table
from phantom_guard.commands._plan import CommandPlan, PlanBuilder
from phantom_guard.commands._words import PIP_INSTALLING
from phantom_guard.errors import CommandError, SourceError
from phantom_guard.lazyre import compiled
from phantom_guard.model import Registry
from phantom_guard.names import is_pep508_name

TYPE_CHECKING = False  # typing.TYPE_CHECKING, without importing typing on the start-up path
if TYPE_CHECKING:
    from collections.abc import Sequence

#: pip's general options (``pip --help``), valid before and after the subcommand.
GENERAL = table(
    values=[
        "--python",
        "--log --log-file --local-log",
        "--proxy",
        "--retries",
        "--timeout",
        "--exists-action",
        "--trusted-host",
        "--cert",
        "--client-cert",
        "--cache-dir",
        "--use-feature",
        "--use-deprecated",
        "--resume-retries",
        "--keyring-provider",
    ],
    flags=[
        "-h --help",
        "--debug",
        "--isolated",
        "--require-virtualenv",
        "-v --verbose",
        "-V --version",
        "-q --quiet",
        "--no-input",
        "--no-color",
        "--no-cache-dir",
        "--disable-pip-version-check",
        "--no-python-version-warning",
    ],
    abbreviations=True,
)

#: ``pip install|download|wheel|lock`` options (pip's cmdoptions).
INSTALL = GENERAL.merged(
    table(
        values=[
            "-r --requirement",
            "-c --constraint",
            "-e --editable",
            "-t --target",
            "-d --dest --destination-dir --download",
            "-w --wheel-dir",
            "-o --output",
            "--platform",
            "--python-version",
            "--implementation",
            "--abi",
            "--root",
            "--prefix",
            "--src --source --source-dir --source-directory",
            "--upgrade-strategy",
            "--global-option",
            "--build-option",
            "-C --config-settings",
            "--no-binary",
            "--only-binary",
            "--progress-bar",
            "--root-user-action",
            "--report",
            "-i --index-url",
            "--extra-index-url",
            "-f --find-links",
            "--group",
            "--install-option",
        ],
        flags=[
            "--dry-run",
            "--user",
            "-U --upgrade",
            "--force-reinstall",
            "-I --ignore-installed",
            "--ignore-requires-python",
            "--no-build-isolation",
            "--use-pep517",
            "--no-use-pep517",
            "--check-build-dependencies",
            "--break-system-packages",
            "--compile",
            "--no-compile",
            "--no-warn-script-location",
            "--no-warn-conflicts",
            "--prefer-binary",
            "--require-hashes",
            "--pre",
            "--no-deps",
            "--no-index",
            "--no-clean",
            "--no-build",
        ],
        abbreviations=True,
    )
)

#: Subcommands that fetch packages from an index (``lock`` and ``download`` build sdists, which
#: runs their code as surely as ``install`` does).
INSTALLING = PIP_INSTALLING

INDEX_OPTIONS = frozenset({"index-url", "extra-index-url", "find-links", "no-index"})

# ``name==1.2`` (or ``===``), without wildcard: the one exact version a specifier asks for.
_EXACT = r"^\s*([A-Za-z0-9][A-Za-z0-9._-]*)\s*(?:\[[^\]]*\])?\s*===?\s*([^\s,;*]+)\s*$"
# The common case, read without the PEP 508 parser (and its import): ``name``, ``name[extra]``,
# ``name==1.2``, ``name>=1,<2``. Anything else (markers, URLs, paths) goes to the full parser.
# A bare name, the commonest of all, is told by `is_pep508_name` without `re`.
_CLAUSE = r"\s*(===?|~=|!=|<=|>=|<|>)\s*([A-Za-z0-9.*+!_-]+)"
_SIMPLE = (
    r"([A-Za-z0-9](?:[A-Za-z0-9._-]*[A-Za-z0-9])?)\s*(?:\[[A-Za-z0-9._,\s-]*\])?"
    rf"(?:{_CLAUSE}(?:\s*,{_CLAUSE})*)?\s*\Z"
)

# pip reads a name ending like an archive as a file name (pip's ARCHIVE_EXTENSIONS).
_ARCHIVE_ENDINGS = (
    ".whl",
    ".zip",
    ".tar",
    ".gz",
    ".tgz",
    ".bz2",
    ".tbz",
    ".xz",
    ".txz",
    ".lz",
    ".tlz",
    ".lzma",
)
# Interpreter options that take a value (``python -X utf8 -m pip``, ``-W ignore``).
_PYTHON_VALUES = frozenset({"-X", "-W", "-Q"})


def parse(program: str, args: Sequence[str], *, cwd: str | None, read_files: bool) -> CommandPlan:
    """A ``pip ARGS`` command line (pip, pip3, pip3.12)."""
    head = scan(args, GENERAL, stop_after=1, commands=PIP_INSTALLING)
    if not head.positionals:
        return CommandPlan(manager="pip", registry=Registry.PYPI, installs=False)
    subcommand = head.positionals[0]
    builder = PlanBuilder("pip", Registry.PYPI, subcommand)
    if subcommand not in INSTALLING:
        return builder.build(installs=False)
    body = scan(head.rest, INSTALL)
    add_install(builder, body, cwd=cwd, read_files=read_files)
    return builder.build()


def parse_python(
    program: str, args: Sequence[str], *, cwd: str | None, read_files: bool
) -> CommandPlan:
    """``python [interpreter options] -m pip ARGS``; any other module or script installs nothing."""
    index = 0
    while index < len(args):
        token = args[index]
        index += 1
        if token == "-m":
            if index < len(args) and args[index] == "pip":
                return parse("pip", args[index + 1 :], cwd=cwd, read_files=read_files)
            break
        if token.startswith("-m"):
            if token[2:] == "pip":
                return parse("pip", args[index:], cwd=cwd, read_files=read_files)
            break
        if token in _PYTHON_VALUES:
            index += 1
            continue
        if not token.startswith("-") or token in {"-c", "-"}:
            break
    return CommandPlan(manager="python", registry=Registry.PYPI, installs=False)


def add_install(
    builder: PlanBuilder,
    body: Scan,
    *,
    cwd: str | None,
    read_files: bool,
    index_options: frozenset[str] = INDEX_OPTIONS,
) -> None:
    """The names an install-style command line asks for: specifiers, ``-r``/``-c`` files,
    ``-e`` (skipped); index options make every name private.
    """
    for option, value in body.options:
        if option in index_options:
            builder.use_index("--" + option, value)
    for option, value in body.options:
        if value is None:
            continue
        if option == "editable":
            builder.skip(value, f"editable install: {value}")
        elif option in {"requirement", "requirements", "constraint", "constraints"}:
            read_requirements(builder, value, cwd=cwd, read_files=read_files)
    for spec in body.positionals:
        add_spec(builder, spec)


def add_spec(builder: PlanBuilder, spec: str) -> None:
    """One pip requirement on the command line: a name to check, or a skipped path/URL."""
    bare = spec.strip()
    if is_pep508_name(bare) and not bare.lower().endswith(_ARCHIVE_ENDINGS):
        builder.name(spec, bare, None)
        return
    simple = compiled(_SIMPLE).match(bare)
    if simple is not None and not simple.group(1).lower().endswith(_ARCHIVE_ENDINGS):
        operator, version = simple.group(2), simple.group(3)
        one_clause = simple.group(4) is None
        exact = operator in ("==", "===") and one_clause and "*" not in version
        builder.name(spec, simple.group(1), version if exact else None)
        return
    from phantom_guard.sources.requirements import Skip, pip_requirement_name

    try:
        named = pip_requirement_name(spec)
    except ValueError as exc:
        raise CommandError(str(exc)) from None
    if isinstance(named, Skip):
        builder.skip(spec, named.reason)
        return
    pinned = compiled(_EXACT).match(spec)
    builder.name(spec, named, pinned.group(2) if pinned else None)


def read_requirements(
    builder: PlanBuilder, file: str, *, cwd: str | None, read_files: bool
) -> None:
    """Every name a ``-r``/``-c`` file names, through the requirements-file parser."""
    from phantom_guard.sources import requirements

    builder.requirement_files.append(file)
    if not read_files:
        return
    if file == "-" or "://" in file:
        builder.skip(file, f"requirements not read from a file: {file}")
        return
    from pathlib import Path

    from phantom_guard.sources import read_text

    path = Path(file) if cwd is None or os.path.isabs(file) else Path(cwd, file)
    try:
        parsed = requirements.parse(path, read_text(path))
    except SourceError as exc:
        raise CommandError(str(exc)) from None
    builder.index_options.extend(parsed.index_options)
    for ref in parsed.refs:
        builder.name(ref.name, ref.name, ref.version, ref.source)
    for entry in parsed.skipped:
        builder.skip(entry.spec, entry.reason, entry.source)
