"""Markdown for pull-request comments: findings in a table, untrusted text made inert."""

from __future__ import annotations

from phantom_guard.model import Recommendation, Report, Source
from phantom_guard.report import markdown
from tests.report import HOSTILE_MARKERS, has_control, hostile_report, risk, sample_report


def table_rows(output: str) -> list[str]:
    return [line for line in output.splitlines() if line.startswith("| ") and "---" not in line][1:]


def cells(row: str) -> list[str]:
    """Split a table row at unescaped pipes."""
    parts, current, escaped = [], "", False
    for char in row.strip()[1:-1]:
        if char == "|" and not escaped:
            parts.append(current)
            current = ""
        else:
            current += char
        escaped = char == "\\" and not escaped
    parts.append(current)
    return [p.strip() for p in parts]


def test_heading_counts_and_findings_table() -> None:
    output = markdown.render(sample_report())
    lines = output.splitlines()
    assert lines[0] == "### phantom-guard: 4 of 5 packages need attention"
    assert "1 SAFE, 1 SUSPICIOUS, 1 HIGH_RISK, 1 NOT_FOUND, 1 ERROR." in output
    rows = table_rows(output)
    assert len(rows) == 4  # SAFE results are left out
    verdicts = [cells(row)[1] for row in rows]
    assert verdicts == ["HIGH_RISK", "NOT_FOUND", "SUSPICIOUS", "ERROR"]
    assert all(len(cells(row)) == 6 for row in rows)


def test_where_and_why() -> None:
    rows = table_rows(markdown.render(sample_report()))
    high = cells(rows[0])
    assert high[4] == "requirements.txt:2<br>sub dir/requirements-dev.txt:7"
    assert "did you mean `requests`?" in high[5]
    assert "typo of 'requests'" in high[5]


def test_nothing_to_check() -> None:
    output = markdown.render(Report(()))
    assert "0 of 0 packages" in output
    assert "nothing to check." in output
    assert "|" not in output


def test_specials_are_escaped() -> None:
    name = "a|b`c<script>alert(1)</script>*d*_e_[x](http://e.example)"
    report = Report(
        (
            risk(
                name,
                Recommendation.NOT_FOUND,
                message="pipe | tick ` angle <b>",
                sources=(Source("dir|x/<f>.txt", 2),),
            ),
        )
    )
    output = markdown.render(report)
    (row,) = table_rows(output)
    columns = cells(row)
    assert len(columns) == 6
    assert columns[2] == (
        r"a\|b\`c\<script\>alert\(1\)\</script\>\*d\*\_e\_\[x\]\(http://e.example\)"
    )
    assert "<script>" not in output
    assert "<b>" not in output
    assert r"pipe \| tick \` angle \<b\>" in columns[5]
    assert r"dir\|x/\<f\>.txt:2" in columns[4]


def test_mentions_and_headings_are_inert() -> None:
    report = Report((risk("@everyone", Recommendation.NOT_FOUND, message="# heading"),))
    output = markdown.render(report)
    assert r"\@everyone" in output
    assert r"\# heading" in output


def test_hostile_text_is_never_raw() -> None:
    output = markdown.render(hostile_report())
    for marker in HOSTILE_MARKERS:
        assert marker not in output
    assert not has_control(output)
    assert not any(line.startswith("INJECTED-LINE") for line in output.splitlines())
    rows = table_rows(output)
    assert len(rows) == 3
    assert all(len(cells(row)) == 6 for row in rows)
    assert "**Input errors**" in output


def test_suggestions_are_code_spans_without_backslashes() -> None:
    from phantom_guard.report.markdown import _code

    assert _code("@types/node") == "`@types/node`"  # no "\@" shown inside the span
    assert _code("evil`|name") == "evil\\`\\|name"  # could end the span or the cell: escaped
    assert _code("a\x1b[31m") == "`a\\x1b[31m`"
