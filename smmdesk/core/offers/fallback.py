"""Ordering elsewhere when a panel says no: which refusals are final, and where else to go.

Only a refusal that placed nothing for sure opens the way to another panel: not enough
funds, a service the panel does not know or has disabled, or a panel that could not be
reached before the request left. An order whose outcome is unknown (the connection broke
mid-request) never gets a fallback: it may be placed already.
"""

from __future__ import annotations

from smmdesk.core.errors import (
    AddOutcomeUnknown,
    BadRequest,
    InsufficientFunds,
    NotFound,
    SmmdeskError,
    TransportError,
)

_DISABLED_WORDS = ("disabled", "not active", "inactive", "unavailable", "not available",
                   "incorrect service", "service not found", "paused")  # fmt: skip


def refused_for_good(error: BaseException) -> bool:
    """True when ``error`` (from an add) means the panel placed nothing and will not."""
    if isinstance(error, AddOutcomeUnknown) or not isinstance(error, SmmdeskError):
        return False
    if isinstance(error, InsufficientFunds | NotFound | TransportError):
        return True
    if isinstance(error, BadRequest):
        said = (error.panel_message or "").casefold()
        return any(word in said for word in _DISABLED_WORDS)
    return False
