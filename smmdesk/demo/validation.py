"""What `add` accepts, per order type, and what it costs.

`validate_add()` checks the fields of one `add` request against its service's type and
bounds, as a panel speaking the given dialect profile does, and returns an `OrderRequest`
(quantity, units to deliver, charge, and the items of each list field as the panel split
them). The first problem found is raised as an `ApiError` with the panel's message (HTTP 400).
The fields are first read the way the profile's panel reads them (decoded twice, HTML
stripped after the checks): what it keeps is what it accepted, mangled or not.
"""

from __future__ import annotations

import re
from dataclasses import dataclass, replace
from datetime import date, datetime, timedelta
from decimal import Decimal

from smmdesk import protocol as p

from .catalog import Service
from .dialects import PROFILES, REFERENCE, Profile
from .errors import bad_request
from .money import per_thousand, rounded

SUBSCRIPTIONS_REFUSED = (
    "Subscription orders must be created from the customer site; API creation is not yet supported."
)
DRIPFEED_REFUSED = "Drip-feed is not available for this service"

# Text fields each type requires besides link (and quantity), with the message when missing.
_REQUIRED: dict[str | None, tuple[tuple[str, str], ...]] = {
    p.SEO: (("keywords", "Keywords are required"),),
    p.CUSTOM_COMMENTS: (("comments", "Comments are required"),),
    p.CUSTOM_COMMENTS_PACKAGE: (("comments", "Comments are required"),),
    p.POLL: (("answer_number", "Answer number is required"),),
    p.INVITES_FROM_GROUPS: (("groups", "Groups are required"),),
    p.MENTIONS: (("usernames", "Usernames are required"),),
    p.MENTIONS_WITH_HASHTAGS: (
        ("usernames", "Usernames are required"),
        ("hashtags", "Hashtags are required"),
    ),
    p.MENTIONS_CUSTOM_LIST: (("usernames", "Usernames are required"),),
    p.MENTIONS_HASHTAG: (("hashtag", "Hashtag is required"),),
    p.MENTIONS_USER_FOLLOWERS: (("username", "Username is required"),),
    p.MENTIONS_MEDIA_LIKERS: (("media", "Media is required"),),
    p.COMMENT_LIKES: (("username", "Username is required"),),
    p.WEB_TRAFFIC: (
        ("country", "Country is required"),
        ("device", "Device is required"),
        ("type_of_traffic", "Type of traffic is required"),
    ),
}
# Types whose quantity is the number of non-empty lines of a field: (field, what a line is).
_LINE_COUNTED: dict[str | None, tuple[str, str]] = {
    p.CUSTOM_COMMENTS: ("comments", "comments"),
    p.MENTIONS_CUSTOM_LIST: ("usernames", "usernames"),
}
# Fields holding a list, one item per line (keywords: commas too where the profile says so).
LIST_FIELDS = ("keywords", "comments", "groups", "usernames", "hashtags")
_DEVICES = "1 (Desktop), 2 (Mobile Android), 3 (Mobile iOS), 4 (Mixed mobile), 5 (Mixed physical)"
_TRAFFIC = "1 (Google keyword), 2 (Custom referrer) or 3 (Blank referrer)"


@dataclass(frozen=True)
class OrderRequest:
    """A valid `add`: what to deliver and what it costs."""

    service: Service
    fields: dict[str, str]  # what add received, besides key, action and service
    link: str | None  # None for Subscriptions (they name a username)
    quantity: int  # as ordered (per run when drip-fed; posts x max for Subscriptions)
    total: int  # units to deliver (quantity x runs)
    charge: Decimal
    min_minutes: float = 0.0  # drip-feed: the delivery takes at least runs x interval
    slack: int = 0  # units a Completed order may leave undelivered (Subscriptions)
    runs: int = 1  # drip-feed runs (1: not drip-fed)
    items: dict[str, list[str]] | None = None  # list fields as the panel split them


def validate_add(
    service: Service,
    params: dict[str, str],
    *,
    accept_subscriptions: bool,
    profile: Profile = PROFILES[REFERENCE],
) -> OrderRequest:
    """Check one `add` for ``service`` as ``profile``'s panels do; raise ApiError(400) on
    the first problem."""
    fields = {
        k: profile.read_field(v) for k, v in params.items() if k not in ("key", "action", "service")
    }
    request = _checked(service, fields, profile, accept_subscriptions)
    kept = {name: profile.kept(value) for name, value in request.fields.items()}
    items = {name: _items(profile, name, kept[name]) for name in LIST_FIELDS if name in kept}
    link = None if request.link is None else profile.kept(request.link)
    return replace(request, fields=kept, link=link, items=items)


def _checked(
    service: Service, fields: dict[str, str], profile: Profile, accept_subscriptions: bool
) -> OrderRequest:
    if service.kind == p.SUBSCRIPTIONS:
        if profile.subscriptions == "bad_link":
            raise bad_request("Bad Link")
        if not accept_subscriptions and profile.subscriptions == "refused":
            raise bad_request(SUBSCRIPTIONS_REFUSED)
        return _subscription(service, fields, profile)
    link = _required(fields, "link", "Link is required")
    for name, message in _REQUIRED.get(service.kind, ()):
        _required(fields, name, message)
    if profile.quantity_always and service.kind != p.CUSTOM_COMMENTS:
        _whole(fields, "quantity", "Quantity", at_least=1)
    _check_type_values(service.kind, fields)
    if service.flat:
        quantity = len(_lines(fields["comments"])) if "comments" in fields else 1
        return OrderRequest(service, fields, link, quantity, quantity, rounded(service.rate))
    runs, interval = _dripfeed(service, fields)
    quantity = _quantity(service, fields, runs if profile.dripfeed_total_bounds else 1)
    total = quantity * runs
    charge = per_thousand(service.rate, total)
    return OrderRequest(service, fields, link, quantity, total, charge, runs * interval, runs=runs)


def _items(profile: Profile, name: str, text: str) -> list[str]:
    if name == "keywords" and profile.keywords_commas:
        return [item.strip() for item in re.split(r"[,\r\n]+", text) if item.strip()]
    return [line.strip() for line in _lines(text)]


def _quantity(service: Service, fields: dict[str, str], runs: int = 1) -> int:
    """The quantity per run; its bounds are checked on ``runs`` x quantity."""
    counted = _LINE_COUNTED.get(service.kind)
    if counted:
        field, noun = counted
        quantity = len(_lines(fields[field]))  # 1 or more: the field is required
        detail = f": {quantity} {noun} given, one per line"
    else:
        quantity = _whole(fields, "quantity", "Quantity")
        detail = ""
    if runs > 1:
        detail = f" (runs x quantity = {quantity * runs})"
    if quantity * runs < service.min:
        raise bad_request(f"Quantity less than minimal {service.min}{detail}")
    if quantity * runs > service.max:
        raise bad_request(f"Quantity more than maximal {service.max}{detail}")
    return quantity


def _dripfeed(service: Service, fields: dict[str, str]) -> tuple[int, int]:
    """(runs, interval); (1, 0) for an order that is not drip-fed."""
    runs_text, interval_text = _text(fields, "runs"), _text(fields, "interval")
    if not runs_text and not interval_text:
        return 1, 0
    if not service.dripfeed:
        raise bad_request(DRIPFEED_REFUSED)
    if not runs_text or not interval_text:
        raise bad_request("Drip-feed needs both runs and interval")
    runs = _whole(fields, "runs", "Runs")
    if runs < 2:
        raise bad_request("Runs must be 2 or more")
    interval = _whole(fields, "interval", "Interval")
    if interval < 1:
        raise bad_request("Interval must be 1 minute or more")
    return runs, interval


def _check_type_values(kind: str | None, fields: dict[str, str]) -> None:
    if kind == p.POLL:
        _whole(fields, "answer_number", "Answer number", at_least=1)
    if kind == p.WEB_TRAFFIC:
        if _text(fields, "device") not in ("1", "2", "3", "4", "5"):
            raise bad_request(f"Device must be one of {_DEVICES}")
        traffic = _text(fields, "type_of_traffic")
        if traffic not in ("1", "2", "3"):
            raise bad_request(f"Type of traffic must be {_TRAFFIC}")
        if traffic == "1":
            _required(fields, "google_keyword", "Google keyword is required for traffic type 1")
        if traffic == "2":
            _required(fields, "referring_url", "Referring URL is required for traffic type 2")


def _subscription(service: Service, fields: dict[str, str], profile: Profile) -> OrderRequest:
    _required(fields, "username", "Username is required")
    least = _whole(fields, "min", "Min")
    most = _whole(fields, "max", "Max")
    _whole(fields, "delay", "Delay", at_least=0)
    if least < service.min:
        raise bad_request(f"Min less than minimal {service.min}")
    if most > service.max:
        raise bad_request(f"Max more than maximal {service.max}")
    if least > most:
        raise bad_request("Min must not be more than max")
    posts = _whole(fields, "posts", "Posts", at_least=1) if _text(fields, "posts") else 1
    if _text(fields, "old_posts"):
        _whole(fields, "old_posts", "Old posts", at_least=0)
    if _text(fields, "expiry"):
        _check_expiry(_text(fields, "expiry"), profile)
    quantity = posts * most
    charge = per_thousand(service.rate, quantity)
    slack = posts * (most - least)
    return OrderRequest(service, fields, None, quantity, quantity, charge, 0.0, slack)


def _check_expiry(text: str, profile: Profile) -> None:
    expiry: date | None
    try:
        expiry = datetime.strptime(text, profile.expiry_format).date()
    except ValueError:
        expiry = None
    if expiry is None or not re.fullmatch(r"[\d/-]{8,10}", text):
        raise bad_request(f"Expiry must be a date like {profile.expiry_example}")
    if expiry < date.today() - timedelta(days=1):
        raise bad_request("Expiry date is in the past")


def _text(fields: dict[str, str], name: str) -> str:
    return fields.get(name, "").strip()


def _required(fields: dict[str, str], name: str, message: str) -> str:
    value = _text(fields, name)
    if not value:
        raise bad_request(message)
    return value


def _whole(fields: dict[str, str], name: str, label: str, *, at_least: int | None = None) -> int:
    text = _required(fields, name, f"{label} is required")
    if not re.fullmatch(r"[+-]?\d+", text):
        raise bad_request(f"{label} must be a whole number")
    value = int(text)
    if at_least is not None and value < at_least:
        raise bad_request(f"{label} must be {at_least} or more")
    return value


def _lines(text: str) -> list[str]:
    return [line for line in re.split(r"\r\n|\r|\n", text) if line.strip()]
