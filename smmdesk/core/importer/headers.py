"""Reading a CSV header row: which column holds which API field.

Owns the field names a file may use and their spellings. A header cell is compared with
case, spaces, underscores, hyphens and a trailing "(...)" ignored, so "Service ID",
"service_id" and "SERVICE-ID (number)" are all the service.

Decisions:
- "ID" is the service only when no other column is ("ID, Service, Link": the shop's own id);
  the preview gets a note saying so.
- "Note", "Notes" and "Customer" fill ``reference`` only when no "Reference"/"Ref" column
  exists (the first of them, in that order); the others stay extra columns.
- "Amount" is never the quantity: shops use it for money as often as for units. It stays an
  extra column, and when no quantity column exists a note says to rename it.
- Two columns that both name the same field (say "Link" and "URL") are an error: guessing
  which one to send could place orders for the wrong link.
- Any other column is kept as an extra field, under its header in snake_case ("Custom
  Field" -> "custom_field"); a column without a header is "column_<letter>".
"""

from __future__ import annotations

import re
from dataclasses import dataclass, field

from smmdesk.core.i18n import _
from smmdesk.core.importer.rawfile import ImportFileError, column_letter
from smmdesk.core.ordertypes import ADD_FIELDS, SINGLE_VALUE_FIELDS
from smmdesk.protocol import squash

# The columns an order file may fill come from the order-type table (nothing type-specific
# here): ``service`` plus every add field some type takes.
ORDER_FIELDS = ("service", *ADD_FIELDS)
ROW_FIELDS = ("panel", "reference", "sale_price")  # not sent: which panel, tag, customer pays
KNOWN_FIELDS = frozenset(ORDER_FIELDS + ROW_FIELDS)
# Fields whose value is one number, link, date or choice: a newline inside means broken quoting.
SINGLE_LINE_FIELDS = SINGLE_VALUE_FIELDS | {"service", "panel"}

_SPELLINGS = {squash(name): name for name in KNOWN_FIELDS} | {
    "serviceid": "service",
    "servicenumber": "service",
    "serviceno": "service",
    "url": "link",
    "linkurl": "link",
    "qty": "quantity",
    "comment": "comments",
    "customcomments": "comments",
    "keyword": "keywords",
    "ref": "reference",
    "panelname": "panel",
    "sale": "sale_price",
    "saleprice": "sale_price",
}
# Spellings used only when no column above gives the field; earlier ones win.
_FALLBACKS = (("id", "service"), ("customer", "reference"), ("note", "reference"),
              ("notes", "reference"))  # fmt: skip
_BRACKETS = re.compile(r"\([^)]*\)|\[[^\]]*\]")
_NOT_WORD = re.compile(r"\W+")


@dataclass(frozen=True)
class Header:
    """The meaning of each header cell: ``keys[i]`` is the row key of column ``i``.
    ``blank``: indices of columns without a header (kept only if a row fills them)."""

    keys: list[str]
    blank: frozenset[int] = frozenset()
    notes: list[str] = field(default_factory=list)


def spelling_key(cell: str) -> str:
    return squash(_BRACKETS.sub("", cell))


def recognised_count(cells: list[str]) -> int:
    """How many cells name an order field: the score of a candidate header row."""
    fallbacks = {spelling for spelling, _ in _FALLBACKS}
    return sum(1 for c in cells if (k := spelling_key(c)) in _SPELLINGS or k in fallbacks)


def map_header(cells: list[str], *, line: int, label: str) -> Header:
    """The Header of a row of header cells; ImportFileError if two columns give one field."""
    cells = [c.strip().lstrip("\ufeff").strip() for c in cells]
    keys: list[str | None] = [None] * len(cells)
    taken: dict[str, int] = {}
    for i, cell in enumerate(cells):
        name = _SPELLINGS.get(spelling_key(cell))
        if name is None:
            continue
        if name in taken:
            raise _duplicate(cells, taken[name], i, name, line=line, label=label)
        taken[name], keys[i] = i, name
    notes = _apply_fallbacks(cells, keys, taken)
    blank = frozenset(i for i, cell in enumerate(cells) if not cell)
    named = _name_extras(cells, keys)
    if "quantity" not in taken:
        notes += [_amount_note(i, c) for i, c in enumerate(cells) if spelling_key(c) == "amount"]
    return Header(named, blank, notes)


def _apply_fallbacks(cells: list[str], keys: list[str | None], taken: dict[str, int]) -> list[str]:
    notes = []
    for spelling, name in _FALLBACKS:
        if name in taken:
            continue
        for i, cell in enumerate(cells):
            if keys[i] is None and spelling_key(cell) == spelling:
                taken[name], keys[i] = i, name
                if name == "service":
                    notes.append(
                        # Translators: {column} is a spreadsheet letter (B); {title} the
                        # column's title as the file has it. “service” is the field's name.
                        _(
                            "Column {column} (“{title}”) was read as the service id, since "
                            "no column is named “service”."
                        ).format(column=column_letter(i), title=cell)
                    )
                break
    return notes


def _name_extras(cells: list[str], keys: list[str | None]) -> list[str]:
    """Fill the keys of the columns that are not API fields, each name used once."""
    used = {k for k in keys if k is not None}
    named = []
    for i, (cell, key) in enumerate(zip(cells, keys, strict=True)):
        if key is None:
            base = _NOT_WORD.sub("_", cell.lower()).strip("_") or f"column_{column_letter(i)}"
            key, n = base, 1
            while key in used:
                n += 1
                key = f"{base}_{n}"
            used.add(key)
        named.append(key)
    return named


def _amount_note(index: int, cell: str) -> str:
    return _(
        "Column {column} (“{title}”) was not read as the quantity, because it may hold a "
        "price. If it is the number of units to order, rename it “quantity”."
    ).format(column=column_letter(index), title=cell)


def _duplicate(
    cells: list[str], first: int, second: int, name: str, *, line: int, label: str
) -> ImportFileError:
    return ImportFileError(
        # Translators: {field} is an order field's API name (link, quantity, service).
        _(
            "Columns {first} (“{first_title}”) and {second} (“{second_title}”) of {label} "
            "both give the {field}, so smmdesk cannot tell which one to use. Delete or "
            "rename one of them in the header (line {line}), then import the file again."
        ).format(
            first=column_letter(first),
            first_title=cells[first],
            second=column_letter(second),
            second_title=cells[second],
            label=label,
            field=name,
            line=line,
        ),
        line=line,
        column=second + 1,
    )
