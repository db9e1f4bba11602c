"""The business across panels from the command line, against three demo panels that sell
overlapping services under other names, ids and prices: compare, group corrections, sale
prices and customers, reports, orders that need attention, price changes, fallback."""

from __future__ import annotations

import csv
from collections.abc import Iterator
from dataclasses import replace
from pathlib import Path
from typing import Any

import pytest

from smmdesk.demo.server import DemoPanel
from tests.cli.test_basics import Cli

POST = "https://instagram.com/p/Cx1"


@pytest.fixture
def panels() -> Iterator[dict[str, DemoPanel]]:
    with (
        DemoPanel(clock_speed=0) as demo,
        DemoPanel(clock_speed=0, catalog="rival") as rival,
        DemoPanel(clock_speed=0, catalog="budget") as budget,
    ):
        yield {"demo": demo, "rival": rival, "budget": budget}


@pytest.fixture
def cli(tmp_path: Path, panels: dict[str, DemoPanel]) -> Cli:
    runner = Cli(tmp_path)
    for name, panel in panels.items():
        runner.add_panel(name, panel.url, panel.key)
    return runner


def _group(groups: list[dict[str, Any]], panel: str, service: str) -> dict[str, Any]:
    for group in groups:
        if any((s["panel"], s["service"]) == (panel, service) for s in group["services"]):
            return group
    raise AssertionError(f"{panel}:{service} is in no group")


def test_compare_groups_renamed_services_cheapest_first(cli: Cli) -> None:
    groups = cli.json("compare", "instagram followers")
    real = _group(groups, "demo", "1")
    assert [(s["panel"], s["service"], s["rate"]) for s in real["services"]] == [
        ("budget", "7001", "0.69"),
        ("rival", "101", "0.75"),
        ("demo", "1", "0.90"),
    ]
    hq = _group(groups, "rival", "102")  # "IG Followers - HQ | Refill 30D"
    assert {(s["panel"], s["name"]) for s in hq["services"]} == {
        ("rival", "IG Followers - HQ | Refill 30D"),
        ("budget", "Instagram Followers HQ [Refill 30D]"),
    }
    assert set(hq["services"][0]) >= {
        "panel", "service", "name", "type", "rate", "currency", "min", "max", "refill",
        "cancel", "completed_median_s",
    }  # fmt: skip
    assert hq["services"][0]["refill"] is True and hq["services"][0]["currency"] == "USD"
    text = cli("compare", "IG likes").out
    assert "Instagram Likes" in text and "budget" in text and "rival" in text


def test_group_choices_survive_a_catalog_refresh(cli: Cli) -> None:
    cli("group", "split", "budget:7001")
    groups = cli.json("compare", "instagram followers")
    assert len(_group(groups, "budget", "7001")["services"]) == 1
    cli("group", "keep", "demo:1", "rival:102")
    cli("services", "demo", "--refresh")
    cli("services", "rival", "--refresh")
    groups = cli.json("compare", "instagram followers")
    kept = _group(groups, "demo", "1")
    assert kept["by_hand"] is True
    assert {(s["panel"], s["service"]) for s in kept["services"]} >= {
        ("demo", "1"),
        ("rival", "102"),
    }
    assert len(_group(groups, "budget", "7001")["services"]) == 1
    cli("group", "reset", "budget:7001")
    assert len(_group(cli.json("compare", "followers real"), "budget", "7001")["services"]) > 1
    bad = cli("group", "split", "budget:999", code=1)
    assert "no service 999" in bad.err


def test_sale_price_customer_profit_and_reports(cli: Cli, panels: dict[str, DemoPanel]) -> None:
    placed = cli.json(
        "order", "add", "demo", "2", f"link={POST}", "quantity=1000",
        "--sale-price", "1.00", "--customer", "Alice Shop", "--yes",
    )  # fmt: skip
    assert placed["sale_price"] == "1.00" and placed["reference"] == "Alice Shop"
    assert placed["profit"] == "0.65"  # 1.00 - 0.35
    cli("order", "add", "rival", "103", f"link={POST}", "quantity=1000", "--yes")
    cli("order", "set-price", str(placed["id"] + 1), "0.50", "--customer", "Bob")
    assert cli.json("customers") == ["Alice Shop", "Bob"]

    by_panel = {row["panel"]: row for row in cli.json("report", "--by", "panel")}
    assert by_panel["demo"] == {
        "panel": "demo", "orders": 1, "spent": "0.35", "sales": "1.00", "profit": "0.65",
        "priced": 1, "currency": "USD",
    }  # fmt: skip
    assert by_panel["rival"]["profit"] == "0.21"  # 0.50 - 0.29
    (month,) = cli.json("report", "--by", "month")
    assert month["orders"] == 2 and month["profit"] == "0.86"
    customers = {row["customer"]: row["sales"] for row in cli.json("report", "--by", "customer")}
    assert customers == {"Alice Shop": "1.00", "Bob": "0.50"}
    assert cli.json("report", "--by", "day", "--since", "2001-01-01", "--until", "2001-12-31") == []
    out = cli.data.parent / "report.csv"
    cli("report", "--by", "service", "--csv", out)
    with out.open(encoding="utf-8-sig", newline="") as handle:
        rows = list(csv.DictReader(handle))
    assert {row["service"] for row in rows} == {"demo:2", "rival:103"}
    text = cli("report", "--by", "week").out
    assert "-W" in text and "0.86" in text


def test_bad_money_changes_nothing(cli: Cli, panels: dict[str, DemoPanel]) -> None:
    bad = cli(
        "order", "add", "demo", "2", f"link={POST}", "quantity=1000", "--sale-price", "five",
        "--yes", code=1,
    )  # fmt: skip
    assert "not an amount of money" in bad.err
    assert panels["demo"].orders() == [] and cli.json("orders") == []
    assert "0 or more" in cli("markup", "add", "percent", "-5", code=1).err
    assert cli.json("markup", "list") == []
    assert "more than 0" in cli("exchange-rate", "EUR", "0", code=1).err
    assert cli.json("exchange-rate")["rates"] == {}
    placed = cli.json("order", "add", "demo", "2", f"link={POST}", "quantity=1000", "--yes")
    assert "not an amount" in cli("order", "set-price", str(placed["id"]), "1.2.3", code=1).err
    assert cli.json("orders")[0]["sale_price"] is None


def test_exchange_rates_convert_report_totals(cli: Cli, panels: dict[str, DemoPanel]) -> None:
    cli("order", "add", "demo", "2", f"link={POST}", "quantity=1000", "--sale-price", "2", "--yes")
    cli("exchange-rate", "USD", "0.5", "--report-currency", "EUR")
    (row,) = cli.json("report", "--by", "panel")
    assert (row["currency"], row["spent"], row["sales"]) == ("EUR", "0.175", "1.00")
    (own,) = cli.json("report", "--by", "panel", "--own-currencies")
    assert own["currency"] == "USD"


def test_attention_lists_refillable_partials_and_low_balances(
    cli: Cli, panels: dict[str, DemoPanel]
) -> None:
    demo = panels["demo"]
    partial = cli.json("order", "add", "demo", "1", f"link={POST}#partial", "quantity=100", "--yes")
    for n in range(3):
        cli("order", "add", "demo", "2", f"link={POST}{n}#complete", "quantity=100", "--yes")
    assert cli.json("orders", "--attention") == []
    demo.advance(600)
    cli("refresh")
    demo.set_balance("0.05")  # 0.195 spent this week: about 1.8 days left
    cli("balance")
    found = cli.json("orders", "--attention")
    assert [(a["kind"], a["action"], a["order_id"]) for a in found] == [
        ("balance", "add funds", None),
        ("refillable", "refill", partial["id"]),
    ]
    text = cli("orders", "--attention").out
    assert "Add funds" in text and "came back partial" in text
    cli("refill", "demo", partial["remote_id"])
    assert [a["kind"] for a in cli.json("orders", "--attention")] == ["balance"]


def test_price_changes_of_ordered_services(cli: Cli, panels: dict[str, DemoPanel]) -> None:
    cli("order", "add", "demo", "2", f"link={POST}", "quantity=1000", "--yes")
    state = panels["demo"].state
    state.services["2"] = replace(state.services["2"], rate_text="0.40")
    state.services["3"] = replace(state.services["3"], rate_text="9.99")  # never ordered
    cli("services", "demo", "--refresh")
    (move,) = cli.json("prices")
    assert (move["service_id"], move["old_rate"], move["new_rate"]) == ("2", "0.35", "0.40")
    assert {m["service_id"] for m in cli.json("prices", "--all")} == {"2", "3"}
    assert "+14.3%" in cli("prices").out


def test_fallback_lists_other_panels_after_a_refusal_for_good(
    cli: Cli, panels: dict[str, DemoPanel]
) -> None:
    panels["demo"].set_balance("0")
    failed = cli(
        "order", "add", "demo", "2", f"link={POST}", "quantity=1000", "--fallback", "--yes",
        "--json", code=1,
    )  # fmt: skip
    shown = failed.json
    assert shown["state"] == "failed"
    assert [(a["panel"], a["service"]) for a in shown["alternatives"]] == [
        ("rival", "103"),
        ("budget", "7003"),
    ]
    assert "instead: rival service 103" in failed.err
    panels["demo"].set_balance("100")
    panels["demo"].inject("drop_after", "add")
    unknown = cli(
        "order", "add", "demo", "2", f"link={POST}", "quantity=1000", "--fallback", "--yes",
        "--json", code=1,
    )  # fmt: skip
    assert unknown.json["state"] == "unknown" and "alternatives" not in unknown.json
