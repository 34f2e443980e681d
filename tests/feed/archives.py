"""Small OSV archives built inside the tests from hand-written records."""

from __future__ import annotations

import json
import zipfile
from pathlib import Path
from typing import Any


def record(
    record_id: str,
    name: str,
    ecosystem: str = "npm",
    *,
    versions: list[str] | None = None,
    events: list[dict[str, str]] | None = None,
    range_type: str = "SEMVER",
    modified: str = "2025-09-09T10:00:00Z",
    **extra: Any,
) -> dict[str, Any]:
    """One OSV record listing one package: by `versions`, by a range of `events`, or both."""
    affected: dict[str, Any] = {"package": {"ecosystem": ecosystem, "name": name}}
    if versions is not None:
        affected["versions"] = versions
    if events is not None:
        affected["ranges"] = [{"type": range_type, "events": events}]
    return {"id": record_id, "modified": modified, "affected": [affected], **extra}


def whole(record_id: str, name: str, ecosystem: str = "npm", **extra: Any) -> dict[str, Any]:
    """A record listing every version of a package (malware from the start)."""
    return record(record_id, name, ecosystem, events=[{"introduced": "0"}], **extra)


def write_zip(path: Path, records: list[dict[str, Any]]) -> Path:
    """An ``all.zip`` holding one ``{id}.json`` per record."""
    path.parent.mkdir(parents=True, exist_ok=True)
    with zipfile.ZipFile(path, "w", compression=zipfile.ZIP_DEFLATED) as archive:
        for item in records:
            archive.writestr(f"{item['id']}.json", json.dumps(item))
    return path


# The cases the issue lists, as one archive's worth of records.
CASES: list[dict[str, Any]] = [
    whole("MAL-2025-100", "evil-pkg"),  # whole-package malware
    record("MAL-2025-101", "chalk", versions=["5.6.1"]),  # a compromised release
    record("MAL-2025-102", "lonely-helper", versions=["1.0.0"]),  # malware listed by version
    whole("MAL-2025-103", "taken-back", withdrawn="2025-09-10T00:00:00Z"),
    whole("MAL-0000-npm-ingest", "ingest-only", modified="2026-01-01T00:00:00Z"),
    record(
        "MAL-2025-104",
        "fixed-later",
        events=[{"introduced": "1.2.0"}, {"fixed": "1.2.3"}],
        modified="2025-09-12T08:30:00.123456789Z",
    ),
    whole("MAL-2025-105", "Evil_Crate", "crates.io"),
    whole("MAL-2025-106", "Requests_Toolbelt2", "PyPI", range_type="ECOSYSTEM"),
    {"id": "GHSA-xxxx-yyyy-zzzz", "modified": "2026-02-01T00:00:00Z", "affected": []},
]
