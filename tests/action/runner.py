"""A small local runner for the composite action: it evaluates the few expression shapes
action.yml uses, runs each `run:` step with bash as the Actions runner does, and stubs every
`uses:` step (recording its `with:`), so the steps are tested without GitHub.
"""

from __future__ import annotations

import os
import re
import subprocess
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

import yaml

from tests.action.scripts import ROOT

ACTION: dict[str, Any] = yaml.safe_load((ROOT / "action.yml").read_text(encoding="utf-8"))
EXPRESSION = re.compile(r"\$\{\{\s*(.*?)\s*\}\}")
_PATH = re.compile(r"[A-Za-z_][A-Za-z0-9_-]*(\.[A-Za-z_][A-Za-z0-9_-]*)*\Z")
_COMPARE = re.compile(r"(\S+)\s*(==|!=)\s*'([^']*)'\Z")


@dataclass
class Run:
    """What one run of the action did."""

    steps: dict[str, dict[str, Any]] = field(default_factory=dict)
    order: list[str] = field(default_factory=list)
    uses: dict[str, dict[str, str]] = field(default_factory=dict)
    exit_code: int = 0
    summary: str = ""
    log: str = ""

    def output(self, step: str, name: str) -> str:
        return str(self.steps[step]["outputs"].get(name, ""))


class Runner:
    """Runs action.yml's steps with `inputs`, a GitHub context and stubs for `uses:` steps."""

    def __init__(
        self,
        *,
        workdir: Path,
        temp: Path,
        github: dict[str, str],
        env: dict[str, str],
        stubs: dict[str, dict[str, Any]],
    ) -> None:
        self.workdir = workdir
        self.temp = temp
        self.github = github
        self.env = env
        self.stubs = stubs  # step id -> {"outputs": {...}, "outcome": "success"|"failure"}

    def value(self, path: str, run: Run, inputs: dict[str, str]) -> str:
        if not _PATH.match(path):
            raise ValueError(f"expression the local runner does not support: {path!r}")
        head, _, rest = path.partition(".")
        match head:
            case "inputs":
                if rest in inputs:
                    return inputs[rest]
                return self.expand(str(ACTION["inputs"][rest].get("default", "")), run, inputs)
            case "github":
                return self.github[rest]
            case "runner":
                return {"temp": str(self.temp)}[rest]
            case "steps":
                step, _, what = rest.partition(".")
                state = run.steps.get(step, {})
                if what == "outcome":
                    return str(state.get("outcome", ""))
                return str(state.get("outputs", {}).get(what.removeprefix("outputs."), ""))
        raise ValueError(f"unknown context in {path!r}")

    def expand(self, text: str, run: Run, inputs: dict[str, str]) -> str:
        return EXPRESSION.sub(lambda m: self.value(m.group(1), run, inputs), text)

    def condition(self, text: str, run: Run, inputs: dict[str, str]) -> bool:
        for term in text.split("||"):
            match = _COMPARE.match(term.strip())
            if match is None:
                raise ValueError(f"condition the local runner does not support: {text!r}")
            left = self.value(match.group(1), run, inputs)
            if (left == match.group(3)) == (match.group(2) == "=="):
                return True
        return False

    def run(self, inputs: dict[str, str]) -> Run:
        run = Run()
        summary = self.temp / "step_summary.md"
        summary.write_text("", encoding="utf-8")
        for step in ACTION["runs"]["steps"]:
            step_id = step["id"]
            if "if" in step and not self.condition(step["if"], run, inputs):
                run.steps[step_id] = {"outcome": "skipped", "outputs": {}}
                continue
            run.order.append(step_id)
            if "uses" in step:
                stub = self.stubs.get(step_id, {})
                run.uses[step_id] = {
                    k: self.expand(str(v), run, inputs) for k, v in step.get("with", {}).items()
                }
                run.steps[step_id] = {
                    "outcome": stub.get("outcome", "success"),
                    "outputs": dict(stub.get("outputs", {})),
                }
                continue
            if step_id in self.stubs:  # a run: step replaced (the install: it needs an index)
                run.steps[step_id] = {"outcome": "success", **self.stubs[step_id]}
                continue
            output = self.temp / f"output_{step_id}"
            output.write_text("", encoding="utf-8")
            step_env = {k: self.expand(str(v), run, inputs) for k, v in step["env"].items()}
            done = subprocess.run(
                ["bash", "--noprofile", "--norc", "-eo", "pipefail", "-c", step["run"]],
                cwd=self.workdir,
                env={
                    **self.env,
                    **step_env,
                    "GITHUB_ACTION_PATH": str(ROOT),
                    "GITHUB_OUTPUT": str(output),
                    "GITHUB_STEP_SUMMARY": str(summary),
                },
                capture_output=True,
                text=True,
                timeout=120,
                check=False,
            )
            run.log += f"--- {step_id} ({done.returncode})\n{done.stdout}{done.stderr}"
            outputs = dict(
                line.split("=", 1)
                for line in output.read_text(encoding="utf-8").splitlines()
                if "=" in line
            )
            run.steps[step_id] = {
                "outcome": "success" if done.returncode == 0 else "failure",
                "outputs": outputs,
            }
            if done.returncode != 0:
                run.exit_code = done.returncode
                if not step.get("continue-on-error"):
                    break
        run.summary = summary.read_text(encoding="utf-8")
        return run


def base_env() -> dict[str, str]:
    """The process environment without any GitHub Actions variables of the machine running the
    tests (a CI job running these tests has its own GITHUB_* values).
    """
    return {k: v for k, v in os.environ.items() if not k.startswith(("GITHUB_", "RUNNER_"))}
