"""What changed, broadcast to every view: each view redraws only its part (Anki's pattern).

The one bridge between the core's event hub (``desk.events``, ``smmdesk.core.events``) and
the views: every Desk write publishes a ``Changed``; ``DeskEvents`` gathers them and, on a
short single-shot timer (``COALESCE_MS``), emits one signal per kind of change, so a burst
of writes redraws once. Widgets never emit these themselves.

Signals (past-tense events):
    panels_changed()            a panel was added, edited or removed
    balances_changed()          one or more balances were read again
    catalog_changed(str)        a panel's catalog was fetched again (panel name)
    orders_added(list)          new local order ids (placed, tracked, imported)
    orders_changed(list)        local order ids whose row changed (status, state, ...);
                                BATCH ids per signal, the loop turning in between
    book_replaced()             the whole order book was replaced (a restore): read it again
    refresh_started()           a status refresh began
    refresh_finished(object)    it ended (or a webhook post came); the payload is the core's
                                refresh ``Changes`` value
"""

from __future__ import annotations

import logging
from dataclasses import replace
from typing import TYPE_CHECKING

import shiboken6
from PySide6.QtCore import QObject, QTimer, Signal

from smmdesk.core.events import Changed

if TYPE_CHECKING:
    from smmdesk.core.desk import Desk

log = logging.getLogger(__name__)

COALESCE_MS = 20  # changes published within this long are told in one go
BATCH = 500  # orders per orders_changed signal (10,000 rows re-read at once freeze the window)


class DeskEvents(QObject):
    panels_changed = Signal()
    balances_changed = Signal()
    catalog_changed = Signal(str)
    orders_added = Signal(list)
    orders_changed = Signal(list)
    book_replaced = Signal()
    refresh_started = Signal()
    refresh_finished = Signal(object)

    def __init__(self, desk: Desk, parent: QObject | None = None):
        super().__init__(parent)
        self._desk = desk
        self._pending = Changed()
        self._added: dict[int, None] = {}  # ids gathered in order (a burst may bring 10,000)
        self._changed: dict[int, None] = {}
        self._timer = QTimer(self)
        self._timer.setSingleShot(True)
        self._timer.setInterval(COALESCE_MS)
        self._timer.timeout.connect(self.flush)
        hub = desk.events

        def heard(changed: Changed, *, this: DeskEvents = self) -> None:
            if not shiboken6.isValid(this):  # the window went: stop listening
                hub.unsubscribe(heard)
                return
            this._heard(changed)

        self._subscription = heard
        hub.subscribe(heard)
        self.destroyed.connect(lambda *_: hub.unsubscribe(heard))

    def close(self) -> None:
        """Stop listening to the Desk (what was gathered is dropped)."""
        self._desk.events.unsubscribe(self._subscription)
        self._timer.stop()

    def _heard(self, changed: Changed) -> None:
        self._added.update(dict.fromkeys(changed.orders_added))
        self._changed.update(dict.fromkeys(changed.orders_changed))
        if changed.orders_added or changed.orders_changed:  # gathered apart, above
            changed = replace(changed, orders_added=(), orders_changed=())
        self._pending = self._pending.merge(changed)
        if not self._timer.isActive():
            self._timer.start()

    def flush(self) -> None:
        """Emit what was gathered now (the timer does this ``COALESCE_MS`` after the first)."""
        self._timer.stop()
        pending, self._pending = self._pending, Changed()
        added, changed = list(self._added), [i for i in self._changed if i not in self._added]
        self._added, self._changed = {}, {}
        if self._desk.events.closed:  # the Desk closed meanwhile: nothing to read any more
            return
        if pending.refresh_started:
            self.refresh_started.emit()
        if pending.everything:
            self.book_replaced.emit()
        if pending.panels or pending.everything:
            self.panels_changed.emit()
        if pending.balances or pending.everything:
            self.balances_changed.emit()
        catalogs = sorted(pending.catalogs)
        if pending.everything:
            catalogs = [panel.name for panel in self._desk.read.list_panels()]
        for name in catalogs:
            self.catalog_changed.emit(name)
        if added:
            self.orders_added.emit(added)
        self._tell_changed(changed, pending)

    def _tell_changed(self, ids: list[int], pending: Changed) -> None:
        """BATCH orders at a time with the loop turning in between; then the refresh's end."""
        if self._desk.events.closed:
            return
        if ids:
            self.orders_changed.emit(ids[:BATCH])
        if len(ids) > BATCH:
            rest = ids[BATCH:]
            QTimer.singleShot(0, self, lambda: self._tell_changed(rest, pending))
            return
        if pending.refresh is not None:
            self.refresh_finished.emit(pending.refresh)
