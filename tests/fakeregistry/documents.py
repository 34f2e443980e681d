"""Builders for registry documents in the real API shapes of PyPI, npm and the crates registry.

Tests use them to add packages to the fake registry without hand-writing whole documents.
File and index URLs point at ``*.example`` hosts; no public registry host appears here.
"""

from __future__ import annotations

import base64
import hashlib
import re
from collections.abc import Iterable, Mapping, Sequence
from datetime import UTC, datetime, timedelta
from typing import Any

from packaging.utils import canonicalize_name
from packaging.version import InvalidVersion, Version

__all__ = [
    "FILES_BASE",
    "INDEX_BASE",
    "TODAY",
    "crates_document",
    "crates_time",
    "days_ago",
    "npm_document",
    "npm_security_holding_document",
    "npm_time",
    "npm_unpublished_document",
    "pypi_document",
    "pypi_time",
]

#: The project's notion of "today": fixture ages are relative to it.
TODAY = datetime(2026, 11, 24, 12, 0, 0, tzinfo=UTC)
#: Stand-in host for release files and tarballs.
FILES_BASE = "https://files.example"
#: Stand-in host for the package index's human-facing pages.
INDEX_BASE = "https://index.example"

Releases = Sequence[tuple[str, datetime]]
YankSpec = Iterable[str] | Mapping[str, str | None]

_DEFAULT_PUBLISHER: dict[str, Any] = {
    "avatar": "https://avatars.githubusercontent.com/u/5824301?v=4",
    "id": 48213,
    "login": "janedoe",
    "name": "Jane Doe",
    "url": "https://github.com/janedoe",
}


def days_ago(days: float, *, now: datetime = TODAY) -> datetime:
    """Return the UTC instant ``days`` before the project's "today" (2026-11-24 12:00 UTC)."""
    return now - timedelta(days=days)


_DEFAULT_RELEASES: Releases = (("0.9.0", days_ago(900)), ("1.0.0", days_ago(700)))


def _utc(moment: datetime) -> datetime:
    return moment.replace(tzinfo=UTC) if moment.tzinfo is None else moment.astimezone(UTC)


def pypi_time(moment: datetime) -> str:
    """Format like PyPI's ``upload_time_iso_8601``: microseconds and a ``Z`` suffix."""
    return _utc(moment).strftime("%Y-%m-%dT%H:%M:%S.%fZ")


def npm_time(moment: datetime) -> str:
    """Format like the npm registry's ``time`` entries: milliseconds and a ``Z`` suffix."""
    moment = _utc(moment)
    return moment.strftime("%Y-%m-%dT%H:%M:%S.") + f"{moment.microsecond // 1000:03d}Z"


def crates_time(moment: datetime) -> str:
    """Format like the crates registry API timestamps: microseconds and a ``+00:00`` offset."""
    return _utc(moment).strftime("%Y-%m-%dT%H:%M:%S.%f+00:00")


def _digest(kind: str, *parts: object) -> str:
    return hashlib.new(kind, "|".join(str(p) for p in parts).encode()).hexdigest()


def _number(*parts: object, low: int, high: int) -> int:
    return low + int(_digest("sha256", *parts)[:12], 16) % (high - low)


def _yanks(spec: YankSpec) -> dict[str, str | None]:
    if isinstance(spec, Mapping):
        return dict(spec)
    return dict.fromkeys(spec)


def _pep440_key(version: str) -> tuple[int, Version | str]:
    try:
        return (1, Version(version))
    except InvalidVersion:
        return (0, version)


def _is_prerelease(version: str) -> bool:
    try:
        return Version(version).is_prerelease
    except InvalidVersion:
        return False


def _latest(versions: Iterable[str], yanked: Mapping[str, str | None]) -> str | None:
    """Pick the version a registry advertises: highest stable unyanked, then any unyanked."""
    ordered = sorted(versions, key=_pep440_key)
    for candidates in (
        [v for v in ordered if v not in yanked and not _is_prerelease(v)],
        [v for v in ordered if v not in yanked],
        ordered,
    ):
        if candidates:
            return candidates[-1]
    return None


# --------------------------------------------------------------------------------------- PyPI


def _pypi_file(
    name: str,
    version: str,
    uploaded: datetime,
    *,
    packagetype: str,
    requires_python: str | None,
    yanked_reason: str | None,
    yanked: bool,
) -> dict[str, Any]:
    stem = f"{canonicalize_name(name).replace('-', '_')}-{version}"
    if packagetype == "bdist_wheel":
        filename, python_version = f"{stem}-py3-none-any.whl", "py3"
    else:
        filename, python_version = f"{stem}.tar.gz", "source"
    blake = _digest("blake2b", name, version, filename)[:64]
    md5 = _digest("md5", name, version, filename)
    return {
        "comment_text": "",
        "digests": {
            "blake2b_256": blake,
            "md5": md5,
            "sha256": _digest("sha256", name, version, filename),
        },
        "downloads": -1,
        "filename": filename,
        "has_sig": False,
        "md5_digest": md5,
        "packagetype": packagetype,
        "python_version": python_version,
        "requires_python": requires_python,
        "size": _number(filename, low=4_000, high=180_000),
        "upload_time": _utc(uploaded).strftime("%Y-%m-%dT%H:%M:%S"),
        "upload_time_iso_8601": pypi_time(uploaded),
        "url": f"{FILES_BASE}/packages/{blake[:2]}/{blake[2:4]}/{blake[4:]}/{filename}",
        "yanked": yanked,
        "yanked_reason": yanked_reason,
    }


def pypi_document(
    name: str,
    releases: Releases = _DEFAULT_RELEASES,
    *,
    summary: str | None = "A small, well-tested helper library.",
    author: str | None = "Jane Doe",
    author_email: str | None = "jane@example.org",
    maintainer: str | None = None,
    maintainer_email: str | None = None,
    home_page: str | None = None,
    project_urls: Mapping[str, str] | None = None,
    yanked_versions: YankSpec = (),
    description: str | None = None,
    license_: str | None = "MIT",
    requires_python: str | None = ">=3.9",
    requires_dist: Sequence[str] | None = None,
    classifiers: Sequence[str] | None = None,
    keywords: str | None = "",
    wheels: bool = True,
    vulnerabilities: Sequence[Mapping[str, Any]] = (),
) -> dict[str, Any]:
    """Build a PyPI JSON API project document (``GET /pypi/<name>/json``).

    Each release gets an sdist and (if ``wheels``) a wheel; ``yanked_versions`` may map to reasons.
    """
    yanked = _yanks(yanked_versions)
    ordered = sorted(releases, key=lambda item: _pep440_key(item[0]))
    files: dict[str, list[dict[str, Any]]] = {}
    for version, uploaded in ordered:
        kinds = ["bdist_wheel", "sdist"] if wheels else ["sdist"]
        files[version] = [
            _pypi_file(
                name,
                version,
                uploaded + timedelta(seconds=index * 2),
                packagetype=kind,
                requires_python=requires_python,
                yanked=version in yanked,
                yanked_reason=yanked.get(version),
            )
            for index, kind in enumerate(kinds)
        ]
    latest = _latest(files, yanked)
    if description is None:
        description = f"# {name}\n\n{summary or ''}\n"
    if classifiers is None:
        classifiers = [
            "License :: OSI Approved :: MIT License",
            "Operating System :: OS Independent",
            "Programming Language :: Python :: 3",
        ]
    project_page = f"{INDEX_BASE}/project/{name}/"
    newest_upload = max((when for _, when in ordered), default=TODAY)
    info: dict[str, Any] = {
        "author": author,
        "author_email": author_email,
        "bugtrack_url": None,
        "classifiers": list(classifiers),
        "description": description,
        "description_content_type": "text/markdown",
        "docs_url": None,
        "download_url": None,
        "downloads": {"last_day": -1, "last_month": -1, "last_week": -1},
        "dynamic": None,
        "home_page": home_page,
        "keywords": keywords,
        "license": license_,
        "license_expression": None,
        "license_files": None,
        "maintainer": maintainer,
        "maintainer_email": maintainer_email,
        "name": name,
        "package_url": project_page,
        "platform": None,
        "project_url": project_page,
        "project_urls": dict(project_urls) if project_urls is not None else None,
        "provides_extra": None,
        "release_url": f"{project_page}{latest}/" if latest else project_page,
        "requires_dist": list(requires_dist) if requires_dist is not None else None,
        "requires_python": requires_python,
        "summary": summary,
        "version": latest,
        "yanked": latest in yanked,
        "yanked_reason": yanked.get(latest) if latest else None,
    }
    return {
        "info": info,
        "last_serial": 20_000_000 + (_utc(newest_upload) - datetime(2010, 1, 1, tzinfo=UTC)).days,
        "releases": files,
        "urls": files.get(latest, []) if latest else [],
        "vulnerabilities": [dict(v) for v in vulnerabilities],
    }


# ---------------------------------------------------------------------------------------- npm


def _npm_repository(repository: str | Mapping[str, str] | None) -> dict[str, str] | None:
    if repository is None or isinstance(repository, Mapping):
        return dict(repository) if repository is not None else None
    url = repository if repository.startswith("git+") else f"git+{repository.removesuffix('/')}.git"
    return {"type": "git", "url": url}


def _github_page(repository: Mapping[str, str] | None) -> str | None:
    if not repository:
        return None
    match = re.search(r"github\.com/([^/]+/[^/.#]+)", repository.get("url", ""))
    return f"https://github.com/{match.group(1)}" if match else None


def _tarball(name: str, version: str) -> str:
    return f"{FILES_BASE}/npm/{name}/-/{name.rsplit('/', 1)[-1]}-{version}.tgz"


def _npm_dist(name: str, version: str) -> dict[str, Any]:
    sha512 = hashlib.sha512(f"{name}@{version}".encode()).digest()
    return {
        "integrity": "sha512-" + base64.b64encode(sha512).decode(),
        "shasum": _digest("sha1", name, version),
        "tarball": _tarball(name, version),
        "fileCount": _number(name, version, low=3, high=60),
        "unpackedSize": _number(name, version, "size", low=1_500, high=250_000),
        "signatures": [
            {
                "keyid": "SHA256:fakeregistry0signingkey0000000000000000000",
                "sig": "MEUCIQ" + _digest("sha256", "sig", name, version)[:58] + "==",
            }
        ],
    }


def npm_document(
    name: str,
    versions: Releases,
    *,
    description: str | None = "A tiny, dependable utility.",
    maintainers: Sequence[Mapping[str, str]] = ({"name": "janedoe", "email": "jane@example.org"},),
    repository: str | Mapping[str, str] | None = "https://github.com/janedoe/example",
    deprecated: Mapping[str, str] | str | None = None,
    author: Mapping[str, str] | str | None = None,
    license_: str | None = "MIT",
    homepage: str | None = None,
    keywords: Sequence[str] = (),
    dependencies: Mapping[str, str] | None = None,
    dist_tags: Mapping[str, str] | None = None,
    readme: str | None = None,
    modified: datetime | None = None,
) -> dict[str, Any]:
    """Build an npm registry packument (``GET /<name>``), full (non-abbreviated) form.

    ``deprecated`` maps versions to messages, or is one message for every version.
    """
    repo = _npm_repository(repository)
    page = _github_page(repo)
    if homepage is None and page:
        homepage = f"{page}#readme"
    bugs = {"url": f"{page}/issues"} if page else None
    if author is None and maintainers:
        author = {"name": maintainers[0]["name"]}
    if readme is None:
        readme = f"# {name}\n\n{description or ''}\n"
    ordered = sorted(versions, key=lambda item: _utc(item[1]))
    publisher = dict(maintainers[0]) if maintainers else {"name": "unknown", "email": ""}
    version_docs: dict[str, Any] = {}
    for version, _published in ordered:
        doc: dict[str, Any] = {
            "name": name,
            "version": version,
            "description": description,
            "main": "index.js",
            "scripts": {"test": "node test.js"},
        }
        if repo is not None:
            doc["repository"] = repo
        if author is not None:
            doc["author"] = author
        doc |= {
            "license": license_,
            "dependencies": dict(dependencies or {}),
            "keywords": list(keywords),
            "gitHead": _digest("sha1", "head", name, version),
            "_id": f"{name}@{version}",
            "_nodeVersion": "20.11.1",
            "_npmVersion": "10.2.4",
            "dist": _npm_dist(name, version),
            "_npmUser": dict(publisher),
            "directories": {},
            "maintainers": [dict(m) for m in maintainers],
            "_hasShrinkwrap": False,
        }
        if homepage is not None:
            doc["homepage"] = homepage
        if bugs is not None:
            doc["bugs"] = bugs
        message = deprecated if isinstance(deprecated, str) else (deprecated or {}).get(version)
        if message is not None:
            doc["deprecated"] = message
        version_docs[version] = doc
    if dist_tags is None:
        latest = _latest(version_docs, {})
        dist_tags = {"latest": latest} if latest else {}
    created = ordered[0][1] - timedelta(seconds=1) if ordered else TODAY
    last = ordered[-1][1] if ordered else created
    times: dict[str, str] = {
        "created": npm_time(created),
        "modified": npm_time(modified or last + timedelta(seconds=3)),
    }
    times |= {version: npm_time(published) for version, published in ordered}
    document: dict[str, Any] = {
        "_id": name,
        "_rev": f"{len(ordered) + 2}-{_digest('md5', 'rev', name)}",
        "name": name,
        "dist-tags": dict(dist_tags),
        "versions": version_docs,
        "time": times,
        "maintainers": [dict(m) for m in maintainers],
        "description": description,
        "readme": readme,
        "readmeFilename": "README.md",
        "license": license_,
        "keywords": list(keywords),
    }
    if repo is not None:
        document["repository"] = repo
    if homepage is not None:
        document["homepage"] = homepage
    if bugs is not None:
        document["bugs"] = bugs
    if author is not None:
        document["author"] = author
    return document


def npm_unpublished_document(
    name: str,
    created: datetime,
    unpublished: datetime,
    *,
    versions: Sequence[str] = ("1.0.0",),
    maintainers: Sequence[Mapping[str, str]] = ({"name": "janedoe", "email": "jane@example.org"},),
) -> dict[str, Any]:
    """Build the tombstone the npm registry serves (with 200) for a fully unpublished package."""
    step = (unpublished - created) / (len(versions) + 1)
    times = {"created": npm_time(created), "modified": npm_time(unpublished)}
    times |= {v: npm_time(created + step * i) for i, v in enumerate(versions)}
    return {
        "_id": name,
        "_rev": f"{len(versions) + 2}-{_digest('md5', 'rev', name)}",
        "name": name,
        "time": {
            **times,
            "unpublished": {
                "time": npm_time(unpublished),
                "versions": list(versions),
                "tags": {"latest": versions[-1]} if versions else {},
                "maintainers": [dict(m) for m in maintainers],
                "name": maintainers[0]["name"] if maintainers else "unknown",
            },
        },
        "_attachments": {},
    }


def npm_security_holding_document(
    name: str, *, published: datetime | None = None
) -> dict[str, Any]:
    """Build the placeholder npm publishes after taking a malicious package down."""
    published = published or days_ago(30)
    npm_staff = {"name": "npm", "email": "npm@npm.example"}
    document = npm_document(
        name,
        [("0.0.1-security", published)],
        description="security holding package",
        maintainers=[npm_staff],
        repository="https://github.com/npm/security-holder",
        author="",
        license_="ISC",
        dependencies={},
        readme=(
            "# Security holding package\n\n"
            "This package contained malicious code and was removed from the registry by the "
            "npm security team. A placeholder was published to ensure users are not affected "
            "in the future.\n"
        ),
    )
    version = document["versions"]["0.0.1-security"]
    version["scripts"] = {"test": 'echo "Error: no test specified" && exit 1'}
    version["_npmUser"] = dict(npm_staff)
    return document


# ------------------------------------------------------------------------------------- crates


def _semver_key(version: str) -> tuple[tuple[int, ...], int, str]:
    core, _, pre = version.partition("-")
    core = core.partition("+")[0]
    numbers = tuple(int(p) if p.isdigit() else 0 for p in core.split("."))
    return (numbers, 0 if pre else 1, pre)


def crates_document(
    name: str,
    versions: Releases,
    *,
    downloads: int = 125_000,
    recent_downloads: int | None = None,
    description: str | None = "A small, focused Rust library.",
    repository: str | None = "https://github.com/janedoe/example-rs",
    homepage: str | None = None,
    documentation: str | None = None,
    keywords: Sequence[str] = (),
    categories: Sequence[str] = (),
    yanked_versions: YankSpec = (),
    publisher: Mapping[str, Any] | None = None,
    license_: str | None = "MIT OR Apache-2.0",
    rust_version: str | None = None,
    edition: str = "2021",
    first_id: int | None = None,
) -> dict[str, Any]:
    """Build a crates registry API document (``GET /api/v1/crates/<name>``).

    An all-yanked crate reports ``max_version`` "0.0.0" and no stable version, like the real API.
    """
    yanked = _yanks(yanked_versions)
    publisher = dict(publisher or _DEFAULT_PUBLISHER)
    by_time = sorted(versions, key=lambda item: _utc(item[1]))
    base_id = first_id or _number(name, low=100_000, high=1_400_000)
    ids = {version: base_id + index * 7 for index, (version, _) in enumerate(by_time)}
    total = max(downloads, 0)
    weights = list(range(1, len(by_time) + 1))
    shares = {
        v: total * w // max(sum(weights), 1) for (v, _), w in zip(by_time, weights, strict=True)
    }
    entries: list[dict[str, Any]] = []
    for version, published in sorted(versions, key=lambda i: _semver_key(i[0]), reverse=True):
        base = f"/api/v1/crates/{name}/{version}"
        entries.append(
            {
                "id": ids[version],
                "crate": name,
                "num": version,
                "dl_path": f"{base}/download",
                "readme_path": f"{base}/readme",
                "updated_at": crates_time(published + timedelta(minutes=1)),
                "created_at": crates_time(published),
                "downloads": shares[version],
                "features": {},
                "yanked": version in yanked,
                "yank_message": yanked.get(version),
                "lib_links": None,
                "license": license_,
                "links": {
                    "dependencies": f"{base}/dependencies",
                    "version_downloads": f"{base}/downloads",
                },
                "crate_size": _number(name, version, low=3_000, high=400_000),
                "published_by": dict(publisher),
                "audit_actions": [
                    {
                        "action": "publish",
                        "user": dict(publisher),
                        "time": crates_time(published),
                    }
                ],
                "checksum": _digest("sha256", "crate", name, version),
                "rust_version": rust_version,
                "has_lib": True,
                "bin_names": [],
                "edition": edition,
                "description": description,
                "homepage": homepage,
                "documentation": documentation,
                "repository": repository,
            }
        )
    live = [e for e in entries if not e["yanked"]]
    stable = [e for e in live if "-" not in e["num"]]
    max_version = live[0]["num"] if live else "0.0.0"
    newest = max(live, key=lambda e: e["created_at"])["num"] if live else "0.0.0"
    default = (stable or live or entries)[0]["num"] if entries else None
    created = by_time[0][1] if by_time else TODAY
    updated = by_time[-1][1] + timedelta(minutes=1) if by_time else TODAY
    crate: dict[str, Any] = {
        "id": name,
        "name": name,
        "updated_at": crates_time(updated),
        "versions": [e["id"] for e in entries],
        "keywords": list(keywords),
        "categories": list(categories),
        "badges": [],
        "created_at": crates_time(created),
        "downloads": total,
        "recent_downloads": recent_downloads if recent_downloads is not None else total // 9,
        "default_version": default,
        "num_versions": len(entries),
        "yanked": not live and bool(entries),
        "max_version": max_version,
        "newest_version": newest,
        "max_stable_version": stable[0]["num"] if stable else None,
        "description": description,
        "homepage": homepage,
        "documentation": documentation,
        "repository": repository,
        "links": {
            "version_downloads": f"/api/v1/crates/{name}/downloads",
            "versions": None,
            "owners": f"/api/v1/crates/{name}/owners",
            "owner_team": f"/api/v1/crates/{name}/owner_team",
            "owner_user": f"/api/v1/crates/{name}/owner_user",
            "reverse_dependencies": f"/api/v1/crates/{name}/reverse_dependencies",
        },
        "exact_match": False,
    }
    return {
        "crate": crate,
        "versions": entries,
        "keywords": [
            {
                "id": word,
                "keyword": word,
                "created_at": crates_time(datetime(2015, 1, 1, tzinfo=UTC)),
                "crates_cnt": _number(word, low=10, high=5_000),
            }
            for word in keywords
        ],
        "categories": [
            {
                "id": slug,
                "category": slug.replace("-", " ").title(),
                "slug": slug,
                "description": f"Crates in the {slug} category.",
                "created_at": crates_time(datetime(2017, 1, 17, tzinfo=UTC)),
                "crates_cnt": _number(slug, low=100, high=20_000),
            }
            for slug in categories
        ],
    }
