"""The agent hook on whole command lines: ordinary commands stay silent, hidden installs of a
hallucinated name are blocked, on every host, against the fake registry.
"""

from __future__ import annotations

import json
from pathlib import Path

import pytest

from phantom_guard import hooks
from tests.fakeregistry import FakeRegistry

# Ordinary commands an agent runs all day: exit 0, nothing on stdout, nothing on stderr.
SILENT = [
    "ls",
    "ls -la",
    "pwd",
    "cd src && ls",
    "git status",
    "git diff --stat",
    "git log --oneline -5",
    "git add -A && git commit -m 'pip install x'",
    'git commit -m "npm install left-pad-gpt-helper"',
    "git checkout -b feature/install-flow",
    "git commit -m \"$(cat <<'EOF'\nDon't pip install flask-gpt-helper\n\nIt's fine\nEOF\n)\"",
    "git push origin HEAD",
    "npm test",
    "npm run build",
    "npm run lint -- --fix",
    "npm start",
    "npm ls",
    "npm outdated",
    "npm audit",
    "npm --version",
    "npx --version",
    "pip list",
    "pip freeze > requirements.lock",
    "pip show requests",
    "pip --version",
    "pip uninstall -y flask-gpt-helper",
    "pip download --help",
    "python -m pip list",
    "python3 -m pip freeze",
    "python3 -m venv .venv",
    "python -m pytest -q",
    "python script.py install",
    "python -c 'import flask'",
    "pytest",
    "pytest -k install",
    "pytest -q tests/test_install.py::test_pip_install",
    'echo "pip install x"',
    "echo 'npm install left-pad-gpt-helper'",
    "printf '%s\\n' 'pip install flask-gpt-helper'",
    "grep -r 'pip install' docs/",
    'rg "npm i " README.md',
    "cat requirements.txt",
    "head -n 20 package.json",
    "sed -n '1,40p' setup.cfg",
    "find . -name '*.py' | xargs wc -l",
    "mkdir -p build && cd build",
    "rm -rf node_modules/.cache",
    "touch install.log",
    "make test",
    "make install-docs",
    "docker build -t app .",
    "docker run --rm app pytest",
    "cargo test",
    "cargo build --release",
    "cargo fmt --check",
    "cargo clippy -- -D warnings",
    "cargo run --bin tool",
    "uv run pytest",
    "uv lock --check",
    "uv --version",
    "uv pip list",
    "uv pip freeze",
    "yarn test",
    "yarn run build",
    "pnpm test",
    "pnpm run dev",
    "poetry show",
    "poetry run pytest",
    "ruff check .",
    "ruff format --check .",
    "mypy --strict src",
    "black --check .",
    "tox -e py311",
    "node index.js",
    "node -e 'console.log(1)'",
    "tsc --noEmit",
    "eslint src --ext .ts",
    "which pip",
    "command -v npm",
    "type pip",
    "env | grep PATH",
    "export PATH=$HOME/.local/bin:$PATH",
    "FOO=bar ./run.sh",
    "source .venv/bin/activate",
    ". .venv/bin/activate && pytest",
    "curl -s http://127.0.0.1:8000/health",
    "ps aux | grep python",
    "kill $(cat server.pid)",
    "echo $((1 + 2))",
    "for f in *.py; do echo $f; done",
    "if [ -f setup.py ]; then echo legacy; fi",
    "while read line; do echo $line; done < install.txt",
    "cat <<EOF > notes.md\npip install flask-gpt-helper\nEOF",
    "tail -f install.log &",
    "sleep 1; echo done",
    "true && false || echo recovered",
    "date -u",
    "wc -l src/*.py",
    "tree -L 2",
    "history | grep install",
    "man pip",
    "pip install --help",
    "npm help install",
    "pip install requests",
    "pip install -U pip",
    "python3 -m pip install --upgrade pip setuptools wheel",
    "npm install express",
    "npm i -D @types/node",
    "cargo add serde",
    "uv add requests flask",
    "pip install ./local-package",
    "pip install -e .",
    "pip install git+https://git.example.test/org/repo.git",
    "npm install ../shared-lib",
    "npm install",
    "npm ci",
    "yarn install --frozen-lockfile",
    "uv sync",
    "cargo fetch",
]

HALLUCINATED_PYPI = "flask-gpt-helper"
HALLUCINATED_NPM = "react-gpt-hooks-helper"
HALLUCINATED_CRATE = "serde-gpt-derive"
HALLUCINATED_OTHER = "fastapi-graphql-lightning"

_PIP = [
    "pip install {p}",
    "pip3 install {p}",
    "pip3.12 install {p}",
    "/usr/bin/pip install {p}",
    ".venv/bin/pip install {p}",
    "python -m pip install {p}",
    "python3 -m pip install -U {p}",
    "python3.12 -m pip install --user {p}==1.0",
    ".venv/bin/python -m pip install {p}",
    "$PYTHON -m pip install {p}",
    "sudo pip install {p}",
    "sudo -E pip install {p}",
    "sudo -u root -H pip3 install {p}",
    "sudo -E env PATH=$PATH pip install {p}",
    "env PIP_NO_CACHE_DIR=1 pip install {p}",
    "PYTHONWARNINGS=ignore pip install {p}",
    "A=1 B=2 python3 -m pip install {p}",
    "env -i HOME=/tmp pip install {p}",
    "cd app && pip install {p}",
    "ls; pip install {p}",
    "false || pip install {p}",
    "pip install requests {p}",
    "pip install requests && pip install {p}",
    "pip install -q --no-deps {p}",
    "pip install '{p}>=1.0'",
    'pip install "{p}[extra]"',
    "pip install {p} 2>&1 | tail -5",
    "pip install {p} > /dev/null 2>&1",
    "bash -c 'pip install {p}'",
    'sh -c "pip install {p}"',
    "zsh -lc 'cd app && pip install {p}'",
    "bash -ec 'set -x; pip install {p}'",
    "sudo bash -c 'pip install {p}'",
    "nohup pip install {p} &",
    "time pip install {p}",
    "command pip install {p}",
    "exec pip install {p}",
    "timeout 60 pip install {p}",
    "nice -n 10 pip install {p}",
    "(pip install {p})",
    "{{ pip install {p}; }}",
    "if true; then pip install {p}; fi",
    "for i in 1; do pip install {p}; done",
    "x=$(pip install {p})",
    "echo `pip install {p}`",
    "eval 'pip install {p}'",
    "alias pi='pip install'\npi {p}",
    "bash <<'EOF'\npip install {p}\nEOF",
    "echo 'pip install {p}' | bash",
    "bash <<< 'pip install {p}'",
    "uv add {p}",
    "uv pip install {p}",
    "uv add --dev {p}",
    "uv tool install {p}",
    "uvx {p}",
    "poetry add {p}",
    "uv run pip install {p}",
    "poetry run python -m pip install {p}",
    "pip install \\\n  {p}",
]
_NPM = [
    "npm install {n}",
    "npm i {n}",
    "npm add {n}",
    "npm install --save-dev {n}",
    "npm i -D {n}",
    "npm install -g {n}",
    "sudo npm install -g {n}",
    "npm install express {n}",
    "npx {n}",
    "npx -y {n}",
    "pnpm add {n}",
    "pnpm add -D {n}",
    "yarn add {n}",
    "yarn add --dev {n}",
    "cd web && npm install {n}",
    "bash -c 'npm install {n}'",
    "NODE_ENV=development npm install {n}",
    "npm install {n}@latest",
    "npm install {n}@1.2.3",
    "time npx {n} init",
]
_CARGO = [
    "cargo add {c}",
    "cargo install {c}",
    "cargo add serde {c}",
    "sudo -E cargo install {c}",
    "sh -c 'cargo add {c}'",
]
BLOCK = (
    [t.format(p=HALLUCINATED_PYPI) for t in _PIP]
    + [t.format(n=HALLUCINATED_NPM) for t in _NPM]
    + [t.format(c=HALLUCINATED_CRATE) for t in _CARGO]
    + [t.format(p=HALLUCINATED_OTHER) for t in _PIP[:25]]
)


def _event(command: str, cwd: str) -> bytes:
    return json.dumps(
        {
            "hook_event_name": "PreToolUse",
            "tool_name": "Bash",
            "tool_input": {"command": command},
            "cwd": cwd,
        }
    ).encode()


def test_tables_are_large_enough() -> None:
    assert len(SILENT) >= 100
    assert len(BLOCK) >= 100
    assert len(set(BLOCK)) == len(BLOCK)


@pytest.mark.parametrize("command", SILENT)
def test_ordinary_commands_stay_silent(project_env: FakeRegistry, command: str) -> None:
    outcome = hooks.run("claude", _event(command, "."))
    assert (outcome.exit_code, outcome.stdout, outcome.stderr) == (0, "", "")


@pytest.mark.parametrize("command", BLOCK)
def test_hidden_installs_of_a_hallucinated_name_are_blocked(
    project_env: FakeRegistry, command: str
) -> None:
    outcome = hooks.run("claude", _event(command, "."))
    assert outcome.exit_code == 2, outcome
    assert outcome.stdout == ""
    names = (HALLUCINATED_PYPI, HALLUCINATED_NPM, HALLUCINATED_CRATE, HALLUCINATED_OTHER)
    name = next(n for n in names if n in command)
    assert name in outcome.stderr
    assert "NOT_FOUND" in outcome.stderr
    assert "[tool.phantom-guard] private" in outcome.stderr


@pytest.mark.parametrize(
    ("command", "files", "env"),
    [
        (
            "npm install @acme/internal-lib",
            {".npmrc": "@acme:registry=http://npm.acme.internal/\n"},
            {},
        ),
        (
            "pip install acme-internal-lib",
            {},
            {"PIP_INDEX_URL": "http://pypi.acme.internal/simple"},
        ),
        (
            "cd . && uv add acme-internal-lib",
            {
                "pyproject.toml": '[project]\nname = "app"\nversion = "0"\n\n[[tool.uv.index]]\n'
                'name = "acme"\nurl = "http://pypi.acme.internal/simple"\ndefault = true\n'
            },
            {},
        ),
    ],
)
def test_names_a_configured_private_index_serves_are_not_looked_up(
    project_env: FakeRegistry,
    monkeypatch: pytest.MonkeyPatch,
    command: str,
    files: dict[str, str],
    env: dict[str, str],
) -> None:
    for name, text in files.items():
        Path(name).write_text(text, encoding="utf-8")
    for variable, value in env.items():
        monkeypatch.setenv(variable, value)
    outcome = hooks.run("claude", _event(command, "."))
    assert (outcome.exit_code, outcome.stdout, outcome.stderr) == (0, "", ""), outcome
    assert project_env.request_count() == 0
