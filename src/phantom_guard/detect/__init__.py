"""Detection: pure functions from names and registry metadata to signals and a verdict.

Nothing here does I/O beyond reading the shipped data files; no HTTP, SQLite or terminal.
"""
