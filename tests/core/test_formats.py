"""Numbers, money and dates shown the reseller's way, and typed numbers read back with the
ambiguity rules of smmdesk.core.formats (the local way and the plain way, never a guess)."""

from __future__ import annotations

from datetime import UTC, date, datetime
from decimal import Decimal

import pytest

from smmdesk.core.formats import (
    NumberTextError,
    format_date,
    format_integer,
    format_money,
    parse_amount,
    parse_integer,
    read_amount,
    read_integer,
)
from smmdesk.core.i18n import using_language
from smmdesk.core.ordertypes import parse_date

NBSP, NNBSP = "\u00a0", "\u202f"


@pytest.mark.parametrize(
    ("language", "number", "money"),
    [
        ("en", "1,234,567", f"1,234.50{NBSP}USD"),
        ("ru", f"1{NBSP}234{NBSP}567", f"1{NBSP}234,50{NBSP}USD"),
        ("tr", "1.234.567", f"1.234,50{NBSP}USD"),
        ("pt_BR", "1.234.567", f"1.234,50{NBSP}USD"),
        ("es", "1.234.567", f"1.234,50{NBSP}USD"),
        ("id", "1.234.567", f"1.234,50{NBSP}USD"),
        ("hi", "12,34,567", f"1,234.50{NBSP}USD"),  # lakh grouping
        ("ar", "1,234,567", f"1,234.50{NBSP}USD"),  # Latin digits, as Babel's default
    ],
)
def test_numbers_and_money_in_each_language(language: str, number: str, money: str) -> None:
    assert format_integer(1234567, language) == number
    assert format_money(Decimal("1234.5"), "USD", language=language) == money


def test_money_keeps_every_digit_or_shows_cents() -> None:
    assert format_money(Decimal("0.55405"), language="ru") == "0,55405"
    assert format_money(Decimal("1000.00000"), language="ru") == f"1{NBSP}000,00"
    assert format_money(Decimal("991.91395"), "USD", language="tr", cents=True) == (
        f"991,91{NBSP}USD"
    )
    assert format_money(None, "USD", missing="-") == "-"


def test_dates_name_the_month() -> None:
    day = date(2025, 12, 31)
    assert format_date(day, "en") == "Dec 31, 2025"
    assert format_date(day, "ru") == f"31 дек. 2025{NNBSP}г."
    assert format_date(day, "pt_BR") == "31 de dez. de 2025"


def test_the_current_language_is_the_default() -> None:
    with using_language("tr"):
        assert format_integer(1000) == "1.000"
        assert parse_integer("1.000") == 1000
    assert format_integer(1000) == "1,000"


# language, text, whole number (None = refused), amount (None = refused)
READINGS = [
    # the plain way works everywhere
    ("tr", "1000", 1000, "1000"),
    ("tr", "5.00", None, "5.00"),
    ("ru", "5.00", None, "5.00"),
    ("tr", "0.555", None, "0.555"),  # a group never starts with 0: a decimal
    # the local way
    ("tr", "1.000", 1000, "1000"),
    ("tr", "1.000.000", 1000000, "1000000"),
    ("tr", "5,00", None, "5.00"),
    ("tr", "1.234,56", None, "1234.56"),
    ("pt_BR", "1.500", 1500, "1500"),
    ("es", "2,5", None, "2.5"),
    ("ru", "1 000", 1000, "1000"),
    ("ru", f"1{NBSP}000,5", None, "1000.5"),
    ("ru", "5,00", None, "5.00"),
    ("hi", "1,00,000", 100000, "100000"),
    ("en", "1,000", 1000, "1000"),
    ("en", "5,00", None, "5.00"),  # a comma with two digits can only be a decimal comma
    # both marks: the last one is the decimal mark
    ("en", "1.234,56", None, "1234.56"),
    ("tr", "1,234.56", None, "1234.56"),
    # ambiguous in this language: refused, never guessed
    ("ru", "1.500", None, None),  # 1500 or 1.5?
    ("ru", "1.000", None, None),
    # a decimal in this language is no whole number
    ("tr", "1,000", None, "1.000"),
    ("ru", "1,000", None, "1.000"),
    ("en", "1.000", None, "1.000"),
    # not numbers
    ("tr", "-5", None, None),
    ("tr", "5.", None, None),
    ("tr", ",5", None, None),
    ("tr", "1.2.3", None, None),
    ("en", "1,000 000", None, None),
    ("en", "ten", None, None),
    ("en", "", None, None),
    # the language's own digits, only in that language
    ("ar", "١٠٠٠", 1000, "1000"),
    ("ar", "١٢٫٥", None, "12.5"),
    ("hi", "१०००", 1000, "1000"),
    ("en", "١٠٠٠", None, None),
]


@pytest.mark.parametrize(("language", "text", "whole", "amount"), READINGS)
def test_reading_typed_numbers(
    language: str, text: str, whole: int | None, amount: str | None
) -> None:
    assert parse_integer(text, language) == whole
    assert parse_amount(text, language) == (None if amount is None else Decimal(amount))


def test_an_ambiguous_number_says_so() -> None:
    with pytest.raises(NumberTextError) as caught:
        read_amount("1.500", "ru")
    assert caught.value.ambiguous
    with pytest.raises(NumberTextError) as caught:
        read_integer("1,5", "tr")
    assert not caught.value.ambiguous


def test_amounts_are_decimals_never_floats() -> None:
    assert read_amount("0,1", "tr") + read_amount("0,2", "tr") == Decimal("0.3")


def test_day_first_languages_read_slashed_dates() -> None:
    assert parse_date("31/12/2025") is None  # English: 01/02 could be either day
    with using_language("pt_BR"):
        assert parse_date("31/12/2025") == date(2025, 12, 31)
        assert parse_date("2025-12-31") == date(2025, 12, 31)  # the plain way still works
    with using_language("ru"):
        assert parse_date("31.12.2025") == date(2025, 12, 31)


def test_a_moment_in_local_time() -> None:
    from smmdesk.core.formats import format_datetime

    text = format_datetime(datetime(2025, 12, 31, 12, 0, tzinfo=UTC), "ru")
    assert text.startswith((f"31 дек. 2025{NNBSP}г.", f"1 янв. 2026{NNBSP}г."))
