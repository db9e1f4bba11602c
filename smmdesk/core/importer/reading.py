"""Reading an order file as it really comes: bytes in, rows of raw field texts out.

``read_order_file`` decodes (decoding.py), then reads either a CSV with a header row
(headers.py names the columns) or the panels' mass-order text (massorder.py). It checks
nothing against the catalog; it only refuses files it cannot read, saying where and what
to do, and never drops a row it could not split (the row carries a ``problem``).

CSV decisions: the delimiter (comma, semicolon, tab or "|") is the one under which the
header row names the most order fields (an Excel "sep=;" first line decides it outright);
quoting is read strictly, so a missing quote is reported instead of silently merging rows
into one cell; rows whose cells are all empty are skipped and not numbered; empty cells
past the header's last column (a trailing delimiter) are ignored, filled ones are an error.
"""

from __future__ import annotations

import csv
import hashlib
import io
import re
from collections.abc import Iterator

from smmdesk.core.i18n import N_, _, ngettext
from smmdesk.core.importer import massorder
from smmdesk.core.importer.decoding import decode
from smmdesk.core.importer.headers import (
    KNOWN_FIELDS,
    SINGLE_LINE_FIELDS,
    Header,
    map_header,
    recognised_count,
)
from smmdesk.core.importer.rawfile import (
    ImportFileError,
    OrderFile,
    RawRow,
    column_letter,
    file_label,
    line_and_column,
)
from smmdesk.core.ordertypes.fields import shown

DELIMITERS = (",", ";", "\t", "|")
_SEP_LINE = re.compile(r'^"?sep=(.)"?[ \t]*(?:\r\n|\r|\n|$)', re.IGNORECASE)
_LISTED_OVERLONG = 5


def read_order_file(data: bytes, *, name: str = "") -> OrderFile:
    """Read an order file's bytes. ``name`` (the file's name) is used only in messages.

    Raises ImportFileError for a file that cannot be read as orders.
    """
    label = file_label(name)
    content_hash = hashlib.sha256(data).hexdigest()
    text, encoding = decode(data, label)
    delimiter, skip_first = _choose_delimiter(text)
    if delimiter is None:
        if not massorder.is_mass_text(text):
            raise _no_header(text, label)
        rows = massorder.read_mass(text)
        columns = list(massorder.COLUMNS)
        return OrderFile(rows, "mass", encoding, None, columns, [], content_hash, [], name)
    header, rows = _read_csv(text, delimiter, skip_first, label)
    columns = _used_columns(header, rows)
    unknown = [key for key in columns if key not in KNOWN_FIELDS]
    return OrderFile(
        rows, "csv", encoding, delimiter, columns, unknown, content_hash, header.notes, name
    )


def _choose_delimiter(text: str) -> tuple[str | None, bool]:
    """(delimiter, whether the first line is Excel's "sep=X"); None if no header is seen."""
    sep = _SEP_LINE.match(text)
    if sep and sep.group(1) in DELIMITERS:
        return sep.group(1), True
    best, best_score = None, (0, 0)
    for delimiter in DELIMITERS:
        cells = _first_record(text, delimiter)
        score = (recognised_count(cells), len(cells))
        if score[0] and score > best_score:
            best, best_score = delimiter, score
    return best, False


def _first_record(text: str, delimiter: str) -> list[str]:
    try:
        for _first, _last, cells in _records(text, delimiter):
            if any(cell.strip() for cell in cells):
                return cells
    except _BrokenRecord:
        pass
    return []


def _records(text: str, delimiter: str) -> Iterator[tuple[int, int, list[str]]]:
    """(first line, last line, cells) of every CSV record, blank ones included."""
    reader = csv.reader(
        io.StringIO(text, newline=""), delimiter=delimiter, strict=True, skipinitialspace=True
    )
    last = 0
    try:
        for cells in reader:
            first, last = last + 1, reader.line_num
            yield first, last, cells
    except csv.Error as exc:
        raise _BrokenRecord(str(exc), last + 1, reader.line_num) from None


class _BrokenRecord(Exception):
    """A record the csv module refused: ``first`` is its first line, ``line`` where the
    reader stopped."""

    def __init__(self, reason: str, first: int, line: int) -> None:
        super().__init__(reason)
        self.reason, self.first, self.line = reason, first, line


def _read_csv(
    text: str, delimiter: str, skip_first: bool, label: str
) -> tuple[Header, list[RawRow]]:
    header: Header | None = None
    rows: list[RawRow] = []
    overlong: list[int] = []
    try:
        for first, last, cells in _records(text, delimiter):
            if skip_first:
                skip_first = False
            elif header is not None:
                width = len(header.keys)
                if len(cells) > width and any(cell.strip() for cell in cells[width:]):
                    overlong.append(first)
                elif row := _row(len(rows) + 1, first, last, header.keys, cells):
                    rows.append(row)
            elif any(cell.strip() for cell in cells):
                if not recognised_count(cells):
                    raise _no_header(text, label, skip_sep=True)
                header = map_header(cells, line=first, label=label)
    except _BrokenRecord as broken:
        raise _csv_error(broken, text, delimiter, label) from None
    if header is None:
        raise _no_header(text, label, skip_sep=True)
    if overlong:
        raise _overlong(overlong, header, delimiter, label)
    if not rows:
        raise ImportFileError(
            _(
                "There are no orders in {label}: it has a header row but no rows below it. "
                "Add the orders under the header, then import the file again."
            ).format(label=label)
        )
    return header, rows


def _row(number: int, first: int, last: int, keys: list[str], cells: list[str]) -> RawRow | None:
    """The row of ``cells``, or None when every cell is empty."""
    values = {}
    broken = None
    for key, cell in zip(keys, cells, strict=False):
        value = cell.strip()
        if value:
            if "\r" in value:
                value = value.replace("\r\n", "\n").replace("\r", "\n")
            if broken is None and "\n" in value and key in SINGLE_LINE_FIELDS:
                broken = key
            values[key] = value
    if not values:
        return None
    problem = None
    if broken:
        # Translators: {field} is an order field's API name (link, quantity).
        problem = _(
            'the {field} cell runs over lines {first}-{last}: a quote (") is probably missing '
            "or misplaced, so several rows may have been read as one. Fix the quotes in the "
            "file and import it again."
        ).format(field=broken, first=first, last=last)
    return RawRow(number, first, values, problem)


def _used_columns(header: Header, rows: list[RawRow]) -> list[str]:
    """The header's keys in file order, without header-less columns no row fills."""
    blank_keys = {header.keys[i] for i in header.blank}
    filled = {key for row in rows for key in row.values if key in blank_keys}
    return [key for key in header.keys if key not in blank_keys or key in filled]


def _no_header(text: str, label: str, *, skip_sep: bool = False) -> ImportFileError:
    filled = ((n, line) for n, line in massorder.physical_lines(text) if line.strip())
    number, line = next(filled)
    if skip_sep and _SEP_LINE.match(line):
        number, line = next(filled, (number, line))
    return ImportFileError(
        # Translators: the column names (service, link, quantity, ...) are what the file
        # must say: keep them in English.
        _(
            "No header row was found in {label}: line {number} reads “{text}”. The first "
            "line must name the columns: service, link, quantity, and any other order fields "
            "(comments, runs, interval, username, ...), optionally panel and reference. Or "
            "use the panels' mass-order text: one order per line, as service|link|quantity."
        ).format(label=label, number=number, text=shown(line, 60)),
        line=number,
    )


def _overlong(lines: list[int], header: Header, delimiter: str, label: str) -> ImportFileError:
    listed = ", ".join(str(n) for n in lines[1:_LISTED_OVERLONG])
    more = len(lines) - _LISTED_OVERLONG
    text = _(
        "Line {line} of {label} has more cells than the header has columns ({columns}). A "
        "cell probably holds a {delimiter} without quotes around it (links often do). Put "
        "that cell in double quotes, or save the file again from Excel as CSV."
    ).format(
        line=lines[0], label=label, columns=len(header.keys), delimiter=_delimiter_name(delimiter)
    )
    if listed and more > 0:
        also = ngettext(
            "The same goes for lines {lines} and {more} more.",
            "The same goes for lines {lines} and {more} more.",
            more,
        ).format(lines=listed, more=more)
    elif listed:
        also = ngettext(
            "The same goes for line {lines}.", "The same goes for lines {lines}.", len(lines) - 1
        ).format(lines=listed)
    else:
        also = ""
    return ImportFileError(f"{text} {also}" if also else text, line=lines[0])


def _csv_error(broken: _BrokenRecord, text: str, delimiter: str, label: str) -> ImportFileError:
    reason, first = broken.reason, broken.first
    if "unexpected end of data" in reason or "field larger than field limit" in reason:
        opening = _unclosed_quote(text, delimiter, first)
        if opening is not None:
            line, column, cell = opening
            return ImportFileError(
                _(
                    'The quote (") that opens a cell on line {line} of {label} (column '
                    "{column}) is never closed, so everything after it would be one cell. Add "
                    "the closing quote, or remove the stray one, then import the file again."
                ).format(line=line, label=label, column=column_letter(cell)),
                line=line,
                column=column,
            )
    if "expected after" in reason:
        if broken.line != first:
            text = _(
                "Line {line} of {label} has text right after the closing quote of a cell "
                "(this row starts on line {first}: a quote may be missing there). Inside a "
                'quoted cell, write a quote as two quotes (""), and put nothing between a '
                "closing quote and the next delimiter."
            )
        else:
            text = _(
                "Line {line} of {label} has text right after the closing quote of a cell. "
                'Inside a quoted cell, write a quote as two quotes (""), and put nothing '
                "between a closing quote and the next delimiter."
            )
        return ImportFileError(
            text.format(line=broken.line, label=label, first=first), line=broken.line
        )
    return ImportFileError(
        # Translators: {reason} is Python's own (English) words for what is wrong.
        _(
            "The row that starts on line {first} of {label} cannot be read as CSV ({reason}). "
            "Save the file again from Excel as CSV, then import it again."
        ).format(first=first, label=label, reason=reason),
        line=first,
    )


def _unclosed_quote(text: str, delimiter: str, record_line: int) -> tuple[int, int, int] | None:
    """(line, column, cell index) of the quote left open in the record starting on
    ``record_line``, read the way the csv module reads it."""
    offset = _line_offset(text, record_line)
    in_quote, at_cell_start, cell, opened = False, True, 0, None
    i = offset
    while i < len(text):
        char = text[i]
        if in_quote:
            if char == '"':
                if text.startswith('""', i):
                    i += 1
                else:
                    in_quote = False
        elif char == '"' and at_cell_start:
            in_quote, opened = True, (i, cell)
        elif char in "\r\n":
            break
        elif char == delimiter:
            cell += 1
        at_cell_start = char == delimiter or (at_cell_start and char == " ")
        i += 1
    if not in_quote or opened is None:
        return None
    line, column = line_and_column(text, opened[0])
    return line, column, opened[1]


def _line_offset(text: str, line: int) -> int:
    offset = 0
    for number, chunk in enumerate(io.StringIO(text, newline=""), start=1):
        if number == line:
            break
        offset += len(chunk)
    return offset


def _delimiter_name(delimiter: str) -> str:
    names = {",": N_("comma"), ";": N_("semicolon"), "\t": N_("tab"), "|": "“|”"}
    return _(names[delimiter])
