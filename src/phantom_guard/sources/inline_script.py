"""PEP 723 inline script metadata: the ``# /// script`` block of a single-file Python script.

PEP 723: a block "MUST start with the line ``# /// TYPE``" and "MUST end with the line
``# ///``"; "every line between these two lines MUST be a comment starting with ``#``", and
"if there are multiple script blocks, tools MUST produce an error". The ``script`` block is TOML
whose ``dependencies`` "MUST be a list of valid PEP 508 strings". uv also reads ``[tool.uv]``
there, whose index settings make the script's names private.
"""

from __future__ import annotations

import re
import tomllib

from phantom_guard.errors import SourceError
from phantom_guard.model import Registry, Source
from phantom_guard.sources import IndexOption, ParseResult
from phantom_guard.sources._collect import Collector
from phantom_guard.sources.requirements import Skip, pep508_pin

TYPE_CHECKING = False  # typing.TYPE_CHECKING, without importing typing on the check path
if TYPE_CHECKING:
    from phantom_guard.settings import StrPath

# The reference regular expression of PEP 723.
_BLOCK = re.compile(r"(?m)^# /// (?P<type>[a-zA-Z0-9-]+)$\s(?P<content>(^#(| .*)$\s)+)^# ///$")
# uv's [tool.uv] keys that name an index (a string, or a list of them).
_UV_INDEXES = ("index-url", "extra-index-url", "find-links")


def parse(path: StrPath, text: str) -> ParseResult | None:
    """The dependencies of the script's ``script`` block, or None when it has none.

    Raises `SourceError` for two ``script`` blocks, TOML that does not parse, or a dependency
    that is not a PEP 508 string.
    """
    file = str(path)
    blocks = [m for m in _BLOCK.finditer(text) if m.group("type") == "script"]
    if not blocks:
        return None
    first_line = text.count("\n", 0, blocks[0].start()) + 1
    if len(blocks) > 1:
        raise SourceError(file, "more than one '# /// script' block (PEP 723)", first_line)
    block = blocks[0]
    lines = [
        line[2:] if line.startswith("# ") else line[1:] for line in block["content"].splitlines()
    ]
    try:
        data = tomllib.loads("\n".join(lines) + "\n")
    except tomllib.TOMLDecodeError as exc:
        raise SourceError(
            file, f"the '# /// script' block is not TOML: {exc}", first_line
        ) from None
    dependencies = data.get("dependencies", [])
    if not isinstance(dependencies, list) or not all(isinstance(d, str) for d in dependencies):
        raise SourceError(file, "'dependencies' must be a list of strings (PEP 723)", first_line)
    found = Collector(file, Registry.PYPI)
    for requirement in dependencies:
        line = _line_of(lines, requirement, first_line)
        try:
            named = pep508_pin(requirement)
        except ValueError as exc:
            raise SourceError(file, str(exc), line) from None
        if isinstance(named, Skip):
            found.skip(requirement, line, named.reason)
        else:
            found.ref(named[0], line, version=named[1])
    result = found.result()
    return ParseResult(result.refs, result.skipped, index_options=_indexes(data, file, first_line))


def _line_of(lines: list[str], requirement: str, first_line: int) -> int:
    """The file line of the block line quoting `requirement` (else the block's first line)."""
    for offset, line in enumerate(lines, start=1):
        if f'"{requirement}"' in line or f"'{requirement}'" in line:
            return first_line + offset
    return first_line


def _indexes(data: dict[str, object], file: str, line: int) -> tuple[IndexOption, ...]:
    """The index settings of ``[tool.uv]``: ``index-url``, ``extra-index-url``, ``find-links``,
    ``[[tool.uv.index]]`` and ``no-index``.
    """
    tool = data.get("tool")
    uv = tool.get("uv") if isinstance(tool, dict) else None
    if not isinstance(uv, dict):
        return ()
    source = Source(file, line)
    found: list[IndexOption] = []
    for key in _UV_INDEXES:
        value = uv.get(key)
        for url in [value] if isinstance(value, str) else value if isinstance(value, list) else []:
            if isinstance(url, str):
                found.append(IndexOption(key, url, source))
    indexes = uv.get("index")
    for entry in indexes if isinstance(indexes, list) else []:
        if isinstance(entry, dict) and isinstance(entry.get("url"), str):
            found.append(IndexOption("index", entry["url"], source))
    if uv.get("no-index") is True:
        found.append(IndexOption("no-index", "", source))
    return tuple(found)
