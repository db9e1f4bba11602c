"""Where smmdesk keeps its data: one folder with the SQLite file and the logs.

The folder is chosen once per run: the ``--data-dir`` value, else ``$SMMDESK_DATA_DIR``,
else the platform's user data folder for "smmdesk". It holds nothing secret: API keys live
only in the OS keyring (smmdesk.core.secrets).
"""

from __future__ import annotations

import os
from collections.abc import Mapping
from pathlib import Path

import platformdirs

from smmdesk import APP_NAME
from smmdesk.core.errors import LocalFileError
from smmdesk.core.i18n import _

DATA_DIR_ENV = "SMMDESK_DATA_DIR"
DATABASE_FILENAME = "smmdesk.sqlite3"
LOGS_DIRNAME = "logs"


def data_dir(cli_value: str | None = None, *, environ: Mapping[str, str] | None = None) -> Path:
    """The data folder (absolute), created if missing, with its ``logs/`` folder.

    ``cli_value`` is the ``--data-dir`` option; ``environ`` defaults to ``os.environ``.
    An empty value counts as not given. Raises ConfigError when the folder cannot be made.
    """
    env = os.environ if environ is None else environ
    chosen = (
        cli_value or env.get(DATA_DIR_ENV) or platformdirs.user_data_dir(APP_NAME, appauthor=False)
    )
    folder = Path(chosen).expanduser().resolve()
    _make_folder(folder)
    _make_folder(folder / LOGS_DIRNAME)
    return folder


def database_path(folder: Path) -> Path:
    """The SQLite file inside a data folder."""
    return folder / DATABASE_FILENAME


def logs_dir(folder: Path) -> Path:
    """The logs folder inside a data folder (created if missing)."""
    logs = folder / LOGS_DIRNAME
    _make_folder(logs)
    return logs


def _make_folder(folder: Path) -> None:
    try:
        folder.mkdir(mode=0o700, parents=True, exist_ok=True)
    except FileExistsError:
        # Translators: {folder} is a path; --data-dir and SMMDESK_DATA_DIR are typed as they are.
        message = _(
            "smmdesk cannot use {folder} as its data folder because a file has that name. "
            "Choose another folder with --data-dir or SMMDESK_DATA_DIR."
        )
        raise LocalFileError(message.format(folder=folder)) from None
    except OSError as exc:
        # Translators: {folder} is a path; {reason} the system's words ("Permission denied").
        message = _(
            "smmdesk cannot create its data folder {folder} ({reason}). Choose a folder you "
            "can write to with --data-dir or SMMDESK_DATA_DIR."
        )
        raise LocalFileError(message.format(folder=folder, reason=exc.strerror or exc)) from None
