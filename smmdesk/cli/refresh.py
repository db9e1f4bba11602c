"""CLI commands that ask panels what happened: ``refresh`` and ``refills``.

``refresh [--panel NAME] [--order ID ...]`` brings every open order (or the chosen ones,
final or not) up to date, with balances and pending refills; ``refills [NAME]`` refreshes
pending refills, then lists every refill. A panel that fails is named on stderr, the others
still finish, and the exit code is 1.
"""

from __future__ import annotations

from collections import Counter
from typing import Any

from smmdesk.cli.common import Context, add_command, fail, jsonable, local_id, table
from smmdesk.core import store
from smmdesk.core.formats import format_integer
from smmdesk.core.i18n import N_, _, ngettext
from smmdesk.core.money import format_money
from smmdesk.core.refresh import Changes, refresh, refresh_refills


def register(subparsers: Any) -> None:
    parser = add_command(
        subparsers,
        "refresh",
        refresh_command,
        help=_("ask the panels for the status of every open order (and balances, refills)"),
    )
    parser.add_argument("--panel", metavar="NAME", help=_("only this panel"))
    parser.add_argument(
        "--order",
        metavar="ID",
        type=local_id,
        action="append",
        help=_("only this order (smmdesk's #id, final or not); repeat for more"),
    )
    refills = add_command(
        subparsers,
        "refills",
        refills_command,
        help=_("refresh pending refills, then list refills"),
    )
    refills.add_argument("name", metavar="NAME", nargs="?", help=_("one panel (default: all)"))


async def refresh_command(ctx: Context) -> int:
    panels = [ctx.args.panel] if ctx.args.panel else None
    if panels is None and not ctx.desk.panels():
        fail(_("No panels yet. Add one with: smmdesk-cli panel add NAME URL"))
    changes = await refresh(ctx.desk, panels=panels, order_ids=ctx.args.order)
    _report_errors(ctx, changes)
    ctx.out(refresh_json(changes), lambda: refresh_text(changes))
    return 1 if changes.errors else 0


def refresh_json(changes: Changes) -> dict[str, Any]:
    """``{checked, changed, requests, errors}`` and the details behind them."""
    return jsonable(
        {
            "checked": changes.checked,
            "changed": len(changes.changed),
            "requests": changes.requests,
            "errors": dict(changes.errors),
            "changed_orders": sorted(changes.changed),
            "finished": {str(k): v for k, v in sorted(changes.finished.items())},
            "lost": sorted(changes.lost),
            "order_errors": {str(k): v for k, v in sorted(changes.order_errors.items())},
            "refills_changed": sorted(changes.refills_changed),
            "balances": [
                {"panel": name, "balance": b.amount, "currency": b.currency}
                for name, b in changes.balances.items()
            ],
            "seconds": round(changes.elapsed, 3),
        }
    )


def refresh_text(changes: Changes) -> str:
    panels = len(changes.panels)
    # Translators: plural forms for the number of panels; {orders} and {requests} are
    # numbers too (write "orders: {orders}" if your language needs their form to agree).
    checked = ngettext(
        "Checked {orders} orders on {count} panel in {seconds} s ({requests} requests).",
        "Checked {orders} orders on {count} panels in {seconds} s ({requests} requests).",
        panels,
    )
    lines = [
        checked.format(
            orders=format_integer(changes.checked),
            count=panels,
            seconds=f"{changes.elapsed:.1f}",
            requests=format_integer(changes.requests),
        )
    ]
    finished = Counter(changes.finished.values())
    # Translators: {status} is a panel status ("Completed"), {count} how many finished so.
    kind = _("{status} {count}")
    kinds = ", ".join(
        kind.format(status=status, count=format_integer(count))
        for status, count in sorted(finished.items())
    )
    numbers = {
        "changed": format_integer(len(changes.changed)),
        "finished": format_integer(len(changes.finished)),
        "lost": format_integer(len(changes.lost)),
    }
    if kinds:
        # Translators: {kinds} lists how many finished with each status ("Completed 3,
        # Partial 1").
        tally = _("Changed: {changed}; finished: {finished} ({kinds}); lost: {lost}.")
        lines.append(tally.format(kinds=kinds, **numbers))
    else:
        lines.append(_("Changed: {changed}; finished: {finished}; lost: {lost}.").format(**numbers))
    if changes.lost:
        lost = ", ".join(f"#{i}" for i in sorted(changes.lost))
        lines.append(
            # Translators: {orders} lists smmdesk's order numbers ("#12, #15").
            _("The panel no longer knows these orders (marked lost): {orders}.").format(orders=lost)
        )
    if changes.refills_changed:
        lines.append(
            _("Refills changed: {count}.").format(
                count=format_integer(len(changes.refills_changed))
            )
        )
    if changes.balances:
        parts = [f"{n} {format_money(b.amount, b.currency)}" for n, b in changes.balances.items()]
        # Translators: {balances} lists each panel with its balance ("demo 12.50 USD").
        lines.append(_("Balance: {balances}.").format(balances=", ".join(parts)))
    return "\n".join(lines)


async def refills_command(ctx: Context) -> int:
    panel = ctx.desk.panel(ctx.args.name) if ctx.args.name else None
    changes = await refresh_refills(ctx.desk, None if panel is None else [panel.name])
    _report_errors(ctx, changes)
    refills = ctx.desk.read.list_refills(None if panel is None else panel.id)
    orders = {o.id: o for o in ctx.desk.read.orders_by_ids([r.order_id for r in refills])}
    pairs = [(r, orders[r.order_id]) for r in refills]
    ctx.out([refill_json(r, o) for r, o in pairs], lambda: _refills_table(pairs))
    return 1 if changes.errors else 0


def refill_json(refill: store.Refill, order: store.Order) -> dict[str, Any]:
    return jsonable(
        {
            "id": refill.id,
            "panel": order.panel_name,
            "order_id": order.id,
            "remote_id": order.remote_id,
            "refill_id": refill.refill_id,
            "status": refill.status,
            "raw_status": refill.raw_status,
            "final": refill.final,
            "error": refill.error,
            "created_at": refill.created_at,
            "updated_at": refill.updated_at,
        }
    )


def _refills_table(pairs: list[tuple[store.Refill, store.Order]]) -> str:
    if not pairs:
        return _("No refills.")
    headers = (
        N_("ORDER"),
        N_("PANEL"),
        N_("REMOTE"),
        N_("REFILL"),
        N_("STATUS"),
        N_("REQUESTED"),
        N_("NOTE"),
    )
    rows = [
        (
            f"#{order.id}",
            order.panel_name,
            order.remote_id,
            refill.refill_id or _("(refused)"),
            refill.raw_status or refill.status or ("" if refill.final else _("waiting")),
            refill.created_at,
            refill.error,
        )
        for refill, order in pairs
    ]
    return table(headers, rows)


def _report_errors(ctx: Context, changes: Changes) -> None:
    for name, message in changes.errors.items():
        ctx.note(f"{name}: {message}")
