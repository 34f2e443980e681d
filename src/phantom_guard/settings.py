"""Settings: defaults <- config file <- environment <- command line, into one frozen object.

The config file is ``.phantom-guard.toml`` (top-level keys) or ``[tool.phantom-guard]`` in
``pyproject.toml``, found in the working directory or the nearest parent that has one.
"""

from __future__ import annotations

import os
from collections.abc import Mapping
from dataclasses import dataclass, field, replace
from pathlib import Path
from typing import Any

from phantom_guard.errors import ConfigError
from phantom_guard.model import FailOn
from phantom_guard.registry import endpoints
from phantom_guard.registry.facts import URL_SETTINGS

DEFAULT_CONCURRENCY = 50
#: Seconds a run may spend on lookups: a commit hook must not hang on a registry that drips.
DEFAULT_DEADLINE = 120.0
#: Distinct names one run may look up; a 100,000-package lock file is refused, not crawled.
DEFAULT_MAX_NAMES = 20_000
#: MiB of response bodies in flight at once, across every lookup of a run.
DEFAULT_BODY_BUDGET_MB = 192
#: crates.io's crawler policy asks for at most one request per second.
CRATES_PUBLIC_RATE = 1.0
MAX_CONCURRENCY = 500
_CONFIG_KEYS = frozenset(
    {
        "allow",
        "ignore",
        "fail_on",
        "concurrency",
        "timeout",
        *(url.key for url in URL_SETTINGS),
        "patterns",
        "allow_unverified",
    }
)


@dataclass(frozen=True, slots=True)
class Settings:
    """Everything a run needs to know, fixed before it starts."""

    # One field per URL setting of `registry.facts` (a test checks they match).
    pypi_url: str = endpoints.PYPI_URL
    npm_url: str = endpoints.NPM_URL
    npm_downloads_url: str = endpoints.NPM_DOWNLOADS_URL
    crates_url: str = endpoints.CRATES_URL
    cache_dir: Path | None = None
    use_cache: bool = True
    timeout: float = 10.0
    offline: bool = False
    concurrency: int = DEFAULT_CONCURRENCY
    fail_on: FailOn = FailOn.HIGH_RISK
    allow: tuple[str, ...] = ()
    ignore: tuple[str, ...] = ()
    patterns: tuple[str, ...] = ()
    allow_unverified: bool = False
    verify_popular: bool = False
    deadline: float = DEFAULT_DEADLINE
    max_names: int = DEFAULT_MAX_NAMES
    body_budget_mb: int = DEFAULT_BODY_BUDGET_MB
    crates_rate: float | None = None  # requests/s to the crates host; None: policy default
    no_color: bool = False
    config_file: Path | None = field(default=None, compare=False)

    def __post_init__(self) -> None:
        if not 1 <= self.concurrency <= MAX_CONCURRENCY:
            raise ConfigError(f"concurrency must be between 1 and {MAX_CONCURRENCY}")
        if not self.timeout > 0:
            raise ConfigError("timeout must be a positive number of seconds")
        if not self.deadline > 0:
            raise ConfigError("deadline must be a positive number of seconds")
        if self.max_names < 1:
            raise ConfigError("max_names must be at least 1")
        if self.body_budget_mb < 1:
            raise ConfigError("the response budget must be at least 1 MiB")
        if self.crates_rate is not None and not self.crates_rate >= 0:
            raise ConfigError("the crates request rate must be 0 (no limit) or more")
        for setting in URL_SETTINGS:
            url = getattr(self, setting.key)
            if not url.startswith(("http://", "https://")):
                raise ConfigError(f"registry URL must be http(s): {url!r}")

    @property
    def request_rates(self) -> dict[str, float]:
        """Requests-per-second ceilings by host: the public crates.io API's policy by default."""
        from urllib.parse import urlsplit

        host = urlsplit(self.crates_url).hostname or ""
        rate = self.crates_rate
        if rate is None:
            rate = CRATES_PUBLIC_RATE if self.crates_url == endpoints.CRATES_URL else 0.0
        return {host: rate} if rate > 0 else {}

    @property
    def resolved_cache_dir(self) -> Path:
        """The cache directory: the configured one, else the platform's user cache dir."""
        if self.cache_dir is not None:
            return self.cache_dir
        import platformdirs

        return Path(platformdirs.user_cache_dir("phantom-guard", appauthor=False))

    def with_overrides(self, **changes: Any) -> Settings:
        """A copy with the given fields replaced (command-line options win over everything)."""
        return replace(self, **{k: v for k, v in changes.items() if v is not None})

    @classmethod
    def load(cls, cwd: Path | None = None, env: Mapping[str, str] | None = None) -> Settings:
        """Read the config file found from `cwd` upwards, then apply environment variables."""
        env = os.environ if env is None else env
        values: dict[str, Any] = {}
        config_file = find_config_file(cwd or Path.cwd())
        if config_file is not None:
            values.update(_read_config(config_file))
            values["config_file"] = config_file
        values.update(_read_env(env))
        try:
            return cls(**values)
        except TypeError as exc:  # a wrong type in the config file
            raise ConfigError(f"invalid configuration: {exc}") from None


def find_config_file(start: Path) -> Path | None:
    """The nearest ``.phantom-guard.toml`` or ``pyproject.toml`` with our table, from `start` up."""
    for folder in (start, *start.parents):
        dotfile = folder / ".phantom-guard.toml"
        if dotfile.is_file():
            return dotfile
        pyproject = folder / "pyproject.toml"
        if pyproject.is_file() and b"[tool.phantom-guard]" in pyproject.read_bytes():
            return pyproject
        if (folder / ".git").exists():
            return None
    return None


def _read_config(path: Path) -> dict[str, Any]:
    import tomllib  # only when there is a file: most runs in a hook have none to read

    try:
        document = tomllib.loads(path.read_text(encoding="utf-8"))
    except (OSError, UnicodeDecodeError, tomllib.TOMLDecodeError) as exc:
        raise ConfigError(f"{path}: cannot read config: {exc}") from None
    table = document
    if path.name == "pyproject.toml":
        table = document.get("tool", {}).get("phantom-guard", {})
    if not isinstance(table, dict):
        raise ConfigError(f"{path}: [tool.phantom-guard] must be a table")
    unknown = set(table) - _CONFIG_KEYS
    if unknown:
        raise ConfigError(f"{path}: unknown config keys: {', '.join(sorted(unknown))}")
    values: dict[str, Any] = {}
    for key in ("allow", "ignore", "patterns"):
        if key in table:
            values[key] = _string_list(path, key, table[key])
    if "fail_on" in table:
        values["fail_on"] = _fail_on(str(table["fail_on"]), str(path))
    if "concurrency" in table:
        values["concurrency"] = _number(path, "concurrency", table["concurrency"], int)
    if "timeout" in table:
        values["timeout"] = _number(path, "timeout", table["timeout"], float)
    if "allow_unverified" in table:
        if not isinstance(table["allow_unverified"], bool):
            raise ConfigError(f"{path}: allow_unverified must be true or false")
        values["allow_unverified"] = table["allow_unverified"]
    for setting in URL_SETTINGS:
        if setting.key in table:
            values[setting.key] = _url(str(table[setting.key]))
    return values


_ENV_NUMBERS: tuple[tuple[str, str, type[int] | type[float]], ...] = (
    ("PHANTOM_GUARD_DEADLINE", "deadline", float),
    ("PHANTOM_GUARD_MAX_NAMES", "max_names", int),
    ("PHANTOM_GUARD_BODY_BUDGET_MB", "body_budget_mb", int),
    ("PHANTOM_GUARD_CRATES_RATE", "crates_rate", float),
)


def _read_env(env: Mapping[str, str]) -> dict[str, Any]:
    values: dict[str, Any] = {}
    for setting in URL_SETTINGS:
        if env.get(setting.env):
            values[setting.key] = _url(env[setting.env])
    if env.get("PHANTOM_GUARD_CACHE_DIR"):
        values["cache_dir"] = Path(env["PHANTOM_GUARD_CACHE_DIR"])
    if env.get("PHANTOM_GUARD_TIMEOUT"):
        try:
            values["timeout"] = float(env["PHANTOM_GUARD_TIMEOUT"])
        except ValueError:
            raise ConfigError("PHANTOM_GUARD_TIMEOUT must be a number of seconds") from None
    for variable, key, kind in _ENV_NUMBERS:
        if env.get(variable):
            try:
                values[key] = kind(env[variable])
            except ValueError:
                raise ConfigError(f"{variable} must be a number") from None
    if env.get("PHANTOM_GUARD_OFFLINE", "") not in ("", "0"):
        values["offline"] = True
    if "NO_COLOR" in env and env["NO_COLOR"] != "":
        values["no_color"] = True
    return values


def _fail_on(value: str, where: str) -> FailOn:
    try:
        return FailOn(value.lower())
    except ValueError:
        raise ConfigError(f"{where}: fail_on must be 'suspicious' or 'high_risk'") from None


def _string_list(path: Path, key: str, value: object) -> tuple[str, ...]:
    if not isinstance(value, list) or not all(isinstance(v, str) for v in value):
        raise ConfigError(f"{path}: {key} must be a list of strings")
    return tuple(value)


def _number(path: Path, key: str, value: object, kind: type[int] | type[float]) -> Any:
    if isinstance(value, bool) or not isinstance(value, int | float):
        raise ConfigError(f"{path}: {key} must be a number")
    return kind(value)


def _url(value: str) -> str:
    return value.rstrip("/")
