"""One vocabulary: the states smmdesk keeps, and the words it shows people for them.

The CLI's human output, the window (orders table and details, import rows, needs attention,
notifications) and the export all take their words from here, so a word is changed (or,
later, translated) in one place:

    OrderState      how far an order's submission got (stored in ``orders.state``)
    RowState        what became of an import row (``import_rows.state``, import results)
    AttentionKind   why an order or panel needs the reseller; Action: what to do about it
    status_word     a panel status (smmdesk.protocol) in words; finished_word: in a sentence
    order_status    an order's status as every view shows it ("Completed (lost)")
    order_cost      what it cost: the charge, or "~" the expected cost before the panel says
    row_result / row_preview   an import row's status line

The enum *values* are what the database stores and what ``--json`` prints; they never
change. The words are for people only.
"""

from __future__ import annotations

from collections.abc import Callable, Mapping
from decimal import Decimal
from enum import StrEnum
from functools import lru_cache
from typing import TYPE_CHECKING

from smmdesk.core.money import format_money
from smmdesk.protocol import (
    CANCELED,
    CANONICAL_STATUSES,
    COMPLETED,
    FAILED,
    IN_PROGRESS,
    PARTIAL,
    PENDING,
    UNKNOWN,
)

if TYPE_CHECKING:
    from smmdesk.core.importer.validate import PreviewRow
    from smmdesk.core.store.orders import Order


class OrderState(StrEnum):
    """How far an order's submission got (see smmdesk.core.store.orders)."""

    SENDING = "sending"
    PLACED = "placed"
    FAILED = "failed"
    UNKNOWN = "unknown"  # the add may or may not have reached the panel
    TRACKED = "tracked"

    @property
    def words(self) -> str:
        """A few words for a column ("outcome unknown")."""
        return _ORDER_STATE_WORDS[self][0]

    @property
    def explained(self) -> str:
        """A sentence part for the order's details ("outcome unknown: check the panel ...")."""
        return _ORDER_STATE_WORDS[self][1]


_ORDER_STATE_WORDS = {
    OrderState.SENDING: ("sending", "being sent"),
    OrderState.PLACED: ("placed", "placed by smmdesk"),
    OrderState.FAILED: ("not placed", "not placed"),
    OrderState.UNKNOWN: ("outcome unknown", "outcome unknown: check the panel's order list"),
    OrderState.TRACKED: ("tracked", "placed elsewhere, tracked by its id"),
}
# Orders that cost nothing (or are not known to have cost anything): no charge is shown.
NEVER_PLACED = frozenset({OrderState.FAILED, OrderState.UNKNOWN, OrderState.SENDING})


class RowState(StrEnum):
    """An import row's state (see smmdesk.core.importer.ledger), and its result."""

    READY = "ready"
    INVALID = "invalid"
    SENDING = "sending"
    PLACED = "placed"
    FAILED = "failed"
    UNKNOWN = "unknown"
    NOT_PLACED = "not_placed"
    SKIPPED = "skipped"  # a result only, never stored: a ready row this run did not send

    @property
    def words(self) -> str:
        """The state in a sentence: "Row 3 is {words}"."""
        return _ROW_STATE_WORDS[self]


_ROW_STATE_WORDS = {
    RowState.READY: "not sent yet",
    RowState.INVALID: "invalid (never sent)",
    RowState.SENDING: "sent, with its outcome unknown",
    RowState.PLACED: "placed",
    RowState.FAILED: "refused by the panel (nothing was placed)",
    RowState.UNKNOWN: "sent, with its outcome unknown",
    RowState.NOT_PLACED: "settled as not placed",
    RowState.SKIPPED: "not sent",
}

# How the import history sums rows up: (column title, the states it counts).
IMPORT_COUNTS: tuple[tuple[str, tuple[RowState, ...]], ...] = (
    ("Placed", (RowState.PLACED,)),
    ("Failed", (RowState.FAILED, RowState.INVALID)),
    ("Unknown", (RowState.SENDING, RowState.UNKNOWN)),
    ("Not sent", (RowState.READY, RowState.NOT_PLACED)),
)


def import_counts(counts: Mapping[str, int]) -> list[int]:
    """An import's rows per state (``ImportRecord.counts``) summed as IMPORT_COUNTS says."""
    return [sum(counts.get(state, 0) for state in states) for _, states in IMPORT_COUNTS]


def import_summary(counts: Mapping[str, int]) -> str:
    """A run's outcome (``Report.counts()``) in one sentence."""
    return (
        f"{counts[RowState.PLACED]} of {counts['rows']} rows placed ({counts['placed_now']} "
        f"now), {counts[RowState.FAILED]} failed or invalid, {counts[RowState.UNKNOWN]} "
        f"unknown, {counts[RowState.SKIPPED]} not sent."
    )


_ROW_RESULTS = {
    RowState.PLACED: "Placed as order {remote_id}",
    RowState.FAILED: "Failed: {error}",
    RowState.INVALID: "Not sent: {error}",
    RowState.UNKNOWN: "Outcome unknown, not sent again: {error}",
    RowState.SENDING: "Outcome unknown, not sent again: {error}",
    RowState.SKIPPED: "{error}",
    RowState.READY: "Ready: sent on the next run",
    RowState.NOT_PLACED: "Not placed (checked by you)",
}


def row_result(state: RowState, remote_id: str | None = None, error: str | None = None) -> str:
    """What became of an import row this run ("Failed: the panel's reason")."""
    text = _ROW_RESULTS[state].format(remote_id=remote_id or "", error=error or "")
    return text.rstrip(": ") or _ROW_RESULTS[RowState.SKIPPED].format(error="Not sent")


def row_preview(row: PreviewRow) -> str:
    """What will happen to an import row before it is sent (or why it is not sent)."""
    if row.state is RowState.PLACED:
        return f"Placed before as order {row.remote_id}"
    if row.unresolved:
        return "Sent before, outcome unknown: check the panel (it is not sent again)"
    if row.state is RowState.NOT_PLACED:
        return _ROW_RESULTS[RowState.NOT_PLACED]
    if row.error:
        return row.error
    notes = [*row.warnings, *([row.duplicate] if row.duplicate else [])]
    first = "Failed before: will be sent again" if row.state is RowState.FAILED else "Ready"
    return " ".join([first + ("." if notes else ""), *notes])


class AttentionKind(StrEnum):
    """Why something needs the reseller (smmdesk.core.attention)."""

    BALANCE = "balance"
    SLOW = "slow"
    REFILLABLE = "refillable"
    UNKNOWN = "unknown"

    @property
    def words(self) -> str:
        return _ATTENTION_WORDS[self]


_ATTENTION_WORDS = {
    AttentionKind.BALANCE: "balance running out",
    AttentionKind.SLOW: "slow",
    AttentionKind.REFILLABLE: "refill possible",
    AttentionKind.UNKNOWN: "outcome unknown",
}


class Action(StrEnum):
    """What the reseller should do about an Attention."""

    REFILL = "refill"
    CANCEL = "cancel"
    ORDER_ELSEWHERE = "order elsewhere"
    CHECK_PANEL = "check the panel"
    ADD_FUNDS = "add funds"

    @property
    def words(self) -> str:
        """The action as a button says it ("Check the panel")."""
        return self.value[:1].upper() + self.value[1:]


# --- panel statuses ------------------------------------------------------------------------
_STATUS_WORDS = {status: status for status in CANONICAL_STATUSES} | {UNKNOWN: "Unknown status"}
_FINISHED_WORDS = {
    COMPLETED: "completed",
    PARTIAL: "came back partial",
    CANCELED: "canceled",
    FAILED: "failed",
    PENDING: "is pending",
    IN_PROGRESS: "is in progress",
}


def status_word(status: str) -> str:
    """A canonical panel status (smmdesk.protocol) as a label: "In progress"."""
    return _STATUS_WORDS.get(status, status)


def finished_word(status: str) -> str:
    """A status in a sentence about an order: "Order #3 {came back partial}."."""
    return _FINISHED_WORDS.get(status, status.lower())


# --- an order's status and cost, as every view shows them ----------------------------------
LOST = "(lost)"  # the panel no longer knows the order's id
NOT_CHECKED = "Not checked yet"
ESTIMATED = "~"  # before a cost the panel has not charged yet: what smmdesk expects


@lru_cache(maxsize=256)
def status_text(state: str, status: str | None, raw_status: str | None, lost: bool) -> str:
    """The order's status in words: the panel's status, or how far sending it got."""
    if state == OrderState.SENDING:
        text = "Sending"
    elif state == OrderState.UNKNOWN:
        text = "Outcome unknown"
    elif state == OrderState.FAILED:
        text = "Not placed"
    elif status is None:
        text = NOT_CHECKED
    elif status == UNKNOWN:
        text = f"{raw_status or UNKNOWN} (unknown status)"
    else:
        text = status_word(status)
    return f"{text} {LOST}" if lost else text


def order_status(order: Order) -> str:
    """``status_text`` of ``order``: "Completed", "Outcome unknown", "Pending (lost)"."""
    return status_text(order.state, order.status, order.raw_status, order.lost)


Money = Callable[[Decimal | None, str | None], str]


def cost_text(
    state: str,
    charge: Decimal | None,
    expected: Decimal | None,
    currency: str | None,
    money: Money = format_money,
) -> str:
    """What an order cost: the panel's charge ("0.035 USD"); before the panel says, the
    expected cost marked ESTIMATED ("~0.035 USD"); nothing for an order never placed (or
    not known to be). ``money`` formats the amount (exact by default)."""
    if charge is not None:
        return money(charge, currency)
    if state in NEVER_PLACED or expected is None:
        return ""
    return ESTIMATED + money(expected, currency)


def order_cost(order: Order, money: Money = format_money) -> str:
    return cost_text(order.state, order.charge, order.expected_cost, order.currency, money)


def cost_tip(order: Order) -> str:
    """The exact amounts behind ``order_cost``, in a sentence."""
    if order.charge is not None:
        return "Charged " + format_money(order.charge, order.currency, grouping=True)
    expected = format_money(order.expected_cost, order.currency, grouping=True, missing="—")
    if order.state in NEVER_PLACED:
        return f"Not charged: the order was not placed (it would have cost {expected})."
    return f"The panel has not said the charge yet; expected {expected}."
