"""Whether an order can be canceled or refilled now, and if not, why: the one place the
window (buttons, context menu) and anything else asks before sending a cancel or a refill.

    can_cancel(order, service, dialect) -> Availability
    can_refill(order, service, dialect) -> Availability

``service`` is the order's service in the panel's saved catalog (None when it is not there
any more). A catalog flag that is False means the panel says no; None means the catalog
does not say, and the panel is asked (its answer tells). ``dialect`` is what the panel
speaks (smmdesk.core.api.dialect): a panel with no cancel or no refill action in its API is
never sent one. The panel itself is not asked here.
"""

from __future__ import annotations

from dataclasses import dataclass

from smmdesk.core.api.dialect import Batch, Dialect
from smmdesk.core.api.models import Service
from smmdesk.core.i18n import N_, _
from smmdesk.core.store import Order
from smmdesk.protocol import CANCELED, COMPLETED, FAILED, PARTIAL, is_final

REFILLABLE = frozenset({COMPLETED, PARTIAL})  # a refill tops up what was delivered

# Translators: why an order can't be canceled, a clause after "can't be canceled:".
_FINISHED = {
    COMPLETED: N_("it is completed already"),
    PARTIAL: N_("it is partial already"),
    CANCELED: N_("it is canceled already"),
    FAILED: N_("it is failed already"),
}


@dataclass(frozen=True)
class Availability:
    allowed: bool
    reason: str = ""  # why not, a clause in the current language (empty when allowed)

    def __bool__(self) -> bool:
        return self.allowed


def can_cancel(
    order: Order, service: Service | None, dialect: Dialect | None = None
) -> Availability:
    if not order.remote_id:
        # Translators: why an order can't be canceled or refilled (a clause).
        return Availability(False, _("it never reached the panel"))
    if dialect is not None and dialect.cancel is False:
        return Availability(False, _("this panel has no cancel in its API (ask its support)"))
    if order.status is not None and is_final(order.status):
        word = _FINISHED.get(order.status)
        if word:
            return Availability(False, _(word))
        # Translators: {status} is the order's status, lower-cased ("completed").
        text = _("it is {status} already").format(status=order.status.lower())
        return Availability(False, text)
    if service is not None and service.cancel is False:
        return Availability(False, _("its service offers no cancel"))
    return Availability(True)


def can_refill(
    order: Order, service: Service | None, dialect: Dialect | None = None
) -> Availability:
    if not order.remote_id:
        # Translators: why an order can't be canceled or refilled (a clause).
        return Availability(False, _("it never reached the panel"))
    if dialect is not None and dialect.refill is Batch.NONE:
        return Availability(False, _("this panel has no refill in its API (ask its support)"))
    if order.status not in REFILLABLE:
        return Availability(False, _("a refill is asked for once it is completed or partial"))
    if service is not None and service.refill is False:
        return Availability(False, _("its service offers no refill"))
    return Availability(True)
