"""Field kinds: how texts typed in a form, passed on the command line or left in a CSV cell
are read, and what a reseller reads when one can't be."""

from __future__ import annotations

from datetime import date

import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

from smmdesk.core.api.dialect import Dialect
from smmdesk.core.errors import FieldProblem, ValidationError
from smmdesk.core.ordertypes import (
    BadValue,
    FieldKind,
    FieldSpec,
    live_problems,
    parse_date,
    parse_integer,
    prepare_order,
    spec_for,
    split_lines,
    split_list,
)
from tests.core.ordertypes.test_ordertypes import DEMO_CATALOG, TODAY, problems_of, service

NBSP = "\u00a0"


@pytest.mark.parametrize(
    ("text", "number"),
    [
        ("1000", 1000),
        ("1000 ", 1000),
        (" 50", 50),
        ("1 000", 1000),
        (f"1{NBSP}000", 1000),
        ("1,000", 1000),
        ("10,000", 10000),
        ("1,000,000", 1000000),
        ("12 345 678", 12345678),
        ("007", 7),
    ],
)
def test_integers_read_the_way_people_write_them(text, number):
    assert parse_integer(text) == number


@pytest.mark.parametrize(
    "text",
    [
        "1.5",
        "-3",
        "1,5",
        "1,00",
        "1.000",
        "12 34",
        "1, 000",
        "1,000 000",
        "+5",
        "ten",
        "",
        "٣٤",
        "1e3",
        "9" * 16,
    ],
)
def test_integers_refuse_what_is_not_a_whole_number(text):
    assert parse_integer(text) is None


@pytest.mark.parametrize("text", ["1.5", "-3", "1,5", "lots"])
def test_a_bad_quantity_says_what_to_write(text):
    assert problems_of("1", link="x.com/p", quantity=text) == {
        "quantity": f"Quantity must be a whole number like 100, not '{text}'."
    }


def test_quantity_bounds_message():
    assert problems_of("1", link="x.com/p", quantity="10,001") == {
        "quantity": "Quantity must be between 50 and 10,000 for this service."
    }
    assert problems_of("1", link="x.com/p", quantity="49") == {
        "quantity": "Quantity must be between 50 and 10,000 for this service."
    }
    assert prepare_order(service("1"), {"link": "x.com/p", "quantity": "10,000"}).quantity == (
        10000
    )


def test_a_long_bad_text_is_cut_in_the_message():
    message = problems_of("1", link="x.com/p", quantity="x" * 500)["quantity"]
    assert len(message) < 120
    assert message.endswith("…'.")


def test_lines_accept_every_line_end_and_drop_blank_lines():
    assert split_lines("a\nb\r\nc\rd\n\n  \r\n e \n") == ["a", "b", "c", "d", "e"]
    assert split_lines(" \n\r\n") == []


def test_lists_accept_commas_or_new_lines():
    assert split_list(" a , b,,c\nd\r\n\r\ne ,") == ["a", "b", "c", "d", "e"]
    assert split_list(", ,\n") == []


def test_list_fields_are_sent_one_item_per_line_or_as_the_panel_wants():
    values = {"link": "x.com/p", "quantity": "100", "usernames": "@a\r\n@b", "hashtags": "#x, #y"}
    draft = prepare_order(service("11"), values)
    assert draft.params["usernames"] == "@a\n@b"  # what panels split on
    assert draft.params["hashtags"] == "#x\n#y"
    commas = prepare_order(service("11"), values, dialect=Dialect(list_separator=","))
    assert (commas.params["usernames"], commas.params["hashtags"]) == ("@a,@b", "#x,#y")
    draft = prepare_order(
        service("8"), {"link": "t.me/g", "quantity": "100", "groups": "@g1\r\n\r\n @g2 \r@g3"}
    )
    assert draft.params["groups"] == "@g1\n@g2\n@g3"


@pytest.mark.parametrize(
    "link",
    [
        "https://instagram.com/p/Cx1?igsh=abc",
        "instagram.com/shop",
        "shop",
        "@shop",
        "t.me/+AbC",
        "tg://resolve?domain=shop",
    ],
)
def test_links_that_are_accepted_as_given(link):
    draft = prepare_order(service("2"), {"link": f"  {link}\n", "quantity": "10"})
    assert draft.link == link
    assert draft.params["link"] == link


@pytest.mark.parametrize(
    ("link", "message"),
    [
        (
            "https://instagram.com/my shop",
            "Link can't contain spaces: paste the address exactly as the browser shows it.",
        ),
        ("https://", "Link 'https://' has no address after 'https://'."),
        ("http:///", "Link 'http:///' has no address after 'http://'."),
    ],
)
def test_links_that_are_refused(link, message):
    assert problems_of("2", link=link, quantity="10") == {"link": message}


def test_usernames_keep_their_at_sign_and_are_trimmed():
    draft = prepare_order(
        service("14"), {"link": "x.com/p", "quantity": "100", "username": "  @nasa \n"}
    )
    assert draft.params["username"] == "@nasa"


@pytest.mark.parametrize(
    ("text", "day"),
    [
        ("2025-07-01", date(2025, 7, 1)),
        ("2025-7-1", date(2025, 7, 1)),
        ("01.07.2025", date(2025, 7, 1)),
        ("1.7.2025", date(2025, 7, 1)),
        ("2025/07/01", date(2025, 7, 1)),
        (" 2024-02-29 ", date(2024, 2, 29)),
    ],
)
def test_dates_in_the_three_accepted_forms(text, day):
    assert parse_date(text) == day


@pytest.mark.parametrize("text", ["2025-02-30", "07/01/2025", "2025-13-01", "tomorrow", "2025"])
def test_dates_that_are_refused(text):
    assert parse_date(text) is None


def test_expiry_is_sent_normalised_and_bad_dates_explained():
    base = {"username": "@b", "min": "10", "max": "20", "delay": "0"}
    draft = prepare_order(service("9"), base | {"expiry": "2025/12/31"}, today=TODAY)
    assert draft.params["expiry"] == "2025-12-31"
    assert problems_of("9", **base, expiry="31/12/2025") == {
        "expiry": "Expiry date must be a real date written YYYY-MM-DD (like 2025-12-31), "
        "not '31/12/2025'."
    }


@pytest.mark.parametrize(
    "text", ["2", "Mobile Android", "mobile-android", "2 - Mobile Android", " MOBILE ANDROID "]
)
def test_choices_by_code_or_label(text):
    device = spec_for(service("17")).field("device")
    assert device is not None
    assert device.parse(text) == "2"


def test_a_choice_not_in_the_list_is_refused():
    device = spec_for(service("17")).field("device")
    assert device is not None
    with pytest.raises(BadValue) as info:
        device.parse("6")
    assert info.value.message == (
        "Device must be one of: 1 Desktop, 2 Mobile Android, 3 Mobile iOS, 4 Mixed mobile, "
        "5 Mixed physical."
    )


def test_integer_field_bounds_of_its_own():
    spec = FieldSpec("n", FieldKind.INTEGER, True, "Runs", "", minimum=2, maximum=9)
    assert spec.parse("2") == 2
    with pytest.raises(BadValue, match=r"^Runs must be at least 2\.$"):
        spec.parse("1")
    with pytest.raises(BadValue, match=r"^Runs must be at most 9\.$"):
        spec.parse("10")
    assert spec.to_param(1000) == "1000"


# --- any text at all: a problem or a draft, never a crash --------------------------------

ANY_TEXT = st.text(alphabet=st.characters(codec="utf-8"), max_size=40) | st.sampled_from(
    ["", " ", "0", "1", "100", "1 000", "-1", "1.5", "@a", "2025-06-15", "\r\n", "a,b\nc"]
)
FIELD_NAMES = sorted(
    {f.name for row in DEMO_CATALOG for f in spec_for(service(row[0])).fields} | {"foo"}
)


@settings(max_examples=300, deadline=None)
@given(
    sid=st.sampled_from([row[0] for row in DEMO_CATALOG]),
    values=st.dictionaries(st.sampled_from(FIELD_NAMES), ANY_TEXT, max_size=8),
)
def test_any_values_give_problems_or_a_draft(sid, values):
    svc = service(sid)
    problems = live_problems(svc, values, today=TODAY)
    assert all(isinstance(p, FieldProblem) and p.message.endswith(".") for p in problems)
    try:
        draft = prepare_order(svc, values, today=TODAY)
    except ValidationError as error:
        assert error.problems == problems and problems
        return
    assert problems == []
    assert all(isinstance(v, str) for v in draft.params.values())
    assert draft.expected_cost >= 0


def test_a_dialect_that_wants_quantity_gets_the_count_or_the_fixed_amount():
    wants = Dialect(quantity_always=True)
    package = prepare_order(service("6"), {"link": "youtube.com/c/x"}, dialect=wants)
    assert package.params["quantity"] == "1"
    users = "\n".join(f"@u{n}" for n in range(12))
    counted = prepare_order(service("12"), {"link": "x.com/p", "usernames": users}, dialect=wants)
    assert counted.params["quantity"] == "12" and counted.quantity == 12
    comments = "\n".join(f"c{n}" for n in range(10))
    custom = prepare_order(service("4"), {"link": "x.com/p", "comments": comments}, dialect=wants)
    assert "quantity" not in custom.params  # custom comments: the panel counts them
    plain = prepare_order(service("6"), {"link": "youtube.com/c/x"})
    assert "quantity" not in plain.params  # the reference: the service sets it


def test_expiry_is_written_the_way_the_panel_reads_it():
    base = {"username": "shop", "min": "10", "max": "20", "delay": "0", "expiry": "2030-12-31"}
    assert prepare_order(service("9"), base, today=TODAY).params["expiry"] == "2030-12-31"
    dmy = Dialect(expiry_format="%d/%m/%Y")
    assert prepare_order(service("9"), base, today=TODAY, dialect=dmy).params["expiry"] == (
        "31/12/2030"
    )


def test_characters_a_panel_mangles_are_warned_about_before_sending():
    mangles = Dialect(mangles="+%<")
    values = {"link": "x.com/p?a=1+2", "quantity": "100"}
    draft = prepare_order(service("2"), values, dialect=mangles)
    assert any("'+' becomes a space" in w for w in draft.warnings)
    assert prepare_order(service("2"), values).warnings == []


def test_a_comments_package_takes_the_number_its_name_says():
    package = service("5")  # "Instagram 10 Custom Comments Package"
    eleven = "\n".join(f"c{n}" for n in range(11))
    with pytest.raises(ValidationError, match="takes 10 comments"):
        prepare_order(package, {"link": "x.com/p", "comments": eleven})
    ten = "\n".join(f"c{n}" for n in range(10))
    assert prepare_order(package, {"link": "x.com/p", "comments": ten}).quantity == 10
