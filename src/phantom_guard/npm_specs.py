"""npm package specs: what ``name@spec`` points at -- a registry package, or somewhere else.

Shared by the ``package.json`` and npm lock file parsers and the install guard's npm grammar,
which reads ``npm install express`` before every command an agent runs: a plain name is told
with `str` methods, and `re` (most of such a run's import time) is imported only for a spec with
a ``/`` (the ``user/repo`` shorthand) or an ``npm:`` alias.
"""

from __future__ import annotations

from phantom_guard.lazyre import compiled

# Specs that point somewhere other than the registry, by their (lower-cased) start.
_NOT_REGISTRY = (
    ("workspace:", "workspace link"),
    ("file:", "local path"),
    ("link:", "local link"),
    ("portal:", "local portal"),
    ("exec:", "built by a script"),
    ("git+", "git dependency"),
    ("git://", "git dependency"),
    ("git@", "git dependency"),
    ("github:", "git dependency"),
    ("gitlab:", "git dependency"),
    ("bitbucket:", "git dependency"),
    ("gist:", "git dependency"),
    ("http://", "tarball URL"),
    ("https://", "tarball URL"),
    ("jsr:", "JSR package, not on the npm registry"),
)
# A path, not a name (npm-package-arg's ``^(?:\.\.?(?:[/\\]|$)|[/\\]|~[/\\]|[a-zA-Z]:[/\\])``):
_PATH_STARTS = ("/", "\\", "~/", "~\\", "./", ".\\", "../", "..\\")
_DRIVE_LETTERS = frozenset("ABCDEFGHIJKLMNOPQRSTUVWXYZabcdefghijklmnopqrstuvwxyz")
# npm-package-arg's test for the GitHub shorthand ``user/repo`` (optionally ``#ref``).
_HOSTED_SHORTHAND = r"^[^@%/\s.-][^:@%/\s]*/[^@\s/%]+(?:#.*)?$"
# A version range rather than a name (yarn berry writes ``npm:^1.2.0`` for the entry's own name).
_RANGE = r"^(?:[\^~<>=*]|[vV]?\d+(?:[.\s|]|$)|[xX](?:[.\s]|$))"


def _local_path(spec: str) -> bool:
    """``./x``, ``../x``, ``.``, ``/abs``, ``~/x``, ``C:\\x``: a folder or file, not a name."""
    if spec.startswith(_PATH_STARTS) or spec in (".", ".."):
        return True
    return len(spec) >= 3 and spec[0] in _DRIVE_LETTERS and spec[1] == ":" and spec[2] in "/\\"


def split_spec(spec: str) -> tuple[str, str | None]:
    """``name@range`` -> (name, range); a scope's ``@`` is part of the name, no ``@`` = no range."""
    at = spec.find("@", 1)
    if at == -1:
        return spec, None
    return spec[:at], spec[at + 1 :]


def spec_target(name: str, spec: str) -> tuple[str, None] | tuple[None, str]:
    """(registry name, None) for a spec npm resolves from the registry, else (None, why not).

    ``npm:real@range`` gives the real name (``npm:^1.2`` keeps `name`), ``patch:`` the patched
    package; ranges, tags and ``catalog:`` keep `name`. Workspace, path, link, portal, git,
    ``user/repo``, tarball URL and JSR specs are not registry packages.
    """
    spec = spec.strip()
    lower = spec.lower()
    if lower.startswith("npm:"):
        target = spec[4:].strip()
        if not target or compiled(_RANGE).match(target):
            return name, None
        real, _ = split_spec(target)
        return real, None
    if lower.startswith("patch:"):
        inner, _, _ = spec[6:].partition("#")
        from urllib.parse import unquote  # only a yarn patch: spec is percent-encoded

        real, patched = split_spec(unquote(inner))
        if not real:
            return None, "patch without a package"
        return spec_target(real, patched or "")
    for prefix, reason in _NOT_REGISTRY:
        if lower.startswith(prefix):
            if reason == "tarball URL" and (".git#" in lower or lower.endswith(".git")):
                return None, "git dependency"
            return None, reason
    if _local_path(spec):
        return None, "local path"
    if "/" in spec and compiled(_HOSTED_SHORTHAND).match(spec):
        return None, "git dependency"
    return name, None
