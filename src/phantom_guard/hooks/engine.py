"""The agent hook's engine: a shell command or a file edit -> one judgement.

Shared by every host module and by the MCP server's ``check_install_command``. Names go through
`phantom_guard.api.check_refs` (local-first), inside a time budget: a check that outlives it is
ERROR, never SAFE. Imports of the checking pipeline happen only when there is a name to check,
so a command that installs nothing costs the tokenizer and nothing more.
"""

from __future__ import annotations

TYPE_CHECKING = False
if TYPE_CHECKING:
    from collections.abc import Sequence
    from pathlib import Path

    from phantom_guard.model import PackageRef, PackageRisk, Report
    from phantom_guard.settings import Settings

DEFAULT_BUDGET = 8.0  # seconds; agent hosts give a hook 10-60 s before they give up on it
PRIVATE_HINT = (
    "If this is a private package, add it to `[tool.phantom-guard] private` "
    "(pyproject.toml or .phantom-guard.toml)."
)

# The verdicts, from least to most severe: nothing to say, suspicious, could not verify, block.
NOTHING = "nothing"
SUSPICIOUS = "suspicious"
ERROR = "error"
BLOCK = "block"


class Judgement:
    """The verdict on one tool call, the lines that explain it, the report behind it, and what
    could not be verified besides ERROR results.
    """

    __slots__ = ("lines", "problems", "report", "verdict")

    def __init__(
        self,
        verdict: str,
        lines: Sequence[str] = (),
        report: Report | None = None,
        problems: Sequence[str] = (),
    ) -> None:
        self.verdict = verdict
        self.lines = tuple(lines)
        self.report = report
        self.problems = tuple(problems)

    @property
    def reason(self) -> str:
        """The explanation as one text, one line per name."""
        return "\n".join(self.lines)

    def __repr__(self) -> str:
        return f"Judgement({self.verdict!r}, {self.lines!r})"


QUIET = Judgement(NOTHING)

#: Set when a check outlived its budget and still runs in a worker thread; the process that
#: printed the answer must then leave without waiting for it.
abandoned = False


def gave_up() -> bool:
    """Whether a check was given up on (its worker thread may still be running)."""
    return abandoned


def judge_command(
    command: str,
    cwd: str | Path,
    *,
    settings: Settings | None = None,
    budget: float = DEFAULT_BUDGET,
) -> Judgement:
    """Judge a shell command line: what would it install, and is any of it a finding?"""
    from phantom_guard.hooks.shell import plan_script

    script = plan_script(command, cwd)
    if not script.plans and not script.unverifiable:
        return QUIET
    problems = list(script.unverifiable)
    refs: list[PackageRef] = []
    if any(plan.refs for plan in script.plans):
        from phantom_guard.api import command_refs

        if settings is None:
            settings = _settings(cwd, problems)  # broken config: a problem, so ERROR
        if settings is not None:
            # As the install guard: a name a configured private index serves is not looked up.
            for plan in script.plans:
                refs.extend(command_refs(plan, settings)[0])
            if not refs and not problems:
                return QUIET
    return judge_refs(refs, problems, cwd, settings=settings, budget=budget, what="command")


def judge_refs(
    refs: Sequence[PackageRef],
    problems: Sequence[str],
    cwd: str | Path,
    *,
    settings: Settings | None = None,
    budget: float = DEFAULT_BUDGET,
    what: str = "command",
) -> Judgement:
    """Check `refs` within `budget` seconds and judge the results, with `problems` (things that
    could not be verified at all) counted as ERROR.
    """
    problems = list(problems)
    report = None
    if refs:
        if settings is None:
            settings = _settings(cwd, problems)
        if settings is not None:
            report = _check(refs, settings, budget, problems)
    return judge_report(report, problems, what=what, settings=settings)


def _settings(cwd: str | Path, problems: list[str]) -> Settings | None:
    import os

    from phantom_guard.errors import ConfigError
    from phantom_guard.settings import Settings

    try:
        return Settings.load(cwd if os.path.isdir(cwd) else None)
    except ConfigError as exc:
        problems.append(str(exc))
        return None


def _check(
    refs: Sequence[PackageRef], settings: Settings, budget: float, problems: list[str]
) -> Report | None:
    """`check_refs` in a worker thread, given up on after `budget` seconds."""
    # The C half of threading (the thread it starts is a daemon, the lock is threading's
    # own): importing threading costs ~2 ms, and a popular name's check takes less.
    import _thread

    from phantom_guard.api import check_refs
    from phantom_guard.errors import PhantomGuardError

    global abandoned  # noqa: PLW0603 - one per process, read by the code that exits
    outcome: list[Report | PhantomGuardError] = []
    finished = _thread.allocate_lock()
    finished.acquire()

    def work() -> None:
        try:
            outcome.append(check_refs(refs, settings=settings))
        except PhantomGuardError as exc:
            outcome.append(exc)
        finally:
            finished.release()

    _thread.start_new_thread(work, ())
    if not finished.acquire(timeout=budget):
        abandoned = True
        problems.append(f"the check did not finish within {budget:g} s")
        return None
    if not outcome:  # an unexpected exception: the thread printed its traceback
        problems.append("the check failed unexpectedly")
        return None
    result = outcome[0]
    if isinstance(result, PhantomGuardError):
        problems.append(str(result))
        return None
    problems.extend(result.input_errors)
    return result


def blocks(risk: PackageRisk, settings: Settings | None) -> bool:
    """NOT_FOUND, HIGH_RISK and known-malicious always block; SUSPICIOUS when fail_on says so."""
    from phantom_guard.model import FailOn, Recommendation, SignalKind

    if risk.recommendation in (Recommendation.NOT_FOUND, Recommendation.HIGH_RISK):
        return True
    malicious = (SignalKind.KNOWN_MALICIOUS, SignalKind.MALICIOUS_VERSION)
    if any(s.kind in malicious for s in risk.signals):
        return True
    return (
        risk.recommendation is Recommendation.SUSPICIOUS
        and settings is not None
        and settings.fail_on is FailOn.SUSPICIOUS
    )


def judge_report(
    report: Report | None,
    problems: Sequence[str],
    *,
    what: str = "command",
    settings: Settings | None = None,
) -> Judgement:
    """Block > could not verify > suspicious > nothing; one explanatory line per name."""
    from phantom_guard.model import Recommendation
    from phantom_guard.report import clean

    results = report.results if report is not None else ()
    blocked = [r for r in results if blocks(r, settings)]
    if blocked:
        lines = [f"phantom-guard blocked this {what}:"]
        lines += [f"  {_line(r)}" for r in blocked]
        lines.append(PRIVATE_HINT)
        return Judgement(BLOCK, tuple(lines), report, tuple(problems))
    errors = [r for r in results if r.recommendation is Recommendation.ERROR]
    if errors or problems:
        lines = [f"phantom-guard could not verify what this {what} installs:"]
        lines += [f"  {_line(r)}" for r in errors]
        lines += [f"  {clean(p)}" for p in problems]
        return Judgement(ERROR, tuple(lines), report, tuple(problems))
    suspicious = [r for r in results if r.recommendation is Recommendation.SUSPICIOUS]
    if suspicious:
        lines = [f"phantom-guard: this {what} installs packages that look suspicious:"]
        lines += [f"  {_line(r)}" for r in suspicious]
        return Judgement(SUSPICIOUS, tuple(lines), report)
    return Judgement(NOTHING, (), report)


def _line(risk: PackageRisk) -> str:
    from phantom_guard.report import clean

    text = f"{clean(risk.name, 100)} ({risk.registry.value}): {risk.recommendation.value}"
    if risk.error is not None:
        text += f", {clean(risk.error, 200)}"
    else:
        telling = [s for s in risk.signals if s.weight > 0]
        if telling:
            strongest = max(telling, key=lambda s: s.weight)
            text += f", {clean(strongest.message, 200)}"
    if risk.suggestion:
        text += f"; did you mean {clean(risk.suggestion, 100)}?"
    return text
