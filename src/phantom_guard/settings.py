"""Settings: defaults <- user config <- repository config <- environment <- command line.

A scanned repository is untrusted input (DESIGN.md §4 "Where settings may come from"): its
config (``.phantom-guard.toml``, or ``[tool.phantom-guard]`` in ``pyproject.toml``, searched
from the working directory up to the repository root and no further) may only narrow what is
checked and how strictly. Where answers come from and whether failures pass (`TRUSTED_ONLY`)
is set by the user: the command line, the environment, ``phantom-guard/config.toml`` in the
platform's user config dir, or a file named with ``--config``.

Paths are `str` here (a `Path` given by a library caller is accepted and stored as its
``os.fspath``): finding no config file, the common case, must not import pathlib, which with
`re` is most of the start-up time of a warm answer.
"""

from __future__ import annotations

import os

from phantom_guard.errors import ConfigError
from phantom_guard.model import FailOn, FeedMode, Registry
from phantom_guard.records import field, record, replace
from phantom_guard.registry import endpoints
from phantom_guard.registry.facts import FACTS, URL_SETTINGS, UrlSetting

TYPE_CHECKING = False  # typing.TYPE_CHECKING, without importing typing on the start-up path
if TYPE_CHECKING:
    from collections.abc import Callable, Mapping
    from typing import Any, TypeAlias

    #: A path as callers give it: `str` or a `Path`.
    StrPath: TypeAlias = str | os.PathLike[str]

#: The registries' URL settings and the known-malicious feed's (OSV archives' base).
_URLS: tuple[UrlSetting, ...] = (
    *URL_SETTINGS,
    UrlSetting("feed_url", "PHANTOM_GUARD_FEED_URL", endpoints.FEED_URL),
)
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
#: Config files are small; a bigger one is refused before it is read.
MAX_CONFIG_BYTES = 1024 * 1024
USER_CONFIG_NAME = "config.toml"
_DOTFILE = ".phantom-guard.toml"

#: Keys a repository's config may not set, and where to set each instead. A scanned change
#: that could set one would choose where answers come from or let failures pass. A key that
#: no parser below handles yet (deadline) is still refused in a repository.
TRUSTED_ONLY: dict[str, str] = {
    **{url.key: url.env for url in URL_SETTINGS},
    "feed_url": "PHANTOM_GUARD_FEED_URL",
    "allow_unverified": "--allow-unverified",
    "timeout": "PHANTOM_GUARD_TIMEOUT",
    "deadline": "PHANTOM_GUARD_DEADLINE",
    "cache_dir": "PHANTOM_GUARD_CACHE_DIR",
    "max_names": "PHANTOM_GUARD_MAX_NAMES",
    "body_budget_mb": "PHANTOM_GUARD_BODY_BUDGET_MB",
    "crates_rate": "PHANTOM_GUARD_CRATES_RATE",
}
#: List keys whose entries a change may add to weaken the gate (see `weakened_entries`).
WEAKENING_KEYS = ("allow", "ignore", "private")


@record
class Settings:
    """Everything a run needs to know, fixed before it starts."""

    # One field per URL setting of `registry.facts` (a test checks they match).
    pypi_url: str = endpoints.PYPI_URL
    npm_url: str = endpoints.NPM_URL
    npm_downloads_url: str = endpoints.NPM_DOWNLOADS_URL
    crates_url: str = endpoints.CRATES_URL
    feed_url: str = endpoints.FEED_URL
    cache_dir: str | None = None
    use_cache: bool = True
    timeout: float = 10.0
    offline: bool = False
    concurrency: int = DEFAULT_CONCURRENCY
    fail_on: FailOn = FailOn.HIGH_RISK
    allow: tuple[str, ...] = ()
    ignore: tuple[str, ...] = ()
    #: Globs of names a private index serves: never looked up publicly (issue 12 applies them).
    private: tuple[str, ...] = ()
    #: Globs of paths `check` does not discover (issue 12 applies them).
    exclude: tuple[str, ...] = ()
    patterns: tuple[str, ...] = ()
    allow_unverified: bool = False
    verify_popular: bool = False
    deadline: float = DEFAULT_DEADLINE
    max_names: int = DEFAULT_MAX_NAMES
    body_budget_mb: int = DEFAULT_BODY_BUDGET_MB
    crates_rate: float | None = None  # requests/s to the crates host; None: policy default
    feed: FeedMode = FeedMode.AUTO
    feed_max_age: float = 7.0  # days after the feed's data_as_of before it is stale
    no_color: bool = False
    follow_outside: bool = False
    #: The config files read, in the order applied (reports name them).
    config_files: tuple[str, ...] = field(default=(), compare=False)
    #: With ``--since``: entries the change adds to allow, ignore or private (not applied).
    config_weakened: tuple[Weakening, ...] = field(default=(), compare=False)

    def __post_init__(self) -> None:
        if self.cache_dir is not None and not isinstance(self.cache_dir, str):
            object.__setattr__(self, "cache_dir", os.fspath(self.cache_dir))  # a Path given
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
        if not self.feed_max_age >= 0:
            raise ConfigError("feed max age must be a non-negative number of days")
        for setting in _URLS:
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
    def config_file(self) -> str | None:
        """The last config file applied (the repository's, when there is one), or None."""
        return self.config_files[-1] if self.config_files else None

    @property
    def resolved_cache_dir(self) -> str:
        """The cache directory: the configured one, else the platform's user cache dir."""
        if self.cache_dir is not None:
            return self.cache_dir
        from phantom_guard.userdirs import user_cache_dir

        return user_cache_dir()

    def origin(self, registry: str) -> str:
        """Where this registry's answers come from: the base URL(s) its cache rows are keyed by
        (npm's download counts come from a second service and decide WIDELY_USED).
        """
        facts = FACTS[Registry(registry)]  # ValueError for an unknown registry
        return " ".join(getattr(self, url.key) for url in facts.urls)

    def with_overrides(self, **changes: Any) -> Settings:
        """A copy with the given fields replaced (command-line options win over everything)."""
        return replace(self, **{k: v for k, v in changes.items() if v is not None})

    @classmethod
    def load(
        cls,
        cwd: StrPath | None = None,
        env: Mapping[str, str] | None = None,
        *,
        config: StrPath | None = None,
        isolated: bool = False,
        user_config_dir: StrPath | None = None,
        repository_text: Callable[[str], bytes | None] | None = None,
    ) -> Settings:
        """Read the user's config, then the repository's (or `config`), then the environment.

        `isolated` reads no config file at all. `repository_text` reads a repository config
        candidate (None: it does not exist), so ``check --since REF`` can read them at REF.
        """
        env = os.environ if env is None else env
        values: dict[str, Any] = {}
        files: list[str] = []
        if not isolated:
            user_file = os.path.join(user_config_dir or default_user_config_dir(), USER_CONFIG_NAME)
            if os.path.isfile(user_file):
                values.update(read_config(user_file, trusted=True).values)
                files.append(user_file)
            if config is not None:
                values.update(read_config(config, trusted=True).values)
                files.append(os.fspath(config))
            else:
                found = find_repository_config(cwd or os.getcwd(), read=repository_text)
                if found is not None:
                    values.update(found.values)
                    files.append(found.path)
        values.update(_read_env(env))
        values["config_files"] = tuple(files)
        try:
            return cls(**values)
        except TypeError as exc:  # a wrong type in a config file
            raise ConfigError(f"invalid configuration: {exc}") from None


def _user_config_file() -> str:
    return os.path.join(default_user_config_dir(), USER_CONFIG_NAME)


def default_user_config_dir() -> str:
    """``phantom-guard`` in the platform's user config dir (``$XDG_CONFIG_HOME`` on Linux)."""
    from phantom_guard.userdirs import user_config_dir

    return user_config_dir()


@record
class ConfigFile:
    """One config file read: its settings and the raw text (for line numbers)."""

    path: str
    values: dict[str, Any]
    text: str


def find_config_file(start: StrPath) -> str | None:
    """The nearest repository config from `start` up to the repository root, or None."""
    found = find_repository_config(start, parse=False)
    return found.path if found is not None else None


def find_repository_config(
    start: StrPath,
    *,
    read: Callable[[str], bytes | None] | None = None,
    parse: bool = True,
) -> ConfigFile | None:
    """The nearest ``.phantom-guard.toml`` or ``pyproject.toml`` with our table.

    Searched from `start` up to the repository root (the folder holding ``.git``); outside a
    repository only `start` itself: a config in a shared parent folder is not the project's.
    """
    from phantom_guard.files import repository_root

    folder = os.path.abspath(start)
    root = repository_root(folder)
    tree = root or folder  # what a candidate may resolve into
    reader = read or (lambda candidate: _read_disk_candidate(candidate, tree))
    while True:
        for candidate in (os.path.join(folder, _DOTFILE), os.path.join(folder, "pyproject.toml")):
            data = reader(candidate)
            if data is None:
                continue
            # Most pyproject.toml files have no table of ours: skip them without parsing.
            if _is_pyproject(candidate) and b"phantom-guard" not in data:
                continue
            found = parse_config(candidate, data, trusted=False)
            if found is not None:
                return found if parse else ConfigFile(candidate, {}, "")
        parent = os.path.dirname(folder)
        if root is None or folder in (root, parent):
            return None
        folder = parent


def _is_pyproject(path: str) -> bool:
    return os.path.basename(path) == "pyproject.toml"


def _read_disk_candidate(path: str, root: str) -> bytes | None:
    if not os.path.lexists(path):
        return None
    from phantom_guard.errors import SourceError
    from phantom_guard.files import read_confined

    try:
        return read_confined(path, root=root, limit=MAX_CONFIG_BYTES)
    except SourceError as exc:  # a symlink out of the tree, a FIFO, too big
        raise ConfigError(f"cannot read config: {exc}") from None


def read_config(path: StrPath, *, trusted: bool) -> ConfigFile:
    """Read and check one config file (`trusted`: the user's own, may set every key)."""
    from phantom_guard.errors import SourceError
    from phantom_guard.files import read_confined

    try:
        data = read_confined(path, root=None, limit=MAX_CONFIG_BYTES)
    except SourceError as exc:
        raise ConfigError(f"cannot read config: {exc}") from None
    found = parse_config(path, data, trusted=trusted)
    return found if found is not None else ConfigFile(os.fspath(path), {}, "")


def parse_config(path: StrPath, data: bytes, *, trusted: bool) -> ConfigFile | None:
    """The settings a config file's bytes hold; a repository's may not set `TRUSTED_ONLY` keys.

    None: a ``pyproject.toml`` without a ``[tool.phantom-guard]`` table.
    """
    from phantom_guard import config_memo
    from phantom_guard.files import shown

    path = os.fspath(path)
    where = shown(path)
    try:
        text = data.decode("utf-8-sig")
    except UnicodeDecodeError as exc:
        raise ConfigError(f"{where}: cannot read config: {shown(str(exc))}") from None
    known, table = config_memo.recall(path, text)
    if not known:
        table = _parse_table(path, text, where)
        config_memo.remember(path, text, table)
    if table is None:  # a pyproject.toml without our table
        return None
    if not isinstance(table, dict):
        raise ConfigError(f"{where}: [tool.phantom-guard] must be a table")
    if not trusted:
        for key in table:
            if key in TRUSTED_ONLY:
                raise ConfigError(
                    f"{where}: {shown(key)} cannot be set in a repository's config (a scanned "
                    f"repository is untrusted input); set it with {TRUSTED_ONLY[key]} or in "
                    f"your own config file {shown(_user_config_file())}"
                )
    unknown = set(table) - set(_PARSERS)
    if unknown:
        keys = ", ".join(shown(k) for k in sorted(unknown))
        raise ConfigError(f"{where}: unknown config keys: {keys}")
    values = {key: _PARSERS[key](where, key, value) for key, value in table.items()}
    # A bare name is a PyPI name: the only registries a config file implies are pyproject's and
    # none (.phantom-guard.toml, the user's). Other registries' names are given as Package URLs.
    for key in ("allow", "ignore"):
        if key in values:
            values[key] = tuple(_as_pypi(entry) for entry in values[key])
    return ConfigFile(path, values, text)


def _parse_table(path: str, text: str, where: str) -> object:
    """The config table in `text`: the whole document, or a ``pyproject.toml``'s
    ``[tool.phantom-guard]`` (None when it has none).
    """
    import tomllib  # only when there is a file the memo does not know

    from phantom_guard.files import shown

    try:
        document = tomllib.loads(text)
    except tomllib.TOMLDecodeError as exc:
        raise ConfigError(f"{where}: cannot read config: {shown(str(exc))}") from None
    if not _is_pyproject(path):
        return document
    tool = document.get("tool", {})
    if not isinstance(tool, dict) or "phantom-guard" not in tool:
        return None
    return tool["phantom-guard"]


def _as_pypi(entry: str) -> str:
    return entry if entry.startswith("pkg:") else f"pkg:pypi/{entry}"


def weakened_entries(before: ConfigFile | None, after: ConfigFile | None) -> list[Weakening]:
    """Entries `after` adds to allow, ignore or private that `before` did not have."""
    if after is None:
        return []
    found: list[Weakening] = []
    for key in WEAKENING_KEYS:
        old = set(before.values.get(key, ())) if before is not None else set()
        for entry in after.values.get(key, ()):
            if entry not in old:
                found.append(Weakening(key, entry, after.path, _line_of(after.text, entry)))
    return found


@record
class Weakening:
    """One entry a change added to a list that exempts names from the check."""

    key: str
    entry: str
    file: str
    line: int | None


def _line_of(text: str, entry: str) -> int | None:
    """The first line quoting `entry` (a bare PyPI entry was stored as its Package URL)."""
    bare = entry.removeprefix("pkg:pypi/")
    for candidate in (entry, bare):
        for quote in ('"', "'"):
            index = text.find(f"{quote}{candidate}{quote}")
            if index >= 0:
                return text.count("\n", 0, index) + 1
    return None


def _strings(where: str, key: str, value: object) -> tuple[str, ...]:
    if not isinstance(value, list) or not all(isinstance(v, str) for v in value):
        raise ConfigError(f"{where}: {key} must be a list of strings")
    return tuple(value)


def _fail_on_value(where: str, key: str, value: object) -> FailOn:
    return _fail_on(str(value), where)


def _int(where: str, key: str, value: object) -> int:
    return int(_number(where, key, value))


def _float(where: str, key: str, value: object) -> float:
    return float(_number(where, key, value))


def _bool(where: str, key: str, value: object) -> bool:
    if not isinstance(value, bool):
        raise ConfigError(f"{where}: {key} must be true or false")
    return value


def _url_value(where: str, key: str, value: object) -> str:
    if not isinstance(value, str):
        raise ConfigError(f"{where}: {key} must be a URL")
    return _url(value)


def _path(where: str, key: str, value: object) -> str:
    if not isinstance(value, str) or not value:
        raise ConfigError(f"{where}: {key} must be a path")
    return os.path.expanduser(value)


#: Every key a config file may hold, and how its value is read.
_PARSERS: dict[str, Callable[[str, str, object], Any]] = {
    "allow": _strings,
    "ignore": _strings,
    "private": _strings,
    "exclude": _strings,
    "patterns": _strings,
    "fail_on": _fail_on_value,
    "concurrency": _int,
    "timeout": _float,
    "allow_unverified": _bool,
    **dict.fromkeys((url.key for url in _URLS), _url_value),
    "cache_dir": _path,
}


_ENV_NUMBERS: tuple[tuple[str, str, type[int] | type[float]], ...] = (
    ("PHANTOM_GUARD_DEADLINE", "deadline", float),
    ("PHANTOM_GUARD_MAX_NAMES", "max_names", int),
    ("PHANTOM_GUARD_BODY_BUDGET_MB", "body_budget_mb", int),
    ("PHANTOM_GUARD_CRATES_RATE", "crates_rate", float),
)


def _read_env(env: Mapping[str, str]) -> dict[str, Any]:
    values: dict[str, Any] = {}
    for setting in _URLS:
        if env.get(setting.env):
            values[setting.key] = _url(env[setting.env])
    if env.get("PHANTOM_GUARD_CACHE_DIR"):
        values["cache_dir"] = env["PHANTOM_GUARD_CACHE_DIR"]
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


def _number(where: str, key: str, value: object) -> int | float:
    if isinstance(value, bool) or not isinstance(value, int | float):
        raise ConfigError(f"{where}: {key} must be a number")
    return value


def _url(value: str) -> str:
    return value.rstrip("/")
