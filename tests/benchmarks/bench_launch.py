"""Benchmark: from launch to a usable window, from source (budget 1.5 s).

Each run is a new Python process running ``smmdesk.app.main`` (the ``smmdesk`` command).
A probe in that process watches for the main window's first paint — by then the panels,
balances and saved catalog are read from SQLite and shown — and for the event loop's next
turn (the window answers); it prints the time since the parent launched the process, then
closes the window. Three cases: a data folder with a panel, 2,000 orders and its catalog
(the everyday start), a first run (empty folder: the welcome page), and ``--demo`` (which
also starts the demo panel and adds its accounts before the window shows).

    QT_QPA_PLATFORM=offscreen python -m tests.benchmarks.bench_launch [--runs 5] [--orders N]

``--orders 1000000`` adds a history of a million final orders to the everyday folder (a
big reseller's start: the history must not slow it down).

Not a pytest test: budgets are read, not asserted.
"""

from __future__ import annotations

import argparse
import asyncio
import json
import os
import statistics
import subprocess
import sys
import tempfile
import time
from pathlib import Path

ROOT = Path(__file__).resolve().parents[2]
BUDGET_S = 1.5


# --- the child: the program, with a probe --------------------------------------------------


def child(started: float, args: list[str]) -> int:
    """Run the program; print {"painted": s, "usable": s} since ``started`` (time.time())."""
    from PySide6.QtCore import QEvent, QObject, QTimer
    from PySide6.QtWidgets import QApplication, QWidget

    app = QApplication([sys.argv[0]])
    times: dict[str, float] = {}

    class Probe(QObject):
        def eventFilter(self, watched: QObject, event: QEvent) -> bool:
            if "painted" in times or event.type() != QEvent.Type.Paint:
                return False
            if isinstance(watched, QWidget) and watched.window().objectName() == "mainWindow":
                times["painted"] = time.time() - started
                window = watched.window()
                QTimer.singleShot(0, lambda: answered(window))
            return False

    def answered(window: QWidget) -> None:
        times["usable"] = time.time() - started
        print(json.dumps(times), flush=True)
        window.close()

    probe = Probe()
    app.installEventFilter(probe)
    from smmdesk.app import main

    return main(args)


# --- the parent: data folders and measurements ------------------------------------------------


def prepare_folder(folder: Path, keyring_file: Path, history_size: int = 0) -> object:
    """A data folder with a demo panel, its catalog and 2,000 tracked orders, and
    ``history_size`` more orders of the past written straight into its history
    (tests/helpers/history.py); the panel."""
    from smmdesk.core import store
    from smmdesk.core.desk import Desk
    from smmdesk.core.secrets import KeyStore
    from smmdesk.demo.server import DemoPanel
    from tests.helpers.keyrings import KEYRING_FILE_ENV, FileKeyring

    os.environ[KEYRING_FILE_ENV] = str(keyring_file)
    panel = DemoPanel().start()

    async def fill() -> None:
        desk = Desk(folder, KeyStore(backend=FileKeyring()))
        added = await desk.add_panel("Main", panel.url, panel.key)
        await desk.refresh_catalog("Main")
        with store.transaction(desk.db):
            for remote_id in panel.seed_orders(2000):
                store.track(desk.db, added.id, remote_id)
        if history_size:
            from tests.helpers import history

            history.fill(desk.db, history_size, panels=[added], final=True)
        await desk.aclose()

    asyncio.run(fill())
    return panel


def launch(args: list[str], env: dict[str, str]) -> dict[str, float]:
    started = time.time()
    done = subprocess.run(
        [sys.executable, "-m", "tests.benchmarks.bench_launch", "--child", str(started), *args],
        cwd=ROOT,
        env=env,
        capture_output=True,
        text=True,
        timeout=120,
    )
    lines = [line for line in done.stdout.splitlines() if line.startswith("{")]
    if done.returncode != 0 or not lines:
        raise RuntimeError(f"the program failed ({done.returncode}): {done.stderr[-800:]}")
    return json.loads(lines[-1])


def measure(title: str, args: list[str], env: dict[str, str], runs: int) -> None:
    results = [launch(args, env) for _ in range(runs)]
    usable = [r["usable"] for r in results]
    painted = [r["painted"] for r in results]
    median = statistics.median(usable)
    verdict = "OK" if median <= BUDGET_S else "OVER BUDGET"
    print(
        f"{title:<34} usable: median {median:.2f} s, first {usable[0]:.2f} s, "
        f"best {min(usable):.2f} s (first paint median {statistics.median(painted):.2f} s)"
        f"  budget {BUDGET_S} s: {verdict}",
        flush=True,
    )


def main(argv: list[str] | None = None) -> None:
    argv = sys.argv[1:] if argv is None else argv
    if argv[:1] == ["--child"]:
        raise SystemExit(child(float(argv[1]), argv[2:]))
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--runs", type=int, default=5)
    parser.add_argument(
        "--orders", type=int, default=0, help="a history of this many orders more (1000000)"
    )
    args = parser.parse_args(argv)
    with tempfile.TemporaryDirectory(prefix="smmdesk-launch-") as tmp:
        folder, keys = Path(tmp) / "data", Path(tmp) / "keys.json"
        panel = prepare_folder(folder, keys, args.orders)
        env = {
            **os.environ,
            "QT_QPA_PLATFORM": os.environ.get("QT_QPA_PLATFORM", "offscreen"),
            "PYTHON_KEYRING_BACKEND": "tests.helpers.keyrings.FileKeyring",
            "SMMDESK_TEST_KEYRING_FILE": str(keys),
        }
        try:
            print(f"{args.runs} launches each, from source ({sys.executable})", flush=True)
            size = f"{2000 + args.orders:,} orders"
            measure(f"data folder: 1 panel, {size}", ["--data-dir", str(folder)], env, args.runs)
            empty = Path(tmp) / "empty"
            measure("first run (welcome page)", ["--data-dir", str(empty)], env, args.runs)
            measure("--demo", ["--demo"], env, args.runs)
        finally:
            panel.stop()  # type: ignore[attr-defined]


if __name__ == "__main__":
    main()
