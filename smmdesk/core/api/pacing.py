"""Per-panel rate control: never send more than a panel's per-minute budget.

A panel counts the requests it receives per client over a sliding minute. ``Pacer`` keeps
a log of the send times of the last window (60 s plus a safety margin, for clock skew and
network jitter) and lets a request go only when fewer than ``per_minute`` were sent in it:
bursts inside the budget go at once, the request after the budget waits for the oldest
one to leave the window. After a 429, ``hold(seconds)`` pauses every caller of that pacer.

Panels count per origin (scheme, host *and* port), so ``PacerRegistry`` hands out one
shared Pacer per origin. ``pacer_for`` uses a module-level default registry; tests and
embedders can make their own ``PacerRegistry``.

Nothing here touches the network; the only side effect is ``asyncio.sleep``. No
asyncio primitive is kept between calls, so one Pacer serves several event loops.
"""

from __future__ import annotations

import asyncio
import time
from collections import deque
from collections.abc import Callable

from smmdesk import protocol
from smmdesk.core.api.urls import Origin, origin

DEFAULT_MARGIN = 1.0  # seconds added to the window


class Pacer:
    """Sliding-window log limiter: at most ``per_minute`` sends per ``window + margin`` s."""

    def __init__(
        self,
        per_minute: int = protocol.DEFAULT_RATE_LIMIT,
        *,
        window: float = protocol.RATE_WINDOW_SECONDS,
        margin: float = DEFAULT_MARGIN,
        clock: Callable[[], float] = time.monotonic,
    ):
        self.per_minute = per_minute
        self.span = float(window) + float(margin)
        self._clock = clock
        self._sent: deque[float] = deque()
        self._hold_until = float("-inf")

    def __repr__(self) -> str:
        return f"<Pacer {self.per_minute}/min, {len(self._sent)} in window>"

    @property
    def per_minute(self) -> int:
        """The budget: sends allowed per window (settable; at least 1)."""
        return self._per_minute

    @per_minute.setter
    def per_minute(self, value: int) -> None:
        if value < 1:
            raise ValueError("per_minute must be at least 1")
        self._per_minute = int(value)

    def delay(self, now: float | None = None) -> float:
        """Seconds to wait before the next request may go (0 when it may go now)."""
        now = self._clock() if now is None else now
        self._forget(now)
        wait = self._hold_until - now
        if len(self._sent) >= self._per_minute:
            oldest_allowed = self._sent[len(self._sent) - self._per_minute]
            wait = max(wait, oldest_allowed + self.span - now)
        return max(wait, 0.0)

    def try_acquire(self, now: float | None = None) -> bool:
        """Record a send and return True if one may go now; else change nothing."""
        now = self._clock() if now is None else now
        if self.delay(now) > 0:
            return False
        self._sent.append(now)
        return True

    async def acquire(self) -> None:
        """Wait until a request may go, then record it as sent."""
        while not self.try_acquire():
            await asyncio.sleep(max(self.delay(), 0.001))

    def hold(self, seconds: float) -> None:
        """Pause every caller for ``seconds`` (the panel answered 429 / Retry-After)."""
        self._hold_until = max(self._hold_until, self._clock() + max(float(seconds), 0.0))

    @property
    def sent_in_window(self) -> int:
        self._forget(self._clock())
        return len(self._sent)

    def _forget(self, now: float) -> None:
        horizon = now - self.span
        while self._sent and self._sent[0] <= horizon:
            self._sent.popleft()


class PacerRegistry:
    """One shared Pacer per origin (scheme, host, port)."""

    def __init__(self, *, default_per_minute: int = protocol.DEFAULT_RATE_LIMIT):
        self.default_per_minute = default_per_minute
        self._pacers: dict[Origin, Pacer] = {}

    def get(self, url: str, per_minute: int | None = None) -> Pacer:
        """The Pacer of ``url``'s origin; ``per_minute`` (when given) sets its budget."""
        key = origin(url)
        pacer = self._pacers.get(key)
        if pacer is None:
            budget = self.default_per_minute if per_minute is None else per_minute
            pacer = self._pacers[key] = Pacer(budget)
        elif per_minute is not None:
            pacer.per_minute = per_minute
        return pacer

    def __len__(self) -> int:
        return len(self._pacers)


default_registry = PacerRegistry()


def pacer_for(
    url: str, per_minute: int | None = None, *, registry: PacerRegistry | None = None
) -> Pacer:
    """The shared Pacer for ``url``'s origin, from ``registry`` or the default one."""
    return (registry if registry is not None else default_registry).get(url, per_minute)
