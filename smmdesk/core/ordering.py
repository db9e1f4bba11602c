"""After an order is placed: tracking orders placed elsewhere, canceling and refilling.

Placing itself is smmdesk.core.sending (the one path to a panel's ``add``).
"""

from __future__ import annotations

from collections.abc import Awaitable, Callable, Iterable
from dataclasses import dataclass
from typing import TYPE_CHECKING

from smmdesk.core import store
from smmdesk.core.api.models import ItemError
from smmdesk.core.errors import (
    RequestRefused,
    SmmdeskError,
)
from smmdesk.core.i18n import _
from smmdesk.protocol import MULTI_STATUS_MAX

if TYPE_CHECKING:
    from smmdesk.core.desk import Desk


@dataclass(frozen=True)
class Tracked:
    orders: list[store.Order]
    errors: dict[str, str]  # remote id -> why it was not tracked


@dataclass(frozen=True)
class Outcome:
    """The panel's answer for one order of a cancel or refill request."""

    remote_id: str
    ok: bool  # cancel requested / refill accepted
    message: str  # what to tell the user
    order_id: int | None = None  # local id, when smmdesk knows the order
    refill_id: str | None = None


async def track_orders(
    desk: Desk, panel_name: str, remote_ids: Iterable[str], *, reference: str | None = None
) -> Tracked:
    """Adopt orders placed elsewhere (the panel's site, another tool) by their ids."""
    panel = desk.panel(panel_name)
    ids = _clean_ids(remote_ids)
    answers = await desk.client(panel).multi_status(ids)
    tracked, errors = [], {}
    for remote_id in ids:
        answer = answers.get(remote_id)
        if answer is None or isinstance(answer, ItemError):
            if answer is None:
                # Translators: {panel} is a panel's name, {remote_id} the panel's order id.
                text = _("{panel} has no order {remote_id} (no answer).")
            else:
                # Translators: {reason} is the panel's own words ("Incorrect order ID").
                text = _("{panel} has no order {remote_id} ({reason}).")
            errors[remote_id] = text.format(
                panel=panel.name, remote_id=remote_id, reason=answer.message if answer else ""
            )
            continue
        tracked.append(
            store.track(desk.db, panel.id, remote_id, status=answer, reference=reference)
        )
    return Tracked(tracked, errors)


async def cancel_orders(desk: Desk, panel_name: str, remote_ids: Iterable[str]) -> list[Outcome]:
    """Ask the panel to cancel; a success means *requested*, the refresh tells the rest."""
    panel = desk.panel(panel_name)
    client = desk.client(panel)

    async def batch(ids: list[str]) -> list[Outcome]:
        results = await client.cancel(ids)
        store.record_cancel_requests(desk.db, panel.id, results)
        outcomes = []
        for result in results:
            local = store.find_order(desk.db, panel.id, result.order_id)
            message = _("cancel requested") if result.ok else (result.error or _("refused"))
            outcomes.append(
                Outcome(result.order_id, result.ok, message, local.id if local else None)
            )
        return outcomes

    return await _in_batches(_clean_ids(remote_ids), batch)


async def refill_orders(desk: Desk, panel_name: str, remote_ids: Iterable[str]) -> list[Outcome]:
    """Ask the panel to refill; accepted refills are followed by ``refills`` refreshes."""
    panel = desk.panel(panel_name)
    client = desk.client(panel)

    async def batch(ids: list[str]) -> list[Outcome]:
        outcomes = []
        for result in await client.refill_many(ids):
            local = store.find_order(desk.db, panel.id, result.order_id)
            if local is not None:
                store.add_refill(desk.db, local.id, result.refill_id, error=result.error)
            ok = result.refill_id is not None
            if ok:
                # Translators: {refill_id} is the panel's id of the refill.
                message = _("refill {refill_id} accepted").format(refill_id=result.refill_id)
            else:
                message = result.error or _("refused")
            outcomes.append(
                Outcome(result.order_id, ok, message, local.id if local else None, result.refill_id)
            )
        return outcomes

    return await _in_batches(_clean_ids(remote_ids), batch)


async def _in_batches(
    ids: list[str], batch: Callable[[list[str]], Awaitable[list[Outcome]]]
) -> list[Outcome]:
    """Send ``ids`` one panel batch (MULTI_STATUS_MAX) at a time, each batch recorded as soon
    as it is answered. When a later batch fails, what the earlier ones did is kept and
    returned, and the orders not answered get the error as their outcome; when the first
    fails, nothing happened and the error is raised."""
    outcomes: list[Outcome] = []
    for start in range(0, len(ids), MULTI_STATUS_MAX):
        chunk = ids[start : start + MULTI_STATUS_MAX]
        try:
            outcomes += await batch(chunk)
        except SmmdeskError as exc:
            if not outcomes:
                raise
            outcomes += [Outcome(remote_id, False, str(exc)) for remote_id in ids[start:]]
            break
    return outcomes


def _clean_ids(remote_ids: Iterable[str]) -> list[str]:
    ids = list(dict.fromkeys(str(i).strip() for i in remote_ids if str(i).strip()))
    if not ids:
        raise RequestRefused(_("Give at least one order id."))
    return ids
