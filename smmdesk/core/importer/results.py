"""The per-row result file of an import run: what became of each row, as a CSV.

Written into the data folder's ``imports`` folder, next to the database that holds the
import record, named after the import and the time of the run. Excel-friendly like the
order export (smmdesk.core.export): UTF-8 with BOM, CRLF, formula-looking cells neutralised
(links and errors come from customers and panels).
"""

from __future__ import annotations

import csv
import os
import re
from collections.abc import Iterable
from pathlib import Path

from smmdesk.core.errors import LocalFileError
from smmdesk.core.export import cell
from smmdesk.core.i18n import _
from smmdesk.core.importer.submit import RowResult
from smmdesk.core.store.sql import now

IMPORTS_DIRNAME = "imports"
COLUMNS = ("row", "panel", "service", "link", "state", "remote_id", "error")
_UNSAFE = re.compile(r"[^\w.-]+")


def imports_dir(folder: Path) -> Path:
    """The data folder's ``imports`` folder (created if missing)."""
    path = Path(folder) / IMPORTS_DIRNAME
    path.mkdir(mode=0o700, parents=True, exist_ok=True)
    return path


def result_path(folder: Path, import_id: int, file_name: str) -> Path:
    """Where a run's result file goes: imports/import-<id>-<file stem>-<UTC time>.csv."""
    stem = _UNSAFE.sub("_", Path(re.split(r"[\\/]", file_name)[-1]).stem)[:40].strip("_")
    stamp = now().strftime("%Y%m%d-%H%M%S")
    return imports_dir(folder) / f"import-{import_id}-{stem or 'orders'}-{stamp}.csv"


def write_results(path: Path, rows: Iterable[RowResult]) -> Path:
    """Write one line per row (replaced atomically); return ``path``."""
    partial = path.with_name(path.name + ".part")
    try:
        with partial.open("w", encoding="utf-8-sig", newline="") as handle:
            writer = csv.writer(handle, lineterminator="\r\n")
            writer.writerow(COLUMNS)
            for r in rows:
                values = (r.number, r.panel, r.service, r.link, r.state, r.remote_id, r.error)
                writer.writerow([cell(v) for v in values])
        os.replace(partial, path)
    except OSError as exc:
        partial.unlink(missing_ok=True)
        raise LocalFileError(
            # Translators: {name} is a file's name; {reason} is the system's own words.
            _(
                "smmdesk could not write the import's result file {name}: "
                "{reason}. Check that the data folder is writable."
            ).format(name=path.name, reason=exc.strerror or exc)
        ) from None
    return path
