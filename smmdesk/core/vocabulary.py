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
change. The words are for people only: marked ``N_`` here and given in the current language
by the properties and functions below. ``status_text(..., translated=False)`` keeps the
English words for the export (a CSV file is read by programs too).
"""

from __future__ import annotations

from collections.abc import Callable, Mapping
from decimal import Decimal
from enum import StrEnum
from functools import lru_cache
from typing import TYPE_CHECKING

from smmdesk.core.i18n import N_, SOURCE_LANGUAGE, _, current_language, ngettext, pgettext
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
        return _(_ORDER_STATE_WORDS[self][0])

    @property
    def explained(self) -> str:
        """A sentence part for the order's details ("outcome unknown: check the panel ...")."""
        return _(_ORDER_STATE_WORDS[self][1])


_ORDER_STATE_WORDS = {
    OrderState.SENDING: (N_("sending"), N_("being sent")),
    OrderState.PLACED: (N_("placed"), N_("placed by smmdesk")),
    OrderState.FAILED: (N_("not placed"), N_("not placed")),
    OrderState.UNKNOWN: (
        N_("outcome unknown"),
        N_("outcome unknown: check the panel's order list"),
    ),
    OrderState.TRACKED: (N_("tracked"), N_("placed elsewhere, tracked by its id")),
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
        return _(_ROW_STATE_WORDS[self])


# Translators: an import row's state inside "Row {number} is {state}: ...".
_ROW_STATE_WORDS = {
    RowState.READY: N_("not sent yet"),
    RowState.INVALID: N_("invalid (never sent)"),
    RowState.SENDING: N_("sent, with its outcome unknown"),
    RowState.PLACED: N_("placed"),
    RowState.FAILED: N_("refused by the panel (nothing was placed)"),
    RowState.UNKNOWN: N_("sent, with its outcome unknown"),
    RowState.NOT_PLACED: N_("settled as not placed"),
    RowState.SKIPPED: N_("not sent"),
}

# How the import history sums rows up: (column title, the states it counts). The titles are
# marked N_: translate them with _() where they are shown.
IMPORT_COUNTS: tuple[tuple[str, tuple[RowState, ...]], ...] = (
    (N_("Placed"), (RowState.PLACED,)),
    (N_("Failed"), (RowState.FAILED, RowState.INVALID)),
    (N_("Unknown"), (RowState.SENDING, RowState.UNKNOWN)),
    (N_("Not sent"), (RowState.READY, RowState.NOT_PLACED)),
)


def import_counts(counts: Mapping[str, int]) -> list[int]:
    """An import's rows per state (``ImportRecord.counts``) summed as IMPORT_COUNTS says."""
    return [sum(counts.get(state, 0) for state in states) for __, states in IMPORT_COUNTS]


def import_summary(counts: Mapping[str, int]) -> str:
    """A run's outcome (``Report.counts()``) in one sentence."""
    rows = counts["rows"]
    # Translators: the outcome of an import run; {count} is the number of rows of the file.
    text = ngettext(
        "{placed} of {count} row placed ({now} now), {failed} failed or invalid, {unknown} "
        "unknown, {skipped} not sent.",
        "{placed} of {count} rows placed ({now} now), {failed} failed or invalid, {unknown} "
        "unknown, {skipped} not sent.",
        rows,
    )
    return text.format(
        placed=counts[RowState.PLACED],
        count=rows,
        now=counts["placed_now"],
        failed=counts[RowState.FAILED],
        unknown=counts[RowState.UNKNOWN],
        skipped=counts[RowState.SKIPPED],
    )


# Translators: {remote_id} is the panel's order id; {error} the reason, a sentence.
_ROW_RESULTS = {
    RowState.PLACED: N_("Placed as order {remote_id}"),
    RowState.FAILED: N_("Failed: {error}"),
    RowState.INVALID: N_("Not sent: {error}"),
    RowState.UNKNOWN: N_("Outcome unknown, not sent again: {error}"),
    RowState.SENDING: N_("Outcome unknown, not sent again: {error}"),
    RowState.SKIPPED: "{error}",
    RowState.READY: N_("Ready: sent on the next run"),
    RowState.NOT_PLACED: N_("Not placed (checked by you)"),
}


def row_result(state: RowState, remote_id: str | None = None, error: str | None = None) -> str:
    """What became of an import row this run ("Failed: the panel's reason")."""
    template = _ROW_RESULTS[state]
    text = (_(template) if template != "{error}" else template).format(
        remote_id=remote_id or "", error=error or ""
    )
    return text.rstrip(": ") or _("Not sent")


def row_preview(row: PreviewRow) -> str:
    """What will happen to an import row before it is sent (or why it is not sent)."""
    if row.state is RowState.PLACED:
        # Translators: {remote_id} is the panel's order id.
        return _("Placed before as order {remote_id}").format(remote_id=row.remote_id)
    if row.unresolved:
        return _("Sent before, outcome unknown: check the panel (it is not sent again)")
    if row.state is RowState.NOT_PLACED:
        return _(_ROW_RESULTS[RowState.NOT_PLACED])
    if row.error:
        return row.error
    notes = [*row.warnings, *([row.duplicate] if row.duplicate else [])]
    failed = row.state is RowState.FAILED
    if notes:  # the notes are sentences: the first words become one too
        first = _("Failed before: will be sent again.") if failed else _("Ready.")
    else:
        first = _("Failed before: will be sent again") if failed else _("Ready")
    return " ".join([first, *notes])


class AttentionKind(StrEnum):
    """Why something needs the reseller (smmdesk.core.attention)."""

    BALANCE = "balance"
    SLOW = "slow"
    REFILLABLE = "refillable"
    UNKNOWN = "unknown"

    @property
    def words(self) -> str:
        return _(_ATTENTION_WORDS[self])


_ATTENTION_WORDS = {
    AttentionKind.BALANCE: N_("balance running out"),
    AttentionKind.SLOW: N_("slow"),
    AttentionKind.REFILLABLE: N_("refill possible"),
    AttentionKind.UNKNOWN: N_("outcome unknown"),
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
        """The action as a button says it ("Check the panel"), in the current language."""
        return _ACTION_WORDS[self]()


# Functions, as "Cancel" (an order) needs a context: the word is looked up when shown.
_ACTION_WORDS: dict[Action, Callable[[], str]] = {
    Action.REFILL: lambda: pgettext("order action", "Refill"),
    Action.CANCEL: lambda: pgettext("order action", "Cancel"),
    Action.ORDER_ELSEWHERE: lambda: pgettext("order action", "Order elsewhere"),
    Action.CHECK_PANEL: lambda: pgettext("order action", "Check the panel"),
    Action.ADD_FUNDS: lambda: pgettext("order action", "Add funds"),
}


# --- panel statuses ------------------------------------------------------------------------
# The canonical statuses as labels (the same English words as the panels' spellings).
_STATUS_WORDS = {
    PENDING: N_("Pending"),
    IN_PROGRESS: N_("In progress"),
    PARTIAL: N_("Partial"),
    COMPLETED: N_("Completed"),
    CANCELED: N_("Canceled"),
    FAILED: N_("Failed"),
    UNKNOWN: N_("Unknown status"),
}
assert set(_STATUS_WORDS) == {*CANONICAL_STATUSES, UNKNOWN}
# Translators: what became of an order, inside "Order #{id} {finished}." ("came back partial").
_FINISHED_WORDS = {
    COMPLETED: N_("completed"),
    PARTIAL: N_("came back partial"),
    CANCELED: N_("canceled"),
    FAILED: N_("failed"),
    PENDING: N_("is pending"),
    IN_PROGRESS: N_("is in progress"),
}


def status_word(status: str) -> str:
    """A canonical panel status (smmdesk.protocol) as a label: "In progress"."""
    word = _STATUS_WORDS.get(status)
    return _(word) if word else status


def finished_word(status: str) -> str:
    """A status in a sentence about an order: "Order #3 {came back partial}."."""
    word = _FINISHED_WORDS.get(status)
    return _(word) if word else status.lower()


# --- an order's status and cost, as every view shows them ----------------------------------
LOST = N_("(lost)")  # the panel no longer knows the order's id
NOT_CHECKED = N_("Not checked yet")
ESTIMATED = "~"  # before a cost the panel has not charged yet: what smmdesk expects


def status_text(
    state: str, status: str | None, raw_status: str | None, lost: bool, *, translated: bool = True
) -> str:
    """The order's status in words: the panel's status, or how far sending it got. In the
    current language; in English with ``translated=False`` (the export)."""
    language = current_language() if translated else SOURCE_LANGUAGE
    return _status_text(state, status, raw_status, lost, language)


@lru_cache(maxsize=512)
def _status_text(
    state: str, status: str | None, raw_status: str | None, lost: bool, language: str
) -> str:
    # ``language`` keys the cache: the words of one language are never served in another.
    tr = _ if language != SOURCE_LANGUAGE else _english
    if state == OrderState.SENDING:
        text = tr(N_("Sending"))
    elif state == OrderState.UNKNOWN:
        text = tr(N_("Outcome unknown"))
    elif state == OrderState.FAILED:
        text = tr(N_("Not placed"))
    elif status is None:
        text = tr(NOT_CHECKED)
    elif status == UNKNOWN:
        # Translators: {status} is the status as the panel wrote it ("Paused").
        text = tr(N_("{status} (unknown status)")).format(status=raw_status or UNKNOWN)
    else:
        word = _STATUS_WORDS.get(status)
        text = tr(word) if word else status
    if lost:
        # Translators: {status} is an order's status ("Pending"); the panel lost the order.
        return tr(N_("{status} (lost)")).format(status=text)
    return text


def status_sql(
    state: str,
    status: str,
    raw_status: str,
    not_found: str,
    *,
    lost_after: int,
    shown: Callable[[str], str] = str,
) -> str:
    """``status_text`` in English (``translated=False``) as an SQL expression over these
    columns (lost after ``lost_after`` misses), built from ``_status_text`` itself (one
    wording): the export writes a million orders' words without a Python call per order.
    ``shown`` wraps a column where its own text is written (the panel's words: a CSV cell
    guards them against formulas); the vocabulary's words need no guard."""
    english = SOURCE_LANGUAGE

    def said(*args: object) -> str:
        return _sql_text(_status_text(*args, english))

    unknown_prefix, unknown_suffix = _around(
        _status_text(OrderState.PLACED, UNKNOWN, _MARK, False, english)
    )
    base = _status_text(OrderState.PLACED, PENDING, None, False, english)
    lost_prefix, lost_suffix = _status_text(OrderState.PLACED, PENDING, None, True, english).split(
        base
    )
    renamed = [  # the statuses whose words are not the status itself (none in English)
        f"WHEN {_sql_text(s)} THEN {said(OrderState.PLACED, s, None, False)}"
        for s in _STATUS_WORDS
        if s != UNKNOWN and _status_text(OrderState.PLACED, s, None, False, english) != s
    ]
    other = f"CASE {status} {' '.join(renamed)} ELSE {shown(status)} END" if renamed else None
    settled = (
        f"CASE WHEN {status} IS NULL THEN {said(OrderState.PLACED, None, None, False)} "
        f"WHEN {status} = {_sql_text(UNKNOWN)} THEN {_sql_text(unknown_prefix)} || "
        f"coalesce(nullif({shown(raw_status)}, ''), {_sql_text(UNKNOWN)}) || "
        f"{_sql_text(unknown_suffix)} ELSE {other or shown(status)} END"
    )
    text = (
        f"CASE {state} "
        + " ".join(
            f"WHEN {_sql_text(s)} THEN {said(s, None, None, False)}"
            for s in (OrderState.SENDING, OrderState.UNKNOWN, OrderState.FAILED)
        )
        + f" ELSE {settled} END"
    )
    lost = f"coalesce({not_found}, 0) >= {int(lost_after)}"
    return (
        f"CASE WHEN {lost} THEN {_sql_text(lost_prefix)} || ({text}) || {_sql_text(lost_suffix)} "
        f"ELSE {text} END"
    )


_MARK = "\x00"  # stands for the raw status while its template is split


def _around(text: str) -> tuple[str, str]:
    before, _mark, after = text.partition(_MARK)
    return before, after


def _sql_text(text: str) -> str:
    return "'" + text.replace("'", "''") + "'"


def _english(message: str) -> str:
    return message


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
        # Translators: {amount} is an amount with its currency ("1,234.50 USD").
        return _("Charged {amount}").format(
            amount=format_money(order.charge, order.currency, grouping=True)
        )
    expected = format_money(order.expected_cost, order.currency, grouping=True, missing="—")
    if order.state in NEVER_PLACED:
        # Translators: {amount} is an amount with its currency ("1,234.50 USD").
        text = _("Not charged: the order was not placed (it would have cost {amount}).")
        return text.format(amount=expected)
    # Translators: {amount} is an amount with its currency ("1,234.50 USD").
    return _("The panel has not said the charge yet; expected {amount}.").format(amount=expected)
