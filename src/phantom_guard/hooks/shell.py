"""Shell command lines -> the package-manager commands they would run.

An agent hands its host a whole script (``cd app && sudo -E pip install x``), so the install
guard's grammar cannot read it as argv. This module tokenizes it the way a POSIX shell does
(Shell Command Language §2.3: quotes, escapes, operators, here-documents), splits it into simple
commands, removes what only wraps a command (assignments, ``sudo``, ``env``, ``command``,
``exec``, ``time``, ``nohup``, ``nice``, ``timeout``, reserved words, aliases defined in the
script), reads ``sh -c STRING``, ``eval`` and ``$( … )`` as scripts of their own, and keeps the
commands whose program is a package manager. Text quoted as another program's argument
(``git commit -m "pip install x"``) is an argument, never a command.

A word whose value is only known when the script runs (``$PKG``, ``$(cat names)``, brace
expansion) is replaced by `UNRESOLVED`, so that a package name made of one can be reported as
"cannot verify" rather than guessed at.
"""

from __future__ import annotations

import os
import posixpath

# typing.TYPE_CHECKING without importing typing: this module runs before every shell command an
# agent runs, so it imports neither typing, dataclasses nor re (its classes are written out).
TYPE_CHECKING = False
if TYPE_CHECKING:
    from collections.abc import Callable, Iterable
    from pathlib import Path

    from phantom_guard.commands import CommandPlan

#: Stands for the run-time value of an expansion inside a word; a valid name in every registry.
UNRESOLVED = "phantomguardunresolved"

_MAX_DEPTH = 8  # nested sh -c / eval / $( ) levels before we stop reading and call it unverifiable
_MAX_NESTING = (
    32  # $( $( … ) ) inside one text: far past any real command, short of recursion limits
)
_NAME_START = frozenset("ABCDEFGHIJKLMNOPQRSTUVWXYZabcdefghijklmnopqrstuvwxyz_")
_NAME_CHARS = _NAME_START | frozenset("0123456789")
_SHELLS = frozenset({"sh", "bash", "zsh", "dash", "ksh", "mksh", "ash"})
# Words that open or continue a compound command; what follows them is a command.
_PREFIX_WORDS = frozenset({"!", "{", "if", "then", "else", "elif", "do", "while", "until"})
# Words whose command runs nothing we could name here (loops' word lists, closers).
_INERT_WORDS = frozenset({"for", "select", "case", "esac", "fi", "done", "}", "in", "declare"})
_OPERATORS = ("&&", "||", ";;&", ";;", ";&", "|&", "|", "&", ";", "(", ")")
_REDIRECTIONS = ("<<<", "<<-", "<<", "&>>", "&>", ">>", ">|", ">&", "<&", "<>", ">", "<")


class ShellSyntaxError(ValueError):
    """The text is not a command line a POSIX shell would accept (an unclosed quote, say)."""


class Word:
    """One shell word after quote removal; each expansion in it is replaced by `UNRESOLVED`.

    `raw` is the word as written; `dynamic` says it holds an expansion.
    """

    __slots__ = ("dynamic", "raw", "text")

    def __init__(self, text: str, raw: str, dynamic: bool = False) -> None:
        self.text = text
        self.raw = raw
        self.dynamic = dynamic

    def __repr__(self) -> str:
        return f"Word({self.text!r}, {self.raw!r}, {self.dynamic!r})"


class _Command:
    __slots__ = ("piped", "stdin", "words")

    def __init__(self, piped: bool = False) -> None:
        self.words: list[Word] = []
        self.stdin: list[str] = []  # here-documents and here-strings
        self.piped = piped  # stdin comes from the previous command of a pipeline


class Invocation:
    """One package-manager command a script would run: argv from the manager's word on.

    `dynamic` holds the words (as written) whose value is only known at run time; `from_stdin`
    says ``xargs`` adds arguments the script does not show; `cwd` is where it runs relative to
    the script's start (after ``cd``; None when unknown); `guessed` marks a program named by a
    variable, read as python's.
    """

    __slots__ = ("argv", "cwd", "dynamic", "from_stdin", "guessed", "text")

    def __init__(
        self,
        argv: tuple[str, ...],
        text: str,
        *,
        dynamic: tuple[str, ...] = (),
        from_stdin: bool = False,
        cwd: str | None = "",
        guessed: bool = False,
    ) -> None:
        self.argv = argv
        self.text = text
        self.dynamic = dynamic
        self.from_stdin = from_stdin
        self.cwd = cwd
        self.guessed = guessed

    def __repr__(self) -> str:
        return f"Invocation({self.argv!r}, dynamic={self.dynamic!r})"


class ShellReading:
    """The package-manager commands found in a script, and what could not be read."""

    __slots__ = ("invocations", "unverifiable")

    def __init__(
        self, invocations: tuple[Invocation, ...] = (), unverifiable: tuple[str, ...] = ()
    ) -> None:
        self.invocations = invocations
        self.unverifiable = unverifiable


class ScriptPlan:
    """What a script would install: the grammar's plan per package-manager command, and what
    cannot be verified.
    """

    __slots__ = ("plans", "unverifiable")

    def __init__(
        self, plans: tuple[CommandPlan, ...] = (), unverifiable: tuple[str, ...] = ()
    ) -> None:
        self.plans = plans
        self.unverifiable = unverifiable

    def __repr__(self) -> str:
        return f"ScriptPlan({self.plans!r}, {self.unverifiable!r})"


# --- tokenizing -----------------------------------------------------------------------------


class _Lexer:
    """POSIX token recognition (Shell Command Language §2.3) into simple commands."""

    def __init__(self, text: str, start: int = 0, *, nested: bool = False, level: int = 0) -> None:
        if level > _MAX_NESTING:
            raise ShellSyntaxError("command substitutions nested too deeply")
        self.level = level
        self.text = text
        self.pos = start
        # Inside $( … ): stop at the ) that closes it (parentheses opened inside are counted).
        self.nested = nested
        self._depth = 0
        self.substitutions: list[str] = []
        self.commands: list[_Command] = []
        self._current = _Command()
        self._pending_heredocs: list[tuple[str, bool]] = []

    def run(self) -> list[_Command]:
        text = self.text
        while self.pos < len(text):
            char = text[self.pos]
            if char == "\\" and text.startswith("\\\n", self.pos):
                self.pos += 2
            elif char in " \t\r":
                self.pos += 1
            elif char == "\n":
                self.pos += 1
                self._end_command()
                self._read_heredocs()
            elif char == "#":
                end = text.find("\n", self.pos)
                self.pos = len(text) if end < 0 else end
            elif char in "<>" and text.startswith("(", self.pos + 1):
                # Process substitution <( … ): a command of its own, and a word here.
                self.substitutions.append(self._substitution(self.pos + 2))
                self._current.words.append(Word(UNRESOLVED, "<(…)", dynamic=True))
            elif self.nested and char == ")" and self._depth == 0:
                self._end_command()
                if self._pending_heredocs:
                    raise ShellSyntaxError("here-document without its end line")
                return self.commands
            elif self._redirection() or self._operator():
                continue
            else:
                self._word()
        if self.nested:
            raise ShellSyntaxError("unclosed $(")
        self._end_command()
        if self._pending_heredocs:
            raise ShellSyntaxError("here-document without its end line")
        return self.commands

    def _substitution(self, start: int) -> str:
        """The text of ``$( … )`` or ``<( … )`` from `start` (after the parenthesis), read with
        the full tokenizer so that quotes and here-documents inside it are what they are.
        """
        inner = _Lexer(self.text, start, nested=True, level=self.level + 1)
        inner.run()
        self.pos = inner.pos + 1
        return self.text[start : inner.pos]

    def _end_command(self, *, piped_next: bool = False) -> None:
        if self._current.words or self._current.stdin:
            self.commands.append(self._current)
        self._current = _Command(piped=piped_next)

    def _operator(self) -> bool:
        for op in _OPERATORS:
            if self.text.startswith(op, self.pos):
                self.pos += len(op)
                self._depth += (op == "(") - (op == ")")
                self._end_command(piped_next=op in ("|", "|&"))
                return True
        return False

    def _redirection(self) -> bool:
        for op in _REDIRECTIONS:
            if self.text.startswith(op, self.pos):
                break
        else:
            return False
        self.pos += len(op)
        target = self._next_word()
        if target is None:
            raise ShellSyntaxError(f"{op} without a target")
        if op in ("<<", "<<-"):
            self._pending_heredocs.append((target.text, op == "<<-"))
        elif op == "<<<":
            self._current.stdin.append(target.text)
        return True

    def _next_word(self) -> Word | None:
        while self.pos < len(self.text) and self.text[self.pos] in " \t":
            self.pos += 1
        if self.pos >= len(self.text) or self.text[self.pos] in "\n;&|()<>":
            return None
        before = len(self._current.words)
        self._word()
        return self._current.words.pop() if len(self._current.words) > before else None

    def _read_heredocs(self) -> None:
        for delimiter, strip_tabs in self._pending_heredocs:
            body: list[str] = []
            while True:
                if self.pos >= len(self.text):
                    raise ShellSyntaxError(f"here-document without its end line {delimiter!r}")
                end = self.text.find("\n", self.pos)
                line = self.text[self.pos : len(self.text) if end < 0 else end]
                self.pos = len(self.text) if end < 0 else end + 1
                if strip_tabs:
                    line = line.lstrip("\t")
                if line == delimiter:
                    break
                body.append(line)
            if self.commands:
                self.commands[-1].stdin.append("\n".join(body))
        self._pending_heredocs = []

    def _word(self) -> None:
        text = self.text
        start = self.pos
        out: list[str] = []
        dynamic = False
        brace_open = brace_list = False
        while self.pos < len(text):
            char = text[self.pos]
            if char in " \t\r\n;&|()<>":
                if char in "<>" and out and start == self.pos - len(out) and "".join(out).isdigit():
                    return  # an IO number (2>&1): belongs to the redirection, not a word
                break
            if char == "\\":
                if text.startswith("\\\n", self.pos):
                    self.pos += 2
                    continue
                out.append(text[self.pos + 1 : self.pos + 2])
                self.pos += 2
            elif char == "'":
                end = text.find("'", self.pos + 1)
                if end < 0:
                    raise ShellSyntaxError("unclosed single quote")
                out.append(text[self.pos + 1 : end])
                self.pos = end + 1
            elif char == '"':
                dynamic |= self._double_quoted(out)
            elif char == "$":
                dynamic |= self._dollar(out)
            elif char == "`":
                end = self._backtick_end(self.pos + 1)
                self.substitutions.append(text[self.pos + 1 : end].replace("\\`", "`"))
                out.append(UNRESOLVED)
                dynamic = True
                self.pos = end + 1
            else:
                if char == "{":
                    brace_open = True
                elif brace_open and (char == "," or text.startswith("..", self.pos)):
                    brace_list = True
                elif char == "}" and brace_list:
                    dynamic = True  # brace expansion: one word becomes several
                out.append(char)
                self.pos += 1
        value = "".join(out)
        if brace_list and dynamic and UNRESOLVED not in value:
            value = UNRESOLVED  # flask-{a,b}: which names, only the shell knows
        self._current.words.append(Word(value, text[start : self.pos], dynamic))

    def _double_quoted(self, out: list[str]) -> bool:
        text = self.text
        self.pos += 1
        dynamic = False
        while True:
            if self.pos >= len(text):
                raise ShellSyntaxError("unclosed double quote")
            char = text[self.pos]
            if char == '"':
                self.pos += 1
                return dynamic
            if char == "\\" and self.pos + 1 < len(text) and text[self.pos + 1] in '$`"\\\n':
                if text[self.pos + 1] != "\n":
                    out.append(text[self.pos + 1])
                self.pos += 2
            elif char == "$":
                dynamic |= self._dollar(out)
            elif char == "`":
                end = self._backtick_end(self.pos + 1)
                self.substitutions.append(text[self.pos + 1 : end].replace("\\`", "`"))
                out.append(UNRESOLVED)
                dynamic = True
                self.pos = end + 1
            else:
                out.append(char)
                self.pos += 1

    def _dollar(self, out: list[str]) -> bool:
        """Read an expansion at ``$``; True when it is one (a lone ``$`` is just a character)."""
        text = self.text
        after = text[self.pos + 1 : self.pos + 2]
        if text.startswith("$((", self.pos):
            self._balanced(self.pos + 2, "(", ")")  # arithmetic: a number, never a command
        elif after == "(":
            self.substitutions.append(self._substitution(self.pos + 2))
        elif after == "{":
            self._balanced(self.pos + 2, "{", "}")
        elif after == "'":
            end = self._ansi_c_end(self.pos + 2)
            out.append(_ansi_c(text[self.pos + 2 : end]))
            self.pos = end + 1
            return False
        elif after == '"':
            self.pos += 1  # $"…" is a translated string: a double-quoted one here
            return False
        elif after and (after in "@*#?$!-" or after.isdigit()):
            self.pos += 2
        elif after in _NAME_START:
            self.pos += 2
            while self.pos < len(text) and text[self.pos] in _NAME_CHARS:
                self.pos += 1
        else:
            out.append("$")
            self.pos += 1
            return False
        out.append(UNRESOLVED)
        return True

    def _balanced(self, start: int, opening: str, closing: str) -> str:
        """The text from `start` to the matching `closing` (quotes respected); moves past it."""
        text = self.text
        depth = 1
        i = start
        while i < len(text):
            char = text[i]
            if char == "\\":
                i += 2
                continue
            if char == "'":
                end = text.find("'", i + 1)
                if end < 0:
                    raise ShellSyntaxError("unclosed single quote")
                i = end + 1
                continue
            if char == '"':
                i = self._skip_double(i + 1)
                continue
            if char == opening:
                depth += 1
            elif char == closing:
                depth -= 1
                if depth == 0:
                    self.pos = i + 1
                    return text[start:i]
            i += 1
        raise ShellSyntaxError(f"unclosed {opening}")

    def _skip_double(self, i: int) -> int:
        return self._closing(i, '"', "unclosed double quote") + 1

    def _backtick_end(self, i: int) -> int:
        return self._closing(i, "`", "unclosed backquote")

    def _ansi_c_end(self, i: int) -> int:
        return self._closing(i, "'", "unclosed $'…' quote")

    def _closing(self, i: int, quote: str, unclosed: str) -> int:
        """The index of the first `quote` at or after `i` that no backslash escapes."""
        text = self.text
        while i < len(text):
            if text[i] == "\\":
                i += 2
            elif text[i] == quote:
                return i
            else:
                i += 1
        raise ShellSyntaxError(unclosed)


_ANSI_C = {"n": "\n", "t": "\t", "r": "\r", "\\": "\\", "'": "'", '"': '"', "a": "\a", "e": "\x1b"}


def _ansi_c(body: str) -> str:
    """Bash's ``$'…'`` quoting: backslash escapes for the common characters."""
    import re

    return re.sub(r"\\(.)", lambda m: _ANSI_C.get(m.group(1), "\\" + m.group(1)), body)


def split_commands(text: str) -> tuple[list[list[Word]], list[str]]:
    """The simple commands of a script (as words) and the text of its command substitutions."""
    lexer = _Lexer(text)
    return [command.words for command in lexer.run()], lexer.substitutions


# --- reading commands -----------------------------------------------------------------------


def could_be_manager(program: str) -> bool:
    """Whether `program` is a package manager the grammar reads (`commands.manager_of`).

    A cheap test on the word comes first, so that most commands an agent runs (ls, git, pytest,
    uvicorn) are answered without importing the grammar; it lets through every word of
    `commands.PROGRAMS` and their versioned and ``.exe`` forms (a test checks it).
    """
    word = program.replace("\\", "/").rsplit("/", 1)[-1].lower()
    for suffix in (".exe", ".cmd", ".bat", ".ps1"):
        word = word.removesuffix(suffix)
    maybe = (
        word in _MANAGER_WORDS
        or word.startswith(("pip", "python", "pypy"))
        or word in ("py", "pyt", "pyw")
        or (word.startswith("py") and word[2:3].isdigit())
    )
    if not maybe:
        return False
    from phantom_guard.commands import manager_of

    return manager_of(program) is not None


# Programs whose `run` starts another command in a project environment.
_RUNNERS = frozenset(
    {"uv", "poetry", "pipenv", "pdm", "hatch", "rye", "conda", "mamba", "micromamba", "pixi"}
)
_MANAGER_WORDS = frozenset(
    {"uv", "uvx", "npm", "npx", "pnpm", "pnpx", "yarn", "yarnpkg", "cargo", "poetry"}
)


def read_script(text: str, is_manager: Callable[[str], bool]) -> ShellReading:
    """Every package-manager command `text` would run, and what could not be verified.

    `is_manager` says whether a program name (a path's last part) is a package manager the
    grammar knows.
    """
    reader = _Reader(is_manager)
    reader.script(text, 0)
    return ShellReading(tuple(reader.invocations), tuple(dict.fromkeys(reader.unverifiable)))


class _Reader:
    def __init__(self, is_manager: Callable[[str], bool]) -> None:
        self.is_manager = is_manager
        self.invocations: list[Invocation] = []
        self.unverifiable: list[str] = []
        self.aliases: dict[str, list[Word]] = {}
        self.cwd: str | None = ""  # relative to where the script starts; None: unknown

    def script(self, text: str, depth: int) -> None:
        if depth > _MAX_DEPTH:
            self.unverifiable.append("commands nested too deeply to read")
            return
        try:
            lexer = _Lexer(text)
            commands = lexer.run()
        except ShellSyntaxError as exc:
            if self._mentions_manager(text):
                self.unverifiable.append(f"cannot read the command line: {exc}")
            return
        previous: _Command | None = None
        for command in commands:
            self.command(command, previous if command.piped else None, depth)
            previous = command
        for inner in lexer.substitutions:
            self.script(inner, depth + 1)

    def _mentions_manager(self, text: str) -> bool:
        import re

        return any(self.is_manager(token) for token in re.findall(r"[\w.-]+", text))

    def command(self, command: _Command, upstream: _Command | None, depth: int) -> None:
        words = list(command.words)
        from_stdin = False
        seen_aliases: set[str] = set()
        while words:
            words = _drop_assignments(words)
            if not words:
                return
            head = words[0]
            name = head.text.rsplit("/", 1)[-1] if not head.dynamic else ""
            if head.text in self.aliases and head.text not in seen_aliases and not head.dynamic:
                seen_aliases.add(head.text)
                words = self.aliases[head.text] + words[1:]
                continue
            if head.text in _PREFIX_WORDS and not head.dynamic:
                words = words[1:]
            elif head.text == "function" and not head.dynamic:
                words = words[2:]  # `function NAME { body; }`: the body's first command follows
            elif head.text in _INERT_WORDS and not head.dynamic:
                return
            elif name == "alias":
                self._define_aliases(words[1:])
                return
            elif name in ("cd", "pushd"):
                self._change_directory(words[1:])
                return
            elif name in _WRAPPERS:
                rest = _WRAPPERS[name](words[1:])
                if rest is None:
                    return
                words = rest
            elif name == "xargs":
                words = _skip_options(words[1:], _XARGS_VALUE_OPTIONS)
                from_stdin = True
            elif name == "env":
                rest, split = _env(words[1:])
                if split is not None:
                    self.script(split, depth + 1)
                words = rest
            elif name in _SHELLS:
                self._shell(words[1:], command, upstream, depth)
                return
            elif name == "eval":
                self._eval(words[1:], depth)
                return
            elif head.dynamic:
                self._dynamic_program(words, from_stdin)
                return
            else:
                self._program(name, words, from_stdin)
                if name in _RUNNERS:
                    self._run_inside(words[1:], from_stdin)
                return

    def _program(self, name: str, words: list[Word], from_stdin: bool) -> None:
        if not self.is_manager(name):
            return
        args = words[1:]
        self.invocations.append(
            Invocation(
                argv=(name, *(w.text for w in args)),
                text=" ".join(w.raw for w in words),
                dynamic=tuple(w.raw for w in args if w.dynamic),
                from_stdin=from_stdin,
                cwd=self.cwd,
            )
        )

    def _run_inside(self, args: list[Word], from_stdin: bool) -> None:
        # `uv run pip install x`, `poetry run npm i y`: the command the runner starts in its
        # environment, from the first package-manager word after `run` on.
        positional = [i for i, w in enumerate(args) if not w.text.startswith("-")]
        if not positional or args[positional[0]].text != "run":
            return
        for j in range(positional[0] + 1, len(args)):
            word = args[j]
            program = word.text.rsplit("/", 1)[-1]
            if not word.dynamic and self.is_manager(program):
                rest = args[j + 1 :]
                self.invocations.append(
                    Invocation(
                        argv=(program, *(w.text for w in rest)),
                        text=" ".join(w.raw for w in args[j:]),
                        dynamic=tuple(w.raw for w in rest if w.dynamic),
                        from_stdin=from_stdin,
                        cwd=self.cwd,
                        guessed=True,
                    )
                )
                return

    def _dynamic_program(self, words: list[Word], from_stdin: bool) -> None:
        # `$PYTHON -m pip install x`: the interpreter is a variable, its arguments are not.
        # Read as python's; anything but `-m pip` installs nothing there.
        args = words[1:]
        self.invocations.append(
            Invocation(
                argv=("python", *(w.text for w in args)),
                text=" ".join(w.raw for w in words),
                dynamic=tuple(w.raw for w in args if w.dynamic),
                from_stdin=from_stdin,
                cwd=self.cwd,
                guessed=True,
            )
        )

    def _change_directory(self, args: list[Word]) -> None:
        operands = [w for w in args if not w.text.startswith("-") or w.text == "-"]
        if not operands or operands[0].dynamic or operands[0].text in ("-", "~"):
            self.cwd = None  # somewhere we cannot name: requirement files become unreadable
        elif self.cwd is not None:
            self.cwd = posixpath.join(self.cwd, operands[0].text)

    def _define_aliases(self, words: list[Word]) -> None:
        for word in words:
            name, sep, value = word.text.partition("=")
            if sep and not word.dynamic:
                try:
                    found, _ = split_commands(value)
                except ShellSyntaxError:
                    continue
                if found:
                    self.aliases[name] = found[0]

    def _shell(
        self, args: list[Word], command: _Command, upstream: _Command | None, depth: int
    ) -> None:
        script = _shell_script(args)
        if script is _NO_SCRIPT:
            # The shell reads its commands from stdin: a here-document, or `echo … | sh`.
            for body in command.stdin:
                if body.strip() == UNRESOLVED:  # bash <<< "$SCRIPT"
                    self.unverifiable.append("a shell runs a here-string known only at run time")
                else:
                    self.script(body, depth + 1)
            if upstream is not None and upstream.words:
                program = upstream.words[0].text.rsplit("/", 1)[-1]
                if program in ("echo", "printf") and not any(w.dynamic for w in upstream.words):
                    self.script(" ".join(w.text for w in upstream.words[1:]), depth + 1)
            return
        if isinstance(script, Word):
            if script.dynamic:
                if self._mentions_manager(script.text) or script.text == UNRESOLVED:
                    self.unverifiable.append(f"a shell runs {script.raw}, known only at run time")
                return
            self.script(script.text, depth + 1)

    def _eval(self, args: list[Word], depth: int) -> None:
        if any(w.dynamic for w in args):
            self.unverifiable.append(
                "eval runs " + " ".join(w.raw for w in args) + ", known only at run time"
            )
            return
        self.script(" ".join(w.text for w in args), depth + 1)


def _drop_assignments(words: list[Word]) -> list[Word]:
    i = 0
    while i < len(words) and _is_assignment(words[i].text):
        i += 1
    return words[i:]


def _is_assignment(text: str) -> bool:
    """``NAME=value``, ``NAME+=value`` or ``NAME[index]=value`` (Shell Command Language §2.9.1)."""
    if not text or text[0] not in _NAME_START:
        return False
    i = 1
    while i < len(text) and text[i] in _NAME_CHARS:
        i += 1
    if text.startswith("[", i):
        close = text.find("]", i)
        if close < 0:
            return False
        i = close + 1
    if text.startswith("+", i):
        i += 1
    return text.startswith("=", i)


def _skip_options(words: list[Word], with_value: Iterable[str]) -> list[Word]:
    """`words` after the leading options of a wrapper (``--`` ends them)."""
    values = set(with_value)
    i = 0
    while i < len(words):
        text = words[i].text
        if text == "--":
            return words[i + 1 :]
        if not text.startswith("-") or text == "-":
            break
        if text in values:
            i += 2
            continue
        if not text.startswith("--") and len(text) > 2 and text[:2] in values:
            i += 1  # a value glued to its short option: -uroot
            continue
        i += 1
    return words[i:]


_SUDO_VALUE_OPTIONS = (
    "-u", "-g", "-h", "-p", "-r", "-t", "-T", "-C", "-D", "-R", "-U",
    "--user", "--group", "--host", "--prompt", "--role", "--type", "--command-timeout",
    "--close-from", "--chdir", "--chroot", "--other-user",
)  # fmt: skip
_XARGS_VALUE_OPTIONS = (
    "-a", "-d", "-E", "-I", "-L", "-n", "-P", "-s", "-e", "-i", "-l",
    "--arg-file", "--delimiter", "--max-lines", "--max-args", "--max-procs", "--max-chars",
    "--process-slot-var",
)  # fmt: skip


def _sudo(words: list[Word]) -> list[Word] | None:
    return _skip_options(words, _SUDO_VALUE_OPTIONS)


def _command(words: list[Word]) -> list[Word] | None:
    if words and words[0].text in ("-v", "-V"):
        return None  # `command -v pip` only says where pip is
    return _skip_options(words, ())


def _exec(words: list[Word]) -> list[Word] | None:
    return _skip_options(words, ("-a",))


def _time(words: list[Word]) -> list[Word] | None:
    return _skip_options(words, ("-f", "-o", "--format", "--output"))


def _nohup(words: list[Word]) -> list[Word] | None:
    return _skip_options(words, ())


def _nice(words: list[Word]) -> list[Word] | None:
    return _skip_options(words, ("-n", "--adjustment"))


def _timeout(words: list[Word]) -> list[Word] | None:
    rest = _skip_options(words, ("-s", "-k", "--signal", "--kill-after"))
    return rest[1:]  # the duration


def _stdbuf(words: list[Word]) -> list[Word] | None:
    return _skip_options(words, ("-i", "-o", "-e", "--input", "--output", "--error"))


def _builtin(words: list[Word]) -> list[Word] | None:
    return words


_WRAPPERS: dict[str, Callable[[list[Word]], list[Word] | None]] = {
    "sudo": _sudo,
    "doas": lambda words: _skip_options(words, ("-u", "-C")),
    "command": _command,
    "exec": _exec,
    "time": _time,
    "nohup": _nohup,
    "nice": _nice,
    "timeout": _timeout,
    "stdbuf": _stdbuf,
    "builtin": _builtin,
}

_ENV_VALUE_OPTIONS = ("-u", "--unset", "-C", "--chdir", "-P")


def _env(words: list[Word]) -> tuple[list[Word], str | None]:
    """``env [OPTION]… [NAME=VALUE]… COMMAND``; ``-S STRING`` splits STRING into the command."""
    i = 0
    split: str | None = None
    while i < len(words):
        text = words[i].text
        if text == "--":
            i += 1
            break
        if text in ("-S", "--split-string") and i + 1 < len(words):
            split = words[i + 1].text
            i += 2
            continue
        if text.startswith(("-S", "--split-string=")) and len(text) > 2:
            split = text.partition("=")[2] if text.startswith("--") else text[2:]
            i += 1
            continue
        if not text.startswith("-") or text == "-":
            break
        i += 2 if text in _ENV_VALUE_OPTIONS else 1
    rest = words[i:]
    if split is not None:
        # `env -S 'pip install x' more`: the string's words come first.
        joined = split + " " + " ".join(_quote(w.text) for w in _drop_assignments(rest))
        return [], joined
    return rest, None


def _quote(text: str) -> str:
    return "'" + text.replace("'", "'\\''") + "'"


_NO_SCRIPT = object()
_SHELL_VALUE_OPTIONS = frozenset({"-o", "+o", "-O", "+O", "--rcfile", "--init-file"})


def _shell_script(args: list[Word]) -> Word | object | None:
    """The script of ``sh [options] -c SCRIPT``; `_NO_SCRIPT` when it reads stdin, None for a
    script file (which the hook cannot see).
    """
    reads_string = False
    i = 0
    while i < len(args):
        text = args[i].text
        if text == "--":
            i += 1
            break
        if text in _SHELL_VALUE_OPTIONS:
            i += 2
            continue
        if text.startswith("--"):
            i += 1
            continue
        if text.startswith(("-", "+")) and len(text) > 1:
            if "c" in text[1:] and text[0] == "-":
                reads_string = True
            i += 1
            continue
        break
    operands = args[i:]
    if reads_string:
        return operands[0] if operands else None
    if any(w.text == "-s" for w in args[:i]) or not operands:
        return _NO_SCRIPT
    return None


# --- plans ----------------------------------------------------------------------------------


def plan_script(text: str, cwd: str | Path | None = None) -> ScriptPlan:
    """The grammar's plan for each package-manager command in `text` (run in `cwd`), and what
    cannot be verified: a package name known only at run time, ``eval`` of one, arguments
    ``xargs`` adds, a command line the grammar cannot read.
    """
    reading = read_script(text, could_be_manager)
    if not reading.invocations:
        return ScriptPlan((), reading.unverifiable)
    from phantom_guard import commands

    plans: list[CommandPlan] = []
    unverifiable = list(reading.unverifiable)
    for invocation in reading.invocations:
        where = None if invocation.cwd is None else _folder(cwd, invocation.cwd)
        try:
            plan = commands.parse_command(invocation.argv, cwd=where, read_files=where is not None)
        except commands.CommandError as exc:
            if invocation.guessed:
                continue
            if invocation.dynamic:
                known = ", ".join(invocation.dynamic)
                unverifiable.append(f"{invocation.text}: {known} is known only at run time")
            else:
                unverifiable.append(f"{invocation.text}: {exc}")
            continue
        if not plan.installs:
            continue
        if invocation.from_stdin:
            unverifiable.append(f"{invocation.text}: xargs adds package names from its input")
            continue
        if any(UNRESOLVED in ref.name for ref in plan.refs) or (
            where is None and plan.requirement_files
        ):
            unverifiable.append(
                f"{invocation.text}: what it installs is known only at run time"
                + (f" ({', '.join(invocation.dynamic)})" if invocation.dynamic else "")
            )
            continue
        plans.append(plan)
    return ScriptPlan(tuple(plans), tuple(dict.fromkeys(unverifiable)))


def _folder(cwd: str | Path | None, relative: str) -> str:
    """Where the script runs after its ``cd`` commands (`relative`: none, ""), as pathlib joins
    it; pathlib is imported only when there is something to join or normalize.
    """
    base = os.getcwd() if cwd is None else os.fspath(cwd)
    if not relative and base == os.path.normpath(base):
        return base  # what pathlib would make of it
    from pathlib import Path

    return str(Path(base) / relative)
