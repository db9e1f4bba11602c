"""Typed results of panel API v2 actions. Money is Decimal; ids are strings."""

from __future__ import annotations

from dataclasses import dataclass, field
from decimal import Decimal

from smmdesk.core.i18n import pgettext


@dataclass(frozen=True)
class Balance:
    amount: Decimal
    currency: str


@dataclass(frozen=True)
class Service:
    """One catalog entry. ``type`` is the panel's raw text; ``type_name`` the canonical
    name from smmdesk.protocol.ORDER_TYPES, or None for a type smmdesk does not know.
    ``dripfeed``/``refill``/``cancel``: what the catalog says, None when it does not say
    (then the user may try)."""

    id: str
    name: str
    type: str
    type_name: str | None
    category: str
    rate: Decimal  # per 1000 units (flat price for package types)
    min: int
    max: int
    dripfeed: bool | None = False
    refill: bool | None = False
    cancel: bool | None = False
    extra: dict[str, object] = field(default_factory=dict, compare=False, hash=False)


def offered(flag: bool | None) -> str:
    """A catalog flag in words (translated): "yes", "no", or "not said" (the catalog does
    not say), as the compare tables show whether a service offers refill or cancel."""
    if flag is None:
        # Translators: a service's catalog does not say whether it offers refill / cancel.
        return pgettext("offered", "not said")
    return pgettext("offered", "yes") if flag else pgettext("offered", "no")


@dataclass(frozen=True)
class OrderStatus:
    """A status answer. ``status`` is canonical (smmdesk.protocol), ``raw_status`` the
    panel's own spelling."""

    status: str
    raw_status: str
    charge: Decimal | None = None
    start_count: int | None = None
    remains: int | None = None
    currency: str | None = None


@dataclass(frozen=True)
class ItemError:
    """A per-id error inside a batch answer (multiStatus, cancel, refill, refill_status)."""

    message: str


@dataclass(frozen=True)
class CancelResult:
    order_id: str
    ok: bool  # True = cancel *requested*; the status refresh tells whether it happened
    error: str | None = None


@dataclass(frozen=True)
class RefillResult:
    order_id: str
    refill_id: str | None  # None when the panel refused
    error: str | None = None


@dataclass(frozen=True)
class RefillStatus:
    refill_id: str
    status: str  # canonical
    raw_status: str
