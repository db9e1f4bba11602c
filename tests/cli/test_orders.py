"""smmdesk-cli order add/track/resolve, cancel, refill, end to end against the demo panel.

Every catalog type of the demo panel goes through ``order add``; the ledger states a user
meets (placed, failed, unknown -> resolved) are checked from the command line, and what the
demo panel received is checked on the panel itself.
"""

from __future__ import annotations

import re
from collections.abc import Iterator
from decimal import Decimal
from pathlib import Path
from typing import Any

import pytest

from smmdesk.demo.server import DemoPanel
from tests.cli.test_basics import Cli

POST = "https://instagram.com/p/Cx1"
COMMENTS = ["Great post! 🔥", "Ça marche très bien", "Love it", "😍😍", "Nice colours"]
USERNAMES = ["alice", "bob", "carol", "dave", "erin", "frank", "grace", "heidi", "ivan", "judy"]


@pytest.fixture
def demo_panel() -> Iterator[DemoPanel]:
    """A demo panel whose clock moves only with ``advance()`` (statuses are predictable)."""
    with DemoPanel(clock_speed=0) as panel:
        yield panel


@pytest.fixture
def cli(tmp_path: Path, demo_panel: Any) -> Cli:
    runner = Cli(tmp_path)
    runner.add_panel("demo", demo_panel.url, demo_panel.key)
    return runner


def every_type(tmp_path: Path) -> list[tuple[str, list[str], int | None, str]]:
    """(service, FIELD=VALUE args, quantity smmdesk computes, expected cost) per demo type."""
    comments = tmp_path / "comments.txt"
    comments.write_text("\n".join(COMMENTS * 2) + "\n", encoding="utf-8")  # 10 lines
    package_comments = tmp_path / "package.txt"
    package_comments.write_text("\r\n".join(COMMENTS * 2), encoding="utf-8-sig")  # Notepad
    usernames = tmp_path / "usernames.txt"
    usernames.write_text("\n".join(USERNAMES), encoding="utf-8")
    link = f"link={POST}"
    return [
        ("1", [link, "quantity=100", "runs=3", "interval=10"], 300, "0.27"),
        ("2", [link, "quantity=1000"], 1000, "0.35"),
        ("3", ["link=https://example.com", "quantity=100", "keywords=smm panel,buy"], 100, "0.21"),
        ("4", [link, f"comments=@{comments}"], 10, "0.08"),
        ("5", [link, f"comments=@{package_comments}"], 10, "12.50"),  # a 10-comment package
        ("6", ["link=https://youtube.com/@mychannel"], None, "25.00"),
        ("7", ["link=https://x.com/i/status/1", "quantity=100", "answer_number=2"], 100, "0.12"),
        ("8", ["link=https://t.me/mygroup", "quantity=100", "groups=g1\ng2"], 100, "0.30"),
        ("10", [link, "quantity=100", "usernames=alice,bob"], 100, "0.40"),
        ("11", [link, "quantity=100", "usernames=alice", "hashtags=#sun,#sea"], 100, "0.45"),
        ("12", [link, f"usernames=@{usernames}"], 10, "0.06"),
        ("13", [link, "quantity=100", "hashtag=travel"], 100, "0.42"),
        ("14", [link, "quantity=100", "username=@@nike"], 100, "0.44"),
        ("15", [link, "quantity=100", "media=https://instagram.com/p/M1"], 100, "0.46"),
        ("16", [link, "quantity=20", "username=bob"], 20, "0.05"),
        (
            "17",
            [
                *("link=https://example.com", "quantity=500", "country=US", "device=1"),
                *("type_of_traffic=1", "google_keyword=best shoes"),
            ],
            500,
            "0.30",
        ),
        ("18", [link, "quantity=50", "reaction=love"], 50, "0.075"),
    ]


def test_every_type_through_order_add(cli: Cli, demo_panel: Any, tmp_path: Path) -> None:
    for service, fields, quantity, cost in every_type(tmp_path):
        args = ("order", "add", "demo", service, *fields, "--reference", f"c{service}", "--yes")
        ran = cli(*args, "--json")
        order = ran.json
        assert order["service"] == service and order["panel"] == "demo"
        assert order["state"] == "placed" and order["status"] == "Pending"
        assert order["quantity"] == quantity, service
        assert Decimal(order["expected_cost"]) == Decimal(cost), service
        assert order["currency"] == "USD" and order["source"] == "cli"
        assert order["reference"] == f"c{service}"
        on_panel = demo_panel.order(order["remote_id"])
        assert on_panel["service"] == service
        assert on_panel["fields"] == order["params"], service  # sent exactly as recorded
        assert on_panel["charge"] == Decimal(cost), service  # the panel agrees on the cost
        if service == "18":
            assert "doesn't know services of type 'Story Reactions'" in ran.err
        else:
            assert ran.err == "", ran.err

    sent = {o["service"]: o["fields"] for o in demo_panel.orders()}
    assert sent["4"]["comments"].splitlines() == COMMENTS * 2  # UTF-8 file, emoji intact
    assert sent["5"]["comments"].splitlines() == COMMENTS * 2  # BOM and CRLF of the file gone
    assert sent["12"]["usernames"].splitlines() == USERNAMES
    assert sent["14"]["username"] == "@nike"  # @@ is a literal @
    assert sent["1"]["runs"] == "3" and sent["1"]["interval"] == "10"
    assert sent["18"]["reaction"] == "love"  # extra fields of an unknown type are sent
    assert demo_panel.requests["add"] == 17
    for path, content in cli.data_bytes().items():  # SQLite, its WAL, the log
        assert demo_panel.key.encode() not in content, f"API key found in {path.name}"


def test_add_as_json_warns_about_cost_above_balance(cli: Cli, demo_panel: Any) -> None:
    demo_panel.set_balance(Decimal("10"))
    cli("balance")  # smmdesk now knows 10.00 USD
    demo_panel.set_balance(Decimal("100"))  # topped up on the site: the panel decides
    ran = cli("order", "add", "demo", "6", "link=https://youtube.com/@me", "--yes", "--json")
    order = ran.json
    assert {
        "id", "panel", "remote_id", "service", "type", "link", "quantity", "charge",
        "currency", "status", "start_count", "remains", "state", "reference", "created_at",
        "updated_at", "expected_cost", "error",
    } <= set(order)  # fmt: skip
    assert (order["state"], order["type"], order["quantity"]) == ("placed", "Package", None)
    assert order["expected_cost"] == "25.00000" and order["link"] == "https://youtube.com/@me"
    assert order["created_at"].startswith("20") and "T" in order["created_at"]
    assert ran.err_lines == [
        "smmdesk: warning: The expected cost 25.00 USD is more than the last known "
        "balance 10.00 USD of demo: the panel will likely refuse it. Add funds on the "
        "panel's site first."
    ]

    demo_panel.set_balance(Decimal("1"))
    poor = cli("order", "add", "demo", "6", "link=https://youtube.com/@me", "--yes", code=1)
    assert poor.err_lines[-1].startswith("smmdesk: Order #2 was not placed: Your balance ")
    assert "(panel said: " in poor.err_lines[-1]
    failed = cli.json("orders", "--state", "failed")
    assert [(o["id"], o["remote_id"]) for o in failed] == [(2, None)]
    assert "Your balance" in failed[0]["error"]


def test_subscriptions_refused_then_tracked_and_canceled(cli: Cli, demo_panel: Any) -> None:
    fields = ["username=mychannel", "min=10", "max=20", "delay=0", "posts=2"]
    refused = cli("order", "add", "demo", "9", *fields, "--yes", code=1)
    assert refused.err_lines == [
        "smmdesk: Order #1 was not placed: This panel does not create subscriptions through "
        "its API. Place the subscription on the panel's website, then track it in smmdesk by "
        "its order id. (panel said: Subscription orders must be created from the customer "
        "site; API creation is not yet supported.)"
    ]
    asked = demo_panel.requests["add"]
    again = cli("order", "add", "demo", "9", *fields, "--yes", code=1)
    assert again.err_lines[0].startswith(  # remembered: refused up front, nothing sent
        "smmdesk: This panel does not create subscriptions through its API."
    )
    assert "smmdesk-cli panel set demo subscriptions auto" in again.err_lines[0]
    assert demo_panel.requests["add"] == asked
    assert [o["id"] for o in cli.json("orders")] == [1]

    on_site = demo_panel.place_on_site("9", dict(f.split("=") for f in fields))
    tracked = cli.json("order", "track", "demo", on_site, "--reference", "shop #1042")
    assert len(tracked) == 1
    assert tracked[0]["remote_id"] == on_site and tracked[0]["state"] == "tracked"
    assert tracked[0]["status"] == "Pending"  # the panel's own answer
    assert tracked[0]["reference"] == "shop #1042"
    assert cli.json("order", "track", "demo", on_site)[0]["id"] == tracked[0]["id"]  # once

    unknown = cli("order", "track", "demo", on_site, "999999", code=1)
    assert unknown.err_lines == ["smmdesk: demo has no order 999999 (Incorrect order ID)."]
    assert on_site in unknown.out  # the good one is still shown

    canceled = cli.json("cancel", "demo", on_site)
    assert canceled == [
        {"remote_id": on_site, "ok": True, "message": "cancel requested",
         "order_id": tracked[0]["id"], "refill_id": None}
    ]  # fmt: skip
    assert demo_panel.order(on_site)["cancel_requested"] is True


def test_cancel_and_refill_many(cli: Cli, demo_panel: Any) -> None:
    def add(service: str, link: str, quantity: str) -> str:
        args = ("order", "add", "demo", service, f"link={link}", f"quantity={quantity}", "--yes")
        return cli.json(*args)["remote_id"]

    followers = add("1", f"{POST}#complete", "100")  # refill: yes
    likes = add("2", f"{POST}#complete", "100")  # refill: no
    early = cli("refill", "demo", followers, code=1)  # not completed yet
    assert "Completed or Partial" in early.out
    assert early.err_lines == ["smmdesk: 1 of 1 order(s) cannot be refilled: see above."]

    demo_panel.advance(400)  # both complete on the panel
    refills = cli("refill", "demo", followers, likes, "--json", code=1).json
    assert [(r["remote_id"], r["ok"]) for r in refills] == [(followers, True), (likes, False)]
    assert refills[0]["refill_id"] and refills[0]["message"].endswith("accepted")
    assert refills[1]["message"] == "Refill is not available for this service"
    assert [r["order"] for r in demo_panel.refills()] == [followers]

    placed = cli("order", "add", "demo", "2", f"link={POST}", "quantity=100", "--yes").out
    shown = r"Placed order #3 on demo: panel id (\d+), expected cost 0.035 USD\.\n"
    match = re.fullmatch(shown, placed)
    assert match, placed
    more_likes = match[1]  # cancel: yes, not final yet
    table = cli("cancel", "demo", more_likes, followers, code=1).out.splitlines()
    assert demo_panel.order(more_likes)["cancel_requested"] is True
    assert table[0].split() == ["REMOTE", "ORDER", "RESULT", "MESSAGE"]
    assert table[1].split()[:4] == [more_likes, "#3", "ok", "cancel"]
    assert table[2].split()[:3] == [followers, "#1", "refused"]
    assert "already Completed" in table[2]


def test_unknown_outcome_is_never_resent_and_resolved_by_the_user(
    cli: Cli, demo_panel: Any
) -> None:
    demo_panel.inject("drop_after", action="add")
    ran = cli("order", "add", "demo", "2", f"link={POST}", "quantity=100", "--yes", "--json",
              code=1)  # fmt: skip
    assert ran.json["state"] == "unknown" and ran.json["remote_id"] is None
    assert len(ran.err_lines) == 1 and "It was NOT sent again." in ran.err
    assert "smmdesk-cli order resolve 1 REMOTE_ID (or --not-placed)" in ran.err
    assert demo_panel.requests["add"] == 1  # reached the panel once, not resent
    really = demo_panel.orders()[0]["id"]

    assert [o["id"] for o in cli.json("orders", "--state", "unknown")] == [1]
    resolved = cli.json("order", "resolve", "#1", really)
    assert (resolved["state"], resolved["remote_id"]) == ("placed", really)

    demo_panel.inject("drop_after", action="add")
    cli("order", "add", "demo", "2", f"link={POST}", "quantity=100", "--yes", code=1)
    gone = cli("order", "resolve", "2", "--not-placed")
    assert gone.out.strip() == "Order #2 is marked as not placed."
    assert cli.json("orders", "--state", "failed")[0]["id"] == 2
    twice = cli("order", "resolve", "2", "--not-placed", code=1)
    assert twice.err.startswith("smmdesk: ") and len(twice.err_lines) == 1
    missing = cli("order", "resolve", "77", "123", code=1)
    assert "no order #77" in missing.err


def test_bad_fields_are_listed_and_nothing_is_sent(
    cli: Cli, demo_panel: Any, tmp_path: Path
) -> None:
    bad = cli("order", "add", "demo", "1", f"link={POST}", "quantity=10", "runs=x", "--yes",
              code=1)  # fmt: skip
    assert len(bad.err_lines) == 1
    assert "quantity: Quantity must be between 50 and 10,000 for this service." in bad.err
    assert "runs: " in bad.err

    missing_file = tmp_path / "nope.txt"
    files = cli("order", "add", "demo", "4", f"link={POST}", f"comments=@{missing_file}",
                "quantity=1", "quantity=2", "--yes", code=1)  # fmt: skip
    assert "comments: cannot read" in files.err and "no such file" in files.err
    assert "quantity: given twice" in files.err and len(files.err_lines) == 1

    latin1 = tmp_path / "latin1.txt"
    latin1.write_bytes("Très bien\n".encode("latin-1"))
    encoding = cli("order", "add", "demo", "4", f"link={POST}", f"comments=@{latin1}", "--yes",
                   code=1)  # fmt: skip
    assert "not UTF-8 text" in encoding.err

    service = cli("order", "add", "demo", "999", f"link={POST}", "quantity=100", "--yes", code=1)
    assert service.err_lines == [
        'smmdesk: Panel "demo" has no service 999 in its catalog. Look up the service id '
        "with: smmdesk-cli services demo"
    ]
    panel = cli("order", "add", "nope", "1", f"link={POST}", "quantity=100", "--yes", code=1)
    assert 'no panel named "nope"' in panel.err
    unconfirmed = cli("order", "add", "demo", "1", f"link={POST}", "quantity=100", code=1)
    assert unconfirmed.err_lines == [
        "smmdesk: Nothing was sent: add --yes to confirm when not running in a terminal."
    ]
    assert demo_panel.requests["add"] == 0
    assert cli.json("orders") == []
