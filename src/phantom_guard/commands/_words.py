"""The subcommand words that install, per package manager, and the quick test built on them.

Kept apart from the grammars (and free of imports) so that ``phantom-guard npm test`` can hand
over to npm without loading any grammar: a command whose first word is none of these installs
nothing. The grammars use the same sets, so the two cannot disagree.
"""

PIP_INSTALLING = frozenset({"install", "download", "wheel", "lock"})

# npm's names for installing: the command, its aliases and its misspellings (npm help install).
NPM_INSTALL = frozenset(
    {"install", "i", "in", "ins", "inst", "insta", "instal", "isnt", "isnta", "isntal", "isntall"}
    | {"add", "install-test", "it"}
)
NPM_CI = frozenset(
    {"ci", "clean-install", "ic", "install-clean", "isntall-clean"}
    | {"install-ci-test", "cit", "clean-install-test", "sit"}
)
NPM_EXECUTE = frozenset({"exec", "x"})
NPM_INIT = frozenset({"init", "create", "innit"})
NPM_UPDATE = frozenset({"update", "up", "upgrade", "udpate", "rebuild", "rb", "dedupe", "ddp"})

PNPM_ADD = frozenset({"add"})
PNPM_PROJECT = frozenset({"install", "i", "update", "up", "upgrade", "rebuild", "rb", "fetch"})

YARN_ADD = frozenset({"add"})
YARN_PROJECT = frozenset({"install", "upgrade", "up"})

#: Commands that download and build a Rust project's dependencies (their build scripts run).
CARGO_PROJECT = frozenset(
    {"build", "b", "check", "c", "run", "r", "test", "t", "bench", "fetch", "doc", "d"}
    | {"clippy", "vendor", "package", "publish", "tree", "metadata"}
)

POETRY_PROJECT = frozenset({"install", "sync", "update"})

#: Per manager word: the first words after which the full grammar must read the command.
INSTALLING = {
    "pip": PIP_INSTALLING,
    "uv": frozenset({"pip", "add", "tool", "run", "sync"}),
    "npm": NPM_INSTALL | NPM_CI | NPM_EXECUTE | NPM_INIT | NPM_UPDATE,
    "pnpm": PNPM_ADD | PNPM_PROJECT | {"dlx", "create"},
    "yarn": YARN_ADD | YARN_PROJECT | {"dlx", "create", "global", "workspace"},
    "cargo": CARGO_PROJECT | {"add", "install"},
    "poetry": POETRY_PROJECT | {"add"},
}


def installs_nothing(manager: str, args: list[str]) -> bool:
    """True when ``manager args…`` surely installs nothing: its first argument is a plain word
    that is not an installing subcommand (``npm test``, ``pip list``). False means "read it".
    """
    words = INSTALLING.get(manager)
    if words is None or not args:
        return False
    first = args[0]
    return not first.startswith(("-", "+")) and first not in words
