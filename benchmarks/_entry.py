"""How the benchmarks start phantom-guard: as a shell, a hook or a package-manager shim does."""

from __future__ import annotations

from pathlib import Path


def installed_command(python: str) -> list[str]:
    """The ``phantom-guard`` console script beside `python`, run by it; else ``python -m``.

    The script is what a shell, an agent hook or a shim runs; ``-m`` adds runpy (~7 ms).
    """
    script = Path(python).parent / "phantom-guard"
    return [python, str(script)] if script.is_file() else [python, "-m", "phantom_guard"]
