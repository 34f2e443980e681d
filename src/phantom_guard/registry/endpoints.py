"""The public registries' default endpoints.

This is the only module that spells a public registry's host name. Everything else receives its
base URL from `Settings`, so tests, mirrors and private registries plug in without code changes.
"""

from __future__ import annotations

#: PyPI JSON API base: requests go to ``{base}/{name}/json``.
PYPI_URL = "https://pypi.org/pypi"
#: npm registry root: requests go to ``{base}/{name}`` (scoped: ``{base}/@scope%2Fname``).
NPM_URL = "https://registry.npmjs.org"
#: npm downloads API root: requests go to ``{base}/downloads/point/last-month/{name}``.
NPM_DOWNLOADS_URL = "https://api.npmjs.org"
#: crates.io API base: requests go to ``{base}/crates/{name}``.
CRATES_URL = "https://crates.io/api/v1"
#: OSV data dump root (the known-malicious feed): ``{base}/{PyPI|npm|crates.io}/all.zip``.
FEED_URL = "https://osv-vulnerabilities.storage.googleapis.com"

#: Where lock files say the public registries' packages were fetched from: anything under these
#: is the public index; any other host must be one a configuration names (sources/indexes.py).
PYPI_INDEX_URLS = ("https://pypi.org/", "https://files.pythonhosted.org/")
NPM_INDEX_URLS = ("https://registry.npmjs.org/", "https://registry.yarnpkg.com/")
CRATES_INDEX_URLS = (
    "https://github.com/rust-lang/crates.io-index",
    "https://index.crates.io/",
    "https://static.crates.io/",
    "https://crates.io/",
)
