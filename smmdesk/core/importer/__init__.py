"""Bulk import of orders from CSV files and the panels' mass-order text.

Reading (this package's first step): ``read_order_file(bytes) -> OrderFile`` of ``RawRow``,
raising ``ImportFileError`` for files that cannot be read. Validation against the catalog,
the preview and submission build on these rows.
"""

from __future__ import annotations

from smmdesk.core.importer.headers import KNOWN_FIELDS, ORDER_FIELDS, ROW_FIELDS
from smmdesk.core.importer.rawfile import ImportFileError, OrderFile, RawRow
from smmdesk.core.importer.reading import read_order_file

__all__ = [
    "KNOWN_FIELDS",
    "ORDER_FIELDS",
    "ROW_FIELDS",
    "ImportFileError",
    "OrderFile",
    "RawRow",
    "read_order_file",
]
