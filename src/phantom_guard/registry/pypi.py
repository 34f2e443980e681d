"""PyPI: the JSON API document (``{base}/{name}/json``) mapped to `PackageMetadata`."""

from __future__ import annotations

from typing import Any

from phantom_guard.model import NormalizedName, PackageMetadata, Registry
from phantom_guard.registry import _document as doc
from phantom_guard.registry._http import HttpClient
from phantom_guard.stand_ins import datetime

# project_urls labels that name the source repository (PyPI shows them as "Source", "Code", ...).
_REPOSITORY_LABELS = ("source", "repository", "code", "github", "gitlab", "git", "source code")


class PyPIClient:
    """Looks packages up in the PyPI JSON API."""

    registry = Registry.PYPI

    def __init__(self, http: HttpClient, base_url: str) -> None:
        self._http = http
        self._base = base_url.rstrip("/")

    async def fetch(self, name: NormalizedName) -> PackageMetadata | None:
        """The project's metadata, or None when PyPI answers 404."""
        document = await self._http.get_json(f"{self._base}/{name}/json")
        if document is None:
            return None
        return parse_document(name, document)


def parse_document(name: str, document: Any) -> PackageMetadata:
    """Map a PyPI JSON API document to `PackageMetadata`.

    A version counts as a release when it has at least one file; "all yanked" means every file
    of every release is yanked (PEP 592), which pip treats as not installable by a bare name.
    """
    root = doc.require_object(document, "PyPI document")
    info = doc.require_object(root.get("info"), "PyPI document 'info'")
    project = doc.require_name(info.get("name"), name, Registry.PYPI, "PyPI document")
    releases = doc.optional_object(root.get("releases"), "PyPI document 'releases'")
    release_times: list[datetime] = []
    release_count = 0
    files_total = 0
    files_yanked = 0
    for files in releases.values():
        if not isinstance(files, list) or not files:
            continue
        release_count += 1
        uploads = []
        for file in files:
            entry = doc.obj(file)
            files_total += 1
            files_yanked += entry.get("yanked") is True
            moment = doc.timestamp(entry.get("upload_time_iso_8601")) or doc.timestamp(
                entry.get("upload_time")
            )
            if moment is not None:
                uploads.append(moment)
        if uploads:
            release_times.append(min(uploads))
    release_times.sort()
    return PackageMetadata(
        name=project,
        registry=Registry.PYPI,
        latest_version=doc.text(info.get("version")),
        created=release_times[0] if release_times else None,
        latest_release=release_times[-1] if release_times else None,
        release_count=release_count,
        release_times=tuple(release_times),
        repository=_repository(info),
        homepage=doc.text(info.get("home_page")),
        maintainers=_people(info),
        summary=doc.text(info.get("summary")),
        monthly_downloads=None,  # PyPI's JSON API reports -1: downloads are not served there.
        all_yanked=files_total > 0 and files_yanked == files_total,
        deprecated=None,
    )


def _repository(info: dict[str, Any]) -> str | None:
    urls = doc.obj(info.get("project_urls"))
    for label, url in urls.items():
        if isinstance(label, str) and label.strip().lower() in _REPOSITORY_LABELS:
            found = doc.text(url)
            if found:
                return found
    candidates = [doc.text(u) for u in urls.values()] + [doc.text(info.get("home_page"))]
    for url in candidates:
        if doc.is_code_host(url):
            return url
    return None


def _people(info: dict[str, Any]) -> tuple[str, ...]:
    people: list[str] = []
    for key in ("author", "author_email", "maintainer", "maintainer_email"):
        value = doc.text(info.get(key))
        if value and value.upper() not in ("UNKNOWN", "NONE") and value not in people:
            people.append(value)
    return tuple(people)
