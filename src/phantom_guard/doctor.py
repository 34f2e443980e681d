"""``phantom-guard doctor``: is the install guard in the way of every package manager?

Which binary each package manager resolves to, whether phantom-guard's shims come before the
version managers' shims (nvm, pyenv, mise, asdf, volta, fnm) on PATH, the feed's age and the
cache location: the questions a user asks when an install was (or was not) checked.
"""

from __future__ import annotations

import os
from collections.abc import Mapping
from pathlib import Path

from phantom_guard.commands import MANAGERS
from phantom_guard.records import record
from phantom_guard.shims import default_dir, find_real, first_on_path, is_shim

# PATH entries of version managers whose own shims a phantom-guard shim must come before.
_VERSION_MANAGERS = (
    ("nvm", "/.nvm/"),
    ("pyenv", "/.pyenv/shims"),
    ("mise", "/mise/shims"),
    ("mise", "/mise/installs/"),
    ("asdf", "/.asdf/shims"),
    ("volta", "/.volta/bin"),
    ("fnm", "/fnm_multishells/"),
    ("rustup", "/.cargo/bin"),
)


#: A feed older than this is reported as something to fix (refresh it with ``feed update``).
_FEED_MAX_AGE_DAYS = 7


@record
class Check:
    """One line of the doctor's report; `ok` False is something to fix."""

    ok: bool
    text: str


def run(env: Mapping[str, str] | None = None, shim_dir: Path | None = None) -> list[Check]:
    """Everything the doctor looks at, in the order it prints it."""
    env = os.environ if env is None else env
    folder = shim_dir or default_dir()
    checks: list[Check] = []
    path = [p for p in env.get("PATH", "").split(os.pathsep) if p]
    shim_index = _index_of(path, folder)
    if shim_index is None:
        checks.append(Check(False, f"shims: {folder} is not on PATH (phantom-guard shims install)"))
    else:
        checks.append(Check(True, f"shims: {folder} is PATH entry {shim_index + 1}"))
        for name, index, entry in _version_managers(path):
            ok = shim_index < index
            where = "after" if ok else "BEFORE"
            checks.append(Check(ok, f"{name} shims ({entry}) come {where} phantom-guard's"))
    for manager in MANAGERS:
        first = first_on_path(manager, env)
        real = find_real(manager, env)
        if first is None:
            checks.append(Check(True, f"{manager}: not installed"))
            continue
        guarded = is_shim(first)
        text = f"{manager}: {first}" + (f" -> {real}" if guarded and real else "")
        text += "" if guarded else " (not guarded: runs without phantom-guard)"
        checks.append(Check(guarded, text))
    cache = _cache()
    checks.append(_feed(cache[1]))
    checks.append(cache[0])
    return checks


def _index_of(path: list[str], folder: Path) -> int | None:
    target = os.path.realpath(folder)
    for index, entry in enumerate(path):
        if os.path.realpath(entry) == target:
            return index
    return None


def _version_managers(path: list[str]) -> list[tuple[str, int, str]]:
    found = []
    for index, entry in enumerate(path):
        normalized = entry.replace("\\", "/")
        for name, fragment in _VERSION_MANAGERS:
            if fragment in normalized + "/":
                found.append((name, index, entry))
                break
    return found


def _feed(cache_dir: str | None) -> Check:
    """The known-malicious feed's age, when this version has a feed (``phantom_guard.feed``)."""
    import importlib

    try:
        feed = importlib.import_module("phantom_guard.feed")
    except ImportError:
        return Check(True, "feed: this version has no known-malicious feed")
    if cache_dir is None:
        return Check(False, "feed: unknown (the configuration could not be read)")
    try:
        store = feed.open_feed(cache_dir)
        if store is None:
            return Check(False, "feed: none yet (phantom-guard feed update)")
        try:
            status = store.status()
        finally:
            store.close()
    except Exception as exc:  # a broken feed file is a finding of the doctor, not a crash
        return Check(False, f"feed: cannot be read: {exc}")
    from phantom_guard.stand_ins import UTC, datetime

    age = status.age_days(datetime.now(UTC))
    shown = "undated" if age is None else f"{age:.1f} days old"
    return Check(
        age is not None and age <= _FEED_MAX_AGE_DAYS,
        f"feed: {status.records} records, data {shown} ({status.path})",
    )


def _cache() -> tuple[Check, str | None]:
    from phantom_guard.errors import ConfigError
    from phantom_guard.settings import Settings

    try:
        settings = Settings.load()
    except ConfigError as exc:
        return Check(False, f"config: {exc}"), None
    return Check(True, f"cache: {settings.resolved_cache_dir}"), settings.resolved_cache_dir
