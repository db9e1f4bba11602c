"""What a reseller wants to know about a service before ordering it, beyond its price:
its description and how long it takes.

    catalog_description(service)          the catalog's ``desc`` / ``description`` (plain text)
    catalog_average_time(service)         the catalog's ``average_time``, in words
    median_completion(db, panel_id, id)   how long this reseller's own orders of it took
    time_words(timedelta(minutes=90))     "1 h 30 min"

Panels that give these fields put them in the catalog entry (kept in ``Service.extra``);
when the catalog says nothing about time, the reseller's history does: the median time from
placing to the first "Completed" status, over their last orders of that service.
"""

from __future__ import annotations

import html
import re
import statistics
from datetime import timedelta

from sqlite_utils import Database

from smmdesk.core.api.models import Service
from smmdesk.core.i18n import _, ngettext
from smmdesk.core.store.sql import parse_time
from smmdesk.protocol import COMPLETED

DESCRIPTION_KEYS = ("desc", "description")
HISTORY_SAMPLE = 200  # the last orders of a service looked at
_BREAKS = re.compile(r"<\s*br\s*/?\s*>|</\s*(p|div|li)\s*>", re.IGNORECASE)
_TAGS = re.compile(r"<[^>]+>")
_BLANKS = re.compile(r"\n\s*\n+")


def _text(value: object) -> str:
    return value.strip() if isinstance(value, str) else ""


def catalog_description(service: Service) -> str:
    """The catalog's description as plain text (panels often send HTML), or ""."""
    for key in DESCRIPTION_KEYS:
        raw = _text(service.extra.get(key))
        if raw:
            plain = _TAGS.sub("", _BREAKS.sub("\n", raw))
            return _BLANKS.sub("\n", html.unescape(plain)).strip()
    return ""


def catalog_average_time(service: Service) -> str:
    """The catalog's ``average_time`` in words: "45 min" for 45 (minutes, as panels send
    numbers), else the panel's own text ("1 hour 20 minutes"); "" when it says nothing."""
    raw = service.extra.get("average_time")
    if isinstance(raw, bool) or raw is None:
        return ""
    if isinstance(raw, int | float) or (isinstance(raw, str) and raw.strip().isdigit()):
        minutes = int(float(raw))
        return time_words(timedelta(minutes=minutes)) if minutes > 0 else ""
    return _text(raw)


def median_completion(db: Database, panel_id: int, service_id: str) -> tuple[timedelta, int] | None:
    """(the median time from placing to "Completed", how many orders it is over) for this
    panel's service, from the reseller's last orders of it; None when none completed."""
    rows = db.execute(
        """SELECT o.created_at, MIN(e.at) FROM orders o
           JOIN order_events e ON e.order_id = o.id AND e.status = ?
           WHERE o.panel_id = ? AND o.service_id = ?
           GROUP BY o.id ORDER BY o.id DESC LIMIT ?""",
        (COMPLETED, panel_id, service_id, HISTORY_SAMPLE),
    ).fetchall()
    spans = []
    for created, completed in rows:
        span = parse_time(completed) - parse_time(created)
        if span >= timedelta(0):
            spans.append(span.total_seconds())
    if not spans:
        return None
    return timedelta(seconds=statistics.median(spans)), len(spans)


def time_words(span: timedelta) -> str:
    """ "under a minute", "45 min", "3 h 10 min", "2 days 4 h"."""
    minutes = int(span.total_seconds() // 60)
    if minutes < 1:
        return _("under a minute")
    days, minutes = divmod(minutes, 24 * 60)
    hours, minutes = divmod(minutes, 60)
    if days and hours:
        # Translators: a span of time: days, and hours abbreviated ("2 days 4 h").
        text = ngettext("{days} day {hours} h", "{days} days {hours} h", days)
        return text.format(days=days, hours=hours)
    if days:
        return ngettext("{days} day", "{days} days", days).format(days=days)
    if hours and minutes:
        # Translators: a span of time in hours and minutes, abbreviated ("3 h 10 min").
        text = ngettext("{hours} h {minutes} min", "{hours} h {minutes} min", hours)
        return text.format(hours=hours, minutes=minutes)
    if hours:
        # Translators: a span of time in hours, abbreviated.
        return ngettext("{count} h", "{count} h", hours).format(count=hours)
    # Translators: a span of time in minutes, abbreviated.
    return ngettext("{count} min", "{count} min", minutes).format(count=minutes)
