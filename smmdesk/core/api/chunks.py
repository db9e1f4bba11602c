"""Running a call over chunks of ids: at most MULTI_STATUS_MAX ids a chunk, a bounded number
of chunks in flight (reads), one after another (writes), answers merged in the order asked
or yielded as they arrive. The first error cancels what is still running and is raised."""

from __future__ import annotations

import asyncio
from collections.abc import AsyncGenerator, Awaitable, Callable
from typing import Any, TypeVar

from smmdesk import protocol

T = TypeVar("T")


def chunks(ids: list[str]) -> list[list[str]]:
    size = protocol.MULTI_STATUS_MAX
    return [ids[i : i + size] for i in range(0, len(ids), size)]


def _bounded(
    chunks: list[list[str]], fetch: Callable[[list[str]], Awaitable[T]], concurrency: int
) -> list[asyncio.Future[T]]:
    """Start ``fetch`` for every chunk, at most ``concurrency`` running at once."""
    limit = asyncio.Semaphore(max(int(concurrency), 1))

    async def one(chunk: list[str]) -> T:
        async with limit:
            return await fetch(chunk)

    return [asyncio.ensure_future(one(chunk)) for chunk in chunks]


async def _cancel(tasks: list[asyncio.Future[T]]) -> None:
    """Cancel what is still running and wait until it has stopped."""
    for task in tasks:
        task.cancel()
    await asyncio.gather(*tasks, return_exceptions=True)


async def as_answered(
    chunks: list[list[str]],
    fetch: Callable[[list[str]], Awaitable[dict[str, Any]]],
    concurrency: int,
) -> AsyncGenerator[dict[str, Any], None]:
    """Run ``fetch`` over ``chunks``, at most ``concurrency`` at once; yield each answer as
    it comes. On an error (or when the consumer stops early) the rest are cancelled."""
    tasks = _bounded(chunks, fetch, concurrency)
    try:
        for answered in asyncio.as_completed(tasks):
            yield await answered
    finally:
        await _cancel(tasks)


async def merged(
    chunks: list[list[str]],
    fetch: Callable[[list[str]], Awaitable[dict[str, Any]]],
    concurrency: int,
) -> dict[str, Any]:
    """Run ``fetch`` over ``chunks``, at most ``concurrency`` at once; merge the dicts in
    the order of ``chunks``. The first error cancels the rest and is raised as is."""
    tasks = _bounded(chunks, fetch, concurrency)
    try:
        parts = await asyncio.gather(*tasks)
    finally:
        await _cancel(tasks)
    merged: dict[str, Any] = {}
    for part in parts:
        merged.update(part)
    return merged


async def in_turn(
    chunks: list[list[str]], fetch: Callable[[list[str]], Awaitable[list[T]]]
) -> list[T]:
    """Run ``fetch`` over ``chunks`` one after another (writes); join the lists."""
    results: list[T] = []
    for chunk in chunks:
        results += await fetch(chunk)
    return results
