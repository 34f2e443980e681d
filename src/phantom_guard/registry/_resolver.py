"""DNS lookups that never hold up the exit: each runs in a daemon thread.

aiohttp's default resolver calls ``getaddrinfo`` in the event loop's thread pool. A resolver
that does not answer (a laptop off the network, a dropped UDP query: glibc waits 5 s a try)
keeps that thread busy after our timeout has already turned the lookup into ERROR, and
``asyncio.run`` and the interpreter both wait for the pool at exit: the command returns
seconds after its answer. A daemon thread is simply left behind.
"""

from __future__ import annotations

import asyncio
import contextlib
import socket
import threading
from typing import Any

from aiohttp.abc import AbstractResolver, ResolveResult

_FLAGS = socket.AI_ADDRCONFIG if hasattr(socket, "AI_ADDRCONFIG") else 0
_NUMERIC = socket.AI_NUMERICHOST | socket.AI_NUMERICSERV
AddrInfo = list[tuple[Any, ...]]


class DaemonThreadResolver(AbstractResolver):
    """`getaddrinfo` in a daemon thread per lookup (aiohttp caches answers, so they are few)."""

    async def resolve(
        self, host: str, port: int = 0, family: socket.AddressFamily = socket.AF_INET
    ) -> list[ResolveResult]:
        loop = asyncio.get_running_loop()
        answer: asyncio.Future[AddrInfo] = loop.create_future()

        def lookup() -> None:
            try:
                infos = socket.getaddrinfo(
                    host, port, type=socket.SOCK_STREAM, family=family, flags=_FLAGS
                )
            except BaseException as exc:  # handed to the waiting task, which re-raises it
                _deliver(loop, answer, None, exc)
            else:
                _deliver(loop, answer, infos, None)

        threading.Thread(target=lookup, name="phantom-guard-dns", daemon=True).start()
        return [_result(host, info) for info in await answer if _usable(info)]

    async def close(self) -> None:
        """Nothing to release: lookup threads end on their own."""


def _deliver(
    loop: asyncio.AbstractEventLoop,
    answer: asyncio.Future[AddrInfo],
    infos: AddrInfo | None,
    error: BaseException | None,
) -> None:
    def settle() -> None:
        if answer.done():  # the lookup timed out or was cancelled meanwhile
            return
        if error is not None:
            answer.set_exception(error)
        else:
            answer.set_result(infos or [])

    with contextlib.suppress(RuntimeError):  # a closed loop: the run ended without this answer
        loop.call_soon_threadsafe(settle)


def _usable(info: tuple[Any, ...]) -> bool:
    family, _, _, _, address = info
    # An IPv6 answer on a Python built without IPv6 has no flow info and scope id.
    return family == socket.AF_INET or (family == socket.AF_INET6 and len(address) >= 4)


def _result(hostname: str, info: tuple[Any, ...]) -> ResolveResult:
    family, _, proto, _, address = info
    host = address[0]
    if family == socket.AF_INET6 and address[3]:
        host = f"{host}%{address[3]}"  # link-local: the scope id picks the interface
    return ResolveResult(
        hostname=hostname,
        host=host,
        port=address[1],
        family=family,
        proto=proto,
        flags=_NUMERIC,
    )
