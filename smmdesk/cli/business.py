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
from smmdesk.core.i18n import N_, _, ngettext
from smmdesk.core.money import format_money, plain
from smmdesk.core.offers.fallback import refused_for_good
from smmdesk.core.settings import Settings
from smmdesk.core.store.reports import REPORT_BY, ReportRow

# The first column of ``report``, per --by (translated in ``table``).
BY_HEADERS = {
    "panel": N_("PANEL"),
    "day": N_("DAY"),
    "week": N_("WEEK"),
    "month": N_("MONTH"),
    "customer": N_("CUSTOMER"),
    "service": N_("SERVICE"),
}


def register(subparsers: Any) -> None:
    parser = add_command(
        subparsers,
        "report",
        report_command,
        help=_("spend, sales and profit over a date range"),
    )
    # Translators: followed by the choices (panel, day, week ...), typed as they are.
    parser.add_argument("--by", choices=REPORT_BY, default="panel", help=_("one row per ..."))
    parser.add_argument("--since", metavar="DATE", type=day, help=_("from this day (YYYY-MM-DD)"))
    parser.add_argument("--until", metavar="DATE", type=day, help=_("to this day, included"))
    parser.add_argument("--csv", metavar="FILE", help=_("also write the rows to a CSV file"))
    parser.add_argument(
        "--own-currencies", action="store_true", help=_("do not convert with exchange rates")
    )
    add_command(subparsers, "customers", customers_command, help=_("list your customers"))
    markup = add_group(subparsers, "markup", help=_("rules that suggest sale prices"))
    add = add_command(markup, "add", markup_add, help=_("add a markup rule"))
    add.add_argument("kind", choices=("percent", "per1000"))
    add.add_argument("value", metavar="VALUE", help=_("30 (percent) or 1.50 (price per 1000)"))
    add.add_argument("--panel", metavar="NAME")
    add.add_argument("--category", metavar="TEXT")
    add.add_argument("--service", metavar="ID", help=_("one service (needs --panel)"))
    add_command(markup, "list", markup_list, help=_("list the markup rules"))
    remove = add_command(markup, "remove", markup_remove, help=_("remove a markup rule"))
    remove.add_argument("rule", metavar="RULE", type=int)
    rate = add_command(
        subparsers,
        "exchange-rate",
        exchange_rate,
        help=_("what 1 unit of a currency is worth in the report currency"),
    )
    rate.add_argument("currency", metavar="CURRENCY", nargs="?")
    rate.add_argument("rate", metavar="RATE", nargs="?")
    rate.add_argument("--report-currency", metavar="CODE", help=_("the currency of totals"))


def day(text: str) -> date:
    try:
        return date.fromisoformat(text.strip())
    except ValueError:
        raise argparse.ArgumentTypeError(
            _("'{text}' is not a date like 2026-05-31").format(text=text)
        ) from None


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
        count = len(shown)
        ctx.note(
            ngettext(
                "wrote {count} row(s) to {file}", "wrote {count} row(s) to {file}", count
            ).format(count=count, file=args.csv)
        )

    def text() -> str:
        if not rows:
            return _("No orders in this range.")
        lines = [
            (
                # Translators: a report row for orders without a customer (or the like).
                row.key if row.key is not None else _("(none)"),
                row.orders,
                format_money(row.spent),
                format_money(row.sales),
                format_money(row.profit),
                row.currency or "",
            )
            for row in rows
        ]
        first = BY_HEADERS.get(args.by, args.by.upper())
        headers = (first, N_("ORDERS"), N_("SPENT"), N_("SALES"), N_("PROFIT"), N_("CURRENCY"))
        return table(headers, lines, right="ORDERS SPENT SALES PROFIT")

    ctx.out(shown, text)


async def customers_command(ctx: Context) -> None:
    names = ctx.desk.read.list_customers()
    text = "\n".join(names) or _("No customers yet: add one with order add --customer.")
    ctx.out(names, text)


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
    ctx.out(jsonable(rule), _("Markup rule {id} added.").format(id=rule.id))


async def markup_list(ctx: Context) -> None:
    rules = ctx.desk.read.markup_rules()
    names = {p.id: p.name for p in ctx.desk.panels()}
    # Translators: a markup rule that applies to every panel.
    every = _("all")
    rows = [
        (r.id, names.get(r.panel_id or 0, every), r.category or "", r.service_id or "",
         r.kind.value, r.value)
        for r in rules
    ]  # fmt: skip
    headers = (N_("RULE"), N_("PANEL"), N_("CATEGORY"), N_("SERVICE"), N_("KIND"), N_("VALUE"))
    ctx.out(jsonable(rules), lambda: table(headers, rows) if rules else _("No markup rules."))


async def markup_remove(ctx: Context) -> int:
    removed = ctx.desk.business.remove_markup(ctx.args.rule)
    text = _("Removed.") if removed else _("There is no such rule.")
    ctx.out({"removed": removed}, text)
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
        ctx.note(_("give the rate too, e.g. exchange-rate EUR 1.08"))
    if changes:
        settings = settings.update(**changes)
        settings.save()
    rates = {k: str(v) for k, v in settings.exchange_rates.items()}
    text = "\n".join(f"1 {k} = {v} {settings.report_currency}" for k, v in rates.items())
    ctx.out(
        {"report_currency": settings.report_currency, "rates": rates},
        text
        or _("No exchange rates yet; totals are in {currency}.").format(
            currency=settings.report_currency
        ),
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
    # Translators: what needs attention, what to do about it, and why.
    headers = (N_("ORDER"), N_("PANEL"), N_("WHAT"), N_("DO"), N_("WHY"))
    ctx.out(
        [attention_json(a) for a in found],
        lambda: table(headers, rows) if found else _("Nothing needs your attention."),
    )


async def fallbacks(
    ctx: Context, panel_id: int, service_id: str, error: BaseException
) -> list[Any]:
    """After a refusal for good, the same service on other panels (printed on stderr too);
    nothing for any other error."""
    if not refused_for_good(error):
        ctx.note(_("no fallback: the panel's answer does not rule this order out for good."))
        return []
    await fresh_catalogs(ctx)
    exchange = Exchange.from_settings(Settings.load(ctx.folder))
    others = ctx.desk.read.alternatives(panel_id, service_id, exchange)
    if not others:
        ctx.note(_("no other panel sells this service (see: smmdesk-cli compare TEXT)."))
    for other in others:
        offer = other.offer
        ctx.note(
            # Translators: another panel's offer; {rate} is its price per 1000.
            _(
                "instead: {panel} service {id} ({name}) at {rate} per 1000: "
                "smmdesk-cli order add {panel} {id} ..."
            ).format(
                panel=offer.panel,
                id=offer.service.id,
                name=offer.service.name,
                rate=format_money(offer.rate, offer.currency),
            )
        )
    return [compared_json(other) for other in others]
