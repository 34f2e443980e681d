"""Package-manager command lines -> what they would install, by each manager's own grammar.

``parse_command(["pip", "install", "flask==2.0"])`` gives a `CommandPlan`: the registry names to
check, the specs skipped and why, and whether the command installs anything at all. Pure: the
only I/O is reading ``-r``/``-c`` requirement files. Shared by the install guard, the agent hook
and the MCP server.
"""

from __future__ import annotations

import os

from phantom_guard.errors import CommandError

# typing.TYPE_CHECKING without importing typing (mypy treats any name TYPE_CHECKING the same):
# the install guard imports this package before it knows whether a command installs anything.
TYPE_CHECKING = False
if TYPE_CHECKING:
    from collections.abc import Callable, Sequence
    from typing import Any

    from phantom_guard.commands._plan import CommandPlan

    _Parser = Callable[..., CommandPlan]

__all__ = ["MANAGERS", "PROGRAMS", "CommandError", "CommandPlan", "manager_of", "parse_command"]

#: The package-manager words the install guard answers to (``phantom-guard pip …``).
MANAGERS: tuple[str, ...] = (
    "pip",
    "pip3",
    "uv",
    "uvx",
    "npm",
    "npx",
    "pnpm",
    "pnpx",
    "yarn",
    "cargo",
)

_OTHERS = frozenset(
    {"uv", "uvx", "npm", "npx", "pnpm", "pnpx", "yarn", "yarnpkg", "cargo", "poetry"}
)

#: Every program word `parse_command` reads: the managers, ``python -m pip``, ``poetry``.
PROGRAMS: tuple[str, ...] = (*MANAGERS, "python", "python3", "poetry")


def manager_of(program: str) -> str | None:
    """The grammar a program word uses (``/usr/bin/pip3.12`` -> ``pip``), or None."""
    word = os.path.basename(program.replace("\\", "/"))
    lower = word.lower()
    for suffix in (".exe", ".cmd", ".bat", ".ps1"):
        lower = lower.removesuffix(suffix)
    if lower in _OTHERS:
        return lower
    # ``pip``, ``pip3``, ``pip3.12``, ``pip-3.12``: pip's own versioned entry points.
    if lower.startswith("pip") and _version_suffix(lower[3:].removeprefix("-")):
        return "pip"
    # ``python``, ``python3.12``, ``python3.13t``, ``py``, ``pypy3``: interpreters of ``-m pip``.
    for interpreter in ("python", "pypy", "py"):
        if lower.startswith(interpreter):
            rest = lower[len(interpreter) :]
            if _version_suffix(rest.removesuffix("t").removesuffix("w")):
                return "python"
            break
    return None


def _version_suffix(text: str) -> bool:
    """``""``, ``3``, ``3.12``: nothing, or dot-separated digits."""
    return text == "" or all(part.isdigit() and part.isascii() for part in text.split("."))


def __getattr__(name: str) -> Any:
    # CommandPlan is loaded on first use: `phantom-guard npm test` never needs it.
    if name == "CommandPlan":
        from phantom_guard.commands._plan import CommandPlan

        return CommandPlan
    raise AttributeError(f"module {__name__!r} has no attribute {name!r}")


def parse_command(
    argv: Sequence[str], *, cwd: str | None = None, read_files: bool = True
) -> CommandPlan:
    """What `argv` would install; ``argv[0]`` is the package manager word (or ``python``).

    Requirement files named by ``-r``/``-c`` are read relative to `cwd` (default: the current
    directory) unless `read_files` is False. Raises `CommandError` for a command line that
    cannot be read (an option missing its value, an invalid requirement, an unreadable file).
    """
    if not argv:
        raise CommandError("no command given")
    for arg in argv:
        if not isinstance(arg, str):
            raise CommandError("command arguments must be strings")
        if "\x00" in arg:
            raise CommandError("a command argument contains a NUL character")
    manager = manager_of(argv[0])
    if manager is None:
        raise CommandError(
            f"{argv[0]!r} is not a package manager phantom-guard reads "
            f"(known: {', '.join(PROGRAMS)})"
        )
    parser = _parser(manager)
    return parser(argv[0], list(argv[1:]), cwd=cwd, read_files=read_files)


# manager -> (module, function): only the grammar a command needs is imported.
_PARSERS = {
    "pip": ("pip", "parse"),
    "python": ("pip", "parse_python"),
    "uv": ("uv", "parse"),
    "uvx": ("uv", "parse_uvx"),
    "npm": ("npm", "parse"),
    "npx": ("npm", "parse_npx"),
    "pnpm": ("pnpm", "parse"),
    "pnpx": ("pnpm", "parse_pnpx"),
    "yarn": ("yarn", "parse"),
    "yarnpkg": ("yarn", "parse"),
    "cargo": ("cargo", "parse"),
    "poetry": ("poetry", "parse"),
}


def _parser(manager: str) -> _Parser:
    import sys

    module, function = _PARSERS[manager]
    name = f"phantom_guard.commands.{module}"
    __import__(name)  # not importlib.import_module: importing importlib costs a millisecond
    parser: _Parser = getattr(sys.modules[name], function)
    return parser
