"""Two real processes on one data folder, and a process killed in the middle of an add.

- ``kill -9`` while ``smmdesk-cli order add`` waits for the panel's answer: the very next
  command lists the order as unknown and ``order resolve`` settles it (no 10-minute wait).
- An import, refreshes and order adds running side by side never print an unexpected error
  and never exit 1 for work that was done.
"""

from __future__ import annotations

import csv
import signal
import subprocess
import sys
import time
from pathlib import Path
from typing import Any

import pytest

from smmdesk.demo.server import DemoPanel
from tests.cli.test_basics import REPO, Cli

ORDER = ("link=https://ig.com/killed", "quantity=100")


def start_cli(cli: Cli, *args: str) -> subprocess.Popen[str]:
    return subprocess.Popen(
        [sys.executable, "-m", "smmdesk.cli", *args],
        cwd=REPO,
        env=cli.env,
        stdout=subprocess.PIPE,
        stderr=subprocess.PIPE,
        stdin=subprocess.DEVNULL,
        text=True,
    )


@pytest.mark.skipif(sys.platform == "win32", reason="kill -9 is POSIX")
def test_an_add_killed_mid_request_is_unknown_at_once(tmp_path: Path) -> None:
    cli = Cli(tmp_path)
    with DemoPanel(latency=0.0) as panel:
        cli.add_panel("demo", panel.url, panel.key)
        panel.latency = 30.0  # the answer will not come before the kill
        adding = start_cli(cli, "order", "add", "demo", "2", *ORDER, "--yes")
        deadline = time.monotonic() + 20
        while panel.requests["add"] == 0 and time.monotonic() < deadline:
            time.sleep(0.05)  # waiting for the request to reach the panel, not a sync sleep
        assert panel.requests["add"] == 1, adding.communicate(timeout=5)
        adding.send_signal(signal.SIGKILL)
        adding.communicate(timeout=10)
        panel.latency = 0.0

        unknown = cli.json("orders", "--state", "unknown")
        assert [o["state"] for o in unknown] == ["unknown"]
        order_id = unknown[0]["id"]
        [placed] = panel.orders()  # the panel did place it
        resolved = cli.json("order", "resolve", str(order_id), str(placed["id"]))
        assert resolved["state"] == "placed" and resolved["remote_id"] == placed["id"]
        assert panel.requests["add"] == 1  # never resent


def test_two_processes_on_one_folder_never_fail_each_other(tmp_path: Path) -> None:
    cli = Cli(tmp_path)
    with DemoPanel(latency=0.05) as panel:
        cli.add_panel("demo", panel.url, panel.key)
        rows = [
            {"service": "2", "link": f"https://ig.com/imported/{n}", "quantity": "100"}
            for n in range(150)
        ]
        order_file = tmp_path / "orders.csv"
        with order_file.open("w", newline="") as out:
            writer = csv.DictWriter(out, ["service", "link", "quantity"])
            writer.writeheader()
            writer.writerows(rows)
        importing = start_cli(cli, "import", str(order_file), "--yes")
        ran: list[Any] = []
        while importing.poll() is None and len(ran) < 40:
            ran.append(cli("refresh", code=None))
            ran.append(cli("order", "add", "demo", "2", f"link=https://ig.com/side/{len(ran)}",
                           "quantity=100", "--yes", code=None))  # fmt: skip
        out, err = importing.communicate(timeout=120)
        assert importing.returncode == 0, err
        assert len(ran) >= 4, "the commands did not overlap the import"
        for one in ran:
            assert one.code == 0, one.err
            assert "unexpected" not in one.err
        adds = sum(1 for one in ran if "Placed order" in one.out)
        assert len(panel.orders()) == 150 + adds  # every add placed once, none twice
