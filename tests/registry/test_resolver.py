"""DNS in daemon threads: answers as aiohttp's resolver would, and never holds up the exit."""

from __future__ import annotations

import asyncio
import json
import socket
import threading
from pathlib import Path
from typing import Any

import pytest
from click.testing import CliRunner

from phantom_guard.cli import main
from phantom_guard.registry import _resolver
from phantom_guard.registry._resolver import DaemonThreadResolver
from tests.fakeregistry import FakeRegistry


def test_resolves_like_getaddrinfo() -> None:
    found = asyncio.run(DaemonThreadResolver().resolve("127.0.0.1", 8080))
    assert [(r["host"], r["port"], r["family"]) for r in found] == [
        ("127.0.0.1", 8080, socket.AF_INET)
    ]


def test_a_failed_lookup_raises_its_error(monkeypatch: pytest.MonkeyPatch) -> None:
    def refuse(*args: Any, **kwargs: Any) -> Any:
        raise socket.gaierror(socket.EAI_NONAME, "Name or service not known")

    monkeypatch.setattr(_resolver.socket, "getaddrinfo", refuse)
    with pytest.raises(socket.gaierror):
        asyncio.run(DaemonThreadResolver().resolve("nowhere.invalid", 80))


def test_a_resolver_that_never_answers_does_not_hold_up_the_exit(
    registry_env: FakeRegistry, monkeypatch: pytest.MonkeyPatch, tmp_path: Path
) -> None:
    """The lookup times out as ERROR and the command returns while getaddrinfo still hangs."""
    release = threading.Event()
    finished = threading.Event()

    def hang(*args: Any, **kwargs: Any) -> Any:
        release.wait(timeout=20)
        finished.set()
        raise socket.gaierror(socket.EAI_AGAIN, "Temporary failure in name resolution")

    monkeypatch.setattr(_resolver.socket, "getaddrinfo", hang)
    monkeypatch.setenv("PHANTOM_GUARD_PYPI_URL", "http://silent-dns.invalid/pypi")
    monkeypatch.setenv("PHANTOM_GUARD_TIMEOUT", "0.2")
    monkeypatch.chdir(tmp_path)
    try:
        result = CliRunner().invoke(main, ["validate", "-o", "json", "some-unlisted-pkg"])
        returned_first = not finished.is_set()
    finally:
        release.set()
    assert result.exit_code == 3, result.output
    (risk,) = json.loads(result.output)["results"]
    assert risk["recommendation"] == "ERROR"
    assert "timed out" in risk["error"]
    assert returned_first  # with the thread-pool resolver the command waited for getaddrinfo
    assert finished.wait(timeout=20)
