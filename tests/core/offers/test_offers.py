"""The same service across panels: names read as what they sell, offers grouped, the
reseller's corrections kept across catalog refreshes, history figures per service."""

from __future__ import annotations

from datetime import UTC, datetime, timedelta
from decimal import Decimal

import pytest

from smmdesk.core.api.models import OrderStatus
from smmdesk.core.offers.compare import alternatives, compare
from smmdesk.core.offers.grouping import load_groups
from smmdesk.core.offers.names import LIFETIME, read_name
from smmdesk.core.store import add_panel, apply_statuses, mark_placed, record_sending, save_catalog
from smmdesk.core.store.groups import forget_choice, keep_together, set_alone
from smmdesk.core.store.service_stats import average_time_s, service_stats
from smmdesk.protocol import CANCELED, COMPLETED, PARTIAL


@pytest.mark.parametrize(
    ("name", "platform", "kind", "refill", "rest"),
    [
        ("Instagram Followers HQ [Refill 30D]", "Instagram", "Followers", 30, "hq"),
        ("IG Followers - HQ | Refill 30D", "Instagram", "Followers", 30, "hq"),
        ("instagram followers (high quality) R30", "Instagram", "Followers", 30, "hq"),
        ("YT Views | Lifetime Refill", "YouTube", "Views", LIFETIME, ""),
        ("TG Post Views [No Refill]", "Telegram", "Views", 0, "post"),
        ("Tik Tok Likes - 30 days refill", "TikTok", "Likes", 30, ""),
        ("Instagram Comment Likes", "Instagram", "Likes", None, "comment"),
        ("Worldwide Traffic", None, "Traffic", None, "ww"),
    ],
)
def test_names_read_as_what_they_sell(name, platform, kind, refill, rest) -> None:
    parts = read_name(name)
    assert (parts.platform, parts.kind, parts.refill_days) == (platform, kind, refill)
    assert parts.rest == rest


def test_the_category_fills_in_the_platform() -> None:
    assert read_name("Followers [Real]", "IG - Followers").platform == "Instagram"
    assert read_name("Followers HQ").label == "Followers · HQ"


@pytest.fixture
def panels(db):
    return [add_panel(db, name, f"https://{name}.example/api/v2") for name in ("a", "b", "c")]


def _save(db, panel, *services):
    save_catalog(db, panel.id, list(services))


def _groups(db):
    return {frozenset((o.panel, o.service.id) for o in g.offers) for g in load_groups(db)}


def test_offers_group_only_with_compatible_terms(db, panels, make_service) -> None:
    a, b, c = panels
    _save(
        db,
        a,
        make_service("1", name="Instagram Followers HQ [Refill 30D]", refill=True),
        make_service("2", name="Instagram Followers HQ [Refill 30D]", refill=True, rate="2"),
    )
    _save(
        db,
        b,
        make_service("10", name="IG Followers - HQ | Refill 30D", refill=True),
        make_service("11", name="IG Followers - HQ | Refill 60D", refill=True),
        make_service("12", name="IG Followers HQ", refill=False),
    )
    _save(db, c, make_service("20", name="Instagram Followers HQ R30", refill=True,
                              min=20_000, max=50_000),
          make_service("21", name="Instagram Followers HQ R30", refill=True, dripfeed=True),
          make_service("22", name="Instagram Likes HQ R30", refill=True))  # fmt: skip
    groups = _groups(db)
    assert frozenset({("a", "1"), ("b", "10")}) in groups  # one per panel: a:2 stands apart
    for alone in ("11", "12", "20", "21", "22"):  # refill days, refill, min/max, drip, kind
        assert not any(len(g) > 1 and any(s == alone for _, s in g) for g in groups), alone


def test_choices_survive_catalog_refreshes(db, panels, make_service) -> None:
    a, b, _ = panels
    services_a = [make_service("1", name="IG Followers Real"), make_service("2", name="IG Likes")]
    services_b = [
        make_service("7", name="Instagram Followers Real"),
        make_service("8", name="Fans"),
    ]
    _save(db, a, *services_a)
    _save(db, b, *services_b)
    assert frozenset({("a", "1"), ("b", "7")}) in _groups(db)
    set_alone(db, b.id, "7")
    keep_together(db, [(a.id, "2"), (b.id, "8")])
    for _ in range(2):  # a refresh replaces the snapshot; the choices stay
        _save(db, a, *services_a)
        _save(db, b, *services_b)
        groups = _groups(db)
        assert frozenset({("b", "7")}) in groups and frozenset({("a", "1")}) in groups
        assert frozenset({("a", "2"), ("b", "8")}) in groups
    assert forget_choice(db, b.id, "7") and not forget_choice(db, b.id, "7")
    assert frozenset({("a", "1"), ("b", "7")}) in _groups(db)


def _history(db, panel, service, outcomes, at):
    """Orders of ``service`` placed at ``at`` that ended as ``outcomes`` (status, minutes)."""
    for n, (status, minutes) in enumerate(outcomes):
        order = record_sending(db, panel.id, service, {"link": "x", "quantity": "100"}, at=at)
        mark_placed(db, order.id, f"{service.id}-{panel.id}-{n}")
        answer = OrderStatus(status, status, Decimal("0.09"))
        apply_statuses(db, panel.id, {f"{service.id}-{panel.id}-{n}": answer},
                       at=at + timedelta(minutes=minutes))  # fmt: skip


def test_history_figures_and_cheapest_first(db, panels, make_service) -> None:
    a, b, _ = panels
    slow = make_service("1", name="IG Followers Real", rate="0.80")
    fast = make_service("7", name="Instagram Followers Real", rate="0.95")
    _save(db, a, slow)
    _save(db, b, fast)
    start = datetime(2026, 5, 1, tzinfo=UTC)
    _history(db, a, slow, [(COMPLETED, 300), (COMPLETED, 500), (PARTIAL, 100), (CANCELED, 5)],
             start)  # fmt: skip
    _history(db, b, fast, [(COMPLETED, 10), (COMPLETED, 30), (COMPLETED, 20)], start)
    stats = service_stats(db, [(a.id, "1"), (b.id, "7"), (a.id, "99")])
    assert stats[(a.id, "1")].completed_median_s == 400 * 60
    assert (stats[(a.id, "1")].partial_rate, stats[(a.id, "1")].cancel_rate) == (0.25, 0.25)
    assert stats[(b.id, "7")].completed_median_s == 20 * 60 and (a.id, "99") not in stats
    (comparison,) = compare(db, "instagram followers real")
    assert [c.offer.panel for c in comparison.offers] == ["a", "b"]  # cheapest first
    assert comparison.fastest is not None and comparison.fastest.offer.panel == "b"
    assert [c.offer.service.id for c in alternatives(db, a.id, "1")] == ["7"]
    assert compare(db, "telegram members") == []


def test_average_time_from_the_catalog(make_service) -> None:
    assert average_time_s(make_service("1", extra={"average_time": "90"})) == 5400
    assert average_time_s(make_service("1", extra={"average_time": "2 hours 15 minutes"})) == 8100
    assert average_time_s(make_service("1", extra={"average_time": "soon"})) is None
    assert average_time_s(make_service("1")) is None
