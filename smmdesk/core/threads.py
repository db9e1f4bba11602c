"""Work that would stall the event loop, run on a thread of its own at a lower priority.

Not the loop's default executor: the GUI's qasync loop never shuts that one down.
"""

from __future__ import annotations

import asyncio
import contextlib
import os
import threading
from collections.abc import Callable
from concurrent.futures import ThreadPoolExecutor
from typing import Any, TypeVar

T = TypeVar("T")
BACKGROUND_NICE = 10


async def in_thread(work: Callable[..., T], *args: Any, **kwargs: Any) -> T:
    """Run ``work`` on a thread of its own (not the loop's executor: qasync never shuts
    that down), at a lower priority than the window, and await its result."""
    with ThreadPoolExecutor(max_workers=1, thread_name_prefix="smmdesk-backup") as pool:
        return await asyncio.get_running_loop().run_in_executor(
            pool, lambda: _politely(work, *args, **kwargs)
        )


def _politely(work: Callable[..., T], *args: Any, **kwargs: Any) -> T:
    """Lower this thread's priority (Linux: per thread, inherited by the threads it starts,
    such as the compressor's) so the window is never starved of CPU; then work."""
    with contextlib.suppress(AttributeError, OSError):  # no per-thread priority: run as is
        os.setpriority(os.PRIO_PROCESS, threading.get_native_id(), BACKGROUND_NICE)
    return work(*args, **kwargs)
