"""What the order form shows for each service: fields in order, the service's bounds,
drip-feed only where the service allows it, notices, and a form that agrees with
prepare_order."""

from __future__ import annotations

import dataclasses

import pytest

from smmdesk.core.ordertypes import FieldKind, form_fields, form_notices, prepare_order
from tests.core.ordertypes.test_ordertypes import (
    DEMO_CATALOG,
    GOOD_ORDERS,
    TODAY,
    problems_of,
    service,
)

SHOWN = {
    "1": ["link", "quantity", "runs", "interval"],
    "2": ["link", "quantity"],
    "3": ["link", "quantity", "keywords"],
    "4": ["link", "comments"],
    "5": ["link", "comments"],
    "6": ["link"],
    "7": ["link", "quantity", "answer_number"],
    "8": ["link", "quantity", "groups"],
    "9": ["username", "min", "max", "delay", "posts", "old_posts", "expiry"],
    "10": ["link", "quantity", "usernames"],
    "11": ["link", "quantity", "usernames", "hashtags"],
    "12": ["link", "usernames"],
    "13": ["link", "quantity", "hashtag"],
    "14": ["link", "quantity", "username"],
    "15": ["link", "quantity", "media"],
    "16": ["link", "quantity", "username"],
    "17": ["link", "quantity", "runs", "interval", "country", "device", "type_of_traffic",
           "google_keyword", "referring_url"],
    "18": ["link", "quantity"],
}  # fmt: skip


@pytest.mark.parametrize("sid", [row[0] for row in DEMO_CATALOG])
def test_fields_shown_for_every_service(sid):
    fields = form_fields(service(sid))
    assert [f.name for f in fields] == SHOWN[sid]
    assert all(f.label and f.help and f.enabled for f in fields)


def test_quantity_carries_the_service_bounds():
    quantity = form_fields(service("1"))[1]
    assert (quantity.kind, quantity.required) == (FieldKind.INTEGER, True)
    assert (quantity.minimum, quantity.maximum) == (50, 10000)
    assert "between 50 and 10,000" in quantity.help
    assert (form_fields(service("17"))[1].minimum, form_fields(service("17"))[1].maximum) == (
        500,
        100000,
    )


def test_dripfeed_fields_are_optional_integers_with_their_own_minimum():
    runs, interval = form_fields(service("1"))[2:4]
    assert (runs.required, runs.kind, runs.minimum, runs.maximum) == (
        False,
        FieldKind.INTEGER,
        2,
        None,
    )
    assert (interval.required, interval.minimum) == (False, 1)


def test_dripfeed_follows_the_service_flag_not_the_type():
    no_drip = dataclasses.replace(service("17"), dripfeed=False)
    assert "runs" not in [f.name for f in form_fields(no_drip)]
    drip = dataclasses.replace(service("2"), dripfeed=True)
    assert [f.name for f in form_fields(drip)] == ["link", "quantity", "runs", "interval"]
    draft = prepare_order(drip, {"link": "x.com/p", "quantity": "10", "runs": "4", "interval": "5"})
    assert draft.quantity == 40


def test_comment_lines_are_multiline_with_the_line_bounds():
    comments = form_fields(service("4"))[1]
    assert comments.multiline and comments.kind is FieldKind.LINES
    assert (comments.minimum, comments.maximum) == (10, 1500)
    assert "between 10 and 1,500 lines" in comments.help
    package_comments = form_fields(service("5"))[1]
    assert (package_comments.minimum, package_comments.maximum) == (None, None)


def test_lists_are_multiline_and_single_values_are_not():
    kinds = {f.name: f.multiline for f in form_fields(service("11"))}
    assert kinds == {"link": False, "quantity": False, "usernames": True, "hashtags": True}


def test_subscription_fields():
    fields = {f.name: f for f in form_fields(service("9"))}
    assert (fields["min"].minimum, fields["min"].maximum) == (10, 100)
    assert (fields["max"].minimum, fields["max"].maximum) == (10, 100)
    assert fields["posts"].default == "1" and not fields["posts"].required
    assert fields["expiry"].kind is FieldKind.DATE
    assert fields["delay"].minimum == 0
    assert [f.name for f in fields.values() if f.required] == ["username", "min", "max", "delay"]


def test_web_traffic_choices_carry_the_de_facto_codes():
    fields = {f.name: f for f in form_fields(service("17"))}
    assert fields["device"].kind is FieldKind.CHOICE
    assert fields["device"].choices == (
        ("1", "Desktop"),
        ("2", "Mobile Android"),
        ("3", "Mobile iOS"),
        ("4", "Mixed mobile"),
        ("5", "Mixed physical"),
    )
    assert fields["type_of_traffic"].choices == (
        ("1", "Google keyword"),
        ("2", "Custom referrer"),
        ("3", "Blank referrer"),
    )
    assert fields["google_keyword"].spec.needed_when == ("type_of_traffic", "1")
    assert fields["referring_url"].spec.needed_when == ("type_of_traffic", "2")


def test_a_panel_that_refused_subscriptions_gets_a_disabled_form_that_says_why():
    svc = service("9")
    fields = form_fields(svc, subscriptions_refused=True)
    assert [f.name for f in fields] == SHOWN["9"]
    assert not any(f.enabled for f in fields)
    notices = form_notices(svc, subscriptions_refused=True)
    assert "website" in notices[0] and "track it" in notices[0]
    assert all("website" not in n for n in form_notices(svc))
    # the flag concerns subscriptions only
    assert all(f.enabled for f in form_fields(service("1"), subscriptions_refused=True))


def test_notices_for_counted_packaged_and_unknown_types():
    assert form_notices(service("1")) == []
    assert "number of comments" in form_notices(service("4"))[0]
    assert "price" in form_notices(service("6"))[0]
    assert "pay up front" in form_notices(service("9"))[0]
    unknown = form_notices(service("18"))
    assert len(unknown) == 1 and "'Story Reactions'" in unknown[0]


@pytest.mark.parametrize(("sid", "values"), [(o[0], o[1]) for o in GOOD_ORDERS])
def test_the_form_shows_every_field_an_order_sends(sid, values):
    shown = [f.name for f in form_fields(service(sid))]
    draft = prepare_order(service(sid), values, today=TODAY)
    assert set(draft.params) <= set(shown)


@pytest.mark.parametrize("sid", [row[0] for row in DEMO_CATALOG])
def test_every_required_field_of_the_form_is_asked_for_when_empty(sid):
    required = {f.name for f in form_fields(service(sid)) if f.required}
    assert set(problems_of(sid)) == required
