"""The library's entry points: validate names, check dependency files.

risk = validate_sync("flask")
report = asyncio.run(check_paths(["requirements.txt"]))
"""

from __future__ import annotations

from collections.abc import Iterable, Sequence
from pathlib import Path
from typing import TYPE_CHECKING

from phantom_guard.detector import Detector
from phantom_guard.errors import InputError, SourceError
from phantom_guard.model import PackageRef, PackageRisk, Registry, Report, Skipped
from phantom_guard.plan import Target, make_ref
from phantom_guard.settings import Settings

if TYPE_CHECKING:
    from phantom_guard.runner import ProgressCallback


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
    report = _local_first([make_ref(name, registry)], settings, honour_ignore=False)
    if report.input_errors:
        raise InputError(report.input_errors[0])
    return report.results[0]


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
    return _local_first(refs, settings, on_progress=on_progress, fail_fast=fail_fast)


def _local_first(
    refs: Sequence[PackageRef],
    settings: Settings | None,
    *,
    on_progress: ProgressCallback | None = None,
    fail_fast: bool = False,
    honour_ignore: bool = True,
) -> Report:
    detector = Detector(settings)
    try:
        planned = detector.plan(refs, honour_ignore=honour_ignore)
        results = [detector.answer_local(target) for target in planned.targets]
    except BaseException:
        detector.close_store()
        raise
    remote = [t for t, risk in zip(planned.targets, results, strict=True) if risk is None]
    threshold = detector.settings.fail_on.threshold
    stopped = fail_fast and any(
        risk is not None and risk.recommendation.severity >= threshold for risk in results
    )
    if not remote or stopped:
        detector.close_store()
        answers = [t.not_checked() for t in remote]
    else:
        answers = _remote(detector, remote, on_progress=on_progress, fail_fast=fail_fast)
    return Report(_fill(results, answers), input_errors=tuple(planned.errors))


def _remote(
    detector: Detector,
    targets: list[Target],
    *,
    on_progress: ProgressCallback | None,
    fail_fast: bool,
) -> list[PackageRisk]:
    """The async pipeline for the names nothing local could answer, in one event loop."""
    import asyncio

    found: list[PackageRisk] = []

    # The coroutine returns nothing: CPython 3.11's asyncio.run formats the result of its main
    # task with repr() on the way out, which for a large list costs more than the run.
    async def go() -> None:
        async with detector:
            found.extend(
                await detector.assess(targets, on_progress=on_progress, fail_fast=fail_fast)
            )

    asyncio.run(go())
    return found


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
        planned = detector.plan(refs)
        results = [detector.answer_local(target) for target in planned.targets]
        remote = [t for t, risk in zip(planned.targets, results, strict=True) if risk is None]
        answers = await detector.assess(remote, on_progress=on_progress, fail_fast=fail_fast)
    return Report(
        _fill(results, answers), skipped=tuple(skipped), input_errors=(*errors, *planned.errors)
    )


def check_files(
    paths: Sequence[str | Path] = (),
    *,
    settings: Settings | None = None,
    registry: Registry | None = None,
    since: str | None = None,
    on_progress: ProgressCallback | None = None,
    fail_fast: bool = False,
) -> Report:
    """`check_paths` for code that is not async, through `check_refs` (the CLI's `check`)."""
    refs, skipped, errors = collect_refs(paths, registry=registry, since=since)
    report = check_refs(refs, settings=settings, on_progress=on_progress, fail_fast=fail_fast)
    return Report(
        report.results, skipped=tuple(skipped), input_errors=(*errors, *report.input_errors)
    )


def _fill(
    results: Sequence[PackageRisk | None], answers: Iterable[PackageRisk]
) -> tuple[PackageRisk, ...]:
    """The local `results` with each gap (None) filled by the next of `answers`, in order."""
    filled = iter(answers)
    return tuple(risk if risk is not None else next(filled) for risk in results)
