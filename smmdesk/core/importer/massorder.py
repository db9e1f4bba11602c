"""The panels' mass-order text: one order per line, fields split by "|", no header.

Owns the three line shapes panels accept:
- ``service|link|quantity`` (the usual one);
- ``service|quantity|link`` when the middle field is a number and the last looks like a
  link (some panels' order pages write it this way round);
- ``service|link`` (packages: the service fixes the quantity).
A line that fits none of them is kept, with a ``problem`` the preview shows, never dropped.
"""

from __future__ import annotations

import io
import re
from collections.abc import Iterator

from smmdesk.core.i18n import N_, _, ngettext
from smmdesk.core.importer.rawfile import RawRow
from smmdesk.core.ordertypes.fields import shown

COLUMNS = ("service", "link", "quantity")
_MASS_LINE = re.compile(r"^\s*\d+\s*\|")
_NUMBER = re.compile(r"^\d+$")
_LINKISH = re.compile(r"[/.@]|^https?:", re.IGNORECASE)
_SAMPLE = 20
# The problems of a mass-order line that fits no shape (shown after "This row can't be read:").
_NO_BAR = N_(
    "expected service|link|quantity (or service|link for a package), found “{line}” (no “|”)"
)


def is_mass_text(text: str) -> bool:
    """Whether at least half of the first non-blank lines start ``<number>|``."""
    sample: list[str] = []
    for _number, line in physical_lines(text):
        if line.strip():
            sample.append(line)
            if len(sample) == _SAMPLE:
                break
    fitting = sum(1 for line in sample if _MASS_LINE.match(line))
    return bool(sample) and fitting * 2 >= len(sample)


def read_mass(text: str) -> list[RawRow]:
    """One RawRow per non-blank line, numbered in order."""
    rows: list[RawRow] = []
    for line_number, line in physical_lines(text):
        if line.strip():
            values, problem = split_line(line)
            rows.append(RawRow(len(rows) + 1, line_number, values, problem))
    return rows


def split_line(line: str) -> tuple[dict[str, str], str | None]:
    """The fields of one mass-order line, and a problem text if it fits no shape."""
    parts = [part.strip() for part in line.strip().split("|")]
    while len(parts) > 1 and not parts[-1]:
        parts.pop()  # a trailing "|"
    if len(parts) == 3 and _NUMBER.match(parts[1]) and _looks_like_link(parts[2]):
        parts = [parts[0], parts[2], parts[1]]
    values = {key: value for key, value in zip(COLUMNS, parts, strict=False) if value}
    if len(parts) in (2, 3):
        return values, None
    if len(parts) == 1:
        # Translators: {line} is the start of the line; service|link|quantity stays as is.
        return values, _(_NO_BAR).format(line=shown(line, 60))
    # Translators: {line} is the start of the line; service|link|quantity stays as is.
    found = ngettext(
        "expected service|link|quantity (or service|link for a package), found {count} field: "
        "“{line}”",
        "expected service|link|quantity (or service|link for a package), found {count} fields: "
        "“{line}”",
        len(parts),
    )
    return values, found.format(count=len(parts), line=shown(line, 60))


def physical_lines(text: str) -> Iterator[tuple[int, str]]:
    """(1-based line number, line without its ending); CRLF, CR and LF each end a line."""
    for number, line in enumerate(io.StringIO(text, newline=""), start=1):
        yield number, line.rstrip("\r\n")


def _looks_like_link(text: str) -> bool:
    return not _NUMBER.match(text) and bool(_LINKISH.search(text))
