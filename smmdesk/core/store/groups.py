"""The reseller's choices about which services of different panels are the same.

smmdesk groups offers by itself (smmdesk.core.offers.grouping); the reseller corrects it.
A choice is a row per (panel, service id), so it survives every catalog refresh (the
catalog snapshot is replaced, this table is not) and goes only with its panel:

    group_key, alone=0   the service belongs to this group (confirmed or joined by hand);
                         services the grouping finds alike may still join the group
    alone=1              the service was split off: it stands alone, nothing joins it
    no row               the grouping decides
"""

from __future__ import annotations

import secrets
from collections.abc import Iterable
from dataclasses import dataclass

from sqlite_utils import Database

from smmdesk.core.store.sql import now, time_text, transaction

ServiceRef = tuple[int, str]  # (panel id, service id)


@dataclass(frozen=True)
class GroupChoice:
    panel_id: int
    service_id: str
    group_key: str
    alone: bool


def group_choices(db: Database) -> dict[ServiceRef, GroupChoice]:
    """Every choice the reseller made, by (panel id, service id)."""
    rows = db.execute("SELECT panel_id, service_id, group_key, alone FROM service_groups")
    return {(r[0], r[1]): GroupChoice(r[0], r[1], r[2], bool(r[3])) for r in rows}


def keep_together(db: Database, services: Iterable[ServiceRef]) -> str:
    """Confirm or join: these services are one group from now on. Returns the group's key
    (one the services already had by hand, else a new one)."""
    refs = list(dict.fromkeys((int(p), str(s)) for p, s in services))
    with transaction(db):
        choices = group_choices(db)
        keys = [choices[r].group_key for r in refs if r in choices and not choices[r].alone]
        key = keys[0] if keys else f"g{secrets.token_hex(6)}"
        _write(db, [(p, s, key, 0) for p, s in refs])
        return key


def set_alone(db: Database, panel_id: int, service_id: str) -> None:
    """Split: the service stands alone, whatever its name looks like."""
    with transaction(db):
        _write(db, [(panel_id, str(service_id), f"alone:{panel_id}:{service_id}", 1)])


def forget_choice(db: Database, panel_id: int, service_id: str) -> bool:
    """Let the grouping decide again for this service; False when there was no choice."""
    with transaction(db):
        cursor = db.execute(
            "DELETE FROM service_groups WHERE panel_id = ? AND service_id = ?",
            (panel_id, str(service_id)),
        )
        return cursor.rowcount > 0


def _write(db: Database, rows: list[tuple[int, str, str, int]]) -> None:
    at = time_text(now())
    db.conn.executemany(
        "INSERT INTO service_groups (panel_id, service_id, group_key, alone, updated_at) "
        "VALUES (?, ?, ?, ?, ?) ON CONFLICT (panel_id, service_id) DO UPDATE SET "
        "group_key = excluded.group_key, alone = excluded.alone, updated_at = excluded.updated_at",
        [(*row, at) for row in rows],
    )
