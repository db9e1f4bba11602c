"""Moving to a new computer with one file: the order book, catalogs, settings and the panel
list, never a key.

    info = move_out(folder, settings, "smmdesk-move.zip")      # on the old computer
    moved = move_in(folder, "smmdesk-move.zip")                 # on the new one
    for panel in missing_keys(desk): ... ask for its key ...    # into the new keyring

A move file is an archive like a backup (``smmdesk.core.backup.archive``) with the settings
inside. Bringing it in goes through ``restore``; into a data folder that already holds
panels or orders only with ``replace=True`` (the current order book is backed up first).
The settings come along, except the backup folder: a path of the old computer.
"""

from __future__ import annotations

import sqlite3
from dataclasses import dataclass
from pathlib import Path

from sqlite_utils import Database

from smmdesk.core.backup.archive import BackupInfo, read_info, read_settings
from smmdesk.core.backup.files import atomic_file
from smmdesk.core.backup.restore import Restored, restore
from smmdesk.core.backup.rotation import backup_now
from smmdesk.core.errors import NotFoundLocally, RequestRefused
from smmdesk.core.i18n import _, ngettext
from smmdesk.core.paths import database_path
from smmdesk.core.secrets import KeyStore
from smmdesk.core.settings import SETTINGS_NAME, Settings
from smmdesk.core.store import Panel, list_panels


@dataclass(frozen=True)
class MovedIn:
    restored: Restored
    panels: tuple[str, ...]  # the panels that came along (each needs its key here)


def move_out(folder: Path, settings: Settings, target: Path) -> BackupInfo:
    """Write everything of the data folder to the one file ``target``."""
    info = backup_now(folder, settings, target=Path(target), kind="move")
    assert info is not None
    return info


def move_in(folder: Path, source: Path, *, replace: bool = False) -> MovedIn:
    """Bring a move file (or any backup) into the data folder ``folder``."""
    folder = Path(folder)
    info = read_info(Path(source))
    held = _holds(database_path(folder))
    if held is not None and not replace:
        panels, orders = held
        # Translators: {panels} is "2 panel(s)", {orders} is "15 order(s)" (their own texts).
        message = _(
            "This data folder already holds {panels} and {orders}. Bring your data into a "
            "new, empty data folder (--data-dir), or replace what is here with --replace (it "
            "is backed up first)."
        )
        raise RequestRefused(
            message.format(
                # Translators: how many panels a data folder holds, inside a sentence.
                panels=ngettext("{count} panel(s)", "{count} panel(s)", panels).format(
                    count=panels
                ),
                # Translators: how many orders a data folder holds, inside a sentence.
                orders=ngettext("{count} order(s)", "{count} order(s)", orders).format(
                    count=orders
                ),
            )
        )
    settings = Settings.load(folder)
    restored = restore(folder, settings, info.path)
    carried = read_settings(info.path)
    if carried is not None:
        _take_settings(folder, carried)
    return MovedIn(restored, info.panels)


def _holds(db: Path) -> tuple[int, int] | None:
    """How many panels and orders a data folder's order book already holds (None when
    nothing)."""
    if not db.exists():
        return None
    try:
        conn = sqlite3.connect(str(db), timeout=15)
        try:
            panels = conn.execute("SELECT count(*) FROM panels").fetchone()[0]
            orders = conn.execute("SELECT count(*) FROM orders").fetchone()[0]
        finally:
            conn.close()
    except sqlite3.DatabaseError:
        return None  # no tables yet, or damaged: nothing to keep from being replaced
    if not panels and not orders:
        return None
    return int(panels), int(orders)


def _take_settings(folder: Path, carried: bytes) -> None:
    with atomic_file(folder / SETTINGS_NAME) as partial:
        partial.write_bytes(carried)
    Settings.load(folder).update(backup_folder="").save()  # a damaged one is set aside


def missing_keys(db: Database, keys: KeyStore) -> list[Panel]:
    """The panels whose API key this computer's keyring does not have yet."""
    missing = []
    for panel in list_panels(db):
        try:
            keys.get(panel.name)
        except NotFoundLocally:
            missing.append(panel)
    return missing
