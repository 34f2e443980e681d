"""What `validate`, `check` and `--version` do once their arguments are parsed, without click.

options -> Settings -> one library call -> render -> exit code. Both parsers call these: the
click commands (`cli/scan.py`) and the hand-parsed fast path (`cli/fast.py`), so the two can
only differ in how argv is read, never in what is printed.
"""

from __future__ import annotations

import sys

from phantom_guard.cli.process import interruptible, write_stdout
from phantom_guard.errors import InputError, PhantomGuardError
from phantom_guard.model import FailOn, FeedMode, Registry, Report
from phantom_guard.records import record
from phantom_guard.report import Format
from phantom_guard.settings import Settings

TYPE_CHECKING = False  # typing.TYPE_CHECKING, without importing typing on the start-up path
if TYPE_CHECKING:
    import logging
    from collections.abc import Sequence
    from typing import TextIO

    from phantom_guard.report.progress import ProgressBar
    from phantom_guard.settings import StrPath


@record
class ScanOptions:
    """The options `validate` and `check` share (None: not given, the settings decide)."""

    output: Format = Format.TEXT
    fail_on: FailOn | None = None
    concurrency: int | None = None
    offline: bool = False
    no_cache: bool = False
    allow_unverified: bool = False
    verify_popular: bool = False
    deadline: float | None = None
    max_names: int | None = None
    feed: FeedMode | None = None  # --feed auto|off|require
    feed_max_age: float | None = None  # --feed-max-age DAYS
    verbose: bool = False
    config: StrPath | None = None  # --config: a file trusted like the user's own
    isolated: bool = False  # --isolated: no config file at all

    def settings(
        self, ignore: Sequence[str] = (), *, since: str | None = None, follow_outside: bool = False
    ) -> Settings:
        """The config files and environment (with `since`, the repository config as it was at
        that revision), these options and extra `ignore`d names on top.
        """
        if since is not None:
            from phantom_guard.sources.git import settings_at

            settings = settings_at(since, config=self.config, isolated=self.isolated)
        else:
            settings = Settings.load(config=self.config, isolated=self.isolated)
        return settings.with_overrides(
            follow_outside=True if follow_outside else None,
            fail_on=self.fail_on,
            concurrency=self.concurrency,
            offline=True if self.offline else None,
            use_cache=False if self.no_cache else None,
            allow_unverified=True if self.allow_unverified else None,
            verify_popular=True if self.verify_popular else None,
            deadline=self.deadline,
            max_names=self.max_names,
            feed=self.feed,
            feed_max_age=self.feed_max_age,
            ignore=(*settings.ignore, *ignore) if ignore else None,
        )


def validate(names: Sequence[str], registry: Registry, options: ScanOptions) -> int:
    """Check package names (or Package URLs); the exit code of DESIGN.md §2."""
    from phantom_guard.api import check_refs
    from phantom_guard.plan import make_ref

    try:
        settings = options.settings()
        refs = [make_ref(name, registry) for name in names]
        bar = _progress_bar(settings)
        try:
            with interruptible():
                report = check_refs(
                    refs, settings=settings, on_progress=bar.update if bar else None
                )
        finally:
            if bar:
                bar.close()
    except PhantomGuardError as exc:
        return failed(exc)
    return finish(settings, options, report)


def check(
    paths: Sequence[StrPath],
    registry: Registry | None,
    options: ScanOptions,
    *,
    ignore: Sequence[str] = (),
    fail_fast: bool = False,
    since: str | None = None,
    follow_outside: bool = False,
    exclude: Sequence[str] = (),
    check_public_claims: bool = False,
) -> int:
    """Check the dependency files in `paths` (files or directories; none: the current one)."""
    from phantom_guard.api import check_files

    try:
        settings = options.settings(ignore, since=since, follow_outside=follow_outside)
        bar = _progress_bar(settings)
        try:
            with interruptible():
                report = check_files(
                    paths,
                    settings=settings,
                    registry=registry,
                    since=since,
                    on_progress=bar.update if bar else None,
                    fail_fast=fail_fast,
                    exclude=exclude,
                    check_public_claims=check_public_claims,
                )
        finally:
            if bar:
                bar.close()
    except PhantomGuardError as exc:
        return failed(exc)
    return finish(settings, options, report)


def finish(settings: Settings, options: ScanOptions, report: Report) -> int:
    """Print the report on stdout and its input errors on stderr; the exit code."""
    from phantom_guard.report import message, render_parts

    if settings.config_files and not report.config:
        from phantom_guard.records import replace

        report = replace(report, config=tuple(str(path) for path in settings.config_files))
    color = options.output is Format.TEXT and sys.stdout.isatty() and not settings.no_color
    output = render_parts(
        report,
        options.output,
        fail_on=settings.fail_on,
        verbose=options.verbose,
        color=color,
        width=_terminal_width() if color else 100,
    )
    write_stdout(output)
    for notice in report.notices:
        sys.stderr.write(f"phantom-guard: note: {message(notice)}\n")
    for error in report.input_errors:
        sys.stderr.write(f"phantom-guard: error: {message(error)}\n")
    return report.exit_code(settings.fail_on, allow_unverified=settings.allow_unverified)


def failed(error: PhantomGuardError) -> int:
    """An error as one line on stderr, never a traceback: exit 2 for input, else 3."""
    from phantom_guard.report import message

    sys.stderr.write(f"phantom-guard: error: {message(str(error))}\n")
    return 2 if isinstance(error, InputError) else 3


def warnings_to_stderr() -> None:
    """Send the library's warnings (an unwritable cache, say) to this call's stderr, one line
    each; set up when the first one is logged, so a run that logs nothing never imports logging.
    """
    from phantom_guard import log

    stream = sys.stderr  # tests invoke main repeatedly, each time with its own stderr
    log.configure(lambda logger: _write_warnings(logger, stream))


def _write_warnings(logger: logging.Logger, stream: TextIO) -> None:
    import logging

    # One handler per process, writing to the stderr of the latest call.
    for handler in list(logger.handlers):
        if getattr(handler, "phantom_guard_cli", False):
            logger.removeHandler(handler)

    class Escaping(logging.Formatter):
        """Warnings quote paths and registry text: escaped like every other stderr line."""

        def formatMessage(self, record: logging.LogRecord) -> str:
            from phantom_guard.report import message

            record.message = message(record.message)
            return super().formatMessage(record)

    handler = logging.StreamHandler(stream)
    handler.setFormatter(Escaping("phantom-guard: warning: %(message)s"))
    handler.phantom_guard_cli = True  # type: ignore[attr-defined]
    logger.addHandler(handler)


def split_names(text: str | None) -> tuple[str, ...]:
    """The names of a comma-separated ``--ignore`` value."""
    return tuple(n.strip() for n in (text or "").split(",") if n.strip())


def _progress_bar(settings: Settings) -> ProgressBar | None:
    """The run's progress bar when stderr is a terminal (DESIGN.md §2), else None: a run in a
    hook or CI does not import it.
    """
    if not sys.stderr.isatty() or settings.no_color:
        return None
    from phantom_guard.report.progress import ProgressBar

    return ProgressBar()


def _terminal_width() -> int:
    """The terminal's columns, as shutil.get_terminal_size reads them, without importing shutil."""
    import os

    try:
        columns = int(os.environ.get("COLUMNS", "0"))
    except ValueError:
        columns = 0
    if columns <= 0:
        try:
            columns = os.get_terminal_size(sys.__stdout__.fileno()).columns  # type: ignore[union-attr]
        except (AttributeError, ValueError, OSError):
            columns = 80
    return columns if columns > 0 else 80
