"""The same service on several panels: offers grouped by what they sell.

Two offers are grouped when they have the same canonical order type, platform and kind
(smmdesk.core.offers.names), compatible terms (both refill or neither, both drip-feed or
neither, the same refill days when both say, min..max ranges that overlap) and names alike
(rapidfuzz's token sort ratio of what is left of the names, at least SIMILAR). An automatic
group takes at most one offer per panel: a panel's second variant starts its own group.

The reseller's choices (smmdesk.core.store.groups) come first: services kept together by
hand form their group whatever their names say (others may still join it), a service split
off stands alone. Cost: offers are compared only within their (type, platform, kind) block,
each with one rapidfuzz call over the block's groups.
"""

from __future__ import annotations

from collections import defaultdict
from collections.abc import Iterable, Mapping
from dataclasses import dataclass, field
from decimal import Decimal
from functools import lru_cache

from rapidfuzz import fuzz, process
from sqlite_utils import Database

from smmdesk.core.api.models import Service
from smmdesk.core.offers.names import NAMES_VERSION, NameParts, read_name
from smmdesk.core.store.catalog import service_from_row
from smmdesk.core.store.groups import GroupChoice, ServiceRef, group_choices
from smmdesk.core.store.name_parts import keep_parts, parts_from_text
from smmdesk.protocol import squash

SIMILAR = 75  # rapidfuzz score (0..100) from which two names' rests are taken as alike
_PLAIN = "standard"  # the rest of a name that had nothing but platform, kind and refill


@dataclass(slots=True)
class Offer:
    """One panel's service, as grouping and comparison read it."""

    panel_id: int
    panel: str
    currency: str | None
    service: Service
    parts: NameParts

    @property
    def ref(self) -> ServiceRef:
        return (self.panel_id, self.service.id)

    @property
    def rate(self) -> Decimal:
        return self.service.rate


@dataclass
class Group:
    key: str  # "g..." for groups kept by hand, "auto:PANEL:SERVICE" for found ones
    offers: list[Offer] = field(default_factory=list)
    by_hand: bool = False  # the reseller confirmed or joined it
    open: bool = True  # others may join (False for a service split off)
    panel_ids: set[int] = field(default_factory=set)
    # the terms every member shares (set by the first member found)
    _lo: int = 0
    _hi: int = 0

    @property
    def label(self) -> str:
        """What the group sells, read from its first offer: "Instagram Followers · HQ"."""
        return self.offers[0].parts.label

    @property
    def panels(self) -> set[int]:
        return self.panel_ids


def read_offers(db: Database) -> list[Offer]:
    """Every service of every panel's saved catalog, in panel and service id order. How
    each name reads is kept in ``name_parts``: only names never read (by this version of
    the rules) are read now, and kept."""
    rows = db.execute(
        "SELECT s.panel_id, p.name, p.currency, s.service_id, s.name, s.type, s.type_name, "
        "s.category, s.rate, s.min, s.max, s.dripfeed, s.refill, s.cancel, s.extra, n.parts "
        "FROM services s JOIN panels p ON p.id = s.panel_id LEFT JOIN name_parts n "
        "ON n.name = s.name AND n.category = s.category AND n.version = ? "
        "ORDER BY s.panel_id, CAST(s.service_id AS INTEGER), s.service_id",
        (NAMES_VERSION,),
    )
    offers, fresh = [], {}
    for row in rows:
        service = service_from_row(row[3:15])
        if row[15] is not None:
            parts = parts_from_text(row[15])
        else:
            parts = read_name(service.name, service.category)
            fresh[(service.name, service.category)] = parts
        offers.append(Offer(row[0], row[1], row[2], service, parts))
    keep_parts(db, fresh)
    return offers


def group_offers(
    offers: Iterable[Offer], choices: Mapping[ServiceRef, GroupChoice] | None = None
) -> list[Group]:
    """Group ``offers`` (see the module doc); groups in the order their first offer came."""
    choices = choices or {}
    groups: dict[str, Group] = {}
    blocks: dict[tuple[str, str | None, str | None], list[Group]] = defaultdict(list)
    loose: list[Offer] = []
    for offer in offers:
        choice = choices.get(offer.ref)
        if choice is None:
            loose.append(offer)
            continue
        group = groups.get(choice.group_key)
        if group is None:
            group = groups[choice.group_key] = Group(choice.group_key, by_hand=not choice.alone)
            group.open = not choice.alone
        _add(group, offer)
        if group.open and group not in blocks[_block(offer)]:
            blocks[_block(offer)].append(group)
    reps: dict[tuple[str, str | None, str | None], list[str]] = {
        block: [_rest(g.offers[0]) for g in members] for block, members in blocks.items()
    }
    same: dict[tuple[str, str | None, str | None], dict[str, list[Group]]] = defaultdict(dict)
    for block, members in blocks.items():
        for group in members:
            same[block].setdefault(_rest(group.offers[0]), []).append(group)
    for offer in loose:
        block = _block(offer)
        members, names = blocks[block], reps.setdefault(block, [])
        group = _best(offer, members, names, same[block].get(_rest(offer), []))
        if group is None:
            key = f"auto:{offer.panel_id}:{offer.service.id}"
            group = groups[key] = Group(key)
            members.append(group)
            names.append(_rest(offer))
            same[block].setdefault(_rest(offer), []).append(group)
        _add(group, offer)
    return list(groups.values())


def load_groups(db: Database) -> list[Group]:
    """Every saved offer grouped, with the reseller's choices."""
    return group_offers(read_offers(db), group_choices(db))


def _block(offer: Offer) -> tuple[str, str | None, str | None]:
    service = offer.service
    return (_type_key(service.type_name or service.type), offer.parts.platform, offer.parts.kind)


@lru_cache(maxsize=1024)
def _type_key(type_text: str) -> str:
    return squash(type_text)


def _rest(offer: Offer) -> str:
    return offer.parts.rest or _PLAIN


def _best(
    offer: Offer, members: list[Group], names: list[str], identical: list[Group]
) -> Group | None:
    """The group the offer joins: one whose name reads the same first (no fuzzy score
    needed), else the most alike one that takes it; None to start its own."""
    for group in identical:
        if group.open and offer.panel_id not in group.panel_ids and _fits(group, offer):
            return group
    if not members:
        return None
    hits = process.extract(
        _rest(offer), names, scorer=fuzz.token_sort_ratio, score_cutoff=SIMILAR, limit=None
    )
    for _name, _score, index in hits:
        group = members[index]
        if group.open and offer.panel_id not in group.panel_ids and _fits(group, offer):
            return group
    return None


def _fits(group: Group, offer: Offer) -> bool:
    """The offer's terms agree with the group's first offer and the group's min..max."""
    first, service = group.offers[0], offer.service
    if not _agree(first.service.refill, service.refill):
        return False
    if not _agree(first.service.dripfeed, service.dripfeed):
        return False
    days, other = first.parts.refill_days, offer.parts.refill_days
    if days is not None and other is not None and days != other:
        return False
    return max(group._lo, service.min) <= min(group._hi, service.max)


def _agree(one: bool | None, other: bool | None) -> bool:
    """Two catalogs' flags agree: the same, or one catalog does not say (None)."""
    return one is None or other is None or one == other


def _add(group: Group, offer: Offer) -> None:
    if not group.offers:
        group._lo, group._hi = offer.service.min, offer.service.max
    else:
        group._lo = max(group._lo, offer.service.min)
        group._hi = min(group._hi, offer.service.max)
    group.offers.append(offer)
    group.panel_ids.add(offer.panel_id)
