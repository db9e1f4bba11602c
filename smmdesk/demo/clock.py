"""The panel clock: minutes of panel time that run faster than real time, and can jump.

`speed` is panel minutes per real second (60 = one panel hour per second; 0 = the clock only
moves with `advance()`). Not thread-safe on its own: PanelState guards it with its lock.
"""

from __future__ import annotations

import time
from collections.abc import Callable


class PanelClock:
    def __init__(self, speed: float = 60.0, timer: Callable[[], float] = time.monotonic) -> None:
        if speed < 0:
            raise ValueError("The clock speed can't be negative")
        self._timer = timer
        self._speed = speed
        self._real_base = timer()
        self._panel_base = 0.0

    def now(self) -> float:
        """Panel minutes since the panel started."""
        return self._panel_base + (self._timer() - self._real_base) * self._speed

    def advance(self, minutes: float) -> None:
        """Jump forward by ``minutes`` of panel time."""
        if minutes < 0:
            raise ValueError("The panel clock only moves forward")
        self._panel_base += minutes

    @property
    def speed(self) -> float:
        return self._speed

    @speed.setter
    def speed(self, value: float) -> None:
        if value < 0:
            raise ValueError("The clock speed can't be negative")
        self._panel_base, self._real_base = self.now(), self._timer()
        self._speed = value
