"""Edits applied to a file's text, and Codex's apply_patch format read into edits."""

from __future__ import annotations

from phantom_guard.hooks.edits import FileEdit, Replacement, parse_patch


def test_whole_content_replaces_the_file() -> None:
    assert FileEdit("requirements.txt", content="flask\n").apply("requests\n") == "flask\n"


def test_replacement_first_or_every_occurrence() -> None:
    text = "a\nb\na\n"
    assert FileEdit("f", replacements=(Replacement("a", "c"),)).apply(text) == "c\nb\na\n"
    every = FileEdit("f", replacements=(Replacement("a", "c", replace_all=True),))
    assert every.apply(text) == "c\nb\nc\n"


def test_replacements_apply_in_order() -> None:
    steps = (Replacement("a", "b"), Replacement("b", "c"))
    assert FileEdit("f", replacements=steps).apply("a") == "c"


def test_absent_old_text_changes_nothing() -> None:
    # The host's tool refuses such an edit, so nothing is added.
    assert FileEdit("f", replacements=(Replacement("zzz", "flask"),)).apply("requests\n") == (
        "requests\n"
    )


def test_edit_of_an_empty_file_creates_it() -> None:
    assert FileEdit("f", replacements=(Replacement("", "flask\n"),)).apply("") == "flask\n"


def test_deleted_file_is_empty() -> None:
    assert FileEdit("f", deleted=True).apply("flask\n") == ""


PATCH = """*** Begin Patch
*** Add File: web/package.json
+{
+  "dependencies": {"left-pad": "1"}
+}
*** Update File: requirements.txt
@@ requests
 requests>=2.31
-flask==2.0
+flask==3.0
+flask-gpt-helper
@@
 pytest
+reqeusts
*** Delete File: old/requirements.txt
*** Update File: src/app.py
*** Move to: src/main.py
@@
-print(1)
+print(2)
*** End Patch
"""


def test_patch_is_read_per_file() -> None:
    edits = parse_patch(PATCH)
    assert [(e.path, e.deleted) for e in edits] == [
        ("web/package.json", False),
        ("requirements.txt", False),
        ("old/requirements.txt", True),
        ("src/main.py", False),
    ]
    assert edits[0].content == '{\n  "dependencies": {"left-pad": "1"}\n}\n'
    assert edits[1].replacements == (
        Replacement("requests>=2.31\nflask==2.0", "requests>=2.31\nflask==3.0\nflask-gpt-helper"),
        Replacement("pytest", "pytest\nreqeusts"),
    )
    before = "requests>=2.31\nflask==2.0\npytest\n"
    assert (
        edits[1].apply(before) == "requests>=2.31\nflask==3.0\nflask-gpt-helper\npytest\nreqeusts\n"
    )


def test_text_that_is_not_a_patch_has_no_edits() -> None:
    assert parse_patch("echo hello") == []
