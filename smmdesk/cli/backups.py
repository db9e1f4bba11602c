"""CLI commands for keeping the order book: ``backup``, ``backups``, ``restore``,
``move-out``, ``move-in`` and ``keys``.

``backup``, ``backups``, ``restore`` and ``move-out`` run without opening the Desk, so they
work while the order book is damaged (every other command then says so and names
``smmdesk-cli restore latest``). ``move-in`` brings a move file into this data folder, then
asks for each panel's API key (stdin, or prompted on a terminal; an empty line skips one);
``keys`` asks again for those still missing.
"""

from __future__ import annotations

from pathlib import Path
from typing import Any

from smmdesk.cli.common import Context, add_command, jsonable, read_secret, table
from smmdesk.core import backup
from smmdesk.core.backup import BackupInfo, Restored
from smmdesk.core.desk import Desk
from smmdesk.core.errors import SmmdeskError
from smmdesk.core.i18n import N_, _, ngettext
from smmdesk.core.secrets import KeyStore
from smmdesk.core.settings import Settings, limits

SETTING_OPTIONS = (  # the help is translated in ``register``
    ("--folder", "backup_folder", "DIR", N_('keep automatic backups in DIR ("": the data folder)')),
    ("--every", "backup_every", "MIN", N_("minutes between backups while the program runs")),
    ("--keep-last", "backup_keep_last", "N", N_("keep the last N backups")),
    ("--keep-days", "backup_keep_days", "N", N_("and one a day for N days")),
    ("--keep-weeks", "backup_keep_weeks", "N", N_("and one a week for N weeks")),
)


def register(subparsers: Any) -> None:
    made = add_command(
        subparsers,
        "backup",
        backup_command,
        help=_("back the order book up now (to FILE, else to the backups folder)"),
    )
    made.add_argument("file", metavar="FILE", nargs="?", type=Path)
    listed = add_command(
        subparsers,
        "backups",
        backups_command,
        help=_("list the backups (and change where and how many are kept)"),
    )
    for flag, name, metavar, english in SETTING_OPTIONS:
        text = _(english)
        declared = limits(name)
        if declared.low is not None:
            # Translators: {help} is an option's help ("keep the last N backups"), then the
            # values it takes.
            text = _("{help} ({low} to {high})").format(
                help=text, low=declared.low, high=declared.high
            )
        listed.add_argument(flag, dest=name, metavar=metavar, help=text)
    back = add_command(
        subparsers,
        "restore",
        restore_command,
        # Translators: 'latest' is typed as it is.
        help=_("put a backup back (FILE or 'latest'); the current one is kept aside"),
    )
    back.add_argument("which", metavar="FILE|latest")
    out = add_command(
        subparsers,
        "move-out",
        move_out_command,
        help=_("write everything (orders, catalogs, settings, panels; no keys) to FILE"),
    )
    out.add_argument("file", metavar="FILE", type=Path)
    into = add_command(
        subparsers,
        "move-in",
        move_in_command,
        help=_("bring a move-out FILE into this data folder, then ask for the keys"),
    )
    into.add_argument("file", metavar="FILE", type=Path)
    into.add_argument(
        "--replace",
        action="store_true",
        help=_("replace the panels and orders here (they are backed up first)"),
    )
    into.add_argument("--no-keys", action="store_true", help=_("don't ask for keys now"))
    add_command(
        subparsers,
        "keys",
        keys_command,
        help=_("ask for the API key of every panel whose key is not in this keyring"),
    )
    for parser in (made, listed, back, out):
        parser.set_defaults(without_desk=True)
    into.set_defaults(without_desk=True)


def info_json(info: BackupInfo) -> dict[str, Any]:
    return jsonable(
        {
            "file": info.path,
            "kind": info.kind,
            "created_at": info.created_at,
            "orders": info.orders,
            "panels": list(info.panels),
            "size": info.size,
            "app_version": info.app_version,
        }
    )


def _size(count: int) -> str:
    if count >= 100_000:
        # Translators: a file's size in megabytes ("1.5 MB").
        return _("{size} MB").format(size=f"{count / 1_000_000:.1f}")
    # Translators: a file's size in kilobytes ("80 KB").
    return _("{size} KB").format(size=f"{count / 1000:.0f}")


async def backup_command(ctx: Context) -> None:
    settings = Settings.load(ctx.folder)
    info = backup.backup_now(ctx.folder, settings, target=ctx.args.file)
    assert info is not None
    text = ngettext(
        "Backed up {count} order(s) to {file} ({size}).",
        "Backed up {count} order(s) to {file} ({size}).",
        info.orders,
    )
    ctx.out(info_json(info), text.format(count=info.orders, file=info.path, size=_size(info.size)))


async def backups_command(ctx: Context) -> None:
    settings = Settings.load(ctx.folder)
    changes = {name: getattr(ctx.args, name) for _f, name, _m, _t in SETTING_OPTIONS}
    changes = {name: value for name, value in changes.items() if value is not None}
    if changes:
        settings = settings.update(**changes)
        settings.save()
        ctx.note(_("backup settings saved."))
    where = backup.backups_dir(ctx.folder, settings)
    good, bad = backup.list_backups(where)
    for path, why in bad:
        ctx.warn(f"{path.name}: {why}")

    def text() -> str:
        # Translators: {every} is in minutes; {last} backups are kept, then one a day for
        # {days} days and one a week for {weeks} weeks.
        head = _(
            "Backups in {folder} (every {every} min while smmdesk runs; kept: last {last}, "
            "one a day for {days} days, one a week for {weeks} weeks)"
        ).format(
            folder=where,
            every=settings.backup_every,
            last=settings.backup_keep_last,
            days=settings.backup_keep_days,
            weeks=settings.backup_keep_weeks,
        )
        if not good:
            return head + "\n" + _("No backups yet. Make one with: smmdesk-cli backup")
        rows = [(backup.when(b), b.kind, b.orders, _size(b.size), b.path.name) for b in good]
        return (
            head
            + "\n"
            + table(
                (N_("WHEN"), N_("KIND"), N_("ORDERS"), N_("SIZE"), N_("FILE")),
                rows,
                right="ORDERS SIZE",
            )
        )

    ctx.out(
        {
            "folder": where,
            "backups": [info_json(b) for b in good],
            "unreadable": [{"file": p, "problem": why} for p, why in bad],
        },
        text,
    )


def restored_json(restored: Restored) -> dict[str, Any]:
    salvage = restored.salvage
    return jsonable(
        {
            "restored": info_json(restored.backup),
            "orders": restored.orders,
            "kept_aside": restored.kept_aside,
            "recovered": None
            if salvage is None
            else {
                "added": salvage.added,
                "updated": salvage.updated,
                "damaged_tables": list(salvage.damaged_tables),
            },
        }
    )


def restored_text(restored: Restored) -> str:
    info = restored.backup
    # Translators: {when} is when the backup was made.
    text = ngettext(
        "Restored the backup of {when}: {count} order(s) in the order book now.",
        "Restored the backup of {when}: {count} order(s) in the order book now.",
        restored.orders,
    )
    lines = [text.format(when=backup.when(info), count=restored.orders)]
    if restored.kept_aside is not None:
        lines.append(_("What was there before is kept in {file}.").format(file=restored.kept_aside))
    if restored.salvage is not None:
        lines.append(restored.salvage.summary())
    return "\n".join(lines)


async def restore_command(ctx: Context) -> None:
    restored = backup.restore(ctx.folder, Settings.load(ctx.folder), ctx.args.which)
    ctx.out(restored_json(restored), restored_text(restored))


async def move_out_command(ctx: Context) -> None:
    info = backup.move_out(ctx.folder, Settings.load(ctx.folder), ctx.args.file)
    # Translators: no panels to list.
    names = ", ".join(info.panels) or _("none")
    # Translators: {panels} lists the panels' names; {name} is the file's name.
    text = ngettext(
        "Wrote {count} order(s), the catalogs, settings and panels ({panels}) to {file}. API "
        "keys are not in it: on the new computer run 'smmdesk-cli move-in {name}', which asks "
        "for each panel's key.",
        "Wrote {count} order(s), the catalogs, settings and panels ({panels}) to {file}. API "
        "keys are not in it: on the new computer run 'smmdesk-cli move-in {name}', which asks "
        "for each panel's key.",
        info.orders,
    )
    ctx.out(
        info_json(info),
        text.format(count=info.orders, panels=names, file=info.path, name=info.path.name),
    )


async def move_in_command(ctx: Context) -> int:
    moved = backup.move_in(ctx.folder, ctx.args.file, replace=ctx.args.replace)
    result = restored_json(moved.restored) | {"panels": list(moved.panels)}
    count = moved.restored.orders
    # Translators: {panels} lists the panels' names; {when} is when the file was written.
    came = ngettext(
        "Brought in {count} order(s) and the panels {panels} from {file} (written {when}).",
        "Brought in {count} order(s) and the panels {panels} from {file} (written {when}).",
        count,
    ).format(
        count=count,
        # Translators: no panels to list.
        panels=", ".join(moved.panels) or _("(none)"),
        file=ctx.args.file,
        when=backup.when(moved.restored.backup),
    )
    if ctx.args.no_keys:
        ctx.out(result, came + "\n" + _("Enter the panels' keys with: smmdesk-cli keys"))
        return 0
    ctx.note(came + " " + _("Now the API key of each panel:") if moved.panels else came)
    async with Desk(ctx.folder, KeyStore()) as desk:
        asked = await ask_keys(ctx, desk)
    ctx.out(result | asked, _keys_text(asked))
    return 1 if asked["missing"] else 0


async def keys_command(ctx: Context) -> int:
    asked = await ask_keys(ctx, ctx.desk)
    ctx.out(asked, _keys_text(asked))
    return 1 if asked["missing"] else 0


async def ask_keys(ctx: Context, desk: Desk) -> dict[str, list[str]]:
    """Ask for the key of every panel missing one; each is tested with its panel, then
    kept in the keyring (``Desk.update_panel``)."""
    kept, missing = [], []
    for panel in desk.missing_keys():
        key = read_secret(
            _('API key of the panel "{name}" (Enter to skip): ').format(name=panel.name)
        )
        if not key:
            missing.append(panel.name)
            continue
        try:
            await desk.update_panel(panel.name, key=key)
        except SmmdeskError as exc:
            ctx.warn(
                # Translators: {problem} is a sentence saying why the panel refused the key.
                _("{panel}: {problem} The key was not kept.").format(panel=panel.name, problem=exc)
            )
            missing.append(panel.name)
            continue
        kept.append(panel.name)
    return {"keys_kept": kept, "missing": missing}


def _keys_text(asked: dict[str, list[str]]) -> str:
    lines = []
    if asked["keys_kept"]:
        lines.append(
            # Translators: {panels} lists the panels' names.
            _("Keys kept in the system keyring: {panels}.").format(
                panels=", ".join(asked["keys_kept"])
            )
        )
    if asked["missing"]:
        lines.append(
            # Translators: {panels} lists the panels' names.
            _("Still without a key: {panels}. Enter them with: smmdesk-cli keys").format(
                panels=", ".join(asked["missing"])
            )
        )
    return "\n".join(lines) or _("Every panel has its key.")
