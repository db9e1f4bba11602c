"""smmdesk-cli panel add/list/remove and balance, end to end against the demo panel."""

from __future__ import annotations

import json
from decimal import Decimal
from pathlib import Path
from typing import Any

import pytest

from tests.cli.test_basics import Cli


@pytest.fixture
def cli(tmp_path: Path) -> Cli:
    return Cli(tmp_path)


def test_two_panels_with_keys_only_in_the_keyring(cli: Cli, demo_panel: Any) -> None:
    second_key = demo_panel.add_account(balance=Decimal("50"), currency="EUR")
    added = cli("panel", "add", "main", demo_panel.url, input=demo_panel.key + "\n")
    assert 'Added panel "main": balance 1000.00 USD' in added.out
    second = cli("--json", "panel", "add", "second", demo_panel.url, input=second_key + "\n")
    assert second.json["name"] == "second" and second.json["currency"] == "EUR"

    panels = cli.json("panel", "list")
    assert [(p["name"], p["url"], p["currency"]) for p in panels] == [
        ("main", demo_panel.url, "USD"),
        ("second", demo_panel.url, "EUR"),
    ]
    listed = cli("panel", "list").out.splitlines()
    assert listed[0].split()[:3] == ["NAME", "URL", "CURRENCY"]
    assert "1000.00 USD" in listed[1] and "50.00 EUR" in listed[2]

    demo_panel.set_balance(Decimal("987.65"))
    balances = cli.json("balance")
    assert balances == [
        {"panel": "main", "balance": balances[0]["balance"], "currency": "USD"},
        {"panel": "second", "balance": balances[1]["balance"], "currency": "EUR"},
    ]
    assert Decimal(balances[0]["balance"]) == Decimal("987.65")  # a decimal string
    assert Decimal(balances[1]["balance"]) == Decimal("50")
    one = cli("balance", "second").out.splitlines()
    assert one[1].split() == ["second", "50.00", "EUR"]

    assert cli.keys() == {"main": demo_panel.key, "second": second_key}
    for path, content in cli.data_bytes().items():  # SQLite, -wal, logs
        for key in (demo_panel.key, second_key):
            assert key.encode() not in content, f"API key found in {path.name}"

    removed = cli("panel", "remove", "second")
    assert 'Removed panel "second"' in removed.out
    assert cli.keys() == {"main": demo_panel.key}
    assert [p["name"] for p in cli.json("panel", "list")] == ["main"]


def test_balance_of_every_panel_goes_on_when_one_fails(cli: Cli, demo_panel: Any) -> None:
    cli.add_panel("good", demo_panel.url, demo_panel.key)
    cli.add_panel("revoked", demo_panel.url, demo_panel.add_account())
    keys = json.loads(cli.keyring_file.read_text(encoding="utf-8"))
    keys["smmdesk"]["revoked"] = "a-key-the-panel-no-longer-accepts"
    cli.keyring_file.write_text(json.dumps(keys), encoding="utf-8")

    ran = cli("balance", code=1)
    assert ran.out.splitlines()[1].split() == ["good", "1000.00", "USD"]
    assert ran.err_lines == [
        "smmdesk: revoked: The panel does not accept this API key. Copy the key again from "
        "your account page on the panel and update it in smmdesk. (panel said: Invalid API key)"
    ]
    as_json = cli("balance", "--json", code=1)
    assert [b["panel"] for b in as_json.json] == ["good"]
    single = cli("balance", "revoked", code=1)
    assert len(single.err_lines) == 1 and "(panel said: Invalid API key)" in single.err


def test_panel_add_refusals_keep_nothing(cli: Cli, demo_panel: Any) -> None:
    wrong = cli("panel", "add", "main", demo_panel.url, input="not-the-key\n", code=1)
    assert len(wrong.err_lines) == 1
    assert wrong.err.startswith("smmdesk: The panel does not accept this API key.")
    assert wrong.err.rstrip().endswith("(panel said: Invalid API key)")

    empty = cli("panel", "add", "main", demo_panel.url, input="\n", code=1)
    assert "No API key was given" in empty.err

    plain_http = cli(
        "panel", "add", "main", "http://panel.example/api/v2", input="some-key-123\n", code=1
    )
    assert plain_http.err.startswith("smmdesk: ") and "http" in plain_http.err

    assert cli.json("panel", "list") == []
    assert cli.keys() == {}
    assert "not-the-key" not in (cli.data / "logs" / "smmdesk.log").read_text(encoding="utf-8")

    cli.add_panel("main", demo_panel.url, demo_panel.key)
    twice = cli("panel", "add", "MAIN", demo_panel.url, input=demo_panel.key + "\n", code=1)
    assert "already exists" in twice.err
    missing = cli("panel", "remove", "nope", code=1)
    assert missing.err_lines == [
        'smmdesk: smmdesk has no panel named "nope" (panels: main). Check the name, or add '
        "the panel first."
    ]


def test_panel_show_says_what_a_smartpanel_speaks_and_set_overrides_it(
    cli: Cli, tmp_path: Path
) -> None:
    from smmdesk.demo.server import DemoPanel

    with DemoPanel(dialect="smartpanel") as smart:
        v2 = smart.url.replace("/api/v1", "/api/v2")  # what a user copies from habit
        added = cli("panel", "add", "smart", v2, input=smart.key + "\n")
        assert f"Its API is at {smart.url}" in added.out
        assert "no cancel" in added.out and "refill one by one" in added.out
        shown = cli("panel", "show", "smart").out
        assert "speaks:" in shown and "family:   smartpanel" in shown
        listed = cli.json("panel", "list")[0]
        assert listed["dialect"]["batch_status"] == "status_orders"
        assert listed["dialect"]["cancel"] is False and "no cancel" in listed["speaks"]

        commas = cli.json("panel", "set", "smart", "list_separator", "commas")
        assert commas["dialect"]["list_separator"] == ","
        assert commas["dialect"]["overrides"] == ["list_separator"]
        detected = cli.json("panel", "detect", "smart")  # detection keeps what was set
        assert detected["dialect"]["list_separator"] == ","
        back = cli.json("panel", "set", "smart", "list_separator", "auto")
        assert back["dialect"]["overrides"] == []
        bad = cli("panel", "set", "smart", "cancel", "maybe", code=1)
        assert "Write yes or no" in bad.err


def test_a_smartpanel_key_it_disabled_is_said_to_be_a_key_problem(cli: Cli) -> None:
    from smmdesk.demo.server import DemoPanel

    with DemoPanel(dialect="smartpanel") as smart:
        refused = cli("panel", "add", "smart", smart.url, input="wrong-key\n", code=1)

    assert "does not accept this API key" in refused.err and "Check the id" not in refused.err
