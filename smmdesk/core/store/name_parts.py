"""How each service name reads (smmdesk.core.offers.names), kept in ``name_parts``.

A comparison reads every saved catalog (15,000 services on 5 big panels); reading each name
again would be most of its time. Names are read when a catalog is saved
(``remember_names``, called by the Desk after each catalog refresh) and by the comparison
for any name still missing; rows read by another version of the rules are read again.
"""

from __future__ import annotations

import json
import sqlite3
from collections.abc import Iterable, Mapping
from dataclasses import astuple

from sqlite_utils import Database

from smmdesk.core.api.models import Service
from smmdesk.core.offers.names import NAMES_VERSION, NameParts, read_name
from smmdesk.core.store.sql import transaction


def remember_names(db: Database, services: Iterable[Service]) -> None:
    """Read and keep the names of ``services`` not kept yet (by this version)."""
    wanted = {(s.name, s.category) for s in services}
    known = {
        (name, category)
        for name, category in db.execute(
            "SELECT name, category FROM name_parts WHERE version = ?", (NAMES_VERSION,)
        )
    }
    keep_parts(db, {key: read_name(*key) for key in wanted - known})


def keep_parts(db: Database, fresh: Mapping[tuple[str, str], NameParts]) -> None:
    """Keep names read now; a locked or read-only database keeps nothing (read next time)."""
    if not fresh:
        return
    rows = [
        (name, category, NAMES_VERSION, json.dumps(astuple(parts)))
        for (name, category), parts in fresh.items()
    ]
    try:
        with transaction(db):
            db.execute("DELETE FROM name_parts WHERE version != ?", (NAMES_VERSION,))
            db.conn.executemany("INSERT OR REPLACE INTO name_parts VALUES (?, ?, ?, ?)", rows)
    except sqlite3.OperationalError:
        pass


def parts_from_text(text: str) -> NameParts:
    return NameParts(*json.loads(text))
