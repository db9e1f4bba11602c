"""``smmdesk-cli import`` end to end, as subprocesses against the demo panel.

The preview and --dry-run, the confirmation rule, the JSON summary and the result file;
unknown rows listed and settled with --resolve / --resend / --not-placed; and the
exactly-once property: the import is killed (SIGKILL) at random points 20 times and run
again after each, then the demo panel's own record must hold every valid row exactly once
(rows left unknown by a kill mid-request: at most once, reported, never resent).
"""

from __future__ import annotations

import contextlib
import csv
import io
import json
import random
import signal
import subprocess
import sys
from collections import Counter
from collections.abc import Iterator
from pathlib import Path

import pytest

from smmdesk.demo.server import DemoPanel
from tests.cli.test_basics import REPO, Cli

HEADER = ["Service ID", "Link", "Qty", "Reference"]


def write_csv(path: Path, rows: list[list[str]], delimiter: str = ",") -> Path:
    out = io.StringIO()
    csv.writer(out, delimiter=delimiter, lineterminator="\r\n").writerows([HEADER, *rows])
    path.write_bytes(out.getvalue().encode("utf-8-sig"))
    return path


def likes(count: int, prefix: str = "p") -> list[list[str]]:
    return [["2", f"https://ig.com/{prefix}{n}", "100", f"shop #{n}"] for n in range(1, count + 1)]


def links_on(panel: DemoPanel) -> Counter[str]:
    return Counter(str(order["link"]) for order in panel.orders())


@pytest.fixture
def cli(tmp_path: Path, demo_panel: DemoPanel) -> Cli:
    runner = Cli(tmp_path)
    runner.add_panel("demo", demo_panel.url, demo_panel.key)
    return runner


def test_preview_dry_run_and_the_confirmation_rule_send_nothing(
    cli: Cli, demo_panel: DemoPanel, tmp_path: Path
) -> None:
    rows = [*likes(2), ["2", "https://ig.com/bad", "5", ""], ["77", "https://ig.com/x", "100", ""]]
    file = write_csv(tmp_path / "orders.csv", rows, delimiter=";")
    demo_panel.reset_counters()

    dry = cli("import", file, "--dry-run")
    assert "ERROR: quantity: Quantity must be between 10 and 50,000" in dry.out
    assert 'ERROR: Panel "demo" has no service 77.' in dry.out
    assert "Instagram Likes [Fast]" in dry.out
    assert "Total for demo: 2 orders, 0.07 USD; balance 1000.00 USD" in dry.out
    assert "4 rows: 2 to place, 2 with errors" in dry.out
    preview = cli.json("import", file, "--dry-run")
    assert {k: preview[k] for k in ("rows", "placed", "failed", "skipped", "unknown")} == {
        "rows": 4, "placed": 0, "failed": 2, "skipped": 2, "unknown": 0,
    }  # fmt: skip
    assert preview["preview"][0]["expected_cost"] == "0.03500"
    assert preview["totals"][0]["cost"] == "0.07000"

    asked = cli("import", file, code=1)  # no terminal to ask on, no --yes
    assert asked.err_lines[-1] == (
        "smmdesk: Nothing was sent: add --yes to confirm when not running in a terminal."
    )
    nowhere = cli("import", file, "--panel", "nowhere", "--yes", code=1)
    assert 'no panel named "nowhere"' in nowhere.err
    (tmp_path / "notes.txt").write_text("hello\nworld\n")
    unreadable = cli("import", tmp_path / "notes.txt", "--yes", code=1)
    assert unreadable.err.startswith("smmdesk: No header row was found in “notes.txt”")
    missing = cli("import", tmp_path / "nope.csv", code=1)
    assert missing.err.startswith("smmdesk: Cannot read")
    assert demo_panel.requests["add"] == 0
    assert cli.json("imports") == []  # nothing was recorded either


def test_import_places_writes_the_result_file_and_a_rerun_places_nothing(
    cli: Cli, demo_panel: DemoPanel, tmp_path: Path
) -> None:
    file = write_csv(tmp_path / "shop export.csv", likes(5))
    ran = cli("import", file, "--yes", "--json")
    summary = ran.json
    assert {k: summary[k] for k in ("rows", "placed", "failed", "skipped", "unknown")} == {
        "rows": 5, "placed": 5, "failed": 0, "skipped": 0, "unknown": 0,
    }  # fmt: skip
    assert len([line for line in ran.err_lines if "] row " in line]) == 5  # progress
    result = Path(summary["result_file"])
    assert result.parent == cli.data / "imports" and result.name.startswith("import-1-shop_")
    lines = list(csv.reader(io.StringIO(result.read_text(encoding="utf-8-sig"))))
    assert lines[0] == ["row", "panel", "service", "link", "state", "remote_id", "error"]
    on_panel = {str(o["link"]): str(o["id"]) for o in demo_panel.orders()}
    assert [(line[3], line[4], line[5]) for line in lines[1:]] == [
        (f"https://ig.com/p{n}", "placed", on_panel[f"https://ig.com/p{n}"]) for n in range(1, 6)
    ]
    human = cli("import", file, "--yes")
    assert "5 of 5 rows placed (0 now)" in human.out and str(result.parent) in human.out
    assert "Placed before as order" in human.out
    assert demo_panel.requests["add"] == 5
    (listed,) = cli.json("imports")
    assert (listed["file"], listed["rows"], listed["counts"]) == (
        "shop export.csv",
        5,
        {"placed": 5},
    )


def test_unknown_rows_are_listed_and_settled_only_as_the_user_says(
    cli: Cli, demo_panel: DemoPanel, tmp_path: Path
) -> None:
    file = write_csv(tmp_path / "orders.csv", likes(4))
    demo_panel.inject("drop_after", "add")  # row 1: placed, answer lost
    demo_panel.inject("drop_before", "add", times=2)  # rows 2, 3: never placed
    first = cli("import", file, "--yes", "--json", "--concurrency", "1", code=1)
    assert [r["row"] for r in first.json["unresolved"]] == [1, 2, 3]
    assert first.json["placed"] == 1 and first.json["unknown"] == 3
    assert "3 of 4 rows are not placed" in first.err_lines[-1]

    again = cli("import", file, "--yes", code=1)
    assert "3 row(s) were sent before but their outcome is unknown (rows 1, 2, 3)" in again.err
    assert demo_panel.requests["add"] == 4  # nothing resent
    wrong = cli("import", file, "--resend", "4", code=1)
    assert "not row(s) 4" in wrong.err

    remote = {str(o["link"]): str(o["id"]) for o in demo_panel.orders()}["https://ig.com/p1"]
    settle = ("--resolve", f"1={remote}", "--resend", "2", "--not-placed", "3")
    final = cli("import", file, *settle, "--yes", "--json", code=1)
    assert [final.json["results"][n]["state"] for n in range(4)] == [
        "placed", "placed", "not_placed", "placed",
    ]  # fmt: skip
    assert final.json["placed_now"] == 1 and final.json["skipped"] == 1
    assert links_on(demo_panel) == Counter(
        {"https://ig.com/p1": 1, "https://ig.com/p2": 1, "https://ig.com/p4": 1}
    )


# --- the exactly-once property under SIGKILL ----------------------------------------------

ROWS = 300
KILLS = 20


@pytest.fixture
def slow_panel() -> Iterator[DemoPanel]:
    """Answers after 50 ms (kills land mid-request), no rate limit (many processes)."""
    with DemoPanel(latency=0.05, rate_limit=0) as panel:
        yield panel


def kill_at_a_random_point(cli: Cli, file: Path, rng: random.Random, attempt: int) -> None:
    """Start an import; SIGKILL it after a random delay, or once it reported N rows done."""
    proc = subprocess.Popen(
        [sys.executable, "-m", "smmdesk.cli", "import", str(file), "--yes"],
        cwd=REPO,
        env=cli.env,
        stdin=subprocess.DEVNULL,
        stdout=subprocess.DEVNULL,
        stderr=subprocess.PIPE,
        text=True,
        encoding="utf-8",
    )
    try:
        if attempt % 2:
            with contextlib.suppress(subprocess.TimeoutExpired):
                proc.wait(timeout=rng.uniform(0.1, 0.9))  # often before any row is sent
        else:
            wanted, seen = rng.randint(1, 20), 0
            assert proc.stderr is not None
            while seen < wanted and (line := proc.stderr.readline()):
                seen += "] row " in line
    finally:
        proc.send_signal(signal.SIGKILL)
        proc.wait(timeout=30)
        if proc.stderr is not None:
            proc.stderr.close()


@pytest.mark.slow
def test_sigkill_at_random_points_never_places_a_row_twice(
    tmp_path: Path, slow_panel: DemoPanel
) -> None:
    cli = Cli(tmp_path)
    cli.add_panel("demo", slow_panel.url, slow_panel.key)
    rows = [["2", f"https://ig.com/k{n}", "100", f"#{n}"] for n in range(1, ROWS + 1)]
    invalid = {f"https://ig.com/k{n}" for n in range(7, ROWS + 1, 20)}
    for row in rows:
        if row[1] in invalid:
            row[2] = "5"  # below the minimum: never sent
    valid = [row[1] for row in rows if row[1] not in invalid]
    file = write_csv(tmp_path / "big.csv", rows)
    rng = random.Random(20240611)

    for attempt in range(KILLS):
        kill_at_a_random_point(cli, file, rng, attempt)
        on_panel = links_on(slow_panel)
        assert max(on_panel.values(), default=0) <= 1, "a row was placed twice"
        assert not set(on_panel) & invalid

    before = links_on(slow_panel)
    finished = cli("import", file, "--yes", "--json", code=1)  # 1: invalid (and unknown) rows
    summary = finished.json
    after = links_on(slow_panel)
    assert summary["rows"] == ROWS and summary["invalid"] == len(invalid)
    assert summary["placed"] + summary["unknown"] == len(valid)
    unknown = {r["link"]: r["row"] for r in summary["unresolved"]}
    states = {r["link"]: r["state"] for r in summary["results"]}
    for link in valid:
        if link in unknown:  # sent when a kill hit: on the panel 0 or 1 times, not resent
            assert after[link] == before[link] <= 1
        else:
            assert states[link] == "placed" and after[link] == 1
    assert sum(after.values()) == len(valid) - sum(1 for link in unknown if not after[link])
    if unknown:
        listed = ", ".join(str(n) for n in sorted(unknown.values())[:20])
        assert f"their outcome is unknown (rows {listed}" in finished.err
        ids = {str(o["link"]): str(o["id"]) for o in slow_panel.orders()}
        settle: list[str] = []
        for link, number in unknown.items():
            settle += (
                [f"--resolve={number}={ids[link]}"] if link in ids else ["--resend", str(number)]
            )
        cli("import", file, *settle, "--yes", code=1)

    final = links_on(slow_panel)
    assert final == Counter(valid)  # every valid row exactly once, nothing else
    result = json.loads(cli("import", file, "--yes", "--json", code=1).out)
    assert (result["placed"], result["unknown"], result["placed_now"]) == (len(valid), 0, 0)
