"""Private index awareness: which names a non-public index serves, from what each package
manager itself would read, so that those names never reach a public registry.

`load` reads the configuration (pip, uv, Poetry, Pipenv, npm/pnpm/yarn, Cargo) and returns an
`IndexPolicy`; `IndexPolicy.triage` is pure and sorts refs into: check publicly, skip as
private, FOREIGN_SOURCE (a lock entry from a host no configuration names), exposed to dependency
confusion, or "answer locally or skip" (the primary index itself is private).
"""

from __future__ import annotations

import os

from phantom_guard import lazyre
from phantom_guard.errors import InputError
from phantom_guard.files import folders_up, normal_path
from phantom_guard.model import PackageRef, Registry, Skipped
from phantom_guard.names import normalize
from phantom_guard.records import field, record
from phantom_guard.registry import endpoints

TYPE_CHECKING = False  # typing.TYPE_CHECKING, without importing typing on the check path
if TYPE_CHECKING:
    from collections.abc import Callable, Iterable, Mapping, Sequence
    from typing import Any, TypeGuard

    from phantom_guard.settings import StrPath
    from phantom_guard.sources import IndexOption

_PURL_TYPES = {"pypi": Registry.PYPI, "npm": Registry.NPM, "cargo": Registry.CRATES}
_CARGO_PUBLIC = "crates-io"


@record
class Index:
    """A package index some configuration names: its URL, and where it is configured."""

    url: str
    origin: str
    #: When names it serves can also come from the public index: why, and the fix.
    exposure: str | None = None

    @property
    def host(self) -> str:
        """The host (and port) of the URL, lowercased; the path for a ``file:`` URL."""
        return host_of(self.url)


@record
class Exposed:
    """A private name the public index could serve too (dependency confusion)."""

    ref: PackageRef
    index: Index


@record
class Foreign:
    """A lock entry fetched from a host that no configuration names."""

    ref: PackageRef
    host: str


@record(frozen=False)
class Triage:
    """Refs sorted by what may be done with them."""

    check: list[PackageRef] = field(default_factory=list)
    skipped: list[Skipped] = field(default_factory=list)
    foreign: list[Foreign] = field(default_factory=list)
    exposed: list[Exposed] = field(default_factory=list)
    #: The primary index is private: each may be answered locally, never looked up publicly.
    local_only: list[tuple[PackageRef, Skipped]] = field(default_factory=list)
    #: Every ref skipped as private, with the reason (to skip its other declarations too).
    private_refs: list[tuple[PackageRef, str]] = field(default_factory=list)
    #: The configured index behind each private, local-only or exposed decision.
    via: list[tuple[PackageRef, Index]] = field(default_factory=list)


@record(frozen=False)
class IndexPolicy:
    """What the configuration says about indexes, per registry."""

    #: A non-public primary index: names not answered locally are not looked up publicly.
    primary: dict[Registry, Index] = field(default_factory=dict)
    #: npm scopes (``@acme``) served by a non-public registry.
    scopes: dict[str, Index] = field(default_factory=dict)
    #: Names a configuration pins to a non-public index, by (registry, normalized name).
    names: dict[tuple[Registry, str], Index] = field(default_factory=dict)
    #: Every non-public index a configuration names, by host.
    hosts: dict[str, Index] = field(default_factory=dict)
    #: The ``private`` config key: globs, bare (any registry) or ``pkg:TYPE/glob``.
    private: tuple[str, ...] = ()
    #: URL bases of the public indexes (the registries' and the ones Settings point at).
    public: dict[Registry, tuple[str, ...]] = field(default_factory=dict)
    #: How configuration files are read (`read_config` from disk; a git revision's text).
    # A lambda: read_config is defined further down this module.
    reader: Callable[[str], str | None] = field(
        default=lambda path: read_config(path),  # noqa: PLW0108
        repr=False,
    )
    #: The configuration files that were read, in order.
    read: list[str] = field(default_factory=list)

    def text(self, path: str) -> str | None:
        """A configuration file's text through `reader` (None: absent), noting it in `read`."""
        found = self.reader(path)
        if found is not None:
            self.read.append(path)
        return found

    def add(self, index: Index) -> Index:
        """Record a configured index (public ones are not recorded) and return it."""
        self.hosts.setdefault(index.host, index)
        return index

    def is_public(self, url: str, registry: Registry) -> bool:
        """Whether `url` is (under) one of the public indexes of `registry`."""
        prefixes, bases = _bases(self.public.get(registry, ()))
        if url.startswith(prefixes):
            return True  # what most lock entries say: no need to parse the URL
        target = _parts(url)
        return any(_under(target, base) for base in bases)

    def triage(
        self, refs: Iterable[PackageRef], options: Mapping[str, Sequence[IndexOption]] = {}
    ) -> Triage:
        """Sort refs (see `Triage`). `options` are the index options of requirements files, by
        the file a ref was declared in ("" for refs declared on a command line).
        """
        out = Triage()
        public_route, check, one = self._public_route, out.check.append, self._one
        # A lock file's usual entry is decided here, by one test instead of `_public_route`'s
        # three calls: it names a URL under a public index's prefix, and no setting can pin or
        # hide its name (no ``private``, no name or scope pinned to another index).
        prefixes = (
            {}
            if self.private or self.names or self.scopes
            else {registry: _bases(urls)[0] for registry, urls in self.public.items()}
        )
        for ref in refs:
            index = ref.index
            if index is not None and index.startswith(prefixes.get(ref.registry, ())):
                check(ref)
                continue
            declared = options.get(ref.source.file if ref.source else "", ()) if options else ()
            if public_route(ref, declared):
                check(ref)  # the commonest case: no name to normalize, nothing to note
            else:
                one(ref, out, declared)
        # A name private in one place is private everywhere: no other declaration of it (a
        # manifest line without index information) may send it to the public registry.
        private: dict[tuple[Registry, str], str] = {}
        for exposed in out.exposed:
            private.setdefault(_key(exposed.ref), _private_reason(exposed.ref, exposed.index))
        for private_ref, why in out.private_refs:
            private.setdefault(_key(private_ref), why)
        if not private:
            return out
        still: list[PackageRef] = []
        for ref in out.check:
            reason = private.get(_key(ref))
            if reason is None:
                still.append(ref)
            else:
                out.skipped.append(Skipped(_spec(ref), reason, ref.source))
        out.check = still
        return out

    def _one(self, ref: PackageRef, out: Triage, options: Sequence[IndexOption]) -> None:
        """Sort a ref `_public_route` does not send straight to the check list."""
        registry = ref.registry
        try:
            normalized = str(normalize(ref.name, registry))
        except InputError:
            out.check.append(ref)  # the detector reports it as an input error
            return
        spec = _spec(ref)
        glob = self._private_glob(registry, normalized)
        if glob is not None:
            reason = f"private: {ref.name} (config private = {glob!r})"
            out.skipped.append(Skipped(spec, reason, ref.source))
            out.private_refs.append((ref, reason))
            return
        pinned = self.names.get((registry, normalized))
        if pinned is None and registry is Registry.NPM and ref.name.startswith("@"):
            pinned = self.scopes.get(ref.name.split("/", 1)[0].lower())
        if ref.index is not None and pinned is None:
            if not self.is_public(ref.index, registry):
                host = host_of(ref.index)
                configured = self.hosts.get(host)
                if configured is None:
                    out.foreign.append(Foreign(ref, host))
                    return
                pinned = configured
                if registry is Registry.NPM and not ref.name.startswith("@"):
                    pinned = Index(
                        configured.url,
                        configured.origin,
                        "an unscoped name served by a private registry can be registered on the"
                        " public one; fix: publish it under a scope (@yourorg/name) mapped to"
                        " that registry",
                    )
            else:
                out.check.append(ref)
                return
        if pinned is not None:
            out.via.append((ref, pinned))
            if pinned.exposure is not None:
                out.exposed.append(Exposed(ref, pinned))
            else:
                reason = _private_reason(ref, pinned)
                out.skipped.append(Skipped(spec, reason, ref.source))
                out.private_refs.append((ref, reason))
            return
        primary = self._primary(registry, options)
        if primary is None:
            out.check.append(ref)
        elif primary.url == "":
            out.skipped.append(Skipped(spec, f"no index: {primary.origin}", ref.source))
        else:
            reason = f"private: primary index {primary.host} ({primary.origin})"
            out.local_only.append((ref, Skipped(spec, reason, ref.source)))
            out.via.append((ref, primary))

    def _public_route(self, ref: PackageRef, options: Sequence[IndexOption]) -> bool:
        """Whether `ref` is checked publicly whatever its name normalizes to (else `_one` sorts
        it): no ``private`` glob, no name or scope pinned elsewhere, and the ref's lock entry
        names a public index (or it names none and the primary index is public).
        """
        if self.private or self.names:
            return False
        registry = ref.registry
        if self.scopes and registry is Registry.NPM and ref.name.startswith("@"):
            return False
        if ref.index is not None:
            return self.is_public(ref.index, registry)
        return not options and registry not in self.primary

    def _primary(self, registry: Registry, options: Sequence[IndexOption]) -> Index | None:
        """The primary index for refs of a requirements file with `options`, if non-public."""
        for option in reversed(options):
            origin = f"{option.option} in {option.source.file}"
            if option.option == "no-index":
                return Index("", f"--no-index in {option.source.file}")
            if option.option == "index-url":
                return None if self.is_public(option.url, registry) else Index(option.url, origin)
        return self.primary.get(registry)

    def _private_glob(self, registry: Registry, normalized: str) -> str | None:
        for glob in self.private:
            if glob.startswith("pkg:"):
                kind, _, pattern = glob[4:].partition("/")
                if _PURL_TYPES.get(kind.lower()) is not registry:
                    continue
                from urllib.parse import unquote

                pattern = unquote(pattern)
            else:
                pattern = glob
            import fnmatch  # only with a ``private`` setting

            if fnmatch.fnmatchcase(normalized, pattern.lower()):
                return glob
        return None


def _key(ref: PackageRef) -> tuple[Registry, str]:
    try:
        return ref.registry, str(normalize(ref.name, ref.registry))
    except InputError:
        return ref.registry, ref.name


def _spec(ref: PackageRef) -> str:
    if ref.version is None:
        return ref.name
    return (
        f"{ref.name}=={ref.version}"
        if ref.registry is Registry.PYPI
        else (f"{ref.name}@{ref.version}")
    )


def _private_reason(ref: PackageRef, index: Index) -> str:
    what = ref.name
    if ref.registry is Registry.NPM and ref.name.startswith("@") and "/" in ref.name:
        what = ref.name.split("/", 1)[0]
    return f"private: {what} -> {index.host} ({index.origin})"


def host_of(url: str) -> str:
    """The lowercased host[:port] of an index URL (``registry+``/``sparse+`` dropped)."""
    scheme, netloc, path = _parts(url)
    return netloc or f"{scheme}:{path}"


def _parts(url: str) -> tuple[str, str, str]:
    """(scheme, host[:port], path without trailing slashes) of an index URL, lowercased but
    the path, as `urllib.parse.urlsplit` finds them.
    """
    url = url.strip()
    for prefix in ("registry+", "sparse+"):
        url = url.removeprefix(prefix)
    plain = _plain_parts(url)
    if plain is not None:
        return plain
    from urllib.parse import urlsplit

    split = urlsplit(url)
    netloc = split.netloc.rpartition("@")[2].lower()  # credentials are not part of the host
    return split.scheme.lower(), netloc, split.path.rstrip("/")


#: The schemes, spelled in lowercase, and the characters after ``://`` (printable ASCII less
#: the ones with a meaning of their own: ``@`` credentials, ``[]`` IPv6, ``%`` escapes,
#: backslashes) of a URL `_plain_parts` splits. Anything else goes to urlsplit.
_PLAIN_SCHEMES = frozenset({"https", "http", "file"})
_PLAIN_URL = frozenset(map(chr, range(0x21, 0x7F))) - set("@[]%\\")


def _plain_parts(url: str) -> tuple[str, str, str] | None:
    """`_parts` of a plain ``https://host/path`` (``http``, ``file``) URL without importing
    urllib (~4 ms with ipaddress); None for anything else, which urlsplit splits. For such a URL
    urlsplit's rule is short: the netloc runs from ``//`` to the first ``/``, ``?`` or ``#``;
    the path from there to the first ``?`` or ``#``.
    """
    scheme, colon_slashes, rest = url.partition("://")
    if not colon_slashes or scheme not in _PLAIN_SCHEMES:
        return None
    if not _PLAIN_URL.issuperset(rest):
        return None
    end = len(rest)
    for delimiter in "/?#":
        found = rest.find(delimiter)
        if found != -1 and found < end:
            end = found
    path = rest[end:]
    for delimiter in "?#":
        path = path.partition(delimiter)[0]
    return scheme, rest[:end].lower(), path.rstrip("/")


_Bases = tuple[tuple[str, ...], tuple[tuple[str, str, str], ...]]
# A dict, not functools.lru_cache: importing functools costs ~10 million instructions, more
# than a lock file's whole triage. A run has one or two sets of public URLs; tests, more.
_PARSED_BASES: dict[tuple[str, ...], _Bases] = {}
_MAX_PARSED_BASES = 16


def _bases(urls: tuple[str, ...]) -> _Bases:
    """Public index URLs parsed once: their parts, and for each with a host the prefix
    ``scheme://host/path/`` -- a URL that starts with it is under it by `_under`'s rule, since
    the prefix fixes the scheme, the host and the leading path segments `_parts` would find.
    """
    if (known := _PARSED_BASES.get(urls)) is None:
        if len(_PARSED_BASES) >= _MAX_PARSED_BASES:
            _PARSED_BASES.clear()
        known = _PARSED_BASES[urls] = _parse_bases(urls)
    return known


def _parse_bases(urls: tuple[str, ...]) -> _Bases:
    parts = tuple(_parts(url) for url in urls)
    prefixes = tuple(f"{scheme}://{netloc}{path}/" for scheme, netloc, path in parts if netloc)
    return prefixes, parts


def _under(target: tuple[str, str, str], base: tuple[str, str, str]) -> bool:
    if not base[1] or target[1] != base[1]:
        return False
    return target[2] == base[2] or target[2].startswith(base[2] + "/") or not base[2]


def public_bases(pypi_url: str, npm_url: str, crates_url: str) -> dict[Registry, tuple[str, ...]]:
    """The public indexes' URL bases: the registries' own, and the hosts Settings point at (a
    mirror the user checks against counts as public: names go there anyway).
    """

    def root(url: str) -> str:
        scheme, netloc, _ = _parts(url)
        return f"{scheme}://{netloc}/"

    return {
        Registry.PYPI: (*endpoints.PYPI_INDEX_URLS, root(pypi_url)),
        Registry.NPM: (*endpoints.NPM_INDEX_URLS, root(npm_url)),
        Registry.CRATES: (*endpoints.CRATES_INDEX_URLS, root(crates_url)),
    }


# ---- reading each package manager's configuration ------------------------------------------


@record
class Environment:
    """Where configuration lives: variables, the home folder, the system config folder."""

    env: Mapping[str, str]
    home: StrPath
    etc: StrPath = "/etc"

    @classmethod
    def current(cls) -> Environment:
        """The running process's environment (home: what ``pathlib.Path.home()`` gives)."""
        return cls(dict(os.environ), os.path.expanduser("~"))


def read_config(path: StrPath) -> str | None:
    """A config file's text, or None when it is absent or unreadable (the manager skips it too)."""
    try:
        if not os.path.isfile(path):
            return None
        from phantom_guard.sources import read_text

        return read_text(path)
    except (OSError, InputError):
        return None


def load(
    files: Sequence[StrPath],
    environment: Environment,
    *,
    public: dict[Registry, tuple[str, ...]],
    private: Sequence[str] = (),
    reader: Callable[[str], str | None] = read_config,
) -> IndexPolicy:
    """The index policy for a scan of `files` (the dependency files found); `reader` reads
    each configuration file (None: absent).

    Paths are strings (`os.path`): a hook's or CI step's ``check FILE`` needs no pathlib.
    """
    policy = IndexPolicy(private=tuple(private), public=public, reader=reader)
    named = [normal_path(file) for file in files]
    folders = list(dict.fromkeys(_folder(file) for file in named))
    _pip(policy, environment)
    for file in named:
        name = os.path.basename(file)
        if name == "pyproject.toml":
            _pyproject(policy, file)
        elif name == "Pipfile":
            _pipfile(policy, file)
        elif name == "Cargo.toml":
            _cargo_manifest(policy, file)
    _uv_env(policy, environment.env)
    if any(_is_npm(file) for file in named):
        _npm(policy, environment, [_folder(f) for f in named if _is_npm(f)])
    if any(os.path.basename(file).startswith("Cargo.") for file in named):
        _cargo(policy, environment, folders)
    return policy


def _folder(file: str) -> str:
    """The real folder holding `file` (pathlib's ``file.resolve().parent``)."""
    return os.path.dirname(os.path.realpath(file))


def _is_npm(file: str) -> bool:
    return os.path.basename(file) in (
        "package.json",
        "package-lock.json",
        "npm-shrinkwrap.json",
        "yarn.lock",
        "pnpm-lock.yaml",
    )


def _toml(policy: IndexPolicy, path: str) -> dict[str, Any]:
    text = policy.text(path)
    if text is None:
        return {}
    import tomllib  # only when a TOML configuration file exists

    try:
        return tomllib.loads(text)
    except (tomllib.TOMLDecodeError, RecursionError, ValueError):
        return {}


def _display(path: str) -> str:
    try:
        return os.path.relpath(path)
    except ValueError:
        return str(path)


def _urls(value: object) -> list[str]:
    if isinstance(value, str):
        return value.split()
    if isinstance(value, list):
        return [item for item in value if isinstance(item, str)]
    return []


def _primary(policy: IndexPolicy, registry: Registry, index: Index) -> None:
    """A primary index: private unless it is the public one (a later call overrides)."""
    if policy.is_public(index.url, registry):
        policy.primary.pop(registry, None)
    else:
        policy.primary[registry] = policy.add(index)


def _extra(policy: IndexPolicy, registry: Registry, index: Index) -> None:
    if not policy.is_public(index.url, registry):
        policy.add(index)


# pip: "the configuration files are loaded in order global, user, site", then PIP_CONFIG_FILE;
# environment variables PIP_<OPTION> override every file; os.devnull as PIP_CONFIG_FILE means none.
def _pip_files(environment: Environment) -> list[str]:
    env = environment.env
    join = os.path.join
    files: list[str] = []
    config_file = env.get("PIP_CONFIG_FILE")
    if config_file != os.devnull:
        dirs = env.get("XDG_CONFIG_DIRS") or join(environment.etc, "xdg")
        files += [join(d, "pip", "pip.conf") for d in dirs.split(os.pathsep) if d]
        files.append(join(environment.etc, "pip.conf"))
        files.append(join(environment.home, ".pip", "pip.conf"))
        xdg_home = env.get("XDG_CONFIG_HOME") or join(environment.home, ".config")
        files.append(join(xdg_home, "pip", "pip.conf"))
        if env.get("VIRTUAL_ENV"):
            files.append(join(env["VIRTUAL_ENV"], "pip.conf"))
        if config_file:
            files.append(config_file)
    return files


def _pip(policy: IndexPolicy, environment: Environment) -> None:
    env = environment.env
    files = _pip_files(environment)
    index_url: tuple[str, str] | None = None
    extras: list[tuple[str, str]] = []
    no_index: str | None = None
    for path in files:
        text = policy.text(path)
        if text is None:
            continue
        sections = _pip_sections(path, text)
        if sections is None:
            continue
        origin = f"pip.conf {_display(path)}"
        for options in sections:
            if "index-url" in options:
                index_url = (options["index-url"].strip(), origin)
            if "extra-index-url" in options:
                extras = [(u, origin) for u in options["extra-index-url"].split()]
            if "no-index" in options:
                value = options["no-index"].strip().lower()
                no_index = origin if value in ("1", "true", "yes", "on") else None
    if env.get("PIP_INDEX_URL"):
        index_url = (env["PIP_INDEX_URL"].strip(), "PIP_INDEX_URL")
    if env.get("PIP_EXTRA_INDEX_URL"):
        extras = [(u, "PIP_EXTRA_INDEX_URL") for u in env["PIP_EXTRA_INDEX_URL"].split()]
    if env.get("PIP_NO_INDEX"):
        value = env["PIP_NO_INDEX"].strip().lower()
        no_index = "PIP_NO_INDEX" if value in ("1", "true", "yes", "on") else None
    if no_index is not None:
        policy.primary[Registry.PYPI] = Index("", no_index)
    elif index_url is not None and index_url[0]:
        _primary(policy, Registry.PYPI, Index(index_url[0], index_url[1]))
    public_primary = Registry.PYPI not in policy.primary
    for url, origin in extras:
        exposure = None
        if public_primary:
            exposure = (
                "pip merges --extra-index-url with the public index and installs the highest"
                " version from either; fix: serve it from --index-url only, or use uv with an"
                " explicit index"
            )
        _extra(policy, Registry.PYPI, Index(url, origin, exposure))


#: The pip.conf sections and options `_pip` reads, in pip's order (install overrides global).
_PIP_SECTIONS = ("global", "install")
_PIP_OPTIONS = ("index-url", "extra-index-url", "no-index")


def _pip_sections(path: str, text: str) -> list[dict[str, str]] | None:
    """The `_PIP_OPTIONS` set in each of `_PIP_SECTIONS` a pip.conf has, as pip's own reader
    (configparser) finds them; None if it cannot parse the file (pip skips it).

    Remembered in `config_memo` by the file's exact text: importing configparser costs ~7 ms
    (with `re`), and a CI machine or a developer's may hold a pip.conf every run reads.
    """
    from phantom_guard import config_memo

    key = f"{path}\0pip.conf"  # NUL: never in a path, so never a config file's key
    known, table = config_memo.recall(key, text)
    if known and (table is None or _pip_table(table)):
        return table
    import configparser  # a pip.conf not seen before

    parser = configparser.RawConfigParser()
    try:
        parser.read_string(text)
    except configparser.Error:
        sections = None
    else:
        sections = [
            {
                name: parser.get(section, name)
                for name in _PIP_OPTIONS
                if parser.has_option(section, name)
            }
            for section in _PIP_SECTIONS
            if parser.has_section(section)
        ]
    config_memo.remember(key, text, sections)
    return sections


def _pip_table(table: object) -> TypeGuard[list[dict[str, str]]]:
    """Whether a remembered table has the shape `_pip_sections` returns."""
    return isinstance(table, list) and all(
        isinstance(options, dict) and all(isinstance(v, str) for v in options.values())
        for options in table
    )


def _requirements_public(policy: IndexPolicy, options: Sequence[IndexOption]) -> None:
    """Hosts named by index options in requirements files count as configured."""
    for option in options:
        if option.option == "extra-index-url" and not policy.is_public(option.url, Registry.PYPI):
            exposure = None
            if not any(o.option == "index-url" for o in options):
                exposure = (
                    "pip merges --extra-index-url with the public index and installs the"
                    " highest version from either; fix: serve it from --index-url only"
                )
            policy.add(Index(option.url, f"--extra-index-url in {option.source.file}", exposure))
        elif option.option == "index-url" and not policy.is_public(option.url, Registry.PYPI):
            policy.add(Index(option.url, f"--index-url in {option.source.file}"))


def note_requirements_options(policy: IndexPolicy, options: Sequence[IndexOption]) -> None:
    """Record the indexes requirements files name (see `_requirements_public`)."""
    _requirements_public(policy, options)


def _pyproject(policy: IndexPolicy, path: str) -> None:
    data = _toml(policy, path)
    tool = data.get("tool") if isinstance(data.get("tool"), dict) else {}
    assert isinstance(tool, dict)
    _uv_project(policy, tool.get("uv"), _display(path))
    _poetry_project(policy, tool.get("poetry"), _display(path))


def _uv_project(policy: IndexPolicy, uv: object, where: str) -> None:
    """uv: ``[[tool.uv.index]]`` (``default = true`` replaces the public index; ``explicit``
    ones serve only the names ``[tool.uv.sources]`` pins to them), ``index-strategy``.
    """
    if not isinstance(uv, dict):
        return
    unsafe = uv.get("index-strategy") == "unsafe-best-match"
    named: dict[str, Index] = {}
    for entry in uv.get("index", []) if isinstance(uv.get("index"), list) else []:
        if not isinstance(entry, dict) or not isinstance(entry.get("url"), str):
            continue
        origin = f"[[tool.uv.index]] in {where}"
        exposure = None
        if unsafe and not entry.get("explicit") and not entry.get("default"):
            exposure = (
                'index-strategy = "unsafe-best-match" lets the public index win on version;'
                " fix: drop it, or pin the name with [tool.uv.sources] to an explicit = true index"
            )
        index = Index(entry["url"], origin, exposure)
        if entry.get("default") is True:
            _primary(policy, Registry.PYPI, index)
        else:
            _extra(policy, Registry.PYPI, index)
        if isinstance(entry.get("name"), str):
            named[entry["name"]] = index
    for key, primary in (("index-url", True), ("extra-index-url", False)):
        for url in _urls(uv.get(key)):
            index = Index(url, f"tool.uv.{key} in {where}")
            (_primary if primary else _extra)(policy, Registry.PYPI, index)
    sources = uv.get("sources")
    for name, spec in sources.items() if isinstance(sources, dict) else []:
        for item in spec if isinstance(spec, list) else [spec]:
            if isinstance(item, dict) and isinstance(item.get("index"), str):
                chosen = named.get(item["index"])
                if chosen is not None and not policy.is_public(chosen.url, Registry.PYPI):
                    _pin(policy, Registry.PYPI, name, Index(chosen.url, chosen.origin))


def _uv_env(policy: IndexPolicy, env: Mapping[str, str]) -> None:
    for variable in ("UV_DEFAULT_INDEX", "UV_INDEX_URL"):
        if env.get(variable):
            _primary(policy, Registry.PYPI, Index(_uv_url(env[variable]), variable))
    unsafe = env.get("UV_INDEX_STRATEGY") == "unsafe-best-match"
    for variable in ("UV_INDEX", "UV_EXTRA_INDEX_URL"):
        for entry in env.get(variable, "").split():
            exposure = (
                "UV_INDEX_STRATEGY=unsafe-best-match lets the public index win on version;"
                " fix: unset it"
                if unsafe
                else None
            )
            _extra(policy, Registry.PYPI, Index(_uv_url(entry), variable, exposure))


def _uv_url(entry: str) -> str:
    """``name=url`` or ``url`` (uv's UV_INDEX form)."""
    name, equals, url = entry.partition("=")
    return url if equals and "://" not in name else entry


def _poetry_project(policy: IndexPolicy, poetry: object, where: str) -> None:
    """Poetry sources: ``priority = "primary"`` (or legacy ``default = true``) replaces the
    public index; ``supplemental`` (and legacy ``secondary``) is consulted after it; ``explicit``
    serves only the dependencies that name it with ``source = "..."``.
    """
    if not isinstance(poetry, dict):
        return
    named: dict[str, Index] = {}
    sources = poetry.get("source")
    for entry in sources if isinstance(sources, list) else []:
        if not isinstance(entry, dict) or not isinstance(entry.get("url"), str):
            continue
        priority = entry.get("priority")
        if priority is None:
            if entry.get("default") is True:
                priority = "default"
            elif entry.get("secondary") is True:
                priority = "supplemental"
            else:
                priority = "primary"
        origin = f"[[tool.poetry.source]] {entry.get('name', '')} in {where}".replace("  ", " ")
        exposure = None
        if priority in ("supplemental", "secondary"):
            exposure = (
                "Poetry asks a supplemental source only after the public index; fix: make it"
                ' priority = "explicit" and set source = "..." on the dependency'
            )
        index = Index(entry["url"], origin, exposure)
        if priority in ("primary", "default"):
            _primary(policy, Registry.PYPI, index)
        else:
            _extra(policy, Registry.PYPI, index)
        if isinstance(entry.get("name"), str):
            named[entry["name"]] = index
    tables = [poetry.get("dependencies"), poetry.get("dev-dependencies")]
    groups = poetry.get("group")
    for group in groups.values() if isinstance(groups, dict) else []:
        if isinstance(group, dict):
            tables.append(group.get("dependencies"))
    for table in tables:
        for name, spec in table.items() if isinstance(table, dict) else []:
            for item in spec if isinstance(spec, list) else [spec]:
                if isinstance(item, dict) and isinstance(item.get("source"), str):
                    chosen = named.get(item["source"])
                    if chosen is not None and not policy.is_public(chosen.url, Registry.PYPI):
                        _pin(policy, Registry.PYPI, name, Index(chosen.url, chosen.origin))


def _pipfile(policy: IndexPolicy, path: str) -> None:
    """Pipenv: the first ``[[source]]`` is the primary index, the others extra; a package with
    ``index = "name"`` is installed from that source.
    """
    data = _toml(policy, path)
    named: dict[str, Index] = {}
    sources = data.get("source")
    where = _display(path)
    for position, entry in enumerate(sources if isinstance(sources, list) else []):
        if not isinstance(entry, dict) or not isinstance(entry.get("url"), str):
            continue
        index = Index(entry["url"], f"[[source]] in {where}")
        if position == 0:
            _primary(policy, Registry.PYPI, index)
        else:
            _extra(policy, Registry.PYPI, index)
        if isinstance(entry.get("name"), str):
            named[entry["name"]] = index
    for category, table in data.items():
        if category in ("source", "requires", "scripts", "pipenv") or not isinstance(table, dict):
            continue
        for name, spec in table.items():
            if isinstance(spec, dict) and isinstance(spec.get("index"), str):
                chosen = named.get(spec["index"])
                if chosen is not None and not policy.is_public(chosen.url, Registry.PYPI):
                    _pin(policy, Registry.PYPI, name, chosen)


def _pin(policy: IndexPolicy, registry: Registry, name: str, index: Index) -> None:
    try:
        normalized = str(normalize(name, registry))
    except InputError:
        return
    policy.names[(registry, normalized)] = policy.add(index)


def npmrc_setting(line: str) -> tuple[str, str] | None:
    """An .npmrc line's ``key = value`` (both stripped), or None for a comment (``;``, ``#``),
    a blank line or one without a key: what ``^\\s*([^=;#\\s][^=]*?)\\s*=\\s*(.*?)\\s*$``
    matches, without importing `re` (a user .npmrc is read by every npm check).
    """
    key, equals, value = line.lstrip().partition("=")
    if not equals or not key or key[0] in ";#":
        return None
    return key.rstrip(), value.strip()


def _npm(policy: IndexPolicy, environment: Environment, folders: Sequence[str]) -> None:
    """npm's config chain (builtin < global < user < project < environment), pnpm's too, and
    yarn 2+'s ``.yarnrc.yml``: ``registry`` and ``@scope:registry``.
    """
    join = os.path.join
    env = environment.env
    lower = {key.lower(): value for key, value in env.items()}
    user = lower.get("npm_config_userconfig") or join(environment.home, ".npmrc")
    files: list[str] = []
    if lower.get("npm_config_globalconfig"):
        files.append(lower["npm_config_globalconfig"])
    files.append(user)
    projects: list[str] = []
    for folder in folders:
        for parent in folders_up(folder):
            if os.path.isfile(join(parent, ".npmrc")) or os.path.isfile(
                join(parent, ".yarnrc.yml")
            ):
                projects.append(parent)
                break
            if os.path.exists(join(parent, ".git")):
                break
    for project in dict.fromkeys(projects):
        files.append(join(project, ".npmrc"))
    settings: dict[str, tuple[str, str]] = {}
    for path in files:
        text = policy.text(path)
        for line in (text or "").splitlines():
            setting = npmrc_setting(line)
            if setting is not None and setting[0].lower().endswith("registry"):
                value = setting[1].strip("\"'")
                settings[setting[0].lower()] = (_expand(value, env), f".npmrc {_display(path)}")
    for key, value in lower.items():
        if key.startswith("npm_config_") and key.endswith("registry") and value:
            settings[key.removeprefix("npm_config_")] = (value, key)
    for path in [
        join(environment.home, ".yarnrc.yml"),
        *(join(p, ".yarnrc.yml") for p in projects),
    ]:
        _yarnrc(policy, settings, path)
    if env.get("YARN_NPM_REGISTRY_SERVER"):
        settings["registry"] = (env["YARN_NPM_REGISTRY_SERVER"], "YARN_NPM_REGISTRY_SERVER")
    for key, (url, origin) in settings.items():
        if key == "registry":
            _primary(policy, Registry.NPM, Index(url, origin))
        elif key.startswith("@") and key.endswith(":registry"):
            index = Index(url, origin)
            if not policy.is_public(url, Registry.NPM):
                policy.scopes[key.removesuffix(":registry")] = policy.add(index)


def _yarnrc(policy: IndexPolicy, settings: dict[str, tuple[str, str]], path: str) -> None:
    text = policy.text(path)
    if text is None:
        return
    import yaml

    try:
        data = yaml.safe_load(text)
    except (yaml.YAMLError, RecursionError):
        return
    if not isinstance(data, dict):
        return
    origin = f".yarnrc.yml {_display(path)}"
    if isinstance(data.get("npmRegistryServer"), str):
        settings["registry"] = (data["npmRegistryServer"], origin)
    scopes = data.get("npmScopes")
    for scope, entry in scopes.items() if isinstance(scopes, dict) else []:
        if isinstance(entry, dict) and isinstance(entry.get("npmRegistryServer"), str):
            settings[f"@{str(scope).lstrip('@').lower()}:registry"] = (
                entry["npmRegistryServer"],
                origin,
            )


def _expand(value: str, env: Mapping[str, str]) -> str:
    """npm expands ``${VAR}`` in .npmrc values."""
    if "${" not in value:
        return value
    return lazyre.compiled(r"\$\{([^}]+)\}").sub(lambda m: env.get(m.group(1), ""), value)


def _cargo(policy: IndexPolicy, environment: Environment, folders: Sequence[str]) -> None:
    """Cargo reads ``.cargo/config.toml`` (or ``.cargo/config``) in the current folder and every
    parent, then ``$CARGO_HOME/config.toml``; ``[registries.NAME] index``, ``[registry] default``,
    and source replacement of crates-io (a mirror: the primary index is then private).
    """
    join = os.path.join
    env = environment.env
    paths: list[str] = []
    for folder in folders:
        for parent in folders_up(folder):
            paths += [join(parent, ".cargo", "config.toml"), join(parent, ".cargo", "config")]
    cargo_home = env.get("CARGO_HOME") or join(environment.home, ".cargo")
    paths += [join(cargo_home, "config.toml"), join(cargo_home, "config")]
    for path in dict.fromkeys(paths):
        data = _toml(policy, path)
        if not data:
            continue
        origin = f"{_display(path)}"
        registries = data.get("registries")
        for name, entry in registries.items() if isinstance(registries, dict) else []:
            if isinstance(entry, dict) and isinstance(entry.get("index"), str):
                _extra(
                    policy, Registry.CRATES, Index(entry["index"], f"{origin} [registries.{name}]")
                )
        registry = data.get("registry")
        if isinstance(registry, dict) and isinstance(registry.get("default"), str):
            default = registry["default"]
            if default != _CARGO_PUBLIC and isinstance(registries, dict):
                entry = registries.get(default)
                if isinstance(entry, dict) and isinstance(entry.get("index"), str):
                    _primary(policy, Registry.CRATES, Index(entry["index"], f"{origin} [registry]"))
        sources = data.get("source")
        if isinstance(sources, dict):
            _cargo_replacement(policy, sources, origin)
    for key, value in env.items():
        if key.startswith("CARGO_REGISTRIES_") and key.endswith("_INDEX") and value:
            _extra(policy, Registry.CRATES, Index(value, key))


def _cargo_replacement(policy: IndexPolicy, sources: dict[str, Any], origin: str) -> None:
    """``[source.crates-io] replace-with = "mirror"``: every crate comes from the mirror."""
    seen: set[str] = set()
    name = _CARGO_PUBLIC
    while isinstance(sources.get(name), dict) and name not in seen:
        seen.add(name)
        following = sources[name].get("replace-with")
        if not isinstance(following, str):
            break
        name = following
    if name == _CARGO_PUBLIC:
        return
    entry = sources.get(name)
    if not isinstance(entry, dict):
        return
    for key in ("registry", "local-registry", "directory"):
        value = entry.get(key)
        if isinstance(value, str):
            url = value if "://" in value else f"file://{value}"
            _primary(
                policy, Registry.CRATES, Index(url, f"{origin} [source.{name}] replaces crates-io")
            )
            return


def _cargo_manifest(policy: IndexPolicy, path: str) -> None:
    """``registry = "name"`` on a dependency of Cargo.toml: that crate comes from that registry
    (the parser skips it; this records the name so its lock entries are private too).
    """
    data = _toml(policy, path)
    tables: list[object] = []
    for key in ("dependencies", "dev-dependencies", "build-dependencies"):
        tables.append(data.get(key))
    workspace = data.get("workspace")
    if isinstance(workspace, dict):
        tables.append(workspace.get("dependencies"))
    targets = data.get("target")
    for target in targets.values() if isinstance(targets, dict) else []:
        if isinstance(target, dict):
            tables += [target.get(k) for k in ("dependencies", "dev-dependencies")]
    for table in tables:
        for name, spec in table.items() if isinstance(table, dict) else []:
            if isinstance(spec, dict) and isinstance(spec.get("registry"), str):
                real = spec.get("package", name)
                if isinstance(real, str):
                    where = f"registry = {spec['registry']!r} in {_display(path)}"
                    _pin(
                        policy, Registry.CRATES, real, Index(f"registry:{spec['registry']}", where)
                    )
