"""Numbers, money and dates in the reseller's language, and numbers read back the same way.

Shown (the GUI and the CLI's human output; CLDR data through Babel)::

    format_integer(1234567)                  ru "1 234 567", tr "1.234.567", hi "12,34,567"
    format_money(Decimal("1234.5"), "USD")   ru "1 234,50 USD", en "1,234.50 USD"
    format_date(date(2025, 12, 31))          ru "31 дек. 2025 г.", en "Dec 31, 2025"

Exports, ``--json`` and everything sent to a panel never come here: they stay locale-free
(dot decimals, ISO dates; smmdesk.core.money, smmdesk.cli.common.jsonable).

Read (``parse_integer``, ``parse_amount``): what a person types, in their language's way
*or* the plain one. The rules, for a language whose decimal mark is D and group mark G:
- ASCII digits everywhere, and the language's own digits where it has them (Arabic-Indic
  in Arabic, Devanagari in Hindi); spaces, no-break and thin spaces only ever group
  thousands ("1 000"); "-" is refused (no negative amounts).
- Groups are 3 digits after a first group of 1-3 that does not start with 0 (Indian
  "1,00,000" too). A mark that appears twice or more can only group ("1.000.000" anywhere).
- With both "." and ",", the last one is the decimal mark ("1.234,56" = "1,234.56").
- One mark, once: D is the decimal mark ("5,00" in Turkish = 5.00). G followed by exactly
  3 digits groups ("1.000" in Turkish = 1000, "1,000" in English = 1000); otherwise it is
  a decimal point ("5.00" and "0.555" stay plain decimals everywhere). A mark that is
  neither D nor G, followed by 3 digits, could mean either ("1.500" in Russian: 1500 or
  1.5?): refused as ambiguous, never guessed.
- A whole number (``parse_integer``) has no decimal part at all: "1,000" in Turkish is the
  decimal 1,000 and refused there (write 1000 or 1.000).
"""

from __future__ import annotations

import re
import unicodedata
from dataclasses import dataclass
from datetime import date, datetime
from decimal import ROUND_HALF_UP, Decimal
from functools import cache

from babel import Locale
from babel import dates as babel_dates
from babel import numbers as babel_numbers

from smmdesk.core.i18n import _, current_language, typed_language
from smmdesk.core.money import plain

_CENTS = Decimal("0.01")
_MAX_DIGITS = 15  # beyond any real quantity; also keeps int() far from its digit limit
SPACES = " \u00a0\u202f\u2009"
ARABIC_DECIMAL, ARABIC_GROUP = "\u066b", "\u066c"
# Digits read besides 0-9: the zeros of the scripts a language writes numbers in.
NATIVE_ZEROS = {"ar": ("\u0660", "\u06f0"), "hi": ("\u0966",)}


@cache
def babel_locale(language: str | None = None) -> Locale:
    """The CLDR locale of ``language`` (default: the current one); English when unknown."""
    try:
        return Locale.parse(language or current_language())
    except (ValueError, LookupError):
        return Locale.parse("en")


def _lang(language: str | None) -> str:
    return language or current_language()


# --- shown -----------------------------------------------------------------------------------


def format_integer(number: int, language: str | None = None) -> str:
    """``number`` with the language's digit groups: 1 234 567 (ru), 1.234.567 (tr)."""
    return babel_numbers.format_decimal(number, locale=babel_locale(_lang(language)))


def format_decimal(value: Decimal, language: str | None = None) -> str:
    """``value`` exactly (no digit rounded away), with the language's marks."""
    return babel_numbers.format_decimal(
        value, locale=babel_locale(_lang(language)), decimal_quantization=False
    )


def format_money(
    amount: Decimal | None,
    currency: str | None = None,
    *,
    language: str | None = None,
    cents: bool = False,
    missing: str = "",
) -> str:
    """An amount with at least two decimals and none lost ("0,55405 USD"); with ``cents``
    exactly two, rounded half up, as the window's lists show amounts. The currency code
    follows the number, as smmdesk writes it in every language."""
    if amount is None:
        return missing
    if not amount.is_finite():
        return f"{amount} {currency}" if currency else str(amount)
    value = amount.quantize(_CENTS, rounding=ROUND_HALF_UP) if cents else plain(amount)
    locale = babel_locale(_lang(language))
    pattern = babel_numbers.parse_pattern(locale.decimal_formats[None].pattern)
    pattern.frac_prec = (2, 2)
    text = pattern.apply(value, locale, decimal_quantization=False)
    return f"{text}\u00a0{currency}" if currency else text


def format_date(day: date, language: str | None = None) -> str:
    """A day as the language writes it, with the month named (never ambiguous)."""
    return babel_dates.format_date(day, format="medium", locale=babel_locale(_lang(language)))


def format_datetime(moment: datetime, language: str | None = None) -> str:
    """A moment in the computer's time zone: the day (as ``format_date``) and the time."""
    local = moment.astimezone() if moment.tzinfo else moment
    locale = babel_locale(_lang(language))
    day = babel_dates.format_date(local, format="medium", locale=locale)
    time = babel_dates.format_time(local, format="short", locale=locale)
    return f"{day} {time}"


# --- read ------------------------------------------------------------------------------------


class NumberTextError(ValueError):
    """A text that is not a number of the wanted kind. ``ambiguous``: it could be read two
    ways in this language ("1.500" in Russian) and was not guessed."""

    def __init__(self, text: str, *, ambiguous: bool = False):
        super().__init__(text)
        self.text = text
        self.ambiguous = ambiguous


@dataclass(frozen=True)
class _Reading:
    integer: str  # digits only
    fraction: str | None  # digits after the decimal mark, None when there is none
    ambiguous: bool = False


@cache
def _marks(language: str) -> tuple[str, str]:
    """(decimal mark, group mark) of ``language``; a space-like group mark reads as " "."""
    locale = babel_locale(language)
    decimal = babel_numbers.get_decimal_symbol(locale)
    group = babel_numbers.get_group_symbol(locale)
    return decimal, " " if group in SPACES else group


def _ascii(text: str, language: str, decimal: str, group: str) -> str:
    zeros = NATIVE_ZEROS.get(language.split("_")[0], ())
    out = []
    for char in text.strip():
        if char.isdigit() and any(0 <= ord(char) - ord(zero) <= 9 for zero in zeros):
            out.append(str(unicodedata.digit(char, 0)))
        elif char == ARABIC_DECIMAL:
            out.append(decimal)
        elif char == ARABIC_GROUP:
            out.append(group)
        else:
            out.append(" " if char in SPACES else char)
    return "".join(out)


_TOKENS = re.compile(r"^[0-9]+(?:[., ][0-9]+)*$")


def _grouped(runs: list[str]) -> bool:
    """Whether digit runs form groups of thousands: 1-3 digits (not led by 0), then 3s;
    or the Indian way: 1-2 digits, then 2s, then a last 3."""
    first, rest = runs[0], runs[1:]
    if not rest:
        return True
    if first.startswith("0"):
        return False
    if 1 <= len(first) <= 3 and all(len(run) == 3 for run in rest):
        return True
    return len(first) <= 2 and all(len(run) == 2 for run in rest[:-1]) and len(rest[-1]) == 3


def _read(raw: str, language: str) -> _Reading:
    decimal, group = _marks(language)
    text = _ascii(raw, language, decimal, group)
    if not _TOKENS.match(text):
        raise NumberTextError(raw)
    runs = re.split(r"[., ]", text)
    seps = re.findall(r"[., ]", text)
    marks = [s for s in seps if s != " "]
    kinds = set(marks)
    point: int | None = None  # index in seps of the decimal mark, if any
    ambiguous = False
    if len(kinds) == 2:
        point = len(seps) - 1
        if seps[point] == " " or marks.count(seps[point]) != 1:
            raise NumberTextError(raw)
    elif len(kinds) == 1 and len(marks) == 1:
        mark = marks[0]
        index = seps.index(mark)
        if index == len(seps) - 1:
            three = len(runs[-1]) == 3 and _grouped(runs[:-1]) and _grouped(runs)
            if mark == decimal:
                point = index
            elif mark == group and three:
                point = None
            elif three:
                point, ambiguous = index, True
            else:
                point = index
    integer_runs = runs if point is None else runs[: point + 1]
    group_seps = seps if point is None else seps[:point]
    if len(set(group_seps)) > 1 or not _grouped(integer_runs):
        raise NumberTextError(raw)
    fraction = None if point is None else runs[point + 1]
    return _Reading("".join(integer_runs), fraction, ambiguous)


def read_integer(text: str, language: str | None = None) -> int:
    """A whole number typed in ``language``'s way or the plain one; NumberTextError when it
    is not one (a decimal part, a sign, letters) or could be read two ways."""
    reading = _read(text, language or typed_language())
    if reading.ambiguous or reading.fraction is not None:
        raise NumberTextError(text, ambiguous=reading.ambiguous)
    if len(reading.integer) > _MAX_DIGITS:
        raise NumberTextError(text)
    return int(reading.integer)


def read_amount(text: str, language: str | None = None) -> Decimal:
    """An amount (a price, a sale price) typed in ``language``'s way or the plain one: "5,00"
    and "5.00" are both 5.00 in Turkish; NumberTextError when unreadable or ambiguous."""
    reading = _read(text, language or typed_language())
    if reading.ambiguous:
        raise NumberTextError(text, ambiguous=True)
    if len(reading.integer) > _MAX_DIGITS:
        raise NumberTextError(text)
    digits = reading.integer + ("." + reading.fraction if reading.fraction is not None else "")
    return Decimal(digits)


def parse_integer(text: str, language: str | None = None) -> int | None:
    """``read_integer``, or None."""
    try:
        return read_integer(text, language)
    except NumberTextError:
        return None


def parse_amount(text: str, language: str | None = None) -> Decimal | None:
    """``read_amount``, or None."""
    try:
        return read_amount(text, language)
    except NumberTextError:
        return None


def day_first(language: str | None = None) -> bool:
    """Whether ``language`` writes the day before the month in short dates (31/12/2025)."""
    pattern = babel_locale(_lang(language)).date_formats["short"].pattern
    return pattern.lower().find("d") < pattern.find("M")


def duration_text(seconds: float | None) -> str:
    """A time to complete, short: "12 min", "2 h 05" ("" when unknown)."""
    if seconds is None:
        return ""
    minutes = round(seconds / 60)
    if minutes < 60:
        # Translators: a duration in minutes, short ("12 min").
        return _("{minutes} min").format(minutes=max(minutes, 1))
    # Translators: a duration in hours and minutes, short ("2 h 05"; {minutes} has two digits).
    return _("{hours} h {minutes}").format(hours=minutes // 60, minutes=f"{minutes % 60:02d}")
