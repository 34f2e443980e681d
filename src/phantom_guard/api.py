"""The library's entry points: validate names, check dependency files.

risk = validate_sync("flask")
report = asyncio.run(check_paths(["requirements.txt"]))
"""

from __future__ import annotations

import asyncio
from collections.abc import Iterable, Sequence
from pathlib import Path

from phantom_guard.detector import Detector, make_ref
from phantom_guard.errors import InputError, SourceError
from phantom_guard.model import PackageRef, PackageRisk, Registry, Report, Skipped
from phantom_guard.runner import ProgressCallback
from phantom_guard.settings import Settings


async def validate(
    name: str, registry: Registry | str = Registry.PYPI, *, settings: Settings | None = None
) -> PackageRisk:
    """The verdict on one package name (or Package URL)."""
    async with Detector(settings) as detector:
        return await detector.validate(name, registry)


def validate_sync(
    name: str, registry: Registry | str = Registry.PYPI, *, settings: Settings | None = None
) -> PackageRisk:
    """`validate` for code that is not async; popular and cached names need no event loop."""
    detector = Detector(settings)
    try:
        local = detector.answer_locally([make_ref(name, registry)], honour_ignore=False)
    except BaseException:
        detector.close_store()
        raise
    if local is not None:
        detector.close_store()
        return local.results[0]

    async def go() -> PackageRisk:
        async with detector:
            return await detector.validate(name, registry)

    return asyncio.run(go())


def check_refs(
    refs: Sequence[PackageRef],
    *,
    settings: Settings | None = None,
    on_progress: ProgressCallback | None = None,
    fail_fast: bool = False,
) -> Report:
    """The local-first entry point: allow-listed, popular and cached names are answered without
    an event loop or the HTTP client; only the rest go to the async pipeline. One Report either way.

    Synchronous; used by every command that reads names (validate, check, the install guard,
    the agent hook, the MCP server).
    """
    detector = Detector(settings)
    try:
        local = detector.answer_locally(refs)
    except BaseException:
        detector.close_store()
        raise
    if local is not None:
        detector.close_store()
        return local

    async def go() -> Report:
        async with detector:
            return await detector.check(refs, on_progress=on_progress, fail_fast=fail_fast)

    return asyncio.run(go())


async def validate_many(
    names: Iterable[str],
    registry: Registry | str = Registry.PYPI,
    *,
    settings: Settings | None = None,
    on_progress: ProgressCallback | None = None,
    fail_fast: bool = False,
) -> list[PackageRisk]:
    """Verdicts for many names, one per name in input order, looked up concurrently."""
    async with Detector(settings) as detector:
        return await detector.validate_batch(
            names, registry, on_progress=on_progress, fail_fast=fail_fast
        )


def collect_refs(
    paths: Sequence[str | Path],
    *,
    registry: Registry | None = None,
    since: str | None = None,
) -> tuple[list[PackageRef], list[Skipped], list[str]]:
    """Parse files and directories into refs, skipped entries and per-file errors.

    A directory is searched for dependency files; a file that fails to parse is reported in the
    errors and the others are still read. `registry` overrides the one a file type implies.
    With `since` (a git revision), only dependencies the files did not declare there are kept.
    """
    from phantom_guard.sources import discover, parse_file

    refs: list[PackageRef] = []
    skipped: list[Skipped] = []
    errors: list[str] = []
    files: list[Path] = []
    for given in paths or ["."]:
        path = Path(given)
        if path.is_dir():
            files.extend(discover(path))
        elif path.exists():
            files.append(path)
        else:
            errors.append(f"{path}: no such file or directory")
    files = list(dict.fromkeys(files))
    for file in files:
        try:
            parsed = parse_file(file)
        except SourceError as exc:
            errors.append(str(exc))
            continue
        for ref in parsed.refs:
            refs.append(ref if registry is None else PackageRef(ref.name, registry, ref.source))
        skipped.extend(
            Skipped(spec="", reason=reason, source=source) for source, reason in parsed.skipped
        )
    if since is not None:
        refs = _introduced(refs, files, since, errors)
    return refs, skipped, errors


def _introduced(
    refs: list[PackageRef], files: list[Path], since: str, errors: list[str]
) -> list[PackageRef]:
    from phantom_guard.names import normalize
    from phantom_guard.sources.git import refs_at

    try:
        before = refs_at(since, files)
    except SourceError as exc:
        errors.append(str(exc))
        return refs
    known = set()
    for ref in before:
        try:
            known.add((ref.registry, normalize(ref.name, ref.registry)))
        except InputError:
            continue
    kept = []
    for ref in refs:
        try:
            key = (ref.registry, normalize(ref.name, ref.registry))
        except InputError:
            kept.append(ref)  # the detector reports it as an input error
            continue
        if key not in known:
            kept.append(ref)
    return kept


async def check_paths(
    paths: Sequence[str | Path] = (),
    *,
    settings: Settings | None = None,
    registry: Registry | None = None,
    since: str | None = None,
    on_progress: ProgressCallback | None = None,
    fail_fast: bool = False,
) -> Report:
    """Check every dependency declared in `paths` (files or directories; none = ".").

    With `since` (a git revision), only the dependencies added relative to it are checked.
    """
    refs, skipped, errors = collect_refs(paths, registry=registry, since=since)
    async with Detector(settings) as detector:
        report = await detector.check(refs, on_progress=on_progress, fail_fast=fail_fast)
    return Report(
        report.results,
        skipped=tuple(skipped),
        input_errors=(*errors, *report.input_errors),
    )
