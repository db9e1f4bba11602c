"""Background work on the one event loop (qasync): the window never waits on the network.

``Jobs.run(coro, what)`` schedules a coroutine as a task (``Jobs.watch(task, what)`` takes one
started elsewhere, such as a scheduled refresh) and reports:
    busy_changed(bool, str)     something runs (and what) / nothing runs any more
    failed(object, str)         a job raised (the exception, what it was doing)
    went_wrong(str)             any job raised, whoever handles it (what it was doing)
Success is handed to the optional ``on_done`` callback; errors go to ``on_error`` when
given, else to the ``failed`` signal, which the main window routes to ``show_error`` (the one
place errors are shown). The busy state is a counter, so it is never left stuck when a job
raises.
"""

from __future__ import annotations

import asyncio
import logging
from collections.abc import Callable, Coroutine
from typing import Any

from PySide6.QtCore import QObject, Signal

log = logging.getLogger(__name__)


class Jobs(QObject):
    busy_changed = Signal(bool, str)
    failed = Signal(object, str)
    went_wrong = Signal(str)

    def __init__(self, parent: QObject | None = None):
        super().__init__(parent)
        self._running: dict[asyncio.Task[Any], str] = {}  # task -> what it does

    @property
    def busy(self) -> bool:
        return bool(self._running)

    def run(
        self,
        coro: Coroutine[Any, Any, Any],
        what: str,
        *,
        on_done: Callable[[Any], None] | None = None,
        on_error: Callable[[BaseException], None] | None = None,
    ) -> asyncio.Task[Any]:
        """Start ``coro``; ``what`` says what it does ("Refreshing statuses")."""
        return self.watch(asyncio.ensure_future(coro), what, on_done=on_done, on_error=on_error)

    def watch(
        self,
        task: asyncio.Task[Any],
        what: str,
        *,
        on_done: Callable[[Any], None] | None = None,
        on_error: Callable[[BaseException], None] | None = None,
    ) -> asyncio.Task[Any]:
        """Show a task started elsewhere (a scheduled refresh) as a job, like ``run``."""
        self._running[task] = what
        self.busy_changed.emit(True, what)
        task.add_done_callback(lambda t: self._finished(t, on_done, on_error))
        return task

    def retitle(self, task: asyncio.Task[Any], what: str) -> None:
        """Say anew what a running job does ("…: waiting for MainPanel (40 s)")."""
        if task in self._running and self._running[task] != what:
            self._running[task] = what
            self.busy_changed.emit(True, what)

    def cancel_all(self) -> None:
        for task in list(self._running):
            task.cancel()

    async def aclose(self, grace: float = 3.0, timeout: float = 5.0) -> None:
        """Let running jobs end by themselves for ``grace`` seconds (an order being sent
        gets its answer), then cancel the rest and wait up to ``timeout`` seconds."""
        if self._running:
            await asyncio.wait(list(self._running), timeout=grace)
        tasks = list(self._running)
        self.cancel_all()
        if tasks:
            await asyncio.wait(tasks, timeout=timeout)

    def _finished(
        self,
        task: asyncio.Task[Any],
        on_done: Callable[[Any], None] | None,
        on_error: Callable[[BaseException], None] | None,
    ) -> None:
        what = self._running.pop(task, "")
        try:
            if task.cancelled():
                return
            error = task.exception()
            if error is not None:
                self.went_wrong.emit(what)
            if error is None:
                if on_done is not None:
                    on_done(task.result())
            elif on_error is not None:
                on_error(error)
            else:
                self.failed.emit(error, what)
        except Exception as exc:  # a callback's bug must not leave the busy state stuck
            log.exception("callback after %r failed", what)
            self.failed.emit(exc, what)
        finally:
            remaining = next(iter(self._running.values()), "")
            self.busy_changed.emit(self.busy, remaining)
