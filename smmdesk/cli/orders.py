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
from smmdesk.core.formats import format_integer
from smmdesk.core.i18n import N_, _, ngettext
from smmdesk.core.money import format_money
from smmdesk.core.store.sales import parse_sale_price

DEFAULT_LIMIT = 100


def register(subparsers: Any) -> None:
    order = add_group(subparsers, "order", help=_("place, track or resolve orders"))
    _register_add(order)
    track = add_command(
        order, "track", order_track, help=_("track orders placed elsewhere by their panel ids")
    )
    track.add_argument("name", metavar="NAME", help=_("the panel"))
    track.add_argument("remote_ids", metavar="REMOTE_ID", nargs="+")
    track.add_argument("--reference", metavar="TEXT", help=_("your note: customer, shop order"))
    resolve = add_command(
        order,
        "resolve",
        order_resolve,
        help=_("settle an order whose outcome is unknown, after checking the panel"),
    )
    resolve.add_argument("order_id", metavar="ID", type=local_id, help=_("smmdesk's order number"))
    outcome = resolve.add_mutually_exclusive_group(required=True)
    outcome.add_argument(
        "remote_id", metavar="REMOTE_ID", nargs="?", help=_("the panel has it under this id")
    )
    outcome.add_argument(
        "--not-placed", action="store_true", help=_("the panel does not have the order")
    )
    _register_history(subparsers)
    for name, handler, text in (
        ("cancel", cancel, _("ask the panel to cancel orders")),
        ("refill", refill, _("ask the panel to refill orders")),
    ):
        parser = add_command(subparsers, name, handler, help=text)
        parser.add_argument("name", metavar="NAME", help=_("the panel"))
        parser.add_argument("remote_ids", metavar="REMOTE_ID", nargs="+")


def _register_add(order: Any) -> None:
    add = add_command(order, "add", order_add, help=_("place one order"))
    add.add_argument("name", metavar="NAME", help=_("the panel"))
    add.add_argument("service", metavar="SERVICE", help=_("the service id (see: services NAME)"))
    add.add_argument(
        "fields",
        metavar="FIELD=VALUE",
        nargs="*",
        type=field_pair,
        help=_("order fields by API name (link=..., quantity=...); FIELD=@file reads a file"),
    )
    add.add_argument("--reference", metavar="TEXT", help=_("your note: customer, shop order"))
    add.add_argument("--sale-price", metavar="AMOUNT", help=_("what your customer pays, e.g. 5.00"))
    add.add_argument("--customer", metavar="NAME", help=_("your customer (kept as the reference)"))
    add.add_argument(
        "--fallback",
        action="store_true",
        help=_("if the panel refuses for good, list the same service on other panels"),
    )
    add.add_argument("--yes", action="store_true", help=_("send without asking to confirm"))
    price = add_command(
        order, "set-price", order_set_price, help=_("set what the customer pays for an order")
    )
    price.add_argument("order_id", metavar="ID", type=local_id, help=_("smmdesk's order number"))
    # Translators: "none" is typed as it is.
    price.add_argument("sale_price", metavar="AMOUNT", help=_('the sale price, or "none"'))
    price.add_argument("--customer", metavar="NAME", help=_("also set the customer"))


def _register_history(subparsers: Any) -> None:
    orders = add_command(subparsers, "orders", list_orders, help=_("list and search orders"))
    _add_filters(orders)
    orders.add_argument("--search", metavar="TEXT", help=_("id, remote id, link or reference"))
    orders.add_argument(
        "--attention",
        action="store_true",
        help=_("only what needs you: slow, refillable, unknown orders and low balances"),
    )
    orders.add_argument(
        "--limit",
        metavar="N",
        type=non_negative,
        default=DEFAULT_LIMIT,
        help=_("show at most N orders, newest first (default {limit}; 0 = all)").format(
            limit=DEFAULT_LIMIT
        ),
    )
    exporting = add_command(subparsers, "export", export, help=_("export orders to a CSV file"))
    exporting.add_argument("file", metavar="FILE", type=Path)
    _add_filters(exporting)


def _add_filters(parser: argparse.ArgumentParser) -> None:
    parser.add_argument("--panel", metavar="NAME", help=_("only this panel's orders"))
    parser.add_argument(
        "--status",
        metavar="S",
        action="append",
        # Translators: the statuses are typed in English, as the panels send them.
        help=_("only orders with this status (pending, in progress, completed ...); repeatable"),
    )
    parser.add_argument(
        "--state",
        metavar="S",
        action="append",
        choices=[s.value for s in store.OrderState],
        # Translators: the state is typed in English ("unknown").
        help=_("only orders in this submission state (e.g. unknown); repeatable"),
    )


# --- argument types ------------------------------------------------------------------------


def field_pair(text: str) -> tuple[str, str]:
    name, sep, value = text.partition("=")
    if not sep or not name.strip():
        raise argparse.ArgumentTypeError(
            _("'{text}' is not FIELD=VALUE (e.g. quantity=1000)").format(text=text)
        )
    return name.strip(), value


def non_negative(text: str) -> int:
    try:
        value = int(text)
    except ValueError:
        value = -1
    if value < 0:
        raise argparse.ArgumentTypeError(
            _("'{text}' is not a whole number (0 or more)").format(text=text)
        )
    return value


def read_fields(pairs: list[tuple[str, str]]) -> dict[str, str]:
    """FIELD=VALUE pairs as a dict, files read; fail listing every problem."""
    values: dict[str, str] = {}
    problems: list[str] = []
    for name, value in pairs:
        if name in values:
            # Translators: {field} is the field's API name (quantity, link).
            problems.append(_("{field}: given twice; give each field once.").format(field=name))
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
        problem = _("cannot read {path} (there is no such file).").format(path=path)
    except UnicodeDecodeError:
        problem = _("cannot read {path} (the file is not UTF-8 text; save it as UTF-8).").format(
            path=path
        )
    except OSError as exc:
        # Translators: {reason} is the system's reason, e.g. "Permission denied".
        problem = _("cannot read {path} (the file cannot be read ({reason})).").format(
            path=path, reason=exc.strerror or exc
        )
    hint = _("FIELD=@file reads a file; write @@text for a value that starts with @.")
    raise ValueError(f"{problem} {hint}")


# --- order add / track / resolve ------------------------------------------------------------


async def order_add(ctx: Context) -> None:
    values = read_fields(ctx.args.fields)
    sale_price = parse_sale_price(ctx.args.sale_price)
    prepared = await ctx.desk.prepare_order(ctx.args.name, ctx.args.service, values)
    for warning in prepared.warnings:
        ctx.warn(warning)
    panel, service, draft = prepared.panel, prepared.service, prepared.draft
    shown = {
        "panel": panel.name,
        "id": service.id,
        "name": service.name,
        "link": draft.link or "-",
        "cost": format_money(draft.expected_cost, panel.currency),
    }
    if draft.quantity is None:
        summary = _(
            "Send to {panel}: service {id} ({name}) for {link}, expected cost {cost}?"
        ).format(**shown)
    else:
        summary = _(
            "Send to {panel}: service {id} ({name}) for {link}, quantity {quantity}, "
            "expected cost {cost}?"
        ).format(quantity=format_integer(draft.quantity), **shown)
    if not confirm(summary, assume_yes=ctx.args.yes):
        fail(_("Nothing was sent."))
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
            # Translators: {error} is a sentence saying why the outcome is unknown.
            _(
                "{error} When you know, run: smmdesk-cli order resolve {id} REMOTE_ID "
                "(or --not-placed)."
            ).format(error=sent.error, id=order.id)
        )
    if sent.error is not None:
        others = (
            await fallbacks(ctx, panel.id, service.id, sent.error) if ctx.args.fallback else None
        )
        _show_unsettled(ctx, order.id, others)
        # Translators: {error} is the panel's answer or smmdesk's reason, a sentence.
        fail(_("Order #{id} was not placed: {error}").format(id=order.id, error=sent.error))
    ctx.out(
        order_json(order),
        # Translators: {remote_id} is the order's id on the panel.
        _("Placed order #{id} on {panel}: panel id {remote_id}, expected cost {cost}.").format(
            id=order.id,
            panel=panel.name,
            remote_id=order.remote_id,
            cost=format_money(order.expected_cost, order.currency),
        ),
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
    price = None if clear else parse_sale_price(text)  # the local way too ("5,00")
    if price is None and not clear:
        # Translators: "none" is typed as it is.
        fail(_('Give the sale price, like 5.00, or "none" to remove it.'))
    order = ctx.desk.business.set_sale(
        ctx.args.order_id,
        sale_price=price,
        customer=ctx.args.customer,
        clear_price=clear,
    )
    if order.sale_price is None:
        text = _("Order #{id}.").format(id=order.id)
    else:
        text = _("Order #{id}: sale price {price}.").format(
            id=order.id, price=format_money(order.sale_price, order.currency)
        )
    ctx.out(order_json(order), text)


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
        fail(_("Give the panel's order id, or --not-placed."))
    order = ctx.desk.resolve_unknown(ctx.args.order_id, remote_id)
    text = (
        # Translators: {remote_id} is the order's id on the panel.
        _("Order #{id} is placed on {panel} as {remote_id}.").format(
            id=order.id, panel=order.panel_name, remote_id=order.remote_id
        )
        if remote_id
        else _("Order #{id} is marked as not placed.").format(id=order.id)
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
            ctx.note(
                ngettext(
                    "showing the newest {limit} of {count} orders; --limit 0 shows all.",
                    "showing the newest {limit} of {count} orders; --limit 0 shows all.",
                    total,
                ).format(limit=limit, count=total)
            )
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
        counts = {"done": format_integer(done), "total": format_integer(total)}
        shown = _("Exporting orders: {done}/{total}").format(**counts)
        print(f"\r{shown}", end="", file=sys.stderr, flush=True)

    try:
        count = ctx.desk.export_orders(
            ctx.args.file, query, total=counted, progress=progress if told else None
        )
    finally:
        if told:
            print(file=sys.stderr)
    ctx.out(
        {"file": str(ctx.args.file), "count": count},
        ngettext(
            "Exported {count} order(s) to {file}.", "Exported {count} order(s) to {file}.", count
        ).format(count=count, file=ctx.args.file),
    )


# --- cancel / refill ---------------------------------------------------------------------------


async def cancel(ctx: Context) -> int:
    outcomes = await ctx.desk.cancel_orders(ctx.args.name, ctx.args.remote_ids)
    return _outcomes(ctx, outcomes, canceled=True)


async def refill(ctx: Context) -> int:
    outcomes = await ctx.desk.refill_orders(ctx.args.name, ctx.args.remote_ids)
    return _outcomes(ctx, outcomes, canceled=False)


def _outcomes(ctx: Context, outcomes: list[ordering.Outcome], *, canceled: bool) -> int:
    # Translators: the result of asking a panel to cancel or refill one order.
    ok, refused_word = _("ok"), _("refused")
    rows = [
        (o.remote_id, _local(o.order_id), ok if o.ok else refused_word, o.message) for o in outcomes
    ]
    headers = (N_("REMOTE"), N_("ORDER"), N_("RESULT"), N_("MESSAGE"))
    ctx.out(jsonable(outcomes), lambda: table(headers, rows))
    refused = [o for o in outcomes if not o.ok]
    if refused:
        if canceled:
            text = ngettext(
                "{refused} of {count} order(s) cannot be canceled: see above.",
                "{refused} of {count} order(s) cannot be canceled: see above.",
                len(outcomes),
            )
        else:
            text = ngettext(
                "{refused} of {count} order(s) cannot be refilled: see above.",
                "{refused} of {count} order(s) cannot be refilled: see above.",
                len(outcomes),
            )
        ctx.note(text.format(refused=len(refused), count=len(outcomes)))
    return 1 if refused else 0


def _local(order_id: int | None) -> str:
    return "" if order_id is None else f"#{order_id}"
