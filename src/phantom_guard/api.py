"""The library's entry points: validate names, check dependency files.

risk = validate_sync("flask")
report = asyncio.run(check_paths(["requirements.txt"]))
"""

from __future__ import annotations

import os
from collections.abc import Iterable, Sequence
from dataclasses import replace
from pathlib import Path
from typing import TYPE_CHECKING

from phantom_guard.detector import Detector
from phantom_guard.errors import InputError, SourceError
from phantom_guard.model import PackageRef, PackageRisk, Registry, Report, Skipped
from phantom_guard.plan import Target, make_ref
from phantom_guard.settings import Settings, Weakening

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
    config = tuple(str(path) for path in detector.settings.config_files)
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
    report = Report(_fill(results, answers), input_errors=tuple(planned.errors), config=config)
    return detector.finish(report)


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
    follow_outside: bool = False,
) -> tuple[list[PackageRef], list[Skipped], list[str]]:
    """Parse files and directories into refs, skipped entries and per-file errors.

    A directory is searched for dependency files; a file that fails to parse is reported in the
    errors and the others are still read. `registry` overrides the one a file type implies.
    With `since` (a git revision), only dependencies the files did not declare there are kept.
    Only regular files inside each path's tree (its repository) are read, unless
    `follow_outside`.
    """
    from phantom_guard.files import scan_root, shown
    from phantom_guard.sources import DiskReader, discover, format_of, parse_file, reading_from

    refs: list[PackageRef] = []
    skipped: list[Skipped] = []
    errors: list[str] = []
    files: dict[Path, Path] = {}  # file -> the tree it may read in
    for given in paths or ["."]:
        path = Path(given)
        root = scan_root(path)
        if path.is_dir() and format_of(path) is not None:
            errors.append(f"{shown(path)}: refused: not a regular file (a directory)")
        elif path.is_dir():
            try:
                for found in discover(path):
                    files.setdefault(found, root)
            except RecursionError:  # a recursive walk on a hostile tree: refused, not a crash
                errors.append(f"{shown(path)}: refused: directories nested too deeply to search")
        elif os.path.lexists(path):
            files.setdefault(path, root)
        else:
            errors.append(f"{shown(path)}: no such file or directory")
    for file, root in files.items():
        try:
            with reading_from(DiskReader(root, follow_outside=follow_outside)):
                parsed = parse_file(file)
        except SourceError as exc:
            errors.append(str(exc))
            continue
        for ref in parsed.refs:
            refs.append(
                ref if registry is None else PackageRef(ref.name, registry, ref.source, ref.version)
            )
        skipped.extend(
            Skipped(spec="", reason=reason, source=source) for source, reason in parsed.skipped
        )
    if since is not None:
        refs = _introduced(refs, list(files), since, errors)
    return refs, skipped, errors


def _introduced(
    refs: list[PackageRef], files: list[Path], since: str, errors: list[str]
) -> list[PackageRef]:
    from phantom_guard.sources.git import refs_at

    try:
        before = refs_at(since, files)
    except SourceError as exc:
        errors.append(str(exc))
        return refs
    return added_refs(refs, before)


def added_refs(now: Iterable[PackageRef], before: Iterable[PackageRef]) -> list[PackageRef]:
    """The refs of `now` whose (registry, normalized name) `before` does not declare.

    What a change introduces: ``check --since`` compares files with a git revision, the agent
    hook compares a dependency file with the same file after an edit.
    """
    from phantom_guard.names import normalize

    known = set()
    for ref in before:
        try:
            known.add((ref.registry, normalize(ref.name, ref.registry)))
        except InputError:
            continue
    kept = []
    for ref in now:
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

    With `since` (a git revision), only the dependencies added relative to it are checked,
    under the repository config as it was there; what the change adds to its allow, ignore or
    private lists is a CONFIG_WEAKENED finding of its own.
    """
    settings = _settings_for(settings, since)
    refs, skipped, errors = collect_refs(
        paths, registry=registry, since=since, follow_outside=settings.follow_outside
    )
    async with Detector(settings) as detector:
        planned = detector.plan(refs)
        results = [detector.answer_local(target) for target in planned.targets]
        remote = [t for t, risk in zip(planned.targets, results, strict=True) if risk is None]
        answers = await detector.assess(remote, on_progress=on_progress, fail_fast=fail_fast)
    report = detector.finish(Report(_fill(results, answers), input_errors=tuple(planned.errors)))
    return _with_inputs(report, settings, since, skipped, errors)


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
    settings = _settings_for(settings, since)
    refs, skipped, errors = collect_refs(
        paths, registry=registry, since=since, follow_outside=settings.follow_outside
    )
    report = check_refs(refs, settings=settings, on_progress=on_progress, fail_fast=fail_fast)
    return _with_inputs(report, settings, since, skipped, errors)


def _settings_for(settings: Settings | None, since: str | None) -> Settings:
    """The given settings, else the config files as they were at `since` (or are now)."""
    if settings is not None:
        return settings
    if since is not None:
        from phantom_guard.sources.git import settings_at

        return settings_at(since)
    return Settings.load()


def _with_inputs(
    report: Report,
    settings: Settings,
    since: str | None,
    skipped: Sequence[Skipped],
    errors: Sequence[str],
) -> Report:
    """A check's report with the files' skipped entries and errors, the config files read, and
    with `since` the CONFIG_WEAKENED findings of the change.
    """
    results = report.results
    if since is not None and settings.config_weakened:
        results = _with_weakened(results, settings.config_weakened)
    return Report(
        results,
        skipped=tuple(skipped),
        input_errors=(*errors, *report.input_errors),
        config=tuple(str(path) for path in settings.config_files),
        feeds=report.feeds,
    )


def _fill(
    results: Sequence[PackageRisk | None], answers: Iterable[PackageRisk]
) -> tuple[PackageRisk, ...]:
    """The local `results` with each gap (None) filled by the next of `answers`, in order."""
    filled = iter(answers)
    return tuple(risk if risk is not None else next(filled) for risk in results)


def _with_weakened(
    results: tuple[PackageRisk, ...], weakenings: Sequence[Weakening]
) -> tuple[PackageRisk, ...]:
    """`results` with a CONFIG_WEAKENED finding per entry the change added to allow, ignore or
    private: on the name's own result when it has one, else as a result of its own.
    """
    from contextlib import suppress

    from phantom_guard.detect.score import risk_score, signal
    from phantom_guard.files import shown
    from phantom_guard.model import NormalizedName, PackageRisk, Recommendation, SignalKind, Source
    from phantom_guard.names import normalize, parse_purl

    by_key = {(r.registry, r.normalized_name): r for r in results}
    order = list(by_key)
    for weakening in weakenings:
        registry, name = Registry.PYPI, weakening.entry
        if name.startswith("pkg:"):
            with suppress(InputError):
                registry, name = parse_purl(name)
        try:
            normalized = normalize(name, registry)
        except InputError:
            normalized = NormalizedName(name)  # a glob (private) or a name no registry allows
        file = os.path.relpath(weakening.file) if weakening.file.is_absolute() else weakening.file
        where = f"{shown(file)}:{weakening.line}" if weakening.line else shown(file)
        found = signal(
            SignalKind.CONFIG_WEAKENED,
            f"{where}: this change adds {shown(weakening.entry)!r} to {weakening.key}; "
            "it is not applied until the change is reviewed",
            key=weakening.key,
            entry=weakening.entry,
        )
        source = Source(str(file), weakening.line)
        key = (registry, normalized)
        old = by_key.get(key)
        if old is None:
            by_key[key] = PackageRisk(
                name=name,
                normalized_name=normalized,
                registry=registry,
                recommendation=Recommendation.SUSPICIOUS,
                risk_score=risk_score([found]),
                exists=None,
                signals=(found,),
                sources=(source,),
            )
            order.append(key)
            continue
        signals = (*old.signals, found)
        recommendation = old.recommendation
        if recommendation is Recommendation.SAFE:  # an ERROR stays one: it was not verified
            recommendation = Recommendation.SUSPICIOUS
        by_key[key] = replace(
            old,
            recommendation=recommendation,
            risk_score=max(old.risk_score, risk_score([found])),
            signals=signals,
            sources=(*old.sources, source),
        )
    return tuple(by_key[key] for key in order)
