"""The orders view: every order smmdesk knows, filtered, sorted, acted on.

columns.py   what the table shows: columns, status labels and colours, SQL-like sort keys
model.py     OrdersModel: a page-at-a-time Qt table model over the SQLite history
counting.py  Counter: how many orders a filter matches, counted on a worker thread
filters.py   FilterBar: panel, status, date range, free text (debounced)
detail.py    DetailPane: one order's fields, status history and refills
actions.py   OrderActions: cancel, refill, copy, settle unknown outcomes, export
dialogs.py   confirmation, per-order results, the panel's order id
export.py    CSV export of the selection or of everything the filters match (progress, cancel)
view.py      OrdersPane: all of it in one widget for the main window
"""

from smmdesk.ui.orders.view import OrdersPane

__all__ = ["OrdersPane"]
