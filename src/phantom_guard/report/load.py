"""A saved JSON report (DESIGN.md §3) read back into a `Report`, so CI looks names up once and
renders every other format from the saved document.

Strict: anything that is not a phantom-guard report of a known ``schema_version`` is a
`ReportError` naming what is wrong, never a partial report. The additive keys (``skipped``,
``feeds``, ``config``, ``sources[].version``) may be absent (a report written before they
existed); when present they must have their documented shape. Unknown keys are ignored: later
additions are additive too.
"""

from __future__ import annotations

import math
from collections.abc import Mapping
from pathlib import Path
from typing import Any, NoReturn, TypeVar

import orjson

from phantom_guard.errors import ReportError
from phantom_guard.model import (
    EvidenceValue,
    FeedInfo,
    PackageRisk,
    Recommendation,
    Registry,
    Report,
    Signal,
    SignalKind,
    Skipped,
    Source,
)
from phantom_guard.report.json import SCHEMA_VERSION

#: A saved report larger than this is refused; a report of every name in a monorepo is far smaller.
MAX_REPORT_BYTES = 256 * 1024 * 1024
TOOL_NAME = "phantom-guard"
_Enum = TypeVar("_Enum", Registry, Recommendation, SignalKind)


def load_file(path: Path) -> Report:
    """The `Report` saved as JSON at `path` (``-`` is not special: pass a real file)."""
    try:
        with path.open("rb") as handle:
            data = handle.read(MAX_REPORT_BYTES + 1)
    except OSError as exc:
        raise ReportError(str(path), f"cannot read file: {exc.strerror or exc}") from None
    if len(data) > MAX_REPORT_BYTES:
        raise ReportError(str(path), f"file exceeds the limit of {MAX_REPORT_BYTES:,} bytes")
    return load(data, file=str(path))


def load(data: bytes | str, *, file: str = "<report>") -> Report:
    """The `Report` a phantom-guard JSON document describes; `file` names it in errors."""
    return _Reader(file).report(data)


class _Reader:
    """Decodes one document; every complaint names the file and the JSON path."""

    def __init__(self, file: str) -> None:
        self.file = file

    def fail(self, where: str, reason: str) -> NoReturn:
        raise ReportError(self.file, f"{where}: {reason}" if where else reason)

    def report(self, data: bytes | str) -> Report:
        try:
            document = orjson.loads(data)
        except orjson.JSONDecodeError as exc:
            self.fail("", f"not a JSON document ({exc})")
        if not isinstance(document, dict):
            self.fail("", "not a phantom-guard report (a JSON object is expected)")
        tool = document.get("tool")
        if not isinstance(tool, dict) or tool.get("name") != TOOL_NAME:
            self.fail("", "not a phantom-guard report (no tool.name 'phantom-guard')")
        version = document.get("schema_version")
        if version != SCHEMA_VERSION or isinstance(version, bool):
            self.fail(
                "schema_version",
                f"unknown schema_version {version!r}; this phantom-guard reads {SCHEMA_VERSION}",
            )
        results = tuple(
            self.result(f"results[{i}]", item)
            for i, item in enumerate(self.array(document, "results", required=True))
        )
        report = Report(
            results,
            skipped=tuple(
                self.skipped(f"skipped[{i}]", item)
                for i, item in enumerate(self.array(document, "skipped"))
            ),
            feeds=tuple(
                self.feed(f"feeds[{i}]", item)
                for i, item in enumerate(self.array(document, "feeds"))
            ),
            config=tuple(
                self.string(f"config[{i}]", item)
                for i, item in enumerate(self.array(document, "config"))
            ),
        )
        self.check_summary(document.get("summary"), report)
        return report

    def array(self, parent: Mapping[str, Any], key: str, *, required: bool = False) -> list[Any]:
        if key not in parent and not required:
            return []
        value = parent.get(key)
        if not isinstance(value, list):
            self.fail(key, "a list is expected")
        return value

    def obj(self, where: str, value: Any, keys: tuple[str, ...]) -> dict[str, Any]:
        if not isinstance(value, dict):
            self.fail(where, "an object is expected")
        missing = [key for key in keys if key not in value]
        if missing:
            self.fail(where, f"missing key(s): {', '.join(missing)}")
        return value

    def string(self, where: str, value: Any) -> str:
        if not isinstance(value, str):
            self.fail(where, "a string is expected")
        return value

    def optional_string(self, where: str, value: Any) -> str | None:
        return None if value is None else self.string(where, value)

    def number(self, where: str, value: Any) -> float:
        if isinstance(value, bool) or not isinstance(value, int | float) or math.isnan(value):
            self.fail(where, "a number is expected")
        return float(value)

    def line(self, where: str, value: Any) -> int | None:
        if value is None:
            return None
        if isinstance(value, bool) or not isinstance(value, int) or value < 1:
            self.fail(where, "a line number (1 or more) or null is expected")
        return value

    def enum(self, where: str, value: Any, kind: type[_Enum]) -> _Enum:
        try:
            return kind(self.string(where, value))
        except ValueError:
            self.fail(where, f"unknown value {value!r}")

    def result(self, where: str, value: Any) -> PackageRisk:
        from phantom_guard.model import NormalizedName
        from phantom_guard.names import to_purl

        item = self.obj(
            where,
            value,
            (
                "name",
                "normalized_name",
                "registry",
                "purl",
                "recommendation",
                "risk_score",
                "exists",
                "signals",
                "suggestion",
                "sources",
                "cached",
                "error",
            ),
        )
        exists = item["exists"]
        if exists is not None and not isinstance(exists, bool):
            self.fail(f"{where}.exists", "true, false or null is expected")
        if not isinstance(item["cached"], bool):
            self.fail(f"{where}.cached", "true or false is expected")
        registry = self.enum(f"{where}.registry", item["registry"], Registry)
        normalized = NormalizedName(
            self.string(f"{where}.normalized_name", item["normalized_name"])
        )
        try:
            risk = PackageRisk(
                name=self.string(f"{where}.name", item["name"]),
                normalized_name=normalized,
                registry=registry,
                recommendation=self.enum(
                    f"{where}.recommendation", item["recommendation"], Recommendation
                ),
                risk_score=self.number(f"{where}.risk_score", item["risk_score"]),
                exists=exists,
                signals=tuple(
                    self.signal(f"{where}.signals[{i}]", s)
                    for i, s in enumerate(self.array(item, "signals"))
                ),
                suggestion=self.optional_string(f"{where}.suggestion", item["suggestion"]),
                sources=tuple(
                    self.source(f"{where}.sources[{i}]", s)
                    for i, s in enumerate(self.array(item, "sources"))
                ),
                cached=item["cached"],
                error=self.optional_string(f"{where}.error", item["error"]),
            )
        except ValueError as exc:
            self.fail(where, str(exc))
        if item["purl"] != to_purl(registry, normalized):
            self.fail(f"{where}.purl", "does not match the registry and normalized_name")
        return risk

    def signal(self, where: str, value: Any) -> Signal:
        item = self.obj(where, value, ("kind", "weight", "message", "evidence"))
        evidence = item["evidence"]
        if not isinstance(evidence, dict):
            self.fail(f"{where}.evidence", "an object is expected")
        for key, entry in evidence.items():
            if entry is not None and not isinstance(entry, str | int | float | bool):
                self.fail(f"{where}.evidence.{key}", "a string, number, boolean or null")
        try:
            return Signal(
                kind=self.enum(f"{where}.kind", item["kind"], SignalKind),
                weight=self.number(f"{where}.weight", item["weight"]),
                message=self.string(f"{where}.message", item["message"]),
                evidence=_evidence(evidence),
            )
        except ValueError as exc:
            self.fail(where, str(exc))

    def source(self, where: str, value: Any) -> Source:
        item = self.obj(where, value, ("file", "line"))
        return Source(
            file=self.string(f"{where}.file", item["file"]),
            line=self.line(f"{where}.line", item["line"]),
            version=self.optional_string(f"{where}.version", item.get("version")),
        )

    def skipped(self, where: str, value: Any) -> Skipped:
        item = self.obj(where, value, ("file", "line", "spec", "reason"))
        file = self.optional_string(f"{where}.file", item["file"])
        line = self.line(f"{where}.line", item["line"])
        if file is None and line is not None:
            self.fail(f"{where}.line", "a line without a file")
        return Skipped(
            spec=self.string(f"{where}.spec", item["spec"]),
            reason=self.string(f"{where}.reason", item["reason"]),
            source=Source(file, line) if file is not None else None,
        )

    def feed(self, where: str, value: Any) -> FeedInfo:
        item = self.obj(where, value, ("name", "data_as_of", "records", "stale"))
        records = item["records"]
        if isinstance(records, bool) or not isinstance(records, int) or records < 0:
            self.fail(f"{where}.records", "a count (0 or more) is expected")
        if not isinstance(item["stale"], bool):
            self.fail(f"{where}.stale", "true or false is expected")
        return FeedInfo(
            name=self.string(f"{where}.name", item["name"]),
            data_as_of=self.optional_string(f"{where}.data_as_of", item["data_as_of"]),
            records=records,
            stale=item["stale"],
        )

    def check_summary(self, value: Any, report: Report) -> None:
        from phantom_guard.report.json import summary

        if value != summary(report):
            self.fail("summary", "does not match the results (the file was edited or truncated)")


def _evidence(raw: dict[str, Any]) -> dict[str, EvidenceValue]:
    return {str(key): value for key, value in raw.items()}
