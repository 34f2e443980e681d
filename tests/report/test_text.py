"""The text report: plain lines off a terminal, a rich table on one, never raw escapes."""

from __future__ import annotations

from phantom_guard.model import Recommendation, Report, Skipped, Source
from phantom_guard.report import clean, text
from tests.report import (
    HOSTILE,
    HOSTILE_MARKERS,
    has_control,
    hostile_report,
    risk,
    sample_report,
)


def test_plain_has_verdicts_names_and_a_summary_line() -> None:
    output = text.render(sample_report())
    for verdict in ("SAFE", "HIGH_RISK", "NOT_FOUND", "SUSPICIOUS", "ERROR"):
        assert verdict in output
    for name in ("requests", "reqeusts", "flask-gpt-helper", "tiny-new-lib", "@acme/widget"):
        assert name in output
    last = output.rstrip("\n").splitlines()[-1]
    assert last == "5 packages: 1 SAFE, 1 SUSPICIOUS, 1 HIGH_RISK, 1 NOT_FOUND, 1 ERROR"
    assert "\x1b" not in output
    assert output.endswith("\n")


def test_plain_groups_by_file_and_shows_lines_and_suggestions() -> None:
    output = text.render(sample_report())
    lines = output.splitlines()
    assert "requirements.txt" in lines
    assert "pyproject.toml" in lines
    reqeusts = next(line for line in lines if "reqeusts" in line)
    assert "(line 2, 7)" in reqeusts
    assert "did you mean 'requests'?" in reqeusts
    assert "0.80" in reqeusts
    # reasons of a finding are listed under it; a SAFE result has none
    after = lines[lines.index(reqeusts) + 1]
    assert after.strip().startswith("- ")
    safe = next(line for line in lines if line.strip().startswith("SAFE"))
    assert not lines[lines.index(safe) + 1].strip().startswith("- ")


def test_verbose_lists_every_signal() -> None:
    quiet = text.render(sample_report())
    loud = text.render(sample_report(), verbose=True)
    assert "among the most downloaded" not in quiet
    assert "among the most downloaded" in loud


def test_error_reason_is_shown() -> None:
    output = text.render(sample_report())
    assert "HTTP 503 from registry.test" in output


def test_empty_report() -> None:
    output = text.render(Report(()))
    assert output == "0 packages: 0 SAFE, 0 SUSPICIOUS, 0 HIGH_RISK, 0 NOT_FOUND, 0 ERROR\n"


def test_skipped_entries() -> None:
    report = Report(
        (risk("requests", Recommendation.SAFE),),
        skipped=(
            Skipped(
                "https://x/y.whl", "a URL, not a registry package", Source("requirements.txt", 9)
            ),
        ),
        input_errors=("requirements.txt:3: invalid pypi package name 'bad name'",),
    )
    output = text.render(report)
    assert "1 entries skipped" in output
    assert text.render_skipped(report) == [
        "skipped requirements.txt:9: a URL, not a registry package"
    ]


def test_hostile_text_is_never_raw_in_plain_output() -> None:
    output = text.render(hostile_report(), verbose=True)
    for marker in HOSTILE_MARKERS:
        assert marker not in output
    assert not has_control(output)
    assert not any(line.startswith("INJECTED-LINE") for line in output.splitlines())
    assert clean(HOSTILE) in output


def test_hostile_text_is_never_raw_in_the_rich_table() -> None:
    output = text.render(hostile_report(), verbose=True, color=True, width=120)
    # rich's own styling escapes are fine; the hostile ones must be gone
    assert "\x1b[31mRED" not in output
    assert "\u202e" not in output
    assert "\x07" not in output
    assert "\r" not in output
    assert not any("INJECTED-LINE" in line and "\\n" not in line for line in output.splitlines())


def test_rich_table_has_verdicts_and_summary() -> None:
    output = text.render(sample_report(), color=True, width=120)
    for verdict in ("SAFE", "HIGH_RISK", "NOT_FOUND", "SUSPICIOUS", "ERROR"):
        assert verdict in output
    assert "5 packages: 1 SAFE" in output


def test_clean_escapes_and_cuts() -> None:
    assert clean("a\x1b[31mb") == "a\\x1b[31mb"
    assert clean("a\u202eb") == "a\\u202eb"
    assert clean("line\nnext") == "line\\nnext"
    assert clean("plain name") == "plain name"
    long = clean("x" * 1000, limit=50)
    assert len(long) == 50
    assert long.endswith("…")


def test_each_score_is_shown_with_two_decimals_and_a_zero_without_its_sign() -> None:
    text._SCORE_CELLS.clear()  # the memo as a new process has it: -0.0 comes first
    scores = [-0.0, 0.125, 0.8, 0.805, 1.0, 0.3333, 0.0, 0.8, -0.0]
    results = tuple(
        risk(f"pkg-{n}", Recommendation.SUSPICIOUS, score=s) for n, s in enumerate(scores)
    )
    lines = text.render(Report(results)).splitlines()
    for n, score in enumerate(scores):
        line = next(line for line in lines if f" pkg-{n}" in line)
        assert line.split()[1] == f"{abs(score):.2f}", line
