"""Periodic refreshes, and "refresh now" requests that never overlap a run in progress.

    scheduler = Scheduler(desk, settings.refresh_interval, on_changes=show, on_run=watch)
    scheduler.start()                       # a task on the running loop (the GUI's qasync one)
    scheduler.start(first_now=False)        # the first periodic run after one interval
    await scheduler.refresh_now()           # all panels now (joins a full run in progress)
    await scheduler.refresh_now(panels=["main"]) / (order_ids=[12, 40])
    await scheduler.aclose()                # or stop() from synchronous code

One run at a time: a request equal to the run in progress joins it (gets its Changes); any
other request waits for it, and equal requests already waiting are merged into one. Every
finished run is handed to ``on_changes`` (whoever asked for it), so a view listening there
sees periodic and manual runs alike. The periodic loop waits ``interval_s`` after the end of
each full run (a manual full refresh postpones the next periodic one); setting
``interval_s`` applies at once. A run that raises (a bug, or an unknown
panel) goes to ``on_error`` (logged when there is none) and the schedule goes on.
``on_run(task)`` is told of every run as it is queued (periodic or asked for): the window
shows it as a job (progress, what it waits for) without owning the schedule.

This is the one schedule of refreshes: the window's Refresher drives it, never a timer of
its own. Plain asyncio: no Qt here.
"""

from __future__ import annotations

import asyncio
import contextlib
import logging
import time
from collections.abc import Callable, Iterable
from typing import TYPE_CHECKING, cast

from smmdesk.core.refresh import Changes, refresh

if TYPE_CHECKING:
    from smmdesk.core.desk import Desk
    from smmdesk.core.settings import Settings

log = logging.getLogger(__name__)

# What a request asks for: (panel names or None for all, local order ids or None for all open).
_Key = tuple[tuple[str, ...] | None, tuple[int, ...] | None]
_ALL: _Key = (None, None)


class Scheduler:
    """Runs ``refresh`` every ``interval_s`` seconds and on demand, one run at a time."""

    def __init__(
        self,
        desk: Desk,
        interval_s: float,
        on_changes: Callable[[Changes], None],
        *,
        on_error: Callable[[BaseException], None] | None = None,
        on_run: Callable[[asyncio.Task[Changes]], None] | None = None,
    ):
        self.desk = desk
        self.on_changes = on_changes
        self.on_error = on_error
        self.on_run = on_run
        self._interval = _checked(interval_s)
        self._loop_task: asyncio.Task[None] | None = None
        self._wake = asyncio.Event()
        self._tail: asyncio.Task[Changes] | None = None  # the last run asked for
        self._running: tuple[_Key, asyncio.Task[Changes]] | None = None
        self._waiting: dict[_Key, asyncio.Task[Changes]] = {}
        self._tasks: set[asyncio.Task[Changes]] = set()
        self.runs = 0  # finished runs (any kind)
        self.waiting_for: tuple[str, ...] = ()  # panels the running refresh still asks
        # time.monotonic() when the last full run ended (or the schedule started without one)
        self.last_run_at: float | None = None

    @classmethod
    def from_settings(
        cls,
        desk: Desk,
        settings: Settings,
        on_changes: Callable[[Changes], None],
        *,
        on_error: Callable[[BaseException], None] | None = None,
    ) -> Scheduler:
        return cls(desk, settings.refresh_interval, on_changes, on_error=on_error)

    # --- the periodic loop -------------------------------------------------------------

    @property
    def interval_s(self) -> float:
        return self._interval

    @interval_s.setter
    def interval_s(self, seconds: float) -> None:
        self._interval = _checked(seconds)
        self._wake.set()  # the loop recomputes its wait

    @property
    def started(self) -> bool:
        return self._loop_task is not None and not self._loop_task.done()

    @property
    def busy(self) -> bool:
        """A run is in progress or waiting."""
        return self._running is not None or bool(self._waiting)

    def start(self, *, first_now: bool = True) -> None:
        """Start the periodic refreshes on the running loop: the first one at once, or
        (``first_now=False``) one interval from now."""
        if not self.started:
            if not first_now and self.last_run_at is None:
                self.last_run_at = time.monotonic()
            self._loop_task = asyncio.get_running_loop().create_task(
                self._periodic(first_now=first_now)
            )

    def stop(self) -> None:
        """Stop the periodic refreshes and cancel any run in progress or waiting."""
        if self._loop_task is not None:
            self._loop_task.cancel()
        for task in list(self._tasks):
            task.cancel()

    async def aclose(self) -> None:
        """``stop()``, then wait until every task of this scheduler has ended."""
        self.stop()
        pending = [t for t in (self._loop_task, *self._tasks) if t is not None]
        await asyncio.gather(*pending, return_exceptions=True)
        self._loop_task = None

    async def _periodic(self, *, first_now: bool) -> None:
        if not first_now:
            await self._sleep_until_due()
        while True:
            with contextlib.suppress(Exception):  # reported by _run already
                await self._submit(_ALL, None, None)
            await self._sleep_until_due()

    async def _sleep_until_due(self) -> None:
        while True:
            self._wake.clear()
            last = self.last_run_at if self.last_run_at is not None else time.monotonic()
            remaining = last + self._interval - time.monotonic()
            if remaining <= 0:
                return
            with contextlib.suppress(TimeoutError):
                await asyncio.wait_for(self._wake.wait(), remaining)

    # --- requests ----------------------------------------------------------------------

    async def refresh_now(
        self,
        panels: Iterable[str] | None = None,
        order_ids: Iterable[int] | None = None,
    ) -> Changes:
        """Refresh now (all panels, some, or chosen orders); return the run's Changes.

        Joins an equal run in progress or waiting, else runs after the current one."""
        return await self.request(panels, order_ids)

    def request(
        self,
        panels: Iterable[str] | None = None,
        order_ids: Iterable[int] | None = None,
    ) -> asyncio.Future[Changes]:
        """``refresh_now`` from synchronous code: the run is queued (and ``on_run`` told)
        before this returns; the future gives its Changes."""
        names = None if panels is None else tuple(sorted({_name(p) for p in panels}))
        ids = None if order_ids is None else tuple(sorted({int(i) for i in order_ids}))
        return self._submit((names, ids), names, ids)

    def _submit(
        self, key: _Key, names: tuple[str, ...] | None, ids: tuple[int, ...] | None
    ) -> asyncio.Future[Changes]:
        if self._running is not None and self._running[0] == key:
            return asyncio.shield(self._running[1])
        waiting = self._waiting.get(key)
        if waiting is None:
            waiting = asyncio.ensure_future(self._run(key, names, ids, after=self._tail))
            self._waiting[key] = self._tail = waiting
            self._tasks.add(waiting)
            waiting.add_done_callback(self._forget)
            if self.on_run is not None:
                try:
                    self.on_run(waiting)
                except Exception:
                    log.exception("Watching a refresh failed")
        return asyncio.shield(waiting)

    async def _run(
        self,
        key: _Key,
        names: tuple[str, ...] | None,
        ids: tuple[int, ...] | None,
        *,
        after: asyncio.Task[Changes] | None,
    ) -> Changes:
        if after is not None and not after.done():
            await asyncio.wait([after])  # its outcome is its own callers' business
        me = cast("asyncio.Task[Changes]", asyncio.current_task())
        self._waiting.pop(key, None)
        self._running = (key, me)
        try:
            changes = await refresh(
                self.desk, panels=names, order_ids=ids, on_waiting=self._set_waiting
            )
        except Exception as error:
            self._report(error)
            raise
        finally:
            self._running = None
            self.waiting_for = ()
            self.runs += 1
            if key == _ALL:
                self.last_run_at = time.monotonic()
        try:
            self.on_changes(changes)
        except Exception:
            log.exception("Handling the changes of a refresh failed")
        return changes

    def _set_waiting(self, names: tuple[str, ...]) -> None:
        self.waiting_for = names

    def _forget(self, task: asyncio.Task[Changes]) -> None:
        self._tasks.discard(task)
        for key in [k for k, t in self._waiting.items() if t is task]:
            del self._waiting[key]  # cancelled before it started: a new request runs anew
        if not task.cancelled():
            task.exception()  # retrieved: it was reported, and raised to whoever waited

    def _report(self, error: Exception) -> None:
        if self.on_error is None:
            log.error("A refresh failed: %s", error, exc_info=error)
            return
        try:
            self.on_error(error)
        except Exception:
            log.exception("Reporting a failed refresh failed")


def _checked(seconds: float) -> float:
    value = float(seconds)
    if not value > 0:
        raise ValueError("the refresh interval must be more than 0 seconds")
    return value


def _name(panel: object) -> str:
    return str(getattr(panel, "name", panel))
