"""The order-type table, type by type: what each catalog type sends, the quantity it
delivers, what it costs, and what a reseller reads when a field is wrong.

Services are the demo panel's catalog, built directly (no server needed).
"""

from __future__ import annotations

import dataclasses
from datetime import date
from decimal import Decimal

import pytest

from smmdesk import protocol
from smmdesk.core.api.models import Service
from smmdesk.core.errors import ValidationError
from smmdesk.core.ordertypes import (
    FALLBACK,
    TYPES,
    OrderDraft,
    live_problems,
    prepare_order,
    spec_for,
)

TODAY = date(2025, 6, 15)

# id, type, name, rate, min, max, dripfeed, refill, cancel: the demo panel's catalog
DEMO_CATALOG = [
    ("1", "Default", "Instagram Followers [Real, Refill 30d]", "0.90", 50, 10000, 1, 1, 1),
    ("2", "Default", "Instagram Likes [Fast]", "0.35", 10, 50000, 0, 0, 1),
    ("3", "SEO", "Google Keyword Traffic", "2.10", 100, 10000, 0, 0, 0),
    ("4", "Custom Comments", "Instagram Custom Comments", "8", 10, 1500, 0, 0, 1),
    ("5", "Custom Comments Package", "Instagram 10 Custom Comments Package", "12.50", 1, 1,
     0, 0, 0),
    ("6", "Package", "YouTube Starter Package", "25.00", 1, 1, 0, 0, 0),
    ("7", "Poll", "Twitter Poll Votes", "1.20", 100, 100000, 0, 0, 1),
    ("8", "Invites from Groups", "Telegram Members from Groups", "3.00", 100, 20000, 0, 1, 1),
    ("9", "Subscriptions", "Instagram Auto Comments (per post)", "5.00", 10, 100, 0, 0, 1),
    ("10", "Mentions", "Instagram Mentions", "4.00", 100, 10000, 0, 0, 0),
    ("11", "Mentions with Hashtags", "Instagram Mentions + Hashtags", "4.50", 100, 10000,
     0, 0, 0),
    ("12", "Mentions Custom List", "Instagram Mentions Custom List", "6.00", 10, 1000, 0, 0, 0),
    ("13", "Mentions Hashtag", "Instagram Mentions Hashtag", "4.20", 100, 10000, 0, 0, 0),
    ("14", "Mentions User Followers", "Instagram Mentions User Followers", "4.40", 100, 10000,
     0, 0, 0),
    ("15", "Mentions Media Likers", "Instagram Mentions Media Likers", "4.60", 100, 10000,
     0, 0, 0),
    ("16", "Comment Likes", "Instagram Comment Likes", "2.50", 20, 5000, 0, 0, 1),
    ("17", "Web Traffic", "Website Traffic [Worldwide]", "0.60", 500, 100000, 1, 0, 1),
    ("18", "Story Reactions", "Instagram Story Reactions", "1.50", 50, 5000, 0, 0, 0),
]  # fmt: skip


def service(service_id: str) -> Service:
    """The demo catalog's service ``service_id`` as the API client would build it."""
    row = next(r for r in DEMO_CATALOG if r[0] == service_id)
    sid, type_, name, rate, low, high, drip, refill, cancel = row
    return Service(
        id=sid,
        name=name,
        type=type_,
        type_name=protocol.canonical_type(type_),
        category="Demo",
        rate=Decimal(rate),
        min=low,
        max=high,
        dripfeed=bool(drip),
        refill=bool(refill),
        cancel=bool(cancel),
    )


def prepare(service_id: str, **values: str) -> OrderDraft:
    return prepare_order(service(service_id), values, today=TODAY)


def problems_of(service_id: str, **values: str) -> dict[str, str]:
    """{field: message} of the ValidationError prepare_order raises (which it must)."""
    with pytest.raises(ValidationError) as info:
        prepare(service_id, **values)
    found = {p.field: p.message for p in info.value.problems}
    assert len(found) == len(info.value.problems), "one problem per field"
    assert live_problems(service(service_id), values, today=TODAY) == info.value.problems
    return found


COMMENTS_12 = "\n".join(f"Great post {n}!" for n in range(1, 13))
COMMENTS_10 = "\n".join(f"Great post {n}!" for n in range(1, 11))
USERS_10 = "\n".join(f"@user{n}" for n in range(10))


def test_the_table_has_one_spec_per_canonical_type():
    assert set(TYPES) == set(protocol.ORDER_TYPES)
    for name, spec in TYPES.items():
        assert spec.name == name and spec.known
        names = [f.name for f in spec.fields]
        assert len(names) == len(set(names)), f"{name} lists a field twice"


@pytest.mark.parametrize(
    ("raw_type", "expected"),
    [
        ("custom_comments", protocol.CUSTOM_COMMENTS),
        ("CUSTOM-COMMENTS", protocol.CUSTOM_COMMENTS),
        ("web traffic", protocol.WEB_TRAFFIC),
        ("Subscription", protocol.SUBSCRIPTIONS),
    ],
)
def test_type_names_match_whatever_their_spelling(raw_type, expected):
    # a client that left type_name empty still gets the right spec from the raw type
    svc = dataclasses.replace(service("4"), type=raw_type, type_name=None)
    assert spec_for(svc) is TYPES[expected]


GOOD_ORDERS = [
    # (service id, values, params sent, quantity delivered, expected cost)
    ("1", {"link": "https://instagram.com/shop", "quantity": "1000"},
     {"link": "https://instagram.com/shop", "quantity": "1000"}, 1000, "0.90000"),
    ("1", {"link": "https://instagram.com/shop", "quantity": "500", "runs": "3",
           "interval": "30"},
     {"link": "https://instagram.com/shop", "quantity": "500", "runs": "3", "interval": "30"},
     1500, "1.35000"),
    ("2", {"link": "https://instagram.com/p/1", "quantity": "55"},
     {"link": "https://instagram.com/p/1", "quantity": "55"}, 55, "0.01925"),
    ("3", {"link": "https://shop.example", "quantity": "500",
           "keywords": "buy shoes, cheap shoes\nshoes online"},
     {"link": "https://shop.example", "quantity": "500",
      "keywords": "buy shoes\ncheap shoes\nshoes online"}, 500, "1.05000"),
    ("4", {"link": "https://instagram.com/p/1", "comments": COMMENTS_12},
     {"link": "https://instagram.com/p/1", "comments": COMMENTS_12}, 12, "0.09600"),
    ("5", {"link": "https://instagram.com/p/1", "comments": COMMENTS_10},
     {"link": "https://instagram.com/p/1", "comments": COMMENTS_10}, 10, "12.50000"),
    ("6", {"link": "https://youtube.com/@chan"},
     {"link": "https://youtube.com/@chan"}, None, "25.00000"),
    ("7", {"link": "https://x.com/i/status/1", "quantity": "1000", "answer_number": "2"},
     {"link": "https://x.com/i/status/1", "quantity": "1000", "answer_number": "2"},
     1000, "1.20000"),
    ("8", {"link": "https://t.me/mygroup", "quantity": "200", "groups": "@src1\n@src2"},
     {"link": "https://t.me/mygroup", "quantity": "200", "groups": "@src1\n@src2"},
     200, "0.60000"),
    ("9", {"username": "@brand", "min": "20", "max": "50", "delay": "30", "posts": "4",
           "old_posts": "2", "expiry": "2025-07-01"},
     {"username": "@brand", "min": "20", "max": "50", "delay": "30", "posts": "4",
      "old_posts": "2", "expiry": "2025-07-01"}, 200, "1.00000"),
    ("9", {"username": "brand", "min": "10", "max": "100", "delay": "0"},
     {"username": "brand", "min": "10", "max": "100", "delay": "0", "posts": "1"},
     100, "0.50000"),
    ("10", {"link": "https://instagram.com/p/1", "quantity": "100",
            "usernames": "@a, @b\n@c"},
     {"link": "https://instagram.com/p/1", "quantity": "100", "usernames": "@a\n@b\n@c"},
     100, "0.40000"),
    ("11", {"link": "https://instagram.com/p/1", "quantity": "1000", "usernames": "@a,@b",
            "hashtags": "#sun\n#sea"},
     {"link": "https://instagram.com/p/1", "quantity": "1000", "usernames": "@a\n@b",
      "hashtags": "#sun\n#sea"}, 1000, "4.50000"),
    ("12", {"link": "https://instagram.com/p/1", "usernames": USERS_10},
     {"link": "https://instagram.com/p/1", "usernames": USERS_10}, 10, "0.06000"),
    ("13", {"link": "https://instagram.com/p/1", "quantity": "100", "hashtag": "#travel"},
     {"link": "https://instagram.com/p/1", "quantity": "100", "hashtag": "#travel"},
     100, "0.42000"),
    ("14", {"link": "https://instagram.com/p/1", "quantity": "100", "username": "@nasa"},
     {"link": "https://instagram.com/p/1", "quantity": "100", "username": "@nasa"},
     100, "0.44000"),
    ("15", {"link": "https://instagram.com/p/1", "quantity": "100",
            "media": "https://instagram.com/p/2"},
     {"link": "https://instagram.com/p/1", "quantity": "100",
      "media": "https://instagram.com/p/2"}, 100, "0.46000"),
    ("16", {"link": "https://instagram.com/p/1", "quantity": "20", "username": "@fan"},
     {"link": "https://instagram.com/p/1", "quantity": "20", "username": "@fan"},
     20, "0.05000"),
    ("17", {"link": "https://shop.example", "quantity": "1000", "country": "US",
            "device": "Mobile iOS", "type_of_traffic": "1", "google_keyword": "red shoes"},
     {"link": "https://shop.example", "quantity": "1000", "country": "US", "device": "3",
      "type_of_traffic": "1", "google_keyword": "red shoes"}, 1000, "0.60000"),
    ("17", {"link": "https://shop.example", "quantity": "1000", "runs": "2",
            "interval": "60", "country": "DE", "device": "5", "type_of_traffic": "2",
            "referring_url": "https://news.example/a"},
     {"link": "https://shop.example", "quantity": "1000", "runs": "2", "interval": "60",
      "country": "DE", "device": "5", "type_of_traffic": "2",
      "referring_url": "https://news.example/a"}, 2000, "1.20000"),
    ("17", {"link": "https://shop.example", "quantity": "500", "country": "FR",
            "device": "1", "type_of_traffic": "Blank referrer"},
     {"link": "https://shop.example", "quantity": "500", "country": "FR", "device": "1",
      "type_of_traffic": "3"}, 500, "0.30000"),
]  # fmt: skip


@pytest.mark.parametrize(("sid", "values", "params", "quantity", "cost"), GOOD_ORDERS)
def test_a_good_order_of_every_type(sid, values, params, quantity, cost):
    draft = prepare(sid, **values)
    assert draft.params == params
    assert list(draft.params) == list(params), "params keep the form's field order"
    assert draft.quantity == quantity
    assert draft.expected_cost == Decimal(cost)
    assert str(draft.expected_cost) == cost, "quantized to CHARGE_PLACES"
    assert draft.warnings == []
    assert draft.link == params.get("link", params.get("username"))
    assert live_problems(service(sid), values, today=TODAY) == []


def test_every_known_type_has_a_good_order_above():
    tested = {service(sid).type_name for sid, *_ in GOOD_ORDERS}
    assert tested == set(protocol.ORDER_TYPES)


def test_cost_rounds_half_up_to_charge_places():
    svc = dataclasses.replace(service("2"), rate=Decimal("1.00001"))
    draft = prepare_order(svc, {"link": "x.com/a", "quantity": "500"})
    # 1.00001 x 500 / 1000 = 0.500005 exactly: half-up gives ...01 (half-even would give ...00)
    assert draft.expected_cost == Decimal("0.50001")
    assert draft.expected_cost.as_tuple().exponent == -protocol.CHARGE_PLACES


def test_unknown_type_falls_back_and_sends_extra_fields_as_given():
    svc = service("18")
    assert spec_for(svc) is FALLBACK
    draft = prepare(
        "18", link="https://instagram.com/stories/x/1", quantity="100", Reaction="🔥", speed="fast "
    )
    assert draft.params == {
        "link": "https://instagram.com/stories/x/1",
        "quantity": "100",
        "Reaction": "🔥",
        "speed": "fast ",
    }
    assert draft.quantity == 100
    assert draft.expected_cost == Decimal("0.15000")
    assert len(draft.warnings) == 1
    assert "'Story Reactions'" in draft.warnings[0]
    assert "doesn't know" in draft.warnings[0]


def test_unknown_type_still_checks_link_and_quantity():
    assert problems_of("18", quantity="20", note="x") == {
        "link": "Enter the link.",
        "quantity": "Quantity must be between 50 and 5,000 for this service.",
    }


# --- problems, type by type ---------------------------------------------------------------


def test_default_every_problem_at_once():
    assert problems_of("1", link="my page", quantity="20000", runs="1", foo="bar") == {
        "link": "Link can't contain spaces: paste the address exactly as the browser shows it.",
        "quantity": "Quantity must be between 50 and 10,000 for this service.",
        "runs": "Runs must be at least 2.",
        "foo": "Services of type Default don't take 'foo'.",
    }


def test_default_empty_order():
    assert problems_of("1") == {"link": "Enter the link.", "quantity": "Enter the quantity."}


def test_dripfeed_needs_runs_and_interval_together():
    base = {"link": "https://instagram.com/shop", "quantity": "100"}
    assert problems_of("1", **base, runs="5") == {
        "interval": "Enter the interval too, or leave the runs empty: the two go together."
    }
    assert problems_of("1", **base, interval="10") == {
        "runs": "Enter the runs too, or leave the interval empty: the two go together."
    }
    assert problems_of("1", **base, runs="5", interval="0") == {
        "interval": "Interval (minutes) must be at least 1."
    }


def test_dripfeed_refused_when_the_service_does_not_allow_it():
    assert problems_of(
        "2", link="https://instagram.com/p/1", quantity="100", runs="2", interval="5"
    ) == {
        "runs": "This service doesn't offer drip-feed: leave the runs empty (or choose a "
        "service that allows drip-feed).",
        "interval": "This service doesn't offer drip-feed: leave the interval empty (or "
        "choose a service that allows drip-feed).",
    }


def test_seo_needs_keywords():
    assert problems_of("3", link="https://shop.example", quantity="99", keywords=" , ,") == {
        "quantity": "Quantity must be between 100 and 10,000 for this service.",
        "keywords": "Enter the keywords, separated by commas or new lines.",
    }


def test_custom_comments_count_must_fit_the_service():
    few = "one\n\n two \r\nthree\r"
    assert problems_of("4", link="https://instagram.com/p/1", comments=few) == {
        "comments": "Give between 10 and 1,500 comments for this service, one per line "
        "(you gave 3)."
    }
    many = "\n".join(f"c{n}" for n in range(1501))
    assert "(you gave 1,501)" in problems_of("4", link="x.com/p", comments=many)["comments"]
    assert problems_of("4", link="x.com/p") == {"comments": "Enter the comments, one per line."}


def test_custom_comments_quantity_is_not_asked_but_a_matching_one_is_tolerated():
    # CSV files from shops often carry a quantity column: equal to the count, it is harmless
    draft = prepare("4", link="x.com/p", comments=COMMENTS_12, quantity="12")
    assert "quantity" not in draft.params
    assert draft.quantity == 12
    assert problems_of("4", link="x.com/p", comments=COMMENTS_12, quantity="100") == {
        "quantity": "The quantity is the number of comments (12), not '100': leave the "
        "quantity empty."
    }


def test_custom_comments_package_is_flat_and_takes_what_its_name_says():
    draft = prepare("5", link="x.com/p", comments=COMMENTS_10)
    assert draft.expected_cost == Decimal("12.50000")
    assert draft.quantity == 10
    assert "takes 10 comments" in problems_of("5", link="x.com/p", comments=COMMENTS_12)["comments"]


def test_package_takes_the_link_only():
    assert problems_of("6", link="https://youtube.com/@c", quantity="1") == {
        "quantity": "Services of type Package don't take 'quantity'."
    }
    assert problems_of("6") == {"link": "Enter the link."}


def test_poll_answer_number():
    base = {"link": "https://x.com/i/status/1", "quantity": "100"}
    assert problems_of("7", **base, answer_number="0") == {
        "answer_number": "Answer number must be at least 1."
    }
    assert problems_of("7", **base) == {"answer_number": "Enter the answer number."}


def test_invites_need_groups():
    assert problems_of("8", link="https://t.me/g", quantity="100", groups="\n \n") == {
        "groups": "Enter the groups, one per line."
    }


def test_subscriptions_every_problem():
    assert problems_of(
        "9",
        link="https://instagram.com/brand",
        username="my brand",
        min="80",
        max="150",
        delay="-5",
        posts="0",
        expiry="2025-06-14",
    ) == {
        "username": "Username can't contain spaces: give one name like @name.",
        "max": "Maximum per post must be between 10 and 100 for this service.",
        "delay": "Delay (minutes) must be a whole number like 100, not '-5'.",
        "posts": "Posts must be at least 1.",
        "expiry": "Expiry date 2025-06-14 is in the past: pick today or later.",
        "link": "Services of type Subscriptions don't take 'link'.",
    }


def test_subscriptions_min_not_above_max_and_expiry_today_is_fine():
    assert problems_of("9", username="@b", min="60", max="50", delay="0") == {
        "min": "Minimum per post (60) can't be more than the maximum per post (50)."
    }
    assert problems_of("9", username="@b", min="5", max="50", delay="0") == {
        "min": "Minimum per post must be between 10 and 100 for this service."
    }
    draft = prepare("9", username="@b", min="10", max="10", delay="0", expiry="15.06.2025")
    assert draft.params["expiry"] == "2025-06-15"


def test_subscriptions_empty_order():
    assert problems_of("9") == {
        "username": "Enter the username.",
        "min": "Enter the minimum per post.",
        "max": "Enter the maximum per post.",
        "delay": "Enter the delay in minutes.",
    }


def test_mentions_types_need_their_lists():
    base = {"link": "https://instagram.com/p/1", "quantity": "100"}
    assert problems_of("10", **base) == {
        "usernames": "Enter the usernames, separated by commas or new lines."
    }
    assert problems_of("11", **base, usernames="@a") == {
        "hashtags": "Enter the hashtags, separated by commas or new lines."
    }
    assert problems_of("13", **base, hashtag="#a\n#b") == {
        "hashtag": "Hashtag must fit on one line."
    }
    assert problems_of("14", **base, username="@") == {
        "username": "Username needs a name after the '@'."
    }
    assert problems_of("15", **base, media="https://") == {
        "media": "Media link 'https://' has no address after 'https://'."
    }
    assert problems_of("16", **base) == {"username": "Enter the comment author's username."}


def test_mentions_custom_list_counts_lines():
    assert problems_of("12", link="x.com/p", usernames="@a\n@b", quantity="2") == {
        "usernames": "Give between 10 and 1,000 usernames for this service, one per line "
        "(you gave 2)."
    }
    draft = prepare("12", link="x.com/p", usernames=USERS_10.replace("\n", "\r\n\r\n"))
    assert draft.quantity == 10
    assert draft.params["usernames"] == USERS_10


def test_web_traffic_referrer_fields_follow_the_type_of_traffic():
    base = {"link": "https://shop.example", "quantity": "1000", "country": "US", "device": "1"}
    assert problems_of("17", **base, type_of_traffic="1") == {
        "google_keyword": "Enter the Google keyword: type of traffic 1 (Google keyword) needs it."
    }
    assert problems_of("17", **base, type_of_traffic="Custom referrer") == {
        "referring_url": "Enter the referring URL: type of traffic 2 (Custom referrer) needs it."
    }
    assert problems_of("17", **base, type_of_traffic="3", google_keyword="shoes") == {
        "google_keyword": "Leave the Google keyword empty: only type of traffic 1 (Google "
        "keyword) uses it."
    }


def test_web_traffic_choices_and_country():
    assert problems_of(
        "17",
        link="https://shop.example",
        quantity="1000",
        country="United\nStates",
        device="Tablet",
        type_of_traffic="",
    ) == {
        "country": "Country must fit on one line.",
        "device": "Device must be one of: 1 Desktop, 2 Mobile Android, 3 Mobile iOS, "
        "4 Mixed mobile, 5 Mixed physical.",
        "type_of_traffic": "Choose the type of traffic: 1 Google keyword, 2 Custom referrer, "
        "3 Blank referrer.",
    }


def test_key_and_action_are_never_order_fields_and_row_columns_are_skipped():
    draft = prepare(
        "2", link="x.com/p", quantity="10", service="2", panel="Demo", reference="shop #12"
    )
    assert draft.params == {"link": "x.com/p", "quantity": "10"}
    assert problems_of("18", link="x.com/p", quantity="50", key="abc", ACTION="add") == {
        "key": "'key' is not an order field: smmdesk sends it itself.",
        "ACTION": "'ACTION' is not an order field: smmdesk sends it itself.",
    }


def test_field_names_are_matched_whatever_their_case():
    draft = prepare("1", Link=" https://instagram.com/shop ", QUANTITY="100")
    assert draft.params == {"link": "https://instagram.com/shop", "quantity": "100"}


def test_empty_cells_of_other_types_do_not_count_as_given():
    # a CSV row carries every column of the file; the empty ones must not be refused
    draft = prepare("2", link="x.com/p", quantity="10", comments="", usernames="  ", runs="")
    assert draft.params == {"link": "x.com/p", "quantity": "10"}


def test_validation_error_reads_as_sentences():
    with pytest.raises(ValidationError) as info:
        prepare("1", link="x.com/p", quantity="5")
    assert str(info.value) == "quantity: Quantity must be between 50 and 10,000 for this service."
