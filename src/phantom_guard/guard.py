"""The install guard: what a package-manager command would install -> check -> block, or run the
real package manager with its argv unchanged.

``phantom-guard pip install flask`` and ``phantom-guard guard [options] -- pip install flask``.
DESIGN.md §2: a finding at or above ``--fail-on`` (NOT_FOUND and known-malicious always) => exit
1, not run; unverifiable => exit 3, not run, unless ``--on-error allow``; otherwise the real
package manager replaces this process (``os.execv``), so its exit code, signals and TTY are its
own. Nothing heavy is imported here: popular and cached names need no event loop.
"""

from __future__ import annotations

import os
import sys

from phantom_guard.commands._words import installs_nothing
from phantom_guard.errors import InputError, PhantomGuardError

# typing.TYPE_CHECKING without importing typing (mypy treats any name TYPE_CHECKING the same):
# this module is on the path of every package-manager command a shim sees.
TYPE_CHECKING = False
if TYPE_CHECKING:
    from collections.abc import Callable, Mapping, Sequence
    from pathlib import Path

    from phantom_guard.commands import CommandPlan
    from phantom_guard.model import PackageRef, PackageRisk, Report, Skipped
    from phantom_guard.settings import Settings

    Execute = Callable[[str, list[str]], int]

#: The words ``phantom-guard <word>`` guards (phantom_guard.commands.MANAGERS, spelled here so
#: that a command that installs nothing is handed over without loading the grammars).
MANAGERS = ("pip", "pip3", "uv", "uvx", "npm", "npx", "pnpm", "pnpx", "yarn", "cargo")
#: The line that makes a file one of our shims (see phantom_guard.shims).
SHIM_MARKER = "# phantom-guard shim"
_SNIFF_BYTES = 512

#: Set in the package manager's environment: "<pid> <path>". The same pid seeing it again means
#: the "real" package manager led straight back here (an unmarked shim): a loop.
LOOP_VARIABLE = "PHANTOM_GUARD_EXEC"
_ALWAYS_BLOCK = frozenset({"KNOWN_MALICIOUS", "MALICIOUS_VERSION"})
_USAGE = (
    "usage: phantom-guard guard [--dry-run] [-o text|json] [--on-error block|allow]\n"
    "                           [--fail-on suspicious|high_risk] [--ask] -- PM ARGS...\n"
    f"       phantom-guard {{{'|'.join(MANAGERS)}}} ARGS..."
)


class GuardOptions:
    """The options of ``phantom-guard guard``; ``phantom-guard <pm>`` uses the defaults.

    A plain class, not a dataclass: importing `dataclasses` costs more than this whole path may
    spend before handing ``npm test`` over to npm.
    """

    __slots__ = ("ask", "dry_run", "fail_on", "on_error", "output")

    def __init__(
        self,
        dry_run: bool = False,
        output: str = "text",
        on_error: str | None = None,  # block | allow; None = PHANTOM_GUARD_ON_ERROR, else block
        fail_on: str | None = None,  # suspicious | high_risk; None = the config's
        ask: bool = False,
    ) -> None:
        self.dry_run = dry_run
        self.output = output
        self.on_error = on_error
        self.fail_on = fail_on
        self.ask = ask

    def __repr__(self) -> str:
        fields = ", ".join(f"{name}={getattr(self, name)!r}" for name in self.__slots__)
        return f"GuardOptions({fields})"


def main(args: Sequence[str]) -> int:
    """``phantom-guard`` without click: ``args`` is ``["pip", "install", "x"]`` or
    ``["guard", "--dry-run", "--", "npm", "i", "x"]``. Returns the exit code (or never returns:
    the package manager replaced this process).
    """
    if not args:
        sys.stderr.write(_USAGE + "\n")
        return 2
    if args[0] == "guard":
        try:
            options, argv = parse_guard_args(args[1:])
        except InputError as exc:
            _say(f"error: {exc}")
            sys.stderr.write(_USAGE + "\n")
            return 2
        if options is None:
            print(_USAGE)
            return 0
        return run(argv, options)
    return run(list(args), GuardOptions())


def parse_guard_args(args: Sequence[str]) -> tuple[GuardOptions | None, list[str]]:
    """``guard``'s own options, then the package-manager argv (after ``--`` or its first word).

    Returns (None, []) for ``--help``.
    """
    given: dict[str, str | bool] = {}
    index = 0
    choices = {
        "output": ("text", "json"),
        "on_error": ("block", "allow"),
        "fail_on": ("suspicious", "high_risk"),
    }
    spellings = {"-o": "output", "--output": "output", "--on-error": "on_error"}
    spellings["--fail-on"] = "fail_on"
    while index < len(args):
        token = args[index]
        index += 1
        if token == "--":
            break
        if token in {"-h", "--help"}:
            return None, []
        if token in {"--dry-run", "--ask"}:
            given[token[2:].replace("-", "_")] = True
            continue
        spelling, equals, value = token.partition("=")
        if spelling.startswith("-o") and len(spelling) > 2 and not equals:
            spelling, value, equals = "-o", spelling[2:], "="
        field = spellings.get(spelling)
        if field is not None:
            if not equals:
                if index >= len(args):
                    raise InputError(f"option {spelling} needs a value")
                value = args[index]
                index += 1
            if value not in choices[field]:
                raise InputError(f"{spelling} must be one of: {', '.join(choices[field])}")
            given[field] = value
            continue
        if token.startswith("-"):
            raise InputError(f"no such option: {token}")
        index -= 1
        break
    argv = list(args[index:])
    if not argv:
        raise InputError("no package-manager command given (guard -- PM ARGS...)")
    return GuardOptions(**given), argv  # type: ignore[arg-type]


def run(argv: list[str], options: GuardOptions, *, execute: Execute | None = None) -> int:
    """Check what `argv` (``["pip", "install", "x"]``) would install; block, or run it.

    Ctrl-C while checking is exit 130, and the package manager does not run.
    """
    try:
        return _guarded_run(argv, options, execute or exec_replace)
    except KeyboardInterrupt:
        _say(f"interrupted: not running {argv[0] if argv else 'the package manager'}")
        return 130


def _guarded_run(argv: list[str], options: GuardOptions, execute: Execute) -> int:
    program = argv[0]
    loop = _loop(program)
    if loop is not None:
        _say(loop)
        return 2
    if not options.dry_run and installs_nothing(_manager_word(program), argv[1:]):
        return _run_real(argv, execute)
    if os.environ.get("PHANTOM_GUARD_BYPASS", "") not in ("", "0") and not options.dry_run:
        _say(f"PHANTOM_GUARD_BYPASS is set: running {_shown(argv)} without checking it")
        return _run_real(argv, execute)
    from phantom_guard.commands import parse_command

    try:
        plan = parse_command(argv)
    except InputError as exc:
        _say(f"error: {exc}")
        _say(f"not running {program}: phantom-guard cannot tell what it would install")
        return 2
    if not plan.installs and not options.dry_run:
        return _run_real(argv, execute)
    try:
        settings = _settings(options)
        allow_errors = _on_error(options) == "allow"
        refs, skipped, notes, project = _names_to_check(plan, settings)
    except InputError as exc:
        _say(f"error: {exc}")
        return 2
    for note in [*notes, *(n for part in project for n in part.notices)]:
        _say(note)
    found = any(part.results or part.input_errors for part in project)
    if not refs and not found and not options.dry_run:
        return _run_real(argv, execute)
    report = _check(refs, skipped, project, settings)
    code = decide(report, settings)
    if options.dry_run:
        _render(report, options, settings)
        return report.exit_code(settings.fail_on, allow_unverified=allow_errors)
    if code == 0 or (code == 3 and allow_errors):
        _warn(report, settings, allowed_errors=code == 3)
        return _run_real(argv, execute)
    _explain(report, settings, program, code)
    if options.output == "json":
        _render(report, options, settings)
    if options.ask and code in (1, 3) and _confirm(program):
        return _run_real(argv, execute)
    return code


def decide(report: Report, settings: Settings) -> int:
    """0 run, 1 blocked, 2 input error, 3 unverifiable (DESIGN.md §2 precedence: 2, 1, 3).
    A known-malicious signal blocks whatever ``--fail-on`` says.
    """
    code = report.exit_code(settings.fail_on)
    if code in (0, 3) and any(_malicious(risk) for risk in report.results):
        return 1
    return code


def exec_replace(path: str, argv: list[str]) -> int:
    """Replace this process with `path` run as `argv` (POSIX ``execv``); elsewhere run it and
    return its exit code.
    """
    os.environ[LOOP_VARIABLE] = f"{os.getpid()} {path}"
    sys.stdout.flush()
    sys.stderr.flush()
    if os.name == "nt":
        import subprocess

        return subprocess.call(argv, executable=path)
    os.execv(path, argv)
    return 127  # not reached: execv either replaces the process or raises


def find_real(program: str, env: Mapping[str, str] | None = None) -> str | None:
    """The package manager `program` runs when the guard lets it: for pip and python the active
    virtual environment's (``VIRTUAL_ENV``), else the first match on PATH that is not a shim.
    """
    env = os.environ if env is None else env
    if os.sep in program or (os.altsep and os.altsep in program):
        return program if _executable(program) else None
    folders: list[str] = []
    venv = env.get("VIRTUAL_ENV")
    if venv and program.lower().startswith(("pip", "python")):
        folders.append(os.path.join(venv, "Scripts" if os.name == "nt" else "bin"))
    folders.extend(f for f in env.get("PATH", os.defpath).split(os.pathsep) if f)
    for folder in folders:
        for name in _names(program, env):
            candidate = os.path.join(folder, name)
            if _executable(candidate) and not is_shim(candidate):
                return candidate
    return None


def is_shim(path: str | os.PathLike[str]) -> bool:
    """Whether the file at `path` is one of our shims (it carries `SHIM_MARKER` near its start)."""
    try:
        with open(path, "rb") as handle:
            head = handle.read(_SNIFF_BYTES)
    except OSError:
        return False
    return SHIM_MARKER.encode() in head


def _names(program: str, env: Mapping[str, str]) -> list[str]:
    if os.name != "nt":
        return [program]
    extensions = env.get("PATHEXT", ".COM;.EXE;.BAT;.CMD").lower().split(";")
    return [program] + [program + ext for ext in extensions if ext]


def _executable(path: str) -> bool:
    return os.path.isfile(path) and os.access(path, os.X_OK)


def _manager_word(program: str) -> str:
    word = os.path.basename(program).lower()
    return "pip" if word.startswith("pip") else word


def _run_real(argv: list[str], execute: Execute) -> int:
    real = find_real(argv[0])
    if real is None:
        _say(f"error: no {argv[0]} on PATH other than phantom-guard's shims")
        return 127
    try:
        return execute(real, argv)
    except OSError as exc:
        _say(f"error: cannot run {real}: {exc.strerror or exc}")
        return 126


def _loop(program: str) -> str | None:
    marker = os.environ.get(LOOP_VARIABLE, "")
    pid, _, path = marker.partition(" ")
    if pid != str(os.getpid()):
        return None
    return (
        f"error: {path} runs phantom-guard again instead of the real {program} (a shim loop). "
        f"Remove it from PATH or reinstall the shims with `phantom-guard shims install`."
    )


def _settings(options: GuardOptions) -> Settings:
    from phantom_guard.model import FailOn
    from phantom_guard.settings import Settings

    settings = Settings.load()
    if options.fail_on is not None:
        settings = settings.with_overrides(fail_on=FailOn(options.fail_on))
    return settings


def _on_error(options: GuardOptions) -> str:
    if options.on_error is not None:
        return options.on_error
    value = os.environ.get("PHANTOM_GUARD_ON_ERROR", "").strip().lower()
    if value in ("", "block", "deny"):
        return "block"
    if value == "allow":
        return "allow"
    raise InputError("PHANTOM_GUARD_ON_ERROR must be 'block' or 'allow'")


def _names_to_check(
    plan: CommandPlan, settings: Settings
) -> tuple[list[PackageRef], list[Skipped], list[str], list[Report]]:
    """What to check for `plan`: the names it gives (less those a configured private index
    serves), and for a project install the reports on its manifests and locks. Returns (refs,
    skipped, notes for stderr, project reports).
    """
    from phantom_guard.api import command_refs

    refs, skipped, notes = command_refs(plan, settings)
    if not plan.project_install:
        return refs, skipped, notes, []
    from pathlib import Path

    folder = Path(plan.project_dir)
    files = [folder / name for name in plan.project_files if (folder / name).is_file()]
    if not files:
        return refs, skipped, notes, []
    reports, more = _project_reports(plan, folder, files, settings)
    return refs, skipped, [*notes, *more], reports


def _project_reports(
    plan: CommandPlan, folder: Path, files: list[Path], settings: Settings
) -> tuple[list[Report], list[str]]:
    """A project install: in a git work tree, the names the files' uncommitted changes add
    (``check --since HEAD``) plus the known-malicious feed over every entry; outside one,
    every name (``check DIR``), since what is new cannot be told apart.
    """
    shown = [str(f) for f in files]
    if _git_top(folder.resolve()) is None:
        from phantom_guard.api import check_files

        note = (
            f"{folder} is not in a git work tree, so what changed in {plan.manager}'s "
            "manifests and locks cannot be told: checking every name they declare"
        )
        return [check_files(shown, settings=settings)], [note]
    reports: list[Report] = []
    if _changed(files):
        from phantom_guard.api import check_files

        # check --since HEAD: in a repository with no commit yet, everything in the files is new.
        reports.append(check_files(shown, since="HEAD", settings=settings))
    listed, notes = _feed_over(files, settings)
    return [*reports, listed], notes


def _feed_over(files: list[Path], settings: Settings) -> tuple[Report, list[str]]:
    """The known-malicious feed over every entry of `files` (lookups in the local feed only:
    an unchanged name costs no registry request). Private names are left out.
    """
    from phantom_guard.feed import feed_path
    from phantom_guard.model import FeedMode, Report

    if settings.feed is FeedMode.OFF:
        return Report(()), []
    if not os.path.exists(feed_path(settings.resolved_cache_dir)):
        note = (
            "no known-malicious feed: the entries of the manifests and locks were not checked "
            "against one (run 'phantom-guard feed update')"
        )
        return Report(()), [note]
    from phantom_guard.api import collect_refs, index_policy
    from phantom_guard.detector import Detector

    refs, _, errors = collect_refs([str(f) for f in files])
    detector = Detector(settings)
    try:
        report = detector.answer_from_feed(refs)
        if report.results:
            # A listed name a private index serves is not the public package the feed lists;
            # the configuration is read only now (listings are rare, reading it is not free).
            public = index_policy(files, settings).triage(refs).check
            report = detector.answer_from_feed(public)
    finally:
        detector.close_store()
    return report, [f"warning: {error}" for error in errors]


def _git_top(folder: os.PathLike[str]) -> str | None:
    current = os.fspath(folder)
    while True:
        if os.path.exists(os.path.join(current, ".git")):
            return current
        parent = os.path.dirname(current)
        if parent == current:
            return None
        current = parent


def _changed(files: Sequence[os.PathLike[str]]) -> bool:
    """Whether git sees any of `files` modified, added or untracked (one ``git status``)."""
    import subprocess

    folder = os.path.dirname(os.path.abspath(os.fspath(files[0])))
    try:
        shown = subprocess.run(
            ["git", "status", "--porcelain", "--", *(os.path.abspath(f) for f in files)],
            cwd=folder,
            capture_output=True,
            timeout=30,
            check=False,
        )
    except (OSError, subprocess.SubprocessError):
        return True  # cannot tell: let check --since decide
    return shown.returncode != 0 or bool(shown.stdout.strip())


def _check(
    refs: list[PackageRef], skipped: list[Skipped], project: list[Report], settings: Settings
) -> Report:
    """`refs` checked, merged with the project's reports: one result per name (the most
    severe where two parts judged the same name).
    """
    from phantom_guard.api import check_refs
    from phantom_guard.model import Report

    try:
        report = check_refs(refs, settings=settings) if refs else Report(())
    except InputError as exc:
        report = Report((), input_errors=(str(exc),))
    except PhantomGuardError as exc:
        report = Report((), input_errors=(f"lookup failed: {exc}",))
    parts = [report, *project]
    merged: dict[tuple[str, str], PackageRisk] = {}
    for part in parts:
        for risk in part.results:
            key = (risk.registry.value, risk.normalized_name)
            held = merged.get(key)
            if held is None or risk.recommendation.severity > held.recommendation.severity:
                merged[key] = risk
    return Report(
        tuple(merged.values()),
        skipped=(*(e for part in parts for e in part.skipped), *skipped),
        input_errors=tuple(e for part in parts for e in part.input_errors),
        feeds=tuple(dict.fromkeys(f for part in parts for f in part.feeds)),
        config=tuple(dict.fromkeys(c for part in parts for c in part.config)),
    )


def _malicious(risk: PackageRisk) -> bool:
    return any(signal.kind.value in _ALWAYS_BLOCK for signal in risk.signals)


def _explain(report: Report, settings: Settings, program: str, code: int) -> None:
    """One stderr line per name that stops the install, then what was not run and why."""
    for error in report.input_errors:
        _say(f"error: {error}")
    for risk in report.results:
        blocking = risk.recommendation.severity >= settings.fail_on.threshold or _malicious(risk)
        if blocking or risk.recommendation.value == "ERROR":
            _say(_line(risk))
    why = {
        1: "a package it would install is not safe",
        2: "the command names something that is not a valid package",
        3: "some names could not be verified (--on-error allow or "
        "PHANTOM_GUARD_ON_ERROR=allow runs it anyway)",
    }[code]
    _say(f"not running {program}: {why}")


def _warn(report: Report, settings: Settings, *, allowed_errors: bool) -> None:
    """Findings below ``--fail-on`` and allowed ERRORs: a line each, then the install runs."""
    for risk in report.results:
        if risk.recommendation.value == "SUSPICIOUS" or (
            allowed_errors and risk.recommendation.value == "ERROR"
        ):
            _say("warning: " + _line(risk))


def _line(risk: PackageRisk) -> str:
    from phantom_guard.report import clean

    name = clean(risk.name)
    registry = risk.registry.value
    if risk.recommendation.value == "ERROR":
        return f"{name} ({registry}): could not be verified: {clean(risk.error or '')}"
    text = f"{name} ({registry}): {risk.recommendation.value}"
    reasons = [s for s in risk.signals if s.weight > 0]
    if reasons:
        text += f": {clean(max(reasons, key=lambda s: s.weight).message)}"
    if risk.suggestion:
        text += f" - did you mean {clean(risk.suggestion)}?"
    return text


def _render(report: Report, options: GuardOptions, settings: Settings) -> None:
    if options.output == "json":
        from phantom_guard.report import json

        sys.stdout.write(json.render(report))
        return
    from phantom_guard.report import text

    sys.stdout.write(text.render(report, color=False))
    sys.stdout.writelines(line + "\n" for line in text.render_skipped(report))


def _confirm(program: str) -> bool:
    if not sys.stdin.isatty():
        return False
    sys.stderr.write(f"phantom-guard: run {program} anyway? [y/N] ")
    sys.stderr.flush()
    answer = sys.stdin.readline().strip().lower()
    return answer in ("y", "yes")


def _shown(argv: Sequence[str]) -> str:
    import shlex

    return shlex.join(argv)


def _say(text: str) -> None:
    """One stderr line; what came from outside (argv, files, registries) is escaped and capped."""
    from phantom_guard.report import message

    sys.stderr.write(f"phantom-guard: {message(text)}\n")


def is_guard_word(word: str) -> bool:
    """Whether ``phantom-guard <word> …`` is an install-guard call (for a dispatch table)."""
    return word == "guard" or word in MANAGERS


__all__ = ["GuardOptions", "decide", "exec_replace", "is_guard_word", "main", "run"]
