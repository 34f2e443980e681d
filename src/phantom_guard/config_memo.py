"""Config tables parsed by earlier runs, so a run in a configured project need not load tomllib.

Importing `tomllib` costs ~10 ms (it brings typing and string, and compiles its regexes), and
the install guard and agent hook read the project's config before every command an agent runs.
A small JSON file in the cache directory (``$PHANTOM_GUARD_CACHE_DIR``, else the platform's user
cache dir: the settings that could name another are not read yet) maps a config file's path to
its exact text and the table parsed from it. The text must match character for character, so an
edited file is parsed again; a table holding TOML dates or times (no JSON form) is not kept.
Reading or writing the memo never fails a run: any problem means "parse it".
"""

from __future__ import annotations

import contextlib
import json
import os

TYPE_CHECKING = False  # typing.TYPE_CHECKING, without importing typing on the start-up path
if TYPE_CHECKING:
    from pathlib import Path

MEMO_FILE = "config-tables.json"
#: Files remembered; the oldest is forgotten first.
LIMIT = 64
_FORMAT = 1


def memo_path() -> Path:
    """Where the memo is kept."""
    from pathlib import Path

    from phantom_guard.userdirs import user_cache_dir

    configured = os.environ.get("PHANTOM_GUARD_CACHE_DIR")
    return (Path(configured) if configured else user_cache_dir()) / MEMO_FILE


def recall(path: Path, text: str) -> tuple[bool, object]:
    """(True, the table parsed from exactly this `text` at `path`) if remembered, else
    (False, None). The table is None for a ``pyproject.toml`` without a table of ours.
    """
    entry = _read().get(str(path))
    if isinstance(entry, dict) and entry.get("text") == text and "table" in entry:
        return True, entry["table"]
    return False, None


def remember(path: Path, text: str, table: object) -> None:
    """Keep the `table` parsed from `text` (skipped when it has no exact JSON form)."""
    try:
        encoded = json.dumps(table)
    except (TypeError, ValueError):  # TOML dates and times
        return
    if json.loads(encoded) != table:
        return
    memo = _read()
    memo.pop(str(path), None)
    memo[str(path)] = {"text": text, "table": table}
    while len(memo) > LIMIT:
        memo.pop(next(iter(memo)))
    target = memo_path()
    temporary = target.with_name(f"{target.name}.{os.getpid()}.tmp")
    try:
        target.parent.mkdir(parents=True, exist_ok=True)
        temporary.write_text(json.dumps({"format": _FORMAT, "files": memo}), encoding="utf-8")
        os.replace(temporary, target)  # atomic: a reader sees the old memo or the new one
    except OSError:
        with contextlib.suppress(OSError):
            temporary.unlink(missing_ok=True)


def _read() -> dict[str, object]:
    try:
        document = json.loads(memo_path().read_text(encoding="utf-8"))
    except (OSError, ValueError):
        return {}
    if not isinstance(document, dict) or document.get("format") != _FORMAT:
        return {}
    files = document.get("files")
    return files if isinstance(files, dict) else {}
