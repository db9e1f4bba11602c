"""``smmdesk-cli refresh`` and ``refills`` as a user runs them (subprocesses, own data folder
and keyring file), against demo panels over loopback."""

from __future__ import annotations

from decimal import Decimal
from pathlib import Path

from smmdesk.core import store
from smmdesk.demo.server import DemoPanel
from tests.cli.test_basics import Cli


def track(cli: Cli, panel: str, remote_ids: list[str]) -> list[int]:
    """Adopt orders straight into the CLI's SQLite file (no request to the panel)."""
    db = store.open_db(cli.data / "smmdesk.sqlite3")
    try:
        panel_id = store.get_panel(db, panel).id
        with store.transaction(db):
            return [store.track(db, panel_id, r).id for r in remote_ids]
    finally:
        db.close()


def test_refresh_keeps_orders_current(tmp_path: Path, demo_panel: DemoPanel) -> None:
    demo_panel.clock_speed = 0  # the panel's time moves only when the test says
    cli = Cli(tmp_path)
    cli.add_panel("demo", demo_panel.url, demo_panel.key)
    ids = track(cli, "demo", demo_panel.seed_orders(150, open_minutes=5))
    demo_panel.reset_counters()

    summary = cli.json("refresh")
    assert {k: summary[k] for k in ("checked", "changed", "requests", "errors")} == {
        "checked": 150,
        "changed": 150,
        "requests": 3,  # 2 multiStatus + the balance
        "errors": {},
    }
    assert summary["changed_orders"] == ids
    [balance] = summary["balances"]
    assert (balance["panel"], balance["currency"]) == ("demo", "USD")
    assert Decimal(balance["balance"]) == demo_panel.balance()
    assert demo_panel.requests["multiStatus"] == 2

    demo_panel.advance(10)  # every order ends on the panel
    text = cli("refresh", "--panel", "demo").out
    assert text.startswith("Checked 150 orders on 1 panel in ")
    assert "finished: 150 (" in text
    balance_line = text.splitlines()[-1]
    assert balance_line.startswith("Balance: demo ") and balance_line.endswith(" USD.")
    assert Decimal(balance_line.split()[2]) == demo_panel.balance()
    listed = cli.json("orders")
    assert all(
        o["final"] and o["status"] == demo_panel.order(o["remote_id"])["status"] for o in listed
    )

    demo_panel.reset_counters()
    again = cli.json("refresh")
    assert (again["checked"], again["requests"]) == (0, 1)  # final orders are not asked again
    chosen = cli.json("refresh", "--order", ids[0], "--order", f"#{ids[1]}")  # as listed
    assert (chosen["checked"], chosen["requests"]) == (2, 1)

    assert cli("refresh", "--panel", "nope", code=1).err.startswith("smmdesk: ")


def test_one_panel_down_is_reported_and_the_others_refreshed(
    tmp_path: Path, demo_panel: DemoPanel
) -> None:
    cli = Cli(tmp_path)
    cli.add_panel("demo", demo_panel.url, demo_panel.key)
    with DemoPanel() as other:
        cli.add_panel("other", other.url, other.key)
        track(cli, "other", other.seed_orders(3))
    track(cli, "demo", demo_panel.seed_orders(4))

    ran = cli("refresh", "--json", code=1)
    assert ran.json["checked"] == 4 and ran.json["changed"] == 4
    assert list(ran.json["errors"]) == ["other"]
    assert ran.err_lines == [f"smmdesk: other: {ran.json['errors']['other']}"]
    assert "could not connect" in ran.err


def test_refills_are_refreshed_then_listed(tmp_path: Path, demo_panel: DemoPanel) -> None:
    demo_panel.clock_speed = 0
    cli = Cli(tmp_path)
    cli.add_panel("demo", demo_panel.url, demo_panel.key)
    remote = demo_panel.seed_orders(1, open_minutes=5)
    [order_id] = track(cli, "demo", remote)
    demo_panel.advance(10)
    cli("refresh")
    cli("refill", "demo", remote[0])

    [waiting] = cli.json("refills")
    assert waiting["order_id"] == order_id and waiting["remote_id"] == remote[0]
    assert waiting["status"] == "Pending" and waiting["final"] is False
    refill_id = waiting["refill_id"]

    demo_panel.advance(120)
    text = cli("refills", "demo").out
    assert text.splitlines()[0].split() == [
        "ORDER",
        "PANEL",
        "REMOTE",
        "REFILL",
        "STATUS",
        "REQUESTED",
        "NOTE",
    ]
    row = text.splitlines()[1].split()
    assert row[:5] == [f"#{order_id}", "demo", remote[0], refill_id, "Completed"]
    assert cli.json("refills")[0]["final"] is True
    assert "smmdesk: " in cli("refills", "nope", code=1).err
