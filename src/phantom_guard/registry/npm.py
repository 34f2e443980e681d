"""npm: the registry's packument (``{base}/{name}``) and the downloads API, as `PackageMetadata`."""

from __future__ import annotations

import asyncio
from typing import Any
from urllib.parse import quote

from phantom_guard.errors import LookupFailed
from phantom_guard.model import NormalizedName, PackageMetadata, Registry
from phantom_guard.records import replace
from phantom_guard.registry import _document as doc
from phantom_guard.registry._http import HttpClient
from phantom_guard.stand_ins import datetime

# When npm takes a package down for malware it publishes this version in its place, with the
# description "security holding package" and the repository npm/security-holder.
SECURITY_HOLDING_VERSION = "0.0.1-security"


class NpmClient:
    """Looks packages up in the npm registry, with monthly downloads from the downloads API."""

    registry = Registry.NPM

    def __init__(self, http: HttpClient, base_url: str, downloads_url: str) -> None:
        self._http = http
        self._base = base_url.rstrip("/")
        self._downloads = downloads_url.rstrip("/")

    async def fetch(self, name: NormalizedName) -> PackageMetadata | None:
        """The package's metadata, or None when the registry answers 404."""
        packument_task = asyncio.ensure_future(self._http.get_json(package_url(self._base, name)))
        downloads_task = asyncio.ensure_future(self._monthly_downloads(name))
        try:
            document = await packument_task
        except BaseException:
            downloads_task.cancel()
            raise
        del packument_task  # its result is the packument, freed once parsed (below)
        if document is None:
            downloads_task.cancel()
            return None
        try:
            # Parsed before waiting for the downloads: a packument runs to many MB, and holding
            # it across that wait doubled what each npm lookup kept in memory.
            metadata = parse_document(name, document)
        except BaseException:
            downloads_task.cancel()
            raise
        del document
        return replace(metadata, monthly_downloads=await downloads_task)

    async def _monthly_downloads(self, name: str) -> int | None:
        # Downloads only sharpen the verdict; a failure here must not turn a found package into
        # an ERROR, so it is "unknown" (None), which the analysis treats as neutral.
        url = f"{self._downloads}/downloads/point/last-month/{name}"
        try:
            answer = await self._http.get_json(url)
        except LookupFailed:
            return None
        return doc.integer(doc.obj(answer).get("downloads")) if answer is not None else None


def package_url(base: str, name: str) -> str:
    """The packument URL; a scoped name's slash is escaped (``@scope%2Fname``) as npm expects."""
    return f"{base}/{quote(name, safe='@')}"


def parse_document(name: str, document: Any, *, downloads: int | None = None) -> PackageMetadata:
    """Map an npm packument to `PackageMetadata`.

    An unpublished package keeps only ``time.unpublished``; a malware takedown leaves the single
    version ``0.0.1-security``; ``deprecated`` is read from the latest version.
    """
    root = doc.require_object(document, "npm document")
    package = doc.require_name(root.get("name"), name, Registry.NPM, "npm document")
    times = doc.obj(root.get("time"))
    versions = doc.obj(root.get("versions"))
    latest_tag = doc.text(doc.obj(root.get("dist-tags")).get("latest"))
    latest = doc.obj(versions.get(latest_tag)) if latest_tag else {}
    release_times: list[datetime] = sorted(
        moment for version in versions if (moment := doc.timestamp(times.get(version)))
    )
    created = doc.timestamp(times.get("created")) or (release_times[0] if release_times else None)
    unpublished = not versions and "unpublished" in times
    repository = _repository(root.get("repository")) or _repository(latest.get("repository"))
    homepage = doc.text(root.get("homepage")) or doc.text(latest.get("homepage"))
    summary = doc.text(root.get("description")) or doc.text(latest.get("description"))
    holding = latest_tag == SECURITY_HOLDING_VERSION or (
        set(versions) == {SECURITY_HOLDING_VERSION}
    )
    return PackageMetadata(
        name=package,
        registry=Registry.NPM,
        latest_version=latest_tag,
        created=created,
        latest_release=doc.timestamp(times.get(latest_tag)) if latest_tag else None,
        release_count=len(versions),
        release_times=tuple(release_times),
        repository=repository,
        homepage=homepage,
        maintainers=_maintainers(root.get("maintainers")) if "maintainers" in root else None,
        summary=summary,
        monthly_downloads=downloads,
        all_yanked=False,
        deprecated=doc.text(latest.get("deprecated")),
        security_holding=holding,
        unpublished=unpublished,
    )


def _repository(value: Any) -> str | None:
    if isinstance(value, str):
        return doc.clean_url(value)
    return doc.clean_url(doc.obj(value).get("url"))


def _maintainers(value: Any) -> tuple[str, ...]:
    if not isinstance(value, list):
        return ()
    names = []
    for entry in value:
        person = (
            doc.text(doc.obj(entry).get("name")) if isinstance(entry, dict) else doc.text(entry)
        )
        if person:
            names.append(person)
    return tuple(names)
