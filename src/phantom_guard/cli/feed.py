"""`feed update|status`: refresh or inspect the known-malicious feed (OSV ``MAL-*`` records).

Exit codes: 0 done (status: a feed is present); 2 usage or input error; 3 the feed could not be
updated, or (status) there is no feed.
"""

from __future__ import annotations

import sys
from collections.abc import Callable
from typing import Any, TypeVar

import click

from phantom_guard.cli import actions
from phantom_guard.errors import PhantomGuardError
from phantom_guard.model import Registry
from phantom_guard.settings import Settings
from phantom_guard.stand_ins import UTC, datetime

T = TypeVar("T")


@click.group()
def feed() -> None:
    """Update or inspect the known-malicious package feed."""


@feed.command("update")
@click.option(
    "--from",
    "source",
    default=None,
    metavar="PATH_OR_URL",
    help="An OSV all.zip, a folder of OSV JSON files, or a URL (default: the configured feed URL).",
)
@click.option(
    "--ecosystem",
    default=None,
    metavar="LIST",
    help="Comma-separated: pypi,npm,crates (default: all). Others keep their records.",
)
def feed_update(source: str | None, ecosystem: str | None) -> None:
    """Download (or read) the malicious-packages records and replace the feed with them."""
    from phantom_guard.feed import ECOSYSTEMS
    from phantom_guard.feed.update import update
    from phantom_guard.names import parse_registry

    settings = _guard(Settings.load)
    registries = _guard(
        lambda: (
            [parse_registry(part) for part in ecosystem.split(",") if part.strip()]
            if ecosystem
            else list(Registry)
        )
    )
    result = _guard(
        lambda: update(
            settings.resolved_cache_dir,
            base_url=settings.feed_url,
            source=source,
            registries=registries,
            timeout=max(settings.timeout, 60.0),
        )
    )
    for registry in registries:
        name = ECOSYSTEMS[registry]
        if registry in result.unchanged:
            click.echo(f"{name}: not modified, {result.status.ecosystems.get(name, 0)} records")
        else:
            click.echo(f"{name}: {result.imported.get(name, 0)} records")
    if result.unreadable:
        warning = f"{result.unreadable} unreadable files skipped"
        click.echo(f"phantom-guard: warning: {warning}", err=True)
    click.echo(
        f"feed: {result.status.records} records, data as of {result.status.data_as_of or 'unknown'}"
    )


@feed.command("status")
@click.option("-o", "--output", type=click.Choice(["text", "json"]), default="text")
def feed_status(output: str) -> None:
    """Show the feed's date, age and records per ecosystem (exit 3 without a feed)."""
    from phantom_guard.feed import ECOSYSTEMS, open_feed

    settings = _guard(Settings.load)
    store = _guard(lambda: open_feed(settings.resolved_cache_dir))
    now = datetime.now(UTC)
    document: dict[str, Any] = {
        "data_as_of": None,
        "fetched_at": None,
        "age_days": None,
        "stale": True,
        "records": 0,
        "ecosystems": dict.fromkeys(ECOSYSTEMS.values(), 0),
    }
    if store is not None:
        try:
            status = store.status()
        finally:
            store.close()
        age = status.age_days(now)
        document.update(
            data_as_of=status.data_as_of,
            fetched_at=status.fetched_at,
            age_days=None if age is None else round(age, 1),
            stale=status.stale(now, settings.feed_max_age),
            records=status.records,
            ecosystems=status.ecosystems,
        )
    if output == "json":
        import orjson

        click.echo(orjson.dumps(document, option=orjson.OPT_INDENT_2).decode())
    elif store is None:
        click.echo("no known-malicious feed: run 'phantom-guard feed update'")
    else:
        click.echo(f"data as of: {document['data_as_of'] or 'unknown'}")
        click.echo(f"fetched at: {document['fetched_at'] or 'unknown'}")
        age_text = "unknown" if document["age_days"] is None else f"{document['age_days']} days"
        click.echo(f"age: {age_text}{' (stale)' if document['stale'] else ''}")
        click.echo(f"records: {document['records']}")
        for name, count in document["ecosystems"].items():
            click.echo(f"  {name}: {count}")
    sys.exit(3 if store is None else 0)


def _guard(work: Callable[[], T]) -> T:
    """Run `work`; an input error exits 2, any other failure 3, as one line on stderr."""
    try:
        return work()
    except PhantomGuardError as exc:
        sys.exit(actions.failed(exc))
