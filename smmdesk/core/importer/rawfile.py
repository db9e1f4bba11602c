"""What reading an order file gives: ``RawRow``, ``OrderFile`` and ``ImportFileError``.

Nothing here is checked against the catalog: a row holds the texts as they stand in the
file. Validation, pricing and submission read these objects later.
"""

from __future__ import annotations

import re
from dataclasses import dataclass, field
from typing import Literal

from smmdesk.core.errors import LocalFileError
from smmdesk.core.i18n import N_, _


class ImportFileError(LocalFileError):
    """A file smmdesk cannot read as orders. The message says why, where, and what to do;
    ``line`` and ``column`` (1-based, None when the whole file is at fault) say where."""

    default_message = N_("smmdesk cannot read this file as orders.")

    def __init__(
        self, user_message: str, *, line: int | None = None, column: int | None = None
    ) -> None:
        super().__init__(user_message)
        self.line = line
        self.column = column


@dataclass(frozen=True, slots=True)
class RawRow:
    """One order as the file gives it.

    ``number``: 1-based count of the non-empty data rows (blank rows are not counted), so
    it is the same every time the same bytes are read: with the file's hash it is the
    row's identity. ``line``: the file line where the row starts, for messages.
    ``values``: API field name -> trimmed text (newlines inside a cell kept as ``\\n``);
    empty cells are left out. ``problem``: set when the reader could not split the row
    (the row is kept so the preview can show it; it must never be sent).
    """

    number: int
    line: int
    values: dict[str, str]
    problem: str | None = None


@dataclass(frozen=True, slots=True)
class OrderFile:
    """A read order file.

    ``format``: "csv" (a header row names the columns) or "mass" (the panels' mass-order
    text, ``service|link|quantity`` per line). ``encoding``: the Python codec the bytes
    were decoded with. ``delimiter``: the CSV delimiter (None for mass-order text).
    ``columns``: the row keys in file order (API field names after mapping, then extra
    columns under their own names); ``unknown_columns``: those that are not API fields.
    ``content_hash``: sha256 hex of the bytes. ``notes``: sentences for the preview about
    how columns were read (e.g. an "ID" column taken as the service).
    """

    rows: list[RawRow]
    format: Literal["csv", "mass"]
    encoding: str
    delimiter: str | None
    columns: list[str]
    unknown_columns: list[str]
    content_hash: str
    notes: list[str] = field(default_factory=list)
    name: str = ""


def file_label(name: str) -> str:
    """How messages name the file: its base name in quotes, or "the file"."""
    base = re.split(r"[\\/]", name)[-1]  # a Windows or POSIX path: show the name only
    # Translators: how a message names pasted orders or a file without a name ("{label}").
    return f"“{base}”" if base else _("the file")


def column_letter(index: int) -> str:
    """Spreadsheet letter of a 0-based column index: 0 -> A, 25 -> Z, 26 -> AA."""
    letters = ""
    index += 1
    while index:
        index, rest = divmod(index - 1, 26)
        letters = chr(ord("A") + rest) + letters
    return letters


def line_and_column(text: str, offset: int) -> tuple[int, int]:
    """1-based line and column of ``text[offset]``; CRLF, CR and LF each end a line."""
    before = text[:offset]
    line = before.count("\n") + before.count("\r") - before.count("\r\n") + 1
    line_start = max(before.rfind("\n"), before.rfind("\r")) + 1
    return line, offset - line_start + 1
