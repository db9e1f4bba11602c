"""The order-type table: which ``add`` fields each catalog type takes, and how its quantity
and cost are found.

One ``TypeSpec`` per canonical type of ``smmdesk.protocol.ORDER_TYPES`` plus ``FALLBACK``
for types smmdesk does not know. The form builder, the CLI and the CSV importer all read
this table (through ``spec_for`` and ``draft.py``); nothing type-specific lives elsewhere.

Labels, nouns, choice labels, help texts and notices are marked ``N_``: they are translated
where shown (``FieldSpec.title``, ``BoundField.help``, ``form_notices``; see fields.py).
"""

from __future__ import annotations

from dataclasses import dataclass
from enum import Enum

from smmdesk import protocol as p
from smmdesk.core.api.models import Service
from smmdesk.core.errors import BadRequest, SubscriptionsRefused
from smmdesk.core.formats import format_integer
from smmdesk.core.i18n import N_, _
from smmdesk.core.ordertypes.fields import FieldKind, FieldSpec


class QuantityRule(Enum):
    """How the delivered quantity of an order is found."""

    FIELD = "field"  # the ``quantity`` field (x runs when drip-fed)
    COUNT = "count"  # the number of items in ``TypeSpec.count_field``; ``quantity`` not asked
    POSTS_X_MAX = "posts_x_max"  # subscriptions: ``posts`` x ``max``
    FIXED = "fixed"  # set by the service itself: unknown to smmdesk (None)


class CostRule(Enum):
    PER_THOUSAND = "per_thousand"  # rate x quantity / 1000; quantity within min..max
    FLAT = "flat"  # the rate is the price; min..max counts packages, not units


@dataclass(frozen=True)
class TypeSpec:
    """What one catalog type takes. ``target`` is the field naming what the order is for
    (shown as the order's link); ``takes_extras``: any other field is sent as given;
    ``notice`` is a sentence a form shows above the fields."""

    name: str
    fields: tuple[FieldSpec, ...]
    quantity: QuantityRule = QuantityRule.FIELD
    cost: CostRule = CostRule.PER_THOUSAND
    count_field: str | None = None
    target: str = "link"
    takes_extras: bool = False
    known: bool = True
    notice: str = ""

    @property
    def dripfeed(self) -> bool:
        """Whether services of this type may be drip-fed (runs + interval)."""
        return any(f.dripfeed for f in self.fields)

    def field(self, name: str) -> FieldSpec | None:
        return next((f for f in self.fields if f.name == name), None)

    def fields_for(self, service: Service) -> tuple[FieldSpec, ...]:
        """The fields a service of this type takes (drip-feed ones unless the catalog says
        it has no drip-feed: where it does not say, the user may try)."""
        return tuple(f for f in self.fields if service.dripfeed is not False or not f.dripfeed)


T, LINK, INT = FieldKind.TEXT, FieldKind.LINK, FieldKind.INTEGER
LINES, LIST, USER = FieldKind.LINES, FieldKind.LIST, FieldKind.USERNAME

LINK_FIELD = FieldSpec(
    "link", LINK, True, N_("Link"), N_("Link to the page or post, e.g. https://…")
)
QUANTITY = FieldSpec(
    "quantity", INT, True, N_("Quantity"), N_("How many to deliver"), service_bounds=True
)
RUNS = FieldSpec(
    "runs", INT, False, N_("Runs"),
    N_("Drip-feed: deliver the quantity this many times; leave empty for one delivery"),
    minimum=2, dripfeed=True, together_with="interval",
)  # fmt: skip
INTERVAL = FieldSpec(
    "interval", INT, False, N_("Interval (minutes)"), N_("Drip-feed: minutes between two runs"),
    minimum=1, dripfeed=True, together_with="runs", noun=N_("interval"),
)  # fmt: skip


def _lines(name: str, label: str, help: str) -> FieldSpec:
    return FieldSpec(name, LINES, True, label, help)


def _list(name: str, label: str, help: str) -> FieldSpec:
    return FieldSpec(name, LIST, True, label, help)


def _user(name: str, label: str, help: str) -> FieldSpec:
    return FieldSpec(name, USER, True, label, help)


COMMENTS = _lines("comments", N_("Comments"), N_("One comment per line; each line is one comment"))

DEVICES = (
    ("1", N_("Desktop")),
    ("2", N_("Mobile Android")),
    ("3", N_("Mobile iOS")),
    ("4", N_("Mixed mobile")),
    ("5", N_("Mixed physical")),
)
TRAFFIC_TYPES = (
    ("1", N_("Google keyword")),
    ("2", N_("Custom referrer")),
    ("3", N_("Blank referrer")),
)

SUBSCRIPTION_FIELDS = (
    _user("username", N_("Username"), N_("The account to watch for new posts, e.g. mychannel")),
    FieldSpec("min", INT, True, N_("Minimum per post"), N_("Fewest to deliver to each new post"),
              service_bounds=True, not_above="max"),
    FieldSpec("max", INT, True, N_("Maximum per post"),
              N_("Most to deliver to each new post (you pay for this many)"), service_bounds=True),
    FieldSpec("delay", INT, True, N_("Delay (minutes)"),
              N_("Minutes to wait after a new post before delivering; 0 for none"), minimum=0,
              noun=N_("delay in minutes")),
    FieldSpec("posts", INT, False, N_("Posts"), N_("How many new posts to deliver to (1 if empty)"),
              minimum=1, default="1"),
    FieldSpec("old_posts", INT, False, N_("Old posts"),
              N_("How many already-published posts to deliver to as well"), minimum=0),
    FieldSpec("expiry", FieldKind.DATE, False, N_("Expiry date"),
              N_("Stop after this day (YYYY-MM-DD); empty for no end"), not_past=True),
)  # fmt: skip

WEB_TRAFFIC_FIELDS = (
    LINK_FIELD, QUANTITY, RUNS, INTERVAL,
    FieldSpec("country", T, True, N_("Country"), N_("Country of the visitors, e.g. US")),
    FieldSpec("device", FieldKind.CHOICE, True, N_("Device"), N_("Device the visits come from"),
              choices=DEVICES),
    FieldSpec("type_of_traffic", FieldKind.CHOICE, True, N_("Type of traffic"),
              N_("Where the visits seem to come from"), choices=TRAFFIC_TYPES),
    FieldSpec("google_keyword", T, False, N_("Google keyword"),
              N_("The search words the visits come from (for Google keyword traffic)"),
              needed_when=("type_of_traffic", "1"), noun=N_("Google keyword")),
    FieldSpec("referring_url", LINK, False, N_("Referring URL"),
              N_("The page the visits come from (for custom referrer traffic)"),
              needed_when=("type_of_traffic", "2")),
)  # fmt: skip

_TYPES = (
    TypeSpec(p.DEFAULT, (LINK_FIELD, QUANTITY, RUNS, INTERVAL)),
    TypeSpec(p.SEO, (LINK_FIELD, QUANTITY, _list(
        "keywords", N_("Keywords"), N_("Search keywords, one per line (or separated by commas)")))),
    TypeSpec(p.CUSTOM_COMMENTS, (LINK_FIELD, COMMENTS), QuantityRule.COUNT,
             count_field="comments",
             notice=N_("The quantity is the number of comments: write one comment per line.")),
    TypeSpec(p.CUSTOM_COMMENTS_PACKAGE, (LINK_FIELD, COMMENTS), QuantityRule.COUNT,
             CostRule.FLAT, count_field="comments",
             notice=N_("A package: the service's rate is the price of the whole order.")),
    TypeSpec(p.PACKAGE, (LINK_FIELD,), QuantityRule.FIXED, CostRule.FLAT,
             notice=N_("A package: the service sets the quantity, and its rate is the price.")),
    TypeSpec(p.POLL, (LINK_FIELD, QUANTITY, FieldSpec(
        "answer_number", INT, True, N_("Answer number"),
        N_("Which answer to vote for: 1 for the first, 2 for the second…"), minimum=1))),
    TypeSpec(p.INVITES_FROM_GROUPS, (LINK_FIELD, QUANTITY, _lines(
        "groups", N_("Groups"), N_("Source groups to invite from, one username per line")))),
    TypeSpec(p.SUBSCRIPTIONS, SUBSCRIPTION_FIELDS, QuantityRule.POSTS_X_MAX, target="username",
             notice=N_("You pay up front for posts × maximum per post; the panel refunds "
             "what it does not deliver.")),
    TypeSpec(p.MENTIONS, (LINK_FIELD, QUANTITY, _list("usernames", N_("Usernames"),
        N_("Accounts to mention, one per line (or separated by commas)")))),
    TypeSpec(p.MENTIONS_WITH_HASHTAGS, (LINK_FIELD, QUANTITY, _list("usernames", N_("Usernames"),
        N_("Accounts to mention, one per line (or separated by commas)")), _list("hashtags",
        N_("Hashtags"), N_("Hashtags to use, one per line (or separated by commas)")))),
    TypeSpec(p.MENTIONS_CUSTOM_LIST, (LINK_FIELD, _lines(
        "usernames", N_("Usernames"), N_("One username per line; each line is one mention"))),
        QuantityRule.COUNT, count_field="usernames",
        notice=N_("The quantity is the number of usernames: write one username per line.")),
    TypeSpec(p.MENTIONS_HASHTAG, (LINK_FIELD, QUANTITY, FieldSpec(
        "hashtag", T, True, N_("Hashtag"), N_("Mention people who posted with this hashtag")))),
    TypeSpec(p.MENTIONS_USER_FOLLOWERS, (LINK_FIELD, QUANTITY, _user(
        "username", N_("Username"), N_("Mention followers of this account")))),
    TypeSpec(p.MENTIONS_MEDIA_LIKERS, (LINK_FIELD, QUANTITY, FieldSpec(
        "media", LINK, True, N_("Media link"), N_("Mention people who liked this post")))),
    TypeSpec(p.COMMENT_LIKES, (LINK_FIELD, QUANTITY, _user(
        "username", N_("Comment author's username"), N_("Whose comment under the post to like")))),
    TypeSpec(p.WEB_TRAFFIC, WEB_TRAFFIC_FIELDS),
)  # fmt: skip

TYPES: dict[str, TypeSpec] = {spec.name: spec for spec in _TYPES}

# Every add field some type takes, in table order: the columns an order file may fill.
ADD_FIELDS: tuple[str, ...] = tuple(dict.fromkeys(f.name for spec in _TYPES for f in spec.fields))
# Fields holding one number, link, date or choice: a line break inside one is never meant.
SINGLE_VALUE_FIELDS = frozenset(
    f.name
    for spec in _TYPES
    for f in spec.fields
    if f.kind in (FieldKind.LINK, FieldKind.INTEGER, FieldKind.DATE, FieldKind.CHOICE)
)

FALLBACK = TypeSpec(
    "Unknown type", (LINK_FIELD, QUANTITY, RUNS, INTERVAL), takes_extras=True, known=False
)

# Columns that name an order rather than fill it (CSV ``service``/``panel``/``reference``):
# prepare_order skips them. RESERVED ones are never order fields: smmdesk sets them itself.
ROW_COLUMNS = frozenset({"service", "panel", "reference", "sale_price"})
RESERVED = frozenset({"key", "action"})


def spec_for(service: Service) -> TypeSpec:
    """The TypeSpec for a service's catalog type; FALLBACK when smmdesk doesn't know it."""
    name = service.type_name or p.canonical_type(service.type)
    return TYPES.get(name or "", FALLBACK)


def service_range(service: Service) -> tuple[int, int | None]:
    """The service's min..max; max is None when the catalog gives no usable maximum."""
    low = max(service.min, 0)
    return low, (service.max if service.max >= max(low, 1) else None)


def bounded_help(help: str, service: Service, *, lines: bool = False) -> str:
    """A field's help text (already translated) with the service's range added; ``lines``
    when the range counts the field's lines (comments, usernames)."""
    low, high = service_range(service)
    minimum = format_integer(low)
    if high is None:
        if lines:
            # Translators: {help} is a field's help text ("How many to deliver").
            text = _("{help} (at least {minimum} lines for this service)")
        else:
            # Translators: {help} is a field's help text ("How many to deliver").
            text = _("{help} (at least {minimum} for this service)")
        return text.format(help=help, minimum=minimum)
    if lines:
        # Translators: {help} is a field's help text ("One comment per line; ...").
        text = _("{help} (between {minimum} and {maximum} lines for this service)")
    else:
        # Translators: {help} is a field's help text ("How many to deliver").
        text = _("{help} (between {minimum} and {maximum} for this service)")
    return text.format(help=help, minimum=minimum, maximum=format_integer(high))


def in_range(number: int, service: Service) -> bool:
    low, high = service_range(service)
    return number >= low and (high is None or number <= high)


def unknown_type_warning(service: Service) -> str:
    # Translators: {type} is the catalog type as the panel wrote it ("Drip Likes").
    message = _(
        "smmdesk doesn't know services of type '{type}': it sends the link, the quantity and "
        "any other field exactly as you give them, without checking them. Read the "
        "service's description on the panel first."
    )
    return message.format(type=service.type)


# --- the form: the table applied to one service ----------------------------------------
SUBSCRIPTIONS_REFUSED_NOTICE = N_(
    "This panel refused to create subscriptions through its API. Place the subscription on "
    "the panel's website, then track it in smmdesk by its order id."
)


@dataclass(frozen=True)
class BoundField:
    """A field as a form shows it for one service. ``minimum``/``maximum``: bounds of an
    INTEGER field, or the number of lines of the field that gives the quantity; None = no
    bound. ``default``: the text used when left empty. ``enabled``: False when the form can
    only explain why it can't be sent (a panel that refuses subscriptions by API)."""

    spec: FieldSpec
    help: str
    minimum: int | None
    maximum: int | None
    enabled: bool = True

    @property
    def name(self) -> str:
        return self.spec.name

    @property
    def label(self) -> str:
        """The label in the current language."""
        return self.spec.title

    @property
    def kind(self) -> FieldKind:
        return self.spec.kind

    @property
    def required(self) -> bool:
        return self.spec.required

    @property
    def multiline(self) -> bool:
        return self.spec.multiline

    @property
    def choices(self) -> tuple[tuple[str, str], ...]:
        return self.spec.choices

    @property
    def default(self) -> str:
        return self.spec.default


def _bind(spec: TypeSpec, f: FieldSpec, service: Service, enabled: bool) -> BoundField:
    low, high = f.minimum, f.maximum
    help = _(f.help)
    counted = f.name == spec.count_field and spec.cost is CostRule.PER_THOUSAND
    if f.service_bounds or counted:
        low, high = service_range(service)
        help = bounded_help(help, service, lines=counted)
    return BoundField(f, help, low, high, enabled)


def refused_by_api(service: Service, *, subscriptions_refused: bool) -> bool:
    """Whether a panel will refuse ``service``'s orders by API: it is a subscription, and
    the panel refused one before (``subscriptions_refused``)."""
    return subscriptions_refused and spec_for(service).name == p.SUBSCRIPTIONS


def subscriptions_refusal(service: Service, error: BadRequest) -> BadRequest:
    """``error`` as a SubscriptionsRefused when it is a panel's way of saying it takes no
    subscriptions by API: its words say so, or it asks for a link a subscription never has
    ("Bad Link" from the SmartPanel family)."""
    if isinstance(error, SubscriptionsRefused) or spec_for(service).name != p.SUBSCRIPTIONS:
        return error
    if "link" in p.squash(error.panel_message or ""):
        return SubscriptionsRefused(
            panel_message=error.panel_message, status_code=error.status_code
        )
    return error


def form_fields(service: Service, *, subscriptions_refused: bool = False) -> list[BoundField]:
    """The fields a form shows for ``service``, in order, with its bounds applied;
    drip-feed fields only if the service allows drip-feed. With ``subscriptions_refused``
    (this panel refused a subscription by API before) a Subscriptions form is disabled."""
    spec = spec_for(service)
    enabled = not refused_by_api(service, subscriptions_refused=subscriptions_refused)
    return [_bind(spec, f, service, enabled) for f in spec.fields_for(service)]


def form_notices(service: Service, *, subscriptions_refused: bool = False) -> list[str]:
    """Sentences a form shows above the fields of ``service`` (type rules, warnings)."""
    spec = spec_for(service)
    notices = [_(spec.notice)] if spec.notice else []
    if not spec.known:
        notices.append(unknown_type_warning(service))
    if refused_by_api(service, subscriptions_refused=subscriptions_refused):
        notices.insert(0, _(SUBSCRIPTIONS_REFUSED_NOTICE))
    return notices
