"""How the benchmarks start phantom-guard: as a shell, a hook or a package-manager shim does."""

from __future__ import annotations

import subprocess
from collections.abc import Sequence
from pathlib import Path


def installed_command(python: str) -> list[str]:
    """The ``phantom-guard`` console script beside `python`, run by it; else ``python -m``.

    The script is what a shell, an agent hook or a shim runs; ``-m`` adds runpy (~7 ms).
    """
    script = Path(python).parent / "phantom-guard"
    return [python, str(script)] if script.is_file() else [python, "-m", "phantom_guard"]


def with_bytecode(env: dict[str, str], folder: Path) -> dict[str, str]:
    """`env` for a child that reads and writes bytecode under `folder`, as an installed package
    has it (pip compiles it): this sandbox sets PYTHONDONTWRITEBYTECODE=1, and without bytecode
    every run compiles each module it imports again (measured: 200 ms instead of 50 for the
    install guard). The benchmark's warm-up run writes it.
    """
    env = dict(env)
    env.pop("PYTHONDONTWRITEBYTECODE", None)
    env["PYTHONPYCACHEPREFIX"] = str(folder / "bytecode")
    return env


def run_timed(
    command: list[str], env: dict[str, str], cwd: Path | None = None, stdin: bytes | None = None
) -> tuple[float, float, subprocess.CompletedProcess[bytes]]:
    """(wall seconds, CPU seconds, the finished process) of one fresh process (and whatever it
    execs).

    CPU time (user + system, from the children's rusage) holds on a loaded machine where wall
    time stretches with the queue for a core: on our shared 2-core machines it is the steadier
    figure, and both are printed.
    """
    import resource
    import time

    before = resource.getrusage(resource.RUSAGE_CHILDREN)
    start = time.perf_counter()
    done = subprocess.run(command, env=env, cwd=cwd, input=stdin, capture_output=True, check=False)
    wall = time.perf_counter() - start
    after = resource.getrusage(resource.RUSAGE_CHILDREN)
    cpu = (after.ru_utime - before.ru_utime) + (after.ru_stime - before.ru_stime)
    return wall, cpu, done


class Timings:
    """One case's wall and CPU times (seconds) over the rounds, and its last process."""

    def __init__(self) -> None:
        self.walls: list[float] = []
        self.cpus: list[float] = []
        self.last: subprocess.CompletedProcess[bytes] | None = None


def interleaved(
    cases: Sequence[tuple[str, list[str], Path | None, bytes | None]],
    env: dict[str, str],
    repeats: int,
) -> dict[str, Timings]:
    """Each (label, command, cwd, stdin) run `repeats` times, round-robin, so load on a shared
    machine falls on every case alike.
    """
    timings = {label: Timings() for label, _, _, _ in cases}
    for _ in range(repeats):
        for label, command, cwd, stdin in cases:
            wall, cpu, done = run_timed(command, env, cwd, stdin)
            timings[label].walls.append(wall)
            timings[label].cpus.append(cpu)
            timings[label].last = done
    return timings
