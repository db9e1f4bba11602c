"""The panels a reseller buys from: name, API URL, balance, pacing and what they refuse.

A panel's API key is not here: it lives in the OS keyring under the panel's name
(smmdesk.core.secrets). Names are unique regardless of case ("Main" and "main" are one).

Removing a panel never loses order history silently: ``remove_panel`` refuses while the
panel has orders, unless ``purge=True`` (then its orders, events and refills go too).
Its catalog and price history always go with it.
"""

from __future__ import annotations

import hmac
import secrets
from dataclasses import dataclass, field
from datetime import datetime
from decimal import Decimal
from typing import Any

from sqlite_utils import Database

from smmdesk.core.api.dialect import Dialect
from smmdesk.core.errors import NotFoundLocally, RequestRefused
from smmdesk.core.formats import format_integer
from smmdesk.core.i18n import _, ngettext
from smmdesk.core.store.sql import money_text, now, parse_money, parse_time, time_text, transaction
from smmdesk.protocol import DEFAULT_RATE_LIMIT

NAME_MAX_LENGTH = 60


@dataclass(frozen=True)
class Panel:
    id: int
    name: str
    url: str
    currency: str | None
    balance: Decimal | None  # last balance seen, None before the first check
    balance_at: datetime | None
    rate_limit: int  # requests per minute smmdesk allows itself on this panel
    catalog_fetched_at: datetime | None
    created_at: datetime
    dialect: Dialect = field(default_factory=Dialect)  # what it speaks (core.api.dialect)
    webhook_secret: str | None = None  # the secret of its own webhook path
    webhook_legacy: bool = False  # the old shared-token webhook path still works for it

    @property
    def refuses_subscriptions(self) -> bool:
        """The panel creates subscriptions only on its website (it said so, or its family
        is known to)."""
        return self.dialect.subscriptions is False


def add_panel(db: Database, name: str, url: str, *, rate_limit: int = DEFAULT_RATE_LIMIT) -> Panel:
    """Add a panel. The caller checks the URL (smmdesk.core.api) and stores the key."""
    name = _check_name(name)
    _check_rate_limit(rate_limit)
    with transaction(db):
        check_new_panel_name(db, name)
        cursor = db.execute(
            "INSERT INTO panels (name, url, rate_limit, created_at, webhook_secret) "
            "VALUES (?, ?, ?, ?, ?)",
            (name, url, rate_limit, time_text(now()), secrets.token_urlsafe(24)),
        )
        return get_panel_by_id(db, cursor.lastrowid or 0)


def check_new_panel_name(db: Database, name: str) -> None:
    """Raise ConfigError (what to do) when ``name`` can't be a new panel's name."""
    name = _check_name(name)
    if _find(db, name) is not None:
        raise RequestRefused(
            _(
                'A panel named "{name}" already exists. Choose another name, or remove '
                "the old panel first."
            ).format(name=name)
        )


def get_panel(db: Database, name: str) -> Panel:
    """The panel called ``name`` (any case); NotFoundLocally when there is none."""
    panel = _find(db, name.strip())
    if panel is None:
        # Translators: in place of the list of panels when there is none.
        known = ", ".join(p.name for p in list_panels(db)) or _("none yet")
        raise NotFoundLocally(
            # Translators: {known} lists the panels' names, or says "none yet".
            _(
                'smmdesk has no panel named "{name}" (panels: {known}). Check the name, or add '
                "the panel first."
            ).format(name=name, known=known)
        )
    return panel


def get_panel_by_id(db: Database, panel_id: int) -> Panel:
    row = db.execute(f"{_SELECT} WHERE id = ?", (panel_id,)).fetchone()
    if row is None:
        raise NotFoundLocally(_("smmdesk has no panel number {id}.").format(id=panel_id))
    return _panel(row)


def list_panels(db: Database) -> list[Panel]:
    """Every panel, by name."""
    return [_panel(row) for row in db.execute(f"{_SELECT} ORDER BY name")]


def remove_panel(db: Database, name: str, *, purge: bool = False) -> Panel:
    """Remove a panel and its catalog; its orders too only with ``purge=True``.

    Raises ConfigError while orders exist and ``purge`` is False. Returns the removed panel
    (the caller deletes its key from the keyring).
    """
    with transaction(db):
        panel = get_panel(db, name)
        orders = db.execute(
            "SELECT count(*) FROM orders WHERE panel_id = ?", (panel.id,)
        ).fetchone()[0]
        if orders and not purge:
            # Translators: "purge" is the word of the command's option; keep it.
            message = ngettext(
                'The panel "{name}" still has {count} order(s) in smmdesk, and removing '
                "it would delete their history. Export the orders first if you want to keep "
                "them, then remove the panel with its orders (purge).",
                'The panel "{name}" still has {count} order(s) in smmdesk, and removing '
                "it would delete their history. Export the orders first if you want to keep "
                "them, then remove the panel with its orders (purge).",
                orders,
            )
            raise RequestRefused(message.format(name=panel.name, count=orders))
        db.execute("DELETE FROM refills WHERE panel_id = ?", (panel.id,))
        db.execute("DELETE FROM orders WHERE panel_id = ?", (panel.id,))
        db.execute("DELETE FROM panels WHERE id = ?", (panel.id,))
    return panel


def set_balance(
    db: Database, panel_id: int, amount: Decimal, currency: str, at: datetime | None = None
) -> Panel:
    """Remember the balance the panel reported (at ``at``, default now); a balance that
    differs from the last one is also kept in ``balance_history``."""
    stamp = time_text(at or now())
    with transaction(db):
        last = db.execute(
            "SELECT amount, currency FROM balance_history WHERE panel_id = ? "
            "ORDER BY at DESC, id DESC LIMIT 1",
            (panel_id,),
        ).fetchone()
        _update(db, panel_id, balance=money_text(amount), currency=currency, balance_at=stamp)
        if last is None or Decimal(last[0]) != amount or last[1] != currency:
            db.execute(
                "INSERT INTO balance_history (panel_id, amount, currency, at) VALUES (?, ?, ?, ?)",
                (panel_id, money_text(amount), currency, stamp),
            )
        return get_panel_by_id(db, panel_id)


def set_refuses_subscriptions(db: Database, panel_id: int, refuses: bool = True) -> None:
    """Remember that the panel refuses (or, again, accepts) subscriptions by API (unless the
    user set that by hand)."""
    with transaction(db):
        dialect = get_panel_by_id(db, panel_id).dialect
        _update(db, panel_id, dialect=dialect.learned(subscriptions=not refuses).to_json())


def set_dialect(db: Database, panel_id: int, dialect: Dialect) -> Panel:
    """Remember what the panel speaks (detected, learned or set by the user)."""
    with transaction(db):
        _update(db, panel_id, dialect=dialect.to_json())
        return get_panel_by_id(db, panel_id)


def panel_by_webhook_secret(db: Database, secret: str) -> Panel | None:
    """The panel whose own webhook path carries ``secret`` (compared in constant time)."""
    found = None
    for panel in list_panels(db):
        if panel.webhook_secret and hmac.compare_digest(panel.webhook_secret, secret):
            found = panel
    return found


def close_legacy_webhook(db: Database, panel_id: int) -> None:
    """The panel posted to its own webhook path: the old shared one no longer works for it."""
    with transaction(db):
        _update(db, panel_id, webhook_legacy=0)


def update_panel(
    db: Database, panel_id: int, *, url: str | None = None, rate_limit: int | None = None
) -> Panel:
    """Change a panel's URL and/or its requests-per-minute budget."""
    changes: dict[str, Any] = {}
    if url is not None:
        changes["url"] = url
    if rate_limit is not None:
        _check_rate_limit(rate_limit)
        changes["rate_limit"] = rate_limit
    with transaction(db):
        if changes:
            _update(db, panel_id, **changes)
        return get_panel_by_id(db, panel_id)


# --- helpers -----------------------------------------------------------------------------

_COLUMNS = (
    "id, name, url, currency, balance, balance_at, rate_limit, catalog_fetched_at, created_at, "
    "dialect, webhook_secret, webhook_legacy"
)
_SELECT = f"SELECT {_COLUMNS} FROM panels"


def _panel(row: tuple) -> Panel:
    return Panel(
        id=row[0],
        name=row[1],
        url=row[2],
        currency=row[3],
        balance=parse_money(row[4]),
        balance_at=parse_time(row[5]),
        rate_limit=row[6],
        catalog_fetched_at=parse_time(row[7]),
        created_at=parse_time(row[8]),
        dialect=Dialect.from_json(row[9]),
        webhook_secret=row[10],
        webhook_legacy=bool(row[11]),
    )


def _find(db: Database, name: str) -> Panel | None:
    row = db.execute(f"{_SELECT} WHERE name = ?", (name,)).fetchone()
    return None if row is None else _panel(row)


def _update(db: Database, panel_id: int, **values: Any) -> None:
    assignments = ", ".join(f"{column} = ?" for column in values)
    cursor = db.execute(
        f"UPDATE panels SET {assignments} WHERE id = ?", (*values.values(), panel_id)
    )
    if cursor.rowcount == 0:
        raise NotFoundLocally(_("smmdesk has no panel number {id}.").format(id=panel_id))


def _check_name(name: str) -> str:
    name = name.strip()
    if not name or len(name) > NAME_MAX_LENGTH or not name.isprintable():
        raise RequestRefused(
            _(
                "A panel name must be 1 to {maximum} printable characters, like "
                '"MainPanel". Choose another name.'
            ).format(maximum=format_integer(NAME_MAX_LENGTH))
        )
    return name


def _check_rate_limit(rate_limit: int) -> None:
    if isinstance(rate_limit, bool) or not isinstance(rate_limit, int) or rate_limit < 1:
        raise RequestRefused(
            _(
                "The request budget of a panel must be a whole number of requests per minute, "
                "at least 1."
            )
        )
