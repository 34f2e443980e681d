"""`validate` and `check`: options -> Settings -> one library call -> render -> exit code.

Exit codes (DESIGN.md §2): 0 nothing at or above --fail-on, 1 findings, 2 usage or input error,
3 some names could not be verified. Input errors are one line on stderr, never a traceback.
"""

from __future__ import annotations

import shutil
import sys
from collections.abc import Callable, Coroutine
from enum import StrEnum
from pathlib import Path
from typing import TYPE_CHECKING, Any, NoReturn, TypeVar, assert_never

import click

from phantom_guard.cli.process import interruptible, write_stdout
from phantom_guard.errors import InputError, PhantomGuardError
from phantom_guard.model import FailOn, FeedMode, Registry, Report
from phantom_guard.settings import Settings

if TYPE_CHECKING:
    from phantom_guard.runner import ProgressCallback

T = TypeVar("T")
_PROGRESS_AFTER = 5  # names; fewer finish before a bar would be worth drawing


class OutputFormat(StrEnum):
    """The report formats of ``-o``."""

    TEXT = "text"
    JSON = "json"
    SARIF = "sarif"
    MARKDOWN = "markdown"


def _common(command: Callable[..., Any]) -> Callable[..., Any]:
    """The options `validate` and `check` share."""
    options = [
        click.option(
            "-o",
            "--output",
            "output",
            type=click.Choice([f.value for f in OutputFormat]),
            default="text",
            help="Report format.",
        ),
        click.option(
            "--fail-on",
            type=click.Choice([f.value for f in FailOn]),
            default=None,
            help="Lowest verdict that makes the exit code 1 (default: high_risk).",
        ),
        click.option(
            "--concurrency",
            type=click.IntRange(1, 500),
            default=None,
            help="Lookups in flight at once.",
        ),
        click.option(
            "--offline",
            is_flag=True,
            default=False,
            help="Answer from the popular lists and the cache only.",
        ),
        click.option(
            "--no-cache", is_flag=True, default=False, help="Neither read nor write the cache."
        ),
        click.option(
            "--allow-unverified",
            is_flag=True,
            default=False,
            help="ERROR results (could not verify) do not fail the exit code.",
        ),
        click.option(
            "--verify-popular",
            is_flag=True,
            default=False,
            help="Look popular packages up too instead of trusting the shipped lists.",
        ),
        click.option(
            "--deadline",
            type=click.FloatRange(min=0, min_open=True),
            default=None,
            metavar="SECONDS",
            help="Names not answered by then are ERROR (default: 120).",
        ),
        click.option(
            "--max-names",
            type=click.IntRange(min=1),
            default=None,
            help="Refuse a run with more distinct names than this (default: 20,000).",
        ),
        click.option(
            "--feed",
            type=click.Choice([m.value for m in FeedMode]),
            default=None,
            help="Known-malicious feed: use when present (auto), ignore (off), or fail without "
            "a fresh one (require).",
        ),
        click.option(
            "--feed-max-age",
            type=click.FloatRange(min=0),
            default=None,
            metavar="DAYS",
            help="Days after the feed's data date before it is stale (default: 7).",
        ),
        click.option("-v", "--verbose", is_flag=True, default=False, help="Show every signal."),
        click.option(
            "--config",
            "config",
            type=click.Path(path_type=Path, dir_okay=False),
            default=None,
            help="Read this config file (trusted like your own) instead of the repository's.",
        ),
        click.option(
            "--isolated",
            is_flag=True,
            default=False,
            help="Read no config file: only options and environment variables apply.",
        ),
    ]
    for option in reversed(options):
        command = option(command)
    return command


@click.command()
@click.argument("names", nargs=-1, required=True)
@click.option(
    "-r",
    "--registry",
    type=click.Choice([r.value for r in Registry]),
    default="pypi",
    help="Registry of bare names (Package URLs carry their own).",
)
@_common
def validate(names: tuple[str, ...], registry: str, **options: Any) -> None:
    """Check package NAMEs (or Package URLs such as pkg:npm/left-pad)."""
    from phantom_guard.detector import Detector, make_ref

    settings = _guard(lambda: _settings(options))
    refs = _guard(lambda: [make_ref(name, Registry(registry)) for name in names])
    detector = Detector(settings)
    # Popular, allow-listed and cached names are answered before any event loop or HTTP
    # client exists: this is the path a pre-commit hook takes on almost every run.
    report = _guard(lambda: detector.answer_locally(refs))
    if report is not None:
        detector.close_store()
        _finish(settings, options, report)

    async def work(progress: ProgressCallback) -> Report:
        async with detector:
            return await detector.check(refs, on_progress=progress)

    _finish(settings, options, _run(settings, work))


@click.command()
@click.argument("paths", nargs=-1, type=click.Path(path_type=Path))
@click.option(
    "-r",
    "--registry",
    type=click.Choice([r.value for r in Registry]),
    default=None,
    help="Treat every dependency as this registry's (default: from the file type).",
)
@click.option("--ignore", default=None, help="Comma-separated names not to check.")
@click.option("--fail-fast", is_flag=True, default=False, help="Stop at the first finding.")
@click.option(
    "--follow-outside",
    is_flag=True,
    default=False,
    help="Read symlinks and -r/-c includes that lead outside the scanned tree.",
)
@click.option(
    "--since",
    default=None,
    metavar="REF",
    help="Check only dependencies added relative to this git revision.",
)
@_common
def check(
    paths: tuple[Path, ...],
    registry: str | None,
    ignore: str | None,
    fail_fast: bool,
    since: str | None,
    **options: Any,
) -> None:
    """Check the dependency files in PATHS (files or directories; default: the current one)."""
    from phantom_guard.api import check_paths

    settings = _guard(lambda: _settings(options, since=since))
    if options.pop("follow_outside"):
        settings = settings.with_overrides(follow_outside=True)
    if ignore:
        extra = tuple(n.strip() for n in ignore.split(",") if n.strip())
        settings = settings.with_overrides(ignore=settings.ignore + extra)

    def work(progress: ProgressCallback) -> Coroutine[Any, Any, Report]:
        return check_paths(
            list(paths),
            settings=settings,
            registry=Registry(registry) if registry else None,
            since=since,
            on_progress=progress,
            fail_fast=fail_fast,
        )

    _finish(settings, options, _run(settings, work))


def _settings(options: dict[str, Any], *, since: str | None = None) -> Settings:
    if since is not None:
        from phantom_guard.sources.git import settings_at

        settings = settings_at(
            since, config=options.get("config"), isolated=options.get("isolated", False)
        )
    else:
        settings = Settings.load(
            config=options.get("config"), isolated=options.get("isolated", False)
        )
    return settings.with_overrides(
        fail_on=FailOn(options["fail_on"]) if options.get("fail_on") else None,
        concurrency=options.get("concurrency"),
        offline=True if options.get("offline") else None,
        use_cache=False if options.get("no_cache") else None,
        allow_unverified=True if options.get("allow_unverified") else None,
        verify_popular=True if options.get("verify_popular") else None,
        deadline=options.get("deadline"),
        max_names=options.get("max_names"),
        feed=FeedMode(options["feed"]) if options.get("feed") else None,
        feed_max_age=options.get("feed_max_age"),
    )


def _run(
    settings: Settings, work: Callable[[ProgressCallback], Coroutine[Any, Any, Report]]
) -> Report:
    """Run one library call with a progress bar on stderr for long runs."""
    import asyncio

    progress = _Progress(enabled=sys.stderr.isatty() and not settings.no_color)
    reports: list[Report] = []

    async def main() -> None:
        # The report is handed over here, not returned: on Python 3.11 asyncio.run formats the
        # main task's repr (result included) while restoring SIGINT, and the repr of a report
        # with 80,000 sources costs seconds.
        reports.append(await work(progress.update))

    try:
        with interruptible():
            _guard(lambda: asyncio.run(main()))
    finally:
        progress.close()
    return reports[0]


def _finish(settings: Settings, options: dict[str, Any], report: Report) -> NoReturn:
    if settings.config_files and not report.config:
        from dataclasses import replace

        report = replace(report, config=tuple(str(path) for path in settings.config_files))
    fmt = OutputFormat(options["output"])
    match fmt:
        case OutputFormat.TEXT:
            from phantom_guard.report import text

            color = sys.stdout.isatty() and not settings.no_color
            output = text.render(
                report,
                verbose=options["verbose"],
                color=color,
                width=shutil.get_terminal_size().columns if color else 100,
            )
            if options["verbose"]:
                output += "".join(line + "\n" for line in text.render_skipped(report))
        case OutputFormat.JSON:
            from phantom_guard.report import json

            output = json.render(report)
        case OutputFormat.SARIF:
            from phantom_guard.report import sarif

            output = sarif.render(report, fail_on=settings.fail_on)
        case OutputFormat.MARKDOWN:
            from phantom_guard.report import markdown

            output = markdown.render(report)
        case _:
            assert_never(fmt)
    write_stdout(output)
    from phantom_guard.report import message

    for error in report.input_errors:
        click.echo(f"phantom-guard: error: {message(error)}", err=True)
    sys.exit(report.exit_code(settings.fail_on, allow_unverified=settings.allow_unverified))


def _guard(work: Callable[[], T]) -> T:
    """Run `work`; an input error is one line on stderr and exit 2, never a traceback."""
    from phantom_guard.report import message

    try:
        return work()
    except InputError as exc:
        click.echo(f"phantom-guard: error: {message(str(exc))}", err=True)
        sys.exit(2)
    except PhantomGuardError as exc:
        click.echo(f"phantom-guard: error: {message(str(exc))}", err=True)
        sys.exit(3)


class _Progress:
    """A progress bar on stderr for long runs, only when stderr is a terminal."""

    def __init__(self, *, enabled: bool) -> None:
        self._enabled = enabled
        self._bar: Any = None
        self._task: Any = None

    def update(self, done: int, total: int) -> None:
        if not self._enabled or total <= _PROGRESS_AFTER:
            return
        if self._bar is None:
            from rich.console import Console
            from rich.progress import Progress

            self._bar = Progress(console=Console(stderr=True), transient=True)
            self._task = self._bar.add_task("checking", total=total)
            self._bar.start()
        self._bar.update(self._task, completed=done)

    def close(self) -> None:
        if self._bar is not None:
            self._bar.stop()
