"""Transport limits a hostile or broken panel can't get past: a total deadline per call
(a panel dripping one byte at a time resets httpx's read timeout, not this) and a cap on the
size of an answer. Each peer is a real HTTP server on a loopback socket."""

from __future__ import annotations

import asyncio
import time
from collections.abc import AsyncIterator, Awaitable, Callable
from contextlib import asynccontextmanager

import pytest

from smmdesk.core.api import Pacer, PanelClient
from smmdesk.core.errors import AddOutcomeUnknown, InvalidResponse, TransportError

HEAD = b"HTTP/1.1 200 OK\r\nContent-Type: application/json\r\n"
Serve = Callable[[asyncio.StreamReader, asyncio.StreamWriter], Awaitable[None]]


@asynccontextmanager
async def peer(serve: Serve) -> AsyncIterator[tuple[str, list[int]]]:
    """A server on 127.0.0.1 answering every request with ``serve``; yields its API URL and
    the list of requests it received (one entry per request)."""
    seen: list[int] = []
    handlers: set[asyncio.Task[None]] = set()

    async def handle(reader: asyncio.StreamReader, writer: asyncio.StreamWriter) -> None:
        task = asyncio.current_task()
        assert task is not None
        handlers.add(task)
        try:
            await reader.readuntil(b"\r\n\r\n")
            seen.append(1)
            await serve(reader, writer)
        except (ConnectionError, asyncio.IncompleteReadError):
            pass
        finally:
            writer.close()

    server = await asyncio.start_server(handle, "127.0.0.1", 0)
    port = server.sockets[0].getsockname()[1]
    try:
        yield f"http://127.0.0.1:{port}/api/v2", seen
    finally:
        server.close()
        for task in handlers:
            task.cancel()
        await asyncio.gather(*handlers, return_exceptions=True)
        await server.wait_closed()


async def drip(reader: asyncio.StreamReader, writer: asyncio.StreamWriter) -> None:
    """Headers at once, then one byte of body every 0.3 s, for ever."""
    writer.write(
        b"HTTP/1.1 200 OK\r\nContent-Type: application/json\r\nContent-Length: 999\r\n\r\n"
    )
    await writer.drain()
    while True:
        writer.write(b" ")
        await writer.drain()
        await asyncio.sleep(0.3)


async def huge(reader: asyncio.StreamReader, writer: asyncio.StreamWriter) -> None:
    """A 200 MB answer, streamed without a length."""
    writer.write(b'HTTP/1.1 200 OK\r\nContent-Type: application/json\r\n\r\n{"order": "')
    chunk = b"7" * 65536
    for _ in range(200 * 16):
        writer.write(chunk)
        await writer.drain()


def client(url: str, **options: object) -> PanelClient:
    return PanelClient(url, "k", pacer=Pacer(), backoff=0.01, **options)  # type: ignore[arg-type]


def test_a_dripping_panel_is_cut_off_at_the_deadline(run) -> None:
    async def scenario() -> tuple[float, int, Exception]:
        async with peer(drip) as (url, seen), client(url, timeout=1.0, deadline=2.0) as panel:
            started = time.monotonic()
            with pytest.raises(TransportError) as raised:
                await panel.balance()
            return time.monotonic() - started, len(seen), raised.value

    elapsed, requests, error = run(scenario())
    assert elapsed < 3.5  # not 999 bytes x 0.3 s: the deadline holds, retries included
    assert requests >= 1
    assert "within 2 s" in str(error)


def test_an_add_that_hits_the_deadline_is_unknown_and_never_resent(run) -> None:
    async def scenario() -> tuple[int, AddOutcomeUnknown]:
        async with peer(drip) as (url, seen), client(url, timeout=1.0, deadline=1.5) as panel:
            with pytest.raises(AddOutcomeUnknown) as raised:
                await panel.add("1", {"link": "https://x.com/a", "quantity": "100"})
            return len(seen), raised.value

    requests, error = run(scenario())
    assert requests == 1
    assert "did not finish its answer" in str(error) and "NOT sent again" in str(error)


def test_an_answer_past_the_size_cap_is_not_read_to_the_end(run) -> None:
    async def scenario() -> tuple[type[Exception], type[Exception], int]:
        async with peer(huge) as (url, seen), client(url, max_answer=1_000_000) as panel:
            with pytest.raises(InvalidResponse) as read:
                await panel.services()
            with pytest.raises(AddOutcomeUnknown) as add:
                await panel.add("1", {"link": "https://x.com/a", "quantity": "100"})
            return type(read.value), type(add.value), len(seen)

    assert run(scenario()) == (InvalidResponse, AddOutcomeUnknown, 2)  # neither resent
