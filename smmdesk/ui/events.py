"""What changed, broadcast to every view: each view redraws only its part (Anki's pattern).

Signals (past-tense events):
    panels_changed()            a panel was added, edited or removed
    balances_changed()          one or more balances were read again
    catalog_changed(str)        a panel's catalog was fetched again (panel name)
    orders_added(list)          new local order ids (placed, tracked, imported)
    orders_changed(list)        local order ids whose row changed (status, state, ...)
    refresh_started()           a status refresh began
    refresh_finished(object)    it ended; the payload is the core's Changes value
"""

from __future__ import annotations

from PySide6.QtCore import QObject, Signal


class DeskEvents(QObject):
    panels_changed = Signal()
    balances_changed = Signal()
    catalog_changed = Signal(str)
    orders_added = Signal(list)
    orders_changed = Signal(list)
    refresh_started = Signal()
    refresh_finished = Signal(object)
