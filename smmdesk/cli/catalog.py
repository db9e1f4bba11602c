"""CLI command ``services NAME [--refresh] [--search TEXT]``: a panel's catalog.

The saved catalog is used while it is fresh (6 hours), else fetched again; ``--refresh``
fetches it now and says what changed (services added, removed, prices).
"""

from __future__ import annotations

from typing import Any

from smmdesk.cli.common import Context, add_command, jsonable, table
from smmdesk.core.api.models import Service
from smmdesk.core.i18n import N_, _, ngettext, pgettext
from smmdesk.core.money import format_money
from smmdesk.core.store import CatalogChanges


def register(subparsers: Any) -> None:
    parser = add_command(subparsers, "services", services, help=_("show a panel's services"))
    parser.add_argument("name", metavar="NAME", help=_("the panel"))
    parser.add_argument(
        "--refresh", action="store_true", help=_("fetch the catalog from the panel now")
    )
    parser.add_argument(
        "--search",
        metavar="TEXT",
        help=_("only services whose id, name, category or type contains TEXT"),
    )


def service_json(service: Service) -> dict[str, Any]:
    return jsonable(
        {
            "service": service.id,
            "name": service.name,
            "type": service.type,
            "known_type": service.type_name is not None,
            "category": service.category,
            "rate": service.rate,
            "min": service.min,
            "max": service.max,
            "dripfeed": service.dripfeed,
            "refill": service.refill,
            "cancel": service.cancel,
        }
    )


def matches(service: Service, text: str | None) -> bool:
    if not text:
        return True
    needle = text.casefold()
    haystack = (service.id, service.name, service.category, service.type)
    return any(needle in (value or "").casefold() for value in haystack)


async def services(ctx: Context) -> None:
    name = ctx.args.name
    panel = ctx.desk.panel(name)
    if ctx.args.refresh:
        changes = await ctx.desk.refresh_catalog(panel.name)
        report_changes(ctx, panel.name, changes, panel.currency)
        catalog = ctx.desk.read.load_catalog(panel.id)
    else:
        catalog = await ctx.desk.catalog(panel.name)
    shown = [s for s in catalog if matches(s, ctx.args.search)]

    def text() -> str:
        if not shown:
            return _("No services match.") if ctx.args.search else _("The catalog is empty.")
        rows = [
            (
                s.id,
                s.name,
                # Translators: {type} is a service type as the panel names it.
                s.type if s.type_name else _("{type} (unknown type)").format(type=s.type),
                s.category,
                format_money(s.rate, panel.currency),
                f"{s.min}..{s.max}",
                _flags(s),
            )
            for s in shown
        ]
        headers = (
            N_("ID"),
            N_("NAME"),
            N_("TYPE"),
            N_("CATEGORY"),
            N_("RATE"),
            N_("MIN..MAX"),
            N_("OFFERS"),
        )
        return table(headers, rows, right="ID RATE")

    ctx.out([service_json(s) for s in shown], text)


def _flags(service: Service) -> str:
    """What the service offers; "refill?" where the catalog does not say (try it)."""
    offered = [
        word if on else f"{word}?"
        for word, on in (
            (pgettext("a service offers", "drip-feed"), service.dripfeed),
            (pgettext("a service offers", "refill"), service.refill),
            (pgettext("a service offers", "cancel"), service.cancel),
        )
        if on is not False
    ]
    return ", ".join(offered)


def report_changes(ctx: Context, panel: str, changes: CatalogChanges, currency: str | None) -> None:
    """What a refresh changed, on stderr (stdout keeps the catalog itself)."""
    if changes.first:
        count = len(changes.added)
        ctx.note(
            ngettext(
                "{panel}: catalog fetched, {count} services.",
                "{panel}: catalog fetched, {count} services.",
                count,
            ).format(panel=panel, count=count)
        )
        return
    if changes.empty:
        ctx.note(_("{panel}: catalog fetched, no changes.").format(panel=panel))
        return
    # Each part is a whole item of the list below (its own number, its own plural form).
    parts = []
    if changes.added:
        count = len(changes.added)
        parts.append(
            ngettext("{count} new service(s)", "{count} new service(s)", count).format(count=count)
        )
    if changes.removed:
        count = len(changes.removed)
        ids = ", ".join(s.id for s in changes.removed)
        parts.append(
            # Translators: {ids} lists the ids of the services the panel no longer sells.
            ngettext(
                "{count} service(s) gone ({ids})", "{count} service(s) gone ({ids})", count
            ).format(count=count, ids=ids)
        )
    if changes.price_changes:
        count = len(changes.price_changes)
        parts.append(
            ngettext("{count} price change(s)", "{count} price change(s)", count).format(
                count=count
            )
        )
    ctx.note(
        # Translators: {changes} lists what changed, items separated by "; " ("2 new
        # service(s); 1 price change(s)").
        _("{panel}: catalog fetched: {changes}.").format(panel=panel, changes="; ".join(parts))
    )
    for change in changes.price_changes:
        old, new = (format_money(r, currency) for r in (change.old_rate, change.new_rate))
        ctx.note(
            # Translators: {old} and {new} are the service's rate per 1000 before and now.
            _("{panel}: service {id} ({name}) rate {old} -> {new}").format(
                panel=panel, id=change.service_id, name=change.name, old=old, new=new
            )
        )
