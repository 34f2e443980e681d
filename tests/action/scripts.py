"""The action's stdlib scripts, imported from action/ by path (they are not part of the package)."""

from __future__ import annotations

import importlib.util
from pathlib import Path
from types import ModuleType

ROOT = Path(__file__).resolve().parents[2]
ACTION = ROOT / "action"
EVENTS = ROOT / "tests" / "fixtures" / "github"


def load(name: str) -> ModuleType:
    spec = importlib.util.spec_from_file_location(f"action_{name}", ACTION / f"{name}.py")
    assert spec is not None and spec.loader is not None
    module = importlib.util.module_from_spec(spec)
    spec.loader.exec_module(module)
    return module
