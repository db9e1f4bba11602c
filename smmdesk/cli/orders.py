"""CLI commands for orders: ``order add|track|resolve``, ``orders``, ``cancel``, ``refill``,
``export``.

``order add`` goes through the core's exactly-once path (validate -> record "sending" ->
add -> placed/failed/unknown) and never resends: an order whose outcome is unknown is
settled by the user with ``order resolve``. ``FIELD=VALUE`` pairs use the API's field
names; ``FIELD=@file`` reads the value from a UTF-8 file (``@@text`` is the literal
``@text``).
"""

from __future__ import annotations

import argparse
import sys
from pathlib import Path
from typing import Any

from smmdesk.cli.business import fallbacks, show_attention
from smmdesk.cli.common import (
    Context,
    add_command,
    add_group,
    confirm,
    fail,
    jsonable,
    local_id,
    order_json,
    orders_table,
    table,
)
from smmdesk.core import ordering, store
from smmdesk.core.money import format_money
from smmdesk.core.store.sales import parse_sale_price

DEFAULT_LIMIT = 100


def register(subparsers: Any) -> None:
    order = add_group(subparsers, "order", help="place, track or resolve orders")
    _register_add(order)
    track = add_command(
        order, "track", order_track, help="track orders placed elsewhere by their panel ids"
    )
    track.add_argument("name", metavar="NAME", help="the panel")
    track.add_argument("remote_ids", metavar="REMOTE_ID", nargs="+")
    track.add_argument("--reference", metavar="TEXT", help="your note: customer, shop order")
    resolve = add_command(
        order,
        "resolve",
        order_resolve,
        help="settle an order whose outcome is unknown, after checking the panel",
    )
    resolve.add_argument("order_id", metavar="ID", type=local_id, help="smmdesk's order number")
    outcome = resolve.add_mutually_exclusive_group(required=True)
    outcome.add_argument(
        "remote_id", metavar="REMOTE_ID", nargs="?", help="the panel has it under this id"
    )
    outcome.add_argument(
        "--not-placed", action="store_true", help="the panel does not have the order"
    )
    _register_history(subparsers)
    for name, handler, verb in (("cancel", cancel, "cancel"), ("refill", refill, "refill")):
        parser = add_command(subparsers, name, handler, help=f"ask the panel to {verb} orders")
        parser.add_argument("name", metavar="NAME", help="the panel")
        parser.add_argument("remote_ids", metavar="REMOTE_ID", nargs="+")


def _register_add(order: Any) -> None:
    add = add_command(order, "add", order_add, help="place one order")
    add.add_argument("name", metavar="NAME", help="the panel")
    add.add_argument("service", metavar="SERVICE", help="the service id (see: services NAME)")
    add.add_argument(
        "fields",
        metavar="FIELD=VALUE",
        nargs="*",
        type=field_pair,
        help="order fields by API name (link=..., quantity=...); FIELD=@file reads a file",
    )
    add.add_argument("--reference", metavar="TEXT", help="your note: customer, shop order")
    add.add_argument("--sale-price", metavar="AMOUNT", help="what your customer pays, e.g. 5.00")
    add.add_argument("--customer", metavar="NAME", help="your customer (kept as the reference)")
    add.add_argument(
        "--fallback",
        action="store_true",
        help="if the panel refuses for good, list the same service on other panels",
    )
    add.add_argument("--yes", action="store_true", help="send without asking to confirm")
    price = add_command(
        order, "set-price", order_set_price, help="set what the customer pays for an order"
    )
    price.add_argument("order_id", metavar="ID", type=local_id, help="smmdesk's order number")
    price.add_argument("sale_price", metavar="AMOUNT", help='the sale price, or "none"')
    price.add_argument("--customer", metavar="NAME", help="also set the customer")


def _register_history(subparsers: Any) -> None:
    orders = add_command(subparsers, "orders", list_orders, help="list and search orders")
    _add_filters(orders)
    orders.add_argument("--search", metavar="TEXT", help="id, remote id, link or reference")
    orders.add_argument(
        "--attention",
        action="store_true",
        help="only what needs you: slow, refillable, unknown orders and low balances",
    )
    orders.add_argument(
        "--limit",
        metavar="N",
        type=non_negative,
        default=DEFAULT_LIMIT,
        help=f"show at most N orders, newest first (default {DEFAULT_LIMIT}; 0 = all)",
    )
    exporting = add_command(subparsers, "export", export, help="export orders to a CSV file")
    exporting.add_argument("file", metavar="FILE", type=Path)
    _add_filters(exporting)


def _add_filters(parser: argparse.ArgumentParser) -> None:
    parser.add_argument("--panel", metavar="NAME", help="only this panel's orders")
    parser.add_argument(
        "--status",
        metavar="S",
        action="append",
        help="only orders with this status (pending, in progress, completed ...); repeatable",
    )
    parser.add_argument(
        "--state",
        metavar="S",
        action="append",
        choices=[s.value for s in store.OrderState],
        help="only orders in this submission state (e.g. unknown); repeatable",
    )


# --- argument types ------------------------------------------------------------------------


def field_pair(text: str) -> tuple[str, str]:
    name, sep, value = text.partition("=")
    if not sep or not name.strip():
        raise argparse.ArgumentTypeError(f"'{text}' is not FIELD=VALUE (e.g. quantity=1000)")
    return name.strip(), value


def non_negative(text: str) -> int:
    try:
        value = int(text)
    except ValueError:
        value = -1
    if value < 0:
        raise argparse.ArgumentTypeError(f"'{text}' is not a whole number (0 or more)")
    return value


def read_fields(pairs: list[tuple[str, str]]) -> dict[str, str]:
    """FIELD=VALUE pairs as a dict, files read; fail listing every problem."""
    values: dict[str, str] = {}
    problems: list[str] = []
    for name, value in pairs:
        if name in values:
            problems.append(f"{name}: given twice; give each field once.")
            continue
        try:
            values[name] = _field_value(value)
        except ValueError as exc:
            problems.append(f"{name}: {exc}")
    if problems:
        fail("; ".join(problems))
    return values


def _field_value(value: str) -> str:
    if value.startswith("@@"):
        return value[1:]
    if not value.startswith("@"):
        return value
    path = Path(value[1:]).expanduser()
    try:
        return path.read_text(encoding="utf-8-sig")
    except FileNotFoundError:
        reason = "there is no such file"
    except UnicodeDecodeError:
        reason = "the file is not UTF-8 text; save it as UTF-8"
    except OSError as exc:
        reason = f"the file cannot be read ({exc.strerror or exc})"
    raise ValueError(
        f"cannot read {path} ({reason}). FIELD=@file reads a file; write @@text for a value "
        "that starts with @."
    )


# --- order add / track / resolve ------------------------------------------------------------


async def order_add(ctx: Context) -> None:
    values = read_fields(ctx.args.fields)
    sale_price = parse_sale_price(ctx.args.sale_price)
    prepared = await ctx.desk.prepare_order(ctx.args.name, ctx.args.service, values)
    for warning in prepared.warnings:
        ctx.warn(warning)
    panel, service, draft = prepared.panel, prepared.service, prepared.draft
    quantity = "" if draft.quantity is None else f", quantity {draft.quantity:,}"
    summary = (
        f"Send to {panel.name}: service {service.id} ({service.name}) for {draft.link or '-'}"
        f"{quantity}, expected cost {format_money(draft.expected_cost, panel.currency)}?"
    )
    if not confirm(summary, assume_yes=ctx.args.yes):
        fail("Nothing was sent.")
    sent = await ctx.desk.send_order(
        prepared,
        reference=ctx.args.reference,
        source="cli",
        sale_price=sale_price,
        customer=ctx.args.customer,
    )
    order = sent.order
    if sent.state is store.OrderState.UNKNOWN:
        _show_unsettled(ctx, order.id)
        fail(
            f"{sent.error} When you know, run: smmdesk-cli order resolve "
            f"{order.id} REMOTE_ID (or --not-placed)."
        )
    if sent.error is not None:
        others = (
            await fallbacks(ctx, panel.id, service.id, sent.error) if ctx.args.fallback else None
        )
        _show_unsettled(ctx, order.id, others)
        fail(f"Order #{order.id} was not placed: {sent.error}")
    ctx.out(
        order_json(order),
        f"Placed order #{order.id} on {panel.name}: panel id {order.remote_id}, expected cost "
        f"{format_money(order.expected_cost, order.currency)}.",
    )


def _show_unsettled(ctx: Context, order_id: int, others: list[Any] | None = None) -> None:
    """With --json, a failed or unknown order is still printed (its id, state and error;
    with --fallback, the other panels' offers as ``alternatives``)."""
    if ctx.json:
        shown = order_json(ctx.desk.read.get_order(order_id))
        if others is not None:
            shown["alternatives"] = others
        ctx.out(shown, "")


async def order_set_price(ctx: Context) -> None:
    text = ctx.args.sale_price.strip()
    clear = text.lower() in ("none", "-")
    price = None if clear else parse_sale_price(text)
    if price is None and not clear:
        fail('Give the sale price, like 5.00, or "none" to remove it.')
    order = ctx.desk.business.set_sale(
        ctx.args.order_id,
        sale_price=price,
        customer=ctx.args.customer,
        clear_price=clear,
    )
    profit = (
        ""
        if order.sale_price is None
        else f": sale price {format_money(order.sale_price, order.currency)}"
    )
    ctx.out(order_json(order), f"Order #{order.id}{profit}.")


async def order_track(ctx: Context) -> int:
    tracked = await ctx.desk.track_orders(
        ctx.args.name, ctx.args.remote_ids, reference=ctx.args.reference
    )
    for message in tracked.errors.values():
        ctx.note(message)
    ctx.out([order_json(o) for o in tracked.orders], lambda: orders_table(tracked.orders))
    return 1 if tracked.errors else 0


async def order_resolve(ctx: Context) -> None:
    remote_id = None if ctx.args.not_placed else ctx.args.remote_id.strip()
    if remote_id == "":
        fail("Give the panel's order id, or --not-placed.")
    order = ctx.desk.resolve_unknown(ctx.args.order_id, remote_id)
    text = (
        f"Order #{order.id} is placed on {order.panel_name} as {order.remote_id}."
        if remote_id
        else f"Order #{order.id} is marked as not placed."
    )
    ctx.out(order_json(order), text)


# --- history and export ------------------------------------------------------------------------


def _query(ctx: Context, **more: Any) -> store.OrderQuery:
    args = ctx.args
    return store.OrderQuery(
        panel=args.panel,
        status=tuple(args.status) if args.status else None,
        state=tuple(args.state) if args.state else None,
        **more,
    )


async def list_orders(ctx: Context) -> None:
    if ctx.args.attention:
        return show_attention(ctx)
    limit = ctx.args.limit or None
    query = _query(ctx, text=ctx.args.search, limit=limit)
    orders = ctx.desk.read.query_orders(query)
    if limit is not None and len(orders) == limit:
        total = ctx.desk.read.count_orders(query)
        if total > limit:
            ctx.note(f"showing the newest {limit} of {total} orders; --limit 0 shows all.")
    ctx.out([order_json(o) for o in orders], lambda: orders_table(orders))


async def export(ctx: Context) -> None:
    """Stream the matching orders to the file; on a terminal, how far it got on stderr."""
    query = _query(ctx, order_by="id")
    told = sys.stderr.isatty()
    total = 0

    def counted(count: int) -> None:
        nonlocal total
        total = count

    def progress(done: int) -> None:
        print(f"\rExporting orders: {done:,}/{total:,}", end="", file=sys.stderr, flush=True)

    try:
        count = ctx.desk.export_orders(
            ctx.args.file, query, total=counted, progress=progress if told else None
        )
    finally:
        if told:
            print(file=sys.stderr)
    ctx.out(
        {"file": str(ctx.args.file), "count": count},
        f"Exported {count} order(s) to {ctx.args.file}.",
    )


# --- cancel / refill ---------------------------------------------------------------------------


async def cancel(ctx: Context) -> int:
    outcomes = await ctx.desk.cancel_orders(ctx.args.name, ctx.args.remote_ids)
    return _outcomes(ctx, outcomes, "canceled")


async def refill(ctx: Context) -> int:
    outcomes = await ctx.desk.refill_orders(ctx.args.name, ctx.args.remote_ids)
    return _outcomes(ctx, outcomes, "refilled")


def _outcomes(ctx: Context, outcomes: list[ordering.Outcome], done: str) -> int:
    rows = [
        (o.remote_id, _local(o.order_id), "ok" if o.ok else "refused", o.message) for o in outcomes
    ]
    ctx.out(jsonable(outcomes), lambda: table(("REMOTE", "ORDER", "RESULT", "MESSAGE"), rows))
    refused = [o for o in outcomes if not o.ok]
    if refused:
        ctx.note(f"{len(refused)} of {len(outcomes)} order(s) cannot be {done}: see above.")
    return 1 if refused else 0


def _local(order_id: int | None) -> str:
    return "" if order_id is None else f"#{order_id}"
