"""Config tables parsed by earlier runs, so a run in a configured project need not load tomllib.

Importing `tomllib` costs ~10 ms (it brings typing and string, and compiles its regexes), and
the install guard and agent hook read the project's config before every command an agent runs.
A small JSON file in the cache directory (``$PHANTOM_GUARD_CACHE_DIR``, else the platform's user
cache dir: the settings that could name another are not read yet) maps a config file's path to
its exact text and the table parsed from it. The text must match character for character, so an
edited file is parsed again; a table holding TOML dates or times (no JSON form) is not kept.
Reading or writing the memo never fails a run: any problem means "parse it". pip.conf's index
options are kept here too (`sources.indexes`, keyed apart from config files), so a machine
with a pip.conf does not load configparser on every run.
"""

from __future__ import annotations

import os

from phantom_guard import jsontext

TYPE_CHECKING = False  # typing.TYPE_CHECKING, without importing typing on the start-up path
if TYPE_CHECKING:
    from phantom_guard.settings import StrPath

MEMO_FILE = "config-tables.json"
#: Files remembered; the oldest is forgotten first.
LIMIT = 64
_FORMAT = 1


def memo_path() -> str:
    """Where the memo is kept."""
    from phantom_guard.userdirs import user_cache_dir

    return os.path.join(os.environ.get("PHANTOM_GUARD_CACHE_DIR") or user_cache_dir(), MEMO_FILE)


def recall(path: StrPath, text: str) -> tuple[bool, object]:
    """(True, the table parsed from exactly this `text` at `path`) if remembered, else
    (False, None). The table is None for a ``pyproject.toml`` without a table of ours.
    """
    entry = _read().get(os.fspath(path))
    if isinstance(entry, dict) and entry.get("text") == text and "table" in entry:
        return True, entry["table"]
    return False, None


def remember(path: StrPath, text: str, table: object) -> None:
    """Keep the `table` parsed from `text` (skipped when it has no exact JSON form)."""
    import json  # a miss: tomllib has just parsed the file, this costs little more
    from contextlib import suppress

    try:
        encoded = json.dumps(table)
    except (TypeError, ValueError):  # TOML dates and times
        return
    if json.loads(encoded) != table:
        return
    memo = _read()
    key = os.fspath(path)
    memo.pop(key, None)
    memo[key] = {"text": text, "table": table}
    while len(memo) > LIMIT:
        memo.pop(next(iter(memo)))
    target = memo_path()
    temporary = f"{target}.{os.getpid()}.tmp"
    try:
        os.makedirs(os.path.dirname(target), exist_ok=True)
        with open(temporary, "w", encoding="utf-8") as file:
            file.write(json.dumps({"format": _FORMAT, "files": memo}))
        os.replace(temporary, target)  # atomic: a reader sees the old memo or the new one
    except OSError:
        with suppress(OSError):
            os.unlink(temporary)


def _read() -> dict[str, object]:
    try:
        with open(memo_path(), "rb") as file:
            document = jsontext.loads(file.read())  # json.loads's reading, without `re`
    except (OSError, ValueError):
        return {}
    if not isinstance(document, dict) or document.get("format") != _FORMAT:
        return {}
    files = document.get("files")
    return files if isinstance(files, dict) else {}
