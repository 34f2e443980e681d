#!/usr/bin/env bash
# Install phantom-guard into a virtual environment of its own, so the workflow's Python and
# packages are left as they were. PG_VERSION set: that release from the package index; empty:
# the action's own checkout (the tag or commit the workflow's `uses:` names).
# Environment: PG_BASE_PYTHON, PG_VENV, PG_VERSION, PG_ACTION_PATH, GITHUB_OUTPUT.
set -euo pipefail

version="${PG_VERSION:-}"
version="${version#v}"
if [[ -n "$version" && ! "$version" =~ ^[0-9][0-9A-Za-z.+!-]*$ ]]; then
  echo "::error::version must be a phantom-guard version such as 0.2.0, not '${PG_VERSION}'"
  exit 2
fi
"${PG_BASE_PYTHON:?}" -m venv "${PG_VENV:?}"
python="${PG_VENV}/bin/python"
if [[ -x "${PG_VENV}/Scripts/python.exe" ]]; then
  python="${PG_VENV}/Scripts/python.exe" # Windows runners
fi
pip=("$python" -m pip install --quiet --disable-pip-version-check)
if [[ -n "$version" ]]; then
  "${pip[@]}" "phantom-guard==${version}"
else
  "${pip[@]}" "${PG_ACTION_PATH:?}"
fi
"$python" -m phantom_guard --version
echo "python=${python}" >>"${GITHUB_OUTPUT:?}"
