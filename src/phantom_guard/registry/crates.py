"""crates.io: the API's crate document (``{base}/crates/{name}``) mapped to `PackageMetadata`."""

from __future__ import annotations

from typing import Any

from phantom_guard.model import NormalizedName, PackageMetadata, Registry
from phantom_guard.registry import _document as doc
from phantom_guard.registry._http import HttpClient
from phantom_guard.stand_ins import datetime

# crates.io's recent_downloads covers the last 90 days.
_RECENT_DAYS = 90


class CratesClient:
    """Looks crates up in the crates.io API."""

    registry = Registry.CRATES

    def __init__(self, http: HttpClient, base_url: str) -> None:
        self._http = http
        self._base = base_url.rstrip("/")

    async def fetch(self, name: NormalizedName) -> PackageMetadata | None:
        """The crate's metadata, or None when crates.io answers 404."""
        document = await self._http.get_json(f"{self._base}/crates/{name}")
        if document is None:
            return None
        return parse_document(name, document)


_NO_VERSION = "0.0.0"


def parse_document(name: str, document: Any) -> PackageMetadata:
    """Map a crates.io crate document to `PackageMetadata` (publishers stand for maintainers)."""
    root = doc.require_object(document, "crates.io document")
    crate = doc.require_object(root.get("crate"), "crates.io document 'crate'")
    crate_name = doc.require_name(crate.get("name"), name, Registry.CRATES, "crates.io document")
    listed = doc.optional_array(root.get("versions"), "crates.io document 'versions'")
    versions = [v for v in listed if isinstance(v, dict)]
    release_times: list[datetime] = sorted(
        moment for v in versions if (moment := doc.timestamp(v.get("created_at")))
    )
    publishers: list[str] = []
    for version in versions:
        login = doc.text(doc.obj(version.get("published_by")).get("login"))
        if login and login not in publishers:
            publishers.append(login)
    recent = doc.integer(crate.get("recent_downloads"))
    repository = doc.clean_url(crate.get("repository"))
    homepage = doc.text(crate.get("homepage"))
    if repository is None and doc.is_code_host(homepage):
        repository = homepage
    all_yanked = bool(versions) and all(v.get("yanked") is True for v in versions)
    latest = doc.text(crate.get("max_stable_version")) or doc.text(crate.get("max_version"))
    if all_yanked and latest == _NO_VERSION:
        latest = None  # crates.io's placeholder when nothing is installable, not a release
    return PackageMetadata(
        name=crate_name,
        registry=Registry.CRATES,
        latest_version=latest,
        created=doc.timestamp(crate.get("created_at"))
        or (release_times[0] if release_times else None),
        latest_release=release_times[-1]
        if release_times
        else doc.timestamp(crate.get("updated_at")),
        release_count=len(versions) if "versions" in root else None,
        release_times=tuple(release_times),
        repository=repository,
        homepage=homepage,
        maintainers=tuple(publishers) if versions else None,
        summary=doc.text(crate.get("description")),
        monthly_downloads=round(recent * 30 / _RECENT_DAYS) if recent is not None else None,
        all_yanked=all_yanked,
    )
