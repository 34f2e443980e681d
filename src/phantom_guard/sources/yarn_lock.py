"""``yarn.lock``: the classic v1 format and the YAML format of yarn 2+ ("berry")."""

from __future__ import annotations

import json
import re

from phantom_guard.errors import SourceError
from phantom_guard.model import Registry
from phantom_guard.npm_specs import spec_target, split_spec
from phantom_guard.sources import ParseResult
from phantom_guard.sources._collect import Collector
from phantom_guard.sources._yaml import compose_yaml, yaml_get, yaml_items, yaml_str

TYPE_CHECKING = False  # typing.TYPE_CHECKING, without importing typing on the check path
if TYPE_CHECKING:
    from phantom_guard.settings import StrPath

_BERRY = re.compile(r"^[\"']?__metadata[\"']?:", re.MULTILINE)
# One spec of a classic header: "quoted" (JSON escapes) or bare, then a comma or the end.
# The bare form is possessive and trimmed in code: a lazy one backtracks over long blank runs.
_HEADER_SPEC = re.compile(r'[ \t]*(?:"((?:[^"\\]|\\.)*)"|([^,"\s][^,"]*+))[ \t]*(?:,|$)')


def parse(path: StrPath, text: str) -> ParseResult:
    """One ref per package name: from each entry's ``resolution`` (berry, which has
    ``__metadata``) or from the ``name@range`` specs of its header (classic v1).
    """
    found = Collector(str(path), Registry.NPM, dedupe=True)
    text = text.removeprefix("\ufeff")
    if _BERRY.search(text):
        _berry(found, text)
    else:
        _classic(found, text)
    return found.result()


def _classic(found: Collector, text: str) -> None:
    """Classic: unindented ``spec, spec:`` headers, then indented fields, of which ``version``
    and ``resolved`` (where the package was fetched from) are read.
    """
    entry: list[tuple[str, str]] = []
    at = 0
    fields: dict[str, str] = {}
    for number, raw in enumerate(text.split("\n"), 1):
        line = raw.rstrip()
        if not line or line.lstrip().startswith("#"):
            continue
        if line[0] in " \t":
            key, _, value = line.strip().partition(" ")
            if key in ("version", "resolved") and value:
                fields[key] = value.strip('"')
            continue
        if not line.endswith(":"):
            raise SourceError(found.file, "expected an entry header like `name@range:`", number)
        _classic_entry(found, entry, at, fields)
        entry, at, fields = [], number, {}
        for spec in _header_specs(found.file, line[:-1], number):
            name, range_ = split_spec(spec)
            entry.append((name, range_ or ""))
    _classic_entry(found, entry, at, fields)


def _classic_entry(
    found: Collector, specs: list[tuple[str, str]], line: int, fields: dict[str, str]
) -> None:
    resolved = fields.get("resolved", "")
    index = resolved if resolved.startswith(("https://", "http://")) else None
    for name, range_ in specs:
        _entry(found, name, range_, line, version=fields.get("version"), index=index)


def _header_specs(file: str, header: str, number: int) -> list[str]:
    specs: list[str] = []
    pos = 0
    while pos < len(header):
        match = _HEADER_SPEC.match(header, pos)
        if match is None or match.end() == pos:
            raise SourceError(file, f"cannot read the entry header {header!r}", number)
        quoted, bare = match.groups()
        if quoted is None:
            specs.append(bare.rstrip(" \t"))
        else:
            try:
                specs.append(json.loads(f'"{quoted}"'))
            except ValueError:
                raise SourceError(file, f"bad escape in {header!r}", number) from None
        pos = match.end()
    return specs


def _berry(found: Collector, text: str) -> None:
    """Berry: a YAML mapping of ``"spec, spec"`` to entries whose ``resolution`` names the
    package actually installed (aliases already resolved).
    """
    file = found.file
    for key, entry, line in yaml_items(file, compose_yaml(file, text), "yarn.lock"):
        if key == "__metadata":
            continue
        yaml_items(file, entry, f"entry {key!r}")  # checks that it is a mapping
        resolution = yaml_str(file, yaml_get(entry, "resolution"), "resolution")
        descriptor = resolution or key.split(",")[0]
        name, range_ = split_spec(descriptor.strip())
        if range_ is not None and range_.startswith("workspace:") and range_[10:] in (".", ""):
            continue  # the project itself
        range_ = (range_ or "").partition("::")[0]  # drop ``::locator=``
        version = yaml_str(file, yaml_get(entry, "version"), "version")
        _entry(found, name, range_, line, version=version)


def _entry(
    found: Collector,
    name: str,
    range_: str,
    line: int,
    *,
    version: str | None = None,
    index: str | None = None,
) -> None:
    if not name:
        raise SourceError(found.file, "an entry without a package name", line)
    real, reason = spec_target(name, range_)
    if real is None:
        found.skip(name, line, f"{reason}: {name}@{range_}")
    else:
        found.ref(real, line, version=version, index=index)
