"""CLI commands ``compare TEXT``, ``group keep|split|reset`` and ``prices``.

``compare`` groups the same service across every panel's saved catalog (catalogs never
fetched, or older than six hours, are fetched first; a panel that cannot be reached is
compared from what was saved) and prints each group cheapest first with the reseller's own
history: median time to complete, partial and cancel rates. ``group`` keeps the reseller's
corrections; ``prices`` lists rate changes of services the reseller has ordered.
"""

from __future__ import annotations

import argparse
from typing import Any

from smmdesk.cli.common import Context, add_command, add_group, fail, jsonable, table
from smmdesk.core.api.models import offered
from smmdesk.core.errors import SmmdeskError
from smmdesk.core.exchange import Exchange
from smmdesk.core.formats import duration_text
from smmdesk.core.i18n import N_, _, ngettext
from smmdesk.core.money import format_money
from smmdesk.core.offers.compare import Compared, Comparison
from smmdesk.core.settings import Settings
from smmdesk.core.store.price_changes import PriceMove

COMPARE_HEADERS = (
    # Translators: MEDIAN: the median time to complete; PARTIAL: the share of partial orders.
    N_("PANEL"),
    N_("ID"),
    N_("NAME"),
    N_("RATE/1000"),
    N_("MIN..MAX"),
    N_("REFILL"),
    N_("CANCEL"),
    N_("MEDIAN"),
    N_("PARTIAL"),
    N_("ORDERS"),
)


def register(subparsers: Any) -> None:
    parser = add_command(
        subparsers,
        "compare",
        compare_command,
        help=_("the same service on every panel, cheapest first"),
    )
    parser.add_argument("text", metavar="TEXT", help=_('what you buy, e.g. "instagram followers"'))
    group = add_group(subparsers, "group", help=_("correct how services are grouped in compare"))
    keep = add_command(group, "keep", group_keep, help=_("these services are the same (join)"))
    keep.add_argument("services", metavar="PANEL:SERVICE", nargs="+", type=service_ref)
    for name, handler, text in (
        ("split", group_split, _("this service stands alone")),
        ("reset", group_reset, _("let smmdesk group this service again")),
    ):
        sub = add_command(group, name, handler, help=text)
        sub.add_argument("service", metavar="PANEL:SERVICE", type=service_ref)
    prices = add_command(
        subparsers,
        "prices",
        prices_command,
        help=_("rate changes of services you have ordered"),
    )
    prices.add_argument(
        "--all", action="store_true", help=_("every service's changes, not only ordered ones")
    )


def service_ref(text: str) -> tuple[str, str]:
    panel, sep, service = text.rpartition(":")
    if not sep or not panel.strip() or not service.strip():
        raise argparse.ArgumentTypeError(
            _("'{text}' is not PANEL:SERVICE (e.g. demo:1)").format(text=text)
        )
    return panel.strip(), service.strip()


def compared_json(c: Compared) -> dict[str, Any]:
    service = c.offer.service
    return jsonable(
        {
            "panel": c.offer.panel,
            "service": service.id,
            "name": service.name,
            "type": service.type_name or service.type,
            "rate": service.rate,
            "currency": c.offer.currency,
            "min": service.min,
            "max": service.max,
            "refill": service.refill,
            "cancel": service.cancel,
            "completed_median_s": c.stats.completed_median_s,
            "orders": c.stats.finished,
            "partial_rate": c.stats.partial_rate,
            "cancel_rate": c.stats.cancel_rate,
        }
    )


def comparison_json(comparison: Comparison) -> dict[str, Any]:
    return {
        "group": comparison.group.label,
        "key": comparison.group.key,
        "by_hand": comparison.group.by_hand,
        "services": [compared_json(c) for c in comparison.offers],
    }


async def fresh_catalogs(ctx: Context) -> None:
    """Fetch the catalogs never fetched or older than six hours; keep going without those
    that cannot be fetched (their saved catalog is used)."""
    for panel in ctx.desk.panels():
        try:
            await ctx.desk.catalog(panel.name)
        except SmmdeskError as exc:
            ctx.warn(
                # Translators: {problem} says why the catalog could not be fetched.
                _("{panel}: compared from the saved catalog ({problem})").format(
                    panel=panel.name, problem=exc
                )
            )


async def compare_command(ctx: Context) -> None:
    await fresh_catalogs(ctx)
    exchange = Exchange.from_settings(Settings.load(ctx.folder))
    found = ctx.desk.read.compare(ctx.args.text, exchange)
    ctx.out([comparison_json(c) for c in found], lambda: _text(found))


def _text(found: list[Comparison]) -> str:
    if not found:
        return _("No service on any panel matches. Try fewer words, e.g. 'instagram followers'.")
    blocks = []
    for comparison in found:
        rows = [
            (
                c.offer.panel,
                c.offer.service.id,
                c.offer.service.name,
                format_money(c.offer.rate, c.offer.currency),
                f"{c.offer.service.min}..{c.offer.service.max}",
                offered(c.offer.service.refill),
                offered(c.offer.service.cancel),
                duration_text(c.stats.completed_median_s),
                _percent(c.stats.partial_rate),
                c.stats.finished or "",
            )
            for c in comparison.offers
        ]
        label = comparison.group.label
        if comparison.group.by_hand:
            # Translators: {group} is a group of services the reseller joined by hand.
            label = _("{group} (kept by you)").format(group=label)
        blocks.append(
            f"{label}\n" + table(COMPARE_HEADERS, rows, right="RATE/1000 MEDIAN PARTIAL ORDERS")
        )
    return "\n\n".join(blocks)


def _percent(rate: float | None) -> str:
    return "" if rate is None else f"{rate:.0%}"


async def _resolve(ctx: Context, ref: tuple[str, str]) -> tuple[int, str]:
    panel = ctx.desk.panel(ref[0])
    service = await ctx.desk.service(panel.name, ref[1])  # it must be in the catalog
    return panel.id, service.id


async def group_keep(ctx: Context) -> None:
    refs = [await _resolve(ctx, ref) for ref in ctx.args.services]
    if len(refs) < 2:
        fail(_("Give at least two services to keep together, e.g. demo:1 rival:101."))
    key = ctx.desk.business.keep_together(refs)
    count = len(refs)
    kept = ngettext(
        "Kept {count} services together.", "Kept {count} services together.", count
    ).format(count=count)
    ctx.out({"key": key, "services": count}, kept)


async def group_split(ctx: Context) -> None:
    panel_id, service_id = await _resolve(ctx, ctx.args.service)
    ctx.desk.business.set_alone(panel_id, service_id)
    ctx.out({"split": True}, _("This service now stands alone in the comparison."))


async def group_reset(ctx: Context) -> None:
    panel_id, service_id = await _resolve(ctx, ctx.args.service)
    had = ctx.desk.business.forget_choice(panel_id, service_id)
    text = _("smmdesk groups this service again.") if had else _("Nothing to reset.")
    ctx.out({"reset": had}, text)


def move_json(move: PriceMove) -> dict[str, Any]:
    return jsonable(move)


async def prices_command(ctx: Context) -> None:
    moves = ctx.desk.read.price_moves(ordered_only=not ctx.args.all)

    def text() -> str:
        if not moves:
            return _("No price changes on services you have ordered.")
        rows = [
            (
                m.panel,
                m.service_id,
                m.name,
                format_money(m.old_rate, m.currency),
                format_money(m.new_rate, m.currency),
                f"{m.change_percent:+.1f}%",
                m.changed_at,
            )
            for m in moves
        ]
        headers = (
            # Translators: the rate before (WAS) and now (NOW).
            N_("PANEL"),
            N_("ID"),
            N_("NAME"),
            N_("WAS"),
            N_("NOW"),
            N_("CHANGE"),
            N_("SINCE"),
        )
        return table(headers, rows, right="WAS NOW CHANGE")

    ctx.out([move_json(m) for m in moves], text)
