"""`cache path|stats|clear`: inspect or clear the lookup cache."""

from __future__ import annotations

import sys

import click

from phantom_guard.cli import actions
from phantom_guard.errors import PhantomGuardError
from phantom_guard.model import Registry
from phantom_guard.settings import Settings


@click.group()
def cache() -> None:
    """Inspect or clear the lookup cache."""


@cache.command("path")
def cache_path() -> None:
    """Print the cache directory."""
    click.echo(str(_cache_dir()))


@cache.command("stats")
@click.option("--registry", type=click.Choice([r.value for r in Registry]), default=None)
def cache_stats(registry: str | None) -> None:
    """Show how many answers are cached."""
    from phantom_guard.cache import open_store

    store = open_store(_cache_dir())
    try:
        stats = store.stats()
    finally:
        store.close()
    click.echo(f"path: {stats.path}")
    click.echo(f"size: {stats.size_bytes or 0:,} bytes")
    if registry:
        click.echo(f"{registry}: {stats.by_registry.get(registry, 0)} entries")
        return
    click.echo(f"entries: {stats.entries} ({stats.found} found, {stats.not_found} not found)")
    for name, count in sorted(stats.by_registry.items()):
        click.echo(f"  {name}: {count}")


@cache.command("clear")
@click.option("--registry", type=click.Choice([r.value for r in Registry]), default=None)
def cache_clear(registry: str | None) -> None:
    """Remove cached answers (of one registry with --registry)."""
    from phantom_guard.cache import open_store

    store = open_store(_cache_dir())
    try:
        removed = store.clear(Registry(registry) if registry else None)
    finally:
        store.close()
    click.echo(f"removed {removed} cached entries")


def _cache_dir() -> str:
    try:
        return Settings.load().resolved_cache_dir
    except PhantomGuardError as exc:
        sys.exit(actions.failed(exc))
