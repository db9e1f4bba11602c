"""The comparison: for a search text, each group of the same service, cheapest first.

Each offer carries the panel's terms (rate per 1000, min..max, refill, cancel) and what the
reseller's own history says about it (median time to complete, partial and cancel rates).
"Cheapest" compares rates in the report currency when the reseller set exchange rates
(smmdesk.core.exchange); offers whose currency has no rate come after, by their own rate.
"""

from __future__ import annotations

from dataclasses import dataclass
from decimal import Decimal

from rapidfuzz import fuzz
from sqlite_utils import Database

from smmdesk.core.exchange import Exchange
from smmdesk.core.offers.grouping import Group, Offer, load_groups
from smmdesk.core.offers.names import read_name
from smmdesk.core.store.service_stats import ServiceStats, service_stats

MATCH = 80  # rapidfuzz score from which the search's quality words match a name's


@dataclass(frozen=True)
class Compared:
    offer: Offer
    stats: ServiceStats  # empty when never ordered
    rate_in_target: Decimal | None  # the rate in the report currency, when convertible


@dataclass(frozen=True)
class Comparison:
    group: Group
    offers: list[Compared]  # cheapest first

    @property
    def cheapest(self) -> Compared:
        return self.offers[0]

    @property
    def fastest(self) -> Compared | None:
        """The offer that completed fastest in the reseller's history, if any did."""
        timed = [c for c in self.offers if c.stats.completed_median_s is not None]
        return min(timed, key=lambda c: c.stats.completed_median_s or 0.0) if timed else None


def matches(offer: Offer, text: str) -> bool:
    """True when the search ``text`` describes the offer (by its words, or a part of its
    name or its service id)."""
    needle = text.strip().casefold()
    if not needle:
        return True
    if needle == offer.service.id.casefold() or needle in offer.service.name.casefold():
        return True
    wanted = read_name(text)
    if wanted.platform is None and wanted.kind is None:
        return bool(wanted.rest) and fuzz.partial_ratio(wanted.rest, offer.parts.rest) >= MATCH
    parts = offer.parts
    if wanted.platform not in (None, parts.platform) or wanted.kind not in (None, parts.kind):
        return False
    if wanted.refill_days is not None and wanted.refill_days != parts.refill_days:
        return False
    return not wanted.rest or fuzz.token_set_ratio(wanted.rest, parts.rest) >= MATCH


def find_groups(groups: list[Group], text: str) -> list[Group]:
    """The groups with an offer matching ``text``: those on most panels first."""
    found = [g for g in groups if any(matches(o, text) for o in g.offers)]
    return sorted(found, key=lambda g: (-len(g.panels), g.label))


def compare_groups(db: Database, groups: list[Group], exchange: Exchange) -> list[Comparison]:
    """Each group with its offers' history figures, cheapest first."""
    refs = [offer.ref for group in groups for offer in group.offers]
    stats = service_stats(db, refs)
    comparisons = []
    for group in groups:
        compared = [
            Compared(o, stats.get(o.ref, ServiceStats()), exchange.convert(o.rate, o.currency))
            for o in group.offers
        ]
        compared.sort(key=_cheapest_first)
        comparisons.append(Comparison(group, compared))
    return comparisons


def compare(db: Database, text: str, exchange: Exchange | None = None) -> list[Comparison]:
    """The comparison for a search text (``smmdesk-cli compare TEXT``, the Compare view)."""
    return compare_groups(db, find_groups(load_groups(db), text), exchange or Exchange())


def alternatives(
    db: Database, panel_id: int, service_id: str, exchange: Exchange | None = None
) -> list[Compared]:
    """The same service on the other panels, cheapest first (empty when none is known)."""
    for group in load_groups(db):
        if any(o.ref == (panel_id, str(service_id)) for o in group.offers):
            (comparison,) = compare_groups(db, [group], exchange or Exchange())
            return [c for c in comparison.offers if c.offer.panel_id != panel_id]
    return []


def _cheapest_first(compared: Compared) -> tuple[int, Decimal, str]:
    if compared.rate_in_target is not None:
        return (0, compared.rate_in_target, compared.offer.panel)
    return (1, compared.offer.rate, compared.offer.panel)
