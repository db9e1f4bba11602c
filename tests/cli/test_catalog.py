"""smmdesk-cli services: a panel's catalog, searched, refreshed, and bad catalog answers."""

from __future__ import annotations

from decimal import Decimal
from pathlib import Path
from typing import Any

import pytest

from tests.cli.test_basics import Cli

SERVICE_KEYS = {
    "service",
    "name",
    "type",
    "category",
    "rate",
    "min",
    "max",
    "dripfeed",
    "refill",
    "cancel",
}


@pytest.fixture
def cli(tmp_path: Path, demo_panel: Any) -> Cli:
    runner = Cli(tmp_path)
    runner.add_panel("demo", demo_panel.url, demo_panel.key)
    return runner


def test_services_as_json_table_and_search(cli: Cli, demo_panel: Any) -> None:
    services = cli.json("services", "demo")
    assert [s["service"] for s in services] == [str(n) for n in range(1, 19)]
    assert all(set(s) >= SERVICE_KEYS for s in services)
    first = services[0]
    assert first["type"] == "Default" and first["category"] == "Instagram Followers"
    assert first["rate"] == "0.90" and isinstance(first["rate"], str)
    assert (first["min"], first["max"]) == (50, 10000)
    assert (first["dripfeed"], first["refill"], first["cancel"]) == (True, True, True)
    assert services[1]["refill"] is False

    found = cli.json("services", "demo", "--search", "COMMENTS")
    assert [s["service"] for s in found] == ["4", "5", "9"]  # names and categories

    text = cli("services", "demo", "--search", "story").out.splitlines()
    assert text[0].split()[:3] == ["ID", "NAME", "TYPE"]
    assert "(unknown type)" in text[1] and "1.50 USD" in text[1]
    assert demo_panel.requests["services"] == 1  # the saved catalog is used while fresh


def test_refresh_reports_changes_and_bad_catalog_answers(cli: Cli, demo_panel: Any) -> None:
    cli("services", "demo")
    refreshed = cli("services", "demo", "--refresh", "--search", "Package")
    assert refreshed.err_lines == ["smmdesk: demo: catalog fetched, no changes."]
    assert "12.50 USD" in refreshed.out and "25.00 USD" in refreshed.out

    for fault in ("malformed", "html_200"):  # answers that are not a catalog: not retried
        demo_panel.inject(fault, action="services")
        ran = cli("services", "demo", "--refresh", code=1)
        assert ran.err_lines == [
            "smmdesk: The panel answered with something smmdesk cannot read (it may be down or "
            "behind a protection page). Try again later, or check the panel's URL."
        ]
        assert ran.out == ""

    # the last good catalog is kept and still used
    assert Decimal(cli.json("services", "demo", "--search", "Likes [Fast]")[0]["rate"]) == (
        Decimal("0.35")
    )
    unknown = cli("services", "nope", code=1)
    assert unknown.err_lines == [
        'smmdesk: smmdesk has no panel named "nope" (panels: demo). Check the name, or add '
        "the panel first."
    ]
