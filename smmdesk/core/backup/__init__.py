"""The order book survives: backups, restore, a damaged file, moving to a new computer.

    archive.py    the file format (zip: manifest + database copy + settings), snapshot
    files.py      atomic writes (temp, fsync, rename); disk refusals as StorageError
    rotation.py   automatic backups in a folder and their rotation
    health.py     PRAGMA quick_check at start; DamagedDatabase offering the latest backup
    restore.py    restore, keeping the current order book aside first
    salvage.py    rows recovered from a damaged file, merged into the restored one
    moving.py     move-out to one file, move-in on a new computer, the keys still to ask

Every function here is synchronous and opens its own SQLite connections, so the GUI runs
them on a worker thread. No API key is ever written by any of them.
"""

from smmdesk.core.backup.archive import BackupInfo, read_info, snapshot
from smmdesk.core.backup.health import check_database, integrity_problem, when
from smmdesk.core.backup.moving import MovedIn, missing_keys, move_in, move_out
from smmdesk.core.backup.restore import Restored, resolve, restore
from smmdesk.core.backup.rotation import (
    backup_now,
    backups_dir,
    changed_since_last,
    latest_backup,
    list_backups,
    prune,
    to_keep,
)
from smmdesk.core.backup.salvage import Salvage

__all__ = [
    "BackupInfo",
    "MovedIn",
    "Restored",
    "Salvage",
    "backup_now",
    "backups_dir",
    "changed_since_last",
    "check_database",
    "integrity_problem",
    "latest_backup",
    "list_backups",
    "missing_keys",
    "move_in",
    "move_out",
    "prune",
    "read_info",
    "resolve",
    "restore",
    "snapshot",
    "to_keep",
    "when",
]
