"""``package-lock.json`` and ``npm-shrinkwrap.json``, lockfile versions 1, 2 and 3."""

from __future__ import annotations

from phantom_guard.errors import SourceError
from phantom_guard.model import Registry
from phantom_guard.sources._collect import Collector
from phantom_guard.sources._json import json_key_lines, load_json
from phantom_guard.sources._keypath import line_of
from phantom_guard.stand_ins import cached_property

TYPE_CHECKING = False  # typing.TYPE_CHECKING, without importing typing on the check path
if TYPE_CHECKING:
    from typing import Any

    from phantom_guard.settings import StrPath
    from phantom_guard.sources import ParseResult
    from phantom_guard.sources._keypath import KeyPath

_MODULES = "node_modules/"
_KEY_START = '"node_modules/'
# What starts each key of the `packages` object in a lock as npm writes it (two-space indents).
_NPM_KEY_START = '\n    "'
_TEXT_TYPES = frozenset({str, type(None)})
_GIT_STARTS = ("git+", "git://", "git@", "github:", "gitlab:", "bitbucket:", "gist:")


def parse(path: StrPath, text: str) -> ParseResult:
    """Refs from ``packages`` (v2, v3: name after the last ``node_modules/``, or ``name``), else
    from the nested v1 ``dependencies`` tree; one ref per name, on its first key's line.
    """
    file = str(path)
    data = load_json(file, text)
    if not isinstance(data, dict):
        raise SourceError(file, "a package-lock file must hold a JSON object", 1)
    lock = _Lock(file, text, tuple(data))
    if "packages" in data:
        lock.packages(data["packages"])
    else:
        lock.tree(data.get("dependencies"))
    return lock.found.result()


class _Lock:
    def __init__(self, file: str, text: str, top_keys: tuple[str, ...] = ()) -> None:
        self.file = file
        self.text = text
        self.top_keys = top_keys  # the document's keys, in its order
        self.found = Collector(file, Registry.NPM, dedupe=True)

    @cached_property
    def lines(self) -> dict[KeyPath, int]:
        """The line of every key path that matters: a per-key scan of the whole document, so
        only for the v1 tree and for error messages.
        """
        return json_key_lines(self.text, _keep)

    @cached_property
    def _install_path_lines(self) -> dict[str, int]:
        r"""``node_modules/...`` key -> the line it starts: the line of each ``packages`` entry
        without scanning every key of the document (npm writes one per line).

        The keys ``\n[ \t\r]*"(node_modules/[^"\\\n]*)"[ \t]*:`` matches (an install path
        without escapes, first on its line after JSON whitespace), found by `str.find`: `re`
        would cost ``check`` ~3 ms of imports. A key not first on its line is not found: the
        full scan finds its line.
        """
        text = self.text
        found: dict[str, int] = {}
        line, pos = 1, 0
        find, count = text.find, text.count
        at = find(_KEY_START)
        while at != -1:
            start = text.rfind("\n", 0, at) + 1  # where the key's line starts
            close = find('"', at + 1)
            if (
                start  # 0: no newline before the key, and the pattern starts with one
                and close != -1
                and not text[start:at].strip(" \t\r")
                and find("\\", at, close) == -1
                and find("\n", at, close) == -1
                and _colon_at(text, close + 1)
            ):
                line += count("\n", pos, start)
                pos = start
                found.setdefault(text[at + 1 : close], line)
            at = find(_KEY_START, at + 1)
        return found

    def _entry_line(self, key: str) -> int | None:
        line = self._install_path_lines.get(key)
        return line if line is not None else line_of(self.lines, ("packages", key))

    def package_keys(self) -> _KeysInOrder:
        """A search for the ``packages`` keys' lines, from past the top-level ``"packages"`` key
        (found after the top-level keys written before it, in their order).
        """
        lines = _KeysInOrder(self.text)
        for key in self.top_keys:
            if key == "packages" or lines.line_of(key) is None:
                break
        lines.line_of("packages")
        return lines

    def packages(self, packages: Any) -> None:
        """v2/v3 ``packages``: keys are install paths; links and ``file:`` entries are local."""
        lines, ref = self.package_keys(), self.found.ref
        entries = self._mapping(packages, ("packages",))
        # npm's own layout answers every key in one pass; any other, a search per key.
        laid_out = lines.as_npm_writes_them(list(entries))
        for number, (key, entry) in enumerate(entries.items()):
            cut = key.rfind(_MODULES)
            if cut == -1:
                continue  # "" is the project itself, other keys are its workspace folders
            installed_as = key[cut + len(_MODULES) :]
            line = laid_out[number] if laid_out is not None else lines.line_of(key)
            if line is None:
                line = self._entry_line(key)
            if type(entry) is dict:
                # The usual entry, a package fetched from an https index: what `_package`
                # makes of it, without its checks for links, local paths, git and odd types.
                name, resolved, version = (
                    entry.get("name"),
                    entry.get("resolved"),
                    entry.get("version"),
                )
                if (
                    type(resolved) is str
                    and resolved.startswith("https://")
                    and type(version) is str
                    and (name is None or type(name) is str)
                    and (name or installed_as)
                    and entry.get("link") is not True
                ):
                    ref(name or installed_as, line, version=version, index=resolved)
                    continue
            try:
                self._package(key, entry, installed_as, line)
            except SourceError as exc:
                # One odd entry costs that entry, reported, not the whole lock file.
                spec = key[cut + len(_MODULES) :] or key
                self.found.skip(spec, exc.line, f"unreadable lock entry {key!r}: {exc.reason}")

    def _package(self, key: str, entry: Any, installed_as: str, line: int | None) -> None:
        if type(entry) is not dict:
            self._mapping(entry, ("packages", key))  # raises, naming the entry's line
        name = entry.get("name")
        resolved = entry.get("resolved")
        version = entry.get("version")
        # One test for the usual entry (strings or absent), the per-key checks for the rest.
        if not {type(name), type(resolved), type(version)} <= _TEXT_TYPES:
            path: KeyPath = ("packages", key)
            name = self._text(entry, "name", path)
            resolved = self._text(entry, "resolved", path)
            version = self._text(entry, "version", path)
        name = name or installed_as
        resolved = resolved or ""
        lowered = resolved.lower()
        if entry.get("link") is True:
            self.found.skip(name, line, f"workspace link: {name} -> {resolved or key}")
        elif resolved.startswith("file:"):
            spec = f"{name}@{version}" if version else name
            self.found.skip(name, line, f"local path: {name}@{resolved}", spec=spec)
        elif lowered.startswith(_GIT_STARTS):
            spec = f"{name}@{version}" if version else name
            self.found.skip(name, line, f"git dependency: {name}@{resolved}", spec=spec)
        elif name:
            index = resolved if lowered.startswith(("https://", "http://")) else None
            self.found.ref(name, line, version=version, index=index)
        else:
            raise SourceError(self.file, f"no package name in {key!r}", line)

    def tree(self, dependencies: Any) -> None:
        """The v1 tree: entries' own ``dependencies`` nest under them (walked without recursion)."""
        pending: list[tuple[Any, KeyPath]] = [(dependencies, ("dependencies",))]
        while pending:
            tree, where = pending.pop()
            if tree is None:
                continue
            for name, entry in self._mapping(tree, where).items():
                path = (*where, name)
                try:
                    self._mapping(entry, path)
                    version = self._text(entry, "version", path) or ""
                except SourceError as exc:
                    # One odd entry costs that entry, reported, not the whole lock file.
                    what = "/".join(map(str, path))
                    self.found.skip(name, exc.line, f"unreadable lock entry {what!r}: {exc.reason}")
                    continue
                from phantom_guard.npm_specs import spec_target  # v1 trees only

                # npm 6 wrote "resolved": false for bundled dependencies: nothing fetched.
                resolved = entry.get("resolved")
                resolved = resolved if isinstance(resolved, str) else ""
                line = line_of(self.lines, path)
                real, reason = spec_target(name, version)
                if not name:
                    self.found.skip(name, line, "empty package name: " + "/".join(map(str, path)))
                elif real is None:
                    self.found.skip(name, line, f"{reason}: {name}@{version}")
                else:
                    exact = version if real == name else version.rpartition("@")[2]
                    self.found.ref(real, line, version=exact or None, index=_index(resolved))
                pending.append((entry.get("dependencies"), (*path, "dependencies")))

    def _mapping(self, value: Any, path: KeyPath) -> dict[str, Any]:
        if not isinstance(value, dict):
            where = "/".join(str(part) for part in path)
            raise SourceError(self.file, f"{where!r} must be an object", line_of(self.lines, path))
        return value

    def _text(self, entry: dict[str, Any], key: str, path: KeyPath) -> str | None:
        value = entry.get(key)
        if value is not None and not isinstance(value, str):
            line = line_of(self.lines, (*path, key))
            raise SourceError(self.file, f"{key!r} must be a string", line)
        return value


class _KeysInOrder:
    """The lines of a JSON object's keys, asked for in the order the object lists them: each is
    searched for from where the one before it was found, so the whole lock is read once.

    A key is found as `_install_path_lines` finds one (the pattern it names): quoted without
    escapes, first on its line after JSON whitespace, a colon after it. For a key not found so
    (escaped, or not first on its line) `line_of` returns None; the caller scans for it.
    """

    def __init__(self, text: str) -> None:
        self._text = text
        self._searched_from = 0  # just past the key found last
        self._line = 1
        self._line_start = 0  # where line `_line` starts

    def line_of(self, key: str) -> int | None:
        """The line `key` is on (found after the keys asked for before it), or None."""
        if '"' in key or "\\" in key or "\n" in key:
            return None
        text = self._text
        quoted = f'"{key}"'
        at = text.find(quoted, self._searched_from)
        while at != -1:
            start = text.rfind("\n", 0, at) + 1  # where the key's line starts
            after = at + len(quoted)
            if start and not text[start:at].strip(" \t\r") and _colon_at(text, after):
                self._line += text.count("\n", self._line_start, start)
                self._line_start, self._searched_from = start, after
                return self._line
            at = text.find(quoted, at + 1)
        return None

    def as_npm_writes_them(self, keys: list[str]) -> list[int] | None:
        """The lines of `keys`, the ``packages`` object's keys in its order (asked for just
        after the ``packages`` key itself), when the lock is laid out as npm writes one:
        ``packages`` two spaces in, and each of its keys first on its line four spaces in,
        its colon right after its closing quote. None when any is not so: ask `line_of`.

        One split of the text and a newline count per key, instead of a search per key. In
        that layout nothing else inside ``packages`` starts a line four spaces in with a
        quote, so the first pieces of the split are its keys, in order, or the layout is not
        npm's and they do not match.
        """
        text = self._text
        if not text.startswith('  "packages": {', self._line_start):
            return None
        chunks = text[self._searched_from :].split(_NPM_KEY_START, len(keys))
        if len(chunks) <= len(keys):
            return None
        found: list[int] = []
        line, before = self._line, chunks[0]
        for key, chunk in zip(keys, chunks[1:], strict=False):
            line += before.count("\n") + 1
            if not chunk.startswith(key + '":') or '"' in key or "\\" in key:
                return None
            found.append(line)
            before = chunk
        return found


def _colon_at(text: str, at: int) -> bool:
    """Whether a colon follows `at`, after spaces and tabs only (JSON's separator)."""
    if text.startswith(":", at):
        return True
    while text.startswith((" ", "\t"), at):
        at += 1
    return text.startswith(":", at)


def _keep(path: KeyPath) -> bool:
    if path[0] == "packages":
        return len(path) <= 3
    return all(part == "dependencies" for part in path[0::2])


def _index(resolved: str) -> str | None:
    """The URL a package was fetched from, when the lock records an http(s) one."""
    return resolved if resolved.lower().startswith(("https://", "http://")) else None
