"""`validate` and `check` as click commands: parsed options -> `cli.actions` -> exit code.

Exit codes (DESIGN.md §2): 0 nothing at or above --fail-on, 1 findings, 2 usage or input error,
3 some names could not be verified. Input errors are one line on stderr, never a traceback.
"""

from __future__ import annotations

import sys
from collections.abc import Callable
from pathlib import Path
from typing import Any

import click

from phantom_guard.cli import actions
from phantom_guard.model import FailOn, FeedMode, Registry
from phantom_guard.report import Format
from phantom_guard.settings import (
    DEFAULT_CONCURRENCY,
    DEFAULT_DEADLINE,
    DEFAULT_MAX_NAMES,
    MAX_CONCURRENCY,
)


def _scan_options(command: Callable[..., Any]) -> Callable[..., Any]:
    """The options `validate` and `check` share, gathered into one `ScanOptions` argument."""
    options = [
        click.option(
            "-o",
            "--output",
            type=click.Choice([f.value for f in Format]),
            default=Format.TEXT.value,
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
            type=click.IntRange(1, MAX_CONCURRENCY),
            default=None,
            help=f"Lookups in flight at once (default: {DEFAULT_CONCURRENCY}).",
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
            help=f"Names not answered by then are ERROR (default: {DEFAULT_DEADLINE:g}).",
        ),
        click.option(
            "--max-names",
            type=click.IntRange(min=1),
            default=None,
            help=f"Refuse a run with more distinct names (default: {DEFAULT_MAX_NAMES:,}).",
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


def _gathered(
    *,
    output: str,
    fail_on: str | None,
    concurrency: int | None,
    offline: bool,
    no_cache: bool,
    allow_unverified: bool,
    verify_popular: bool,
    deadline: float | None,
    max_names: int | None,
    feed: str | None,
    feed_max_age: float | None,
    verbose: bool,
    config: Path | None,
    isolated: bool,
) -> actions.ScanOptions:
    return actions.ScanOptions(
        output=Format(output),
        fail_on=FailOn(fail_on) if fail_on else None,
        concurrency=concurrency,
        offline=offline,
        no_cache=no_cache,
        allow_unverified=allow_unverified,
        verify_popular=verify_popular,
        deadline=deadline,
        max_names=max_names,
        feed=FeedMode(feed) if feed else None,
        feed_max_age=feed_max_age,
        verbose=verbose,
        config=config,
        isolated=isolated,
    )


@click.command()
@click.argument("names", nargs=-1, required=True)
@click.option(
    "-r",
    "--registry",
    type=click.Choice([r.value for r in Registry]),
    default=Registry.PYPI.value,
    help="Registry of bare names (Package URLs carry their own).",
)
@_scan_options
def validate(names: tuple[str, ...], registry: str, **options: Any) -> None:
    """Check package NAMEs (or Package URLs such as pkg:npm/left-pad)."""
    sys.exit(actions.validate(names, Registry(registry), _gathered(**options)))


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
@click.option(
    "--exclude",
    "exclude",
    multiple=True,
    metavar="GLOB",
    help="Leave paths matching GLOB out of a directory scan (repeatable; e.g. tests/fixtures).",
)
@click.option(
    "--check-public-claims",
    is_flag=True,
    default=False,
    help="Ask the public registry whether private names exposed to dependency confusion are "
    "already registered there. This sends those private names to the public registry.",
)
@_scan_options
def check(
    paths: tuple[Path, ...],
    *,
    registry: str | None,
    ignore: str | None,
    fail_fast: bool,
    follow_outside: bool,
    since: str | None,
    exclude: tuple[str, ...],
    check_public_claims: bool,
    **options: Any,
) -> None:
    """Check the dependency files in PATHS (files or directories; default: the current one)."""
    code = actions.check(
        paths,
        Registry(registry) if registry else None,
        _gathered(**options),
        ignore=actions.split_names(ignore),
        fail_fast=fail_fast,
        since=since,
        follow_outside=follow_outside,
        exclude=exclude,
        check_public_claims=check_public_claims,
    )
    sys.exit(code)
