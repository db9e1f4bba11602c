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
from smmdesk.core.money import format_money
from smmdesk.core.store import Panel
from smmdesk.core.webhook import path_for as webhook_path


def register(subparsers: Any) -> None:
    panel = add_group(subparsers, "panel", help="add, list or remove panels")
    add = add_command(
        panel,
        "add",
        panel_add,
        help="add a panel (the API key is read from stdin, or prompted for on a terminal)",
    )
    add.add_argument("name", metavar="NAME", help="a short name for the panel, e.g. MainPanel")
    add.add_argument("url", metavar="URL", help="the panel's API URL, https://.../api/v2")
    add.add_argument(
        "--rate-limit",
        type=int,
        metavar="N",
        help="requests per minute smmdesk may send to this panel (default 1000)",
    )
    add_command(panel, "list", panel_list, help="list the panels")
    show = add_command(panel, "show", panel_show, help="show a panel and what it speaks")
    show.add_argument("name", metavar="NAME")
    detect = add_command(panel, "detect", panel_detect, help="find out again what the panel speaks")
    detect.add_argument("name", metavar="NAME")
    setting = add_command(
        panel,
        "set",
        panel_set,
        help="set one thing the panel speaks by hand (auto: detect it again)",
    )
    setting.add_argument("name", metavar="NAME")
    setting.add_argument("thing", metavar="THING", choices=SETTABLE, help=", ".join(SETTABLE))
    setting.add_argument("value", metavar="VALUE", help="e.g. yes, no, lines, commas, auto")
    remove = add_command(panel, "remove", panel_remove, help="remove a panel and its key")
    remove.add_argument("name", metavar="NAME")
    remove.add_argument(
        "--purge", action="store_true", help="also delete the panel's orders from smmdesk"
    )
    balance = add_command(
        subparsers, "balance", balance_command, help="ask panels for their balance"
    )
    balance.add_argument("name", metavar="NAME", nargs="?", help="one panel (default: all)")


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


def speaks_text(panel: Panel) -> str:
    dialect = panel.dialect
    lines = [
        f"{panel.name}  {panel.url}",
        f"  balance:  {format_money(panel.balance, panel.currency)}",
        f"  speaks:   {', '.join(dialect.describe())}",
    ]
    if dialect.family:
        lines.append(f"  family:   {dialect.family}")
    if dialect.overrides:
        lines.append(f"  set by hand: {', '.join(sorted(dialect.overrides))}")
    lines.append(f"  checked:  {dialect.detected_at or 'not yet'}")
    lines.append(f"  webhook path: {webhook_path(panel)}")
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
    moved = "" if panel.url == url.strip() else f" Its API is at {panel.url}."
    ctx.out(
        panel_json(panel),
        f'Added panel "{panel.name}": balance {format_money(panel.balance, panel.currency)}. '
        f"Its API key is in the system keyring.{moved}\n"
        f"It speaks: {', '.join(panel.dialect.describe())}.",
    )


def read_key(name: str) -> str:
    key = read_secret(f'API key of the panel "{name}" (input hidden): ')
    if not key:
        fail(
            "No API key was given. Pipe the key into the command (for example from a password "
            "manager) or type it when asked; it is never taken from the command line."
        )
    return key


async def panel_list(ctx: Context) -> None:
    panels = ctx.desk.panels()

    def text() -> str:
        if not panels:
            return "No panels yet. Add one with: smmdesk-cli panel add NAME URL"
        rows = [
            (p.name, p.url, p.currency or "", format_money(p.balance, p.currency), p.balance_at)
            for p in panels
        ]
        return table(("NAME", "URL", "CURRENCY", "BALANCE", "CHECKED"), rows, right="BALANCE")

    ctx.out([panel_json(p) for p in panels], text)


async def panel_remove(ctx: Context) -> None:
    panel = await ctx.desk.remove_panel(ctx.args.name, purge=ctx.args.purge)
    ctx.out(
        {"removed": panel.name},
        f'Removed panel "{panel.name}" and its API key.',
    )


async def balance_command(ctx: Context) -> int:
    names = [ctx.args.name] if ctx.args.name else [p.name for p in ctx.desk.panels()]
    if ctx.args.name:
        ctx.desk.panel(ctx.args.name)  # an unknown name fails here with the known names
    elif not names:
        fail("No panels yet. Add one with: smmdesk-cli panel add NAME URL")
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
                ("PANEL", "BALANCE"),
                [(b["panel"], format_money(b["balance"], b["currency"])) for b in shown],
                right="BALANCE",
            )
            if shown
            else ""
        ),
    )
    return 1 if failed else 0
