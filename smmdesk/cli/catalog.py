"""CLI command ``services NAME [--refresh] [--search TEXT]``: a panel's catalog.

The saved catalog is used while it is fresh (6 hours), else fetched again; ``--refresh``
fetches it now and says what changed (services added, removed, prices).
"""

from __future__ import annotations

from typing import Any

from smmdesk.cli.common import Context, add_command, jsonable, table
from smmdesk.core.api.models import Service
from smmdesk.core.money import format_money
from smmdesk.core.store import CatalogChanges


def register(subparsers: Any) -> None:
    parser = add_command(subparsers, "services", services, help="show a panel's services")
    parser.add_argument("name", metavar="NAME", help="the panel")
    parser.add_argument(
        "--refresh", action="store_true", help="fetch the catalog from the panel now"
    )
    parser.add_argument(
        "--search",
        metavar="TEXT",
        help="only services whose id, name, category or type contains TEXT",
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
            return "No services match." if ctx.args.search else "The catalog is empty."
        rows = [
            (
                s.id,
                s.name,
                s.type if s.type_name else f"{s.type} (unknown type)",
                s.category,
                format_money(s.rate, panel.currency),
                f"{s.min}..{s.max}",
                _flags(s),
            )
            for s in shown
        ]
        headers = ("ID", "NAME", "TYPE", "CATEGORY", "RATE", "MIN..MAX", "OFFERS")
        return table(headers, rows, right="ID RATE")

    ctx.out([service_json(s) for s in shown], text)


def _flags(service: Service) -> str:
    """What the service offers; "refill?" where the catalog does not say (try it)."""
    offered = [
        word if on else f"{word}?"
        for word, on in (
            ("drip-feed", service.dripfeed),
            ("refill", service.refill),
            ("cancel", service.cancel),
        )
        if on is not False
    ]
    return ", ".join(offered)


def report_changes(ctx: Context, panel: str, changes: CatalogChanges, currency: str | None) -> None:
    """What a refresh changed, on stderr (stdout keeps the catalog itself)."""
    if changes.first:
        ctx.note(f"{panel}: catalog fetched, {len(changes.added)} services.")
        return
    if changes.empty:
        ctx.note(f"{panel}: catalog fetched, no changes.")
        return
    parts = []
    if changes.added:
        parts.append(f"{len(changes.added)} new service(s)")
    if changes.removed:
        ids = ", ".join(s.id for s in changes.removed)
        parts.append(f"{len(changes.removed)} service(s) gone ({ids})")
    if changes.price_changes:
        parts.append(f"{len(changes.price_changes)} price change(s)")
    ctx.note(f"{panel}: catalog fetched: " + "; ".join(parts) + ".")
    for change in changes.price_changes:
        old, new = (format_money(r, currency) for r in (change.old_rate, change.new_rate))
        ctx.note(f"{panel}: service {change.service_id} ({change.name}) rate {old} -> {new}")
