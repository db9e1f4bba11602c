"""The pure parsers of panel answers (smmdesk.core.api.parse / answers).

Dialects seen in the wild, the error mapping, and property tests: whatever bytes or JSON
a panel sends, only SmmdeskError subclasses come out of a parser.
"""

from __future__ import annotations

import json
import logging
from datetime import UTC, datetime, timedelta
from decimal import Decimal
from email.utils import format_datetime

import pytest
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

from smmdesk.core.api import parse
from smmdesk.core.api.answers import decode, parse_retry_after
from smmdesk.core.api.models import (
    Balance,
    CancelResult,
    ItemError,
    OrderStatus,
    RefillResult,
    RefillStatus,
    Service,
)
from smmdesk.core.errors import (
    BadKey,
    BadRequest,
    InsufficientFunds,
    InvalidResponse,
    NotFound,
    PanelError,
    RateLimited,
    SmmdeskError,
    SubscriptionsRefused,
    UpstreamFailure,
)
from smmdesk.protocol import means_not_found

H: dict[str, str] = {}


def body(value: object) -> bytes:
    return json.dumps(value).encode()


# --- numbers, booleans, types -------------------------------------------------------------


@pytest.mark.parametrize("raw", ['"100.84292"', "100.84292", '" 100.84292 "'])
def test_balance_is_an_exact_decimal_from_strings_or_numbers(raw):
    result = parse.parse_balance(200, H, f'{{"balance": {raw}, "currency": "USD"}}'.encode())
    assert result == Balance(Decimal("100.84292"), "USD")
    assert isinstance(result.amount, Decimal)


def test_balance_without_a_number_is_an_invalid_response():
    with pytest.raises(InvalidResponse, match="balance"):
        parse.parse_balance(200, H, body({"balance": "lots", "currency": "USD"}))


SERVICE = {
    "service": 1,
    "name": "Followers",
    "type": "Default",
    "rate": 0.9,
    "min": "50",
    "max": 10000,
    "category": "First",
}


@pytest.mark.parametrize(
    ("raw", "expected"),
    [
        *[(True, True), (False, False), (1, True), (0, False), ("1", True), ("0", False)],
        *[("yes", True), ("no", False), ("true", True), (None, None), ("", None)],
    ],
)
def test_service_flags_accept_every_boolean_spelling(raw, expected):
    entry = SERVICE | {"dripfeed": raw, "refill": raw, "cancel": raw}
    (service,) = parse.parse_services(200, H, body([entry]))
    assert (service.dripfeed, service.refill, service.cancel) == (expected,) * 3


def test_a_catalog_that_does_not_say_leaves_the_flags_unknown():
    entry = {k: v for k, v in SERVICE.items() if k not in ("dripfeed", "refill", "cancel")}
    (service,) = parse.parse_services(200, H, body([entry]))
    assert (service.dripfeed, service.refill, service.cancel) == (None, None, None)


def test_a_wrapped_catalog_is_unwrapped_and_empty_data_is_empty():
    wrapped = {"status": "success", "data": [SERVICE]}
    assert [s.id for s in parse.parse_services(200, H, body(wrapped))] == [str(SERVICE["service"])]
    empty = {"status": "success", "data": "Empty Data"}
    assert parse.parse_services(200, H, body(empty)) == []


def test_service_numbers_and_ids_are_normalised():
    (service,) = parse.parse_services(200, H, json.dumps([SERVICE]).encode())
    assert service.id == "1"
    assert service.rate == Decimal("0.9") and isinstance(service.rate, Decimal)
    assert (service.min, service.max) == (50, 10000)
    assert service.type_name == "Default"


@pytest.mark.parametrize(
    ("raw", "canonical"),
    [
        ("Custom Comments", "Custom Comments"),
        ("custom_comments", "Custom Comments"),
        ("CUSTOM-COMMENTS-PACKAGE", "Custom Comments Package"),
        ("Story Reactions", None),
    ],
)
def test_service_type_names_are_matched_loosely_and_raw_text_kept(raw, canonical):
    (service,) = parse.parse_services(200, H, body([SERVICE | {"type": raw}]))
    assert service.type == raw
    assert service.type_name == canonical


def test_service_extra_fields_are_kept_apart():
    (service,) = parse.parse_services(200, H, body([SERVICE | {"desc": "Real", "average": 5}]))
    assert service.extra == {"desc": "Real", "average": 5}


def test_bad_catalog_entries_are_skipped_with_a_warning(caplog):
    entries = [
        SERVICE,
        {"service": "2", "name": "No rate", "min": 1, "max": 2},
        "junk",
        SERVICE | {"service": "3", "min": "many"},
        SERVICE | {"service": "4"},
    ]
    with caplog.at_level(logging.WARNING):
        services = parse.parse_services(200, H, body(entries))
    assert [s.id for s in services] == ["1", "4"]
    assert "service 2" in caplog.text and "rate" in caplog.text
    assert caplog.text.count("Skipped catalog entry") == 3


def test_catalog_keyed_by_id_is_accepted():
    services = parse.parse_services(200, H, body({"7": SERVICE | {"service": None}}))
    assert [s.id for s in services] == ["7"]


def test_services_that_are_not_a_list_are_an_invalid_response():
    with pytest.raises(InvalidResponse):
        parse.parse_services(200, H, body("services"))


# --- add, status, multi status ------------------------------------------------------------


@pytest.mark.parametrize("raw", [23501, "23501", " 23501 "])
def test_add_returns_the_order_id_as_text(raw):
    assert parse.parse_add(200, H, body({"order": raw})) == "23501"


@pytest.mark.parametrize("answer", [{}, {"order": None}, {"order": True}, [23501]])
def test_add_without_an_order_id_is_an_invalid_response(answer):
    with pytest.raises(InvalidResponse):
        parse.parse_add(200, H, body(answer))


@pytest.mark.parametrize(
    ("raw", "canonical"),
    [
        ("Partial", "Partial"),
        ("In progress", "In progress"),
        ("Cancelled", "Canceled"),
        ("Done", "Completed"),
        ("processing", "In progress"),
        ("Awaiting moderation x", "Unknown"),
    ],
)
def test_status_spellings_map_to_canonical_and_keep_raw_text(raw, canonical):
    answer = {"charge": "0.27819", "start_count": 3572, "status": raw, "remains": "157"}
    result = parse.parse_status(200, H, body(answer | {"currency": "USD"}))
    assert result == OrderStatus(canonical, raw, Decimal("0.27819"), 3572, 157, "USD")


def test_status_tolerates_missing_or_odd_numbers():
    answer = {"status": "Pending", "charge": None, "start_count": "", "remains": "12.5"}
    assert parse.parse_status(200, H, body(answer)) == OrderStatus("Pending", "Pending")


def test_status_without_a_status_is_an_invalid_response():
    with pytest.raises(InvalidResponse, match="status"):
        parse.parse_status(200, H, body({"charge": "1"}))


def test_multi_status_keys_are_the_ids_asked_with_per_id_errors():
    answer = {
        "1": {"charge": "0.27819", "start_count": "3572", "status": "Partial", "remains": "157"},
        "2": {"error": "Incorrect order ID"},
        "3": "Incorrect order ID",
        "5": {"weird": True},
    }
    result = parse.parse_multi_status(200, H, body(answer), ["1", "2", "3", "4", "5"])
    assert list(result) == ["1", "2", "3", "4", "5"]
    assert result["1"].status == "Partial" and result["1"].remains == 157
    assert result["2"] == ItemError("Incorrect order ID")
    assert result["3"] == ItemError("Incorrect order ID")
    assert result["4"] == ItemError(parse.NO_ANSWER)
    assert result["5"] == ItemError(parse.UNREADABLE)


def test_multi_status_of_one_id_answered_in_the_single_shape():
    result = parse.parse_multi_status(200, H, body({"status": "Completed"}), ["9"])
    assert result == {"9": OrderStatus("Completed", "Completed")}


@pytest.mark.parametrize("code", [200, 400, 404])
def test_a_whole_request_error_is_raised_never_copied_to_every_id(code):
    # one error for the whole request says nothing about any order in it
    with pytest.raises(PanelError) as raised:
        parse.parse_multi_status(code, H, body({"error": "Incorrect order ID"}), ["1", "2"])
    assert raised.value.panel_message == "Incorrect order ID"
    for parser in (parse.parse_cancel, parse.parse_refill_many, parse.parse_refill_statuses):
        with pytest.raises(PanelError):
            parser(code, H, body({"error": "Incorrect order ID"}), ["1", "2"])


def test_impossible_status_values_are_refused_per_id():
    answer = {
        "1": {"status": "In progress", "charge": "-5", "remains": "10"},
        "2": {"status": "In progress", "charge": "1.5", "remains": "-3"},
        "3": {"status": "Pending", "charge": "1.5", "remains": "0"},
    }
    result = parse.parse_multi_status(200, H, body(answer), ["1", "2", "3"])
    assert isinstance(result["1"], ItemError) and "charge -5" in result["1"].message
    assert isinstance(result["2"], ItemError) and "remains -3" in result["2"].message
    assert not means_not_found(result["1"].message)
    assert result["3"].remains is None  # 0 before delivery starts is not "delivered"
    with pytest.raises(InvalidResponse, match="impossible"):
        parse.parse_status(200, H, body({"status": "Completed", "start_count": "-1"}))


@pytest.mark.parametrize("order_id", ["-7", -7, "0", 0, "+5"])
def test_an_order_id_no_panel_gives_is_refused(order_id):
    with pytest.raises(InvalidResponse):
        parse.parse_add(200, H, body({"order": order_id}))


def test_multi_status_bad_key_is_raised_not_spread():
    with pytest.raises(BadKey):
        parse.parse_multi_status(200, H, body({"error": "Invalid API key"}), ["1"])


# --- cancel and refill --------------------------------------------------------------------


def test_cancel_answers_in_every_common_shape():
    answer = [
        {"order": 9, "cancel": {"status": "success"}},
        {"order": 2, "error": "Incorrect order ID"},
        {"order": "3", "cancel": 1},
        {"order": 4, "cancel": {"error": "Order is already completed"}},
    ]
    result = parse.parse_cancel(200, H, body(answer), ["9", "2", "3", "4", "5"])
    assert result == [
        CancelResult("9", True),
        CancelResult("2", False, "Incorrect order ID"),
        CancelResult("3", True),
        CancelResult("4", False, "Order is already completed"),
        CancelResult("5", False, parse.NO_ANSWER),
    ]


def test_refill_single_and_batch():
    assert parse.parse_refill(200, H, body({"refill": "1"})) == "1"
    assert parse.parse_refill(200, H, body({"refill": 12})) == "12"
    answer = [{"order": 1, "refill": 5}, {"order": 2, "refill": {"error": "Refill is disabled"}}]
    result = parse.parse_refill_many(200, H, body(answer), ["1", "2", "3"])
    assert result == [
        RefillResult("1", "5"),
        RefillResult("2", None, "Refill is disabled"),
        RefillResult("3", None, parse.NO_ANSWER),
    ]


def test_refill_refused_inside_a_200_is_a_panel_error():
    with pytest.raises(BadRequest, match="Refill is disabled"):
        parse.parse_refill(200, H, body({"refill": {"error": "Refill is disabled"}}))


def test_refill_statuses():
    assert parse.parse_refill_status(200, H, body({"status": "Completed"}), "7") == RefillStatus(
        "7", "Completed", "Completed"
    )
    answer = [
        {"refill": 1, "status": "In progress"},
        {"refill": 2, "status": {"error": "Refill not found"}},
    ]
    result = parse.parse_refill_statuses(200, H, body(answer), ["1", "2", "3"])
    assert result == {
        "1": RefillStatus("1", "In progress", "In progress"),
        "2": ItemError("Refill not found"),
        "3": ItemError(parse.NO_ANSWER),
    }
    with pytest.raises(NotFound):
        parse.parse_refill_status(200, H, body({"status": {"error": "Refill not found"}}), "9")


# --- errors -------------------------------------------------------------------------------

SUBS = "Subscription orders must be created from the customer site; API creation is not yet"


@pytest.mark.parametrize(
    ("status", "answer", "error"),
    [
        (401, {"error": "Invalid API key"}, BadKey),
        (200, {"error": "Incorrect API key"}, BadKey),
        (402, {"error": "Not enough funds on balance"}, InsufficientFunds),
        (200, {"error": "Not enough funds on balance"}, InsufficientFunds),
        (400, {"error": "Insufficient balance"}, InsufficientFunds),
        (404, {"error": "Incorrect order ID"}, NotFound),
        (200, {"error": "Incorrect service ID"}, NotFound),
        (400, {"error": "Quantity less than minimal 50"}, BadRequest),
        (400, {"error": "Incorrect keywords"}, BadRequest),
        (400, {"error": SUBS}, SubscriptionsRefused),
        (200, {"error": "Create it on the customer site"}, SubscriptionsRefused),
        (429, {"error": "Too many requests"}, RateLimited),
        (502, {"error": "Upstream provider failed"}, UpstreamFailure),
        (503, {"error": "Maintenance"}, UpstreamFailure),
        (200, {"status": "error", "message": "Invalid API key"}, BadKey),
        (200, {"status": "error", "message": "Not enough funds"}, InsufficientFunds),
        (200, {"status": "error", "message": {"text": "Link is required"}}, BadRequest),
    ],
)
def test_error_answers_map_to_the_tree_and_keep_the_panels_words(status, answer, error):
    with pytest.raises(error) as caught:
        decode(status, H, body(answer))
    words = answer.get("error") or answer.get("message")
    words = words["text"] if isinstance(words, dict) else words
    assert caught.value.panel_message == words
    assert caught.value.status_code == status
    assert type(caught.value) is error


@pytest.mark.parametrize(
    ("status", "error", "words"),
    [
        (502, UpstreamFailure, "error page"),
        (503, UpstreamFailure, "error page"),
        (200, InvalidResponse, "cannot read"),
        (404, InvalidResponse, "API URL"),
        (403, InvalidResponse, "protection page"),
        (401, BadKey, "API key"),
        (429, RateLimited, "wait"),
    ],
)
def test_html_pages_map_by_status(status, error, words):
    page = b"<!DOCTYPE html><html><title>Attention Required</title></html>"
    with pytest.raises(error, match=words) as caught:
        decode(status, H, page)
    assert caught.value.panel_message is None


@pytest.mark.parametrize("raw", [b'{"order": 12', b"", b"\xff\xfe garbage", b"[" * 100_000])
def test_malformed_and_truncated_bodies_are_invalid_responses(raw):
    with pytest.raises(InvalidResponse):
        parse.parse_add(200, H, raw)


def test_a_redirect_says_the_url_probably_changed_without_following_it():
    headers = {"Location": "https://new.example/api/v2?token=abc"}
    with pytest.raises(InvalidResponse, match="moved") as caught:
        decode(301, headers, b"")
    assert caught.value.panel_message == "Redirects to https://new.example/api/v2"


def test_rate_limited_carries_retry_after_seconds_or_date():
    with pytest.raises(RateLimited) as caught:
        decode(429, {"retry-after": "7"}, body({"error": "Too many requests"}))
    assert caught.value.retry_after == 7.0
    now = datetime(2026, 1, 1, 12, 0, tzinfo=UTC)
    date = format_datetime(now + timedelta(seconds=30), usegmt=True)
    assert parse_retry_after(date, now=now) == 30.0
    assert parse_retry_after(format_datetime(now - timedelta(seconds=30)), now=now) == 0.0
    assert parse_retry_after("1.5") == 1.5
    for junk in (None, "", "soon", "nan", "inf", "-inf"):
        assert parse_retry_after(junk) is None


@pytest.mark.parametrize("falsy", [None, "", False, 0, [], {}])
def test_falsy_error_fields_are_not_errors(falsy):
    answer = {"error": falsy, "balance": "1", "currency": "EUR"}
    assert parse.parse_balance(200, H, body(answer)) == Balance(Decimal(1), "EUR")


def test_absurd_numbers_are_refused_not_computed():
    assert parse.to_int("1e999999999") is None
    assert parse.to_decimal("NaN") is None and parse.to_decimal("sNaN") is None
    assert parse.to_decimal(10**400) is None


# --- property tests: nothing but SmmdeskError escapes ------------------------------------

IDS = ["1", "2", "17"]
PARSERS = {
    "balance": (parse.parse_balance, Balance),
    "services": (parse.parse_services, list),
    "add": (parse.parse_add, str),
    "status": (parse.parse_status, OrderStatus),
    "multi_status": (lambda s, h, b: parse.parse_multi_status(s, h, b, IDS), dict),
    "cancel": (lambda s, h, b: parse.parse_cancel(s, h, b, IDS), list),
    "refill": (parse.parse_refill, str),
    "refill_many": (lambda s, h, b: parse.parse_refill_many(s, h, b, IDS), list),
    "refill_status": (lambda s, h, b: parse.parse_refill_status(s, h, b, "5"), RefillStatus),
    "refill_statuses": (lambda s, h, b: parse.parse_refill_statuses(s, h, b, IDS), dict),
}
VOCABULARY = [
    *("balance", "currency", "service", "name", "type", "rate", "min", "max", "category"),
    *("dripfeed", "refill", "cancel", "order", "status", "charge", "start_count", "remains"),
    *("error", "message", "id", "services", "refills", *IDS, "5"),
]
scalars = (
    st.none()
    | st.booleans()
    | st.integers()
    | st.floats()
    | st.text(max_size=20)
    | st.sampled_from(["1", "0", "yes", "Completed", "error", "1e999999", "NaN", "-5", "3.5"])
)
json_values = st.recursive(
    scalars,
    lambda children: (
        st.lists(children, max_size=5)
        | st.dictionaries(st.sampled_from(VOCABULARY) | st.text(max_size=8), children, max_size=6)
    ),
    max_leaves=25,
)
statuses = st.sampled_from([200, 301, 400, 401, 402, 404, 429, 500, 502]) | st.integers(100, 599)
headers = st.dictionaries(
    st.sampled_from(["Retry-After", "retry-after", "Location", "Content-Type"]),
    st.text(max_size=40) | st.sampled_from(["1", "Wed, 21 Oct 2015 07:28:00 GMT", "-3", "1e400"]),
    max_size=3,
)


def check_only_smmdesk_errors(action, status, head, raw):
    parser, result_type = PARSERS[action]
    try:
        result = parser(status, head, raw)
    except SmmdeskError:
        return
    assert isinstance(result, result_type)
    if action == "services":
        assert all(isinstance(s, Service) and isinstance(s.rate, Decimal) for s in result)
    if action in ("multi_status", "refill_statuses"):
        assert list(result) == IDS


@settings(max_examples=300, deadline=None, suppress_health_check=[HealthCheck.too_slow])
@given(st.sampled_from(sorted(PARSERS)), statuses, headers, st.binary(max_size=200))
def test_arbitrary_bytes_only_raise_smmdesk_errors(action, status, head, raw):
    check_only_smmdesk_errors(action, status, head, raw)


@settings(max_examples=600, deadline=None, suppress_health_check=[HealthCheck.too_slow])
@given(st.sampled_from(sorted(PARSERS)), statuses, headers, json_values)
def test_arbitrary_json_only_raises_smmdesk_errors(action, status, head, value):
    check_only_smmdesk_errors(action, status, head, json.dumps(value).encode())


@settings(max_examples=200, deadline=None)
@given(st.text(max_size=60))
def test_retry_after_never_raises(value):
    result = parse_retry_after(value)
    assert result is None or result >= 0
