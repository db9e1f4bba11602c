"""Field kinds of the order-type table: how one text becomes a value, and back.

A ``FieldSpec`` describes one ``add`` field (its API name, kind, label, help text and the
checks that belong to the field alone). ``FieldSpec.parse`` turns the raw text a reseller
typed into a form, passed as ``FIELD=VALUE`` on the command line or left in a CSV cell into
a value (``int``, ``str``, ``list[str]``, ``datetime.date``), raising ``BadValue`` with a
sentence the reseller understands. ``FieldSpec.to_param`` turns the value back into the
text ``add`` sends. Checks that need the service or other fields live in ``draft.py``.

Labels, nouns and choice labels are English source texts marked with ``N_`` (table.py);
they are translated where shown (``title``, ``in_sentence``, the messages of ``BadValue``),
so the table itself stays language-free and importable before a language is chosen.
"""

from __future__ import annotations

import re
from collections.abc import Callable
from dataclasses import dataclass
from datetime import date
from enum import Enum

from smmdesk.core.formats import (
    NumberTextError,
    day_first,
    format_integer,
    read_integer,
)
from smmdesk.core.formats import parse_integer as parse_local_integer
from smmdesk.core.i18n import SOURCE_LANGUAGE, _, current_language
from smmdesk.protocol import squash


class FieldKind(Enum):
    TEXT = "text"  # one line of free text, trimmed
    LINK = "link"  # a URL, or at least a non-empty text without spaces
    USERNAME = "username"  # "@name" or "name": a text without spaces, kept as given
    INTEGER = "integer"  # a whole number; "1 000", "1,000" (and "1.000" in Turkish) = 1000
    LINES = "lines"  # one item per line; blank lines dropped
    LIST = "list"  # items separated by commas or new lines
    DATE = "date"  # YYYY-MM-DD (also DD.MM.YYYY, YYYY/MM/DD; DD/MM/YYYY where day-first)
    CHOICE = "choice"  # one of FieldSpec.choices, by code or by label


MULTILINE_KINDS = frozenset({FieldKind.LINES, FieldKind.LIST})

FieldValue = str | int | date | list[str]


class BadValue(ValueError):
    """A text that does not fit its field; ``message`` is a sentence for the reseller."""

    def __init__(self, message: str):
        super().__init__(message)
        self.message = message


@dataclass(frozen=True)
class FieldSpec:
    """One ``add`` field of an order type.

    ``help`` is placeholder / tooltip text. ``minimum``/``maximum`` bound an INTEGER
    field; ``service_bounds`` bounds it by the service's min..max instead. ``default`` is
    used (and sent) when the text is empty. ``dripfeed`` fields exist only when the service
    allows drip-feed; ``together_with`` names a field that must be given with this one (both
    or neither); ``not_above`` names a field this one may not exceed; ``needed_when`` =
    (field, code): required when that CHOICE field has that code, refused otherwise.
    ``not_past`` refuses past dates;
    ``noun`` names the field inside a sentence when the lower-cased label won't do.
    ``label``, ``help``, ``noun`` and choice labels are English (marked with ``N_``):
    ``title`` and ``in_sentence`` give them in the current language.
    """

    name: str
    kind: FieldKind
    required: bool
    label: str
    help: str
    choices: tuple[tuple[str, str], ...] = ()
    minimum: int | None = None
    maximum: int | None = None
    service_bounds: bool = False
    default: str = ""
    dripfeed: bool = False
    together_with: str | None = None
    not_above: str | None = None
    needed_when: tuple[str, str] | None = None
    not_past: bool = False
    noun: str = ""

    @property
    def title(self) -> str:
        """The label in the current language ("Quantity", "Количество")."""
        return _(self.label)

    @property
    def in_sentence(self) -> str:
        """The field's name inside a sentence ("the {in_sentence}"). English lower-cases
        the label's first word; other languages keep their label as it is (translations
        quote it: «Количество»), as a lower-cased label may not be a word there."""
        if current_language() != SOURCE_LANGUAGE:
            return _(self.noun) if self.noun else self.title
        if self.noun:
            return self.noun
        first, rest = ([*self.label.split(" ", 1), ""])[:2]
        first = first if first.isupper() else first.lower()
        return f"{first} {rest}" if rest else first

    @property
    def multiline(self) -> bool:
        """Whether a form shows this field as a multi-line text box."""
        return self.kind in MULTILINE_KINDS

    @property
    def missing_message(self) -> str:
        """What a reseller reads when this required field is empty."""
        field = self.in_sentence
        if self.kind is FieldKind.LINES:
            # Translators: {field} is a field's name as the form shows it ("Comments").
            return _("Enter the {field}, one per line.").format(field=field)
        if self.kind is FieldKind.LIST:
            return _("Enter the {field}, separated by commas or new lines.").format(field=field)
        if self.kind is FieldKind.CHOICE:
            # Translators: {choices} lists codes and names: "1 Desktop, 2 Mobile Android".
            return _("Choose the {field}: {choices}.").format(
                field=field, choices=self.choices_text()
            )
        return _("Enter the {field}.").format(field=field)

    def choices_text(self) -> str:
        return ", ".join(f"{code} {_(label)}" for code, label in self.choices)

    def choice_label(self, code: str) -> str:
        label = dict(self.choices).get(code)
        return _(label) if label else code

    def parse(self, raw: str, *, today: date | None = None) -> FieldValue:
        """The value of a non-empty ``raw`` text; raises BadValue with a sentence."""
        parser = _PARSERS[self.kind]
        return parser(self, raw, today or date.today())

    def to_param(
        self, value: FieldValue, *, separator: str = "\n", date_format: str = "%Y-%m-%d"
    ) -> str:
        """The text ``add`` sends for ``value``: list items one per line (a LIST joined with
        ``separator`` where the panel wants commas), dates in ``date_format``."""
        if isinstance(value, list):
            return ("\n" if self.kind is FieldKind.LINES else separator).join(value)
        if isinstance(value, date):
            return value.strftime(date_format)
        return str(value)


def is_blank(raw: str | None) -> bool:
    return raw is None or not raw.strip()


def split_lines(raw: str) -> list[str]:
    """Non-empty, trimmed lines of ``raw``; accepts \\n, \\r\\n and \\r line ends."""
    return [line.strip() for line in re.split(r"\r\n|\r|\n", raw) if line.strip()]


def split_list(raw: str) -> list[str]:
    """Trimmed items of ``raw`` separated by commas or line ends; empties dropped."""
    return [item.strip() for item in re.split(r"\r\n|\r|\n|,", raw) if item.strip()]


def shown(raw: str, limit: int = 40) -> str:
    """``raw`` trimmed and cut to ``limit`` characters, for quoting in a message."""
    text = " ".join(raw.split())
    return text if len(text) <= limit else text[: limit - 1] + "…"


def _parse_text(spec: FieldSpec, raw: str, today: date) -> str:
    text = raw.strip()
    if re.search(r"[\r\n]", text):
        # Translators: {label} is a field's name as the form shows it ("Country").
        raise BadValue(_("{label} must fit on one line.").format(label=spec.title))
    return text


_SCHEME = re.compile(r"^([A-Za-z][A-Za-z0-9+.-]*)://(.*)$")


def _parse_link(spec: FieldSpec, raw: str, today: date) -> str:
    text = raw.strip()
    if re.search(r"\s", text):
        raise BadValue(
            _(
                "{label} can't contain spaces: paste the address exactly as the browser shows it."
            ).format(label=spec.title)
        )
    match = _SCHEME.match(text)
    if match and not match.group(2).strip("/"):
        # Translators: {scheme} is the start of a web address, like "https".
        raise BadValue(
            _("{label} '{text}' has no address after '{scheme}://'.").format(
                label=spec.title, text=shown(text), scheme=match.group(1)
            )
        )
    return text


def _parse_username(spec: FieldSpec, raw: str, today: date) -> str:
    text = raw.strip()
    if re.search(r"\s", text):
        raise BadValue(
            _("{label} can't contain spaces: give one name like @name.").format(label=spec.title)
        )
    if text.strip("@") == "":
        raise BadValue(_("{label} needs a name after the '@'.").format(label=spec.title))
    return text


def parse_integer(text: str) -> int | None:
    """A whole number from ``text`` as the current language writes it, or None. Reads
    "1000", "1 000", "1,000" (and "1.000" in Turkish: smmdesk.core.formats has the rules);
    refuses "1.5", "1,5" and "-3"."""
    return parse_local_integer(text)


def _parse_integer(spec: FieldSpec, raw: str, today: date) -> int:
    try:
        number = read_integer(raw)
    except NumberTextError as error:
        if error.ambiguous:
            # Translators: "1.500" in Russian could mean 1500 or 1.5; {example} is 1000.
            message = _(
                "{label} '{text}' could be read two ways: write the number without dots "
                "or commas, like {example}."
            )
            raise BadValue(
                message.format(label=spec.title, text=shown(raw), example=format_integer(1000))
            ) from None
        example = spec.minimum if spec.minimum is not None and spec.minimum > 1 else 100
        raise BadValue(
            _("{label} must be a whole number like {example}, not '{text}'.").format(
                label=spec.title, example=format_integer(example), text=shown(raw)
            )
        ) from None
    if spec.minimum is not None and number < spec.minimum:
        raise BadValue(
            _("{label} must be at least {minimum}.").format(
                label=spec.title, minimum=format_integer(spec.minimum)
            )
        )
    if spec.maximum is not None and number > spec.maximum:
        raise BadValue(
            _("{label} must be at most {maximum}.").format(
                label=spec.title, maximum=format_integer(spec.maximum)
            )
        )
    return number


def _parse_lines(spec: FieldSpec, raw: str, today: date) -> list[str]:
    return split_lines(raw)


def _parse_list(spec: FieldSpec, raw: str, today: date) -> list[str]:
    return split_list(raw)


_DATE_FORMATS = (
    (re.compile(r"^(\d{4})-(\d{1,2})-(\d{1,2})$"), ("y", "m", "d")),
    (re.compile(r"^(\d{4})/(\d{1,2})/(\d{1,2})$"), ("y", "m", "d")),
    (re.compile(r"^(\d{1,2})\.(\d{1,2})\.(\d{4})$"), ("d", "m", "y")),
)
# DD/MM/YYYY, read only in languages that write the day first: in English (as CLDR's "en",
# month first) 01/02/2026 could be either day, so it stays refused there.
_DAY_FIRST_SLASHES = (re.compile(r"^(\d{1,2})/(\d{1,2})/(\d{4})$"), ("d", "m", "y"))


def parse_date(text: str) -> date | None:
    """A date from YYYY-MM-DD, YYYY/MM/DD or DD.MM.YYYY (and DD/MM/YYYY in a language that
    writes the day first), or None (also for 2025-02-30)."""
    formats = _DATE_FORMATS + ((_DAY_FIRST_SLASHES,) if day_first() else ())
    for pattern, order in formats:
        match = pattern.match(text.strip())
        if match:
            parts = dict(zip(order, (int(g) for g in match.groups()), strict=True))
            try:
                return date(parts["y"], parts["m"], parts["d"])
            except ValueError:
                return None
    return None


def _parse_date(spec: FieldSpec, raw: str, today: date) -> date:
    day = parse_date(raw)
    if day is None:
        # Translators: keep YYYY-MM-DD as it is: that way of writing a date always works.
        message = _(
            "{label} must be a real date written YYYY-MM-DD (like {example}), not '{text}'."
        )
        example = f"{today.year}-12-31"
        raise BadValue(message.format(label=spec.title, example=example, text=shown(raw)))
    if spec.not_past and day < today:
        raise BadValue(
            _("{label} {day} is in the past: pick today or later.").format(
                label=spec.title,
                day=day.isoformat(),  # as the date is typed: YYYY-MM-DD
            )
        )
    return day


def _parse_choice(spec: FieldSpec, raw: str, today: date) -> str:
    wanted = squash(raw)
    for code, label in spec.choices:
        names = {squash(code), squash(label), squash(code + label), squash(code + _(label))}
        if wanted in names or wanted == squash(_(label)):
            return code
    raise BadValue(
        _("{label} must be one of: {choices}.").format(
            label=spec.title, choices=spec.choices_text()
        )
    )


_PARSERS: dict[FieldKind, Callable[[FieldSpec, str, date], FieldValue]] = {
    FieldKind.TEXT: _parse_text,
    FieldKind.LINK: _parse_link,
    FieldKind.USERNAME: _parse_username,
    FieldKind.INTEGER: _parse_integer,
    FieldKind.LINES: _parse_lines,
    FieldKind.LIST: _parse_list,
    FieldKind.DATE: _parse_date,
    FieldKind.CHOICE: _parse_choice,
}
