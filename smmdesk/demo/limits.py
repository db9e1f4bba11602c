"""The panel's rate limit: a sliding window of requests per client IP.

`check()` records a request and returns None, or, when the client already made `limit`
requests in the last `window` seconds, records nothing and returns the whole seconds until
the oldest of them leaves the window (the Retry-After to send). `limit = 0` means no limit.
Used from the server's event loop only; `limit` may be changed from any thread.
"""

from __future__ import annotations

import math
import time
from collections import deque
from collections.abc import Callable

from smmdesk.protocol import RATE_WINDOW_SECONDS


class RateLimiter:
    def __init__(
        self,
        limit: int,
        window: float = RATE_WINDOW_SECONDS,
        timer: Callable[[], float] = time.monotonic,
    ) -> None:
        self.limit = limit
        self.window = window
        self._timer = timer
        self._seen: dict[str, deque[float]] = {}

    def check(self, client: str) -> int | None:
        """None if ``client`` may go on (the request is counted), else Retry-After seconds."""
        if self.limit <= 0:
            return None
        now = self._timer()
        times = self._seen.setdefault(client, deque())
        while times and times[0] <= now - self.window:
            times.popleft()
        if len(times) >= self.limit:
            return max(1, math.ceil(times[-self.limit] + self.window - now))
        times.append(now)
        return None
