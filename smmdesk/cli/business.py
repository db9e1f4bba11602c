"""CLI commands for the business: ``report``, ``customers``, ``markup``, ``exchange-rate``,
and what ``orders --attention`` and ``order add --fallback`` print.

``report --by panel|day|week|month|customer|service [--since D] [--until D] [--csv FILE]``
prints rows ``{<by>, orders, spent, sales, profit, currency}`` (plus ``priced``: orders
with a sale price); with exchange rates set, amounts are converted into the report currency.
"""

from __future__ import annotations

import argparse
from datetime import date
from typing import Any

from smmdesk.cli.common import Context, add_command, add_group, jsonable, table
from smmdesk.cli.compare import compared_json, fresh_catalogs
from smmdesk.core.attention import Attention
from smmdesk.core.exchange import Exchange
from smmdesk.core.export import write_csv
from smmdesk.core.money import format_money, plain
from smmdesk.core.offers.fallback import refused_for_good
from smmdesk.core.settings import Settings
from smmdesk.core.store.reports import REPORT_BY, ReportRow


def register(subparsers: Any) -> None:
    parser = add_command(
        subparsers, "report", report_command, help="spend, sales and profit over a date range"
    )
    parser.add_argument("--by", choices=REPORT_BY, default="panel", help="one row per ...")
    parser.add_argument("--since", metavar="DATE", type=day, help="from this day (YYYY-MM-DD)")
    parser.add_argument("--until", metavar="DATE", type=day, help="to this day, included")
    parser.add_argument("--csv", metavar="FILE", help="also write the rows to a CSV file")
    parser.add_argument(
        "--own-currencies", action="store_true", help="do not convert with exchange rates"
    )
    add_command(subparsers, "customers", customers_command, help="list your customers")
    markup = add_group(subparsers, "markup", help="rules that suggest sale prices")
    add = add_command(markup, "add", markup_add, help="add a markup rule")
    add.add_argument("kind", choices=("percent", "per1000"))
    add.add_argument("value", metavar="VALUE", help="30 (percent) or 1.50 (price per 1000)")
    add.add_argument("--panel", metavar="NAME")
    add.add_argument("--category", metavar="TEXT")
    add.add_argument("--service", metavar="ID", help="one service (needs --panel)")
    add_command(markup, "list", markup_list, help="list the markup rules")
    remove = add_command(markup, "remove", markup_remove, help="remove a markup rule")
    remove.add_argument("rule", metavar="RULE", type=int)
    rate = add_command(
        subparsers,
        "exchange-rate",
        exchange_rate,
        help="what 1 unit of a currency is worth in the report currency",
    )
    rate.add_argument("currency", metavar="CURRENCY", nargs="?")
    rate.add_argument("rate", metavar="RATE", nargs="?")
    rate.add_argument("--report-currency", metavar="CODE", help="the currency of totals")


def day(text: str) -> date:
    try:
        return date.fromisoformat(text.strip())
    except ValueError:
        raise argparse.ArgumentTypeError(f"'{text}' is not a date like 2026-05-31") from None


# --- report ----------------------------------------------------------------------------------


def row_json(by: str, row: ReportRow) -> dict[str, Any]:
    shown: dict[str, Any] = {by: row.key}
    if by == "service":
        shown["name"] = row.name
    shown |= {
        "orders": row.orders,
        "spent": plain(row.spent),
        "sales": plain(row.sales),
        "profit": plain(row.profit),
        "priced": row.priced,
        "currency": row.currency,
    }
    return jsonable(shown)


async def report_command(ctx: Context) -> None:
    args = ctx.args
    exchange = None if args.own_currencies else Exchange.from_settings(Settings.load(ctx.folder))
    rows = ctx.desk.read.report(args.by, since=args.since, until=args.until, exchange=exchange)
    shown = [row_json(args.by, row) for row in rows]
    if args.csv:
        header = list(shown[0]) if shown else [args.by, "orders", "spent", "sales", "profit"]
        write_csv(args.csv, header, ([item[k] for k in header] for item in shown))
        ctx.note(f"wrote {len(shown)} row(s) to {args.csv}")

    def text() -> str:
        if not rows:
            return "No orders in this range."
        lines = [
            (
                row.key if row.key is not None else "(none)",
                row.orders,
                format_money(row.spent),
                format_money(row.sales),
                format_money(row.profit),
                row.currency or "",
            )
            for row in rows
        ]
        headers = (args.by.upper(), "ORDERS", "SPENT", "SALES", "PROFIT", "CURRENCY")
        return table(headers, lines, right="ORDERS SPENT SALES PROFIT")

    ctx.out(shown, text)


async def customers_command(ctx: Context) -> None:
    names = ctx.desk.read.list_customers()
    ctx.out(names, "\n".join(names) or "No customers yet: add one with order add --customer.")


# --- markups and exchange rates ------------------------------------------------------------


async def markup_add(ctx: Context) -> None:
    args = ctx.args
    panel_id = ctx.desk.panel(args.panel).id if args.panel else None
    rule = ctx.desk.business.add_markup(
        args.kind,
        args.value,
        panel_id=panel_id,
        category=args.category,
        service_id=args.service,
    )
    ctx.out(jsonable(rule), f"Markup rule {rule.id} added.")


async def markup_list(ctx: Context) -> None:
    rules = ctx.desk.read.markup_rules()
    names = {p.id: p.name for p in ctx.desk.panels()}
    rows = [
        (r.id, names.get(r.panel_id or 0, "all"), r.category or "", r.service_id or "",
         r.kind.value, r.value)
        for r in rules
    ]  # fmt: skip
    headers = ("RULE", "PANEL", "CATEGORY", "SERVICE", "KIND", "VALUE")
    ctx.out(jsonable(rules), lambda: table(headers, rows) if rules else "No markup rules.")


async def markup_remove(ctx: Context) -> int:
    removed = ctx.desk.business.remove_markup(ctx.args.rule)
    ctx.out({"removed": removed}, "Removed." if removed else "There is no such rule.")
    return 0 if removed else 1


async def exchange_rate(ctx: Context) -> None:
    args = ctx.args
    settings = Settings.load(ctx.folder)
    changes: dict[str, Any] = {}
    if args.report_currency:
        changes["report_currency"] = args.report_currency
    if args.currency and args.rate is not None:
        changes["exchange_rates"] = {**settings.exchange_rates, args.currency: args.rate}
    elif args.currency:
        ctx.note("give the rate too, e.g. exchange-rate EUR 1.08")
    if changes:
        settings = settings.update(**changes)
        settings.save()
    rates = {k: str(v) for k, v in settings.exchange_rates.items()}
    text = "\n".join(f"1 {k} = {v} {settings.report_currency}" for k, v in rates.items())
    ctx.out(
        {"report_currency": settings.report_currency, "rates": rates},
        text or f"No exchange rates yet; totals are in {settings.report_currency}.",
    )


# --- attention and fallback ----------------------------------------------------------------


def attention_json(item: Attention) -> dict[str, Any]:
    return jsonable(item)


def show_attention(ctx: Context) -> None:
    days = Settings.load(ctx.folder).balance_days
    found = ctx.desk.read.needs_attention(balance_days=days)
    rows = [
        (
            "" if a.order_id is None else f"#{a.order_id}",
            a.panel,
            a.kind.words,
            a.action.words,
            a.reason,
        )
        for a in found
    ]
    headers = ("ORDER", "PANEL", "WHAT", "DO", "WHY")
    ctx.out(
        [attention_json(a) for a in found],
        lambda: table(headers, rows) if found else "Nothing needs your attention.",
    )


async def fallbacks(
    ctx: Context, panel_id: int, service_id: str, error: BaseException
) -> list[Any]:
    """After a refusal for good, the same service on other panels (printed on stderr too);
    nothing for any other error."""
    if not refused_for_good(error):
        ctx.note("no fallback: the panel's answer does not rule this order out for good.")
        return []
    await fresh_catalogs(ctx)
    exchange = Exchange.from_settings(Settings.load(ctx.folder))
    others = ctx.desk.read.alternatives(panel_id, service_id, exchange)
    if not others:
        ctx.note("no other panel sells this service (see: smmdesk-cli compare TEXT).")
    for other in others:
        offer = other.offer
        ctx.note(
            f"instead: {offer.panel} service {offer.service.id} ({offer.service.name}) at "
            f"{format_money(offer.rate, offer.currency)} per 1000: "
            f"smmdesk-cli order add {offer.panel} {offer.service.id} ..."
        )
    return [compared_json(other) for other in others]
