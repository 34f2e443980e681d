"""The library's entry points: validate names, check dependency files.

risk = validate_sync("flask")
report = asyncio.run(check_paths(["requirements.txt"]))
"""

from __future__ import annotations

import os

from phantom_guard.detector import Detector
from phantom_guard.errors import InputError, SourceError
from phantom_guard.model import PackageRef, PackageRisk, Registry, Report, Skipped
from phantom_guard.plan import Target, make_ref
from phantom_guard.records import field, record, replace
from phantom_guard.settings import Settings, Weakening

TYPE_CHECKING = False  # typing.TYPE_CHECKING, without importing typing on the start-up path
if TYPE_CHECKING:
    from collections.abc import Iterable, Sequence

    from phantom_guard.commands import CommandPlan
    from phantom_guard.runner import ProgressCallback
    from phantom_guard.settings import StrPath
    from phantom_guard.sources import IndexOption
    from phantom_guard.sources.indexes import IndexPolicy, Triage

#: A ref and the host it is fetched from.
_Routed = tuple[PackageRef, str]


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
    the agent hook, the MCP server). Names the ``private`` setting covers are never looked up:
    they come back in the report's ``skipped``.
    """
    held: tuple[Skipped, ...] = ()
    if settings is None:
        settings = Settings.load()
    if settings.private:
        from phantom_guard.sources.indexes import IndexPolicy

        triage = IndexPolicy(private=settings.private).triage(
            [replace(ref, index=None) for ref in refs]
        )
        held = tuple(triage.skipped)
        refs = triage.check
    report = _local_first(refs, settings, on_progress=on_progress, fail_fast=fail_fast)
    return replace(report, skipped=(*report.skipped, *held)) if held else report


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
        planned, results, remote = detector.answer_what_is_local(refs, honour_ignore=honour_ignore)
    except BaseException:
        detector.close_store()
        raise
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
    paths: Sequence[StrPath],
    *,
    registry: Registry | None = None,
    since: str | None = None,
    follow_outside: bool = False,
    exclude: Sequence[str] = (),
) -> tuple[list[PackageRef], list[Skipped], list[str]]:
    """Parse files and directories into refs, skipped entries and per-file errors.

    A directory is searched for dependency files (leaving out `exclude` globs and, in a git work
    tree, files git ignores); a file that fails to parse is reported in the errors and the
    others are still read. `registry` overrides the one a file type implies. With `since` (a git
    revision), only dependencies the files did not declare there are kept. Only regular files
    inside each path's tree (its repository) are read, unless `follow_outside`.
    """
    found = _collect(
        paths, registry=registry, since=since, follow_outside=follow_outside, exclude=exclude
    )
    return found.refs, found.skipped, found.errors


@record(frozen=False)
class _Collected:
    refs: list[PackageRef] = field(default_factory=list)
    skipped: list[Skipped] = field(default_factory=list)
    errors: list[str] = field(default_factory=list)
    #: The files read, as `files.normal_path` spells them.
    files: list[str] = field(default_factory=list)
    #: Every ref, before `since` keeps only the introduced ones.
    all_refs: list[PackageRef] = field(default_factory=list)
    #: Index options of requirements files, by the file each ref was declared in.
    options: dict[str, tuple[IndexOption, ...]] = field(default_factory=dict)


def _collect(
    paths: Sequence[StrPath],
    *,
    registry: Registry | None,
    since: str | None,
    follow_outside: bool,
    exclude: Sequence[str],
) -> _Collected:
    from phantom_guard.files import normal_path, scan_root, shown
    from phantom_guard.sources import (
        DiskReader,
        discover,
        exclude_hint,
        format_of,
        parse_file,
        reading_from,
    )

    out = _Collected()
    # file -> (its tree, the folder scanned). Paths as strings: a file named on the command
    # line (a hook's, a CI step's) is read without importing pathlib.
    files: dict[str, tuple[str, str | None]] = {}
    for given in paths or ["."]:
        path = normal_path(given)
        root = scan_root(path)
        if os.path.isdir(path) and format_of(path, explicit=False) is not None:
            out.errors.append(f"{shown(path)}: refused: not a regular file (a directory)")
        elif os.path.isdir(path):
            for found in discover(path, exclude=exclude):
                files.setdefault(str(found), (root, path))
        elif os.path.lexists(path):
            files.setdefault(path, (root, None))
        else:
            out.errors.append(f"{shown(path)}: no such file or directory")
    out.files = list(files)
    for file, (root, scanned) in files.items():
        try:
            with reading_from(DiskReader(root, follow_outside=follow_outside)):
                parsed = parse_file(file)
        except SourceError as exc:
            hint = exclude_hint(file, scanned) if scanned is not None else None
            out.errors.append(f"{exc} (to leave it out: --exclude {hint})" if hint else str(exc))
            continue
        for ref in parsed.refs:
            out.refs.append(ref if registry is None else replace(ref, registry=registry))
            if parsed.index_options and ref.source is not None:
                out.options[ref.source.file] = parsed.index_options
        out.skipped.extend(parsed.skipped)
    out.all_refs = out.refs
    if since is not None:
        out.refs = _introduced(out.refs, out.files, since, out.errors)
    return out


def _introduced(
    refs: list[PackageRef], files: list[str], since: str, errors: list[str]
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
    paths: Sequence[StrPath] = (),
    *,
    settings: Settings | None = None,
    registry: Registry | None = None,
    since: str | None = None,
    on_progress: ProgressCallback | None = None,
    fail_fast: bool = False,
    exclude: Sequence[str] = (),
    check_public_claims: bool = False,
) -> Report:
    """Check every dependency declared in `paths` (files or directories; none = ".").

    With `since` (a git revision), only the dependencies added relative to it are checked,
    under the repository config as it was there; what the change adds to its allow, ignore or
    private lists is a CONFIG_WEAKENED finding of its own. Names a private index serves (by the
    package managers' own configuration, or the ``private`` setting) are never looked up
    publicly: they are reported as skipped. With `check_public_claims`, names exposed to
    dependency confusion are looked up publicly, which discloses them to the public registry by
    design.
    """
    settings = _settings_for(settings, since)
    prepared = _prepare(
        paths,
        settings,
        registry=registry,
        since=since,
        exclude=exclude,
        check_public_claims=check_public_claims,
    )
    async with Detector(settings) as detector:
        planned, results, remote = detector.answer_what_is_local(prepared.to_check)
        answers = await detector.assess(remote, on_progress=on_progress, fail_fast=fail_fast)
    report = detector.finish(Report(_fill(results, answers), input_errors=tuple(planned.errors)))
    return _with_inputs(_finish_origin(report, prepared, settings), settings, since, prepared)


def check_files(
    paths: Sequence[StrPath] = (),
    *,
    settings: Settings | None = None,
    registry: Registry | None = None,
    since: str | None = None,
    on_progress: ProgressCallback | None = None,
    fail_fast: bool = False,
    exclude: Sequence[str] = (),
    check_public_claims: bool = False,
) -> Report:
    """`check_paths` for code that is not async, local-first (the CLI's `check`)."""
    settings = _settings_for(settings, since)
    prepared = _prepare(
        paths,
        settings,
        registry=registry,
        since=since,
        exclude=exclude,
        check_public_claims=check_public_claims,
    )
    # `_prepare` has sorted private names out already: straight to the local-first run.
    report = _local_first(prepared.to_check, settings, on_progress=on_progress, fail_fast=fail_fast)
    return _with_inputs(_finish_origin(report, prepared, settings), settings, since, prepared)


@record(frozen=False)
class _Prepared:
    """What a scan found, sorted by private-index awareness, before any lookup."""

    found: _Collected
    triage: Triage
    to_check: list[PackageRef]
    skipped: list[Skipped]
    notices: list[str]
    exposed: list[_Routed]
    rerouted: list[_Routed]
    added: dict[str, str]
    claims: bool


def _prepare(
    paths: Sequence[StrPath],
    settings: Settings,
    *,
    registry: Registry | None,
    since: str | None,
    exclude: Sequence[str],
    check_public_claims: bool,
) -> _Prepared:
    """Parse, then sort the refs: public lookups, private skips, local-only names (a private
    primary index), FOREIGN_SOURCE and exposure candidates. Synchronous, no network.
    """
    from phantom_guard.sources import indexes

    found = _collect(
        paths,
        registry=registry,
        since=since,
        follow_outside=settings.follow_outside,
        exclude=(*settings.exclude, *exclude),
    )
    policy = index_policy(found.files, settings)
    for options in dict.fromkeys(found.options.values()):
        indexes.note_requirements_options(policy, options)
    triage = policy.triage(found.refs, found.options)
    skipped = [*found.skipped, *triage.skipped]
    rerouted: list[_Routed] = []
    added: dict[str, str] = {}
    if since is not None:
        rerouted, added = _rerouted(found, policy, since)
        moved = {id(ref.source) for ref, _ in rerouted}
        skipped = [entry for entry in skipped if id(entry.source) not in moved]
    to_check = list(triage.check)
    answered, held, notices = _local_only(triage, settings)
    to_check.extend(answered)
    skipped.extend(held)
    exposed = [(item.ref, item.index.exposure or "") for item in triage.exposed]
    if check_public_claims:
        to_check.extend(ref for ref, _ in exposed)
    return _Prepared(
        found, triage, to_check, skipped, notices, exposed, rerouted, added, check_public_claims
    )


def index_policy(files: Sequence[StrPath], settings: Settings) -> IndexPolicy:
    """Which names a private index serves, from the package managers' own configuration for
    `files` (their folders' .npmrc, pyproject sources, Cargo config; pip.conf and ``PIP_*``).
    """
    from phantom_guard.sources import indexes

    return indexes.load(
        files,
        indexes.Environment.current(),
        public=indexes.public_bases(settings.pypi_url, settings.npm_url, settings.crates_url),
        private=settings.private,
    )


def private_triage(
    refs: Sequence[PackageRef],
    files: Sequence[StrPath],
    settings: Settings,
    options: Sequence[IndexOption] = (),
) -> tuple[list[PackageRef], list[Skipped], list[str]]:
    """`refs` sorted by `index_policy` as `check` sorts a file's: (to look up, skipped as
    private, notices). `options` (a requirements file's ``--index-url`` …) apply to every ref,
    as pip applies them to the whole command. The install guard's names go through here:
    never looked up publicly when a configured private index serves them.
    """
    from phantom_guard.sources import indexes

    policy = index_policy(files, settings)
    indexes.note_requirements_options(policy, options)
    where = {ref.source.file if ref.source else "": tuple(options) for ref in refs}
    triage = policy.triage(refs, where)
    answered, held, notices = _local_only(triage, settings)
    return [*triage.check, *answered], [*triage.skipped, *held], notices


#: The manifest whose folder holds a manager's project configuration (.npmrc, pyproject
#: sources, .cargo/config.toml) for the names given on its command line.
_MANIFEST = {
    Registry.NPM: "package.json",
    Registry.PYPI: "pyproject.toml",
    Registry.CRATES: "Cargo.toml",
}


def command_refs(
    plan: CommandPlan, settings: Settings
) -> tuple[list[PackageRef], list[Skipped], list[str]]:
    """The names a package-manager command gives, sorted by the package managers' own index
    configuration (pip.conf, ``PIP_*``, uv and Poetry sources, .npmrc / .yarnrc.yml scopes, Cargo
    registries) as `check` sorts a file's: (to check, skipped, notices); a name a private index
    serves is skipped, never looked up. Shared by the install guard and the agent hook.
    """
    if not plan.refs:
        return [], list(plan.skipped), []
    # Only a lookup can disclose a name: the popular and allow-listed names are answered from
    # the shipped lists whatever index serves them (check answers them so behind a private
    # primary index too), and reading every package manager's configuration costs ~40 ms.
    detector = Detector(settings)
    try:
        local = [ref for ref in plan.refs if detector.name_verdict(ref) is not None]
    finally:
        detector.close_store()
    unknown = [ref for ref in plan.refs if ref not in local]
    if not unknown:
        return list(plan.refs), list(plan.skipped), []
    # pip reads no project file for its index (pip.conf and PIP_* apply to every folder).
    manifest = None if plan.manager in ("pip", "python") else _MANIFEST[plan.registry]
    files = [os.path.join(plan.project_dir, manifest)] if manifest else []
    public, skipped, notices = private_triage(unknown, files, settings, plan.index_options)
    kept = {*local, *public}
    # In command-line order: results come in input order.
    return [ref for ref in plan.refs if ref in kept], [*plan.skipped, *skipped], notices


def _local_only(
    triage: Triage, settings: Settings
) -> tuple[list[PackageRef], list[Skipped], list[str]]:
    """Names behind a private primary index: those the allow or popular list answers are
    checked; the rest are skipped (a public lookup would disclose them), with one notice.
    """
    answered: list[PackageRef] = []
    held: list[Skipped] = []
    if triage.local_only:
        detector = Detector(settings)
        try:
            for ref, note in triage.local_only:
                if detector.name_verdict(ref) is not None:
                    answered.append(ref)
                else:
                    held.append(note)
        finally:
            detector.close_store()
    if not held:
        return answered, held, []
    notice = (
        f"{len(held)} name(s) were not looked up: the primary index is private, so a"
        " public lookup would disclose them; to check them, point the registry URL"
        " setting (pypi_url, npm_url, crates_url) at the mirror if it serves the same API"
    )
    return answered, held, [notice]


def _finish_origin(report: Report, prepared: _Prepared, settings: Settings) -> Report:
    """The report with FOREIGN_SOURCE and DEPENDENCY_CONFUSION_EXPOSURE findings merged in."""
    elsewhere = [*((item.ref, item.host) for item in prepared.triage.foreign), *prepared.rerouted]
    if not elsewhere and not prepared.exposed:
        # The usual scan: every name from its public index, none exposed; nothing to merge.
        return replace(report, skipped=(*report.skipped, *prepared.skipped))
    from phantom_guard.detect.origin import confusion_exposure, foreign_source, publicly_claimed

    origin: list[PackageRisk] = []
    if elsewhere:  # most scans have none: no second Detector for them
        detector = Detector(settings)
        try:
            origin = foreign_source(elsewhere, detector.is_popular, added=prepared.added)
        finally:
            detector.close_store()
    results = list(report.results)
    exposures = confusion_exposure(prepared.exposed)
    if prepared.claims:
        by_key = {(r.registry, r.normalized_name): r for r in results}
        for index, finding in enumerate(exposures):
            public = by_key.pop((finding.registry, finding.normalized_name), None)
            exposures[index] = publicly_claimed(finding, public is not None and bool(public.exists))
        results = list(by_key.values())
    merged = tuple(_merge_origin(results, [*origin, *exposures]))
    return replace(report, results=merged, skipped=(*report.skipped, *prepared.skipped))


def _settings_for(settings: Settings | None, since: str | None) -> Settings:
    """The given settings, else the config files as they were at `since` (or are now)."""
    if settings is not None:
        return settings
    if since is not None:
        from phantom_guard.sources.git import settings_at

        return settings_at(since)
    return Settings.load()


def _with_inputs(
    report: Report, settings: Settings, since: str | None, prepared: _Prepared
) -> Report:
    """A check's report with the files' skipped entries and errors, the config files read, and
    with `since` the CONFIG_WEAKENED findings of the change.
    """
    results = report.results
    if since is not None and settings.config_weakened:
        results = _with_weakened(results, settings.config_weakened)
    return Report(
        results,
        skipped=report.skipped,
        input_errors=(*prepared.found.errors, *report.input_errors),
        config=tuple(str(path) for path in settings.config_files),
        feeds=report.feeds,
        notices=tuple(prepared.notices),
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
        file = os.path.relpath(weakening.file) if os.path.isabs(weakening.file) else weakening.file
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


def _rerouted(
    found: _Collected, policy: IndexPolicy, since: str
) -> tuple[list[_Routed], dict[str, str]]:
    """Under ``--since``: the refs (all of them, not only the introduced ones) that an index
    host added to the project's own configuration since `since` now routes elsewhere, each with
    that host, and host -> where it was added. A pull request cannot quietly route installs.
    """
    from phantom_guard.sources import format_of, indexes, parse_text
    from phantom_guard.sources.git import TextsAt

    try:
        at_since = TextsAt(since)
    except SourceError:
        return [], {}
    nowhere = indexes.Environment({}, os.devnull, etc=os.devnull)
    now = indexes.load(found.files, nowhere, public=policy.public)
    before = indexes.load(found.files, nowhere, public=policy.public, reader=at_since)
    for options in dict.fromkeys(found.options.values()):
        indexes.note_requirements_options(now, options)
    requirements = format_of("requirements.txt")
    for file in found.files:
        if format_of(file) is not requirements:
            continue
        text = at_since(file)
        if text is None:
            continue
        try:
            indexes.note_requirements_options(before, parse_text(file, text).index_options)
        except SourceError:
            continue
    new = {host: index for host, index in now.hosts.items() if host not in before.hosts}
    for registry, index in now.primary.items():
        old = before.primary.get(registry)
        if index.url and (old is None or old.host != index.host):
            new.setdefault(index.host, index)
    if not new:
        return [], {}
    full = policy.triage(found.all_refs, found.options)
    rerouted = [(ref, index.host) for ref, index in full.via if index.host in new]
    added = {host: f"added since {since} ({index.origin})" for host, index in new.items()}
    return rerouted, added


def _merge_origin(results: list[PackageRisk], findings: list[PackageRisk]) -> list[PackageRisk]:
    """Origin findings replace a checked verdict of the same name (they are never SAFE)."""
    keys = {(f.registry, f.normalized_name) for f in findings}
    kept = [r for r in results if (r.registry, r.normalized_name) not in keys]
    return [*kept, *findings]
