"""``phantom-guard mcp``: the checks as an MCP server on stdio (the optional extra
``phantom-guard[mcp]``, the official SDK; imported only by this subcommand).

Named ``mcp_server`` so that ``import mcp`` inside it finds the SDK, not this module. Each tool
is a plain library call: ``check_packages`` (`api.check_refs`), ``check_install_command`` (the
agent hook's engine) and ``check_dependency_file`` (`api.collect_refs`, confined to the working
directory). Results are the JSON contract's result objects, one per input; a name that could
not be verified is an ERROR result, never a protocol error and never SAFE.
"""

from __future__ import annotations

from pathlib import Path
from typing import Annotated, Any, Literal

import anyio.to_thread
from mcp.server.mcpserver import MCPServer
from pydantic import BaseModel, Field

from phantom_guard._version import __version__
from phantom_guard.model import PackageRef, PackageRisk, Recommendation, Registry, Report

INSTALL_LINE = "pip install 'phantom-guard[mcp]'"
INSTRUCTIONS = (
    "phantom-guard checks package names against their registries (PyPI, npm, crates) for "
    "names that do not exist (AI hallucinations), typosquats, fresh placeholders and known "
    "malware. Before running ANY command that installs packages (pip, uv, npm, npx, pnpm, "
    "yarn, cargo, ...), call check_install_command with the exact command line. Before adding "
    "a dependency to a file, call check_packages, or check_dependency_file after the edit. Do "
    "not install a package whose recommendation is NOT_FOUND or HIGH_RISK; treat ERROR as "
    "unverified (never as safe) and ask the user; mention SUSPICIOUS results to the user."
)
MAX_PACKAGES = 100


class SignalObject(BaseModel):
    """One signal of a result (JSON contract, DESIGN.md §3)."""

    kind: str
    weight: float
    message: str
    evidence: dict[str, str | int | float | bool | None]


class SourceObject(BaseModel):
    """Where a name was declared."""

    file: str
    line: int | None
    version: str | None


class ResultObject(BaseModel):
    """One result object of the JSON contract (DESIGN.md §3)."""

    name: str
    normalized_name: str
    registry: str
    purl: str
    recommendation: Literal["SAFE", "SUSPICIOUS", "HIGH_RISK", "NOT_FOUND", "ERROR"]
    risk_score: float
    exists: bool | None
    signals: list[SignalObject]
    suggestion: str | None
    sources: list[SourceObject]
    cached: bool
    error: str | None


class PackageSpec(BaseModel):
    """A package to check."""

    name: str = Field(description="The package name, as it would be installed.")
    registry: Literal["pypi", "npm", "crates"] = Field(description="Its registry.")
    version: str | None = Field(default=None, description="An exact version, if one is meant.")


class PackagesAnswer(BaseModel):
    """One result per package asked about, in the order asked."""

    results: list[ResultObject]


class CommandAnswer(BaseModel):
    """The agent hook's judgement of a command: block, suspicious, error or nothing."""

    decision: Literal["nothing", "suspicious", "error", "block"]
    reason: str
    results: list[ResultObject]
    problems: list[str]


class FileAnswer(BaseModel):
    """The results for the names a dependency file declares (with `since`: added since)."""

    results: list[ResultObject]
    skipped: list[dict[str, str | int | None]]
    errors: list[str]


def _result(risk: PackageRisk) -> ResultObject:
    from phantom_guard.report.json import result_object

    return ResultObject.model_validate(result_object(risk))


def _error_result(name: str, registry: Registry, message: str) -> ResultObject:
    from phantom_guard.model import NormalizedName

    risk = PackageRisk(
        name=name,
        normalized_name=NormalizedName(name),
        registry=registry,
        recommendation=Recommendation.ERROR,
        risk_score=0.0,
        exists=None,
        error=message,
    )
    return _result(risk)


def check_packages_sync(packages: list[PackageSpec], cwd: Path) -> PackagesAnswer:
    """Check each package; the answer holds one result per input, duplicates included."""
    from phantom_guard.api import check_refs
    from phantom_guard.errors import InputError, PhantomGuardError
    from phantom_guard.names import normalize
    from phantom_guard.settings import Settings

    refs = [PackageRef(p.name, Registry(p.registry), version=p.version) for p in packages]
    keys: list[tuple[Registry, str] | str] = []
    for ref in refs:
        try:
            keys.append((ref.registry, normalize(ref.name, ref.registry)))
        except InputError as exc:
            keys.append(str(exc))
    valid = [ref for ref, key in zip(refs, keys, strict=True) if not isinstance(key, str)]
    found: dict[tuple[Registry, str], PackageRisk] = {}
    failure = None
    if valid:
        try:
            report = check_refs(valid, settings=Settings.load(cwd))
        except PhantomGuardError as exc:
            failure = str(exc)
        else:
            found = {(r.registry, r.normalized_name): r for r in report.results}
    results = []
    for ref, key in zip(refs, keys, strict=True):
        if isinstance(key, str):
            results.append(_error_result(ref.name, ref.registry, key))
        elif key in found:
            results.append(_result(found[key]))
        else:
            why = failure or "not checked (ignored by the configuration)"
            results.append(_error_result(ref.name, ref.registry, why))
    return PackagesAnswer(results=results)


def check_install_command_sync(command: str, cwd: Path) -> CommandAnswer:
    """The agent hook's engine on one command line."""
    from phantom_guard.hooks.engine import judge_command

    judgement = judge_command(command, cwd)
    report = judgement.report
    return CommandAnswer(
        decision=judgement.verdict,  # type: ignore[arg-type]  # one of the four
        reason=judgement.reason,
        results=[_result(r) for r in report.results] if report is not None else [],
        problems=list(judgement.problems),
    )


def check_dependency_file_sync(path: str, since: str | None, root: Path) -> FileAnswer:
    """Check a dependency file (or directory) inside `root`."""
    from phantom_guard.api import check_refs, collect_refs
    from phantom_guard.errors import PhantomGuardError
    from phantom_guard.report.json import skipped_object
    from phantom_guard.settings import Settings

    target = (root / path).resolve()
    if not target.is_relative_to(root.resolve()):
        return FileAnswer(results=[], skipped=[], errors=[f"{path}: outside the working directory"])
    refs, skipped, errors = collect_refs([target], since=since)
    results: list[ResultObject] = []
    if refs:
        try:
            report: Report = check_refs(refs, settings=Settings.load(root))
        except PhantomGuardError as exc:
            errors.append(str(exc))
        else:
            results = [_result(r) for r in report.results]
            errors.extend(report.input_errors)
    return FileAnswer(results=results, skipped=[skipped_object(s) for s in skipped], errors=errors)


def build(root: Path | None = None) -> MCPServer[Any]:
    """The server, its tools bound to `root` (default: the working directory)."""
    base = (root or Path.cwd()).resolve()
    server: MCPServer[Any] = MCPServer(
        "phantom-guard", version=__version__, instructions=INSTRUCTIONS
    )

    @server.tool()
    async def check_packages(
        packages: Annotated[list[PackageSpec], Field(min_length=1, max_length=MAX_PACKAGES)],
    ) -> PackagesAnswer:
        """Check 1-100 package names on their registries before adding or installing them.

        NOT_FOUND and HIGH_RISK: do not install. ERROR: could not verify, never safe.
        """
        if not 1 <= len(packages) <= MAX_PACKAGES:
            raise ValueError(f"give between 1 and {MAX_PACKAGES} packages")
        return await anyio.to_thread.run_sync(check_packages_sync, packages, base)

    @server.tool()
    async def check_install_command(command: str, cwd: str | None = None) -> CommandAnswer:
        """Check a shell command before running it: what would it install, and is any of it
        hallucinated, typosquatted or malicious? decision "block" means do not run it.
        """
        where = base if cwd is None else (base / cwd).resolve()
        if not where.is_relative_to(base):
            problem = f"{cwd}: outside the working directory"
            return CommandAnswer(decision="error", reason=problem, results=[], problems=[problem])
        return await anyio.to_thread.run_sync(check_install_command_sync, command, where)

    @server.tool()
    async def check_dependency_file(path: str, since: str | None = None) -> FileAnswer:
        """Check the dependencies a file in the working directory declares (requirements.txt,
        pyproject.toml, package.json, Cargo.toml, lock files); with `since` (a git revision)
        only those added since then.
        """
        return await anyio.to_thread.run_sync(check_dependency_file_sync, path, since, base)

    return server


def serve() -> None:
    """Run the server on stdio until the client disconnects."""
    build().run("stdio")
