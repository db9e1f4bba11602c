"""CLI commands for panels: ``panel add|list|show|detect|set|remove`` and ``balance``.

``panel show`` says what the panel speaks (its detected dialect, smmdesk.core.api.dialect);
``panel detect`` finds out again; ``panel set NAME THING VALUE`` sets one thing by hand
("auto" gives it back to detection).

The API key of ``panel add`` is read from stdin (prompted without echo on a terminal), never
from the command line, and goes straight to the OS keyring.
"""

from __future__ import annotations

import asyncio
from typing import Any

from smmdesk.cli.common import (
    Context,
    add_command,
    add_group,
    fail,
    jsonable,
    read_secret,
    table,
)
from smmdesk.core.api.dialect import SETTABLE
from smmdesk.core.errors import SmmdeskError
from smmdesk.core.i18n import N_, _
from smmdesk.core.money import format_money
from smmdesk.core.store import Panel
from smmdesk.core.webhook import path_for as webhook_path


def register(subparsers: Any) -> None:
    panel = add_group(subparsers, "panel", help=_("add, list or remove panels"))
    add = add_command(
        panel,
        "add",
        panel_add,
        help=_("add a panel (the API key is read from stdin, or prompted for on a terminal)"),
    )
    add.add_argument("name", metavar="NAME", help=_("a short name for the panel, e.g. MainPanel"))
    add.add_argument("url", metavar="URL", help=_("the panel's API URL, https://.../api/v2"))
    add.add_argument(
        "--rate-limit",
        type=int,
        metavar="N",
        help=_("requests per minute smmdesk may send to this panel (default 1000)"),
    )
    add_command(panel, "list", panel_list, help=_("list the panels"))
    show = add_command(panel, "show", panel_show, help=_("show a panel and what it speaks"))
    show.add_argument("name", metavar="NAME")
    detect = add_command(
        panel, "detect", panel_detect, help=_("find out again what the panel speaks")
    )
    detect.add_argument("name", metavar="NAME")
    setting = add_command(
        panel,
        "set",
        panel_set,
        help=_("set one thing the panel speaks by hand (auto: detect it again)"),
    )
    setting.add_argument("name", metavar="NAME")
    setting.add_argument("thing", metavar="THING", choices=SETTABLE, help=", ".join(SETTABLE))
    # Translators: these values are typed as they are (yes, no, lines, commas, auto).
    setting.add_argument("value", metavar="VALUE", help=_("e.g. yes, no, lines, commas, auto"))
    remove = add_command(panel, "remove", panel_remove, help=_("remove a panel and its key"))
    remove.add_argument("name", metavar="NAME")
    remove.add_argument(
        "--purge", action="store_true", help=_("also delete the panel's orders from smmdesk")
    )
    balance = add_command(
        subparsers, "balance", balance_command, help=_("ask panels for their balance")
    )
    balance.add_argument("name", metavar="NAME", nargs="?", help=_("one panel (default: all)"))


def panel_json(panel: Panel) -> dict[str, Any]:
    return jsonable(
        {
            "name": panel.name,
            "url": panel.url,
            "currency": panel.currency,
            "balance": panel.balance,
            "balance_at": panel.balance_at,
            "speaks": panel.dialect.describe(),
            "dialect": panel.dialect.to_dict(),
            "webhook_path": webhook_path(panel),
        }
    )


def _line(label: str, value: object) -> str:
    """One "  label:  value" line of ``panel show`` (labels padded as in English)."""
    return f"  {label:<9} {value}"


def speaks_text(panel: Panel) -> str:
    dialect = panel.dialect
    lines = [
        f"{panel.name}  {panel.url}",
        # Translators: the labels of "panel show": a panel's balance, what its API speaks
        # (the dialect), the panel software's family, settings made by hand, when it was checked.
        _line(_("balance:"), format_money(panel.balance, panel.currency)),
        _line(_("speaks:"), ", ".join(dialect.described())),
    ]
    if dialect.family:
        lines.append(_line(_("family:"), dialect.family))
    if dialect.overrides:
        lines.append(_line(_("set by hand:"), ", ".join(sorted(dialect.overrides))))
    lines.append(_line(_("checked:"), dialect.detected_at or _("not yet")))
    lines.append(_line(_("webhook path:"), webhook_path(panel)))
    return "\n".join(lines)


async def panel_show(ctx: Context) -> None:
    panel = ctx.desk.panel(ctx.args.name)
    ctx.out(panel_json(panel), speaks_text(panel))


async def panel_detect(ctx: Context) -> None:
    panel = await ctx.desk.detect_dialect(ctx.args.name)
    ctx.out(panel_json(panel), speaks_text(panel))


async def panel_set(ctx: Context) -> None:
    panel = ctx.desk.set_dialect(ctx.args.name, ctx.args.thing, ctx.args.value)
    ctx.out(panel_json(panel), speaks_text(panel))


async def panel_add(ctx: Context) -> None:
    name, url = ctx.args.name, ctx.args.url
    key = read_key(name)
    panel = await ctx.desk.add_panel(name, url, key, rate_limit=ctx.args.rate_limit)
    added = _(
        'Added panel "{name}": balance {balance}. Its API key is in the system keyring.'
    ).format(name=panel.name, balance=format_money(panel.balance, panel.currency))
    if panel.url != url.strip():
        # Translators: the panel's API answered at another address than the one given.
        added += " " + _("Its API is at {url}.").format(url=panel.url)
    # Translators: {features} lists what the panel's API speaks ("drip-feed, refill").
    speaks = _("It speaks: {features}.").format(features=", ".join(panel.dialect.described()))
    ctx.out(panel_json(panel), f"{added}\n{speaks}")


def read_key(name: str) -> str:
    key = read_secret(_('API key of the panel "{name}" (input hidden): ').format(name=name))
    if not key:
        fail(
            _(
                "No API key was given. Pipe the key into the command (for example from a "
                "password manager) or type it when asked; it is never taken from the command "
                "line."
            )
        )
    return key


async def panel_list(ctx: Context) -> None:
    panels = ctx.desk.panels()

    def text() -> str:
        if not panels:
            return _("No panels yet. Add one with: smmdesk-cli panel add NAME URL")
        rows = [
            (p.name, p.url, p.currency or "", format_money(p.balance, p.currency), p.balance_at)
            for p in panels
        ]
        headers = (N_("NAME"), N_("URL"), N_("CURRENCY"), N_("BALANCE"), N_("CHECKED"))
        return table(headers, rows, right="BALANCE")

    ctx.out([panel_json(p) for p in panels], text)


async def panel_remove(ctx: Context) -> None:
    panel = await ctx.desk.remove_panel(ctx.args.name, purge=ctx.args.purge)
    ctx.out(
        {"removed": panel.name},
        _('Removed panel "{name}" and its API key.').format(name=panel.name),
    )


async def balance_command(ctx: Context) -> int:
    names = [ctx.args.name] if ctx.args.name else [p.name for p in ctx.desk.panels()]
    if ctx.args.name:
        ctx.desk.panel(ctx.args.name)  # an unknown name fails here with the known names
    elif not names:
        fail(_("No panels yet. Add one with: smmdesk-cli panel add NAME URL"))
    results = await asyncio.gather(
        *(ctx.desk.refresh_balance(n) for n in names), return_exceptions=True
    )
    shown, failed = [], 0
    for name, result in zip(names, results, strict=True):
        if isinstance(result, SmmdeskError):
            failed += 1
            ctx.note(f"{name}: {result}")
        elif isinstance(result, BaseException):
            raise result
        else:
            shown.append({"panel": name, "balance": result.amount, "currency": result.currency})
    ctx.out(
        jsonable(shown),
        lambda: (
            table(
                (N_("PANEL"), N_("BALANCE")),
                [(b["panel"], format_money(b["balance"], b["currency"])) for b in shown],
                right="BALANCE",
            )
            if shown
            else ""
        ),
    )
    return 1 if failed else 0
