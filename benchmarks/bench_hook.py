"""The agent hook in a fresh process, as agent hosts run it before every shell command.

Run: ``python benchmarks/bench_hook.py``. Prints numbers; asserts nothing.

Cases: a Claude Code ``PreToolUse`` event for ``git status`` (nothing to check) and for
``pip install requests`` (a popular name: no network), each through the click-free entry point
``phantom_guard.hooks.main`` and through the installed ``phantom-guard hook`` script (whatever
dispatch the command line has); median of REPEATS fresh processes beside ``python -c pass``
measured in the same run, interleaved, wall and CPU time. The issue's target: the hook's median
within ``python -c pass`` + 30 ms. Bytecode is written once by a warm-up run, as for an installed
package; the registry URLs point at a closed port on 127.0.0.1, so a case that tried the network
would show up as an ERROR answer.
"""

from __future__ import annotations

import json
import os
import statistics
import subprocess
import sys
import tempfile
from pathlib import Path

sys.path.insert(0, str(Path(__file__).resolve().parent.parent))

from benchmarks._entry import installed_command, interleaved, with_bytecode

REPEATS = 21
BUDGET_MS = 30.0


def event(command: str, cwd: Path) -> str:
    """A Claude Code PreToolUse event for a Bash command."""
    return json.dumps(
        {
            "session_id": "bench",
            "transcript_path": None,
            "cwd": str(cwd),
            "hook_event_name": "PreToolUse",
            "tool_name": "Bash",
            "tool_input": {"command": command},
        }
    )


def main() -> int:
    """Measure and print the table."""
    python = sys.executable
    with tempfile.TemporaryDirectory(prefix="pg-bench-hook-") as tmp:
        folder = Path(tmp)
        (folder / ".git").mkdir()
        closed = "http://127.0.0.1:9"
        env = os.environ | {
            "PHANTOM_GUARD_CACHE_DIR": str(folder / "cache"),
            "PHANTOM_GUARD_PYPI_URL": closed,
            "PHANTOM_GUARD_NPM_URL": closed,
            "PHANTOM_GUARD_CRATES_URL": closed,
            "PHANTOM_GUARD_NPM_DOWNLOADS_URL": closed,
        }
        env = with_bytecode(env, folder)
        direct = [
            python,
            "-c",
            "import sys; from phantom_guard.hooks import main; "
            "sys.exit(main(['hook', '--agent', 'claude']))",
        ]
        cli = [*installed_command(python), "hook", "--agent", "claude"]
        quiet = event("git status", folder)
        popular = event("pip install requests", folder)
        cases = [
            ("REFERENCE python -c pass", [python, "-c", "pass"], ""),
            ("hooks.main: git status", direct, quiet),
            ("hooks.main: pip install requests", direct, popular),
            ("phantom-guard hook: git status", cli, quiet),
            ("phantom-guard hook: pip install requests", cli, popular),
        ]
        for _, command, stdin in cases:  # warm-up: bytecode, as an installed package has it
            subprocess.run(
                command,
                input=stdin,
                env=env,
                cwd=folder,
                capture_output=True,
                text=True,
                check=False,
            )
        timings = interleaved(
            [(label, command, folder, stdin.encode()) for label, command, stdin in cases],
            env,
            REPEATS,
        )
        rows = [(label, timings[label]) for label, _, _ in cases]

    reference = statistics.median(rows[0][1].walls)
    cpu_reference = statistics.median(rows[0][1].cpus)
    print(
        f"Python {sys.version.split()[0]}; {os.cpu_count()} CPUs; median of {REPEATS} processes, "
        f"interleaved; load average {os.getloadavg()[0]:.1f}"
    )
    print(f"command: {' '.join(installed_command(python))}")
    print(f"target: hook median <= python -c pass + {BUDGET_MS:.0f} ms")
    print(
        f"  {'case':<44}{'wall ms':>9}{'− ref':>8}{'× ref':>7}{'CPU ms':>9}{'− ref':>8}  last run"
    )
    for label, timing in rows:
        median, cpu = statistics.median(timing.walls), statistics.median(timing.cpus)
        done = timing.last
        last = (
            f"exit {done.returncode}, stdout {len(done.stdout)} B, stderr {len(done.stderr)} B"
            if done
            else ""
        )
        print(
            f"  {label:<44}{median * 1000:>9.1f}{(median - reference) * 1000:>8.1f}"
            f"{median / reference:>7.2f}{cpu * 1000:>9.1f}{(cpu - cpu_reference) * 1000:>8.1f}"
            f"  {last}"
        )
    return 0


if __name__ == "__main__":
    raise SystemExit(main())
