"""``python -m phantom_guard``: the same as the ``phantom-guard`` command."""

from phantom_guard.cli.entry import main

main()
