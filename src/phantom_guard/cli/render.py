"""`render REPORT.json -o sarif|markdown|text`: a saved JSON report in another format, no lookup.

CI looks every name up once (``check -o json``) and derives SARIF, Markdown and text from that
document. Exit codes: 0 rendered, 2 the file is not a phantom-guard JSON report (one line on
stderr). The report's verdicts do not set the exit code: the ``check`` run that wrote the report
already did, and a rendering step that failed on findings would hide the report it exists to show.
"""

from __future__ import annotations

import os
import shutil
import sys
from pathlib import Path
from typing import assert_never

import click

from phantom_guard.model import FailOn
from phantom_guard.stand_ins import StrEnum


class RenderFormat(StrEnum):
    """The formats `render` writes (JSON is the input)."""

    SARIF = "sarif"
    MARKDOWN = "markdown"
    TEXT = "text"


@click.command()
@click.argument("report_file", metavar="REPORT.json", type=click.Path(path_type=Path))
@click.option(
    "-o",
    "--output",
    "output",
    type=click.Choice([f.value for f in RenderFormat]),
    required=True,
    help="Format to write.",
)
@click.option(
    "--fail-on",
    type=click.Choice([f.value for f in FailOn]),
    default=FailOn.HIGH_RISK.value,
    show_default=True,
    help="SARIF only: the verdict at and above which a finding is an 'error' (else 'warning'); "
    "pass the value the check ran with. It never changes the exit code.",
)
@click.option("-v", "--verbose", is_flag=True, default=False, help="Text only: every signal.")
def render(report_file: Path, output: str, fail_on: str, verbose: bool) -> None:
    """Write the saved JSON report REPORT.json as SARIF, Markdown or text (no lookup)."""
    from phantom_guard.cli.actions import failed
    from phantom_guard.cli.process import write_stdout
    from phantom_guard.errors import PhantomGuardError
    from phantom_guard.report.load import load_file

    try:
        report = load_file(report_file)
    except PhantomGuardError as exc:
        sys.exit(failed(exc))
    fmt = RenderFormat(output)
    match fmt:
        case RenderFormat.SARIF:
            from phantom_guard.report import sarif

            text = sarif.render(report, fail_on=FailOn(fail_on))
        case RenderFormat.MARKDOWN:
            from phantom_guard.report import markdown

            text = markdown.render(report)
        case RenderFormat.TEXT:
            from phantom_guard.report import text as plain

            color = sys.stdout.isatty() and not os.environ.get("NO_COLOR")
            width = shutil.get_terminal_size().columns if color else 100
            text = plain.render(report, verbose=verbose, color=color, width=width)
            if verbose:
                text += "".join(line + "\n" for line in plain.render_skipped(report))
        case _:
            assert_never(fmt)
    write_stdout(text)
    sys.exit(0)
