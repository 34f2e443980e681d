"""Agent hosts' hooks: the host's event JSON on stdin -> block, ask, or say nothing.

``phantom-guard hook --agent claude|codex|gemini|cursor`` runs before every shell command an
agent runs, so `main` needs no click and imports the checking pipeline only when a command or
an edit names a package. One module per host reads its events and writes its answers.
"""

from __future__ import annotations

import os
import sys

TYPE_CHECKING = False
if TYPE_CHECKING:
    from collections.abc import Sequence

    from phantom_guard.hooks.host import Host, OnError, Outcome

AGENTS = ("claude", "codex", "gemini", "cursor")
USAGE = (
    "usage: phantom-guard hook [--agent claude|codex|gemini|cursor] "
    "[--on-error ask|deny|allow] [--timeout SECONDS]   (the host's event JSON on stdin)\n"
)


def agent_module(agent: str) -> Host:
    """The module that speaks `agent`'s hook format."""
    if agent not in AGENTS:
        raise ValueError(f"unknown agent {agent!r} (expected one of: {', '.join(AGENTS)})")
    name = f"phantom_guard.hooks.{agent}"
    __import__(name)  # not importlib.import_module: importing importlib costs a millisecond
    module: Host = sys.modules[name]
    return module


def main(args: Sequence[str]) -> int:
    """``phantom-guard hook …`` without click (`args` may start with ``hook``). Returns the exit
    code; leaves the process at once when a check outlived its time budget.
    """
    options = list(args)
    if options[:1] == ["hook"]:
        options = options[1:]
    parsed = _parse(options)
    if isinstance(parsed, str):
        sys.stderr.write(parsed)
        return 0 if parsed == USAGE else 2
    agent, on_error, budget = parsed
    outcome = run(agent, sys.stdin.buffer.read(), on_error=on_error, budget=budget)
    return emit(outcome)


def emit(outcome: Outcome) -> int:
    """Write an outcome to stdout and stderr; the exit code is returned (or exited with, when a
    worker thread still runs a check the hook gave up on).
    """
    from phantom_guard.hooks.engine import gave_up

    if outcome.stdout:
        sys.stdout.write(outcome.stdout)
    if outcome.stderr:
        sys.stderr.write(outcome.stderr)
    if gave_up():
        sys.stdout.flush()
        sys.stderr.flush()
        os._exit(outcome.exit_code)  # do not wait for the lookup we stopped waiting for
    return outcome.exit_code


def _parse(args: list[str]) -> tuple[str, OnError | None, float] | str:
    """(agent, on_error, budget) from the options, or the text to print (usage, an error)."""
    from phantom_guard.hooks.engine import DEFAULT_BUDGET
    from phantom_guard.hooks.host import ON_ERROR

    agent = "claude"
    on_error: OnError | None = None
    budget = DEFAULT_BUDGET
    if os.environ.get("PHANTOM_GUARD_HOOK_TIMEOUT"):
        try:
            budget = float(os.environ["PHANTOM_GUARD_HOOK_TIMEOUT"])
        except ValueError:
            return "phantom-guard: error: PHANTOM_GUARD_HOOK_TIMEOUT must be a number\n"
    while args:
        option = args.pop(0)
        name, eq, value = option.partition("=")
        if name in ("-h", "--help"):
            return USAGE
        if name not in ("--agent", "--on-error", "--timeout"):
            return f"phantom-guard: error: no such option {option!r}\n{USAGE}"
        if not eq:
            if not args:
                return f"phantom-guard: error: {name} needs a value\n{USAGE}"
            value = args.pop(0)
        if name == "--agent":
            if value not in AGENTS:
                return f"phantom-guard: error: unknown agent {value!r}\n{USAGE}"
            agent = value
        elif name == "--on-error":
            if value not in ON_ERROR:
                return f"phantom-guard: error: --on-error must be ask, deny or allow\n{USAGE}"
            on_error = value  # type: ignore[assignment]
        else:
            try:
                budget = float(value)
            except ValueError:
                budget = -1.0
            if not budget > 0:
                return f"phantom-guard: error: --timeout must be a positive number\n{USAGE}"
    return agent, on_error, budget


def run(
    agent: str, raw: bytes | str, *, on_error: OnError | None = None, budget: float | None = None
) -> Outcome:
    """The answer to one event: read it, judge the call it describes, render the judgement."""
    from phantom_guard import jsontext
    from phantom_guard.hooks import engine
    from phantom_guard.hooks.host import SILENT, ShellCall, answer

    speaker = agent_module(agent)
    budget = engine.DEFAULT_BUDGET if budget is None else budget
    try:
        event = jsontext.loads(raw)
    except ValueError as exc:
        problem = f"phantom-guard could not read the hook event: {exc}"
        return answer(speaker, engine.Judgement(engine.ERROR, (problem,)), on_error)
    if not isinstance(event, dict):
        problem = "phantom-guard could not read the hook event: not a JSON object"
        return answer(speaker, engine.Judgement(engine.ERROR, (problem,)), on_error)
    try:
        call = speaker.read(event)
        if call is None:
            return SILENT
        if isinstance(call, ShellCall):
            judgement = engine.judge_command(call.command, call.cwd, budget=budget)
        else:
            from phantom_guard.hooks.edits import judge_edits

            judgement = judge_edits(call.edits, call.cwd, budget=budget)
    except Exception as exc:
        # The process edge: a host runs the call when its hook crashes, so a crash is ERROR.
        problem = f"phantom-guard failed while checking this call: {type(exc).__name__}: {exc}"
        judgement = engine.Judgement(engine.ERROR, (problem,))
    return answer(speaker, judgement, on_error)
