"""How a panel action may be retried (the client's retry policy, design.md)."""

from __future__ import annotations

import enum


class Kind(enum.Enum):
    SAFE = "safe"  # reads: retry on anything transient
    ADD = "add"  # never resent unless it provably never arrived
    ADD_ONCE = "add_once"  # an add with a request_id the panel honours: resent like a read
    WRITE = "write"  # cancel / refill: same, and an unknown result is a TransportError
